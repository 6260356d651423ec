from collections import Counter
from datetime import timedelta

from django.apps import apps
from django.utils import timezone, translation
from shapely.geometry import Point, mapping

from open137.cases import actions as cases
from open137.cases.models import Case, CaseEvent
from open137.cases.testing import CityTestCase, inside
from open137.cases.workflow import Status, Step
from open137.core.errors import InvalidInput
from open137.directory.models import District, Subject, Unit
from open137.intelligence import actions
from open137.intelligence.models import Incident


def square_around(lat: float, lon: float, half: float = 0.002) -> dict[str, object]:
    return dict(mapping(Point(lon, lat).buffer(half, cap_style="square")))


class IncidentTestCase(CityTestCase):
    def setUp(self) -> None:
        self.lat, self.lon = inside(self.district)

    def declare(self, **kwargs: object) -> Incident:
        values: dict[str, object] = {
            "subject": self.works_subject, "district": self.district, "by": self.bob,
            "message_fa": "برف‌روبی معابر منطقه در جریان است.",
            "message_en": "Snow is being cleared in the district."}
        values.update(kwargs)
        return actions.declare_incident(**values)  # type: ignore[arg-type]

    def call(self, phone: str = "", **kwargs: object) -> Case:
        return self.new_case(contact_phone=phone, **kwargs)


