"""Open data: one anonymised row per request, with the facts every public figure is counted from.

Left out on purpose: names, phone numbers, emails, addresses, the citizen's description
and the unit's notes (free text can hold any of those; stripping phone numbers alone would
still leave names and house numbers). Coordinates are rounded to 3 decimals (about 100 m).
"""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Choices, F, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from open137.cases.models import Case, Channel, Priority
from open137.cases.workflow import Status
from open137.core.dates import jalali_iso
from open137.core.text import persian_digits
from open137.oversight.facts import annotated

COORDINATE_DECIMALS = 3

# (field, description): the documented field list (docs/oversight.md repeats it).
FIELDS: tuple[tuple[str, Promise], ...] = (
    ("id", _("The request's number (the Open311 service_request_id); not the tracking code.")),
    ("received_at", _("When the request was registered, ISO 8601 with the city's offset.")),
    ("received_date_jalali", _("The registration date in the Jalali calendar (YYYY-MM-DD).")),
    ("channel", _("phone, web, sms, messenger, open311, api, walkin or import.")),
    ("kind", _("request, complaint, suggestion, criticism, appreciation or inquiry (code).")),
    ("subject", _("The subject's code (the Open311 service_code).")),
    ("subject_group", _("The subject group's code.")),
    ("district", _("The district's code; empty when the request has no place.")),
    ("unit", _("The code of the unit that holds (or last held) the request.")),
    ("status", _("received, triage, referred, in_progress, awaiting_citizen, returned, "
                 "planned, resolved, rejected, closed or reopened.")),
    ("priority", _("normal, high or urgent.")),
    ("lat", _("Latitude rounded to 3 decimals; empty when unknown.")),
    ("lon", _("Longitude rounded to 3 decimals; empty when unknown.")),
    ("first_referred_at", _("The first referral to a unit (empty: never referred).")),
    ("taken_up_at", _("When the unit that finally dealt with the request took it up "
                      "(empty: not yet).")),
    ("triaged", _("true when the request waited at the 137 centre to be sent to a unit.")),
    ("last_referred_at", _("The referral to the unit that holds (or last held) the "
                           "request.")),
    ("first_action_due", _("The first-action deadline of the latest referral or reopening.")),
    ("first_action_at", _("The unit's first action since then.")),
    ("result_due", _("The result deadline of the latest referral or reopening.")),
    ("result_at", _("When the result (resolution or rejection) was given.")),
    ("closed_at", _("When the request was closed.")),
    ("planned_date", _("The expected date of a planned (long-term) request.")),
    ("reopened", _("How many times the citizen's objection reopened the request.")),
    ("misrouted", _("true when a unit returned it or it was referred again from a unit.")),
    ("questions", _("How many questions the unit asked the citizen.")),
    ("hours_waiting_for_citizen", _("Hours the request waited for the citizen's answers.")),
    ("repeat_contacts", _("How many times the citizen called or wrote again while it was "
                          "open.")),
    ("result_sent", _("true when the delivery records show the result message as sent to "
                      "the citizen.")),
    ("satisfied", _("The citizen's answer: true, false, or empty when not answered.")),
    ("duplicate_of", _("The id of the request this one duplicates; empty otherwise.")),
    # Persian names beside the codes, for people reading the file; the codes stay for
    # programs (these columns come last, so that older readers of the file go on working).
    ("channel_fa", _("The channel's name in Persian.")),
    ("kind_fa", _("The kind's name in Persian.")),
    ("subject_fa", _("The subject's name in Persian.")),
    ("subject_group_fa", _("The subject group's name in Persian.")),
    ("district_fa", _("The district's name in Persian.")),
    ("unit_fa", _("The unit's name in Persian.")),
    ("status_fa", _("The status's name in Persian.")),
    ("priority_fa", _("The priority's name in Persian.")),
)
FIELD_NAMES = tuple(name for name, _text in FIELDS)

_VALUES = {
    "kind_code": F("kind__code"), "subject_code": F("subject__code"),
    "group_code": F("subject__group__code"), "district_code": F("district__code"),
    "unit_code": F("unit__code"),
    "kind_fa": F("kind__name_fa"), "subject_fa": F("subject__name_fa"),
    "group_fa": F("subject__group__name_fa"), "district_fa": F("district__name_fa"),
    "unit_fa": F("unit__name_fa"),
}


def _persian_labels(choices: type[Choices]) -> dict[str, str]:
    with override("fa"):
        return {str(value): str(label) for value, label in choices.choices}


def _time(value: datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)


def rows(cases: QuerySet[Case]) -> Iterator[dict[str, Any]]:
    """The open-data rows of these requests, oldest first, read in chunks."""
    values = annotated(cases).order_by("created_at", "pk").values(  # type: ignore[misc]
        "pk", "channel", "status", "priority", "lat", "lon", "created_at", "first_refer_at",
        "taken_up_at", "was_triaged", "referred_at", "ask_count", "paused_seconds",
        "contact_count",
        "respond_by", "responded_at", "resolve_by", "resolved_at", "closed_at", "planned_date",
        "reopens", "misrouted", "informed", "satisfied", "duplicate_of_id", **_VALUES)
    channels, statuses, priorities = (_persian_labels(c) for c in (Channel, Status, Priority))
    for v in values.iterator(chunk_size=2000):
        created: datetime = v["created_at"]
        planned: date | None = v["planned_date"]
        yield {
            "id": v["pk"], "received_at": _time(created),
            "received_date_jalali": jalali_iso(timezone.localtime(created).date()),
            "channel": v["channel"], "kind": v["kind_code"], "subject": v["subject_code"],
            "subject_group": v["group_code"], "district": v["district_code"],
            "unit": v["unit_code"], "status": v["status"], "priority": v["priority"],
            "lat": _round(v["lat"]), "lon": _round(v["lon"]),
            "first_referred_at": _time(v["first_refer_at"]),
            "taken_up_at": _time(v["taken_up_at"]), "triaged": bool(v["was_triaged"]),
            "last_referred_at": _time(v["referred_at"]),
            "first_action_due": _time(v["respond_by"]),
            "first_action_at": _time(v["responded_at"]),
            "result_due": _time(v["resolve_by"]), "result_at": _time(v["resolved_at"]),
            "closed_at": _time(v["closed_at"]),
            "planned_date": planned.isoformat() if planned else None,
            "reopened": v["reopens"], "misrouted": bool(v["misrouted"]),
            "questions": v["ask_count"],
            "hours_waiting_for_citizen": round(v["paused_seconds"] / 3600, 2),
            "repeat_contacts": v["contact_count"],
            "result_sent": bool(v["informed"]),
            "satisfied": v["satisfied"], "duplicate_of": v["duplicate_of_id"],
            "channel_fa": channels.get(v["channel"], ""), "kind_fa": v["kind_fa"],
            "subject_fa": v["subject_fa"], "subject_group_fa": v["group_fa"] or "",
            "district_fa": persian_digits(v["district_fa"] or ""),
            "unit_fa": persian_digits(v["unit_fa"] or ""),
            "status_fa": statuses.get(v["status"], ""),
            "priority_fa": priorities.get(v["priority"], ""),
        }
