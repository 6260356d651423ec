from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from open137.cases import actions
from open137.cases.models import Case, CaseEvent, Channel
from open137.cases.testing import CityTestCase, inside
from open137.cases.workflow import Status
from open137.core.errors import InvalidInput
from open137.directory.models import Subject
from open137.imports import replay
from open137.imports.replay import ImportedCase
from open137.notifications.models import Message

TEHRAN = ZoneInfo("Asia/Tehran")
IGNORED = {"id", "tracking_code", "updated_at"}


def through_actions(row: ImportedCase, by: Any) -> Case:
    """The same history, one action at a time, as an operator and a unit would make it."""
    case = actions.receive_case(
        subject=row.subject, channel=row.channel, by=by, kind=row.kind,
        description=row.description, lat=row.lat, lon=row.lon, address=row.address,
        district=row.district, contact_name=row.contact_name, contact_phone=row.contact_phone,
        contact_email=row.contact_email, language=row.language, at=row.created_at,
        external_id=row.external_id,
    )
    if row.accepted_at and case.status != Status.TRIAGE:
        actions.accept_case(case, by=by, at=row.accepted_at)
    finished = row.result_at or row.closed_at
    result = row.result or ("resolved" if row.closed_at else "")
    if result == "resolved":
        actions.resolve_case(case, note=row.result_note, by=by, at=finished)
    elif result == "rejected":
        actions.reject_case(case, reason=row.result_note, by=by, at=finished)
    if row.closed_at:
        actions.close_case(case, by=by, at=row.closed_at)
    # The deadline watcher, had it been running then, flagged each deadline as it passed.
    for deadline in ("respond", "resolve"):
        due = actions.running_deadline(case, deadline)
        if due is not None and due <= timezone.now():
            actions.mark_overdue(case, deadline=deadline, due=due, at=due)
    return case


def snapshot(case_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    case = Case.objects.get(pk=case_id)
    fields = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields
              if f.attname not in IGNORED}
    names = [f.attname for f in CaseEvent._meta.concrete_fields if f.attname not in {"id",
                                                                                  "case_id"}]
    events = list(CaseEvent.objects.filter(case_id=case_id).order_by("at", "pk")
                  .values(*names))
    return fields, events


