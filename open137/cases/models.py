"""The citizen's request (`Case`), its append-only history and its attachments."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from open137.cases.workflow import FINISHED, OPEN, Status, Step
from open137.directory.models import City, District, Kind, Subject, Unit
from open137.directory.questions import answered_questions


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    WEB = "web", _("web")
    SMS = "sms", _("SMS")
    MESSENGER = "messenger", _("messenger")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")
    WALKIN = "walkin", _("walk-in")
    IMPORT = "import", _("import")


class Priority(models.TextChoices):
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


class PlanReason(models.TextChoices):
    """The reasons a plan gives when the city pack names none (a pack may name its own)."""

    COUNCIL = "council_approval", _("needs the city council's approval")
    BUDGET = "budget", _("needs budget")
    COORDINATION = "coordination", _("needs coordination with another body")


# Always offered beside the pack's reasons; the unit then says why in the note.
OTHER_REASON = "other"


def plan_reasons() -> list[tuple[str, str]]:
    """(code, name) of the reasons a plan may give, in the active language: the city
    pack's (the three of PlanReason when it names none), then "other"."""
    city = City.objects.only("plan_reasons").first()
    named = [(r["code"], str(r.get(get_language_code()) or r.get("fa") or r["code"]))
             for r in (city.plan_reasons if city else []) or []
             if isinstance(r, dict) and r.get("code")]
    if not named:
        named = [(code, str(label)) for code, label in PlanReason.choices]
    return [*named, (OTHER_REASON, str(_("other (say why in the note)")))]


def plan_reason_name(code: str) -> str:
    """The name of a plan reason; a code no longer in the pack shows as itself."""
    if not code:
        return ""
    if code == OTHER_REASON:
        return str(_("other"))
    return dict(plan_reasons()).get(code) or (
        str(PlanReason(code).label) if code in PlanReason.values else code)


def get_language_code() -> str:
    return "en" if (get_language() or "fa").startswith("en") else "fa"


