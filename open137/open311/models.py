"""API keys of Open311 clients, and what each client sent beyond the request itself."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from open137.cases.models import Case, Channel

# Channels an integrator's requests may be recorded under.
KEY_CHANNELS = [(c.value, c.label) for c in (Channel.OPEN311, Channel.API)]


def hash_key(raw: str) -> str:
    """The stored form of a key: its SHA-256. Keys are long random strings, so a fast hash
    is enough; a stolen database does not give working keys."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """A key that lets one client system submit requests; only its hash is kept."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=8, editable=False,
                              help_text=_("The first characters of the key, to recognise it."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=KEY_CHANNELS,
                               default=Channel.OPEN311)
    active = models.BooleanField(_("active"), default=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True,
                                        editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Submission(models.Model):
    """An Open311 POST: the key it came with, its token, and the fields only Open311 has."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="open311_submission",
                                verbose_name=_("request"))
    api_key = models.ForeignKey(ApiKey, models.PROTECT, related_name="submissions",
                                verbose_name=_("API key"))
    token = models.CharField(_("token"), max_length=64, unique=True)
    address_id = models.CharField(_("address id"), max_length=200, blank=True)
    device_id = models.CharField(_("device id"), max_length=200, blank=True)
    account_id = models.CharField(_("account id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return self.token
