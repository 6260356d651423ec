"""The supervisor refers a request without a place by finding its address."""

from typing import Any

from open137.cases.models import Case, CaseEvent
from open137.cases.testing import CityTestCase
from open137.cases.workflow import Status
from open137.directory.models import District, Unit

MOAZZEN = (35.846, 50.938)  # on Boulevard Moazzen, district 3 (the Karaj pack's gazetteer)


class ReferralByAddressTests(CityTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.bob)
        self.works = Unit.objects.get(code="district-3/works")

    def in_triage(self, **kwargs: object) -> Case:
        return self.new_case(lat=None, lon=None, **kwargs)

    def refer(self, case: Case, **data: object) -> Any:
        return self.client.post(f"/desk/requests/{case.pk}/refer/",
                                {"unit": self.works.pk, "note": "", "next": "/desk/triage/",
                                 **data})

    def test_the_triage_queue_offers_an_address_search_that_picks_the_districts_unit(
            self) -> None:
        waiting = self.in_triage()
        page = self.client.get("/desk/triage/")
        self.assertContains(page, f'aria-controls="refer-places-{waiting.pk}"')
        self.assertContains(page, 'data-department="works"')
        self.assertContains(page, 'data-code="district-3/works"')
        self.assertContains(page, "open137/address.js")
        request_page = self.client.get(f"/desk/requests/{waiting.pk}/")
        self.assertContains(request_page, f'aria-controls="refer-places-{waiting.pk}"')
        self.assertContains(request_page, 'data-code="district-3/works"')
        self.assertContains(request_page, 'name="lat"')

    def test_a_referral_with_a_chosen_place_gives_the_request_its_point_and_address(
            self) -> None:
        waiting = self.in_triage()
        response = self.refer(waiting, place="بلوار موذن", lat=str(MOAZZEN[0]),
                              lon=str(MOAZZEN[1]))
        self.assertRedirects(response, "/desk/triage/")
        waiting.refresh_from_db()
        self.assertEqual((waiting.status, waiting.unit, waiting.district.code),
                         (Status.REFERRED, self.works, "district-3"))
        self.assertEqual((waiting.lat, waiting.lon, waiting.address),
                         (MOAZZEN[0], MOAZZEN[1], "بلوار موذن"))
        event = CaseEvent.objects.filter(case=waiting).latest("pk")
        self.assertEqual(event.data["placed"]["source"], "referral")
        page = self.client.get(f"/desk/requests/{waiting.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, 'data-testid="placed"')

    def test_an_organisations_unit_keeps_the_district_of_the_chosen_place(self) -> None:
        waiting = self.in_triage()
        self.client.post(f"/desk/requests/{waiting.pk}/refer/",
                         {"unit": self.other_unit.pk, "place": "بلوار موذن",
                          "lat": str(MOAZZEN[0]), "lon": str(MOAZZEN[1])})
        waiting.refresh_from_db()
        self.assertEqual((waiting.unit, waiting.district),
                         (self.other_unit, District.objects.get(code="district-3")))

    def test_a_request_with_a_point_keeps_it(self) -> None:
        placed = self.new_case()
        before = (placed.lat, placed.lon)
        self.refer(placed, place="بلوار موذن", lat=str(MOAZZEN[0]), lon=str(MOAZZEN[1]))
        placed.refresh_from_db()
        self.assertEqual((placed.lat, placed.lon), before)
        self.assertEqual(placed.unit, self.works)

    def test_half_a_point_or_a_bad_one_is_refused_on_the_field(self) -> None:
        waiting = self.in_triage()
        for data in ({"lat": "35.8"}, {"lat": "abc", "lon": "50.9"}, {"lat": "95", "lon": "1"}):
            with self.subTest(data):
                response = self.refer(waiting, place="بلوار موذن", **data)
                self.assertEqual(response.status_code, 400)
                refer = next(f for f in response.context["forms"] if f.step == "refer")
                self.assertTrue(refer.errors)
        waiting.refresh_from_db()
        self.assertEqual((waiting.status, waiting.lat), (Status.TRIAGE, None))
