"""Periodic jobs that the worker runs: apps register them, the worker never imports them.

An app puts its jobs in a `jobs` module of its own and registers them with the decorator:

    from open137.notifications.jobs import periodic

    @periodic("cases.escalate", every=timedelta(minutes=5))
    def escalate(now: datetime) -> int: ...

The worker imports every installed app's `jobs` module (as the admin does with `admin`
modules), so notifications, which sits below the lifecycle, can run the lifecycle's jobs.
A job takes the current time and must be safe to run twice or by two workers at once:
it records what it did, so that a second run finds nothing left to do.
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from open137.notifications.models import JobRun

log = logging.getLogger(__name__)
JobFunction = Callable[[datetime], Any]
F = TypeVar("F", bound=JobFunction)


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFunction
    every: timedelta


_registry: dict[str, Job] = {}
_discovered = False


def periodic(name: str, *, every: timedelta) -> Callable[[F], F]:
    """Register a function as a periodic job called with the current time."""

    def register(function: F) -> F:
        _registry[name] = Job(name, function, every)
        return function

    return register


def registered() -> list[Job]:
    """Every registered job, after importing the installed apps' `jobs` modules once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return sorted(_registry.values(), key=lambda job: job.name)


def _claim(job: Job, now: datetime, *, force: bool) -> bool:
    """Take this run of the job; False when it is not due or another worker has it."""
    JobRun.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    with transaction.atomic():
        runs = JobRun.objects.filter(name=job.name)
        if not force:
            runs = runs.filter(next_run_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            runs = runs.select_for_update(skip_locked=True)
        run = runs.first()
        if run is None:
            return False
        run.next_run_at = now + job.every
        run.last_started_at = now
        run.save(update_fields=["next_run_at", "last_started_at"])
    return True


def run_due(now: datetime | None = None, *, force: bool = False) -> dict[str, str]:
    """Run every job that is due (every job with `force`); {name: result or error}."""
    now = now or timezone.now()
    results = {}
    for job in registered():
        if not _claim(job, now, force=force):
            continue
        try:
            outcome = job.run(now)
        except Exception:
            log.exception("Periodic job %s failed", job.name)
            JobRun.objects.filter(name=job.name).update(
                last_finished_at=timezone.now(), last_error=traceback.format_exc()[-4000:])
            results[job.name] = "error"
            continue
        results[job.name] = "" if outcome is None else str(outcome)
        JobRun.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_result=results[job.name][:200], last_error="")
    return results
