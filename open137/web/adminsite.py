"""The admin as a city clerk meets it: the city's name on top, dates in the Jalali calendar.

`CityAdminConfig` (web/apps.py) installs this in place of Django's own admin app:
- the site's header and title name the city (not «مدیریت Django»);
- every date and time field of every model admin is typed and shown in the Jalali calendar
  in the Persian interface, in any digits (core.forms), and filtered by Jalali months and
  years; the English interface keeps Gregorian dates. Model admins therefore filter by a
  date in `list_filter`, never with `date_hierarchy`, whose years and months are Gregorian;
- an optional JSON field (a routing rule's area) left empty shows an empty box, not `null`.
"""

import datetime
from typing import Any

import jdatetime
from django.contrib import admin
from django.contrib.admin import helpers, options, utils
from django.contrib.admin.filters import DateFieldListFilter, FieldListFilter
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open137.core.dates import format_date, is_persian
from open137.core.forms import (
    AnyDigitsTimeField,
    JalaliDateField,
    JalaliDateInput,
    JalaliSplitDateTimeField,
    JalaliSplitDateTimeWidget,
    OptionalJSONField,
)
from open137.core.text import persian_digits
from open137.directory.queries import city


class CityAdminSite(admin.AdminSite):
    site_header = gettext_lazy("137 centre administration")
    site_title = gettext_lazy("137 centre administration")
    index_title = gettext_lazy("Configuration of the 137 centre")

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        here = city()
        if here is not None:
            title = _("%(city)s 137 centre administration") % {"city": here.name}
            context["site_header"] = context["site_title"] = title
        return context


def _shown(original: Any) -> Any:
    """Django's admin display of a value, with dates in the Jalali calendar in Persian."""

    def display(value: Any, *args: Any, **kwargs: Any) -> Any:
        if is_persian() and isinstance(value, datetime.date):
            field = args[0] if args and isinstance(args[0], models.Field) else None
            with_time = (isinstance(field, models.DateTimeField) if field is not None
                         else isinstance(value, datetime.datetime))
            return format_date(value, with_time=with_time)
        return original(value, *args, **kwargs)

    display.__wrapped__ = original  # type: ignore[attr-defined]
    return display


def _jalali_month_start(day: datetime.date, months: int = 0) -> datetime.date:
    j = jdatetime.date.fromgregorian(date=day)
    index = j.year * 12 + (j.month - 1) + months
    return jdatetime.date(index // 12, index % 12 + 1, 1).togregorian()


def _jalali_year_start(day: datetime.date, years: int = 0) -> datetime.date:
    j = jdatetime.date.fromgregorian(date=day)
    return jdatetime.date(j.year + years, 1, 1).togregorian()


class JalaliDateFieldListFilter(DateFieldListFilter):
    """In Persian: today, the last seven days, and this and last Jalali month and year (next
    year too for plain dates, such as holidays). In English, Django's Gregorian choices."""

    def __init__(self, field: models.Field, request: HttpRequest, params: dict[str, Any],
                 model: Any, model_admin: Any, field_path: str) -> None:
        super().__init__(field, request, params, model, model_admin, field_path)
        if not is_persian():
            return
        today = timezone.localdate()
        with_time = isinstance(field, models.DateTimeField)

        def at(day: datetime.date) -> datetime.date:
            if not with_time:
                return day
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

        def span(start: datetime.date, end: datetime.date) -> dict[str, Any]:
            return {self.lookup_kwarg_since: at(start), self.lookup_kwarg_until: at(end)}

        this_year = jdatetime.date.fromgregorian(date=today).year
        links: list[tuple[Any, dict[str, Any]]] = [
            (_("Any date"), {}),
            (_("Today"), span(today, today + datetime.timedelta(days=1))),
            (_("Past 7 days"), span(today - datetime.timedelta(days=7),
                                    today + datetime.timedelta(days=1))),
            (_("This month"), span(_jalali_month_start(today), _jalali_month_start(today, 1))),
            (_("Last month"), span(_jalali_month_start(today, -1), _jalali_month_start(today))),
            (_("This year (%(year)s)") % {"year": persian_digits(this_year)},
             span(_jalali_year_start(today), _jalali_year_start(today, 1))),
            (_("Last year (%(year)s)") % {"year": persian_digits(this_year - 1)},
             span(_jalali_year_start(today, -1), _jalali_year_start(today))),
        ]
        if not with_time:
            links.append((_("Next year (%(year)s)") % {"year": persian_digits(this_year + 1)},
                          span(_jalali_year_start(today, 1), _jalali_year_start(today, 2))))
        self.links = (*links, *self.links[5:])  # keep "No date" and "Has date"



def install_admin_fields() -> None:
    """Jalali input, display and filters for every date of every model admin; JSON that may
    be empty shows an empty box rather than `null`.

    Called before the model admins are registered: each copies the form field defaults
    when it is created.
    """
    defaults: dict[type[models.Field], dict[str, Any]] = {
        models.JSONField: {"form_class": OptionalJSONField},
        models.DateTimeField: {"form_class": JalaliSplitDateTimeField,
                               "widget": JalaliSplitDateTimeWidget},
        models.DateField: {"form_class": JalaliDateField, "widget": JalaliDateInput},
        models.TimeField: {"form_class": AnyDigitsTimeField},
    }
    for field_class, choices in defaults.items():  # the time field keeps the admin's widget
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS.setdefault(field_class, {}).update(choices)
    # The changelist and the read-only fields show values through these functions, which
    # Django formats in the Gregorian calendar only.
    for module in (utils, helpers, admin_list):
        for name in ("display_for_field", "display_for_value"):
            current = getattr(module, name, None)
            if current is not None and not hasattr(current, "__wrapped__"):
                setattr(module, name, _shown(current))
    FieldListFilter.register(lambda f: isinstance(f, models.DateField),
                             JalaliDateFieldListFilter, take_priority=True)
