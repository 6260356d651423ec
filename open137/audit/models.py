"""The audit trail of configuration: who changed what, when, from what to what.

One row per changed object and write, appended in the transaction of the change itself
(see actions.py), so a change and its record are committed together or not at all. Rows
are never updated or deleted, not even from the admin.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = "The audit trail is append-only."


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    """Bulk updates and deletes are refused like single ones."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError(APPEND_ONLY)

    # Django's own deletion collector and `_raw_delete` are refused too.
    _raw_delete = delete  # type: ignore[assignment]


class AuditEntry(models.Model):
    """One change to one configuration object."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    class Via(models.TextChoices):
        ADMIN = "admin", _("administration site")
        COMMAND = "command", _("command line")
        WEB = "web", _("staff pages")
        SYSTEM = "system", _("the system")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint and nothing done on delete: a deleted account leaves its
    # entries as they were (the username below says who it was).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.DO_NOTHING, null=True, blank=True,
                           db_constraint=False, related_name="+", verbose_name=_("who"))
    username = models.CharField(_("username"), max_length=150, blank=True,
                                help_text=_("Empty: the system."))
    via = models.CharField(_("through"), max_length=10, choices=Via.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # The model as "app_label.model_name", the object's primary key, and its name then.
    model = models.CharField(_("type"), max_length=100)
    object_id = models.CharField(_("id"), max_length=64)
    object_name = models.CharField(_("object"), max_length=300)
    # {field: [before, after]}; a created object has no before, a deleted one no after.
    changes = models.JSONField(_("changes"), default=dict)
    # The object's name and id folded for search (any letter variants, any digits).
    search = models.CharField(max_length=400, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id", "at"]),
                   models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or 'system'} {self.action} " \
               f"{self.model} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(APPEND_ONLY)
