"""What goes in and out of /api/v1/: requests, their history, unit steps, reference data."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from open137.api.inputs import parse_date
from open137.cases.actions import MAX_DESCRIPTION, subject_by_code
from open137.cases.models import Case, CaseEvent, Channel, PlanReason, Priority
from open137.cases.workflow import STEP_NAMES, Status, Step
from open137.core.contacts import mask_contacts
from open137.core.errors import InvalidInput
from open137.core.phones import local_phone, normalize_phone
from open137.core.text import latin_digits
from open137.core.uploads import check_photo
from open137.directory.models import District, Kind, Subject, Unit

# Photos after the work sent with one result, like the desk.
MAX_PHOTOS = 6
T = TypeVar("T")


def _valid(check: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a domain check; its InvalidInput becomes this field's validation error."""
    try:
        return check(*args, **kwargs)
    except InvalidInput as exc:
        raise serializers.ValidationError(str(exc)) from exc


# --- requests, as the API shows them

def mask_phone(phone: str) -> str | None:
    """0912***4567: enough to recognise a caller, not enough to call them."""
    if not phone:
        return None
    local = local_phone(phone)
    return f"{local[:4]}***{local[-4:]}" if len(local) >= 8 else "***"


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(allow_null=True,
                                 help_text="The citizen's name; null when masked or not given.")
    phone = serializers.CharField(
        allow_null=True,
        help_text="Like 09121234567; masked like 0912***4567 for roles that may not see it.")
    email = serializers.CharField(allow_null=True, help_text="Null when masked or not given.")
    masked = serializers.BooleanField(
        help_text="True when the caller's role may not see contact details (council, "
                  "inspectors).")


def contact_of(case: Case, *, visible: bool) -> dict[str, Any]:
    if visible:
        return {"name": case.contact_name or None,
                "phone": local_phone(case.contact_phone) if case.contact_phone else None,
                "email": case.contact_email or None, "masked": False}
    return {"name": None, "phone": mask_phone(case.contact_phone), "email": None, "masked": True}


class CaseSerializer(serializers.Serializer):
    """A citizen's request. Contact details are masked for roles that may not see them."""

    # The view puts `sees_contact` in the context, decided once per call, not per row.

    id = serializers.CharField(source="pk", help_text="The Open311 service_request_id.")
    tracking_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_name = serializers.CharField(source="get_status_display")
    service_code = serializers.CharField(source="subject.code", help_text="The subject's code.")
    service_name = serializers.CharField(source="subject.name")
    kind = serializers.CharField(source="kind.code")
    channel = serializers.ChoiceField(choices=Channel.choices)
    description = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    long = serializers.FloatField(source="lon", allow_null=True)
    address = serializers.CharField()
    district_code = serializers.CharField(source="district.code", allow_null=True,
                                          help_text="Null when the place is outside every "
                                                    "district or unknown.")
    unit_code = serializers.CharField(source="unit.code", allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices)
    duplicate_of = serializers.CharField(source="duplicate_of_id", allow_null=True,
                                         help_text="The id of the original request.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    respond_by = serializers.DateTimeField(allow_null=True, help_text="First action due.")
    resolve_by = serializers.DateTimeField(allow_null=True, help_text="Result due.")
    overdue = serializers.BooleanField(source="is_overdue",
                                       help_text="Open, not planned, and past its result "
                                                 "deadline.")
    result_note = serializers.CharField()
    planned_reason = serializers.SerializerMethodField()
    expected_date = serializers.DateField(source="planned_date", allow_null=True)
    attributes = serializers.DictField(help_text="Answers to the subject's extra questions.")
    contact = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=PlanReason.choices, allow_null=True))
    def get_planned_reason(self, case: Case) -> str | None:
        return case.planned_reason or None

    @extend_schema_field(ContactSerializer)
    def get_contact(self, case: Case) -> dict[str, Any]:
        return contact_of(case, visible=self.context.get("sees_contact", False))

    def to_representation(self, instance: Case) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("sees_contact", False):
            # A phone or an email written into the free text is contact details too.
            for name in ("description", "address", "result_note"):
                if data.get(name):
                    data[name] = mask_contacts(data[name], names=(instance.contact_name,))
            for event in data.get("events") or ():
                if event.get("note"):
                    event["note"] = mask_contacts(event["note"], names=(instance.contact_name,))
        return data


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    step = serializers.ChoiceField(choices=[(s.value, s.value) for s in Step])
    step_name = serializers.SerializerMethodField()
    from_status = serializers.SerializerMethodField()
    to_status = serializers.ChoiceField(choices=Status.choices)
    from_unit_code = serializers.CharField(source="from_unit.code", allow_null=True)
    to_unit_code = serializers.CharField(source="to_unit.code", allow_null=True)
    note = serializers.CharField()
    reason = serializers.CharField()
    actor = serializers.SerializerMethodField()

    def get_step_name(self, event: CaseEvent) -> str:
        return str(STEP_NAMES.get(event.step, event.step))  # type: ignore[call-overload]

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_from_status(self, event: CaseEvent) -> str | None:
        return event.from_status or None

    @extend_schema_field(serializers.CharField(
        allow_null=True, help_text="Username of who took the step; null for the system, and "
                                   "for roles that may not see contact details."))
    def get_actor(self, event: CaseEvent) -> str | None:
        if event.actor is None or not self.context.get("sees_contact", False):
            return None
        return event.actor.get_username()


