"""A surge warning and each escalation reach the supervisors once, as they asked."""

from datetime import timedelta

from django.test import override_settings

from open137.cases import jobs
from open137.cases.testing import CityTestCase
from open137.directory.models import Staff
from open137.intelligence.actions import alert_surges
from open137.notifications.models import DeliveryChannel, Message


class AlertsTests(CityTestCase):
    def setUp(self) -> None:
        self.bob.email = "bob@example.org"
        self.bob.save()
        Staff.objects.filter(user=self.bob).update(alerts=Staff.Alerts.BOTH,
                                                   alert_phone="+989121110000")

    @override_settings(SURGE_MIN_COUNT=3, SURGE_FACTOR=2.0)
    def test_a_surge_is_told_once_in_the_desk_by_email_and_by_sms(self) -> None:
        for _n in range(4):
            self.new_case()
        self.assertEqual(alert_surges(), 1)
        alert_surges()  # the same surge, the same day: nothing new
        sent = Message.objects.filter(kind="surge")
        self.assertEqual(sorted(sent.values_list("channel", flat=True)),
                         [DeliveryChannel.EMAIL, DeliveryChannel.INAPP, DeliveryChannel.SMS])
        self.client.force_login(self.bob)
        page = self.client.get("/desk/alerts/")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["page_obj"].paginator.count, 1)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/desk/alerts/").status_code, 403)

    def test_each_escalation_reaches_the_supervisor_once(self) -> None:
        case = self.new_case()
        later = case.resolve_by + timedelta(hours=1)
        jobs.escalate(later)
        jobs.escalate(later + timedelta(hours=1))
        inapp = Message.objects.filter(kind="overdue", channel=DeliveryChannel.INAPP)
        # Two deadlines passed (first action and result): two escalations, each once.
        self.assertEqual(inapp.count(), 2)
        self.assertEqual(Message.objects.filter(
            kind="overdue", channel=DeliveryChannel.SMS).count(), 2)
        self.assertTrue(case.events.filter(step="overdue").exists())
