"""The operator's desk: screen pop, the caller's history, intake, status lookup."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from open137.cases.models import Case
from open137.cases.permissions import sees_contact
from open137.cases.queries import find_by_tracking_code, visible_cases
from open137.core import tracking
from open137.core.errors import DomainError, InvalidInput
from open137.core.phones import local_phone, normalize_phone
from open137.desk import hints, lists
from open137.desk.access import CENTRE, case_in_scope, require_staff
from open137.desk.forms import IntakeForm, LookupForm
from open137.desk.views.base import map_config, page
from open137.directory.models import Kind, Staff, Subject
from open137.directory.questions import form_questions
from open137.security.actions import record_contact_view
from open137.security.models import ContactView
from open137.security.queries import has_contact

HISTORY_SIZE = 20


def _caller(raw: str) -> tuple[str, str]:
    """(canonical phone, error sentence) from the screen pop's caller number."""
    if not raw.strip():
        return "", ""
    try:
        return normalize_phone(raw), ""
    except InvalidInput as error:
        return "", _("The caller's number “%(number)s” could not be read: %(reason)s") % {
            "number": raw[:40], "reason": error}


def _desk_page(request: HttpRequest, staff: Staff, *, form: IntakeForm,
               lookup: LookupForm | None = None, caller: str = "", caller_error: str = "",
               status: int = 200) -> HttpResponse:
    history = (list(lists.caller_history(request.user, caller)[:HISTORY_SIZE])
               if caller else [])
    if history and sees_contact(request.user):
        record_contact_view(case_ids=[c.pk for c in history if has_contact(c)],
                            by=request.user, where=ContactView.Where.DESK_CALL)
    recent = (visible_cases(request.user).filter(created_by_id=request.user.pk)
              .order_by("-created_at")[:10])
    context: dict[str, Any] = {
        "form": form, "lookup": lookup or LookupForm(), "caller": caller,
        "caller_error": caller_error, "history": history, "recent": recent,
        "map_config": map_config(pick=True),
        "questions": _form_questions(form),
    }
    return page(request, "desk/intake.html", context, staff=staff, status=status)


def _form_questions(form: IntakeForm) -> list[dict[str, Any]]:
    """The chosen subject's extra questions, with what was typed, for a bound form."""
    if not form.is_bound:
        return []
    subject = (form.cleaned_data.get("subject_obj") if hasattr(form, "cleaned_data")
               else None)
    if subject is None:
        return []
    return form_questions(subject.attributes, form.data, getattr(form, "question_errors", {}))


@login_required
@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    """The extra questions of the chosen subject (an htmx fragment of the intake form)."""
    staff = require_staff(request, CENTRE)
    subject = Subject.objects.filter(code=request.GET.get("subject", ""), active=True).first()
    return page(request, "questions/_fields.html",
                {"questions": form_questions(subject.attributes) if subject else []},
                staff=staff)


def _initial(caller: str) -> dict[str, Any]:
    return {"kind": Kind.objects.filter(active=True).first(),
            "contact_phone": local_phone(caller) if caller else ""}


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """The intake form; `/desk/call?caller=<phone>` is the screen pop for a ringing line."""
    staff = require_staff(request, CENTRE)
    caller, caller_error = _caller(request.GET.get("caller", ""))
    form = IntakeForm(request.POST if request.method == "POST" else None,
                      initial=_initial(caller))
    if request.method == "POST" and form.is_valid():
        try:
            case = form.receive(by=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("desk:recorded", pk=case.pk)
    return _desk_page(request, staff, form=form, caller=caller, caller_error=caller_error,
                      status=400 if form.errors else 200)


@login_required
@require_GET
def recorded(request: HttpRequest, pk: int) -> HttpResponse:
    """The new tracking code, large and in digit groups, to read back to the caller."""
    staff = require_staff(request, CENTRE)
    case = case_in_scope(request.user, pk)
    return page(request, "desk/recorded.html",
                {"case": case, "incident": hints.incident_of(case)}, staff=staff)


@login_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """One field: a tracking code opens the request, a phone opens the caller's history."""
    staff = require_staff(request, CENTRE)
    form = LookupForm(request.GET)
    if form.is_valid():
        text = form.cleaned_data["q"]
        code = tracking.clean_code(text)
        found = find_by_tracking_code(code) if tracking.is_tracking_code(code) else None
        if found is not None:
            return redirect("desk:request", pk=found.pk)
        try:
            phone = normalize_phone(text)
        except InvalidInput:
            form.add_error("q", _lookup_error(code))
        else:
            return redirect(f"{reverse('desk:call')}?{urlencode({'caller': phone})}")
    return _desk_page(request, staff, form=IntakeForm(initial=_initial("")), lookup=form,
                      status=400)


def _lookup_error(code: str) -> str:
    if len(code) == tracking.BODY_LENGTH + 1 and not code.startswith("0"):
        if tracking.is_valid(code):
            return _("No request has the tracking code %(code)s.") % {"code": code}
        return _("This tracking code is mistyped: one of its digits is wrong. Ask the caller "
                 "to read it again.")
    return _("This is neither a tracking code (10 digits) nor a phone number.")


@login_required
@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The likeliest subjects for the description typed so far (an htmx fragment)."""
    staff = require_staff(request, CENTRE)
    text = request.GET.get("description", "")[:2000]
    return page(request, "desk/_suggestions.html",
                {"subjects": hints.suggested_subjects(text)}, staff=staff)


@login_required
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """Open requests that may be the same problem, and a matching mass incident (htmx)."""
    staff = require_staff(request, CENTRE)
    form = IntakeForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    subject: Subject | None = data.get("subject_obj")
    found: list[Case] = []
    incident = None
    if subject is not None:
        lat, lon = data.get("lat_value"), data.get("lon_value")
        found = hints.possible_duplicates(subject=subject, lat=lat, lon=lon,
                                          text=data.get("description", ""),
                                          address=data.get("address", ""))
        incident = hints.matching_incident(subject=subject, lat=lat, lon=lon,
                                           district=data.get("district"))
    visible = set(visible_cases(request.user).filter(pk__in=[c.pk for c in found])
                  .values_list("pk", flat=True))
    return page(request, "desk/_duplicates.html",
                {"cases": [c for c in found if c.pk in visible], "incident": incident},
                staff=staff)
