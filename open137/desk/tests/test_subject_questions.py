"""The desk asks a subject's extra questions at intake and shows the answers to the unit."""

from django.urls import reverse

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.cases.testing import CityTestCase, make_user
from open137.directory.models import Staff, Subject, Unit


class DeskSubjectQuestionsTests(CityTestCase):
    def test_the_answers_show_on_the_request_page_and_in_the_units_inbox(self) -> None:
        subject = Subject.objects.exclude(attributes=[]).first()
        assert subject is not None
        question = next(q for q in subject.attributes if q.get("variable", True) is not False
                        and not q.get("values") and q.get("datatype", "string") == "string")
        self.client.force_login(self.alice)
        fragment = self.client.get(reverse("desk:questions"), {"subject": subject.code})
        self.assertContains(fragment, f'name="attribute[{question["code"]}]"')
        case = actions.receive_case(subject=subject, channel=Channel.PHONE, by=self.alice,
                                    description="x", attributes={question["code"]: "۱۲ ع ۳۴"})
        page = self.client.get(reverse("desk:request", args=[case.pk]))
        self.assertContains(page, 'data-testid="extra-answer"')
        unit = case.unit
        assert isinstance(unit, Unit)
        self.client.force_login(make_user("ursula", Staff.Role.UNIT_STAFF, unit))
        inbox = self.client.get(reverse("desk:inbox"))
        self.assertContains(inbox, 'data-testid="extra-answer"')

    def test_a_wrong_answer_is_refused_at_intake(self) -> None:
        subject = Subject.objects.exclude(attributes=[]).first()
        assert subject is not None
        number = next((q for q in subject.attributes if q.get("datatype") == "number"), None)
        if number is None:
            self.skipTest("the pack's subject has no number question")
        self.client.force_login(self.alice)
        response = self.client.post(reverse("desk:intake"), {
            "subject": subject.code, "kind": "request", "description": "x",
            f"attribute[{number['code']}]": "many"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Case.objects.exists())
