from datetime import date, datetime, timedelta

from django.http import QueryDict
from django.test import SimpleTestCase
from django.utils import timezone

from open137.cases import actions
from open137.cases.models import Case
from open137.cases.workflow import Status
from open137.directory.models import District, Unit
from open137.open311.params import BadRequest, request_filters
from open137.open311.tests import schemas
from open137.open311.tests.base import Open311TestCase


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def seconds(value: datetime | None) -> datetime | None:
    """Open311 times are given to the second."""
    return value.replace(microsecond=0) if value else None


class RequestListTests(Open311TestCase):
    def setUp(self) -> None:
        self.case = self.new_case(description="چاله عمیق", address="خیابان شهید بهشتی",
                                  contact_name="Reza Karimi", contact_phone="09121112233",
                                  contact_email="reza@example.com")

    def test_requests_are_listed_valid_against_the_official_schema(self) -> None:
        body = self.get_json("requests.json")
        schemas.validate(body, schemas.REQUESTS)
        item = body[0]
        self.assertEqual(item["service_request_id"], str(self.case.pk))
        self.assertEqual(item["status"], "open")
        self.assertEqual(item["service_code"], self.works_subject.code)
        self.assertEqual(item["service_name"], self.works_subject.name_en)
        self.assertEqual(item["description"], "چاله عمیق")
        self.assertEqual(item["address"], "خیابان شهید بهشتی")
        self.assertEqual(item["agency_responsible"], self.unit.name_en)
        self.assertEqual((item["lat"], item["long"]), (self.case.lat, self.case.lon))
        self.assertEqual(when(item["requested_datetime"]), seconds(self.case.created_at))
        self.assertEqual(when(item["expected_datetime"]), seconds(self.case.resolve_by))
        self.assertTrue(item["service_notice"])
        self.assertIsNone(item["media_url"])

    def test_dates_carry_the_citys_offset(self) -> None:
        item = self.get_json("requests.json")[0]
        for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
            self.assertTrue(item[name].endswith("+03:30"), item[name])

    def test_contact_details_are_never_shown(self) -> None:
        for fmt in ("json", "xml"):
            for extensions in ("", "true"):
                body = self.get(f"requests.{fmt}", extensions=extensions).content.decode()
                body += self.get(f"requests/{self.case.pk}.{fmt}",
                                 extensions=extensions).content.decode()
                for secret in ("Reza", "Karimi", "9121112233", "reza@example.com"):
                    self.assertNotIn(secret, body)

    def test_phone_numbers_and_emails_in_a_description_are_masked(self) -> None:
        self.new_case(description="تماس: 0912 111 2233 یا a.b@example.com، پلاک 12")
        item = self.get_json("requests.json")[0]
        self.assertEqual(item["description"], "تماس: *** یا ***، پلاک 12")

    def test_the_xml_list_has_the_specifications_elements(self) -> None:
        root = self.get_xml("requests.xml")
        self.assertEqual(root.tag, "service_requests")
        request = root.find("request")
        assert request is not None
        self.assertEqual(request.findtext("service_request_id"), str(self.case.pk))
        self.assertEqual(request.findtext("status"), "open")
        for name in ("status_notes", "service_name", "service_code", "description",
                     "agency_responsible", "service_notice", "requested_datetime",
                     "updated_datetime", "expected_datetime", "address", "address_id",
                     "zipcode", "lat", "long", "media_url"):
            self.assertIsNotNone(request.find(name), name)
        self.assertEqual(float(request.findtext("lat") or 0), self.case.lat)

    def test_a_single_request_is_a_list_of_one(self) -> None:
        body = self.get_json(f"requests/{self.case.pk}.json")
        schemas.validate(body, schemas.REQUESTS)
        self.assertEqual([r["service_request_id"] for r in body], [str(self.case.pk)])
        root = self.get_xml(f"requests/{self.case.pk}.xml")
        self.assertEqual(root.findtext("request/service_request_id"), str(self.case.pk))

    def test_an_unknown_request_is_not_found_in_json_and_xml(self) -> None:
        for rid in ("999999", "abc", "99999999999999999999999"):
            self.assertErrorJson(self.get(f"requests/{rid}.json"), 404, rid)
            self.assertErrorXml(self.get(f"requests/{rid}.xml"), 404, rid)

    def test_a_photo_uploaded_elsewhere_is_the_media_url(self) -> None:
        from django.core.files.base import ContentFile

        from open137.cases.models import Attachment

        attachment = Attachment(case=self.case)
        attachment.file.save("photo.jpg", ContentFile(b"jpeg"), save=True)
        item = self.get_json(f"requests/{self.case.pk}.json")[0]
        self.assertTrue(item["media_url"].startswith("http://testserver/"), item["media_url"])
        schemas.validate([item], schemas.REQUESTS)
        attachment.file.delete(save=False)

    def test_other_methods_are_refused(self) -> None:
        response = self.client.delete(f"/open311/v2/requests/{self.case.pk}.json")
        self.assertErrorJson(response, 405)


