"""The portal asks a subject's extra questions and checks the answers as Open311 does."""

from django.conf import settings

from open137.cases.models import Case
from open137.directory.models import Subject
from open137.portal.tests.helpers import PortalTestCase


class SubjectQuestionsTests(PortalTestCase):
    def setUp(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.subject = Subject.objects.filter(attributes__isnull=False).exclude(
            attributes=[]).first()
        assert self.subject is not None
        self.required = [q for q in self.subject.attributes if q.get("required")]

    def post(self, **extra: str):
        data = {"subject": self.subject.code, "kind": "request",
                "description": "راننده تاکسی بدرفتاری کرد", **extra}
        return self.client.post("/", data)

    def test_the_questions_are_shown_and_the_answers_kept_on_the_request(self) -> None:
        page = self.client.get("/")
        self.assertContains(page, f'data-questions-for="{self.subject.code}"')
        answers = {f"attribute[{q['code']}]": "12" if q.get("datatype") == "number" else (
            q["values"][0]["key"] if q.get("values") else "ع ۱۲ ایران ۳۴")
                   for q in self.subject.attributes if q.get("variable", True) is not False}
        response = self.post(**answers)
        self.assertEqual(response.status_code, 302, response.content[:300])
        case = Case.objects.get()
        self.assertEqual(set(case.attributes), {k[10:-1] for k in answers})

    def test_a_required_question_left_empty_is_refused(self) -> None:
        if not self.required:
            self.skipTest("the pack's subject has no required question")
        response = self.post()
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Case.objects.exists())
        self.assertContains(response, "must be answered")
