from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from open137.api.tests.base import ApiTestCase
from open137.cases import actions
from open137.cases.models import Channel
from open137.core.dates import jalali_iso
from open137.core.text import persian_digits


class RequestListTests(ApiTestCase):
    def codes(self, answer) -> set[str]:
        self.assertEqual(answer.status_code, 200, answer.content)
        return {r["tracking_code"] for r in answer.json()["results"]}

    def test_the_centre_lists_every_request_newest_first_in_pages(self) -> None:
        cases = [self.new_case() for _ in range(3)]
        answer = self.client_for(self.alice).get("/api/v1/requests/", {"page_size": 2})
        body = answer.json()
        self.assertEqual(body["count"], 3)
        self.assertEqual([r["id"] for r in body["results"]], [str(cases[2].pk), str(cases[1].pk)])
        self.assertIn("page=2", body["next"])
        self.assertIsNone(body["previous"])
        last = self.client_for(self.alice).get(body["next"]).json()
        self.assertEqual([r["id"] for r in last["results"]], [str(cases[0].pk)])

    def test_unit_staff_list_only_what_was_referred_to_their_unit(self) -> None:
        mine = self.new_case()
        self.new_case(subject=self.org_subject)
        self.assertEqual(self.codes(self.client_for(self.charlie).get("/api/v1/requests/")),
                         {mine.tracking_code})

    def test_filters_by_status_subject_district_unit_kind_and_channel(self) -> None:
        works = self.new_case(channel=Channel.WEB)
        org = self.new_case(subject=self.org_subject)
        actions.accept_case(works, by=self.charlie)
        client = self.client_for(self.bob)
        cases = {
            "status": ("in_progress", {works}),
            "service_code": (self.org_subject.code, {org}),
            "subject": (self.works_subject.code, {works}),
            "district": (self.district.code, {works, org}),
            "unit": (self.unit.code, {works}),
            "channel": ("web", {works}),
            "kind": (works.kind.code, {works, org}),
        }
        for name, (value, expected) in cases.items():
            with self.subTest(name=name):
                self.assertEqual(self.codes(client.get("/api/v1/requests/", {name: value})),
                                 {c.tracking_code for c in expected})
        both = client.get("/api/v1/requests/", {"status": "in_progress,referred"})
        self.assertEqual(self.codes(both), {works.tracking_code, org.tracking_code})

    def test_a_date_range_in_iso_or_jalali_with_any_digits(self) -> None:
        old = self.new_case(at=timezone.now() - timedelta(days=20))
        new = self.new_case()
        client = self.client_for(self.alice)
        ten_days_ago = timezone.localdate() - timedelta(days=10)
        for value in (ten_days_ago.isoformat(), persian_digits(jalali_iso(ten_days_ago)),
                      jalali_iso(ten_days_ago).replace("-", "/"),
                      (timezone.now() - timedelta(days=10)).isoformat()):
            with self.subTest(value=value):
                self.assertEqual(
                    self.codes(client.get("/api/v1/requests/", {"created_after": value})),
                    {new.tracking_code})
                self.assertEqual(
                    self.codes(client.get("/api/v1/requests/", {"created_before": value})),
                    {old.tracking_code})

    def test_a_date_alone_as_the_end_includes_that_whole_day(self) -> None:
        case = self.new_case()
        today = timezone.localdate().isoformat()
        self.assertEqual(self.codes(self.client_for(self.alice).get(
            "/api/v1/requests/", {"created_before": today})), {case.tracking_code})

    def test_overdue_lists_open_requests_past_their_result_deadline(self) -> None:
        late = self.new_case(at=timezone.now() - timedelta(days=60))
        done_late = self.new_case(at=timezone.now() - timedelta(days=60))
        actions.resolve_case(done_late, note="انجام شد", by=self.charlie)
        fresh = self.new_case()
        client = self.client_for(self.alice)
        self.assertEqual(self.codes(client.get("/api/v1/requests/", {"overdue": "true"})),
                         {late.tracking_code})
        self.assertEqual(self.codes(client.get("/api/v1/requests/", {"overdue": "false"})),
                         {done_late.tracking_code, fresh.tracking_code})
        listed = client.get("/api/v1/requests/", {"overdue": "true"}).json()["results"][0]
        self.assertTrue(listed["overdue"])

    def test_search_treats_persian_letter_variants_digits_and_half_spaces_alike(self) -> None:
        case = self.new_case(description="کارتن\u200cخواب کنار پارک آزادی پلاک ۱۲")
        other = self.new_case(description="چاله")
        client = self.client_for(self.alice)
        for query in ("كارتن خواب", "کارتنخواب", "ازادی", "پلاک 12", "پلاك ١٢"):
            with self.subTest(query=query):
                self.assertEqual(self.codes(client.get("/api/v1/requests/", {"q": query})),
                                 {case.tracking_code})
        code = persian_digits(other.tracking_code)
        self.assertEqual(self.codes(client.get("/api/v1/requests/", {"q": code})),
                         {other.tracking_code})

    def test_search_by_phone_only_for_roles_that_see_contacts(self) -> None:
        case = self.new_case(contact_phone="09121234567")
        self.new_case()
        self.assertEqual(self.codes(self.client_for(self.alice).get(
            "/api/v1/requests/", {"q": "۰۹۱۲ ۱۲۳ ۴۵۶۷"})), {case.tracking_code})
        self.assertEqual(self.codes(self.client_for(self.erin).get(
            "/api/v1/requests/", {"q": "09121234567"})), set())

    def test_bad_filters_are_400_on_the_parameter(self) -> None:
        client = self.client_for(self.alice, **{"Accept-Language": "en"})
        for name, value in [("status", "lost"), ("service_code", "nothing"),
                            ("district", "district-99"), ("unit", "nobody"),
                            ("channel", "pigeon"), ("overdue", "maybe"),
                            ("created_after", "yesterday"), ("created_before", "1405/13/40"),
                            ("updated_after", "2026-01-01T99:00")]:
            with self.subTest(name=name):
                answer = client.get("/api/v1/requests/", {name: value})
                self.assertEqual(answer.status_code, 400)
                self.assertEqual(list(answer.json()), [name])

    def test_empty_parameters_are_the_same_as_missing_ones(self) -> None:
        self.new_case()
        answer = self.client_for(self.alice).get(
            "/api/v1/requests/", {"status": "", "q": "", "overdue": "", "created_after": ""})
        self.assertEqual(answer.json()["count"], 1)

    def test_a_page_past_the_end_is_404(self) -> None:
        answer = self.client_for(self.alice).get("/api/v1/requests/", {"page": 9})
        self.assertEqual(answer.status_code, 404)
        self.assertIn("detail", answer.json())

    def test_council_and_inspectors_see_contacts_masked(self) -> None:
        self.new_case(contact_phone="09121234567", contact_name="مریم")
        for user in (self.erin, self.ivan):
            with self.subTest(user=user.username):
                row = self.client_for(user).get("/api/v1/requests/").json()["results"][0]
                self.assertEqual(row["contact"], {"name": None, "phone": "0912***4567",
                                                  "email": None, "masked": True})
        row = self.client_for(self.charlie).get("/api/v1/requests/").json()["results"][0]
        self.assertEqual(row["contact"], {"name": "مریم", "phone": "09121234567",
                                          "email": None, "masked": False})

    def test_listing_thirty_requests_costs_as_many_queries_as_listing_one(self) -> None:
        client = self.client_for(self.alice)
        self.new_case()

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(client.get("/api/v1/requests/").status_code, 200)
            return len(ctx.captured_queries)

        one = count()
        for _ in range(29):
            self.new_case(subject=self.org_subject)
        self.assertEqual(count(), one)
        self.assertLessEqual(one, 6)