class StatusTests(Open311TestCase):
    def item(self, case: Case, extensions: str = "") -> dict:
        return self.get_json(f"requests/{case.pk}.json", extensions=extensions)[0]

    def test_resolved_is_still_open_and_its_result_is_the_status_note(self) -> None:
        case = self.new_case()
        actions.resolve_case(case, note="Filled and levelled.", by=self.charlie)
        item = self.item(case)
        self.assertEqual((item["status"], item["status_notes"]), ("open", "Filled and levelled."))

    def test_closed_and_rejected_are_closed(self) -> None:
        closed, rejected = self.new_case(), self.new_case()
        actions.resolve_case(closed, note="Done.", by=self.charlie)
        actions.close_case(closed, by=None, satisfied=True)
        actions.reject_case(rejected, reason="Private land.", by=self.charlie)
        self.assertEqual(self.item(closed)["status"], "closed")
        item = self.item(rejected)
        self.assertEqual((item["status"], item["status_notes"]), ("closed", "Private land."))
        self.assertEqual(when(self.item(closed)["updated_datetime"]),
                         seconds(Case.objects.get(pk=closed.pk).closed_at))

    def test_a_duplicate_is_closed_and_points_to_the_original(self) -> None:
        original, duplicate = self.new_case(), self.new_case()
        actions.link_duplicate(duplicate, original=original, by=self.alice)
        item = self.item(duplicate, extensions="true")
        self.assertEqual(item["status"], "closed")
        self.assertIn(str(original.pk), item["status_notes"])
        self.assertEqual(item["extended_attributes"]["duplicate_of"], str(original.pk))

    def test_a_plan_gives_its_reason_and_expected_date(self) -> None:
        case = self.new_case()
        expected = timezone.localdate() + timedelta(days=60)
        actions.plan_case(case, reason="budget", expected_date=expected, by=self.charlie,
                          note="In next year's budget.")
        item = self.item(case)
        self.assertEqual(item["status"], "open")
        self.assertEqual(item["status_notes"], "needs budget: In next year's budget.")
        self.assertEqual(when(item["expected_datetime"]).date(), expected)

    def test_a_reopened_request_no_longer_shows_its_old_result(self) -> None:
        case = self.new_case()
        actions.resolve_case(case, note="Filled.", by=self.charlie)
        actions.reopen_case(case, by=None, note="Still a hole")
        self.assertIsNone(self.item(case)["status_notes"])
        actions.plan_case(case, reason="budget", by=self.charlie,
                          expected_date=timezone.localdate() + timedelta(days=30))
        self.assertEqual(self.item(case)["status_notes"], "needs budget")

    def test_contact_details_in_a_result_are_masked(self) -> None:
        case = self.new_case()
        actions.reject_case(case, reason="Call Mr Rahimi on 09121112233.", by=self.charlie)
        item = self.item(case, extensions="true")
        self.assertEqual(item["status_notes"], "Call Mr Rahimi on ***.")
        self.assertEqual(item["notes"][-1]["description"], "Call Mr Rahimi on ***.")

    def test_internal_notes_never_become_status_notes(self) -> None:
        case = self.new_case()
        actions.return_case(case, reason="Not ours, call 09120000000", by=self.charlie)
        actions.refer_case(case, unit=self.other_unit, by=self.bob, note="internal remark")
        item = self.item(case, extensions="true")
        self.assertIsNone(item["status_notes"])
        text = str(item)
        self.assertNotIn("internal remark", text)
        self.assertNotIn("Not ours", text)


