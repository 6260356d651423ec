"""The supervisor's queues: what routing could not place, what units returned, what is late."""

import math

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from open137.cases.models import Case
from open137.core.text import latin_digits
from open137.desk import lists
from open137.desk.access import SUPERVISORS, require_staff
from open137.desk.views.base import page, paginate
from open137.directory.models import Unit
from open137.directory.queries import units_in_order
from open137.notifications.models import DeliveryChannel, Message


def _queue(request: HttpRequest, tab: str, cases: QuerySet[Case],
           chosen: Unit | None = None) -> HttpResponse:
    staff = require_staff(request, SUPERVISORS)
    now = timezone.now()
    counts = {
        "triage": lists.triage_queue(request.user).count(),
        "returned": lists.returned(request.user).count(),
        "overdue": lists.overdue(request.user, now).count(),
    }
    page_obj = paginate(request, cases)
    for case in page_obj:
        if case.resolve_by is not None and case.resolve_by < now:
            case.days_late = math.ceil((now - case.resolve_by).total_seconds() / 86400)
    # One list of units for the page's type-ahead fields, not one per request.
    context = {"tab": tab, "page_obj": page_obj, "counts": counts, "units": units_in_order(),
               "chosen": chosen, "now": now, "next": request.get_full_path()}
    return page(request, "desk/supervisor.html", context, staff=staff)


@login_required
@require_GET
def triage(request: HttpRequest) -> HttpResponse:
    """The triage queue: refer each request, or answer it from the centre."""
    return _queue(request, "triage", lists.triage_queue(request.user))


@login_required
@require_GET
def returned(request: HttpRequest) -> HttpResponse:
    """Requests units sent back, with their reasons, to refer again."""
    return _queue(request, "returned", lists.returned(request.user))


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Open requests past their deadline, of one unit when chosen, with what to do next."""
    cases = lists.overdue(request.user, timezone.now())
    typed = latin_digits(request.GET.get("unit", ""))
    chosen = Unit.objects.filter(pk=typed).first() if typed.isdigit() else None
    if chosen is not None:
        cases = cases.filter(unit=chosen)
    return _queue(request, "overdue", cases, chosen)


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """The supervisor's alerts: surge warnings and escalations, newest first."""
    staff = require_staff(request, SUPERVISORS)
    found = (Message.objects.filter(channel=DeliveryChannel.INAPP,
                                    recipient=f"user:{request.user.pk}")
             .order_by("-created_at", "-pk"))
    return page(request, "desk/alerts.html", {"page_obj": paginate(request, found)},
                staff=staff)
