"""District and area boundaries: refused when routing could not use them, warned about when
they overlap or swallow the city, and never a 500 when a bad one is in the database."""

import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.test import SimpleTestCase, TestCase
from django.utils.translation import override
from shapely.geometry import box, shape

from open137.audit.testing import admin_form
from open137.cases.actions import receive_case
from open137.cases.models import Channel
from open137.cases.testing import inside
from open137.directory.actions import bump_config_version, load_city
from open137.directory.citypack import PackError
from open137.directory.geometry import BoundaryError, boundary_warnings, check_boundary
from open137.directory.models import District, RoutingRule, Subject, Unit
from open137.directory.queries import locate_district

RIVERTON = Path(__file__).parent / "packs" / "riverton"
SQUARE = {"type": "Polygon",
          "coordinates": [[[51.0, 35.8], [51.01, 35.8], [51.01, 35.81], [51.0, 35.81],
                           [51.0, 35.8]]]}
BOW_TIE = {"type": "Polygon",
           "coordinates": [[[51.0, 35.8], [51.01, 35.81], [51.01, 35.8], [51.0, 35.81],
                            [51.0, 35.8]]]}


def feature(geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"name": "x"}, "geometry": geometry}


def collection(*geometries: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature(g) for g in geometries]}


class CheckingBoundariesTests(SimpleTestCase):
    def refused(self, value: Any, **kwargs: Any) -> str:
        with override("en"), self.assertRaises(BoundaryError) as raised:
            check_boundary(value, **kwargs)
        return str(raised.exception)

    def test_a_feature_or_a_collection_of_one_feature_is_unwrapped_to_its_polygon(self) -> None:
        for pasted in (feature(SQUARE), collection(SQUARE), SQUARE):
            self.assertEqual(check_boundary(pasted).geojson, SQUARE)

    def test_anything_but_one_polygon_is_refused_naming_what_was_found(self) -> None:
        self.assertIn("a FeatureCollection of 2 features",
                      self.refused(collection(SQUARE, SQUARE)))
        self.assertIn("a FeatureCollection of 0 features",
                      self.refused({"type": "FeatureCollection", "features": []}))
        self.assertIn("“Point”", self.refused({"type": "Point", "coordinates": [51, 35]}))
        self.assertIn("“LineString”", self.refused(feature(
            {"type": "LineString", "coordinates": [[51, 35], [51.1, 35.1]]})))
        self.assertIn("a list", self.refused([[51, 35], [51.1, 35.1]]))
        self.assertIn("not GeoJSON", self.refused("{not json"))

    def test_a_polygon_that_crosses_itself_is_refused_with_the_reason(self) -> None:
        self.assertIn("Self-intersection", self.refused(BOW_TIE))

    def test_coordinates_that_cannot_be_read_are_refused(self) -> None:
        self.assertIn("cannot be read", self.refused({"type": "Polygon", "coordinates": "x"}))
        self.assertIn("WGS84", self.refused({"type": "Polygon", "coordinates": [
            [[5.1e5, 3.9e6], [5.2e5, 3.9e6], [5.2e5, 4.0e6], [5.1e5, 3.9e6]]]}))

    def test_a_boundary_far_from_the_city_is_refused(self) -> None:
        swapped = {"type": "Polygon", "coordinates": [[[y, x] for x, y in ring]
                                                      for ring in SQUARE["coordinates"]]}
        self.assertIn("swapped", self.refused(swapped, centre=(35.835, 50.99)))
        self.assertEqual(check_boundary(SQUARE, centre=(35.835, 50.99)).geojson, SQUARE)

    def test_overlapping_others_or_covering_most_of_the_city_is_a_warning(self) -> None:
        others = [("A", box(51.0, 35.8, 51.1, 35.9)), ("B", box(51.1, 35.8, 51.2, 35.9))]
        with override("en"):
            self.assertEqual(boundary_warnings(box(51.2, 35.8, 51.3, 35.9), others), [])
            [overlap] = boundary_warnings(box(51.05, 35.8, 51.15, 35.85), others)
            self.assertIn("overlaps A, B", overlap)
            warnings = boundary_warnings(box(50.9, 35.7, 51.3, 36.0), others)
            self.assertIn("100% of the other districts' area", warnings[1])
        # A shared border drawn twice with different rounding is no overlap.
        self.assertEqual(boundary_warnings(box(51.2 - 1e-7, 35.8, 51.3, 35.9), others), [])


