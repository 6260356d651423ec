"""Oversight's only writes: audit samples and their grades, and the counts taken in advance."""

import hashlib
import random
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.cases.models import Case
from open137.cases.workflow import FINISHED
from open137.core.errors import DomainError, InvalidInput
from open137.core.text import normalize_text
from open137.directory.models import Unit
from open137.oversight import rollups
from open137.oversight.facts import city_tz
from open137.oversight.models import AuditItem, AuditSample, MonthlyCounts, RollupMonth
from open137.oversight.periods import Month
from open137.oversight.permissions import can_draw, can_grade

User = AbstractBaseUser | AnonymousUser | None
MAX_COMMENT = 2000


def audit_population(month: Month) -> dict[int, list[tuple[int, str]]]:
    """Per unit id, its finished requests whose result came in the month: (id, code), by id."""
    start, end = month.start(city_tz()), month.next().start(city_tz())
    rows = (Case.objects.filter(status__in=FINISHED, duplicate_of__isnull=True,
                                unit__isnull=False, resolved_at__gte=start, resolved_at__lt=end)
            .order_by("unit_id", "pk").values_list("unit_id", "pk", "tracking_code"))
    population: dict[int, list[tuple[int, str]]] = {}
    for unit_id, pk, code in rows:
        population.setdefault(unit_id, []).append((pk, code))
    return population


def sample_seed(month: Month, unit_code: str, codes: Iterable[str]) -> str:
    """The seed: a hash of the month, the unit and every tracking code in the population.

    No secret is involved, so anyone can draw the same sample again; and nobody can know
    it before the month's results are all in, so no unit can steer it.
    """
    text = f"{month}|{unit_code}|{','.join(codes)}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def choose(population: list[tuple[int, str]], seed: str, size: int) -> list[int]:
    """The ids drawn from a population (ordered by id) with a seed: the same every time."""
    # Not for security: a reproducible draw that anyone can repeat from the seed.
    rng = random.Random(int(seed, 16))  # noqa: S311
    drawn = rng.sample(range(len(population)), k=min(size, len(population)))
    return [population[i][0] for i in drawn]


@transaction.atomic
def draw_audit_sample(*, month: Month, by: User, size: int | None = None) -> list[AuditSample]:
    """Draw this month's sample for every unit that has finished requests (kept if drawn)."""
    if by is not None and not can_draw(by):
        raise DomainError(_("Only inspectors and administrators draw audit samples."))
    if month >= Month.of(timezone.localdate(timezone.now())):
        raise InvalidInput(_("A month can be sampled only once it is over."), field="month")
    size = settings.AUDIT_SAMPLE_SIZE if size is None else size
    if size < 1:
        raise InvalidInput(_("The sample size must be at least 1."), field="size")
    actor: Any = by if by is not None and by.is_authenticated else None
    done = set(AuditSample.objects.filter(month=str(month)).values_list("unit_id", flat=True))
    populations = audit_population(month)
    units = Unit.objects.in_bulk(list(populations))
    for unit_id, population in populations.items():
        if unit_id in done:
            continue
        unit = units[unit_id]
        seed = sample_seed(month, unit.code, (code for _pk, code in population))
        sample = AuditSample.objects.create(month=str(month), unit=unit, seed=seed, size=size,
                                            population=len(population), drawn_by=actor)
        AuditItem.objects.bulk_create(
            AuditItem(sample=sample, case_id=pk, position=i)
            for i, pk in enumerate(choose(population, seed, size), start=1))
    return list(AuditSample.objects.filter(month=str(month)).select_related("unit"))


@transaction.atomic
def grade_audit(item: AuditItem, *, subject_right: bool, referral_right: bool,
                action_adequate: bool, citizen_informed: bool, by: User,
                comment: str = "") -> AuditItem:
    """An inspector's answers to the four questions about one drawn request."""
    if not can_grade(by):
        raise DomainError(_("Only inspectors grade audited requests."))
    answers = (subject_right, referral_right, action_adequate, citizen_informed)
    if any(not isinstance(a, bool) for a in answers):
        raise InvalidInput(_("Answer each of the four questions with yes or no."),
                           field="subject_right")
    comment = normalize_text(comment)
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(_("The comment may be at most %(n)s characters.")
                           % {"n": MAX_COMMENT}, field="comment")
    locked = AuditItem.objects.select_for_update().get(pk=item.pk)
    locked.subject_right, locked.referral_right = subject_right, referral_right
    locked.action_adequate, locked.citizen_informed = action_adequate, citizen_informed
    locked.comment = comment
    locked.graded_by = by  # type: ignore[assignment]  # can_grade: a signed-in user
    locked.graded_at = timezone.now()
    locked.save()
    return locked


def refresh_month(month: Month, *, cutoff: datetime) -> int:
    """Count one month's sealed requests again from scratch at `cutoff`; the rows stored."""
    with transaction.atomic():
        # One refresh of a month at a time: the row lock orders concurrent ones.
        RollupMonth.objects.get_or_create(month=str(month), defaults={"cutoff": cutoff})
        RollupMonth.objects.select_for_update().get(month=str(month))
        rows = rollups.count_month(month, cutoff)
        MonthlyCounts.objects.filter(month=str(month)).delete()
        MonthlyCounts.objects.bulk_create(rows, batch_size=1000)
        RollupMonth.objects.filter(month=str(month)).update(cutoff=cutoff,
                                                             refreshed_at=timezone.now())
    return len(rows)


def refresh_rollups(*, now: datetime | None = None, full: bool = False) -> list[Month]:
    """Count again every month with a request changed since the last refresh; those months.

    The first refresh (or `full`) counts every month. Each month is one transaction, so
    the dashboard never sees a month half counted, and a month left behind by a failure
    is still counted live in full.
    """
    now = now or timezone.now()
    last = None if full else RollupMonth.objects.order_by().aggregate(
        last=Max("refreshed_at"))["last"]
    since = None if last is None else last - rollups.OVERLAP
    months = rollups.dirty_months(since)
    for month in months:
        refresh_month(month, cutoff=now)
    return months
