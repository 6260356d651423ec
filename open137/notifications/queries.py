"""Shared reads of the outbox."""

from collections.abc import Iterable

from django.db.models import QuerySet

from open137.notifications.models import DeliveryState, Message


def cases_told(kinds: Iterable[str] = ("resolved", "rejected")) -> QuerySet[Message, int | None]:
    """Ids of the requests whose citizen was sent a message of these kinds (the outcome)."""
    return (Message.objects.filter(kind__in=list(kinds), status=DeliveryState.SENT,
                                   case_id__isnull=False)
            .values_list("case_id", flat=True).distinct())
