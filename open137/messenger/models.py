"""The messenger channel's own state: one conversation per chat, the updates already taken,
the photos of a report not sent yet, and which worker is polling."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """One chat with the bot: where the citizen is in it and what they have said so far."""

    chat = models.CharField(_("chat"), max_length=32, unique=True)
    language = models.CharField(_("language"), max_length=5, default="fa")
    # The conversation's step (messenger.conversation.Step) and the report being written.
    step = models.CharField(_("step"), max_length=20, default="idle")
    draft = models.JSONField(_("report being written"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    # The citizen's last input: a report left longer than MESSENGER_CONVERSATION_MINUTES
    # expires.
    updated_at = models.DateTimeField(_("last input at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"{self.chat} ({self.step})"


class Update(models.Model):
    """An update from the platform, written in the same transaction as its effect: an update
    delivered twice (a webhook retry, a poll after a crash) finds its row and does nothing."""

    update_id = models.BigIntegerField(_("update id"), unique=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    chat = models.CharField(_("chat"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self) -> str:
        return f"{self.update_id} {self.kind} {self.outcome}"


def draft_photo_path(instance: "DraftPhoto", filename: str) -> str:
    return f"messenger/{instance.conversation.chat}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class DraftPhoto(models.Model):
    """A photo of a report still being written, fetched and checked when it arrived."""

    conversation = models.ForeignKey(Conversation, models.CASCADE, related_name="photos",
                                     verbose_name=_("conversation"))
    file = models.FileField(_("file"), upload_to=draft_photo_path, max_length=300)
    content_type = models.CharField(_("type"), max_length=100)
    # The platform's lasting id of the file: the same photo sent twice is kept once.
    file_unique_id = models.CharField(_("file id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("photo of a report being written")
        verbose_name_plural = _("photos of reports being written")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.file.name or ""


class Poller(models.Model):
    """The worker that long-polls the platform: only one may (the platform refuses two)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    holder = models.CharField(_("held by"), max_length=100, blank=True)
    lease_until = models.DateTimeField(_("held until"), default=timezone.now)

    class Meta:
        verbose_name = _("poller")
        verbose_name_plural = _("pollers")

    def __str__(self) -> str:
        return f"{self.name}: {self.holder}"
