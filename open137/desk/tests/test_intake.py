from typing import Any

from django.urls import reverse

from open137.cases import actions
from open137.cases.models import Case, Follower
from open137.cases.testing import CityTestCase, inside
from open137.cases.workflow import Status
from open137.core import tracking
from open137.core.text import persian_digits
from open137.directory.models import Kind, Subject


def fa(text: str) -> str:
    return persian_digits(text)


class IntakeFormTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def post(self, path: str = "/desk/", **fields: Any) -> Any:
        lat, lon = inside(self.district)
        data = {"subject": self.works_subject.code, "kind": Kind.objects.first().pk,
                "description": "چاله در خیابان", "lat": str(lat), "lon": str(lon),
                "address": "", "district": "", "contact_name": "رضا",
                "contact_phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷"}
        data.update(fields)
        return self.client.post(path, data)

    def test_operator_sees_the_intake_form_with_the_subject_search_focused(self) -> None:
        response = self.client.get("/desk/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="subject-search"')
        self.assertContains(response, "autofocus")
        self.assertContains(response, "data-ctrl-enter")
        self.assertNotContains(response, "<script>")

    def test_unit_staff_and_anonymous_users_cannot_open_the_desk(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/desk/").status_code, 403)
        self.assertEqual(self.client.post("/desk/", {}).status_code, 403)
        self.client.logout()
        response = self.client.get("/desk/call?caller=09121234567")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_recording_a_call_refers_it_and_shows_the_code_in_digit_groups(self) -> None:
        response = self.post()
        case = Case.objects.get()
        self.assertRedirects(response, reverse("desk:recorded", args=[case.pk]))
        self.assertEqual((case.status, case.unit, case.channel, case.created_by),
                         (Status.REFERRED, self.unit, "phone", self.alice))
        self.assertEqual(case.contact_phone, "+989121234567")
        page = self.client.get(response["Location"])
        self.assertContains(page, fa(tracking.grouped(case.tracking_code)))
        self.assertContains(page, fa(self.unit.name_fa))  # names in Persian digits too
        self.client.cookies["django_language"] = "en"
        page = self.client.get(response["Location"])
        self.assertContains(page, tracking.grouped(case.tracking_code))
        self.assertContains(page, self.unit.name_en)

    def test_a_call_with_only_an_address_and_district_is_routed_by_the_district(self) -> None:
        self.post(lat="", lon="", address="خیابان بهار، کوچه ۳", district=self.district.pk)
        case = Case.objects.get()
        self.assertEqual((case.unit, case.district, case.address),
                         (self.unit, self.district, "خیابان بهار، کوچه 3"))

    def test_a_typed_subject_that_matches_one_subject_is_taken_without_picking(self) -> None:
        self.post(subject="", subject_query=self.works_subject.name_en.upper())
        self.assertEqual(Case.objects.get().subject, self.works_subject)

    def test_a_missing_subject_and_a_bad_phone_are_shown_as_sentences(self) -> None:
        response = self.post(subject="", subject_query="", contact_phone="12345")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"subject_query", "contact_phone"})
        self.assertContains(response, "is-invalid", status_code=400)
        self.client.cookies["django_language"] = "en"
        response = self.post(subject="", subject_query="zzz", contact_phone="12345")
        self.assertContains(response, "Choose the subject from the list", status_code=400)
        self.assertContains(response, "Iranian phone number", status_code=400)
        self.assertEqual(Case.objects.count(), 0)

    def test_a_broken_map_point_is_refused_with_a_sentence(self) -> None:
        self.client.cookies["django_language"] = "en"
        response = self.post(lat="abc", lon="51")
        self.assertContains(response, "click the map again", status_code=400)
        response = self.post(lat="95", lon="51")
        self.assertContains(response, "Latitude must be", status_code=400)
        self.assertEqual(Case.objects.count(), 0)

    def test_the_operator_can_record_a_call_as_a_duplicate_of_an_open_request(self) -> None:
        original = self.new_case()
        response = self.post(duplicate_of=original.pk)
        case = Case.objects.exclude(pk=original.pk).get()
        self.assertRedirects(response, reverse("desk:recorded", args=[case.pk]))
        self.assertEqual((case.status, case.duplicate_of), (Status.CLOSED, original))
        self.assertTrue(Follower.objects.filter(case=original, phone="+989121234567").exists())
        self.assertContains(self.client.get(response["Location"]),
                            fa(original.tracking_code))

    def test_linking_to_a_finished_request_records_nothing(self) -> None:
        original = self.new_case()
        actions.resolve_case(original, note="انجام شد", by=self.charlie)
        response = self.post(duplicate_of=original.pk)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Case.objects.count(), 1)


class ScreenPopTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_the_screen_pop_shows_the_callers_earlier_requests_in_any_digit_form(self) -> None:
        mine = self.new_case(contact_phone="09121234567")
        self.new_case(contact_phone="09350000000")
        for caller in ["09121234567", "+989121234567", "۰۹۱۲۱۲۳۴۵۶۷", "989121234567",
                       "0912-123-4567"]:
            with self.subTest(caller=caller):
                response = self.client.get("/desk/call", {"caller": caller})
                self.assertEqual(response.status_code, 200)
                self.assertEqual([c.pk for c in response.context["history"]], [mine.pk])
                self.assertContains(response, fa(mine.tracking_code))
                self.assertContains(response, 'value="09121234567"')

    def test_a_caller_who_follows_a_request_sees_it_in_the_history(self) -> None:
        original = self.new_case()
        duplicate = self.new_case(contact_phone="09121234567")
        actions.link_duplicate(duplicate, original=original, by=self.alice)
        response = self.client.get("/desk/call?caller=09121234567")
        self.assertEqual({c.pk for c in response.context["history"]},
                         {original.pk, duplicate.pk})

    def test_a_malformed_caller_still_shows_the_form_with_a_clear_message(self) -> None:
        self.client.cookies["django_language"] = "en"
        response = self.client.get("/desk/call?caller=anonymous")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "could not be read")
        self.assertContains(response, 'id="subject-search"')

    def test_a_new_caller_is_told_they_have_no_earlier_requests(self) -> None:
        self.client.cookies["django_language"] = "en"
        response = self.client.get("/desk/call?caller=09121234567")
        self.assertContains(response, "no earlier requests")


class LookupTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)
        self.client.cookies["django_language"] = "en"

    def test_a_tracking_code_in_any_digits_opens_the_request(self) -> None:
        case = self.new_case()
        code = fa(tracking.grouped(case.tracking_code))
        response = self.client.get("/desk/lookup", {"q": code})
        self.assertRedirects(response, reverse("desk:request", args=[case.pk]))

    def test_a_phone_opens_the_callers_history(self) -> None:
        response = self.client.get("/desk/lookup", {"q": "۰۹۱۲۱۲۳۴۵۶۷"})
        self.assertRedirects(response, "/desk/call?caller=%2B989121234567")

    def test_a_mistyped_code_and_garbage_are_told_apart(self) -> None:
        case = self.new_case()
        code = case.tracking_code
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
        if wrong.startswith("9"):  # would read as a mobile number; change another digit
            wrong = "8" + wrong[1:]
        response = self.client.get("/desk/lookup", {"q": wrong})
        self.assertContains(response, "mistyped", status_code=400)
        response = self.client.get("/desk/lookup", {"q": "hello"})
        self.assertContains(response, "neither a tracking code", status_code=400)
        response = self.client.get("/desk/lookup", {"q": ""})
        self.assertContains(response, "Type a tracking code", status_code=400)

    def test_unit_staff_cannot_use_the_lookup(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/desk/lookup", {"q": "1"}).status_code, 403)


class SubjectSearchTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def codes(self, query: str) -> list[str]:
        response = self.client.get("/desk/subjects.json", {"q": query})
        self.assertEqual(response.status_code, 200)
        return [r["code"] for r in response.json()["results"]]

    def test_persian_english_and_synonyms_match_whatever_the_spelling(self) -> None:
        asphalt = Subject.objects.get(code="asphalt")
        Subject.objects.filter(pk=asphalt.pk).update(synonyms="چاله\nدست‌انداز")
        self.assertEqual(self.codes("آسفالت")[0], "asphalt")
        self.assertEqual(self.codes("اسفالت")[0], "asphalt")  # آ typed as ا
        self.assertEqual(self.codes("asph")[0], "asphalt")
        self.assertEqual(self.codes("ASPHALT")[0], "asphalt")
        self.assertIn("asphalt", self.codes("چاله"))
        self.assertIn("asphalt", self.codes("دست انداز"))  # ZWNJ typed as a space
        self.assertIn("garbage", self.codes("زباله"))
        self.assertIn("asphalt", self.codes("ترميم"))  # Arabic yeh
        self.assertEqual(self.codes(""), [])
        self.assertEqual(self.codes("no such thing at all"), [])

    def test_inactive_subjects_are_not_offered(self) -> None:
        Subject.objects.filter(code="asphalt").update(active=False)
        self.assertNotIn("asphalt", self.codes("asphalt"))

    def test_the_search_needs_a_staff_member(self) -> None:
        self.client.logout()
        self.assertEqual(self.client.get("/desk/subjects.json?q=a").status_code, 302)


class MapDataTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_a_clicked_point_gives_its_district_at_once(self) -> None:
        lat, lon = inside(self.district)
        response = self.client.get("/desk/locate.json", {"lat": lat, "lon": lon})
        self.assertEqual(response.json()["district"]["code"], self.district.code)
        self.assertEqual(response.json()["district"]["id"], self.district.pk)

    def test_a_point_outside_the_city_and_a_broken_point_are_told(self) -> None:
        self.client.cookies["django_language"] = "en"
        response = self.client.get("/desk/locate.json", {"lat": "10", "lon": "10"})
        self.assertIsNone(response.json()["district"])
        self.assertIn("outside every district", response.json()["message"])
        response = self.client.get("/desk/locate.json", {"lat": "x", "lon": "10"})
        self.assertEqual(response.status_code, 400)

    def test_district_outlines_are_geojson_named_in_the_language(self) -> None:
        data = self.client.get("/desk/districts.geojson").json()
        self.assertEqual(data["type"], "FeatureCollection")
        # Named with its neighbourhoods, Persian digits in Persian: «منطقه ۱ (…)».
        self.assertTrue(data["features"][0]["properties"]["name"].startswith(
            persian_digits(self.district.name_fa)))

    def test_the_map_settings_come_from_the_settings_and_have_no_tiles_by_default(self) -> None:
        response = self.client.get("/desk/")
        self.assertContains(response, '"tiles": ""')
        with self.settings(MAP_TILE_URL="/tiles/{z}/{x}/{y}.png"):
            response = self.client.get("/desk/")
        self.assertContains(response, "/tiles/{z}/{x}/{y}.png")


class DeskQueryCountTests(CityTestCase):
    def test_the_screen_pop_reads_as_many_queries_for_thirty_requests_as_for_one(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.alice)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.client.get("/desk/call?caller=09121234567")
            return len(ctx.captured_queries)

        self.new_case(contact_phone="09121234567")
        count()  # a running server's caches (the districts' neighbourhoods)
        one = count()
        for _ in range(29):
            self.new_case(contact_phone="09121234567")
        self.assertEqual(count(), one)


class HintTests(CityTestCase):
    """Suggested subjects and possible duplicates beside the form (when intelligence is in)."""

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_the_hint_fragments_answer_with_or_without_the_intelligence_app(self) -> None:
        response = self.client.get("/desk/suggestions", {"description": "چاله بزرگ در آسفالت"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        lat, lon = inside(self.district)
        response = self.client.get("/desk/duplicates", {
            "subject": self.works_subject.code, "lat": lat, "lon": lon, "description": "چاله"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")

    def test_the_hint_fragments_are_for_the_centre_only(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/desk/suggestions").status_code, 403)
        self.assertEqual(self.client.get("/desk/duplicates").status_code, 403)

    def test_an_open_request_nearby_on_the_same_subject_is_offered_for_linking(self) -> None:
        original = self.new_case()
        lat, lon = inside(self.district)
        response = self.client.get("/desk/duplicates", {
            "subject": self.works_subject.code, "lat": lat, "lon": lon,
            "description": original.description})
        self.assertContains(response, persian_digits(original.tracking_code))
        self.assertContains(response, f'name="duplicate_of" value="{original.pk}"')

    def test_suggestions_are_subjects_that_can_be_picked(self) -> None:
        response = self.client.get("/desk/suggestions", {"description": "زباله جمع نشده"})
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual(response.content.count(b"data-pick-subject"), 3)


class MassIncidentTests(CityTestCase):
    def setUp(self) -> None:
        from open137.intelligence.actions import declare_incident

        self.client.force_login(self.alice)
        self.incident = declare_incident(subject=self.works_subject, district=self.district,
                                         message_fa="آبگرفتگی گسترده در منطقه ۱", by=self.bob)

    def intake(self, **fields: Any) -> Any:
        lat, lon = inside(self.district)
        data = {"subject": self.works_subject.code, "kind": Kind.objects.first().pk,
                "lat": str(lat), "lon": str(lon), "contact_phone": "09121234567"}
        data.update(fields)
        return self.client.post("/desk/", data)

    def test_the_matching_incident_is_offered_first_beside_the_form(self) -> None:
        self.new_case()
        lat, lon = inside(self.district)
        response = self.client.get("/desk/duplicates", {
            "subject": self.works_subject.code, "lat": lat, "lon": lon})
        html = response.content.decode()
        self.assertIn(f'name="incident" value="{self.incident.pk}"', html)
        self.assertLess(html.index('name="incident"'), html.index('name="duplicate_of"'))

    def test_a_call_recorded_with_the_incident_button_is_attached_to_it(self) -> None:
        from open137.intelligence.models import IncidentCase

        response = self.intake(incident=self.incident.pk)
        case = Case.objects.get()
        self.assertRedirects(response, reverse("desk:recorded", args=[case.pk]))
        self.assertTrue(IncidentCase.objects.filter(case=case, incident=self.incident).exists())
        self.assertContains(self.client.get(response["Location"]), "آبگرفتگی گسترده")

    def test_a_resolved_or_unknown_incident_records_nothing(self) -> None:
        from open137.intelligence.actions import resolve_incident

        resolve_incident(self.incident, note="تخلیه شد", by=self.bob)
        for pk in (self.incident.pk, 999999):
            response = self.intake(incident=pk)
            self.assertEqual(response.status_code, 400)
        self.assertEqual(Case.objects.count(), 0)
