"""Without a pin, possible duplicates are found by the place the address names."""

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.cases.testing import CityTestCase
from open137.intelligence.duplicates import find_duplicates
from open137.places.models import Place


class DuplicatesByPlaceTests(CityTestCase):
    def record(self, **fields: object) -> Case:
        return actions.receive_case(subject=self.works_subject, channel=Channel.PHONE,
                                    by=self.alice, description="چاله بزرگ", **fields)

    def test_a_request_on_the_same_street_is_offered_without_a_pin(self) -> None:
        street = Place.objects.get(name="بلوار موذن")
        lon, lat = street.geometry["coordinates"][0]
        on_street = self.record(lat=lat, lon=lon)
        by_text = self.record(address="بلوار موذن جنب بانک")  # placed from its address
        elsewhere = self.record(address="بلوار ارم")
        found = find_duplicates(subject=self.works_subject, lat=None, lon=None,
                                address="بلوار موذن نرسیده به میدان", text="چاله")
        self.assertEqual({c.pk for c in found}, {on_street.pk, by_text.pk})
        self.assertNotIn(elsewhere.pk, {c.pk for c in found})
        self.assertTrue(all(getattr(c, "place", "") == "بلوار موذن" for c in found))

    def test_another_subject_on_the_street_is_not_a_duplicate(self) -> None:
        actions.receive_case(subject=self.org_subject, channel=Channel.PHONE, by=self.alice,
                             address="بلوار موذن")
        self.assertEqual(find_duplicates(subject=self.works_subject, lat=None, lon=None,
                                         address="بلوار موذن"), [])

    def test_an_unknown_address_offers_nothing(self) -> None:
        self.record(address="بلوار موذن")
        self.assertEqual(find_duplicates(subject=self.works_subject, lat=None, lon=None,
                                         address="کوچه ما"), [])

    def test_the_desk_offers_them_beside_the_form(self) -> None:
        self.client.force_login(self.alice)
        case = self.record(address="گلشهر، بلوار ۴۵ متری")
        response = self.client.get("/desk/duplicates", {
            "subject": self.works_subject.code, "address": "۴۵ متری گلشهر"})
        self.assertContains(response, f'name="duplicate_of" value="{case.pk}"')
