"""Desk forms: they accept any digits and letter variants, and name the one action they feed.

Messages are whole sentences in the user's language; a domain error raised by an action is
put back on the field it names (`add_domain_error`).
"""

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from open137.cases import actions
from open137.cases.models import OTHER_REASON, Case, CaseEvent, plan_reasons
from open137.cases.queries import suggested_unit
from open137.cases.steps import take_step
from open137.cases.workflow import AT_CENTRE, OPEN, Status, Step
from open137.core import dates
from open137.core.errors import DomainError, InvalidInput
from open137.core.numbers import parse_number
from open137.core.phones import normalize_phone
from open137.core.text import latin_digits, normalize_text, search_key
from open137.core.uploads import PhotosField
from open137.desk import hints
from open137.desk.subjects import search_subjects
from open137.directory.models import District, Kind, Subject, Unit
from open137.directory.questions import check_answers, typed_answers
from open137.places.queries import district_label

User = AbstractBaseUser | AnonymousUser
MAX_PHOTOS = 6


class DeskForm(forms.Form):
    """Bootstrap classes on every widget; an action's domain error shown on its field."""

    # The action's name for a field -> this form's name for it.
    error_fields: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_invalid()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and "is-invalid" not in field.widget.attrs["class"]:
                field.widget.attrs["class"] += " is-invalid"
                field.widget.attrs["aria-invalid"] = "true"

    def add_domain_error(self, error: DomainError) -> None:
        name = self.error_fields.get(error.field or "", error.field or "")
        field = self.fields.get(name)
        if field is not None and not field.widget.is_hidden:
            self.add_error(name, str(error))
        else:
            self.add_error(None, str(error))


def _number(value: str, message: Any) -> float | None:
    if not (value or "").strip():
        return None
    number = parse_number(value)
    if number is None:
        raise forms.ValidationError(message)
    return number


def clean_phone(value: str) -> str:
    """The canonical phone, or a form error with the reason in the user's language."""
    if not (value or "").strip():
        return ""
    try:
        return normalize_phone(value)
    except InvalidInput as error:
        raise forms.ValidationError(str(error)) from None


class DistrictChoiceField(forms.ModelChoiceField):
    """Districts named with their neighbourhoods («منطقه ۳ (گوهردشت، …)»), so an operator
    who does not know the boundaries by heart still chooses the right one."""

    def label_from_instance(self, obj: Any) -> str:
        return district_label(obj)


class IntakeForm(DeskForm):
    """A call as the operator records it."""

    subject = forms.CharField(required=False, widget=forms.HiddenInput)
    subject_query = forms.CharField(label=_("Subject"), required=False, max_length=200)
    kind = forms.ModelChoiceField(
        Kind.objects.filter(active=True), label=_("Kind"), empty_label=None,
        error_messages={"invalid_choice": _("Choose a kind from the list.")},
    )
    description = forms.CharField(label=_("Description"), required=False,
                                  max_length=actions.MAX_DESCRIPTION,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)
    # A type-ahead over the gazetteer (static/open137/address.js): choosing a place sets the
    # point, the district and this text; typed and never chosen, it is placed on receipt.
    address = forms.CharField(label=_("Address"), required=False, max_length=500,
                              widget=forms.TextInput(attrs={
                                  "role": "combobox", "aria-autocomplete": "list",
                                  "aria-expanded": "false", "aria-controls": "address-options",
                                  "autocomplete": "off", "spellcheck": "false"}))
    district = DistrictChoiceField(
        District.objects.filter(active=True), label=_("District"), required=False,
        empty_label=_("Not known"),
        error_messages={"invalid_choice": _("Choose a district from the list.")},
    )
    contact_name = forms.CharField(label=_("Caller's name"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=40)
    # Set by a "link as duplicate" button beside the form.
    duplicate_of = forms.ModelChoiceField(
        Case.objects.filter(status__in=OPEN), required=False, widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("The request to link to is finished or gone; "
                                            "record the call on its own.")},
    )
    # Set by the "attach to this incident" button when a mass incident matches.
    incident = forms.IntegerField(required=False, widget=forms.HiddenInput)

    error_fields = {"subject": "subject_query"}

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("contact_phone", ""))

    def clean_incident(self) -> Any:
        pk = self.cleaned_data.get("incident")
        if pk is None:
            return None
        incident = hints.open_incident(pk)
        if incident is None:
            raise forms.ValidationError(_("The mass incident is resolved or gone; record the "
                                          "call on its own."))
        return incident

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["subject_obj"] = subject = self._subject(data)
        # The subject's extra questions, checked as the portal and Open311 check them.
        self.question_errors: dict[str, str] = {}
        data["attributes"] = {}
        if subject is not None:
            data["attributes"], self.question_errors = check_answers(
                subject.attributes, typed_answers(subject.attributes, self.data))
            for error in self.question_errors.values():
                self.add_error(None, error)
        message = _("The point on the map is not valid: click the map again.")
        try:
            lat, lon = _number(data.get("lat", ""), message), _number(data.get("lon", ""), message)
        except forms.ValidationError as error:
            self.add_error(None, error)
            lat = lon = None
        if (lat is None) != (lon is None):
            self.add_error(None, message)
        data["lat_value"], data["lon_value"] = lat, lon
        return data

    def _subject(self, data: dict[str, Any]) -> Subject | None:
        code = (data.get("subject") or "").strip()
        subject = Subject.objects.filter(code=code, active=True).first() if code else None
        query = data.get("subject_query") or ""
        if subject is None and query:
            # Typed but not picked: take it when exactly one subject matches.
            matches = search_subjects(query, limit=2)
            subject = matches[0] if len(matches) == 1 else None
        if subject is None:
            self.add_error("subject_query", _("Choose the subject from the list: type part of "
                                              "its name and press Enter."))
        return subject

    @transaction.atomic
    def receive(self, *, by: User) -> Case:
        """Record the call (receive_case, which refers it at once).

        A call about a problem already reported is still recorded, so that the caller has
        a code of their own; linking it then closes it and makes the caller a follower of
        the original (or attaches it to the mass incident, resolved with it). Both happen
        together or not at all.
        """
        data = self.cleaned_data
        case = actions.receive_case(
            subject=data["subject_obj"], kind=data["kind"], channel="phone", by=by,
            description=data["description"], lat=data["lat_value"], lon=data["lon_value"],
            address=data["address"], district=data["district"],
            contact_name=data["contact_name"], contact_phone=data["contact_phone"],
            attributes=data["attributes"],
        )
        if data.get("duplicate_of") is not None:
            actions.link_duplicate(case, original=data["duplicate_of"], by=by)
        elif data.get("incident") is not None:
            hints.attach_to_incident(case, incident=data["incident"], by=by)
        return case


