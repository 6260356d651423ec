"""The request page: details, timeline, map, photos, deadline clocks and the allowed steps."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from open137.cases import actions
from open137.cases.models import OTHER_REASON, Case, plan_reasons
from open137.cases.permissions import can_take, sees_contact
from open137.cases.workflow import Step
from open137.core.errors import DomainError
from open137.desk.access import allowed_steps, case_in_scope, require_staff, safe_next
from open137.desk.clocks import clocks_for
from open137.desk.forms import STEP_FORMS, ContactForm, StepForm
from open137.desk.views.base import digits, map_config, page, shown_code
from open137.directory.models import Staff
from open137.security.actions import record_contact_view
from open137.security.models import ContactView
from open137.security.queries import has_contact

DONE = {
    Step.ACCEPT: _("Request %(code)s is accepted."),
    Step.RESOLVE: _("Request %(code)s is resolved; the citizen will be told the result."),
    Step.RETURN: _("Request %(code)s was returned to the 137 centre."),
    Step.PLAN: _("Request %(code)s now has a plan and an expected date; the citizen will be "
                 "told."),
    Step.REJECT: _("Request %(code)s was rejected; the citizen will be told the reason."),
    Step.REFER: _("Request %(code)s was referred to %(unit)s."),
    Step.ASK: _("Your question about request %(code)s was sent to the citizen; the deadlines "
                "stop until the answer comes."),
}


def _case_page(request: HttpRequest, staff: Staff, case: Case, *,
               bound: StepForm | None = None, status: int = 200) -> HttpResponse:
    steps = allowed_steps(request.user, case)
    if bound is not None and bound.step not in steps:
        steps.append(bound.step)
    forms = [bound if bound is not None and bound.step == step else STEP_FORMS[step](case=case)
             for step in steps]
    events = (case.events.select_related("actor", "from_unit", "to_unit")
              .prefetch_related("attachments"))
    context = {
        "case": case, "events": events, "forms": forms,
        "photos": case.attachments.select_related("event").order_by("created_at", "pk"),
        "clocks": clocks_for(case, timezone.now()), "sees_contact": sees_contact(request.user),
        "map_config": map_config((case.lat, case.lon)),
        "followers": case.followers.count(),
        "contact_form": ContactForm() if can_take(request.user, case, Step.CONTACT)
        and case.is_open else None,
        "answers": case.extra_answers,
        # One reading of the pack's plan reasons for the whole history.
        "plan_names": {**dict(plan_reasons()), OTHER_REASON: str(_("other"))},
        "max_mb": digits(f"{settings.UPLOAD_MAX_BYTES / 1048576:g}"),
    }
    return page(request, "desk/case.html", context, staff=staff, status=status)


@login_required
@require_GET
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One request, for anyone whose scope includes it; 404 for everyone else."""
    staff = require_staff(request)
    case = case_in_scope(request.user, pk)
    if has_contact(case) and sees_contact(request.user):
        record_contact_view(case_ids=[case.pk], by=request.user,
                            where=ContactView.Where.DESK_REQUEST)
    return _case_page(request, staff, case)


@login_required
@require_POST
def take_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Accept, resolve, return, plan, reject or refer: one form, one action."""
    staff = require_staff(request)
    case = case_in_scope(request.user, pk)
    chosen = next((s for s in STEP_FORMS if s.value == step), None)
    if chosen is None:
        raise Http404
    if not can_take(request.user, case, chosen):
        raise PermissionDenied
    form = STEP_FORMS[chosen](request.POST, request.FILES, case=case)
    if form.is_valid():
        try:
            form.take(by=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, DONE[chosen] % {
                "code": shown_code(case.tracking_code),
                "unit": case.unit.name if case.unit else ""})
            return redirect(safe_next(request, case_url(case)))
    return _case_page(request, staff, case, bound=form, status=400)


@login_required
@require_POST
def record_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The citizen called again about this open request: counted on it, not a new one."""
    staff = require_staff(request)
    case = case_in_scope(request.user, pk)
    if not can_take(request.user, case, Step.CONTACT):
        raise PermissionDenied
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            actions.record_contact(case, note=form.cleaned_data["note"], by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The repeat contact was recorded on request %(code)s.")
                             % {"code": shown_code(case.tracking_code)})
        return redirect(safe_next(request, case_url(case)))
    return _case_page(request, staff, case, status=400)


def case_url(case: Case) -> str:
    return reverse("desk:request", args=[case.pk])


@login_required
@require_GET
def photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    """A photo of a request, for those who may open the request."""
    require_staff(request)
    case = case_in_scope(request.user, pk)
    attachment = case.attachments.filter(pk=photo_pk).exclude(file="").first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"),
                        content_type=attachment.content_type or "application/octet-stream")
