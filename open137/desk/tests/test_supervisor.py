from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from open137.cases import actions
from open137.cases.models import Case
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Status
from open137.core.text import persian_digits
from open137.directory.models import Subject


class SupervisorQueueTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.bob)
        self.other_subject = Subject.objects.filter(code="other").first() or self.works_subject

    def in_triage(self, **kwargs: Any) -> Case:
        # A district's subject with no place cannot be routed: it waits for triage.
        return self.new_case(lat=None, lon=None, **kwargs)

    def test_the_triage_queue_lists_what_routing_could_not_place_with_a_unit_field(self) -> None:
        waiting = self.in_triage()
        placed = self.new_case()
        response = self.client.get("/desk/triage/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["page_obj"]), [waiting])
        self.assertContains(response, persian_digits(waiting.tracking_code))
        self.assertNotContains(response, persian_digits(placed.tracking_code))
        # One type-ahead list of units for the page, not a list per request.
        self.assertContains(response, f'id="unit-{waiting.pk}" class="form-control '
                                      'form-control-sm" list="unit-choices"')
        self.assertContains(response, '<datalist id="unit-choices">', count=1)
        self.assertContains(response, persian_digits(self.other_unit.name_fa), count=1)

    def test_the_unit_is_found_by_its_name_as_typed_in_any_digits_or_by_its_code(self) -> None:
        for typed in (persian_digits(self.unit.name_fa), self.unit.name_fa.replace("ی", "ي"),
                      self.unit.code, str(self.unit.pk)):
            with self.subTest(typed=typed):
                waiting = self.in_triage()
                response = self.client.post(f"/desk/requests/{waiting.pk}/refer/",
                                            {"unit": typed, "next": "/desk/triage/"})
                self.assertRedirects(response, "/desk/triage/")
                waiting.refresh_from_db()
                self.assertEqual(waiting.unit, self.unit)

    def test_a_unit_nobody_has_is_refused_with_a_clear_message(self) -> None:
        waiting = self.in_triage()
        response = self.client.post(f"/desk/requests/{waiting.pk}/refer/",
                                    {"unit": "واحدی که نیست", "next": "/desk/triage/"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "یک واحد فعال را از فهرست انتخاب کنید", status_code=400)

    def test_units_are_listed_by_district_number(self) -> None:
        response = self.client.get("/desk/triage/")
        names = [u.code for u in response.context["units"]]
        self.assertLess(names.index("district-2"), names.index("district-10"))

    def test_referring_from_the_queue_sends_it_to_the_unit(self) -> None:
        waiting = self.in_triage()
        response = self.client.post(f"/desk/requests/{waiting.pk}/refer/",
                                    {"unit": self.unit.pk, "note": "", "next": "/desk/triage/"})
        self.assertRedirects(response, "/desk/triage/")
        waiting.refresh_from_db()
        self.assertEqual((waiting.status, waiting.unit), (Status.REFERRED, self.unit))
        self.assertEqual(list(self.client.get("/desk/triage/").context["page_obj"]), [])

    def test_the_centre_can_resolve_or_reject_a_request_in_triage(self) -> None:
        first, second = self.in_triage(), self.in_triage()
        self.client.post(f"/desk/requests/{first.pk}/resolve/",
                         {"note": "به شهروند توضیح داده شد", "next": "/desk/triage/"})
        self.client.post(f"/desk/requests/{second.pk}/reject/",
                         {"reason": "خارج از حوزه شهرداری", "next": "/desk/triage/"})
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual((first.status, second.status), (Status.RESOLVED, Status.REJECTED))

    def test_returned_requests_show_the_units_reason(self) -> None:
        case = self.new_case()
        actions.return_case(case, reason="این کوچه در حوزه منطقه ۲ است", by=self.charlie)
        response = self.client.get("/desk/triage/returned/")
        self.assertEqual(list(response.context["page_obj"]), [case])
        self.assertContains(response, "این کوچه در حوزه منطقه ۲ است")
        self.assertContains(response, persian_digits(self.unit.name_fa))

    def test_overdue_lists_open_requests_past_their_result_deadline(self) -> None:
        late = self.new_case(at=timezone.now() - timedelta(days=60))
        self.new_case()
        done = self.new_case(at=timezone.now() - timedelta(days=60))
        actions.resolve_case(done, note="انجام شد", by=self.charlie)
        planned = self.new_case(at=timezone.now() - timedelta(days=60))
        actions.plan_case(planned, reason="budget", by=self.charlie,
                          expected_date=timezone.localdate() + timedelta(days=30))
        response = self.client.get("/desk/triage/overdue/")
        self.assertEqual(list(response.context["page_obj"]), [late])
        self.assertEqual(response.context["counts"]["overdue"], 1)

    def test_overdue_filters_by_unit_and_shows_days_late_with_the_steps(self) -> None:
        late = self.new_case(at=timezone.now() - timedelta(days=60))
        elsewhere = self.new_case(subject=self.org_subject,
                                  at=timezone.now() - timedelta(days=60))
        response = self.client.get(f"/desk/triage/overdue/?unit={self.unit.pk}")
        self.assertEqual(list(response.context["page_obj"]), [late])
        self.assertNotEqual(elsewhere.unit, self.unit)
        days = response.context["page_obj"][0].days_late
        self.assertGreater(days, 30)
        self.assertContains(response, f"{persian_digits(days)} روز")
        for step in ("refer", "resolve", "reject"):
            self.assertContains(response, f"/desk/requests/{late.pk}/{step}/")
        everyone = self.client.get("/desk/triage/overdue/?unit=")
        self.assertEqual(len(everyone.context["page_obj"]), 2)

    def test_operators_and_unit_staff_cannot_open_the_supervisor_views(self) -> None:
        for user in (self.alice, self.charlie):
            self.client.force_login(user)
            for path in ("/desk/triage/", "/desk/triage/returned/", "/desk/triage/overdue/"):
                with self.subTest(user=user.username, path=path):
                    self.assertEqual(self.client.get(path).status_code, 403)

    def test_a_page_number_in_persian_digits_or_out_of_range_still_answers(self) -> None:
        self.in_triage()
        self.assertEqual(self.client.get("/desk/triage/?page=۱").status_code, 200)
        self.assertEqual(self.client.get("/desk/triage/?page=abc").status_code, 200)

    def test_the_lists_read_as_many_queries_for_thirty_rows_as_for_one(self) -> None:
        def count(path: str) -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(path).status_code, 200)
            return len(ctx.captured_queries)

        def add(n: int) -> None:
            for _ in range(n):
                self.in_triage()
                case = self.new_case(at=timezone.now() - timedelta(days=60))
                actions.return_case(case, reason="نه", by=self.charlie)
                self.new_case(at=timezone.now() - timedelta(days=60))

        add(1)
        one = {path: count(path) for path in ("/desk/triage/", "/desk/triage/returned/",
                                              "/desk/triage/overdue/")}
        add(29)
        thirty = {path: count(path) for path in one}
        self.assertEqual(one, thirty)
