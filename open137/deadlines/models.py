"""The working calendar as data: official holidays and office hours, edited in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    """An official day off; lunar dates are estimated until the administrator confirms them."""

    date = models.DateField(_("date"), unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    estimated = models.BooleanField(
        _("estimated"), default=False,
        help_text=_("A lunar date not yet confirmed by the official calendar."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name_fa}"


class WorkingDay(models.Model):
    """Office hours of one weekday; no hours means a day off."""

    class Weekday(models.IntegerChoices):
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        ordering = ["weekday"]
        verbose_name = _("working day")
        verbose_name_plural = _("working week")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__isnull=True, closes__isnull=True)
                | models.Q(opens__lt=models.F("closes")),
                name="working_day_opens_before_close",
                violation_error_message=_("Give both hours, opening before closing, or "
                                          "neither for a day off."),
            )
        ]

    def __str__(self) -> str:
        return str(self.get_weekday_display())