class Case(models.Model):
    """A citizen's request, from receipt to closing. Only cases.actions changes it."""

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    subject = models.ForeignKey(Subject, models.PROTECT, related_name="cases",
                                verbose_name=_("subject"))
    kind = models.ForeignKey(Kind, models.PROTECT, related_name="cases", verbose_name=_("kind"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    description = models.TextField(_("description"), blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True,
                                 related_name="cases", verbose_name=_("district"))
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="cases",
                             verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.RECEIVED)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    # Contact details are a snapshot taken with the request: a later change elsewhere
    # never rewrites what the citizen gave at the time.
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    contact_email = models.EmailField(_("email"), blank=True)
    # The messenger chat the request came from: the citizen's messages go there instead of
    # by SMS. A contact detail like the others, removed with them.
    contact_chat = models.CharField(_("messenger chat"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=5, default="fa")
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("recorded by"))
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    respond_by = models.DateTimeField(_("first action due"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("result due"), null=True, blank=True)
    responded_at = models.DateTimeField(_("first action at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("result at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A code of the pack's plan reasons (PlanReason by default), or OTHER_REASON.
    planned_reason = models.CharField(_("plan reason"), max_length=50, blank=True)
    planned_date = models.DateField(_("expected date"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    duplicate_of = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                     related_name="duplicates", verbose_name=_("duplicate of"))
    external_id = models.CharField(_("id in the source system"), max_length=100, blank=True)
    # Answers to the subject's extra questions (Open311 attributes), by question code.
    attributes = models.JSONField(_("extra answers"), default=dict, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="assigned_cases",
                                 verbose_name=_("assigned to"))
    # Set by the deadline watcher when a deadline passes; cleared by a new referral.
    overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    satisfaction_at = models.DateTimeField(_("satisfaction answered at"), null=True, blank=True)
    # Facts of the history for the council's figures (workflow.FACTS), kept by `transition`.
    first_referred_at = models.DateTimeField(_("first referred at"), null=True, blank=True)
    taken_up_at = models.DateTimeField(_("taken up at"), null=True, blank=True)
    was_triaged = models.BooleanField(_("waited for triage"), default=False)
    reopen_count = models.PositiveIntegerField(_("reopenings"), default=0)
    was_misrouted = models.BooleanField(_("misrouted"), default=False)
    result_given = models.BooleanField(_("given a result"), default=False)
    ask_count = models.PositiveIntegerField(_("questions to the citizen"), default=0)
    paused_seconds = models.PositiveIntegerField(_("seconds waiting for the citizen"),
                                                 default=0)
    contact_count = models.PositiveIntegerField(_("repeat contacts"), default=0)
    # When the current wait for the citizen's answer began (status awaiting_citizen).
    paused_at = models.DateTimeField(_("waiting for the citizen since"), null=True, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "unit"]),
            models.Index(fields=["unit", "resolve_by"]),
            models.Index(fields=["subject", "created_at"]),
            # The dashboard's rollups: which months changed since the last refresh, and
            # which requests of a month closed too recently to be counted in advance.
            models.Index(fields=["updated_at"]),
            models.Index(fields=["closed_at"]),
            # Closed requests without a first action or a result: none by the rules, but the
            # dashboard must find any quickly (oversight.rollups.live), so they get an index.
            models.Index(fields=["created_at"], name="closed_unsettled",
                         condition=models.Q(status="closed", duplicate_of__isnull=True) & (
                             models.Q(responded_at__isnull=True)
                             | models.Q(resolved_at__isnull=True))),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    @property
    def is_overdue(self) -> bool:
        """The one meaning of "overdue" (cases.queries.overdue_q says it to the database)."""
        return is_overdue(self.status, self.resolve_by, timezone.now())

    @property
    def extra_answers(self) -> list[tuple[str, str]]:
        """(question, answer) for the subject's extra questions the citizen answered."""
        if not self.attributes:
            return []
        return answered_questions(self.subject.attributes or [], self.attributes)

    @property
    def plan_reason_name(self) -> str:
        return plan_reason_name(self.planned_reason)

    @property
    def paused_hours(self) -> float:
        return self.paused_seconds / 3600


# Statuses in which a request can be overdue: a unit (or the centre) owes it a result.
# A plan has its own expected date, and a question waiting for the citizen stops the clock.
OVERDUE_STATUSES = OPEN - {Status.PLANNED, Status.AWAITING_CITIZEN}


def is_overdue(status: str, resolve_by: datetime | None, now: datetime) -> bool:
    """Open, owed a result (not planned, not waiting for the citizen), and past the result
    deadline. The same rule as cases.queries.overdue_q."""
    return status in OVERDUE_STATUSES and resolve_by is not None and resolve_by < now


class CaseEvent(models.Model):
    """One step in a request's history: who, when, from, to and why. Never changed."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events",
                             verbose_name=_("request"))
    step = models.CharField(_("step"), max_length=20, choices=[(s.value, s.value) for s in Step])
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    from_status = models.CharField(_("from status"), max_length=20, blank=True,
                                   choices=Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices)
    from_unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("from unit"))
    to_unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("to unit"))
    note = models.TextField(_("note"), blank=True)
    reason = models.CharField(_("reason"), max_length=50, blank=True)
    public = models.BooleanField(_("shown to the citizen"), default=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.from_status}->{self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Events are append-only.")


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"cases/{instance.case.tracking_code}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Attachment(models.Model):
    """A photo: the citizen's, or the unit's after-photo attached to a step."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="attachments",
                             verbose_name=_("request"))
    event = models.ForeignKey(CaseEvent, models.SET_NULL, null=True, blank=True,
                              related_name="attachments", verbose_name=_("event"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("added by"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file.name or self.url


class Follower(models.Model):
    """Somebody else told of the outcome: a caller whose report was linked to this one."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="followers",
                             verbose_name=_("request"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    chat = models.CharField(_("messenger chat"), max_length=32, blank=True)
    source = models.ForeignKey(Case, models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("linked request"))
    language = models.CharField(_("language"), max_length=5, default="fa")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["case", "phone"], condition=~models.Q(phone=""),
                                    name="one_follow_per_phone"),
        ]

    def __str__(self) -> str:
        return self.phone or self.email or self.chat
