"""The citizen portal: report a problem, follow it by tracking code, answer the result."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from open137.cases import actions
from open137.cases.actions import MAX_DESCRIPTION
from open137.cases.answers import is_answer_key, needs_answer_key
from open137.cases.models import Case, CaseEvent, Channel
from open137.cases.photos import public_url
from open137.cases.queries import find_by_tracking_code
from open137.cases.workflow import Status
from open137.core import tracking
from open137.core.errors import DomainError
from open137.core.numbers import parse_number
from open137.core.ratelimit import client_address, hit, peek
from open137.core.text import latin_digits
from open137.directory.models import District, Kind, Subject
from open137.directory.queries import city, locate_district
from open137.directory.questions import form_questions
from open137.directory.search import find_subjects
from open137.places.queries import district_label
from open137.places.streetmap import tile_url_template
from open137.portal import hints
from open137.portal.forms import AnswerForm, LookupForm, ReplyForm, SubmitForm
from open137.portal.timeline import public_timeline
from open137.routing.geo import usable

SUBMITTED = "portal_submitted"




def home(request: HttpRequest) -> HttpResponse:
    """The portal's page: a new request (submitted here) and the tracking-code lookup."""
    form = SubmitForm()
    if request.method == "POST":
        allowed, retry_after = hit(f"portal:{client_address(request)}",
                                   settings.RATE_LIMIT_PORTAL)
        if not allowed:
            return _too_many(request, retry_after)
        form = SubmitForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                case = _submit(request, form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None,
                               str(error))
            else:
                request.session[SUBMITTED] = case.tracking_code
                return redirect("portal_submitted")
    return render(request, "portal/home.html", _home_context(form))


@transaction.atomic
def _submit(request: HttpRequest, data: dict[str, Any]) -> Case:
    case = actions.receive_case(
        subject=data["subject"], kind=data["kind"], channel=Channel.WEB, by=request.user,
        description=data["description"], lat=data["lat"], lon=data["lon"],
        address=data["address"], contact_name=data["name"], contact_phone=data["phone"],
        language=get_language() or "fa", attributes=data.get("attributes") or {},
    )
    for photo in data["photos"]:
        actions.add_attachment(case, file=photo, by=request.user)
    # The request to follow is named by its public id: tracking codes are never shown to
    # anyone but their citizen.
    follow = data["follow"].strip()
    original = (Case.objects.filter(pk=int(follow)).first()
                if follow.isascii() and follow.isdigit() and len(follow) < 19 else None)
    if original is not None and original.is_open and original.subject_id == case.subject_id:
        # The citizen chose to follow an open report of the same problem nearby.
        actions.link_duplicate(case, original=original, by=None)
    else:
        hints.attach_to_incident(case)
    return case


