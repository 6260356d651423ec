"""Writes of the security app."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from open137.security.models import ContactView


# No savepoint: one INSERT is atomic already, and pages that list requests stay at a fixed
# number of queries.
@transaction.atomic(savepoint=False)
def record_contact_view(*, case_ids: Iterable[int | str], by: AbstractBaseUser | AnonymousUser,
                        where: str) -> list[ContactView]:
    """Record that `by` saw the contact details of these requests."""
    ids = sorted({int(pk) for pk in case_ids})
    if not ids or not by.is_authenticated:
        return []
    now = timezone.now()
    username = by.get_username()
    return ContactView.objects.bulk_create(
        ContactView(case_id=pk, by_id=by.pk, username=username, at=now, where=where)
        for pk in ids)