class ExtensionTests(Open311TestCase):
    def test_extended_attributes_and_the_public_history(self) -> None:
        case = self.new_case()
        actions.accept_case(case, by=self.charlie)
        actions.resolve_case(case, note="Patched.", by=self.charlie)
        item = self.get_json("requests.json", extensions="true")[0]
        schemas.validate([item], schemas.REQUESTS)
        self.assertEqual(item["extended_attributes"], {
            "detailed_status": "resolved",
            "channel": "phone",
            "district_code": self.district.code,
            "unit_code": self.unit.code,
            "priority": "normal",
            "duplicate_of": None,
        })
        self.assertEqual([n["type"] for n in item["notes"]],
                         ["receive", "refer", "accept", "resolve"])
        self.assertEqual(item["notes"][-1]["description"], "Patched.")
        self.assertEqual(item["notes"][1]["description"], f"Referred to {self.unit.name_en}.")
        self.assertEqual(item["notes"][-1]["detailed_status"], "resolved")
        for note in item["notes"]:
            self.assertTrue(note["datetime"].endswith("+03:30"))

    def test_without_extensions_there_are_none(self) -> None:
        self.new_case()
        item = self.get_json("requests.json")[0]
        self.assertNotIn("extended_attributes", item)
        self.assertNotIn("notes", item)

    def test_a_point_outside_every_district_has_no_district_code(self) -> None:
        case = self.new_case(lat=10.0, lon=10.0)
        attrs = self.get_json(f"requests/{case.pk}.json", extensions="true")[0][
            "extended_attributes"]
        self.assertIsNone(attrs["district_code"])
        self.assertEqual(attrs["detailed_status"], "triage")
        self.assertEqual(attrs["unit_code"], Unit.objects.get(is_triage=True).code)

    def test_triage_is_not_in_the_public_history(self) -> None:
        case = self.new_case(lat=10.0, lon=10.0)
        notes = self.get_json(f"requests/{case.pk}.json", extensions="true")[0]["notes"]
        self.assertEqual([n["type"] for n in notes], ["receive"])

    def test_extensions_in_xml(self) -> None:
        case = self.new_case()
        root = self.get_xml(f"requests/{case.pk}.xml", extensions="true")
        self.assertIsNone(root.find("request/extended_attributes/tracking_code"))
        self.assertEqual(root.findtext("request/extended_attributes/detailed_status"),
                         "referred")
        self.assertEqual(root.findtext("request/extended_attributes/duplicate_of"), "")
        self.assertEqual([n.findtext("type") for n in root.findall("request/notes/note")],
                         ["receive", "refer"])