class BoundariesInTheAdminTests(TestCase):
    root: User
    district: District
    neighbour: District

    @classmethod
    def setUpTestData(cls) -> None:
        load_city()
        cls.root = User.objects.create_superuser("root", password="secret-pass-137")
        cls.district, cls.neighbour = District.objects.order_by("number")[:2]

    def setUp(self) -> None:
        self.client.force_login(self.root)
        self.url = f"/admin/directory/district/{self.district.pk}/change/"
        self.original = copy.deepcopy(self.district.geometry)

    def save(self, geometry: Any) -> Any:
        import json

        text = geometry if isinstance(geometry, str) else json.dumps(geometry)
        return self.client.post(self.url, admin_form(self.client, self.url, geometry=text),
                                follow=True)

    def assertRefused(self, response: Any, *phrases: str) -> None:
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("errorlist", html)
        for phrase in phrases:
            self.assertIn(phrase, html)
        self.district.refresh_from_db()
        self.assertEqual(self.district.geometry, self.original)

    def test_a_pasted_feature_collection_of_one_district_is_stored_as_its_polygon(self) -> None:
        response = self.save(collection(self.original))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("errorlist", response.content.decode())
        self.district.refresh_from_db()
        self.assertEqual(self.district.geometry["type"], self.original["type"])
        self.assertEqual(shape(self.district.geometry).area, shape(self.original).area)

    def test_a_feature_collection_of_several_is_refused_and_routing_keeps_working(self) -> None:
        response = self.save(collection(self.original, self.neighbour.geometry))
        self.assertRefused(response, "FeatureCollection با ۲ عارضه")
        lat, lon = inside(self.district)
        self.assertEqual(locate_district(lat, lon), self.district.code)
        self.assertEqual(self.client.get("/portal/district", {"lat": lat, "lon": lon})
                         .json()["code"], self.district.code)

    def test_a_point_a_line_or_text_is_refused_naming_what_it_is(self) -> None:
        self.assertRefused(self.save({"type": "Point", "coordinates": [51, 35.8]}),
                           "«Point»")
        self.assertRefused(self.save('"just words"'), "این GeoJSON نیست")

    def test_a_boundary_that_crosses_itself_is_refused_with_the_reason(self) -> None:
        self.assertRefused(self.save(BOW_TIE), "معتبر نیست", "Self-intersection")

    def test_a_boundary_with_latitude_and_longitude_swapped_is_refused(self) -> None:
        swapped = {"type": "Polygon", "coordinates": [[[y, x] for x, y in ring]
                                                      for ring in self.original["coordinates"]]}
        self.assertRefused(self.save(swapped), "جابه‌جا")

    def test_a_district_drawn_over_its_neighbour_is_saved_with_a_warning(self) -> None:
        response = self.save(self.neighbour.geometry)
        html = response.content.decode()
        self.assertNotIn("errorlist", html)
        self.assertIn('class="warning"', html)
        self.assertIn(f"({self.neighbour.code})", html)

    def test_a_district_covering_the_whole_city_is_saved_with_a_warning(self) -> None:
        union = box(*shape(self.original).bounds)
        for d in District.objects.filter(active=True):
            union = union.union(box(*shape(d.geometry).bounds))
        response = self.save(dict(box(*union.bounds).__geo_interface__))
        self.assertIn("آیا این مرز کل شهر است؟", response.content.decode())

    def test_a_routing_rules_area_is_checked_like_a_boundary(self) -> None:
        url = "/admin/directory/routingrule/add/"
        subject = Subject.objects.get(code="flooding")
        waste = Unit.objects.get(code="waste")
        data = admin_form(self.client, url, subject=str(subject.pk), unit=str(waste.pk),
                          priority="5", active="on",
                          area='{"type": "FeatureCollection", "features": []}')
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("FeatureCollection با ۰ عارضه", response.content.decode())
        self.assertFalse(RoutingRule.objects.exists())
        import json

        data["area"] = json.dumps(feature(self.original))
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(RoutingRule.objects.get().area["type"], self.original["type"])

    def test_constraint_violations_are_explained_in_persian(self) -> None:
        url = "/admin/directory/district/add/"
        import json

        response = self.client.post(url, admin_form(
            self.client, url, code=self.district.code, name_fa="تکراری", active="on",
            geometry=json.dumps(self.original)))
        self.assertEqual(response.status_code, 200)
        self.assertIn("منطقه با این کد از قبل موجود است", response.content.decode())
        url = "/admin/directory/routingrule/add/"
        response = self.client.post(url, admin_form(
            self.client, url, subject=str(Subject.objects.get(code="flooding").pk),
            unit=str(Unit.objects.get(code="waste").pk), priority="1", active="on"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("قاعده باید جایی داشته باشد", html)
        self.assertNotIn("routing_rule_has_place", html)


class ABadStoredBoundaryTests(TestCase):
    """A boundary written before these checks, or straight into the database, costs its
    own district and no more."""

    broken: District
    sound: District
    point: tuple[float, float]
    broken_point: tuple[float, float]

    @classmethod
    def setUpTestData(cls) -> None:
        load_city()
        cls.broken, cls.sound = District.objects.order_by("number")[:2]
        cls.point = inside(cls.sound)
        cls.broken_point = inside(cls.broken)
        District.objects.filter(pk=cls.broken.pk).update(
            geometry=collection(cls.broken.geometry, cls.sound.geometry))
        subject = Subject.objects.get(code="flooding")
        RoutingRule.objects.create(subject=subject, unit=Unit.objects.get(code="waste"),
                                   area={"type": "GeometryCollection", "geometries": []},
                                   priority=99)
        bump_config_version()

    def test_requests_with_a_point_are_still_received_and_routed(self) -> None:
        with self.assertLogs("open137.routing.geo", "ERROR") as logs:
            lat, lon = self.point
            case = receive_case(subject=Subject.objects.get(code="flooding"),
                                channel=Channel.WEB, by=None, description="آب گرفتگی",
                                lat=lat, lon=lon)
        self.assertIn(self.broken.code, "\n".join(logs.output))
        self.assertEqual(case.district.code, self.sound.code)
        self.assertNotEqual(case.unit.code, "waste")  # the rule with a broken area is left out
        lat, lon = self.broken_point
        case = receive_case(subject=Subject.objects.get(code="flooding"), channel=Channel.WEB,
                            by=None, description="آب گرفتگی", lat=lat, lon=lon)
        self.assertIsNone(case.district)

    def test_the_portal_and_the_maps_answer(self) -> None:
        lat, lon = self.point
        with self.assertNoLogs("django.request", "ERROR"):  # the routing index may be cached
            found = self.client.get("/portal/district", {"lat": lat, "lon": lon})
        self.assertEqual((found.status_code, found.json()["code"]), (200, self.sound.code))
        with self.assertLogs("open137.routing.geo", "ERROR"):
            outlines = self.client.get("/portal/districts.geojson").json()
        codes = {f["properties"]["code"] for f in outlines["features"]}
        self.assertIn(self.sound.code, codes)
        self.assertNotIn(self.broken.code, codes)
        page = self.client.get("/transparency/districts/x.geojson", follow=True)
        self.assertEqual(page.status_code, 200)
        codes = {f["properties"]["code"] for f in page.json()["features"]}
        self.assertEqual((self.sound.code in codes, self.broken.code in codes), (True, False))


class BoundariesInACityPackTests(TestCase):
    def broken(self, edit: Any, city: str = "") -> PackError:
        with tempfile.TemporaryDirectory() as tmp:
            pack = Path(tmp) / "broken"
            shutil.copytree(RIVERTON, pack)
            if city:
                (pack / "city.yaml").write_text(city)
            path = pack / "districts.geojson"
            path.write_text(edit(path.read_text()))
            with override("en"), self.assertRaises(PackError) as raised:
                load_city(pack)
        self.assertFalse(District.objects.exists())
        return raised.exception

    def test_a_district_far_from_the_city_is_refused(self) -> None:
        error = self.broken(lambda s: s.replace("[10.1, 20.0], [10.2, 20.0], [10.2, 20.1]",
                                                "[10.1, 20.0], [10.2, 20.0], [30.2, 20.1]"),
                            city="code: riverton\nfa: ریورتون\nmap_center: [20.05, 10.1]\n")
        self.assertEqual((error.entry, error.field), ("features[1] (ward-b)", "geometry"))
        self.assertIn("swapped", error.message)

    def test_a_district_holding_a_feature_collection_is_refused(self) -> None:
        error = self.broken(lambda s: s.replace(
            '"geometry": {"type": "Polygon", "coordinates": [[[10.0, 20.0], [10.1, 20.0], '
            '[10.1, 20.1], [10.0, 20.1], [10.0, 20.0]]]}',
            '"geometry": {"type": "FeatureCollection", "features": []}'))
        self.assertIn("a FeatureCollection of 0 features", error.message)
