"""A clerk moves a corner of a district's boundary on the admin's map and saves it."""

import json

from django.contrib.auth.models import User
from shapely.geometry import shape

from open137.cases.browser import BrowserTestCase
from open137.directory.models import District


class BoundaryOnTheMapTests(BrowserTestCase):
    def test_an_admin_edits_a_district_boundary_on_the_map_and_saves(self) -> None:
        User.objects.create_superuser("root", password="secret-pass-137")
        district = District.objects.order_by("number")[0]
        before = shape(district.geometry)
        self.login("root")
        errors: list[str] = []
        self.page.on("pageerror", lambda error: errors.append(str(error)))
        self.page.goto(self.url(f"/admin/directory/district/{district.pk}/change/"))
        # The boundary is drawn for editing, over the other districts' outlines.
        corners = self.page.locator(".boundary-map .marker-icon:not(.marker-icon-middle)")
        corners.first.wait_for()
        self.page.wait_for_function(
            "document.querySelectorAll('.boundary-map path').length > 1")
        self.assertGreater(self.page.locator(".boundary-map path").count(),
                           District.objects.filter(active=True).count() - 1)
        # The GeoJSON text is there, folded away.
        self.assertFalse(self.page.is_visible("#id_geometry"))
        self.assertIsNone(self.page.get_attribute("details.boundary-text", "open"))

        # Drag a corner 60 pixels to the right.
        box = corners.first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + 30, y, steps=5)
        self.page.mouse.move(x + 60, y, steps=5)
        self.page.mouse.up()
        self.page.wait_for_selector(".boundary-editor.boundary-changed", state="attached")
        written = json.loads(self.page.input_value("#id_geometry"))
        self.assertIn(written["type"], {"Polygon", "MultiPolygon"})

        self.page.click("input[name=_save]")
        self.page.wait_for_url("**/admin/directory/district/")
        district.refresh_from_db()
        after = shape(district.geometry)
        self.assertTrue(after.is_valid)
        self.assertNotEqual(after.wkt, before.wkt)
        # One corner moved east: the boundary reaches further east, or covers more.
        self.assertTrue(after.bounds[2] > before.bounds[2] or after.area != before.area)
        self.assertGreater(after.intersection(before).area, 0.5 * before.area)
        self.assertEqual(errors, [])
