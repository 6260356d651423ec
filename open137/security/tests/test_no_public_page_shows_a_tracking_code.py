"""The tracking code is the citizen's secret: no page or document an anonymous visitor can
open shows another citizen's code."""

from open137.cases import actions
from open137.cases.testing import CityTestCase


class NoPublicTrackingCodeTests(CityTestCase):
    def test_anonymous_pages_and_documents_show_no_tracking_code(self) -> None:
        original = self.new_case(contact_phone="09121234567")
        duplicate = self.new_case(contact_phone="09351112233")
        actions.link_duplicate(duplicate, original=original, by=self.alice)
        pages = [
            ("get", "/", {}),
            ("get", "/transparency/", {}),
            ("get", "/transparency/open-data.json", {}),
            ("get", "/transparency/open-data.csv", {}),
            ("get", "/open311/v2/requests.json", {"extensions": "true"}),
            ("get", "/open311/v2/requests.xml", {"extensions": "true"}),
            ("get", f"/open311/v2/requests/{original.pk}.json", {"extensions": "true"}),
            ("post", "/portal/nearby", {"subject": self.works_subject.code,
                                        "lat": original.lat, "lon": original.lon}),
            # The follower's own page does not lead to the original's code either.
            ("get", f"/track/{duplicate.tracking_code}", {}),
        ]
        for method, path, data in pages:
            with self.subTest(path=path):
                response = getattr(self.client, method)(path, data)
                self.assertEqual(response.status_code, 200)
                body = (b"".join(response.streaming_content) if response.streaming
                        else response.content).decode()
                self.assertNotIn(original.tracking_code, body)
                if not path.startswith("/track/"):
                    self.assertNotIn(duplicate.tracking_code, body)
