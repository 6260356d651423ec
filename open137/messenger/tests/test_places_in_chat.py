"""An address typed in the chat is looked up in the city's gazetteer."""

from open137.cases.testing import CityTestCase
from open137.directory.queries import locate_district
from open137.messenger.catalog import Catalog


class PlacesInChatTests(CityTestCase):
    def test_a_street_typed_in_the_chat_is_offered_with_its_point(self) -> None:
        found = Catalog().places("بلوار موذن")
        self.assertTrue(found)
        self.assertIn("موذن", found[0].label)
        self.assertEqual(locate_district(found[0].lat, found[0].lon), "district-3")

    def test_an_unknown_address_offers_nothing(self) -> None:
        self.assertEqual(Catalog().places("کوچه پشتی خانه ما"), [])
