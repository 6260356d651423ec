import json

from django.test import Client, override_settings

from open137.cases.models import Attachment, Case
from open137.cases.testing import inside
from open137.cases.workflow import Status
from open137.directory.actions import bump_config_version
from open137.directory.models import Subject, Unit
from open137.open311.actions import create_api_key, revoke_api_key
from open137.open311.models import ApiKey, Submission
from open137.open311.tests import schemas
from open137.open311.tests.base import ROOT, Open311TestCase, parse_xml


class PostRequestTests(Open311TestCase):
    def test_a_request_is_recorded_and_its_id_answered_at_once(self) -> None:
        response = self.post(service_code="taxi", address_string="میدان آزادی",
                             description="راننده کرایه اضافه گرفت", first_name="Sara",
                             last_name="Ahmadi", phone="0912 345 6789",
                             email="sara@example.com", account_id="u-17", device_id="dev-1")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body = json.loads(response.content)
        schemas.validate(body, schemas.CREATED)
        self.assertEqual(len(body), 1)
        self.assertNotIn("token", body[0])
        self.assertEqual(body[0]["account_id"], "u-17")
        case = Case.objects.get(pk=int(body[0]["service_request_id"]))
        self.assertIn(case.tracking_code, body[0]["service_notice"])
        self.assertEqual(case.channel, "open311")
        self.assertEqual(case.subject.code, "taxi")
        self.assertEqual(case.address, "میدان آزادی")
        self.assertEqual(case.contact_name, "Sara Ahmadi")
        self.assertEqual(case.contact_phone, "+989123456789")
        self.assertEqual(case.contact_email, "sara@example.com")
        self.assertEqual(case.language, "en")
        self.assertTrue(response["Location"].endswith(f"/open311/v2/requests/{case.pk}.json"))
        submission = Submission.objects.get(case=case)
        self.assertEqual((submission.api_key, submission.account_id, submission.device_id),
                         (self.key, "u-17", "dev-1"))
        self.key.refresh_from_db()
        self.assertIsNotNone(self.key.last_used_at)

    def test_a_request_is_routed_like_any_other(self) -> None:
        lat, lon = inside(self.district)
        body = json.loads(self.post(service_code=self.works_subject.code, lat=lat,
                                    long=lon).content)
        case = Case.objects.get(pk=int(body[0]["service_request_id"]))
        self.assertEqual(case.status, Status.REFERRED)
        self.assertEqual(case.unit, self.unit)
        self.assertEqual(case.district, self.district)
        self.assertEqual((case.lat, case.lon), (lat, lon))

    def test_an_organisations_subject_goes_to_the_organisation(self) -> None:
        body = json.loads(self.post(service_code="taxi", address_id="A-1").content)
        case = Case.objects.get(pk=int(body[0]["service_request_id"]))
        self.assertEqual(case.unit, Unit.objects.get(code="taxi"))
        self.assertEqual(case.open311_submission.address_id, "A-1")

    def test_the_xml_answer_has_the_specifications_elements(self) -> None:
        response = self.post("xml", service_code="taxi", address_string="Azadi square")
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response["Content-Type"], "text/xml; charset=utf-8")
        root = parse_xml(response.content)
        self.assertEqual(root.tag, "service_requests")
        request = root.find("request")
        assert request is not None
        self.assertTrue(Case.objects.filter(pk=int(request.findtext("service_request_id") or 0))
                        .exists())
        self.assertTrue(request.findtext("service_notice"))
        self.assertIsNotNone(request.find("account_id"))
        self.assertIsNone(request.find("token"))

    def test_answers_to_the_services_questions_are_kept(self) -> None:
        response = self.post(**{
            "service_code": "bus", "address_string": "Gohardasht",
            "attribute[line]": "120", "attribute[vehicle]": " 4417 ",
            "attribute[problem][]": ["late", "driver"], "attribute[unknown]": "ignored"})
        self.assertEqual(response.status_code, 201, response.content)
        case = Case.objects.get(pk=int(json.loads(response.content)[0]["service_request_id"]))
        self.assertEqual(case.attributes,
                         {"line": "120", "vehicle": "4417", "problem": ["late", "driver"]})

    def test_a_single_list_value_and_a_date_time_are_checked_and_kept(self) -> None:
        response = self.post(**{
            "service_code": "taxi", "address_string": "Azadi square",
            "attribute[plate]": "۱۲ ت ۳۴۵ ایران ۶۸", "attribute[problem]": "overcharging",
            "attribute[when]": "2025-01-31T14:30:00+03:30"})
        self.assertEqual(response.status_code, 201, response.content)
        case = Case.objects.get(pk=int(json.loads(response.content)[0]["service_request_id"]))
        self.assertEqual(case.attributes, {"plate": "12 ت 345 ایران 68",
                                           "problem": "overcharging",
                                           "when": "2025-01-31T14:30:00+03:30"})

    def test_media_url_is_kept_as_an_attachment(self) -> None:
        url = "https://photos.example.org/p/1.jpg"
        body = json.loads(self.post(service_code="taxi", address_string="x",
                                    media_url=url).content)
        attachment = Attachment.objects.get(case_id=int(body[0]["service_request_id"]))
        self.assertEqual(attachment.url, url)

    def test_an_integrators_key_records_its_requests_under_the_api_channel(self) -> None:
        _key, raw = create_api_key(name="Waste contractor", channel="api", by=None)
        body = json.loads(self.post(api_key=raw, service_code="garbage",
                                    address_string="x").content)
        self.assertEqual(Case.objects.get(pk=int(body[0]["service_request_id"])).channel, "api")

    def test_fields_sent_in_the_query_string_are_accepted(self) -> None:
        response = self.client.post(
            f"{ROOT}requests.json?api_key={self.raw_key}&service_code=taxi&address_string=x")
        self.assertEqual(response.status_code, 201, response.content)

    def test_other_systems_post_without_a_csrf_token(self) -> None:
        response = self.post(client=Client(enforce_csrf_checks=True), service_code="taxi",
                             address_string="x")
        self.assertEqual(response.status_code, 201, response.content)

    def test_empty_fields_behave_as_missing(self) -> None:
        response = self.post(service_code="taxi", lat="", long="", address_string="x",
                             phone="", email="", media_url="", jurisdiction_id="")
        self.assertEqual(response.status_code, 201, response.content)
        case = Case.objects.get()
        self.assertEqual((case.lat, case.contact_phone, case.contact_email), (None, "", ""))
        self.assertFalse(case.attachments.exists())


