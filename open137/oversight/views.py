"""Oversight pages: the dashboard, the requests behind a number, audits, report, export."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from open137.cases.permissions import sees_contact
from open137.cases.queries import visible_cases
from open137.core.errors import DomainError
from open137.directory.models import Staff
from open137.directory.queries import city
from open137.oversight import actions, pages
from open137.oversight.export import xlsx_response
from open137.oversight.forms import FilterForm, GradeForm, this_month
from open137.oversight.models import QUESTIONS, AuditItem, AuditSample
from open137.oversight.periods import Month
from open137.oversight.permissions import (
    can_draw,
    can_grade,
    oversight_staff,
    scope_unit,
    sees_ranking,
)
from open137.oversight.queries import Selection, cases_behind, figure_names
from open137.oversight.tables import Table, requests_table

# What a list of requests shows, by the figure that links to it.
FIGURE_TITLES: dict[str, Any] = {
    "volume": gettext_lazy("Requests registered in the period"),
    "referred": gettext_lazy("Requests referred to a unit"),
    "taken_up": gettext_lazy("Requests taken up by the unit that finally dealt with them"),
    "triaged": gettext_lazy("Requests that waited at the 137 centre to be sent to a unit"),
    "questioned": gettext_lazy("Requests whose unit asked the citizen a question"),
    "recontacted": gettext_lazy("Requests the citizen called or wrote about again"),
    "awaiting_citizen": gettext_lazy("Requests waiting for the citizen's answer now"),
    "in_triage": gettext_lazy("Requests waiting at the 137 centre now"),
    "first_due": gettext_lazy("Requests whose first action was due"),
    "first_on_time": gettext_lazy("First actions on time"),
    "first_late": gettext_lazy("First actions late or missing"),
    "result_due": gettext_lazy("Requests whose result was due"),
    "result_on_time": gettext_lazy("Results on time"),
    "result_late": gettext_lazy("Results late or missing"),
    "finished": gettext_lazy("Finished requests"),
    "reopened": gettext_lazy("Reopened requests"),
    "misrouted": gettext_lazy("Misrouted requests"),
    "informed": gettext_lazy("Finished requests whose citizen was sent the result"),
    "not_informed": gettext_lazy("Finished requests whose citizen was not sent the result"),
    "asked": gettext_lazy("Requests given a result"),
    "answered": gettext_lazy("Requests whose citizen answered the satisfaction question"),
    "satisfied": gettext_lazy("Requests whose citizen was satisfied"),
    "not_satisfied": gettext_lazy("Requests whose citizen was not satisfied"),
    "open": gettext_lazy("Open requests now"),
    "overdue": gettext_lazy("Overdue requests now"),
    "planned": gettext_lazy("Planned requests now"),
    "planned_overdue": gettext_lazy("Planned requests whose expected date has passed"),
    "age_0-1d": gettext_lazy("Open requests under a day old"),
    "age_1-3d": gettext_lazy("Open requests 1 to 3 days old"),
    "age_3-7d": gettext_lazy("Open requests 3 to 7 days old"),
    "age_7-30d": gettext_lazy("Open requests 7 to 30 days old"),
    "age_30d+": gettext_lazy("Open requests over 30 days old"),
}
PAGE_SIZE = 50


def reader(request: HttpRequest) -> Staff:
    """The staff record of someone who may read oversight pages; 403 for anyone else."""
    staff = oversight_staff(request.user)
    if staff is None:
        raise PermissionDenied
    return staff


def selected(request: HttpRequest, staff: Staff) -> tuple[FilterForm, Selection | None]:
    """The filter form, and the selection when the filters are valid."""
    form = FilterForm(request.GET, scope_unit=scope_unit(staff))
    if not form.is_valid():
        return form, None
    return form.shown(), form.selection()


def _invalid(request: HttpRequest, form: FilterForm, staff: Staff,
             error: str = "") -> HttpResponse:
    return render(request, "oversight/invalid.html",
                  {"form": form, "staff": staff, "error": error}, status=400)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every figure for the chosen months and filters, with charts, map and tables."""
    staff = reader(request)
    form, sel = selected(request, staff)
    if sel is None:
        return _invalid(request, form, staff)
    context = pages.dashboard(sel, with_ranking=sees_ranking(staff))
    return render(request, "oversight/dashboard.html",
                  {**context, "form": form, "staff": staff, "can_draw": can_draw(request.user)})


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests behind one number of the dashboard."""
    staff = reader(request)
    form, sel = selected(request, staff)
    figure = request.GET.get("figure", "volume")
    if sel is None:
        return _invalid(request, form, staff)
    if figure not in figure_names():
        return _invalid(request, form, staff,
                        _("There is no figure called “%(name)s”.") % {"name": figure})
    cases = cases_behind(sel, figure)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oversight/requests.html", {
        "form": form, "staff": staff, "selection": sel, "figure": figure, "page": page,
        "title": FIGURE_TITLES.get(figure, figure), "query": sel.params(figure=figure),
    })


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request, read-only, with its history; contact details masked for oversight roles."""
    staff = reader(request)
    case = visible_cases(request.user).filter(pk=pk).first()
    if case is None or (scope_unit(staff) and case.unit_id != staff.unit_id
                        and not case.events.filter(to_unit=staff.unit_id).exists()):
        raise Http404
    events = case.events.select_related("actor", "from_unit", "to_unit")
    return render(request, "oversight/request.html", {
        "staff": staff, "case": case, "events": events, "contact": sees_contact(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def audits(request: HttpRequest) -> HttpResponse:
    """The audit samples of a month; inspectors draw a finished month's sample here."""
    staff = reader(request)
    try:
        month = Month.parse(request.GET.get("month") or request.POST.get("month") or
                            str(this_month().previous()))
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("oversight:audits")
    if request.method == "POST":
        try:
            actions.draw_audit_sample(month=month, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        return redirect(reverse("oversight:audits") + f"?month={month}")
    samples = AuditSample.objects.filter(month=str(month)).select_related("unit")
    if scope_unit(staff):
        samples = samples.filter(unit=staff.unit)
    return render(request, "oversight/audits.html", {
        "staff": staff, "month": month, "month_name": pages.month_label(month),
        "samples": pages.sample_rows(samples),
        "can_draw": can_draw(request.user), "previous": month.previous(),
        "next": month.next() if month < this_month() else None,
    })


def _sample_in_scope(staff: Staff, pk: int) -> AuditSample:
    sample = get_object_or_404(AuditSample.objects.select_related("unit"), pk=pk)
    if scope_unit(staff) and sample.unit_id != staff.unit_id:
        raise Http404
    return sample


@login_required
@require_GET
def audit_sample(request: HttpRequest, pk: int) -> HttpResponse:
    """The requests drawn for one unit and month, with the inspectors' answers."""
    staff = reader(request)
    sample = _sample_in_scope(staff, pk)
    items = sample.items.select_related("case__subject", "graded_by")
    return render(request, "oversight/audit_sample.html", {
        "staff": staff, "sample": sample, "items": items, "questions": QUESTIONS,
        "month_name": pages.month_label(Month.parse(sample.month)),
        "can_grade": can_grade(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def grade(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspector answers the four questions about one drawn request."""
    staff = reader(request)
    if not can_grade(request.user):
        raise PermissionDenied
    item = get_object_or_404(AuditItem.objects.select_related("sample__unit", "case"), pk=pk)
    initial = {name: ("yes" if value else "no") for (name, _l), value
               in zip(QUESTIONS, item.answers, strict=True) if value is not None}
    form = GradeForm(request.POST or None, initial={**initial, "comment": item.comment})
    if request.method == "POST" and form.is_valid():
        actions.grade_audit(item, by=request.user, comment=form.cleaned_data["comment"],
                            **form.answers())
        messages.success(request, _("The grades were saved."))
        return redirect("oversight:audit_sample", pk=item.sample_id)
    return render(request, "oversight/grade.html", {
        "staff": staff, "item": item, "form": form,
    }, status=400 if form.is_bound else 200)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The monthly council report (last month unless asked): one print-ready page."""
    staff = reader(request)
    params = request.GET.copy()
    if not (params.get("month") or params.get("from")):
        params["month"] = str(this_month().previous())
    form = FilterForm(params, scope_unit=scope_unit(staff))
    if not form.is_valid():
        return _invalid(request, form, staff)
    sel = form.selection()
    context = pages.dashboard(sel, with_ranking=sees_ranking(staff))
    the_city = city()
    return render(request, "oversight/report.html", {
        **context, "staff": staff, "form": form.shown(),
        "samples": pages.sample_rows(pages.audit_summary(sel)),
        "period_name": pages.period_label(sel.period), "today": timezone.localdate(),
        "city_name": the_city.name if the_city else "",
    })


@login_required
@require_GET
def export(request: HttpRequest, table: str) -> HttpResponseBase:
    """Any table of the dashboard, or the requests behind a number, as an XLSX file."""
    staff = reader(request)
    form, sel = selected(request, staff)
    if sel is None:
        return _invalid(request, form, staff)
    if table == "requests":
        figure = request.GET.get("figure", "volume")
        if figure not in figure_names():
            raise Http404
        title = FIGURE_TITLES.get(figure, figure)
        found: Table | None = requests_table(cases_behind(sel, figure), title, contact=False)
    else:
        found = pages.table_by_key(sel, table, with_ranking=sees_ranking(staff))
    if found is None:
        raise Http404
    return xlsx_response(found, sel, filename=f"open137-{table}-{sel.period}.xlsx")
