from django.contrib.auth.models import User
from django.urls import reverse

from open137.cases.models import CaseEvent
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Status, Step
from open137.intelligence import actions
from open137.intelligence.models import Incident, SubjectTuning


class IncidentAdminTests(CityTestCase):
    def setUp(self) -> None:
        self.root = User.objects.create_superuser("root", password="secret-pass-137")
        self.client.force_login(self.root)

    def test_the_lists_and_forms_open(self) -> None:
        incident = actions.declare_incident(subject=self.works_subject, by=self.bob,
                                            message_fa="در حال رسیدگی")
        for name in ["admin:intelligence_incident_changelist", "admin:intelligence_incident_add",
                     "admin:intelligence_subjecttuning_changelist",
                     "admin:intelligence_subjecttuning_add"]:
            self.assertEqual(self.client.get(reverse(name)).status_code, 200, name)
        url = reverse("admin:intelligence_incident_change", args=[incident.pk])
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_an_incident_declared_in_the_admin_goes_through_the_action(self) -> None:
        url = reverse("admin:intelligence_incident_add")
        form = {"subject": self.works_subject.pk, "district": self.district.pk, "area": "null",
                "starts_at_0": "2025-01-05", "starts_at_1": "08:00", "ends_at_0": "",
                "ends_at_1": "", "message_fa": "برف‌روبی در جریان است", "message_en": "",
                "links-TOTAL_FORMS": "0", "links-INITIAL_FORMS": "0"}
        answer = self.client.post(url, {**form, "message_fa": " "})
        self.assertEqual(answer.status_code, 200)
        self.assertFalse(Incident.objects.exists())
        answer = self.client.post(url, form)
        self.assertEqual(answer.status_code, 302)
        incident = Incident.objects.get()
        self.assertEqual(incident.created_by, self.root)
        self.assertEqual(incident.district, self.district)

    def test_resolving_from_the_admin_asks_for_the_note_then_resolves_the_requests(self) -> None:
        incident = actions.declare_incident(subject=self.works_subject, by=self.bob,
                                            message_fa="در حال رسیدگی")
        case = self.new_case()
        actions.attach_case_to_incident(case, incident=incident, by=self.alice)
        url = reverse("admin:intelligence_incident_changelist")
        chosen = {"action": "resolve", "_selected_action": [incident.pk]}
        self.assertContains(self.client.post(url, chosen), "note")
        self.client.post(url, {**chosen, "apply": "1", "note": "همه معابر باز شد"})
        incident.refresh_from_db()
        case.refresh_from_db()
        self.assertEqual(incident.status, Incident.State.RESOLVED)
        self.assertEqual(case.status, Status.RESOLVED)
        self.assertEqual(CaseEvent.objects.filter(case=case, step=Step.RESOLVE).count(), 1)

    def test_subject_tuning_is_edited_in_the_admin(self) -> None:
        url = reverse("admin:intelligence_subjecttuning_add")
        answer = self.client.post(url, {"subject": self.works_subject.pk, "radius_m": "300",
                                        "window_days": ""})
        self.assertEqual(answer.status_code, 302)
        tuning = SubjectTuning.objects.get()
        self.assertEqual((tuning.radius, tuning.window), (300, 14))