class LookupForm(DeskForm):
    """One field for a tracking code or a phone number, in any digits."""

    q = forms.CharField(label=_("Tracking code or phone"), max_length=40,
                        error_messages={"required": _("Type a tracking code or a phone "
                                                      "number.")})


class InboxFilterForm(DeskForm):
    OPEN = ""
    ALL = "all"
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[(OPEN, _("Open")), (ALL, _("All")), *Status.choices],
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    subject = forms.ModelChoiceField(
        Subject.objects.all(), label=_("Subject"), required=False, empty_label=_("All"),
        error_messages={"invalid_choice": _("Choose a subject from the list.")},
    )
    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District"), required=False, empty_label=_("All"),
        error_messages={"invalid_choice": _("Choose a district from the list.")},
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Text or code"), required=False, max_length=100)


class BulkAcceptForm(DeskForm):
    ids = forms.TypedMultipleChoiceField(
        coerce=int, choices=[], error_messages={
            "required": _("Tick at least one request to accept."),
            "invalid_choice": _("One of the ticked requests is not in your inbox."),
        })

    def __init__(self, *args: Any, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ids"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(c.pk, c.tracking_code) for c in cases]


# ---- the steps of the request page; each form's `take` calls one action.

class StepForm(DeskForm):
    step: Step

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        # Several step forms share one page: ids carry the step so that none repeats.
        kwargs.setdefault("auto_id", f"id_{self.step}_%s")
        super().__init__(*args, **kwargs)
        self.case = case

    def take(self, *, by: User) -> CaseEvent:
        """Take the step through its action; the form's fields are the action's arguments."""
        return take_step(self.case, self.step, by=by, **self.cleaned_data)


class AcceptForm(StepForm):
    step = Step.ACCEPT


class ResolveForm(StepForm):
    step = Step.RESOLVE
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
        error_messages={"required": _("Write what was done; the citizen will read it.")})
    photos = PhotosField(most=MAX_PHOTOS, label=_("Photos after the work"), required=False)