class DeclaringTests(IncidentTestCase):
    def test_a_supervisor_declares_an_incident_with_a_public_message(self) -> None:
        incident = self.declare()
        self.assertTrue(incident.is_open)
        self.assertEqual(incident.created_by, self.bob)
        self.assertEqual(incident.public_message, "برف‌روبی معابر منطقه در جریان است.")
        with translation.override("en"):
            self.assertEqual(incident.public_message, "Snow is being cleared in the district.")

    def test_the_message_is_required(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            self.declare(message_fa="  ")
        self.assertEqual(caught.exception.field, "message_fa")

    def test_the_area_must_be_a_polygon(self) -> None:
        with self.assertRaises(InvalidInput):
            self.declare(area={"type": "Point", "coordinates": [51, 35]})
        with self.assertRaises(InvalidInput):
            self.declare(area={"type": "Polygon", "coordinates": "nonsense"})
        feature = {"type": "Feature", "properties": {},
                   "geometry": square_around(self.lat, self.lon)}
        self.assertEqual(self.declare(area=feature).area["type"], "Polygon")

    def test_the_end_must_follow_the_start(self) -> None:
        now = timezone.now()
        with self.assertRaises(InvalidInput):
            self.declare(starts_at=now, ends_at=now - timedelta(hours=1))


class MatchingTests(IncidentTestCase):
    def match(self, lat: float | None = None, lon: float | None = None,
              **kwargs: object) -> Incident | None:
        return actions.match_incident(kwargs.pop("subject", self.works_subject),  # type: ignore[arg-type]
                                      lat, lon, **kwargs)  # type: ignore[arg-type]

    def test_a_call_inside_the_district_matches(self) -> None:
        incident = self.declare()
        self.assertEqual(self.match(self.lat, self.lon), incident)
        other = District.objects.exclude(pk=self.district.pk).order_by("number")[0]
        self.assertIsNone(self.match(*inside(other)))

    def test_without_a_point_the_district_chosen_on_the_form_matches(self) -> None:
        incident = self.declare()
        self.assertEqual(self.match(district=self.district), incident)
        self.assertEqual(self.match(district=self.district.code), incident)
        self.assertIsNone(self.match())

    def test_a_drawn_area_must_contain_the_point(self) -> None:
        incident = self.declare(district=None, area=square_around(self.lat, self.lon))
        self.assertEqual(self.match(self.lat, self.lon), incident)
        self.assertIsNone(self.match(self.lat + 0.01, self.lon))

    def test_an_incident_without_a_place_covers_the_city_and_precise_ones_win(self) -> None:
        city = self.declare(district=None)
        self.assertEqual(self.match(), city)
        district = self.declare()
        self.assertEqual(self.match(self.lat, self.lon), district)

    def test_another_subject_time_or_a_resolved_incident_does_not_match(self) -> None:
        now = timezone.now()
        self.declare(starts_at=now + timedelta(hours=2))
        self.declare(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
        done = self.declare()
        actions.resolve_incident(done, note="تمام شد", by=self.bob)
        self.assertIsNone(self.match(self.lat, self.lon))
        self.declare()
        self.assertIsNone(self.match(self.lat, self.lon, subject=self.org_subject))
        self.assertIsNotNone(self.match(self.lat, self.lon, subject=self.works_subject.code))


class AttachingTests(IncidentTestCase):
    def test_a_matching_call_is_attached_and_shows_the_incident(self) -> None:
        incident = self.declare()
        case = self.call()
        self.assertEqual(actions.attach_to_matching_incident(case, by=self.alice), incident)
        self.assertEqual(actions.incident_for_case(case), incident)
        again = actions.attach_case_to_incident(case, incident=incident, by=self.alice)
        self.assertEqual(incident.links.count(), 1)
        self.assertEqual(again.attached_by, self.alice)

    def test_a_duplicate_of_an_attached_request_shows_the_incident_too(self) -> None:
        incident = self.declare()
        first, second = self.call("09121234567"), self.call("09127654321")
        actions.attach_case_to_incident(first, incident=incident, by=self.alice)
        cases.link_duplicate(second, original=first, by=self.alice)
        self.assertEqual(actions.incident_for_case(second), incident)
        self.assertIsNone(actions.incident_for_case(self.call()))

    def test_a_request_on_another_subject_or_finished_cannot_be_attached(self) -> None:
        incident = self.declare()
        with self.assertRaises(InvalidInput):
            actions.attach_case_to_incident(self.call(subject=self.org_subject),
                                            incident=incident, by=self.alice)
        done = self.call()
        cases.resolve_case(done, note="انجام شد", by=self.charlie)
        with self.assertRaises(InvalidInput):
            actions.attach_case_to_incident(done, incident=incident, by=self.alice)

    def test_a_request_belongs_to_one_incident_and_only_an_open_one(self) -> None:
        first, second = self.declare(), self.declare(district=None)
        case = self.call()
        actions.attach_case_to_incident(case, incident=first, by=self.alice)
        with self.assertRaises(InvalidInput):
            actions.attach_case_to_incident(case, incident=second, by=self.alice)
        actions.resolve_incident(second, note="تمام شد", by=self.bob)
        with self.assertRaises(InvalidInput):
            actions.attach_case_to_incident(self.call(), incident=second, by=self.alice)


class ResolvingTests(IncidentTestCase):
    def test_resolving_resolves_every_open_request_and_tells_each_citizen_once(self) -> None:
        incident = self.declare()
        phones = ["09121111111", "09122222222", "09123333333"]
        linked = [self.call(phone) for phone in phones]
        for case in linked:
            actions.attach_case_to_incident(case, incident=incident, by=self.alice)
        # A caller linked as a duplicate of an attached request follows it.
        duplicate = self.call("09124444444")
        cases.link_duplicate(duplicate, original=linked[0], by=self.alice)
        # An attached request resolved on its own earlier: its citizen already heard.
        early = self.call("09125555555")
        actions.attach_case_to_incident(early, incident=incident, by=self.alice)
        cases.resolve_case(early, note="زودتر درست شد", by=self.charlie)

        events = actions.resolve_incident(incident, note="برف همه معابر روبیده شد.",
                                          by=self.bob)

        self.assertEqual(len(events), 3)
        for case in [*linked, early]:
            case.refresh_from_db()
            self.assertEqual(case.status, Status.RESOLVED)
            self.assertEqual(CaseEvent.objects.filter(case=case, step=Step.RESOLVE).count(), 1)
        self.assertEqual(linked[0].result_note, "برف همه معابر روبیده شد.")
        incident.refresh_from_db()
        self.assertEqual(incident.status, Incident.State.RESOLVED)
        self.assertEqual(incident.resolved_by, self.bob)
        if apps.is_installed("open137.notifications"):
            from open137.notifications.models import Message
            from open137.notifications.texts import MessageKind

            told = Counter(Message.objects
                           .filter(kind__in=[MessageKind.RESOLVED, MessageKind.FOLLOWED])
                           .values_list("recipient", flat=True))
            recipients = {case.contact_phone for case in [*linked, early]}
            recipients.add(duplicate.contact_phone)
            self.assertEqual(set(told), recipients)
            self.assertEqual(set(told.values()), {1})

    def test_an_incident_is_resolved_once_and_with_a_note(self) -> None:
        incident = self.declare()
        with self.assertRaises(InvalidInput):
            actions.resolve_incident(incident, note=" ", by=self.bob)
        actions.resolve_incident(incident, note="تمام شد", by=self.bob)
        with self.assertRaises(InvalidInput):
            actions.resolve_incident(incident, note="دوباره", by=self.bob)

    def test_a_request_in_triage_is_resolved_too(self) -> None:
        triage = Unit.objects.get(is_triage=True)
        other = Subject.objects.get(handler=f"org:{triage.code}")
        incident = self.declare(subject=other, district=None)
        case = self.call("09126666666", subject=other)
        self.assertEqual(case.status, Status.TRIAGE)
        actions.attach_case_to_incident(case, incident=incident, by=self.alice)
        actions.resolve_incident(incident, note="پاسخ داده شد", by=self.bob)
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)
