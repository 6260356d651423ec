"""Per-subject tuning of duplicate detection, and declared mass incidents."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from open137.cases.models import Case
from open137.directory.models import District, Subject


class SubjectTuning(models.Model):
    """How near and how recent an open request must be to be offered as a duplicate."""

    subject = models.OneToOneField(Subject, models.CASCADE, related_name="tuning",
                                   verbose_name=_("subject"))
    radius_m = models.PositiveIntegerField(
        _("duplicate radius (metres)"), null=True, blank=True,
        help_text=_("Empty: the default (DUPLICATE_RADIUS_M)."))
    window_days = models.PositiveIntegerField(
        _("duplicate window (days)"), null=True, blank=True,
        help_text=_("Empty: the default (DUPLICATE_WINDOW_DAYS)."))

    class Meta:
        verbose_name = _("subject tuning")
        verbose_name_plural = _("subject tuning")
        ordering = ["subject__position", "subject__code"]

    def __str__(self) -> str:
        return self.subject.code

    @property
    def radius(self) -> int:
        return self.radius_m if self.radius_m is not None else settings.DUPLICATE_RADIUS_M

    @property
    def window(self) -> int:
        return (self.window_days if self.window_days is not None
                else settings.DUPLICATE_WINDOW_DAYS)


class Incident(models.Model):
    """A mass incident declared by a supervisor: one cause behind many calls."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    subject = models.ForeignKey(Subject, models.PROTECT, related_name="incidents",
                                verbose_name=_("subject"))
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True,
                                 related_name="incidents", verbose_name=_("district"),
                                 help_text=_("Empty with no area: the whole city."))
    area = models.JSONField(_("area (GeoJSON polygon)"), null=True, blank=True,
                            help_text=_("A drawn area; it takes precedence over the district."))
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True,
                                   help_text=_("Empty: until it is resolved."))
    message_fa = models.TextField(_("public message (Persian)"))
    message_en = models.TextField(_("public message (English)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=State.choices,
                              default=State.OPEN, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("declared by"))
    created_at = models.DateTimeField(_("declared at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("resolved by"))
    resolution_note = models.TextField(_("result"), blank=True)
    cases = models.ManyToManyField(Case, through="IncidentCase", related_name="incidents",
                                   verbose_name=_("requests"))

    class Meta:
        verbose_name = _("mass incident")
        verbose_name_plural = _("mass incidents")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject.code} @ {self.place} ({self.created_at:%Y-%m-%d})"

    @property
    def place(self) -> Any:
        if self.area:
            return _("drawn area")
        return self.district or _("the whole city")

    @property
    def is_open(self) -> bool:
        return self.status == self.State.OPEN

    @property
    def public_message(self) -> str:
        """The message for citizens in the active language (Persian when no English)."""
        if (get_language() or "fa").startswith("en") and self.message_en:
            return self.message_en
        return self.message_fa


class IncidentCase(models.Model):
    """A request attached to an incident: it is resolved when the incident is."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="links",
                                 verbose_name=_("mass incident"))
    # A request belongs to one incident at most.
    case = models.OneToOneField(Case, models.CASCADE, related_name="incident_link",
                                verbose_name=_("request"))
    attached_at = models.DateTimeField(_("attached at"), default=timezone.now)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("attached by"))

    class Meta:
        verbose_name = _("request of an incident")
        verbose_name_plural = _("requests of an incident")
        ordering = ["attached_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.case_id}"
