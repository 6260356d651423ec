"""Wherever districts are listed, each names its neighbourhoods, with Persian digits in
Persian; and the places follow the districts when their polygons change."""

import json
from datetime import timedelta

from django.utils import timezone

from open137.cases.testing import CityTestCase
from open137.directory.actions import bump_config_version
from open137.directory.models import District
from open137.notifications.jobs import registered, run_due
from open137.places.actions import refresh_districts
from open137.places.models import Place
from open137.places.queries import district_label


class DistrictListTests(CityTestCase):
    def test_a_districts_label_names_its_neighbourhoods_in_persian_digits(self) -> None:
        district = District.objects.get(code="district-3")
        label = district_label(district, "fa")
        self.assertTrue(label.startswith("منطقه ۳ ("), label)
        self.assertIn("گوهردشت", label)
        self.assertEqual(district_label(district, "en"), "District 3 (Gohardasht)")

    def test_the_desks_district_choice_names_the_neighbourhoods(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/desk/", HTTP_ACCEPT_LANGUAGE="fa")
        self.assertContains(response, "منطقه ۳ (گوهردشت)")
        self.assertContains(response, "منطقه ۵ (باغستان، مهرشهر)")

    def test_the_portal_names_them_beside_the_district(self) -> None:
        place = Place.objects.get(name="گوهردشت")
        answer = self.client.get("/portal/district", {"lat": place.lat, "lon": place.lon},
                                 HTTP_ACCEPT_LANGUAGE="fa").json()
        self.assertEqual(answer["name"], "منطقه ۳ (گوهردشت)")
        outlines = self.client.get("/portal/districts.geojson").json()
        third = next(f for f in outlines["features"] if f["properties"]["code"] == "district-3")
        self.assertEqual(third["properties"]["en"], "District 3 (Gohardasht)")


class DistrictRefreshTests(CityTestCase):
    def test_an_edited_district_moves_its_places_on_the_next_refresh(self) -> None:
        place = Place.objects.get(name="گوهردشت")
        self.assertEqual(place.district.code, "district-3")
        # The administrator redraws district 5 over the whole city, and it comes first.
        district = District.objects.get(code="district-5")
        district.geometry = {"type": "Polygon", "coordinates": [[
            [50.0, 35.0], [52.0, 35.0], [52.0, 36.5], [50.0, 36.5], [50.0, 35.0]]]}
        district.number = 0
        district.save()
        bump_config_version()
        self.assertGreater(refresh_districts(), 0)
        place.refresh_from_db()
        self.assertEqual(place.district.code, "district-5")
        self.assertEqual(refresh_districts(), 0)

    def test_the_worker_runs_the_refresh(self) -> None:
        self.assertIn("places.refresh_districts", [job.name for job in registered()])
        District.objects.filter(code="district-3").update(geometry={
            "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]})
        bump_config_version()
        run_due(timezone.now() + timedelta(minutes=2))
        self.assertIsNone(Place.objects.get(name="گوهردشت").district)

    def test_nothing_moves_when_only_units_changed(self) -> None:
        refresh_districts()
        bump_config_version()
        self.assertEqual(refresh_districts(), 0)
        self.assertTrue(json.dumps(Place.objects.get(name="گوهردشت").geometry))
