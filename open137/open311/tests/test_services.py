from django.test import override_settings

from open137.directory.models import City, Subject
from open137.open311.tests import schemas
from open137.open311.tests.base import Open311TestCase


class ServiceListTests(Open311TestCase):
    def test_every_active_subject_is_a_service_valid_against_the_official_schema(self) -> None:
        body = self.get_json("services.json")
        schemas.validate(body, schemas.SERVICES)
        codes = [s["service_code"] for s in body]
        self.assertEqual(sorted(codes),
                         sorted(Subject.objects.filter(active=True).values_list("code", flat=True)))
        self.assertTrue(all(s["type"] == "realtime" for s in body))

    def test_subjects_with_questions_say_metadata_true(self) -> None:
        body = {s["service_code"]: s for s in self.get_json("services.json")}
        for code in ("taxi", "bus", "minibus", "metro", "private-carrier"):
            self.assertIs(body[code]["metadata"], True, code)
        self.assertIs(body["asphalt"]["metadata"], False)
        self.assertEqual(body["taxi"]["group"], "Public transport and traffic")

    def test_an_inactive_subject_is_not_offered(self) -> None:
        Subject.objects.filter(code="curb").update(active=False)
        codes = [s["service_code"] for s in self.get_json("services.json")]
        self.assertNotIn("curb", codes)

    def test_names_follow_the_requested_language(self) -> None:
        english = {s["service_code"]: s for s in self.get_json("services.json")}
        persian = {s["service_code"]: s for s in self.get_json("services.json", language="fa")}
        self.assertEqual(english["taxi"]["service_name"], "Taxi service")
        self.assertEqual(persian["taxi"]["service_name"], "تاکسی")

    def test_the_xml_list_has_the_specifications_elements(self) -> None:
        root = self.get_xml("services.xml")
        self.assertEqual(root.tag, "services")
        services = {s.findtext("service_code"): s for s in root.findall("service")}
        self.assertEqual(len(services), Subject.objects.filter(active=True).count())
        taxi = services["taxi"]
        self.assertEqual(taxi.findtext("metadata"), "true")
        self.assertEqual(taxi.findtext("type"), "realtime")
        self.assertEqual(services["asphalt"].findtext("metadata"), "false")
        for name in ("service_name", "description", "keywords", "group"):
            self.assertIsNotNone(taxi.find(name), name)

    def test_browser_apps_on_other_sites_may_read_the_list(self) -> None:
        self.assertEqual(self.get("services.json")["Access-Control-Allow-Origin"], "*")

    def test_keywords_are_the_subjects_synonyms_separated_by_commas(self) -> None:
        Subject.objects.filter(code="garbage").update(synonyms="زباله\nپسماند")
        body = {s["service_code"]: s for s in self.get_json("services.json")}
        self.assertEqual(body["garbage"]["keywords"], "زباله, پسماند")

    def test_posting_to_the_service_list_is_refused_with_an_error_document(self) -> None:
        response = self.client.post("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="en")
        self.assertErrorJson(response, 405, "GET")
        self.assertEqual(response["Allow"], "GET")

    def test_an_unknown_format_is_a_404_error_document_in_xml(self) -> None:
        self.assertErrorXml(self.get("services.csv"), 404, ".xml", ".json")
        self.assertErrorXml(self.get("nothing-here"), 404)
        self.assertErrorJson(self.get("nothing.json"), 404)


class JurisdictionTests(Open311TestCase):
    def test_the_citys_jurisdiction_or_none_is_accepted(self) -> None:
        self.get_json("services.json", jurisdiction_id="karaj.ir")
        self.get_json("services.json", jurisdiction_id="KARAJ.IR")
        self.get_json("services.json", jurisdiction_id="")

    def test_another_jurisdiction_is_not_found_in_json_and_xml(self) -> None:
        for path in ("services", "services/taxi", "requests", "requests/1", "tokens/abc"):
            with self.subTest(path=path):
                self.assertErrorJson(self.get(f"{path}.json", jurisdiction_id="tehran.ir"), 404,
                                     "tehran.ir")
                self.assertErrorXml(self.get(f"{path}.xml", jurisdiction_id="tehran.ir"), 404,
                                    "tehran.ir")

    def test_a_city_without_a_jurisdiction_id_accepts_any(self) -> None:
        City.objects.update(jurisdiction_id="")
        self.get_json("services.json", jurisdiction_id="anything.example")


class ServiceDefinitionTests(Open311TestCase):
    def test_a_definition_lists_the_subjects_questions_valid_against_the_schema(self) -> None:
        body = self.get_json("services/taxi.json")
        schemas.validate(body, schemas.SERVICE_DEFINITION)
        self.assertEqual(body["service_code"], "taxi")
        attributes = {a["code"]: a for a in body["attributes"]}
        self.assertEqual(list(attributes), ["plate", "problem", "when"])
        self.assertEqual(attributes["plate"]["datatype"], "string")
        self.assertEqual(attributes["plate"]["description"], "The taxi's plate number")
        self.assertEqual(attributes["problem"]["datatype"], "singlevaluelist")
        self.assertIn({"key": "overcharging", "name": "Charged more than the fare"},
                      attributes["problem"]["values"])
        self.assertEqual(attributes["when"]["datatype"], "datetime")
        self.assertEqual([a["order"] for a in body["attributes"]], [1, 2, 3])
        self.assertTrue(all(a["variable"] for a in body["attributes"]))

    def test_required_questions_are_marked_required(self) -> None:
        bus = {a["code"]: a for a in self.get_json("services/bus.json")["attributes"]}
        self.assertIs(bus["line"]["required"], True)
        self.assertIs(bus["vehicle"]["required"], False)
        self.assertEqual(bus["problem"]["datatype"], "multivaluelist")

    def test_a_definition_follows_the_requested_language(self) -> None:
        body = self.get_json("services/taxi.json", language="fa")
        self.assertEqual(body["attributes"][0]["description"], "شماره پلاک تاکسی")

    def test_a_subject_without_questions_has_an_empty_definition(self) -> None:
        body = self.get_json("services/asphalt.json")
        schemas.validate(body, schemas.SERVICE_DEFINITION)
        self.assertEqual(body, {"service_code": "asphalt", "attributes": []})

    def test_the_xml_definition_has_the_specifications_elements(self) -> None:
        root = self.get_xml("services/taxi.xml")
        self.assertEqual(root.tag, "service_definition")
        self.assertEqual(root.findtext("service_code"), "taxi")
        attribute = root.find("attributes/attribute[code='problem']")
        assert attribute is not None
        self.assertEqual(attribute.findtext("variable"), "true")
        self.assertEqual(attribute.findtext("required"), "false")
        self.assertEqual(attribute.findtext("order"), "2")
        keys = [v.findtext("key") for v in attribute.findall("values/value")]
        self.assertIn("overcharging", keys)
        self.assertEqual(attribute.findtext("values/value/name"), "Charged more than the fare")

    def test_an_unknown_service_code_is_not_found_in_json_and_xml(self) -> None:
        self.assertErrorJson(self.get("services/no-such.json"), 404, "no-such")
        self.assertErrorXml(self.get("services/no-such.xml"), 404, "no-such")

    def test_an_inactive_subject_has_no_definition(self) -> None:
        Subject.objects.filter(code="taxi").update(active=False)
        self.assertErrorJson(self.get("services/taxi.json"), 404, "taxi")

    def test_malformed_questions_from_the_admin_do_not_break_the_definition(self) -> None:
        Subject.objects.filter(code="asphalt").update(attributes=[
            "not a mapping", {"datatype": "string"}, {"code": "depth", "datatype": "weird"},
            {"code": "size", "datatype": "singlevaluelist"}])
        body = self.get_json("services/asphalt.json")
        schemas.validate(body, schemas.SERVICE_DEFINITION)
        self.assertEqual([(a["code"], a["datatype"]) for a in body["attributes"]],
                         [("depth", "string"), ("size", "string")])


@override_settings(OPEN311_ENDPOINT_TYPE="test")
class DiscoveryTests(Open311TestCase):
    def test_discovery_names_this_endpoint_and_both_formats(self) -> None:
        body = self.get_json("discovery.json")
        schemas.validate(body, schemas.DISCOVERY)
        endpoint = body["endpoints"][0]
        self.assertEqual(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2")
        self.assertEqual(endpoint["url"], "http://testserver/open311/v2")
        self.assertEqual(endpoint["type"], "test")
        self.assertEqual(endpoint["formats"], ["text/xml", "application/json"])

    def test_discovery_in_xml(self) -> None:
        root = self.get_xml("discovery.xml")
        self.assertEqual(root.tag, "discovery")
        for name in ("changeset", "contact", "key_service"):
            self.assertTrue(root.findtext(name), name)
        endpoint = root.find("endpoints/endpoint")
        assert endpoint is not None
        self.assertEqual(endpoint.findtext("url"), "http://testserver/open311/v2")
        self.assertEqual([f.text for f in endpoint.findall("formats/format")],
                         ["text/xml", "application/json"])

    def test_the_changeset_moves_when_a_service_changes(self) -> None:
        before = self.get_json("discovery.json")["changeset"]
        self.assertEqual(self.get_json("discovery.json")["changeset"], before)
        Subject.objects.filter(code="taxi").update(attributes=[])
        self.assertNotEqual(self.get_json("discovery.json")["changeset"], before)

    def test_the_endpoint_root_leads_to_discovery(self) -> None:
        response = self.client.get("/open311/v2/")
        self.assertRedirects(response, "/open311/v2/discovery.xml",
                             fetch_redirect_response=False)
