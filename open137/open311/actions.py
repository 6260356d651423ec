"""Every write of the Open311 layer: API keys, and requests received through GeoReport v2."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from open137.audit.actions import record_changed, record_created
from open137.audit.values import snapshot
from open137.cases import actions as cases
from open137.cases.models import Case, Channel
from open137.core.errors import InvalidInput
from open137.directory.models import Subject
from open137.directory.queries import RoutingContext
from open137.open311.models import ApiKey, Submission, hash_key

User = AbstractBaseUser | AnonymousUser | None


@transaction.atomic
def create_api_key(*, name: str, by: User, channel: str = Channel.OPEN311) -> tuple[ApiKey, str]:
    """Make a new key; the key itself is returned once and only its hash is kept."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Give the key a name, such as the client system's."), field="name")
    if channel not in {Channel.OPEN311, Channel.API}:
        raise InvalidInput(_("A key's channel is open311 or api."), field="channel")
    raw = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(name=name[:100], channel=channel, prefix=raw[:8],
                                key_hash=hash_key(raw))
    record_created(key, by=by)
    return key, raw


@transaction.atomic
def revoke_api_key(key: ApiKey, *, by: User) -> None:
    """Stop a key from working; it stays listed with the requests it brought."""
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.active:
        before = snapshot(locked, fields=["active", "revoked_at"])
        locked.active, locked.revoked_at = False, timezone.now()
        locked.save(update_fields=["active", "revoked_at"])
        record_changed(locked, by=by, before=before)
    key.refresh_from_db()


@dataclass
class Location:
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    address_id: str = ""


@dataclass
class Citizen:
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    account_id: str = ""
    device_id: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)


@dataclass
class ServiceRequest:
    """A checked GeoReport v2 POST, ready to be recorded."""

    subject: Subject
    location: Location
    citizen: Citizen = field(default_factory=Citizen)
    description: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    media_url: str = ""
    media: File | None = None  # a photo sent with the request, checked (core.uploads)
    language: str = "fa"


def receive_service_request(request: ServiceRequest, *, api_key: ApiKey, by: User = None,
                            at: datetime | None = None, context: RoutingContext | None = None
                            ) -> tuple[Case, Submission]:
    """Record an Open311 request like any other (received, routed), with its token."""
    loc, citizen = request.location, request.citizen

    def write() -> tuple[Case, Submission]:
        case = cases.receive_case(
            subject=request.subject, channel=api_key.channel, by=by,
            description=request.description, lat=loc.lat, lon=loc.lon, address=loc.address,
            contact_name=citizen.name, contact_phone=citizen.phone,
            contact_email=citizen.email, language=request.language, at=at,
            attributes=request.answers, context=context,
        )
        if request.media is not None:
            cases.add_attachment(case, file=request.media, by=by)
        if request.media_url:
            cases.add_attachment(case, url=request.media_url, by=by)
        submission = Submission.objects.create(
            case=case, api_key=api_key, token=secrets.token_hex(16),
            address_id=loc.address_id[:200], device_id=citizen.device_id[:200],
            account_id=citizen.account_id[:200],
        )
        now = timezone.now()
        if api_key.last_used_at is None or api_key.last_used_at < now - KEY_USE_PRECISION:
            # "Last used" to the minute: a busy client does not write its key on every call.
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        return case, submission

    return cases.in_transaction(write)


# How fresh an API key's "last used" time is kept.
KEY_USE_PRECISION = timedelta(minutes=1)
