"""A demo city in motion: named users per role and about two thousand requests.

Everything is created through the actions, with times in the past, so that events,
deadlines and figures are as consistent as real ones.
"""

import csv
import random
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override
from shapely.geometry import Point, shape

from open137.audit.actions import record_changed, record_created
from open137.audit.values import snapshot
from open137.cases import actions, messages
from open137.cases.models import OTHER_REASON, Case, Channel, plan_reasons
from open137.cases.queries import suggested_unit
from open137.cases.workflow import Status
from open137.directory.actions import default_pack_path, set_staff_role
from open137.directory.models import District, Kind, Staff, Subject, Unit
from open137.notifications import actions as outbox
from open137.notifications.texts import MessageKind

CENTRE_USERS = [
    ("admin", Staff.Role.ADMIN),
    ("operator", Staff.Role.OPERATOR),
    ("supervisor", Staff.Role.SUPERVISOR),
    ("inspector", Staff.Role.INSPECTOR),
    ("council", Staff.Role.COUNCIL),
]

FALLBACK_TEXTS = ["لطفاً رسیدگی شود.", "چند روز است که این مشکل وجود دارد.", "با تشکر"]
FIRST_NAMES = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "محمد", "سارا", "مهدی", "نرگس"]
LAST_NAMES = ["احمدی", "رضایی", "محمدی", "حسینی", "کریمی", "موسوی", "جعفری", "نوری"]


@transaction.atomic
def create_users(password: str) -> list[tuple[str, str]]:
    """The named demo users: one per centre role and one per unit (code with / as -)."""
    logins = []
    for username, role in CENTRE_USERS:
        _user(username, password, role, None, superuser=role == Staff.Role.ADMIN)
        logins.append((username, str(role.label)))
    for unit in Unit.objects.filter(active=True).order_by("type", "code"):
        _user(unit.user_slug, password, Staff.Role.UNIT_MANAGER, unit)
        logins.append((unit.user_slug, unit.name_fa))
    return logins


def _user(username: str, password: str, role: str, unit: Unit | None, *,
          superuser: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    before = snapshot(user) if user is not None else None
    user = user or User(username=username)
    user.set_password(password)
    user.is_staff = superuser
    user.is_superuser = superuser
    user.save()
    if before is None:
        record_created(user, by=None)
    else:
        record_changed(user, by=None, before=before)
    set_staff_role(user, role=role, unit=unit, by=None)
    return user


def random_password() -> str:
    return secrets.token_urlsafe(9)


def _texts() -> dict[str, list[str]]:
    """Example descriptions per subject from the pack's training data, if it has any."""
    texts: dict[str, list[str]] = {}
    folder = Path(default_pack_path()) / "training"
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                texts.setdefault(row["subject"], []).append(row["text"])
    return texts


def _points(rng: random.Random) -> Iterator[tuple[str, float, float]]:
    districts = [(d.code, shape(d.geometry)) for d in District.objects.filter(active=True)]
    while True:
        code, geom = rng.choice(districts)
        minx, miny, maxx, maxy = geom.bounds
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(Point(lon, lat)):
            yield code, round(lat, 6), round(lon, 6)


def create_cases(count: int, *, days: int = 90, seed: int = 137) -> int:
    """About `count` requests over the last `days` days, in every status and channel."""
    rng = random.Random(seed)
    now = timezone.now()
    subjects = list(Subject.objects.filter(active=True))
    kinds = list(Kind.objects.filter(active=True))
    units = list(Unit.objects.filter(active=True, is_triage=False))
    staff = {s.unit_id or 0: s.user for s in Staff.objects.filter(unit__isnull=False)
             .select_related("user")}
    operator = User.objects.filter(username="operator").first()
    supervisor = User.objects.filter(username="supervisor").first()
    texts = _texts()
    points = _points(rng)
    channels = [Channel.PHONE] * 6 + [Channel.WEB] * 2 + [Channel.SMS, Channel.OPEN311,
                                                           Channel.WALKIN, Channel.API]
    made = 0
    with transaction.atomic():
        for _i in range(count):
            subject = rng.choice(subjects)
            at = _busy_time(rng, now - timedelta(days=rng.uniform(0, days)))
            if at >= now:  # today's busy hours may still be ahead
                at = now - timedelta(minutes=rng.uniform(1, 600))
            lat = lon = None
            roll = rng.random()
            if roll < 0.85:
                _district, lat, lon = next(points)
            elif roll < 0.9:  # a point just outside the city
                lat, lon = 35.70 + rng.random() * 0.05, 50.70 + rng.random() * 0.05
            channel = rng.choice(channels)
            phone = f"0912{rng.randrange(1000000, 9999999)}" if rng.random() < 0.6 else ""
            case = actions.receive_case(
                subject=subject, kind=rng.choice(kinds) if rng.random() < 0.3 else kinds[0],
                channel=channel, by=operator if channel == Channel.PHONE else None,
                description=rng.choice(texts.get(subject.code) or FALLBACK_TEXTS),
                lat=lat, lon=lon, contact_phone=phone,
                contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if phone else "",
                at=at,
            )
            _advance(case, rng, now, units, staff, supervisor, operator)
            made += 1
    return made


def _told(case: Case, kind: str, at: datetime, now: datetime, rng: random.Random) -> None:
    """The result SMS of a step older than a day, as the worker delivered it back then.

    Steps written after the fact queue no message (cases.messages.BACKFILL), so the demo
    keeps the delivery it would have had: a minute later, or never for one in twenty
    (a phone that was off for two days).
    """
    if now - at <= messages.BACKFILL or not case.contact_phone or rng.random() < 0.05:
        return
    with override(case.language or "fa"):
        values = messages.citizen_values(case)
    outbox.record_sent_sms(to=case.contact_phone, kind=kind, values=values,
                           key=f"demo-{case.pk}:{kind}:{at.isoformat()}",
                           at=at + timedelta(minutes=1), language=case.language or "fa",
                           case_id=case.pk)


def _busy_time(rng: random.Random, day: datetime) -> datetime:
    """A time of day shaped like a call centre's: most calls between 8 and 14."""
    local = timezone.localtime(day)
    hour = min(23, max(0, int(rng.gauss(11, 3))))
    return local.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))


