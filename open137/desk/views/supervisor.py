"""The supervisor's queues: what routing could not place, what units returned, what is late."""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from open137.cases.models import Case
from open137.desk import lists
from open137.desk.access import SUPERVISORS, require_staff
from open137.desk.views.base import page, paginate
from open137.directory.models import Unit
from open137.notifications.models import DeliveryChannel, Message


def _queue(request: HttpRequest, tab: str, cases: QuerySet[Case]) -> HttpResponse:
    staff = require_staff(request, SUPERVISORS)
    now = timezone.now()
    counts = {
        "triage": lists.triage_queue(request.user).count(),
        "returned": lists.returned(request.user).count(),
        "overdue": lists.overdue(request.user, now).count(),
    }
    units = Unit.objects.filter(active=True, is_triage=False).order_by("type", "code")
    context = {"tab": tab, "page_obj": paginate(request, cases), "counts": counts,
               "units": list(units), "now": now, "next": request.get_full_path()}
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
    """Open requests past their deadline."""
    return _queue(request, "overdue", lists.overdue(request.user, timezone.now()))


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
