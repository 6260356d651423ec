"""A hand-made month of requests with known times, deadlines, outcomes and answers.

The month is Mehr 1404 (1404-07); figures are read at NOW, 1 Azar 1404 at noon. Every
expected figure in the tests is worked out by hand from the story told here:

A  phone, district, referred at once; the citizen calls again half an hour later (a
   repeat contact); accepted after an hour; resolved in two days; the citizen answers
   "satisfied" and it closes. Result message sent.
B  web; accepted late, resolved late; the citizen objects (reopened, not satisfied); it
   is resolved an hour later and the citizen answers "satisfied" this time: closed, and
   satisfied (the latest answer counts). Result message sent.
C  SMS, an organisation's subject; the organisation returns it (not ours), the
   supervisor refers it to the same organisation again, which answers with a plan whose
   expected date has passed by NOW. Open, planned. Three hours lost in a wrong unit.
D  phone, no location, so it waits for triage five hours until the supervisor refers it
   to the district's works department (so it is of that district now); nobody acts on it
   and the citizen calls again twice. Open, overdue.
E  phone; rejected after three hours; the message is queued but never delivered.
F  phone; linked as a duplicate of D a day later.
I  phone; accepted late, resolved late, closed by the quiet period; never answered, and
   its result message never delivered.
J  phone, two days in; an hour later the unit asks the citizen a question, answered 26
   hours later (the unit's clock stands still meanwhile); resolved the next morning.
G  phone, two days before NOW (next month): open, young.
G2 phone, ten days before NOW (next month): open.
H  phone, the month before: resolved and closed; outside the period.
"""

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.test import override_settings

from open137.cases import actions
from open137.cases.models import Case, Channel, PlanReason
from open137.cases.testing import inside
from open137.notifications import actions as outbox
from open137.notifications.worker import deliver_due
from open137.oversight.periods import Month, Period

TEHRAN = ZoneInfo("Asia/Tehran")
MONTH = Month(1404, 7)
PERIOD = Period(MONTH, MONTH)
T0 = datetime(2025, 9, 23, 9, 0, tzinfo=TEHRAN)  # 1 Mehr 1404, 09:00
NOW = datetime(2025, 11, 22, 12, 0, tzinfo=TEHRAN)  # 1 Azar 1404, 12:00
H = timedelta(hours=1)
DAY = timedelta(days=1)


def tell_result(case: Case, kind: str, at: datetime) -> None:
    """Queue the result message to the citizen, as the lifecycle does for a live step."""
    outbox.enqueue_sms(to=case.contact_phone, kind=kind, case_id=case.pk, now=at,
                       key=f"scenario-{case.pk}-{kind}-{at.isoformat()}",
                       values={"code": case.tracking_code, "note": case.result_note,
                               "reason": case.result_note, "unit": str(case.unit)})


def deliver(now: datetime) -> None:
    """The worker sends what is due (to a file: the SMS gateway of a test)."""
    with tempfile.TemporaryDirectory() as folder, override_settings(
            SMS_BACKEND="file", SMS_FILE_PATH=str(Path(folder) / "sms.jsonl")):
        deliver_due(now=now)


