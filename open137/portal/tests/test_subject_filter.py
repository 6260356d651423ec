from django.test import override_settings

from open137.cases.testing import CityTestCase
from open137.directory.models import Subject


class SubjectFilterTests(CityTestCase):
    """The citizen's own words narrow the subject groups, as the operator's search does."""

    def codes(self, query: str) -> list[str]:
        response = self.client.get("/portal/subjects", {"q": query})
        self.assertEqual(response.status_code, 200)
        return response.json()["codes"]

    def test_callers_words_find_the_subject_in_any_spelling(self) -> None:
        for words in ["چاله", "دست انداز", "pothole", "آسفالت"]:
            self.assertEqual(self.codes(words)[:1], ["asphalt"], words)
        self.assertEqual(self.codes("سگ ولگرد")[:1], ["stray-dogs"])
        self.assertEqual(self.codes("no such words"), [])
        self.assertEqual(self.codes(""), [])

    def test_a_subject_switched_off_is_not_offered(self) -> None:
        Subject.objects.filter(code="asphalt").update(active=False)
        self.assertNotIn("asphalt", self.codes("چاله"))

    def test_only_get_is_answered(self) -> None:
        self.assertEqual(self.client.post("/portal/subjects", {"q": "چاله"}).status_code, 405)

    @override_settings(RATE_LIMIT_CLASSIFY="2/m")
    def test_past_the_rate_limit_nothing_is_found(self) -> None:
        self.assertEqual(self.codes("چاله"), ["asphalt"])
        self.assertEqual(self.codes("چاله"), ["asphalt"])
        self.assertEqual(self.codes("چاله"), [])

    def test_the_form_carries_the_filter_for_browsers_with_scripts(self) -> None:
        page = self.client.get("/").content.decode()
        self.assertIn('id="subject-filter"', page)
        self.assertIn('id="subject-asphalt" value="asphalt"', page)
