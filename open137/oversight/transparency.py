"""The public transparency page and the open data: aggregates and anonymised rows only."""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from open137.cases.models import Case
from open137.oversight import maps, opendata, pages
from open137.oversight.figures import DEFINITIONS
from open137.oversight.forms import FilterForm
from open137.oversight.models import current_weights
from open137.oversight.queries import Selection, cohort, figures_for, filtered
from open137.oversight.tables import breakdown

PUBLIC_DIMENSIONS = ("responsible", "district", "subject")


def _public_selection(request: HttpRequest) -> tuple[FilterForm, Selection | None]:
    form = FilterForm(request.GET, public=True)
    if not form.is_valid():
        return form, None
    return form.shown(), form.selection()


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    """The same figures as the council's, per district and subject, without any person."""
    form, sel = _public_selection(request)
    if sel is None:
        return render(request, "oversight/transparency.html", {"form": form}, status=400)
    figures = figures_for(sel)
    total = figures.total()
    rows = {dim: figures.rows(dim) for dim in PUBLIC_DIMENSIONS}
    weights = current_weights().as_dict()
    return render(request, "oversight/transparency.html", {
        "form": form, "selection": sel, "total": total,
        "headlines": [h for h in pages.headlines(total, sel, public=True) if h.key != "audit"],
        "tables": [breakdown(figures, dim, rows[dim], public=True)
                   for dim in PUBLIC_DIMENSIONS],
        "map_data": pages.map_data(sel, rows["district"], weights, public=True),
        "definitions": [d for d in DEFINITIONS if d.key not in {"audit_score", "index"}],
        "fields": opendata.FIELDS,
    })



@require_GET
def district_outlines(request: HttpRequest, version: str) -> HttpResponse:
    """The districts' outlines for the maps: kept for good by browsers, per version."""
    current = maps.config_version()
    if version != (current or maps.NO_VERSION):
        return redirect("transparency:districts", version=current or maps.NO_VERSION)
    response = HttpResponse(maps.outlines_of(current), content_type="application/geo+json")
    # The address changes with the version, so what it answers never does.
    response["Cache-Control"] = ("public, max-age=31536000, immutable" if current
                                 else "no-cache")
    return response

def _open_data_cases(request: HttpRequest) -> tuple[FilterForm, QuerySet[Case] | None]:
    """Every request, or the period and filters asked for (`from`/`to`, `district`...)."""
    form = FilterForm(request.GET, public=True)
    if not form.is_valid():
        return form, None
    sel = form.selection()
    period = request.GET.get("from") or request.GET.get("month") or request.GET.get("to")
    return form, cohort(sel) if period else filtered(sel)


class _Line:
    """csv.writer writes into this and gets the line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def _bad_filters(form: FilterForm) -> HttpResponse:
    errors = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    return HttpResponse(json.dumps({"errors": errors}, ensure_ascii=False), status=400,
                        content_type="application/json")


@require_GET
def open_data_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """One anonymised row per request, streamed as CSV (UTF-8, a header line first)."""
    form, cases = _open_data_cases(request)
    if cases is None:
        return _bad_filters(form)
    writer = csv.writer(_Line())

    def lines() -> Iterator[str]:
        yield writer.writerow(opendata.FIELD_NAMES)
        for row in opendata.rows(cases):
            yield writer.writerow(_csv_value(row[name]) for name in opendata.FIELD_NAMES)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="open137-requests.csv"'
    return response


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@require_GET
def open_data_json(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The same rows as a JSON array of objects, streamed."""
    form, cases = _open_data_cases(request)
    if cases is None:
        return _bad_filters(form)

    def chunks() -> Iterator[str]:
        yield "["
        for i, row in enumerate(opendata.rows(cases)):
            yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]\n"

    return StreamingHttpResponse(chunks(), content_type="application/json")
