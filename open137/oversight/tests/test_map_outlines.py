import json

from django.urls import reverse
from shapely.geometry import shape

from open137.cases.testing import CityTestCase, make_user
from open137.directory.actions import bump_config_version
from open137.directory.models import City, District, Staff
from open137.oversight.maps import DECIMALS, simplified

# A square with a needless point on each side and survey-grade digits.
SQUARE = {"type": "Polygon", "coordinates": [[
    [51.0, 35.0], [51.0000123456, 35.05], [51.0, 35.1], [51.05, 35.1000000001],
    [51.1, 35.1], [51.1, 35.0], [51.0, 35.0]]]}


class MapOutlineTests(CityTestCase):
    def test_outlines_are_simplified_and_rounded_but_keep_their_shape(self) -> None:
        outline = simplified(SQUARE)
        ring = outline["coordinates"][0]
        self.assertEqual(len(ring), 5)
        self.assertTrue(all(round(x, DECIMALS) == x for point in ring for x in point))
        self.assertAlmostEqual(shape(outline).area, shape(SQUARE).area, delta=1e-5)

    def test_the_dashboard_fetches_outlines_that_every_browser_may_keep(self) -> None:
        self.client.force_login(make_user("carol", Staff.Role.COUNCIL))
        page = self.client.get(reverse("oversight:dashboard"))
        self.assertEqual(page.status_code, 200)
        data = page.context["map_data"]
        self.assertNotIn("geometry", data["features"][0])
        version = City.objects.get().config_version
        self.assertEqual(data["outlines"], reverse("transparency:districts", args=[version]))

        self.client.logout()
        response = self.client.get(data["outlines"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("immutable", response["Cache-Control"])
        outlines = json.loads(response.content)
        codes = [f["properties"]["code"] for f in outlines["features"]]
        self.assertEqual(sorted(codes),
                         sorted(District.objects.filter(active=True).values_list("code",
                                                                                 flat=True)))
        self.assertEqual({f["geometry"]["type"] for f in outlines["features"]} - {
            "Polygon", "MultiPolygon"}, set())

    def test_a_new_configuration_moves_the_address_and_the_old_one_points_to_it(self) -> None:
        old = City.objects.get().config_version
        bump_config_version()
        new = City.objects.get().config_version
        response = self.client.get(reverse("transparency:districts", args=[old]))
        self.assertRedirects(response, reverse("transparency:districts", args=[new]),
                             fetch_redirect_response=False)
