"""The city as data: kinds, groups, subjects, districts, units and routing rules.

Everything here is loaded from a city pack (`open137 load_city`) and edited in the admin;
nothing about a particular city lives in code.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from open137.core.models import Named


class City(Named):
    """The one city this installation serves (a single row)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    jurisdiction_id = models.CharField(_("Open311 jurisdiction id"), max_length=200, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Tehran")
    phone_area_code = models.CharField(_("phone area code"), max_length=4, blank=True)
    map_center = models.JSONField(_("map centre [lat, long]"), default=list, blank=True)
    map_zoom = models.PositiveSmallIntegerField(_("map zoom"), default=12)
    # A new random stamp on every change to districts, units or rules, so that every
    # process rebuilds its cached routing index on its next request (random rather than a
    # counter: a rolled-back change must never be mistaken for a later one).
    config_version = models.CharField(max_length=32, blank=True, editable=False)
    # Why a unit's answer may be a plan: [{"code", "fa", "en"}]; empty: the usual three.
    plan_reasons = models.JSONField(_("plan reasons"), default=list, blank=True)
    # How long a unit's question waits for the citizen, and what happens then.
    answer_wait_days = models.PositiveSmallIntegerField(
        _("days to wait for the citizen's answer"), default=7)

    class NoAnswer(models.TextChoices):
        RESUME = "resume", _("the unit goes on without the answer")
        CLOSE = "close", _("the request is closed")

    on_no_answer = models.CharField(_("when the citizen does not answer"), max_length=10,
                                    choices=NoAnswer.choices, default=NoAnswer.RESUME)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")


class Kind(Named):
    """What the citizen is doing: a request, a complaint, a suggestion..."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("kind")
        verbose_name_plural = _("kinds")


class SubjectGroup(Named):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("subject group")
        verbose_name_plural = _("subject groups")


class Subject(Named):
    """A subject of requests (the Open311 service) with its handler and targets."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    group = models.ForeignKey(
        SubjectGroup, models.PROTECT, null=True, blank=True, related_name="subjects",
        verbose_name=_("group"),
    )
    handler = models.CharField(
        _("handler"), max_length=100,
        help_text=_("district:<department>, org:<code> or central:<code>"),
    )
    respond_hours = models.PositiveIntegerField(_("hours to first action"))
    resolve_days = models.PositiveIntegerField(_("working days to result"))
    urgent = models.BooleanField(_("urgent"), default=False)
    long_term = models.BooleanField(_("long-term"), default=False)
    synonyms = models.TextField(_("synonyms"), blank=True,
                                help_text=_("One per line; used by search."))
    attributes = models.JSONField(_("extra questions"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")


class District(Named):
    """A municipal district (منطقه) with its polygon (GeoJSON geometry, WGS84)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    area_hint = models.CharField(_("area"), max_length=200, blank=True)
    geometry = models.JSONField(_("boundary (GeoJSON)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["number", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Unit(Named):
    """Who acts on a request: the 137 centre, an organisation, a district or its department."""

    class Type(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        DISTRICT = "district", _("district")
        DEPARTMENT = "department", _("district department")

    code = models.CharField(_("code"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="units",
        verbose_name=_("district"),
    )
    department = models.SlugField(_("department"), max_length=50, blank=True)
    is_triage = models.BooleanField(
        _("triage centre"), default=False,
        help_text=_("Requests that routing cannot place wait here for a supervisor."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["type", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    @property
    def user_slug(self) -> str:
        """The unit's code as a login name: `/` written as `-`."""
        return self.code.replace("/", "-")


class RoutingRule(models.Model):
    """An override: this subject in this district (or drawn area) goes to this unit."""

    subject = models.ForeignKey(Subject, models.CASCADE, related_name="rules",
                                verbose_name=_("subject"))
    district = models.ForeignKey(District, models.CASCADE, null=True, blank=True,
                                 related_name="rules", verbose_name=_("district"))
    area = models.JSONField(_("area (GeoJSON polygon)"), null=True, blank=True)
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="rules", verbose_name=_("unit"))
    priority = models.IntegerField(_("priority"), default=0,
                                   help_text=_("The matching rule with the highest priority wins."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-priority", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(district__isnull=False) | models.Q(area__isnull=False),
                name="routing_rule_has_place",
                violation_error_message=_("A rule needs a place: choose a district or draw "
                                          "an area."),
            )
        ]

    def __str__(self) -> str:
        place: Any = self.district or _("drawn area")
        return f"{self.subject.code} @ {place} -> {self.unit.code}"


class Staff(models.Model):
    """A staff member's role, and the unit for unit roles."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("operator")
        SUPERVISOR = "supervisor", _("supervisor")
        UNIT_STAFF = "unit_staff", _("unit staff")
        UNIT_MANAGER = "unit_manager", _("unit manager")
        INSPECTOR = "inspector", _("inspector")
        COUNCIL = "council", _("council member")
        ADMIN = "admin", _("administrator")

    user = models.OneToOneField("auth.User", models.CASCADE, related_name="staff",
                                verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="staff",
                             verbose_name=_("unit"))

    class Alerts(models.TextChoices):
        EMAIL = "email", _("by email")
        SMS = "sms", _("by SMS")
        BOTH = "both", _("by email and SMS")
        NONE = "none", _("only in the desk")

    # Surge warnings and overdue requests always reach a supervisor's list in the desk;
    # these say how else.
    alerts = models.CharField(_("alerts"), max_length=10, choices=Alerts.choices,
                              default=Alerts.EMAIL)
    alert_phone = models.CharField(_("mobile for alerts"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["unit_staff", "unit_manager"])
                | models.Q(unit__isnull=False),
                name="unit_roles_have_unit",
                violation_error_message=_("Unit staff and unit managers need their unit."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    @property
    def is_unit_role(self) -> bool:
        return self.role in {self.Role.UNIT_STAFF, self.Role.UNIT_MANAGER}

    @property
    def is_centre(self) -> bool:
        """Operators, supervisors and administrators work for the whole city."""
        return self.role in {self.Role.OPERATOR, self.Role.SUPERVISOR, self.Role.ADMIN}

    @property
    def sees_contacts(self) -> bool:
        return self.is_centre or self.is_unit_role
