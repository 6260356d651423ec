from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from open137.cases import actions
from open137.cases.testing import CityTestCase, make_user
from open137.cases.workflow import Status
from open137.core.text import persian_digits
from open137.directory.models import Staff, Subject


class InboxTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.charlie)

    def rows(self, query: str = "") -> list[object]:
        response = self.client.get(f"/desk/inbox/{query}")
        self.assertEqual(response.status_code, 200)
        return list(response.context["page_obj"])

    def test_the_inbox_holds_only_the_units_open_requests_nearest_deadline_first(self) -> None:
        old = self.new_case(at=timezone.now() - timedelta(days=60))
        new = self.new_case()
        self.new_case(subject=self.org_subject)  # another unit's
        done = self.new_case()
        actions.resolve_case(done, note="انجام شد", by=self.charlie)
        self.assertEqual(self.rows(), [old, new])
        response = self.client.get("/desk/inbox/")
        self.assertContains(response, 'class="table-danger"')
        self.assertContains(response, 'data-testid="overdue"', count=1)

    def test_each_request_shows_its_address_and_the_neighbourhood_it_is_in(self) -> None:
        from shapely.geometry import Point, shape

        from open137.places.models import Place, PlaceKind

        area = shape(self.district.geometry)
        here = next(p for p in Place.objects.filter(kind=PlaceKind.NEIGHBOURHOOD)
                    if area.contains(Point(p.lon, p.lat)))
        self.new_case(lat=here.lat, lon=here.lon, address="کوچه لاله، پلاک 12")
        response = self.client.get("/desk/inbox/")
        self.assertContains(response, "کوچه لاله، پلاک ۱۲")
        self.assertContains(response, f"نزدیک {here.names.get('name:fa') or here.name}")

    def test_filters_by_status_subject_district_overdue_and_text(self) -> None:
        late = self.new_case(at=timezone.now() - timedelta(days=60), description="چاله عمیق")
        fresh = self.new_case(description="ترک در آسفالت")
        actions.accept_case(fresh, by=self.charlie)
        self.assertEqual(self.rows("?status=in_progress"), [fresh])
        self.assertEqual(self.rows(f"?subject={self.works_subject.pk}"), [late, fresh])
        self.assertEqual(self.rows(f"?district={self.district.pk}"), [late, fresh])
        self.assertEqual(self.rows("?overdue=on"), [late])
        self.assertEqual(self.rows("?q=عميق"), [late])  # Arabic yeh finds Persian yeh
        code = persian_digits(fresh.tracking_code[:6])
        self.assertEqual(self.rows(f"?q={code}"), [fresh])
        other = Subject.objects.exclude(pk=self.works_subject.pk).first()
        self.assertEqual(self.rows(f"?subject={other.pk}"), [])
        resolved = self.new_case()
        actions.resolve_case(resolved, note="done", by=self.charlie)
        self.assertEqual(self.rows("?status=all"), [late, fresh, resolved])

    def test_a_bad_filter_is_reported_and_the_rest_still_apply(self) -> None:
        self.client.cookies["django_language"] = "en"
        case = self.new_case()
        response = self.client.get("/desk/inbox/?status=bogus&subject=99999")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Choose a status from the list.", status_code=400)
        self.assertContains(response, "Choose a subject from the list.", status_code=400)
        self.assertEqual(list(response.context["page_obj"]), [case])

    def test_only_unit_roles_have_an_inbox(self) -> None:
        for user in (self.alice, self.bob, make_user("erin", Staff.Role.COUNCIL)):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/desk/inbox/").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/desk/inbox/").status_code, 302)

    def test_a_manager_sees_the_same_inbox(self) -> None:
        case = self.new_case()
        self.client.force_login(make_user("frank", Staff.Role.UNIT_MANAGER, self.unit))
        self.assertEqual(self.rows(), [case])

    def test_the_inbox_reads_as_many_queries_for_thirty_rows_as_for_one(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.client.get("/desk/inbox/")
            return len(ctx.captured_queries)

        self.new_case(at=timezone.now() - timedelta(days=60))
        one = count()
        for n in range(29):
            self.new_case(at=timezone.now() - timedelta(days=n))
        self.assertEqual(count(), one)


class BulkAcceptTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.charlie)
        self.client.cookies["django_language"] = "en"

    def test_bulk_accept_takes_each_ticked_request_and_says_how_many(self) -> None:
        first, second, third = self.new_case(), self.new_case(), self.new_case()
        actions.accept_case(third, by=self.charlie)
        response = self.client.post("/desk/inbox/accept/",
                                    {"ids": [first.pk, second.pk, third.pk],
                                     "next": "/desk/inbox/?status=all"}, follow=True)
        self.assertRedirects(response, "/desk/inbox/?status=all")
        self.assertContains(response, "2 requests were accepted.")
        self.assertContains(response, "1 request was not waiting for acceptance")
        for case in (first, second):
            case.refresh_from_db()
            self.assertEqual(case.status, Status.IN_PROGRESS)

    def test_nothing_ticked_is_a_clear_error(self) -> None:
        self.new_case()
        response = self.client.post("/desk/inbox/accept/", {})
        self.assertContains(response, "Tick at least one request", status_code=400)

    def test_another_units_request_cannot_be_slipped_in(self) -> None:
        mine = self.new_case()
        theirs = self.new_case(subject=self.org_subject)
        response = self.client.post("/desk/inbox/accept/", {"ids": [mine.pk, theirs.pk]})
        self.assertContains(response, "not in your inbox", status_code=400)
        mine.refresh_from_db()
        theirs.refresh_from_db()
        self.assertEqual((mine.status, theirs.status), (Status.REFERRED, Status.REFERRED))

    def test_bulk_accept_is_for_unit_roles_only(self) -> None:
        case = self.new_case()
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post("/desk/inbox/accept/", {"ids": [case.pk]}).status_code,
                         403)