class PostRequestKeyTests(Open311TestCase):
    def test_a_missing_key_is_refused_with_403_in_json_and_xml(self) -> None:
        for fmt, check in (("json", self.assertErrorJson), ("xml", self.assertErrorXml)):
            response = self.client.post(f"{ROOT}requests.{fmt}",
                                        {"service_code": "taxi", "address_string": "x"},
                                        HTTP_ACCEPT_LANGUAGE="en")
            check(response, 403, "api_key")
            check(self.post(fmt, api_key="", service_code="taxi", address_string="x"), 403,
                  "api_key")
        self.assertFalse(Case.objects.exists())

    def test_a_wrong_key_is_refused_with_403(self) -> None:
        self.assertErrorJson(self.post(api_key="guess", service_code="taxi",
                                       address_string="x"), 403, "Invalid api_key")
        self.assertErrorXml(self.post("xml", api_key="guess", service_code="taxi",
                                      address_string="x"), 403, "Invalid api_key")
        self.assertFalse(Case.objects.exists())

    def test_a_revoked_key_is_refused_with_403(self) -> None:
        revoke_api_key(self.key, by=None)
        self.assertErrorJson(self.post(service_code="taxi", address_string="x"), 403, "revoked")
        self.assertErrorXml(self.post("xml", service_code="taxi", address_string="x"), 403,
                            "revoked")
        self.assertFalse(Case.objects.exists())

    def test_the_key_is_kept_only_as_a_hash(self) -> None:
        self.assertFalse(ApiKey.objects.filter(key_hash__contains=self.raw_key).exists())
        self.assertEqual(ApiKey.objects.get(pk=self.key.pk).prefix, self.raw_key[:8])


