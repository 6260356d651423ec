"""The portal's forms: a new request, a tracking-code lookup, the satisfaction answer."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open137.cases.actions import MAX_DESCRIPTION
from open137.core.errors import InvalidInput
from open137.core.numbers import parse_number
from open137.core.phones import normalize_phone
from open137.core.text import normalize_text
from open137.core.uploads import PhotosField
from open137.directory.models import Kind, Subject
from open137.directory.questions import check_answers, typed_answers

MAX_PHOTOS = 3


class DigitsFloatField(forms.FloatField):
    """A coordinate typed or sent with any digits (Persian, Arabic-Indic or Latin)."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = parse_number(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class SubmitForm(forms.Form):
    subject = forms.ModelChoiceField(
        Subject.objects.filter(active=True).select_related("group"), to_field_name="code",
        label=gettext_lazy("What is it about?"), widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what your request is about."),
                        "invalid_choice": gettext_lazy("Choose one of the listed subjects.")},
    )
    kind = forms.ModelChoiceField(
        Kind.objects.filter(active=True), to_field_name="code", required=False,
        label=gettext_lazy("Kind"), empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the listed kinds.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Describe the problem"), max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("Write a few words about the problem."),
            "max_length": gettext_lazy("The description may be at most %(limit_value)s "
                                       "characters; it has %(show_value)s."),
        },
    )
    lat = DigitsFloatField(required=False, widget=forms.HiddenInput, min_value=-90,
                           max_value=90)
    lon = DigitsFloatField(required=False, widget=forms.HiddenInput, min_value=-180,
                           max_value=180)
    address = forms.CharField(label=gettext_lazy("Address or landmark"), max_length=500,
                              required=False)
    photos = PhotosField(most=MAX_PHOTOS, label=gettext_lazy("Photos"), required=False)
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Your phone"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel",
                                      "dir": "ltr"}),
    )
    follow = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A model field's own messages ("enter a number") are not whole sentences here.
        for name in ("lat", "lon"):
            self.fields[name].error_messages.update({
                "invalid": _("The place on the map is not valid; drop the pin again."),
                "min_value": _("The place on the map is not valid; drop the pin again."),
                "max_value": _("The place on the map is not valid; drop the pin again."),
            })

    def clean_description(self) -> str:
        text = normalize_text(self.cleaned_data["description"])
        if not text:
            raise ValidationError(_("Write a few words about the problem."), code="required")
        return text

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except InvalidInput as error:
            raise ValidationError(str(error), code="phone") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", _("The place on the map is not valid; drop the pin again."))
        # The subject's extra questions, checked as the desk and Open311 check them.
        subject = data.get("subject")
        self.question_errors: dict[str, str] = {}
        data["attributes"] = {}
        if subject is not None:
            data["attributes"], self.question_errors = check_answers(
                subject.attributes, typed_answers(subject.attributes, self.data))
            for error in self.question_errors.values():
                self.add_error(None, error)
        return data


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Tracking code"), max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                      "dir": "ltr"}),
        error_messages={"required": gettext_lazy("Type the tracking code you were given.")},
    )


class ReplyForm(forms.Form):
    """The citizen's answer to a unit's question about their request."""

    reply = forms.CharField(
        label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your answer.")})


class AnswerForm(forms.Form):
    """The citizen's answer to "are you satisfied with the result?" (the proof that it is
    the citizen, the result's key, is checked by the view)."""

    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"

    answer = forms.ChoiceField(
        label=gettext_lazy("Are you satisfied with the result?"), widget=forms.RadioSelect,
        choices=[(SATISFIED, gettext_lazy("Yes, I am satisfied")),
                 (NOT_SATISFIED, gettext_lazy("No, I object to the result"))],
        error_messages={"required": gettext_lazy("Choose whether you are satisfied.")},
    )
    comment = forms.CharField(label=gettext_lazy("Your comment"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["comment"] = normalize_text(data.get("comment", ""))
        return data