class CaseDetailSerializer(CaseSerializer):
    events = EventSerializer(many=True, source="events.all", help_text="The history, oldest "
                                                                         "first.")


# --- writing

class NumberField(serializers.FloatField):
    """A number typed in any digits, with either decimal separator (35.8 or ۳۵٫۸)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, str):
            data = latin_digits(data).replace("\u066b", ".").strip()
        return super().to_internal_value(data)


def _text(message: Any, *, max_length: int, help_text: str | None = None,
          source: str | None = None) -> serializers.CharField:
    """A required text whose every way of being missing is told in one sentence; `source`
    is the action's name for it where the API's differs."""
    errors = {"required": message, "blank": message, "null": message}
    return serializers.CharField(max_length=max_length, error_messages=errors,
                                 help_text=help_text, **({"source": source} if source else {}))


def _optional_text(max_length: int) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, default="",
                                 max_length=max_length)


class CaseCreateSerializer(serializers.Serializer):
    service_code = _text(_("Choose the subject of the request."), max_length=50,
                         source="subject")
    kind = serializers.CharField(required=False, allow_blank=True, default="", max_length=50,
                                 help_text="The kind's code (request, complaint...); the first "
                                           "kind when empty.")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API,
                                      error_messages={"invalid_choice": _("Unknown channel.")})
    description = _optional_text(MAX_DESCRIPTION)
    lat = NumberField(required=False, allow_null=True, default=None, min_value=-90,
                      max_value=90)
    long = NumberField(required=False, allow_null=True, default=None, min_value=-180,
                       max_value=180, source="lon")
    address = _optional_text(500)
    district_code = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default="", max_length=50,
        help_text="Where the request is, when there is no point: routes a district's subject.",
        source="district")
    contact_name = _optional_text(200)
    contact_phone = _optional_text(30)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=[("fa", "fa"), ("en", "en")], default="fa",
                                       help_text="The citizen's language for messages.")

    def validate_service_code(self, value: str) -> Subject:
        return _valid(subject_by_code, value)

    def validate_channel(self, value: str) -> str:
        # Imported history tells nobody anything: a live request recorded as "import" would
        # never tell its citizen the outcome.
        if value == Channel.IMPORT:
            raise serializers.ValidationError(
                _("The channel “import” is only for history loaded with import_requests; "
                  "choose the channel the citizen used."))
        return value

    def validate_kind(self, value: str) -> Kind | None:
        if not value.strip():
            return None
        kind = Kind.objects.filter(code=value.strip(), active=True).first()
        if kind is None:
            raise serializers.ValidationError(
                _("There is no kind with the code “%(code)s”.") % {"code": value})
        return kind

    def validate_district_code(self, value: str | None) -> District | None:
        if not (value or "").strip():
            return None
        district = District.objects.filter(code=(value or "").strip()).first()
        if district is None:
            raise serializers.ValidationError(
                _("There is no district with the code “%(code)s”.") % {"code": value})
        return district

    def validate_contact_phone(self, value: str) -> str:
        return _valid(normalize_phone, value) if value.strip() else ""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lat") is None) != (attrs.get("lon") is None):
            raise serializers.ValidationError(
                {"lat": [_("Give both latitude and longitude, or neither.")]})
        return attrs


class ResolveSerializer(serializers.Serializer):
    note = _text(_("Write what was done; the citizen will read it."),
                 max_length=MAX_DESCRIPTION)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_PHOTOS,
        help_text="Photos after the work (multipart/form-data), JPEG, PNG, WebP or GIF; each "
                  "is decoded and kept as a fresh image without its metadata.")

    def validate_photos(self, value: list[Any]) -> list[Any]:
        try:
            return [check_photo(upload) for upload in value]
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class ReturnSerializer(serializers.Serializer):
    reason = _text(_("Say why the request is not for this unit."), max_length=MAX_DESCRIPTION)


class RejectSerializer(serializers.Serializer):
    reason = _text(_("Say why the request cannot be done."), max_length=MAX_DESCRIPTION)


_PLAN_REASON = _("Choose why the work must wait: council approval, budget or coordination "
                 "with another body.")


class PlanSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=PlanReason.choices,
        error_messages={"required": _PLAN_REASON, "invalid_choice": _PLAN_REASON,
                        "null": _PLAN_REASON})
    expected_date = _text(_("Give the date by which the work is expected."), max_length=20,
                          help_text="ISO 8601 (2026-05-05) or Jalali (1405/02/15), in any "
                                    "digits; after today.")
    note = _optional_text(MAX_DESCRIPTION)

    def validate_expected_date(self, value: str) -> Any:
        return _valid(parse_date, value, field="expected_date")


class ReferSerializer(serializers.Serializer):
    unit_code = _text(_("Choose the unit to refer the request to."), max_length=100,
                      source="unit")
    note = _optional_text(MAX_DESCRIPTION)

    def validate_unit_code(self, value: str) -> Unit:
        unit = Unit.objects.filter(code=value.strip()).first()
        if unit is None:
            raise serializers.ValidationError(
                _("There is no unit with the code “%(code)s”.") % {"code": value})
        return unit


# --- reference data

class SubjectSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the caller's language.")
    name_fa = serializers.CharField()
    name_en = serializers.CharField()
    group = serializers.CharField(source="group.code", allow_null=True)
    handler = serializers.CharField(help_text="district:<department>, org:<code> or "
                                              "central:<code>.")
    respond_hours = serializers.IntegerField(help_text="Target hours to the first action.")
    resolve_days = serializers.IntegerField(help_text="Target working days to a result.")
    urgent = serializers.BooleanField()
    long_term = serializers.BooleanField()
    synonyms = serializers.SerializerMethodField()
    attributes = serializers.ListField(child=serializers.DictField(),
                                       help_text="The subject's extra questions.")
    active = serializers.BooleanField()

    def get_synonyms(self, subject: Subject) -> list[str]:
        return [s.strip() for s in subject.synonyms.splitlines() if s.strip()]


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the caller's language.")
    name_fa = serializers.CharField()
    name_en = serializers.CharField()
    type = serializers.ChoiceField(choices=Unit.Type.choices)
    district_code = serializers.CharField(source="district.code", allow_null=True)
    department = serializers.CharField()
    is_triage = serializers.BooleanField(help_text="Its queue holds what routing cannot "
                                                   "place.")
    active = serializers.BooleanField()


class GeometrySerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Polygon or MultiPolygon.")
    coordinates = serializers.ListField(child=serializers.JSONField(),
                                        help_text="GeoJSON coordinates (WGS84, long-lat).")


class DistrictPropertiesSerializer(serializers.Serializer):
    code = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    name_fa = serializers.CharField()
    name_en = serializers.CharField()
    active = serializers.BooleanField()


class DistrictFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[("Feature", "Feature")])
    id = serializers.CharField(help_text="The district's code.")
    properties = DistrictPropertiesSerializer()
    geometry = GeometrySerializer()


class DistrictCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[("FeatureCollection", "FeatureCollection")])
    features = DistrictFeatureSerializer(many=True)


# --- tokens, suggestions, errors

class TokenRequestSerializer(serializers.Serializer):
    username = _text(_("Write your username."), max_length=150)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"},
        error_messages={"required": _("Write your password."),
                        "blank": _("Write your password."), "null": _("Write your password.")})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ClassifyRequestSerializer(serializers.Serializer):
    text = _text(_("Write the text of the request to get suggestions."),
                 max_length=MAX_DESCRIPTION)
    limit = serializers.IntegerField(required=False, default=3, min_value=1, max_value=10,
                                     help_text="How many suggestions at most.")


class SuggestionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The subject's code.")
    name = serializers.CharField(help_text="The subject's name in the caller's language.")
    score = serializers.FloatField(min_value=0, max_value=1)


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True, help_text="Best first.")


class PlacesQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=500, trim_whitespace=True,
        help_text="An address, a street, a neighbourhood or a landmark, as typed or spoken "
                  "(any digits, Persian or Latin letters, misspellings tolerated).",
        error_messages={"blank": _("Type an address or the name of a place."),
                        "required": _("Type an address or the name of a place."),
                        "max_length": _("An address may be at most {max_length} characters.")})
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=50,
                                     help_text="How many places at most (1-50).")


class PlaceSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The place's name in the caller's language when "
                                           "the gazetteer has it; an address's street and "
                                           "number.")
    kind = serializers.ChoiceField(choices=["address", "street", "neighbourhood", "landmark"])
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    district_code = serializers.CharField(allow_null=True,
                                          help_text="null outside every district.")
    district_name = serializers.CharField(help_text="The district's name, empty outside.")
    score = serializers.FloatField(min_value=0, max_value=1,
                                   help_text="How sure the match is; best first.")
    category = serializers.CharField(help_text="What a landmark is: square, hospital...")
    neighbourhood = serializers.CharField(help_text="The nearest neighbourhood, if any.")
    address = serializers.CharField(help_text="A text to keep as a request's address.")
    housenumber = serializers.CharField()
    street = serializers.CharField()
    interpolated = serializers.BooleanField(
        help_text="A house number the gazetteer lacks, placed on its street.")


class PlacesSerializer(serializers.Serializer):
    places = PlaceSerializer(many=True, help_text="Best first.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A whole sentence in the caller's language.")
