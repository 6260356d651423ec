from django.test import SimpleTestCase
from shapely.geometry import Point, box

from open137.routing.engine import (
    Handler,
    HandlerKind,
    Reason,
    Rule,
    choose_unit,
    parse_handler,
)
from open137.routing.geo import DistrictIndex

UNITS = frozenset({"center", "waste", "civil", "district-1", "district-1/works",
                   "district-1/services", "district-2", "district-2/works", "contractor"})


def square(x: float, y: float) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1],
                                                [x, y]]]}


class ParseHandlerTests(SimpleTestCase):
    def test_the_three_handler_kinds_parse(self) -> None:
        self.assertEqual(parse_handler("district:works"), Handler(HandlerKind.DISTRICT, "works"))
        self.assertEqual(parse_handler("org:waste"), Handler(HandlerKind.ORG, "waste"))
        self.assertEqual(parse_handler("central:civil"), Handler(HandlerKind.CENTRAL, "civil"))

    def test_malformed_handlers_are_none(self) -> None:
        for text in ["", "waste", "org:", "city:waste", ":works"]:
            self.assertIsNone(parse_handler(text), text)


class DistrictIndexTests(SimpleTestCase):
    def setUp(self) -> None:
        self.index = DistrictIndex([("district-1", square(0, 0)), ("district-2", square(1, 0))])

    def test_points_inside_find_their_district(self) -> None:
        self.assertEqual(self.index.locate(0.5, 0.5), "district-1")
        self.assertEqual(self.index.locate(1.5, 0.2), "district-2")

    def test_point_outside_every_district_is_none(self) -> None:
        self.assertIsNone(self.index.locate(5, 5))

    def test_point_on_a_shared_border_goes_to_the_first_district(self) -> None:
        self.assertEqual(self.index.locate(1.0, 0.5), "district-1")


class ChooseUnitTests(SimpleTestCase):
    def choose(self, handler: str, district: str | None, point: Point | None = None,
               rules: tuple[Rule, ...] = ()) -> tuple[str | None, str | None, Reason]:
        d = choose_unit(handler=parse_handler(handler), district_code=district, point=point,
                        rules=rules, units=UNITS, triage_unit="center")
        return d.unit_code, d.district_code, d.reason

    def test_district_handler_goes_to_the_department_of_the_district(self) -> None:
        self.assertEqual(self.choose("district:works", "district-2", Point(1.5, 0.5)),
                         ("district-2/works", "district-2", Reason.HANDLER))

    def test_organisation_handler_goes_to_the_organisation(self) -> None:
        self.assertEqual(self.choose("org:waste", "district-1", Point(0.5, 0.5)),
                         ("waste", "district-1", Reason.HANDLER))

    def test_central_handler_goes_to_the_central_unit(self) -> None:
        self.assertEqual(self.choose("central:civil", "district-1", Point(0.5, 0.5)),
                         ("civil", "district-1", Reason.HANDLER))

    def test_organisation_needs_no_location(self) -> None:
        self.assertEqual(self.choose("org:waste", None), ("waste", None, Reason.HANDLER))

    def test_district_handler_without_location_goes_to_triage(self) -> None:
        self.assertEqual(self.choose("district:works", None), (None, None, Reason.NO_LOCATION))

    def test_district_chosen_without_a_point_is_enough_for_a_district_handler(self) -> None:
        self.assertEqual(self.choose("district:works", "district-1"),
                         ("district-1/works", "district-1", Reason.HANDLER))

    def test_point_outside_the_city_goes_to_triage_whatever_the_handler(self) -> None:
        for handler in ["district:works", "org:waste", "central:civil"]:
            self.assertEqual(self.choose(handler, None, Point(9, 9)),
                             (None, None, Reason.OUTSIDE))

    def test_handler_naming_the_triage_centre_goes_to_triage(self) -> None:
        self.assertEqual(self.choose("org:center", "district-1", Point(0.5, 0.5)),
                         (None, "district-1", Reason.TRIAGE_SUBJECT))

    def test_unknown_or_missing_units_go_to_triage(self) -> None:
        self.assertEqual(self.choose("org:taxi", None)[2], Reason.UNKNOWN_HANDLER)
        self.assertEqual(self.choose("district:parks", "district-1")[2], Reason.UNKNOWN_HANDLER)
        self.assertEqual(self.choose("nonsense", None)[2], Reason.UNKNOWN_HANDLER)

    def test_district_rule_overrides_the_handler(self) -> None:
        rule = Rule("contractor", priority=1, district_code="district-1")
        self.assertEqual(self.choose("district:works", "district-1", Point(0.5, 0.5), (rule,)),
                         ("contractor", "district-1", Reason.RULE))
        self.assertEqual(self.choose("district:works", "district-2", Point(1.5, 0.5), (rule,)),
                         ("district-2/works", "district-2", Reason.HANDLER))

    def test_area_rule_applies_only_to_points_inside_the_area(self) -> None:
        rule = Rule("contractor", area=box(0.0, 0.0, 0.3, 0.3))
        self.assertEqual(self.choose("org:waste", "district-1", Point(0.1, 0.1), (rule,))[0],
                         "contractor")
        self.assertEqual(self.choose("org:waste", "district-1", Point(0.8, 0.8), (rule,))[0],
                         "waste")
        self.assertEqual(self.choose("org:waste", None, None, (rule,))[0], "waste")

    def test_highest_priority_rule_wins(self) -> None:
        low = Rule("waste", priority=1, district_code="district-1")
        high = Rule("contractor", priority=5, area=box(0, 0, 1, 1))
        self.assertEqual(self.choose("district:works", "district-1", Point(0.5, 0.5),
                                     (low, high))[0], "contractor")

    def test_rule_pointing_at_an_inactive_unit_is_skipped(self) -> None:
        rule = Rule("gone", priority=9, district_code="district-1")
        self.assertEqual(self.choose("org:waste", "district-1", Point(0.5, 0.5), (rule,))[0],
                         "waste")
