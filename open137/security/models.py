"""Who looked at a citizen's contact details, so that the administrator can answer for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactView(models.Model):
    """One look by one member of staff at the contact details of one request."""

    class Where(models.TextChoices):
        DESK_REQUEST = "desk_request", _("desk: request page")
        DESK_CALL = "desk_call", _("desk: caller's history")
        API_DETAIL = "api_detail", _("API: one request")
        API_LIST = "api_list", _("API: list of requests")

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="contact_views",
                             verbose_name=_("request"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("viewed by"))
    # Kept apart from `by`, so that the record outlives a deleted account.
    username = models.CharField(_("username"), max_length=150)
    at = models.DateTimeField(_("viewed at"), default=timezone.now, db_index=True)
    where = models.CharField(_("where"), max_length=20, choices=Where.choices)

    class Meta:
        verbose_name = _("view of contact details")
        verbose_name_plural = _("views of contact details")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.case_id} {self.at:%Y-%m-%d %H:%M}"


class TwoFactorDevice(models.Model):
    """A staff member's authenticator app: the shared secret, confirmed once by a code."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE,
                                related_name="two_factor", verbose_name=_("user"))
    secret = models.CharField(_("secret"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # A code is accepted once: a code seen on a shoulder or in a log cannot be replayed.
    last_counter = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