def build(t: Any) -> dict[str, Case]:
    """Build the story on a CityTestCase (or a browser test with the same users)."""
    bob, charlie, dave = t.bob, t.charlie, t.dave
    lat, lon = inside(t.district)

    def new(**kwargs: Any) -> Case:
        values: dict[str, Any] = {"subject": t.works_subject, "channel": Channel.PHONE,
                                  "by": t.alice, "description": "چاله بزرگ در کوچه",
                                  "lat": lat, "lon": lon}
        values.update(kwargs)
        return actions.receive_case(**values)

    c: dict[str, Case] = {}

    a = c["A"] = new(at=T0, contact_phone="09121111111", contact_name="علی احمدی")
    actions.record_contact(a, note="دوباره تماس گرفت", by=t.alice, at=T0 + H / 2)
    actions.accept_case(a, by=charlie, at=T0 + H)
    actions.resolve_case(a, note="آسفالت شد", by=charlie, at=T0 + 2 * DAY)
    tell_result(a, "resolved", T0 + 2 * DAY)
    actions.close_case(a, by=None, satisfied=True, at=T0 + 3 * DAY)

    b = c["B"] = new(at=T0 + DAY, channel=Channel.WEB, contact_phone="09122222222")
    actions.accept_case(b, by=charlie, at=b.respond_by + H)
    actions.resolve_case(b, note="انجام شد", by=charlie, at=b.resolve_by + H)
    actions.reopen_case(b, by=None, note="انجام نشده", at=b.resolve_by + 2 * H)
    actions.resolve_case(b, note="دوباره انجام شد", by=charlie, at=_after(b, H))
    tell_result(b, "resolved", b.resolved_at)
    deliver(b.resolved_at + H)
    actions.answer_satisfaction(b, satisfied=True, by=None, at=b.resolved_at + 2 * H)

    cc = c["C"] = new(subject=t.org_subject, at=T0 + 2 * H, channel=Channel.SMS,
                      lat=None, lon=None, contact_phone="09123333333")
    actions.return_case(cc, reason="مربوط به ما نیست", by=dave, at=T0 + 4 * H)
    actions.refer_case(cc, unit=t.other_unit, by=bob, at=T0 + 5 * H)
    actions.plan_case(cc, reason=PlanReason.BUDGET, expected_date=(T0 + 30 * DAY).date(),
                      by=dave, at=T0 + 6 * H)

    d = c["D"] = new(at=T0 + 3 * H, lat=None, lon=None, contact_phone="09124444444")
    actions.refer_case(d, unit=t.unit, by=bob, at=T0 + 8 * H)
    actions.record_contact(d, note="پیگیری", by=t.alice, at=T0 + 2 * DAY)
    actions.record_contact(d, note="پیگیری دوباره", by=t.alice, at=T0 + 5 * DAY)

    e = c["E"] = new(at=T0 + 4 * H, contact_phone="09125555555")
    actions.reject_case(e, reason="در حریم شهر نیست", by=charlie, at=T0 + 7 * H)
    tell_result(e, "rejected", T0 + 7 * H)  # never delivered

    f = c["F"] = new(at=T0 + 5 * H, contact_phone="09126060606")
    actions.link_duplicate(f, original=d, by=bob, at=T0 + DAY + 5 * H)

    i = c["I"] = new(at=T0 + 6 * H, contact_phone="09127777777")
    actions.accept_case(i, by=charlie, at=i.respond_by + H)
    actions.resolve_case(i, note="انجام شد", by=charlie, at=i.resolve_by + H)
    tell_result(i, "resolved", i.resolve_by + H)  # never delivered
    actions.close_case(i, by=None, at=i.resolve_by + 8 * DAY)

    j = c["J"] = new(at=T0 + 2 * DAY, contact_phone="09121212121")
    actions.ask_citizen(j, question="پلاک ساختمان چند است؟", by=charlie, at=T0 + 2 * DAY + H)
    actions.answer_question(j, answer="پلاک ۱۲", by=None, at=T0 + 3 * DAY + 3 * H)
    actions.resolve_case(j, note="انجام شد", by=charlie, at=T0 + 4 * DAY + H)

    c["G"] = new(at=NOW - 2 * DAY, contact_phone="09128888888")
    c["G2"] = new(at=NOW - 10 * DAY, contact_phone="09129999999")

    h = c["H"] = new(at=T0 - 10 * DAY, contact_phone="09120000001")
    actions.resolve_case(h, note="انجام شد", by=charlie, at=T0 - 9 * DAY)
    actions.close_case(h, by=None, satisfied=True, at=T0 - 8 * DAY)
    return c


def _after(case: Case, delta: timedelta) -> datetime:
    """`delta` after the request's latest event."""
    last = case.events.order_by("-at").values_list("at", flat=True).first()
    assert last is not None
    return last + delta