class ReturnForm(StepForm):
    step = Step.RETURN
    reason = forms.CharField(
        label=_("Why it is not for this unit"), widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Say why the request is not for this unit.")})


class RejectForm(StepForm):
    step = Step.REJECT
    reason = forms.CharField(
        label=_("Why it cannot be done"), widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Say why the request cannot be done.")})


def parse_any_date(text: str) -> date:
    """A date typed as year/month/day in any digits: Jalali (1405/02/15) or Gregorian."""
    try:
        return dates.parse_any_date(normalize_text(text or ""))
    except dates.DateOutOfRange:
        raise forms.ValidationError(_("This date is out of range.")) from None
    except ValueError:
        if dates.looks_like_a_date(normalize_text(text or "")):
            raise forms.ValidationError(_("There is no such day in the calendar.")) from None
        raise forms.ValidationError(
            _("Write the date as year/month/day, such as 1405/02/15.")) from None


class PlanForm(StepForm):
    step = Step.PLAN
    reason = forms.ChoiceField(
        label=_("Why it must wait"), choices=[],
        error_messages={"required": _("Choose why the work must wait."),
                        "invalid_choice": _("Choose why the work must wait from the list.")})
    expected_date = forms.CharField(
        label=_("Expected date"), max_length=20,
        error_messages={"required": _("Give the date by which the work is expected.")})
    note = forms.CharField(label=_("Note for the citizen (needed for “other”)"),
                           required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = plan_reasons()  # the city pack's, then "other"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == OTHER_REASON and not (data.get("note") or "").strip():
            self.add_error("note", _("Say in the note why the work must wait."))
        return data

    def clean_expected_date(self) -> date:
        return parse_any_date(self.cleaned_data["expected_date"])


class UnitSelect(forms.Select):
    """Units with their codes, so that a place chosen by its address can pick its
    district's unit (static/open137/address.js)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        unit = getattr(option["value"], "instance", None)
        if unit is not None:
            option["attrs"]["data-code"] = unit.code
        return option


class UnitField(forms.ModelChoiceField):
    """A unit chosen from a list (its number) or typed from a type-ahead list: its name
    in either language, in any digits, or its code."""

    def to_python(self, value: Any) -> Unit | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if latin_digits(text).isdigit():
            return super().to_python(latin_digits(text))
        key = search_key(text)
        for unit in self.queryset or ():
            if key in {search_key(unit.code), search_key(unit.name_fa),
                       search_key(unit.name_en or "")}:
                return unit
        raise forms.ValidationError(self.error_messages["invalid_choice"],
                                    code="invalid_choice")


class ReferForm(StepForm):
    step = Step.REFER
    # A type-ahead over the gazetteer: the place chosen picks the unit of its district for
    # the request's subject, and gives a request without a point that place.
    place = forms.CharField(label=_("Where (search by address)"), required=False,
                            max_length=500, widget=forms.TextInput(attrs={
                                "role": "combobox", "aria-autocomplete": "list",
                                "aria-expanded": "false", "autocomplete": "off",
                                "spellcheck": "false",
                                "data-places-source": reverse_lazy("api:places"),
                                "placeholder": _("e.g. Moazzen Boulevard, Gohardasht")}))
    lat = forms.FloatField(required=False, min_value=-90, max_value=90,
                           widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    unit = UnitField(
        Unit.objects.filter(active=True, is_triage=False).order_by("type", "code"),
        label=_("Refer to"), widget=UnitSelect,
        error_messages={"required": _("Choose the unit to refer the request to."),
                        "invalid_choice": _("Choose an active unit from the list.")})
    note = forms.CharField(label=_("Note for the unit"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    error_fields = {"address": "place", "lat": "place", "lon": "place"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = self.fields["place"].widget.attrs
        place["aria-controls"] = f"refer-places-{self.case.pk}"
        place["data-lat-input"] = self["lat"].auto_id
        place["data-lon-input"] = self["lon"].auto_id
        place["data-unit-select"] = self["unit"].auto_id
        place["data-department"] = department_of(self.case)
        if self.case.lat is not None:
            del self.fields["place"], self.fields["lat"], self.fields["lon"]
        # At the centre, the unit the subject's handler names is offered first.
        if self.case.status in AT_CENTRE and not self.is_bound:
            self.suggested = suggested_unit(self.case)
            if self.suggested is not None:
                self.initial["unit"] = self.suggested.pk
        else:
            self.suggested = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("place", _("Choose the place from the list again."))
        return data

    def take(self, *, by: User) -> CaseEvent:
        # The place typed is the address refer_case gives a request without one.
        data = dict(self.cleaned_data)
        return take_step(self.case, self.step, by=by, address=data.pop("place", "") or "",
                         **data)


def department_of(case: Case) -> str:
    """The department of a district that handles the request's subject ("works"), if any."""
    handler = case.subject.handler if case.subject_id else ""
    kind, _sep, department = handler.partition(":")
    return department if kind == "district" else ""


class ContactForm(DeskForm):
    """The citizen called or wrote again about an open request."""

    note = forms.CharField(label=_("What the citizen said"), required=False, max_length=2000,
                           widget=forms.TextInput(attrs={"placeholder": _("called again")}))


class AskForm(StepForm):
    step = Step.ASK
    question = forms.CharField(
        label=_("Question for the citizen"), widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500, help_text=_("Sent by SMS (and email); the deadlines stop until the "
                                    "citizen answers."),
        error_messages={"required": _("Write the question for the citizen.")})


STEP_FORMS: dict[Step, type[StepForm]] = {
    form.step: form for form in (AcceptForm, ResolveForm, ReturnForm, RejectForm, PlanForm,
                                 ReferForm, AskForm)
}
