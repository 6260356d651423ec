"""The Karaj pack's own gazetteer: loaded with the pack, in the right districts, found in
Persian, misspelt and in Finglish."""

import json

from django.conf import settings
from django.test import TestCase
from shapely.geometry import Point, shape

from open137.directory.actions import LoadReport, load_city
from open137.directory.models import District
from open137.places.models import Place
from open137.places.search import place_address, search

PACK = settings.CITYPACKS_DIR / "karaj"


class KarajGazetteerTests(TestCase):
    report: LoadReport

    @classmethod
    def setUpTestData(cls) -> None:
        cls.report = load_city(PACK)

    def test_the_pack_loads_its_gazetteer_with_the_city(self) -> None:
        features = json.loads((PACK / "places.geojson").read_text())["features"]
        self.assertEqual(Place.objects.count(), len(features))
        self.assertEqual(self.report.counts["place"]["created"], len(features))
        kinds = set(Place.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, {"street", "neighbourhood", "landmark"})
        self.assertTrue(all(p.geometry["type"] == "LineString"
                            for p in Place.objects.filter(kind="street")))
        self.assertFalse(load_city(PACK).counts["place"]["created"])

    def test_every_place_lies_in_the_district_its_hint_names(self) -> None:
        features = json.loads((PACK / "places.geojson").read_text())["features"]
        polygons = {d.code: shape(d.geometry) for d in District.objects.all()}
        for f in features:
            with self.subTest(f["properties"]["name"]):
                hinted = f["properties"]["district_hint"]
                self.assertTrue(polygons[hinted].contains(shape(f["geometry"])))
                place = Place.objects.get(source_id=f["id"])
                self.assertEqual(place.district.code, hinted)
                self.assertTrue(polygons[hinted].covers(Point(place.lon, place.lat)))

    def test_the_districts_hints_name_the_neighbourhoods_placed_in_them(self) -> None:
        for district in District.objects.all():
            with self.subTest(district.code):
                hint = district.area_hint.replace("\u200c", " ")
                names = [p.name for p in Place.objects.filter(district=district)]
                if hint in {"گوهردشت", "عظیمیه", "مهرشهر", "گلشهر", "حصارک", "اسلام آباد"}:
                    self.assertIn(hint, names)

    def assertFinds(self, query: str, name: str, district: str) -> None:
        found = search(query, limit=3)
        self.assertTrue(found, query)
        self.assertEqual((found[0].name, found[0].district_code), (name, district), query)

    def test_moazzen_and_gohardasht_are_found_in_district_3(self) -> None:
        for query in ["موذن", "بلوار موذن", "بلوار مؤذن", "موزن", "بلوار موذن گوهردشت",
                      "خ موذن نرسیده به میدان", "moazzen", "moazen", "bolvar moazzen"]:
            with self.subTest(query):
                self.assertFinds(query, "بلوار موذن", "district-3")
        for query in ["گوهردشت", "گوهر دشت", "گوهردشت", "گهردشت", "رجایی شهر",
                      "رجائی‌شهر", "gohardasht", "gohar dasht", "rajaei shahr"]:
            with self.subTest(query):
                self.assertFinds(query, "گوهردشت", "district-3")

    def test_neighbourhoods_and_landmarks_land_in_their_districts(self) -> None:
        cases = [("مهرشهر", "مهرشهر", "district-5"), ("mehrshahr", "مهرشهر", "district-5"),
                 ("عظیمیه", "عظیمیه", "district-2"), ("azimieh", "عظیمیه", "district-2"),
                 ("حصارک", "حصارک", "district-7"), ("کلاک", "کلاک", "district-10"),
                 ("گلشهر", "گلشهر", "district-6"), ("فردیس", "فردیس", "district-9"),
                 ("میدان شهدا", "میدان شهدا", "district-1"),
                 ("فلکه شهدا", "میدان شهدا", "district-1"),
                 ("پل کرج", "پل کرج", "district-1"), ("پل شاه عباسی", "پل کرج", "district-1"),
                 ("میدان سپاه", "میدان سپاه", "district-1"),
                 ("خیابان طالقانی", "خیابان طالقانی", "district-1"),
                 ("taleghani", "خیابان طالقانی", "district-1"),
                 ("بهشتی", "خیابان شهید بهشتی", "district-1"),
                 ("۴۵ متری گلشهر", "بلوار 45 متری گلشهر", "district-6"),
                 ("دانشگاه خوارزمی", "دانشگاه خوارزمی", "district-7")]
        for query, name, district in cases:
            with self.subTest(query):
                self.assertFinds(query, name, district)

    def test_a_square_named_beside_a_street_keeps_the_street_first(self) -> None:
        self.assertFinds("بلوار موذن، نرسیده به میدان گوهردشت", "بلوار موذن", "district-3")

    def test_a_confident_address_is_placed_and_a_vague_one_is_not(self) -> None:
        self.assertEqual(place_address("بلوار موذن").district_code, "district-3")
        self.assertEqual(place_address("خیابان طالقانی پلاک ۱۲").district_code, "district-1")
        self.assertIsNone(place_address("خیابان"))
        self.assertIsNone(place_address("نزدیک خانه ما"))
        self.assertIsNone(place_address("خیابان آزادی کوچه ۳"))


class ForeignAddressTests(TestCase):
    """Addresses of another city (an import from elsewhere) are never placed in this one by
    a chance likeness of a few consonants."""

    @classmethod
    def setUpTestData(cls) -> None:
        load_city(PACK)

    def test_short_latin_words_are_offered_but_never_placed(self) -> None:
        for text in ["Innes", "Bay", "River", "Capital", "Market St", "Somerset", "Kanata North",
                     "123 Main Street", "Orleans"]:
            with self.subTest(text):
                self.assertIsNone(place_address(text))