class PostRequestErrorTests(Open311TestCase):
    def assertRefused(self, status: int, *words: str, **fields: str) -> None:
        fields.setdefault("service_code", "taxi")
        self.assertErrorJson(self.post(**fields), status, *words)
        self.assertErrorXml(self.post("xml", **fields), status, *words)
        self.assertFalse(Case.objects.exists())

    def test_a_missing_service_code_is_a_400(self) -> None:
        self.assertRefused(400, "service_code", service_code="", address_string="x")

    def test_an_unknown_or_retired_service_code_is_a_404(self) -> None:
        self.assertRefused(404, "nothing", service_code="nothing", address_string="x")
        Subject.objects.filter(code="taxi").update(active=False)
        bump_config_version()  # as the admin and load_city do with every change
        self.assertRefused(404, "taxi", address_string="x")

    def test_another_jurisdiction_is_a_404(self) -> None:
        self.assertRefused(404, "tehran.ir", jurisdiction_id="tehran.ir", address_string="x")

    def test_a_location_is_required(self) -> None:
        self.assertRefused(400, "location")

    def test_lat_without_long_is_a_400(self) -> None:
        self.assertRefused(400, "lat and long", lat="35.8")

    def test_coordinates_must_be_numbers_in_range(self) -> None:
        self.assertRefused(400, "lat must be a number", lat="north", long="51")
        self.assertRefused(400, "long must be a number", lat="35.8", long="200")

    def test_a_malformed_phone_is_a_400_that_says_why(self) -> None:
        self.assertRefused(400, "phone", "Iranian phone number", address_string="x",
                           phone="12345")

    def test_a_malformed_email_is_a_400(self) -> None:
        self.assertRefused(400, "email", address_string="x", email="not-an-address")

    def test_media_url_must_be_a_web_address(self) -> None:
        self.assertRefused(400, "media_url", address_string="x", media_url="javascript:alert(1)")

    def test_a_required_question_must_be_answered(self) -> None:
        self.assertRefused(400, "attribute line", service_code="bus", address_string="x")
        self.assertRefused(400, "attribute line", service_code="bus", address_string="x",
                           **{"attribute[line]": "  "})

    def test_answers_must_be_among_the_choices(self) -> None:
        self.assertRefused(400, "“speeding”", "overcharging", address_string="x",
                           **{"attribute[problem]": "speeding"})
        self.assertRefused(400, "“flying”", service_code="bus", address_string="x",
                           **{"attribute[line]": "1", "attribute[problem][]": "flying"})

    def test_a_single_value_question_takes_one_value(self) -> None:
        self.assertRefused(400, "single value", address_string="x",
                           **{"attribute[problem][]": ["driver", "refusal"]})

    def test_a_date_time_answer_must_be_iso_8601(self) -> None:
        self.assertRefused(400, "Attribute when", address_string="x",
                           **{"attribute[when]": "yesterday"})

    def test_every_problem_is_listed_at_once(self) -> None:
        response = self.post(service_code="bus", phone="12", email="x")
        body = self.assertErrorJson(response, 400, "location", "phone", "email", "line")
        self.assertEqual(len(body), 4)

    def test_a_description_longer_than_4000_characters_is_a_400(self) -> None:
        self.assertRefused(400, "4000", address_string="x", description="a" * 4001)

    def test_errors_are_in_the_clients_language(self) -> None:
        response = self.post(language="fa", service_code="taxi")
        self.assertEqual(response.status_code, 400)
        persian = json.loads(response.content)[0]["description"]
        english = json.loads(self.post(service_code="taxi").content)[0]["description"]
        self.assertIn("location", english)
        self.assertTrue(persian)

    def test_other_methods_are_refused(self) -> None:
        response = self.client.put(f"{ROOT}requests.json")
        self.assertErrorJson(response, 405)
        self.assertEqual(response["Allow"], "GET, POST")


class RateLimitTests(Open311TestCase):
    @override_settings(RATE_LIMIT_OPEN311_POST="2/h")
    def test_past_the_rate_a_key_is_answered_429_with_retry_after(self) -> None:
        for _ in range(2):
            self.assertEqual(self.post(service_code="taxi", address_string="x").status_code,
                             201)
        response = self.post(service_code="taxi", address_string="x")
        self.assertErrorJson(response, 429, "api_key")
        self.assertGreater(int(response["Retry-After"]), 0)
        self.assertErrorXml(self.post("xml", service_code="taxi", address_string="x"), 429)
        self.assertEqual(Case.objects.count(), 2)
        _key, other = create_api_key(name="Other app", by=None)
        self.assertEqual(self.post(api_key=other, service_code="taxi",
                                   address_string="x").status_code, 201)

    @override_settings(RATE_LIMIT_OPEN311_POST="0")
    def test_a_zero_rate_turns_the_limit_off(self) -> None:
        for _ in range(5):
            self.assertEqual(self.post(service_code="taxi", address_string="x").status_code,
                             201)


class CreateCostTests(Open311TestCase):
    """What one create asks of the database: the fewer statements, the more creates a
    server takes (the peer system needs 45)."""

    def test_a_create_with_a_phone_costs_at_most_twelve_statements(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from open137.notifications.models import Message

        lat, lon = inside(self.district)
        fields = {"service_code": self.works_subject.code, "lat": lat, "long": lon,
                  "description": "چاله بزرگ وسط خیابان", "phone": "09123456789"}
        self.assertEqual(self.post(**fields).status_code, 201)  # a running server's caches
        with CaptureQueriesContext(connection) as queries:
            response = self.post(**fields)
        self.assertEqual(response.status_code, 201, response.content)
        statements = [q["sql"] for q in queries.captured_queries]
        self.assertLessEqual(len(statements), 12, "\n".join(statements))
        # Nothing was left out to get there: the request is placed, its history and its
        # receipt are written, and the key's use is known.
        case = Case.objects.get(pk=int(json.loads(response.content)[0]["service_request_id"]))
        self.assertEqual((case.status, case.unit), (Status.REFERRED, self.unit))
        self.assertIsNotNone(case.resolve_by)
        self.assertEqual(list(case.events.values_list("step", flat=True)), ["receive", "refer"])
        receipts = Message.objects.filter(case_id=case.pk, kind="receipt_referral")
        self.assertEqual(receipts.count(), 1)
        self.assertTrue(Submission.objects.filter(case=case, api_key=self.key).exists())
