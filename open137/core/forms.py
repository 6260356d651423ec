"""Form fields for dates as people type them: Jalali or Gregorian, in any digits.

The admin uses them for every date (open137.web.admin); any form may.
"""

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from open137.core.dates import input_date, is_persian, parse_any_date
from open137.core.text import latin_digits

DATE_ERROR = _("Write the date as year/month/day, such as 1405/02/15 or 2026-05-05.")


class JalaliDateInput(forms.TextInput):
    """A date shown as 1405/01/13 in Persian (2026-04-02 in English) and typed either way."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"dir": "ltr", "inputmode": "numeric", "autocomplete": "off",
                          "size": "12", "maxlength": "20", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return input_date(value)
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Said at render time: the example follows the language of the page.
        context["widget"]["attrs"].setdefault(
            "placeholder", "۱۴۰۵/۰۱/۱۳" if is_persian() else "2026-04-02")
        return context


class JalaliDateField(forms.DateField):
    """A date typed in the Jalali calendar (1405/01/13) or the Gregorian one (2026-04-02),
    in Persian, Arabic-Indic or Latin digits."""

    widget = JalaliDateInput
    default_error_messages = {"invalid": DATE_ERROR}

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_any_date(str(value))
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class AnyDigitsTimeField(forms.TimeField):
    """A time of day typed in Persian, Arabic-Indic or Latin digits."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(latin_digits(value) if isinstance(value, str) else value)


class JalaliSplitDateTimeWidget(forms.SplitDateTimeWidget):
    """The Jalali date input beside a plain time input."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = (JalaliDateInput(attrs),
                   forms.TimeInput({"dir": "ltr", "size": "8", "placeholder": "08:30",
                                    **(attrs or {})}, format="%H:%M"))
        # MultiWidget, not SplitDateTimeWidget: its own widgets are the Gregorian ones.
        forms.MultiWidget.__init__(self, widgets, attrs)


class JalaliSplitDateTimeField(forms.SplitDateTimeField):
    """A moment as a Jalali (or Gregorian) date and a time on the city's clock."""

    widget = JalaliSplitDateTimeWidget
    default_error_messages = {"invalid_date": DATE_ERROR,
                              "invalid_time": _("Write the time as hours:minutes, such as 08:30.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        errors = self.error_messages
        date_field = JalaliDateField(error_messages={"invalid": errors["invalid_date"]})
        time_field = AnyDigitsTimeField(error_messages={"invalid": errors["invalid_time"]})
        date_field.required = time_field.required = self.fields[0].required
        self.fields = (date_field, time_field)


class OptionalJSONField(forms.JSONField):
    """JSON that may be left out: an empty box, never the word `null`, when there is none."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)