class BulkImportMatchesActionsTests(CityTestCase):
    def setUp(self) -> None:
        self.start = datetime(2024, 5, 4, 9, 30, tzinfo=TEHRAN)  # a Saturday morning
        self.garbage = Subject.objects.get(code="garbage")
        self.urgent = Subject.objects.filter(urgent=True, handler__startswith="district:")[0]

    def rows(self) -> dict[str, ImportedCase]:
        lat, lon = inside(self.district)
        t = self.start
        return {
            "closed with a point": ImportedCase(
                subject=self.works_subject, created_at=t, lat=lat, lon=lon,
                description="چاله  بزرگ در كوچه ۱۲", address="خیابان  اول",
                closed_at=t + timedelta(days=3), result_note="ترمیم شد.", external_id="a1"),
            "referred by district, accepted": ImportedCase(
                subject=self.works_subject, created_at=t, district=self.district,
                channel=Channel.PHONE, accepted_at=t + timedelta(hours=5), external_id="a2"),
            "organisation's subject rejected": ImportedCase(
                subject=self.garbage, created_at=t, result="rejected",
                result_at=t + timedelta(hours=2), result_note="Not ours to do.",
                external_id="a3"),
            "nowhere to route, resolved and closed from triage": ImportedCase(
                subject=self.works_subject, created_at=t, result="resolved",
                result_at=t + timedelta(days=1), result_note="Done.",
                closed_at=t + timedelta(days=2), external_id="a4"),
            "outside the city, accepted but nobody took it": ImportedCase(
                subject=self.works_subject, created_at=t, lat=35.0, lon=49.0,
                accepted_at=t + timedelta(hours=1), external_id="a5"),
            "urgent, in calendar hours": ImportedCase(
                subject=self.urgent, created_at=t + timedelta(hours=20), district=self.district,
                result="resolved", result_at=t + timedelta(hours=23), result_note="Cleared.",
                external_id="a6"),
        }

    def assert_same(self, bulk_id: int, step_case: Case) -> None:
        bulk, steps = snapshot(bulk_id), snapshot(step_case.pk)
        self.assertEqual(bulk[0], steps[0])
        self.assertEqual([e["step"] for e in bulk[1]], [e["step"] for e in steps[1]])
        self.assertEqual(bulk[1], steps[1])

    def test_each_history_imported_in_bulk_equals_the_same_history_made_by_actions(self) -> None:
        for name, row in self.rows().items():
            for by in (None, self.alice):
                with self.subTest(name, by=by):
                    [bulk_id] = replay.import_cases([row], by=by)
                    self.assertIsInstance(bulk_id, int)
                    self.assert_same(bulk_id, through_actions(row, by))

    def test_a_batch_gives_every_row_its_own_id_and_tracking_code(self) -> None:
        rows = list(self.rows().values())
        ids = replay.import_cases(rows, by=None)
        self.assertEqual(len(set(ids)), len(rows))
        codes = set(Case.objects.values_list("tracking_code", flat=True))
        self.assertEqual(len(codes), len(rows))
        self.assertEqual(CaseEvent.objects.filter(step="receive").count(), len(rows))

    def test_a_bad_row_is_returned_as_its_error_and_the_others_are_imported(self) -> None:
        t = self.start
        good = self.rows()["closed with a point"]
        bad = {
            "closed_at": ImportedCase(subject=self.garbage, created_at=t,
                                      closed_at=t - timedelta(days=1), result_note="x"),
            "lat": ImportedCase(subject=self.garbage, created_at=t, lat=91.0, lon=51.0),
            "note": ImportedCase(subject=self.garbage, created_at=t, result="resolved",
                                 result_at=t + timedelta(hours=1)),
            "created_at": ImportedCase(subject=self.garbage,
                                       created_at=datetime.now(TEHRAN) + timedelta(days=2)),
            "channel": ImportedCase(subject=self.garbage, created_at=t, channel="pigeon"),
        }
        outcomes = replay.import_cases([good, *bad.values()], by=None)
        self.assertIsInstance(outcomes[0], int)
        for (field, _row), outcome in zip(bad.items(), outcomes[1:], strict=True):
            with self.subTest(field):
                self.assertIsInstance(outcome, InvalidInput)
                assert isinstance(outcome, InvalidInput)
                self.assertEqual(outcome.field, field)
        self.assertEqual(Case.objects.count(), 1)

    def test_an_import_notifies_nobody_and_leaves_the_history_in_the_past(self) -> None:
        row = replace(self.rows()["closed with a point"], contact_phone="09121234567")
        [case_id] = replay.import_cases([row], by=None)
        self.assertFalse(Message.objects.exists())
        assert isinstance(case_id, int)
        case = Case.objects.get(pk=case_id)
        self.assertEqual(case.status, Status.CLOSED)
        self.assertEqual(case.created_at, row.created_at)
        self.assertEqual(case.closed_at, row.closed_at)
        self.assertEqual(case.resolved_at, row.closed_at)
        self.assertEqual(case.responded_at, row.closed_at)
        self.assertEqual(case.unit, self.unit)
        self.assertEqual(case.channel, Channel.IMPORT)

    def test_old_open_requests_arrive_flagged_overdue_and_the_watcher_tells_nobody(self) -> None:
        from open137.cases.jobs import escalate

        row = self.rows()["referred by district, accepted"]
        [case_id] = replay.import_cases([row], by=None)
        assert isinstance(case_id, int)
        case = Case.objects.get(pk=case_id)
        self.assertTrue(case.overdue)
        overdue = case.events.filter(step="overdue")
        self.assertEqual([e.data["deadline"] for e in overdue], ["resolve"])
        self.assertEqual(overdue.get().at, case.resolve_by)
        self.assertEqual(escalate(timezone.now()), "reminded 0, overdue 0")
        self.assertFalse(Message.objects.exists())
