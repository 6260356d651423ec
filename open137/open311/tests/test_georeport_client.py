"""An independent GeoReport v2 client (the `georeport` package) reads a live server."""

from django.contrib.auth.models import User
from django.test import LiveServerTestCase
from georeport import GeoReport

from open137.cases import actions
from open137.cases.models import Case
from open137.cases.testing import inside, set_up_city
from open137.directory.models import District, Subject


class GeoReportClientTests(LiveServerTestCase):
    alice: User
    charlie: User
    district: District
    works_subject: Subject

    def setUp(self) -> None:
        set_up_city(self)
        self.open_case = self.new_case()
        self.done_case = self.new_case()
        actions.reject_case(self.done_case, reason="Private land.", by=self.charlie)

    def new_case(self) -> Case:
        lat, lon = inside(self.district)
        return actions.receive_case(subject=self.works_subject, channel="phone",
                                    by=self.alice, description="Pothole", lat=lat, lon=lon)

    def client_for(self, output_format: str) -> GeoReport:
        return GeoReport(f"{self.live_server_url}/open311/v2/", jurisdiction="karaj.ir",
                         output_format=output_format)

    def test_the_client_lists_services_and_a_definition_in_json(self) -> None:
        client = self.client_for("json")
        codes = {s["service_code"] for s in client.get_service_list()}
        self.assertIn("taxi", codes)
        self.assertIn(self.works_subject.code, codes)
        definition = client.get_service_definition("bus")
        self.assertIn("line", [a["code"] for a in definition["attributes"]])

    def test_the_client_lists_requests_in_json(self) -> None:
        client = self.client_for("json")
        requests = client.get_service_requests()
        self.assertEqual({r["service_request_id"] for r in requests},
                         {str(self.open_case.pk), str(self.done_case.pk)})
        closed = client.get_service_requests(status="closed")
        self.assertEqual([r["service_request_id"] for r in closed], [str(self.done_case.pk)])
        one = client.get_service_request(str(self.open_case.pk))
        self.assertEqual((one["status"], one["service_code"]),
                         ("open", self.works_subject.code))

    def test_the_client_reads_the_xml_too(self) -> None:
        client = self.client_for("xml")
        services = client.get_service_list()
        self.assertIn("taxi", {s["service_code"] for s in services})
        definition = client.get_service_definition("taxi")
        self.assertEqual(definition["service_code"], "taxi")
        request = client.get_service_requests(service_request_id=str(self.done_case.pk))
        self.assertEqual((request["service_request_id"], request["status"]),
                         (str(self.done_case.pk), "closed"))
        self.assertEqual(request["status_notes"], "Private land.")
