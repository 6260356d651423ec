from django.test import override_settings

from open137.portal.tests.helpers import PortalTestCase


class NearbyRateLimitTests(PortalTestCase):
    @override_settings(RATE_LIMIT_CLASSIFY="2/m")
    def test_an_anonymous_visitor_is_limited_on_the_duplicate_search(self) -> None:
        original = self.new_case()
        form = {"subject": self.works_subject.code, "lat": original.lat, "lon": original.lon}
        codes = [self.client.post("/portal/nearby", form, REMOTE_ADDR="10.1.1.1").status_code
                 for _attempt in range(3)]
        self.assertEqual(codes, [200, 200, 429])
        # Another address is counted on its own.
        self.assertEqual(self.client.post("/portal/nearby", form,
                                          REMOTE_ADDR="10.1.1.2").status_code, 200)
