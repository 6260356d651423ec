"""Which closed requests still keep a citizen's contact details past the retention period."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from open137.cases import actions
from open137.cases.models import Case, Follower
from open137.cases.workflow import Status


def due_for_anonymising(now: datetime, days: int | None = None) -> QuerySet[Case]:
    """Requests closed more than `days` (ANONYMISE_AFTER_DAYS) ago that still hold contacts."""
    days = settings.ANONYMISE_AFTER_DAYS if days is None else days
    followed = Follower.objects.filter(case=OuterRef("pk")).exclude(phone="", email="",
                                                                    chat="")
    return (Case.objects.filter(status=Status.CLOSED, closed_at__lt=now - timedelta(days=days))
            .filter(~Q(contact_name="") | ~Q(contact_phone="") | ~Q(contact_email="")
                    | ~Q(contact_chat="") | Exists(followed))
            .order_by("pk"))


def anonymise_closed(now: datetime, days: int | None = None) -> int:
    """Anonymise every request that is due, one transaction each; how many were."""
    done = 0
    for pk in due_for_anonymising(now, days).values_list("pk", flat=True).iterator():
        if actions.anonymise_case(Case(pk=pk), by=None) is not None:
            done += 1
    return done
