"""Writes of the security app."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from open137.audit.actions import record_changed, record_deleted
from open137.security import totp
from open137.security.models import ContactView, TwoFactorDevice


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


@transaction.atomic
def start_two_factor(user: AbstractBaseUser | AnonymousUser) -> TwoFactorDevice:
    """Give the user a new, unconfirmed authenticator secret (replacing an unconfirmed one)."""
    device, _created = TwoFactorDevice.objects.select_for_update().get_or_create(
        user_id=user.pk or 0, defaults={"secret": totp.new_secret()})
    if device.confirmed:
        return device
    device.secret = totp.new_secret()
    device.created_at = timezone.now()
    device.save(update_fields=["secret", "created_at"])
    return device


@transaction.atomic
def check_two_factor(user: AbstractBaseUser | AnonymousUser, *, code: str,
                     moment: float | None = None) -> bool:
    """True (and the code used up) when `code` is the user's current one; confirms a new device."""
    device = TwoFactorDevice.objects.select_for_update().filter(user_id=user.pk or 0).first()
    if device is None:
        return False
    counter = totp.matching_counter(device.secret, code, moment=moment)
    if counter is None or counter <= device.last_counter:
        return False
    device.last_counter = counter
    enrolled = device.confirmed_at is None
    if enrolled:
        device.confirmed_at = timezone.now()
    device.save(update_fields=["last_counter", "confirmed_at"])
    if enrolled:
        # Two-step sign-in is on for this account from now: the user turned it on.
        record_changed(device, by=user, before={"confirmed_at": None})
    return True


@transaction.atomic
def remove_two_factor(user: AbstractBaseUser, *,
                      by: AbstractBaseUser | AnonymousUser | None) -> None:
    """Remove the user's authenticator (a lost phone); they enrol again at next sign-in."""
    for device in TwoFactorDevice.objects.select_for_update().filter(user_id=user.pk):
        record_deleted(device, by=by)
        device.delete()
