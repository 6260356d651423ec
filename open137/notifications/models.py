"""The outbox: every SMS, email and webhook is a row here before the worker delivers it.

Actions write rows inside their own transaction, so a message exists exactly when the
change it reports was committed. The worker claims due rows, delivers them outside any
transaction and records every attempt. Nothing is deleted here except by retention.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from open137.directory.models import Unit
from open137.notifications.texts import MessageKind, check_template


class DeliveryChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("email")
    WEBHOOK = "webhook", _("webhook")
    # Shown in the desk's list of alerts; nothing to deliver (recorded as sent).
    INAPP = "inapp", _("in the desk")
    MESSENGER = "messenger", _("messenger")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed, will retry")
    DEAD = "dead", _("given up")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An organisation's own system: it receives signed callbacks about its requests."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="webhook_endpoints",
                             verbose_name=_("unit"))
    url = models.URLField(_("callback address"), max_length=500)
    secret = models.CharField(
        _("signing secret"), max_length=200, default=new_secret,
        help_text=_("Give it to the organisation; it checks the signature of every call with it."),
    )
    events = models.CharField(
        _("events"), max_length=500, blank=True,
        help_text=_("Event names separated by commas, such as case.referred, case.reopened; "
                    "empty means every event."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["unit__code", "pk"]

    def __str__(self) -> str:
        return f"{self.unit.code}: {self.url}"

    def wants(self, event: str) -> bool:
        names = {e.strip() for e in self.events.split(",") if e.strip()}
        return not names or event in names


class Message(models.Model):
    """One SMS, email, webhook call or messenger message to deliver, with its delivery state.

    A messenger message is a Bot API call: `recipient` is the chat, `text` the message (or
    the photo's caption) and `payload` the method with its other parameters.
    """

    channel = models.CharField(_("sent by"), max_length=10, choices=DeliveryChannel.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    recipient = models.CharField(_("recipient"), max_length=500)
    endpoint = models.ForeignKey(WebhookEndpoint, models.SET_NULL, null=True, blank=True,
                                 related_name="messages", verbose_name=_("webhook endpoint"))
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    payload = models.JSONField(_("payload"), null=True, blank=True)
    # The request the message is about. A plain number: notifications sit below the
    # lifecycle and never import it.
    case_id = models.BigIntegerField(_("request"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=5, default="fa")
    urgent = models.BooleanField(_("urgent"), default=False,
                                 help_text=_("Urgent SMS are sent during quiet hours too."))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryState.choices,
                              default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # After this moment a failure is final (dead) instead of another retry.
    expires_at = models.DateTimeField(_("retry until"))
    # A worker owns a claimed row until its lease ends; a row whose worker died is claimed
    # again after that, by another worker with another token.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]),
                   models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_kind_display()} · {self.recipient}"


class DeliveryAttempt(models.Model):
    """One finished try at delivering a message, with what the other end answered."""

    message = models.ForeignKey(Message, models.CASCADE, related_name="delivery_attempts",
                                verbose_name=_("message"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("delivered"), default=False)
    status_code = models.PositiveIntegerField(_("answer code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    response = models.TextField(_("answer"), blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.started_at:%Y-%m-%d %H:%M:%S}"


class MessageTemplate(models.Model):
    """The administrator's wording of one kind of message in one language."""

    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("email subject"), max_length=300, blank=True,
                               help_text=_("Empty: the default subject."))
    text = models.TextField(
        _("text"),
        help_text=_("Placeholders are written like %(code)s; the kind's description lists the "
                    "ones it may use. Keep SMS texts short: about 134 characters fit two "
                    "Persian SMS parts."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["kind", "language"]
        constraints = [models.UniqueConstraint(fields=["kind", "language"],
                                               name="one_template_per_kind_and_language")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

    def clean(self) -> None:
        errors = {}
        for field in ("text", "subject"):
            problem = check_template(self.kind, getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)


class JobRun(models.Model):
    """When a periodic job last ran and when it is due again, shared by every worker."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run at"), default=timezone.now)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