class FilterTests(Open311TestCase):
    def ids(self, **params: str) -> list[str]:
        return [r["service_request_id"] for r in self.get_json("requests.json", **params)]

    def test_service_code_takes_a_comma_list(self) -> None:
        works = self.new_case()
        org = self.new_case(subject=self.org_subject)
        self.assertEqual(self.ids(service_code=self.org_subject.code), [str(org.pk)])
        self.assertEqual(set(self.ids(service_code=f"{self.org_subject.code},"
                                                   f"{self.works_subject.code}")),
                         {str(org.pk), str(works.pk)})
        self.assertEqual(self.ids(service_code="nothing"), [])

    def test_status_filters_open_and_closed(self) -> None:
        open_case, rejected = self.new_case(), self.new_case()
        actions.reject_case(rejected, reason="No.", by=self.charlie)
        self.assertEqual(self.ids(status="open"), [str(open_case.pk)])
        self.assertEqual(self.ids(status="closed"), [str(rejected.pk)])
        self.assertEqual(len(self.ids(status="open,closed")), 2)
        self.assertEqual(len(self.ids(status="")), 2)

    def test_an_unknown_status_is_a_400(self) -> None:
        self.assertErrorJson(self.get("requests.json", status="pending"), 400, "status")
        self.assertErrorXml(self.get("requests.xml", status="pending"), 400, "status")

    def test_the_default_window_is_the_last_90_days(self) -> None:
        recent = self.new_case()
        self.new_case(at=timezone.now() - timedelta(days=91))
        self.assertEqual(self.ids(), [str(recent.pk)])

    def test_start_and_end_dates_choose_the_window(self) -> None:
        old = self.new_case(at=datetime.fromisoformat("2025-03-10T10:00:00+03:30"))
        self.new_case(at=datetime.fromisoformat("2024-12-01T10:00:00+03:30"))
        self.new_case()
        self.assertEqual(self.ids(start_date="2025-03-01T00:00:00Z",
                                  end_date="2025-03-31T00:00:00Z"), [str(old.pk)])
        self.assertEqual(self.ids(start_date="2025-03-01T00:00:00+03:30"), [str(old.pk)])
        self.assertEqual(self.ids(end_date="2025-03-31T00:00:00Z"), [str(old.pk)])
        self.assertEqual(self.ids(start_date="2025-03-10T10:00:01+03:30",
                                  end_date="2025-03-31T00:00:00Z"), [])

    def test_an_unencoded_plus_in_an_offset_is_understood(self) -> None:
        old = self.new_case(at=datetime.fromisoformat("2025-03-10T10:00:00+03:30"))
        response = self.client.get("/open311/v2/requests.json?start_date="
                                   "2025-03-10T10:00:00+03:30&end_date=2025-03-11T00:00:00Z")
        self.assertEqual([r["service_request_id"] for r in response.json()], [str(old.pk)])

    def test_malformed_dates_are_a_400(self) -> None:
        for params in ({"start_date": "yesterday"}, {"end_date": "2025-13-45T00:00:00Z"}):
            self.assertErrorJson(self.get("requests.json", **params), 400, "ISO 8601")
            self.assertErrorXml(self.get("requests.xml", **params), 400, "ISO 8601")

    def test_a_window_may_not_run_backwards(self) -> None:
        self.assertErrorJson(self.get("requests.json", start_date="2025-03-01T00:00:00Z",
                                      end_date="2025-02-01T00:00:00Z"), 400, "end_date")
        self.assertErrorXml(self.get("requests.xml", start_date="2025-03-01T00:00:00Z",
                                     end_date="2025-02-01T00:00:00Z"), 400, "start_date")

    def test_a_window_longer_than_90_days_is_served_a_page_at_a_time(self) -> None:
        old = self.new_case(at=datetime.fromisoformat("2024-06-01T10:00:00+03:30"))
        new = self.new_case(at=datetime.fromisoformat("2025-03-01T10:00:00+03:30"))
        self.assertEqual(self.ids(start_date="2024-01-01T00:00:00Z",
                                  end_date="2025-06-01T00:00:00Z"), [str(new.pk), str(old.pk)])

    def test_service_request_id_overrides_every_other_filter(self) -> None:
        old = self.new_case(at=timezone.now() - timedelta(days=200))
        new = self.new_case()
        ids = self.ids(service_request_id=f"{old.pk},{new.pk},nonsense", status="closed",
                       service_code="nothing", start_date="bad")
        self.assertEqual(set(ids), {str(old.pk), str(new.pk)})

    def test_empty_parameters_behave_as_missing(self) -> None:
        case = self.new_case()
        self.assertEqual(self.ids(service_request_id="", service_code="", start_date="",
                                  end_date="", status="", jurisdiction_id="", page="",
                                  page_size="", extensions=""), [str(case.pk)])

    def test_pages_of_requests_newest_first(self) -> None:
        cases = [self.new_case(at=timezone.now() - timedelta(hours=h)) for h in range(5)]
        newest_first = [str(c.pk) for c in cases]
        self.assertEqual(self.ids(page_size="2"), newest_first[:2])
        self.assertEqual(self.ids(page_size="2", page="2"), newest_first[2:4])
        self.assertEqual(self.ids(page_size="2", page="3"), newest_first[4:])
        self.assertEqual(self.ids(page_size="2", page="4"), [])

    def test_malformed_pages_are_a_400(self) -> None:
        self.assertErrorJson(self.get("requests.json", page="0"), 400, "page")
        self.assertErrorXml(self.get("requests.xml", page_size="many"), 400, "page_size")


