"""The unit's inbox: its own requests, nearest deadline first, and bulk acceptance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from open137.cases import actions
from open137.cases.permissions import can_take
from open137.cases.queries import visible_cases
from open137.cases.workflow import Step
from open137.core.errors import DomainError
from open137.core.numbers import parse_id
from open137.desk import lists
from open137.desk.access import UNIT_ROLES, require_staff, safe_next
from open137.desk.forms import BulkAcceptForm, InboxFilterForm
from open137.desk.views.base import digits, page, paginate
from open137.directory.models import Staff
from open137.places.queries import neighbourhoods_at


def _inbox_page(request: HttpRequest, staff: Staff, *, bulk: BulkAcceptForm | None = None,
                status: int = 200) -> HttpResponse:
    filters = InboxFilterForm(request.GET)
    # An invalid filter is reported and left out; the valid ones still apply.
    filters.is_valid()
    now = timezone.now()
    cases = lists.inbox(request.user, staff, filters.cleaned_data, now)
    query = request.GET.copy()
    query.pop("page", None)
    page_obj = paginate(request, cases)
    # Where to go, as the crew knows the city: the neighbourhood beside the address.
    rows = list(page_obj)
    for case, name in zip(rows, neighbourhoods_at([(c.lat, c.lon) for c in rows]),
                          strict=True):
        case.neighbourhood = name
    context = {"filters": filters, "page_obj": page_obj, "now": now,
               "bulk": bulk, "query": query.urlencode(), "unit": staff.unit,
               "next": request.get_full_path()}
    if filters.errors:
        status = 400
    return page(request, "desk/inbox.html", context, staff=staff, status=status)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Only this unit's requests, sorted by deadline, overdue ones marked; filters."""
    staff = require_staff(request, UNIT_ROLES)
    return _inbox_page(request, staff)


@login_required
@require_POST
def bulk_accept(request: HttpRequest) -> HttpResponse:
    """Accept the ticked requests, each through accept_case; say how many were accepted."""
    staff = require_staff(request, UNIT_ROLES)
    ids = [pk for pk in map(parse_id, request.POST.getlist("ids")) if pk]
    cases = list(visible_cases(request.user).filter(unit=staff.unit, pk__in=ids))
    form = BulkAcceptForm(request.POST, cases=cases)
    if not form.is_valid():
        return _inbox_page(request, staff, bulk=form, status=400)
    chosen = set(form.cleaned_data["ids"])
    accepted = skipped = 0
    for case in cases:
        if case.pk not in chosen:
            continue
        if not can_take(request.user, case, Step.ACCEPT):
            skipped += 1
            continue
        try:
            actions.accept_case(case, by=request.user)
        except DomainError:
            skipped += 1
        else:
            accepted += 1
    if accepted:
        messages.success(request, ngettext("%(n)s request was accepted.",
                                           "%(n)s requests were accepted.", accepted)
                         % {"n": digits(accepted)})
    if skipped:
        messages.warning(request, ngettext(
            "%(n)s request was not waiting for acceptance and was left as it was.",
            "%(n)s requests were not waiting for acceptance and were left as they were.",
            skipped) % {"n": digits(skipped)})
    return redirect(safe_next(request, reverse("desk:inbox")))