def _advance(case: Case, rng: random.Random, now: datetime, units: list[Unit],
             staff: dict[int, User], supervisor: User | None,
             operator: User | None = None) -> None:
    """Walk one request forward through plausible steps, never past now."""
    t = case.created_at
    reasons = [code for code, _name in plan_reasons() if code != OTHER_REASON]

    def later(hours: float) -> datetime | None:
        nonlocal t
        t = t + timedelta(hours=rng.expovariate(1 / hours))
        return t if t < now else None

    def called_again() -> None:
        # A citizen waiting without news calls again; the operator records it on the request.
        nonlocal t
        if case.is_open and case.contact_phone and rng.random() < 0.12:
            when = t + timedelta(hours=rng.uniform(2, 72))
            if when < now:
                actions.record_contact(case, note="دوباره تماس گرفت و پیگیری کرد.",
                                       by=operator, at=when)
                t = when

    if case.status == Status.TRIAGE:
        # The supervisor refers it, after a wait in the queue, to the unit the subject's
        # handler names when the place says which (or a unit that looks right).
        if rng.random() < 0.2 or (at := later(3)) is None:
            called_again()
            return
        target = suggested_unit(case) or rng.choice(
            [u for u in units if u.type != Unit.Type.DISTRICT])
        actions.refer_case(case, unit=target, by=supervisor, at=at)
    for _round in range(3):
        user = staff.get(case.unit_id or 0)
        roll = rng.random()
        if (at := later(case.subject.respond_hours / 2 or 1)) is None:
            called_again()
            return
        if roll < 0.06:
            actions.return_case(case, reason="این درخواست در حوزه وظایف این واحد نیست.",
                                by=user, at=at)
            if (at := later(4)) is None:
                return
            other = suggested_unit(case) if rng.random() < 0.5 else None
            if other is None or other.pk == case.unit_id:
                other = rng.choice([u for u in units if u.pk != case.unit_id])
            actions.refer_case(case, unit=other, by=supervisor, at=at)
            continue
        if case.subject.long_term and roll < 0.5:
            expected = (timezone.localdate(at) + timedelta(days=rng.randrange(30, 200)))
            actions.plan_case(case, reason=rng.choice(reasons), expected_date=expected, by=user,
                              at=at, note="در برنامه سال آینده قرار گرفت.")
            return
        if roll < 0.1:
            actions.reject_case(case, reason="انجام این درخواست در حال حاضر ممکن نیست.",
                                by=user, at=at)
            _told(case, MessageKind.REJECTED, at, now, rng)
        else:
            if case.status in {Status.REFERRED, Status.REOPENED}:
                actions.accept_case(case, by=user, at=at)
            if case.contact_phone and rng.random() < 0.08:
                # The unit needs a detail from the citizen: its clock stops until the answer.
                actions.ask_citizen(case, question="لطفاً نشانی دقیق یا پلاک را بفرمایید.",
                                    by=user, at=at)
                if (at := later(20)) is None:
                    return
                actions.answer_question(case, answer="پلاک ۱۲، کنار مسجد.", by=None, at=at)
            called_again()
            if rng.random() < 0.15 or (at := later(case.subject.resolve_days * 10)) is None:
                return
            actions.resolve_case(case, note="موضوع بررسی و برطرف شد.", by=user, at=at)
            _told(case, MessageKind.RESOLVED, at, now, rng)
        if (at := later(48)) is None:
            return
        if rng.random() < 0.08:
            actions.reopen_case(case, by=None, at=at, note="مشکل هنوز برطرف نشده است.")
            continue
        if case.reopen_count and rng.random() < 0.7 and actions.awaits_answer(case, at):
            # After an objection the new result is answered too: the latest answer counts.
            actions.answer_satisfaction(case, satisfied=rng.random() < 0.6, by=None, at=at)
            if case.status == Status.REOPENED:
                continue
            return
        if now - at > timedelta(days=7):
            actions.close_case(case, by=None, at=at, satisfied=rng.random() < 0.75)
        return