class FilterParsingTests(SimpleTestCase):
    tz = timezone.get_default_timezone()

    def test_by_default_the_last_90_days_and_at_most_1000_requests(self) -> None:
        filters = request_filters(QueryDict(""), self.tz)
        self.assertEqual(filters.page_size, 1000)
        assert filters.start and filters.end
        self.assertEqual(filters.end - filters.start, timedelta(days=90))

    def test_a_page_is_never_larger_than_1000(self) -> None:
        self.assertEqual(request_filters(QueryDict("page_size=5000"), self.tz).page_size, 1000)

    def test_a_start_date_alone_opens_a_90_day_window(self) -> None:
        filters = request_filters(QueryDict("start_date=2025-01-01"), self.tz)
        assert filters.start and filters.end
        self.assertEqual(filters.start.date(), date(2025, 1, 1))
        self.assertEqual(filters.end - filters.start, timedelta(days=90))

    def test_any_digits_are_read(self) -> None:
        filters = request_filters(QueryDict("page=۲&start_date=۲۰۲۵-۰۱-۰۱T00:00:00Z"), self.tz)
        self.assertEqual(filters.page, 2)

    def test_a_date_without_a_time_zone_is_the_citys(self) -> None:
        filters = request_filters(QueryDict("start_date=2025-01-01T08:00:00"), self.tz)
        assert filters.start
        self.assertEqual(filters.start.utcoffset(), timedelta(hours=3, minutes=30))

    def test_nonsense_is_refused(self) -> None:
        with self.assertRaises(BadRequest):
            request_filters(QueryDict("status=maybe"), self.tz)


class QueryCountTests(Open311TestCase):
    def add_requests(self, n: int) -> None:
        for i in range(n):
            case = self.new_case(subject=self.org_subject if i % 2 else None)
            if i % 3 == 0:
                actions.accept_case(case, by=self.charlie)
            if i % 4 == 0:
                actions.resolve_case(case, note="Done.", by=self.charlie)

    def count_queries(self, extensions: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            self.get_json("requests.json", extensions=extensions)
        return len(queries)

    def test_the_list_costs_the_same_queries_for_1_or_50_requests(self) -> None:
        self.add_requests(1)
        one = {e: self.count_queries(e) for e in ("", "true")}
        self.add_requests(49)
        self.assertEqual(len(self.get_json("requests.json")), 50)
        fifty = {e: self.count_queries(e) for e in ("", "true")}
        self.assertEqual(one, fifty)


class DistrictlessCityTests(Open311TestCase):
    def test_a_request_with_only_an_address_has_no_point(self) -> None:
        case = actions.receive_case(subject=self.org_subject, channel="phone", by=self.alice,
                                    address="Azadi square")
        item = self.get_json(f"requests/{case.pk}.json")[0]
        schemas.validate([item], schemas.REQUESTS)
        self.assertEqual((item["lat"], item["long"]), (None, None))
        self.assertEqual(District.objects.filter(cases=case).count(), 0)
        self.assertNotEqual(case.status, Status.TRIAGE)