def _home_context(form: SubmitForm) -> dict[str, Any]:
    subjects = Subject.objects.filter(active=True).select_related("group")
    groups: dict[Any, list[Subject]] = {}
    for subject in sorted(subjects, key=lambda s: (
            s.group is None, s.group.position if s.group else 0,
            s.group.code if s.group else "", s.position, s.code)):
        groups.setdefault(subject.group, []).append(subject)
    chosen = form["subject"].value() or ""
    here = city()
    # Each subject's extra questions, shown when it is chosen (the taxi's plate...).
    errors = getattr(form, "question_errors", {})
    question_sets = [
        (s.code, form_questions(s.attributes, form.data if form.is_bound else None,
                                errors if s.code == chosen else {}))
        for s in subjects if s.attributes]
    return {
        "form": form, "groups": list(groups.items()), "chosen": chosen,
        "question_sets": [(code, qs) for code, qs in question_sets if qs],
        "urgent_codes": [s.code for s in subjects if s.urgent],
        "chosen_urgent": any(s.urgent and s.code == chosen for s in subjects),
        "kinds": Kind.objects.filter(active=True), "lookup": LookupForm(),
        "city": here, "map_center": (here.map_center if here and here.map_center else ""),
        "map_zoom": here.map_zoom if here else 12,
        "tile_url": settings.MAP_TILE_URL,
        "streets_url": "" if settings.MAP_TILE_URL else tile_url_template(),
        "tile_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
    }


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, round(retry_after / 60))
    response = render(request, "portal/message.html", {
        "title": _("Too many requests"),
        "text": _("Too many requests were sent from your connection. Try again in "
                  "%(minutes)s minutes, or call 137.") % {"minutes": minutes},
    }, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@never_cache
def submitted(request: HttpRequest) -> HttpResponse:
    """The confirmation after a new request: its tracking code, large."""
    code = request.session.get(SUBMITTED)
    case = find_by_tracking_code(code) if code else None
    if case is None:
        return redirect("home")
    return render(request, "portal/submitted.html", {"case": case})


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The lookup form: any digits and spaces -> the request's tracking page."""
    form = LookupForm(request.GET or None)
    if form.is_valid():
        code = tracking.clean_code(form.cleaned_data["code"])
        if code:
            return redirect("portal_track", code=code)
        form.add_error("code", _("A tracking code is made of digits only."))
    return render(request, "portal/lookup.html", {"lookup": form},
                  status=400 if form.is_bound else 200)


def _find(request: HttpRequest, code: str) -> Case | HttpResponse:
    """The request for a code in the URL, or the page that says plainly what is wrong.

    Codes are the citizens' secrets: a visitor's lookups are limited per address, and
    lookups of codes that no request has more tightly, so that nobody scans for them.
    """
    cleaned = tracking.clean_code(code)
    address = client_address(request)
    anonymous = not request.user.is_authenticated
    if anonymous:
        allowed, retry_after = hit(f"track:{address}", settings.RATE_LIMIT_TRACK)
        if not allowed or not peek(f"track-miss:{address}", settings.RATE_LIMIT_TRACK_MISSES):
            return _too_many(request, retry_after if not allowed else 3600)
    if not tracking.is_tracking_code(cleaned):
        error = _("This tracking code is not valid: check the digits.")
    elif (case := find_by_tracking_code(cleaned)) is None:
        if anonymous:
            hit(f"track-miss:{address}", settings.RATE_LIMIT_TRACK_MISSES)
        error = _("No request has this tracking code. Check the code, or call 137.")
    else:
        return case
    form = LookupForm({"code": latin_digits(code)})
    form.is_valid()
    form.add_error("code", error)
    return render(request, "portal/lookup.html", {"lookup": form}, status=404)


def track(request: HttpRequest, code: str) -> HttpResponse:
    """The tracking page: status, the public history and the unit's answers; no personal data."""
    if code != tracking.clean_code(code) and tracking.is_tracking_code(code):
        return redirect("portal_track", code=tracking.clean_code(code))
    found = _find(request, code)
    if isinstance(found, HttpResponse):
        return found
    case = found
    key = request.GET.get("k", "")[:40]
    form, status = None, 200
    if can_answer(case):
        if not needs_answer_key(case) or is_answer_key(case, key):
            form = AnswerForm()
        elif key:
            refused = _wrong_key(request, case)
            if refused is not None:
                return refused
            messages.error(request, _("This answer link is not valid or no longer works. "
                                      "Use the link in the latest message about the result, "
                                      "or reply 1 or 2 to it by SMS."))
            status = 403
    return render(request, "portal/track.html",
                  _track_context(case, form, key=key if form is not None else ""),
                  status=status)


def _wrong_key(request: HttpRequest, case: Case) -> HttpResponse | None:
    """Count a wrong answer key against the request and the address; the refusal once
    either has had too many. A right key is never counted, so a guesser's failures never
    stop the citizen's own link."""
    on_case, retry_after = hit(f"answer-key:{case.pk}", "20/h")
    on_address, retry_address = hit(f"answer-key-from:{client_address(request)}", "10/h")
    if on_case and on_address:
        return None
    return _too_many(request, max(retry_after, retry_address))


def _track_context(case: Case, form: AnswerForm | None, key: str = "") -> dict[str, Any]:
    events = (CaseEvent.objects.filter(case=case, public=True)
              .select_related("to_unit").order_by("at", "pk"))
    after_photos = case.attachments.filter(event__public=True, event__step__in=[
        "resolve", "reject", "plan"]).exclude(file="")
    question = (case.events.filter(step="ask").order_by("-at", "-pk").first()
                if case.status == Status.AWAITING_CITIZEN else None)
    return {
        "question": question, "reply_form": ReplyForm() if question else None,
        "case": case, "timeline": public_timeline(events), "answer_form": form,
        "answer_key": key,
        "answer_by_link": form is None and can_answer(case) and needs_answer_key(case),
        "after_photos": [public_url(p) for p in after_photos],
        "incident_message": hints.incident_message(case),
        "is_open": case.is_open and case.status != Status.PLANNED,
        "window_days": satisfaction_window().days,
    }


def satisfaction_window() -> timedelta:
    return timedelta(days=settings.SATISFACTION_WINDOW_DAYS)


def can_answer(case: Case) -> bool:
    """The latest result (or refusal) is not answered yet, within the window."""
    return actions.awaits_answer(case)


@require_POST
def answer(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen's answer to the result: satisfied closes it, an objection reopens it."""
    found = _find(request, code)
    if isinstance(found, HttpResponse):
        return found
    case = found
    if not can_answer(case):
        messages.error(request, _("This request is not waiting for your answer."))
        return redirect("portal_track", code=case.tracking_code)
    # The result's key (from the link in its message) is the citizen's proof; without a
    # message that carried one, the private tracking code is.
    key = request.POST.get("k", "")[:40]
    if needs_answer_key(case):
        if not is_answer_key(case, key):
            refused = _wrong_key(request, case)
            if refused is not None:
                return refused
            messages.error(request, _("Answer with the link in the message about the "
                                      "result, or reply 1 or 2 to it by SMS."))
            return redirect("portal_track", code=case.tracking_code)
    else:
        # The code alone: answers from one address are limited (a right key never is).
        allowed, retry_after = hit(f"portal-answer:{client_address(request)}", "10/h")
        if not allowed:
            return _too_many(request, retry_after)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/track.html", _track_context(case, form, key=key))
    satisfied = form.cleaned_data["answer"] == AnswerForm.SATISFIED
    try:
        actions.answer_satisfaction(case, satisfied=satisfied, by=None,
                                    note=form.cleaned_data["comment"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: your answer was recorded.") if satisfied else
                         _("Your objection was recorded and the request was sent back to "
                           "the unit."))
    return redirect("portal_track", code=case.tracking_code)


@require_POST
def reply(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen's answer to the unit's question: the unit's clock runs again."""
    found = _find(request, code)
    if isinstance(found, HttpResponse):
        return found
    case = found
    if case.status != Status.AWAITING_CITIZEN:
        messages.error(request, _("No question about this request is waiting for you."))
        return redirect("portal_track", code=case.tracking_code)
    allowed, retry_after = hit(f"portal-reply:{case.pk}", "10/h")
    if not allowed:
        return _too_many(request, retry_after)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/track.html", {**_track_context(case, None),
                                                     "reply_form": form}, status=400)
    actions.answer_question(case, answer=form.cleaned_data["reply"], by=None)
    messages.success(request, _("Thank you: your answer was sent to the unit."))
    return redirect("portal_track", code=case.tracking_code)


@require_GET
def district(request: HttpRequest) -> JsonResponse:
    """The district that contains a point: {"code", "name"} (code null outside the city)."""
    lat, lon = parse_number(request.GET.get("lat")), parse_number(request.GET.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return JsonResponse({"error": _("The place on the map is not valid; drop the pin "
                                        "again.")}, status=400)
    code = locate_district(lat, lon)
    found = District.objects.filter(code=code).first() if code else None
    if found is None:
        return JsonResponse({"code": None, "name": "",
                             "message": _("This place is outside the city's districts; the "
                                          "centre will route your request by hand.")})
    return JsonResponse({"code": found.code, "name": district_label(found), "message": ""})


@require_GET
@cache_control(max_age=600, public=True)
def districts(request: HttpRequest) -> JsonResponse:
    """Every active district's polygon as GeoJSON, with its names in both languages."""
    features = [
        {"type": "Feature", "geometry": d.geometry,
         "properties": {"code": d.code, "fa": district_label(d, "fa"),
                        "en": district_label(d, "en") if d.name_en else district_label(d, "fa")}}
        for d in District.objects.filter(active=True).order_by("number", "code")
        if usable(d.geometry, name=d.code) is not None
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """The subjects the description suggests (an htmx partial); the sure one is chosen."""
    allowed, _retry = hit(f"portal-suggest:{client_address(request)}",
                          settings.RATE_LIMIT_CLASSIFY)
    # No more than a description may hold: the classifier's time grows with the text.
    text = request.POST.get("description", "")[:MAX_DESCRIPTION]
    found = hints.suggest_subjects(text, 3) if allowed and len(text.strip()) >= 8 else []
    confident = found[0][0].code if found and found[0][1] >= hints.confident_score() else ""
    return render(request, "portal/_suggestions.html",
                  {"suggestions": found, "confident": confident})


@require_GET
def subjects(request: HttpRequest) -> JsonResponse:
    """The subjects the citizen's words name («چاله», «سگ ولگرد»), best first, for the
    subject filter above the groups."""
    allowed, _retry = hit(f"portal-subjects:{client_address(request)}",
                          settings.RATE_LIMIT_CLASSIFY)
    found = find_subjects(request.GET.get("q", "")[:200], limit=12) if allowed else []
    return JsonResponse({"codes": [m.subject.code for m in found]})


@require_POST
def nearby(request: HttpRequest) -> HttpResponse:
    """Open requests on the chosen subject near the pin, which the citizen may follow."""
    if not request.user.is_authenticated:
        # The duplicate search is the heaviest query a visitor can ask for.
        allowed, retry_after = hit(f"portal-nearby:{client_address(request)}",
                                   settings.RATE_LIMIT_CLASSIFY)
        if not allowed:
            response = HttpResponse(status=429)
            response["Retry-After"] = str(retry_after)
            return response
    subject = Subject.objects.filter(code=request.POST.get("subject", ""), active=True).first()
    address = request.POST.get("address", "")[:500]
    lat, lon = parse_number(request.POST.get("lat")), parse_number(request.POST.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None  # no pin: the address may still say where
        if not address.strip():
            subject = None
    text = request.POST.get("description", "")[:MAX_DESCRIPTION]
    found = hints.nearby_open_cases(subject, lat, lon, text, address=address) if subject else []
    return render(request, "portal/_nearby.html", {"nearby": found})
