"""Periodic jobs that the worker runs: apps register them, the worker never imports them.

An app puts its jobs in a `jobs` module of its own and registers them with the decorator:

    from open137.notifications.jobs import periodic

    @periodic("cases.escalate", every=timedelta(minutes=5))
    def escalate(now: datetime) -> int: ...

The worker imports every installed app's `jobs` module (as the admin does with `admin`
modules), so notifications, which sits below the lifecycle, can run the lifecycle's jobs.
A job takes the current time and must be safe to run twice or by two workers at once:
it records what it did, so that a second run finds nothing left to do. `when` switches a
job off while its feature is not configured (it then neither runs nor reports).

A listener fetches inbound work from outside (a messenger's long polling): the worker
calls it on every turn of its loop with the seconds it may wait for something to arrive,
in place of sleeping. It answers how many things it handled, or None when it did not
listen (not configured, or another worker is listening).
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


Listener = Callable[[float], int | None]
L = TypeVar("L", bound=Listener)


def _always() -> bool:
    return True


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFunction
    every: timedelta
    when: Callable[[], bool] = _always


_registry: dict[str, Job] = {}
_listeners: dict[str, Listener] = {}
_discovered = False


def periodic(name: str, *, every: timedelta,
             when: Callable[[], bool] = _always) -> Callable[[F], F]:
    """Register a function as a periodic job called with the current time."""

    def register(function: F) -> F:
        _registry[name] = Job(name, function, every, when)
        return function

    return register


def listener(name: str) -> Callable[[L], L]:
    """Register a function the worker asks for inbound work on every turn of its loop."""

    def register(function: L) -> L:
        _listeners[name] = function
        return function

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True


def registered() -> list[Job]:
    """Every registered job, after importing the installed apps' `jobs` modules once."""
    _discover()
    return sorted(_registry.values(), key=lambda job: job.name)


def listen(wait: float) -> bool:
    """Ask every listener for inbound work, each waiting up to `wait` seconds; True when
    one of them listened (so the worker need not sleep as well)."""
    _discover()
    listened = False
    for name, function in sorted(_listeners.items()):
        try:
            handled = function(wait)
        except Exception:
            log.exception("Listener %s failed", name)
            continue
        listened = listened or handled is not None
    return listened


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
        if not job.when() or not _claim(job, now, force=force):
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
