"""Oversight's own data: quality audits and the published ranking weights.

Requests are only read here; an audit grades a request without touching it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from open137.cases.models import Case
from open137.directory.models import Unit

QUESTIONS = (
    ("subject_right", _("Was the subject right?")),
    ("referral_right", _("Was the referral right?")),
    ("action_adequate", _("Was the action adequate?")),
    ("citizen_informed", _("Was the citizen informed?")),
)


class AuditSample(models.Model):
    """The requests drawn for inspection from one unit's finished requests of one month."""

    month = models.CharField(_("month"), max_length=7, help_text=_("Jalali, e.g. 1405-08"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="audit_samples",
                             verbose_name=_("unit"))
    # Derived from the month, the unit and the population, so that anyone can draw the
    # same sample again and nobody could pick it before the month was over.
    seed = models.CharField(_("seed"), max_length=64)
    size = models.PositiveIntegerField(_("sample size"))
    population = models.PositiveIntegerField(_("finished requests in the month"))
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("drawn by"))

    class Meta:
        ordering = ["-month", "unit__code"]
        verbose_name = _("audit sample")
        verbose_name_plural = _("audit samples")
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="one_sample_per_unit_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.unit.code}"


class AuditItem(models.Model):
    """One drawn request and the inspector's answers to the four questions."""

    sample = models.ForeignKey(AuditSample, models.CASCADE, related_name="items",
                               verbose_name=_("sample"))
    case = models.ForeignKey(Case, models.CASCADE, related_name="+", verbose_name=_("request"))
    position = models.PositiveSmallIntegerField(_("position"))
    subject_right = models.BooleanField(_("subject right"), null=True, blank=True)
    referral_right = models.BooleanField(_("referral right"), null=True, blank=True)
    action_adequate = models.BooleanField(_("action adequate"), null=True, blank=True)
    citizen_informed = models.BooleanField(_("citizen informed"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("graded by"))
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    class Meta:
        ordering = ["sample", "position"]
        verbose_name = _("audited request")
        verbose_name_plural = _("audited requests")
        constraints = [
            models.UniqueConstraint(fields=["sample", "case"], name="one_item_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.sample} #{self.position}"

    @property
    def answers(self) -> list[bool | None]:
        return [getattr(self, name) for name, _label in QUESTIONS]

    @property
    def score(self) -> int | None:
        """"Yes" answers out of four, once graded."""
        return None if self.graded_at is None else sum(1 for a in self.answers if a)


class RankingWeights(models.Model):
    """The published weights of the composite index; the newest row is in force."""

    compliance = models.PositiveSmallIntegerField(_("deadline compliance"), default=30)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), default=25)
    reopen = models.PositiveSmallIntegerField(_("reopen rate"), default=15)
    misroute = models.PositiveSmallIntegerField(_("misroute rate"), default=10)
    audit = models.PositiveSmallIntegerField(_("audit score"), default=20)
    since = models.DateTimeField(_("in force since"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True,
                            help_text=_("Why the weights changed, e.g. the council resolution."))

    class Meta:
        ordering = ["-since", "-pk"]
        verbose_name = _("ranking weights")
        verbose_name_plural = _("ranking weights")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compliance__gt=0) | models.Q(satisfaction__gt=0)
                | models.Q(reopen__gt=0) | models.Q(misroute__gt=0) | models.Q(audit__gt=0),
                name="some_weight_positive",
                violation_error_message=_("At least one weight must be above zero."),
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.as_dict().items())

    def as_dict(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in WEIGHT_NAMES}


WEIGHT_NAMES = ("compliance", "satisfaction", "reopen", "misroute", "audit")


def current_weights() -> RankingWeights:
    """The weights in force: the newest saved row, or the defaults (unsaved)."""
    return RankingWeights.objects.first() or RankingWeights()


class RollupMonth(models.Model):
    """A Jalali month whose settled requests are counted in advance (MonthlyCounts).

    `cutoff` is the time the month's counts were taken at: a request counts there when it
    was closed more than a few days before it and no deadline of it could still fall due
    after it (see rollups.py). Every other request of the month is counted live.
    """

    month = models.CharField(_("month"), max_length=7, unique=True)
    cutoff = models.DateTimeField(_("counted at"))
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        ordering = ["month"]
        verbose_name = _("counted month")
        verbose_name_plural = _("counted months")

    def __str__(self) -> str:
        return self.month


class MonthlyCounts(models.Model):
    """The period counts of one month's settled requests at the dashboard's finest grain."""

    month = models.CharField(max_length=7, db_index=True)
    cutoff = models.DateTimeField()  # the month's, in RollupMonth too
    # Names are those of Case, so that the dashboard's filters apply to both alike.
    district = models.ForeignKey("directory.District", models.CASCADE, null=True,
                                 related_name="+")
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, related_name="+")
    subject = models.ForeignKey("directory.Subject", models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10)
    volume = models.IntegerField(default=0)
    referred = models.IntegerField(default=0)
    taken_up = models.IntegerField(default=0)
    triaged = models.IntegerField(default=0)
    first_due = models.IntegerField(default=0)
    first_on_time = models.IntegerField(default=0)
    result_due = models.IntegerField(default=0)
    result_on_time = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    misrouted = models.IntegerField(default=0)
    informed = models.IntegerField(default=0)
    asked = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    questioned = models.IntegerField(default=0)
    recontacted = models.IntegerField(default=0)
    reopens = models.IntegerField(default=0)
    repeat_contacts = models.IntegerField(default=0)
    # Whole seconds (summed exactly, whatever the grouping): from registration until the
    # unit that finally acts took the request up, in triage, lost in wrong units, waiting
    # for the citizen.
    referral_seconds_sum = models.BigIntegerField(default=0)
    triage_seconds_sum = models.BigIntegerField(default=0)
    misroute_seconds_sum = models.BigIntegerField(default=0)
    paused_seconds_sum = models.BigIntegerField(default=0)
    # {referral time (as above), in steps of ten seconds: requests}.
    referral_times = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("monthly counts")
        verbose_name_plural = _("monthly counts")

    def __str__(self) -> str:
        return f"{self.month} {self.subject_id} {self.channel}"
