"""The filter bar of every oversight page, and the audit grading form."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open137.cases.models import Channel
from open137.core.dates import is_persian
from open137.core.errors import InvalidInput
from open137.core.text import latin_digits, persian_digits
from open137.directory.models import District, Subject, SubjectGroup, Unit
from open137.directory.queries import units_in_order
from open137.oversight.models import QUESTIONS
from open137.oversight.periods import Month, Period, months_back
from open137.oversight.queries import NONE, Selection

MONTHS_OFFERED = 36
DEFAULT_MONTHS = 3


def this_month() -> Month:
    return Month.of(timezone.localdate())


def month_choices() -> list[tuple[str, str]]:
    """The last three years of Jalali months, newest first, named in the active language."""
    persian = is_persian()
    months = reversed(months_back(this_month(), MONTHS_OFFERED))
    return [(str(m), persian_digits(m.name(True)) if persian else m.name(False))
            for m in months]



def _attrs(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html writes them.
    return "".join(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                   for name, value in attrs.items() if value is not False)


class ListSelect(forms.Select):
    """A select written in one pass, with the markup of Django's select templates.

    The filter bar has hundreds of options (units, districts, subjects, months) on every
    oversight page; a template per option cost more than all the figures' tables.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                             f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}'
                             "</option>\n")
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

class MonthField(forms.CharField):
    """A Jalali month, `1405-08` in any digits; shown as a list of recent months."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", ListSelect)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Month | None:  # type: ignore[override]
        text = latin_digits(str(value or "")).strip()
        if not text:
            return None
        try:
            return Month.parse(text)
        except InvalidInput as error:
            raise forms.ValidationError(str(error)) from error


class CodeField(forms.CharField):
    """A code from the city's configuration, chosen from a list (any digits accepted)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", ListSelect)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return latin_digits(str(value or "")).strip()


class FilterForm(forms.Form):
    """Which requests the figures count: a month or a run of months, and filters."""

    month = MonthField(label=gettext_lazy("Month"))
    to = MonthField(label=gettext_lazy("Until"))
    district = CodeField(label=gettext_lazy("Place (district)"))
    responsible = CodeField(label=gettext_lazy("District's own units"))
    unit = CodeField(label=gettext_lazy("Unit"))
    group = CodeField(label=gettext_lazy("Subject group"))
    subject = CodeField(label=gettext_lazy("Subject"))
    channel = CodeField(label=gettext_lazy("Channel"))

    def __init__(self, data: Any = None, *, scope_unit: str = "", public: bool = False,
                 initial: dict[str, Any] | None = None) -> None:
        # `from` is a Python keyword: the link parameter is read into the month field.
        if data is not None and "from" in data and "month" not in data:
            data = data.copy()
            data["month"] = data["from"]
        super().__init__(data, initial=initial)
        self.scope_unit = scope_unit
        everything = [("", _("All"))]
        months = month_choices()
        self.fields["month"].widget.choices = months
        self.fields["to"].widget.choices = [("", _("(same month)")), *months]
        self.fields["district"].widget.choices = [
            *everything, *((d.code, d.name) for d in District.objects.all()),
            (NONE, _("No district")),
        ]
        self.fields["responsible"].widget.choices = [
            *everything, *((d.code, d.name) for d in District.objects.all())]
        self.fields["group"].widget.choices = [
            *everything, *((g.code, g.name) for g in SubjectGroup.objects.all())]
        self.fields["subject"].widget.choices = [
            *everything, *((s.code, s.name) for s in Subject.objects.all())]
        self.fields["channel"].widget.choices = [*everything, *Channel.choices]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
        if scope_unit or public:
            del self.fields["unit"]
        else:
            self.fields["unit"].widget.choices = [
                *everything, *((u.code, u.name) for u in units_in_order(everything=True))]

    def _known(self, name: str, values: Any) -> str:
        code = self.cleaned_data.get(name) or ""
        if code and code not in values:
            raise forms.ValidationError(
                _("There is nothing called “%(code)s” to filter by.") % {"code": code})
        return str(code)

    def clean_district(self) -> str:
        return self._known("district", {*District.objects.values_list("code", flat=True), NONE})

    def clean_responsible(self) -> str:
        return self._known("responsible", set(District.objects.values_list("code", flat=True)))

    def clean_unit(self) -> str:
        return self._known("unit", set(Unit.objects.values_list("code", flat=True)))

    def clean_group(self) -> str:
        return self._known("group", set(SubjectGroup.objects.values_list("code", flat=True)))

    def clean_subject(self) -> str:
        return self._known("subject", set(Subject.objects.values_list("code", flat=True)))

    def clean_channel(self) -> str:
        return self._known("channel", set(Channel.values))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, last = data.get("month"), data.get("to")
        if first is None and last is None:
            last = this_month()
            first = months_back(last, DEFAULT_MONTHS)[0]
        first = first or last
        last = last or first
        if first and last and last < first:
            self.add_error("to", _("The period must not end before it starts."))
        data["period"] = Period(first, last) if first and last and first <= last else None
        return data

    def shown(self) -> "FilterForm":
        """An unbound copy showing what a valid form selected (the default period too)."""
        sel = self.selection()
        initial = {**sel.params(), "month": str(sel.period.first), "to": str(sel.period.last)}
        return FilterForm(scope_unit=self.scope_unit, public="unit" not in self.fields,
                          initial=initial)

    def selection(self) -> Selection:
        """The valid form as a Selection (call after is_valid)."""
        d = self.cleaned_data
        return Selection(period=d["period"], district=d.get("district", ""),
                         responsible=d.get("responsible", ""), unit=d.get("unit", ""),
                         group=d.get("group", ""),
                         subject=d.get("subject", ""), channel=d.get("channel", ""),
                         scope_unit=self.scope_unit)


YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def _question(index: int) -> forms.ChoiceField:
    return forms.ChoiceField(label=QUESTIONS[index][1], choices=YES_NO,
                             widget=forms.RadioSelect(attrs={"class": "form-check-input"}))


class GradeForm(forms.Form):
    """An inspector's answers: yes or no to each question, and a comment."""

    subject_right = _question(0)
    referral_right = _question(1)
    action_adequate = _question(2)
    citizen_informed = _question(3)
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def answers(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] == "yes" for name, _label in QUESTIONS}
