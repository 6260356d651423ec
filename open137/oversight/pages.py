"""What the oversight pages show, put together from the queries (views stay thin)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Value
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from open137.core.dates import format_date, is_persian
from open137.core.text import persian_digits
from open137.directory.models import District, Unit
from open137.directory.queries import city
from open137.oversight.figures import (
    AGE_BUCKETS,
    DEFINITIONS,
    INDEX_PARTS,
    Counts,
    Ranked,
    composite_index,
    index_parts,
    rank,
    share,
)
from open137.oversight.maps import NO_VERSION
from open137.oversight.models import QUESTIONS, AuditSample, current_weights
from open137.oversight.periods import Month, Period
from open137.oversight.queries import (
    DIMENSIONS,
    Row,
    Selection,
    figures_for,
    series,
)
from open137.oversight.tables import (
    Table,
    audits_table,
    backlog_table,
    breakdown,
    ranking_table,
    requests_link,
    series_table,
)
from open137.places.streetmap import tile_url_template


@dataclass
class Headline:
    key: str
    label: str | Promise
    value: Any
    kind: str
    link: str
    note: str | Promise = ""
    note_value: Any = None
    note_kind: str = "count"


def headlines(c: Counts, sel: Selection, *, public: bool = False) -> list[Headline]:
    """The big numbers at the top of the dashboard, the report and the public page."""
    def link(figure: str) -> str:
        return requests_link(sel, figure, public=public)

    return [
        Headline("volume", _("Requests"), c.volume, "count", link("volume")),
        Headline("referral", _("Hours until the right unit took it up (median)"),
                 c.referral_hours_median, "hours", link("taken_up"), _("average"),
                 c.referral_hours_mean, "hours"),
        Headline("triage", _("Hours waiting at the 137 centre (average)"),
                 c.triage_hours_mean, "hours", link("triaged"), _("requests"), c.triaged),
        Headline("misroute_hours", _("Hours lost in wrong units (average)"),
                 c.misroute_hours_mean, "hours", link("misrouted"), _("requests"),
                 c.misrouted),
        Headline("first", _("First actions on time"), c.first_on_time_share, "share",
                 link("first_on_time"), _("late"), c.first_due - c.first_on_time),
        Headline("result", _("Results on time"), c.result_on_time_share, "share",
                 link("result_on_time"), _("late"), c.result_due - c.result_on_time),
        Headline("open", _("Open now"), c.open, "count", link("open")),
        Headline("overdue", _("Overdue now"), c.overdue, "count", link("overdue")),
        Headline("reopen", _("Reopen rate"), c.reopen_rate, "share", link("reopened"),
                 _("reopenings"), c.reopens),
        Headline("misroute", _("Misroute rate"), c.misroute_rate, "share", link("misrouted"),
                 _("misrouted"), c.misrouted),
        Headline("planned", _("Planned"), c.planned, "count", link("planned"),
                 _("date passed"), c.planned_overdue),
        Headline("questions", _("Asked the citizen"), c.questioned, "count", link("questioned"),
                 _("hours waiting (average)"), c.paused_hours_mean, "hours"),
        Headline("repeat_contacts", _("Repeat contacts"), c.repeat_contacts, "count",
                 link("recontacted"), _("requests"), c.recontacted),
        Headline("closure", _("Citizens told the result"), c.closure_loop, "share",
                 link("informed"),
                 _("not informed"), c.finished - c.informed),
        Headline("satisfaction", _("Satisfaction"), c.satisfaction, "share", link("satisfied"),
                 _("response rate"), c.response_rate, "share"),
        Headline("audit", _("Audit score"), c.audit_score, "share",
                 "" if public else reverse("oversight:audits") + f"?month={sel.period.last}",
                 _("graded requests"), c.audited),
    ]


def month_label(month: Month) -> str:
    """`آبان ۱۴۰۵` in Persian, `Aban 1405` in English."""
    persian = is_persian()
    name = month.name(persian)
    return persian_digits(name) if persian else name


def period_label(period: Period) -> str:
    """One month's name, or "first – last"."""
    if period.first == period.last:
        return month_label(period.first)
    return f"{month_label(period.first)} – {month_label(period.last)}"


def period_labels(points: list[dict[str, Any]]) -> list[str]:
    """Day or month names for the chart's axis, in the active language."""
    labels = []
    for point in points:
        if point["month"] is not None:
            labels.append(month_label(point["month"]))
        else:
            labels.append(format_date(point["key"]))
    return labels


def organisation_codes() -> set[str]:
    return set(Unit.objects.filter(type=Unit.Type.ORGANISATION, is_triage=False)
               .values_list("code", flat=True))


def rankings(rows: dict[str, list[Row]], weights: dict[str, float]
             ) -> tuple[list[Ranked], list[Ranked]]:
    """Districts, and organisations, ordered by the composite index, each by the requests
    it was responsible for: a district by its own units' (the district and its
    departments), never by an organisation's work in its streets."""
    districts = rank([(r.key, r.name, r.counts) for r in rows["responsible"]
                      if r.key is not None], weights)
    organisations = organisation_codes()
    units = rank([(r.key, r.name, r.counts) for r in rows["unit"]
                  if r.key in organisations], weights)
    return districts, units


MAP_FIGURES: tuple[tuple[str, Promise, str, bool], ...] = (
    # (figure, label, kind, higher is better)
    ("volume", _("Requests"), "count", False),
    ("result_on_time_share", _("Results on time"), "share", True),
    ("first_on_time_share", _("First actions on time"), "share", True),
    ("closure_loop", _("Citizens told the result"), "share", True),
    ("satisfaction", _("Satisfaction"), "share", True),
    ("reopen_rate", _("Reopen rate"), "share", False),
    ("misroute_rate", _("Misroute rate"), "share", False),
    ("overdue", _("Overdue now"), "count", False),
    ("index", _("Overall score"), "score", True),
)


def map_data(sel: Selection, rows: list[Row], weights: dict[str, float],
             *, public: bool = False) -> dict[str, Any]:
    """Each district's map figures, and where its outline is, for the Leaflet map.

    The outlines come apart (maps.py): they change with the configuration, not the figures.
    """
    counts = {r.key: r.counts for r in rows}
    features = []
    for district in District.objects.filter(active=True).defer("geometry"):
        c = counts.get(district.code, Counts())
        values = {key: getattr(c, key) for key, _l, _k, _b in MAP_FIGURES if key != "index"}
        if not public:
            values["index"] = composite_index(index_parts(c), weights)
        features.append({
            "type": "Feature",
            "properties": {"code": district.code, "name": district.name, "values": values,
                           "link": requests_link(sel.narrowed("district", district.code),
                                                 "volume", public=public)},
        })
    the_city = city()
    version = the_city.config_version if the_city else ""
    return {
        "features": features,
        "outlines": reverse("transparency:districts", args=[version or NO_VERSION]),
        # The index weighs in the inspectors' grades, which stay inside the city hall.
        "figures": [{"key": k, "label": str(label), "kind": kind, "better": better}
                    for k, label, kind, better in MAP_FIGURES if not (public and k == "index")],
        "tiles": settings.MAP_TILE_URL,
        "streets": "" if settings.MAP_TILE_URL else tile_url_template(),
        "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "center": the_city.map_center if the_city else [],
        "zoom": the_city.map_zoom if the_city else 12,
        "persian": is_persian(),
    }


def chart_data(points: list[dict[str, Any]], labels: list[str], total: Counts,
               sel: Selection) -> dict[str, Any]:
    return {
        "persian": is_persian(),
        "labels": labels,
        "volume": [p["volume"] for p in points],
        "first": [None if p["first_share"] is None else round(100 * p["first_share"], 1)
                  for p in points],
        "result": [None if p["result_share"] is None else round(100 * p["result_share"], 1)
                   for p in points],
        "backlog": {
            "labels": [str(label) for _code, _h, label in AGE_BUCKETS],
            "values": [total.backlog[code] for code, _h, _l in AGE_BUCKETS],
            "links": [requests_link(sel, f"age_{code}") for code, _h, _l in AGE_BUCKETS],
        },
        "text": {"volume": str(_("Requests")), "first": str(_("First actions on time (%)")),
                 "result": str(_("Results on time (%)")), "backlog": str(_("Open requests"))},
    }


def dashboard(sel: Selection, *, with_ranking: bool) -> dict[str, Any]:
    """Everything on /oversight/ for one selection."""
    figures = figures_for(sel)
    total = figures.total()
    rows = {dim: figures.rows(dim) for dim in DIMENSIONS}
    weights_row = current_weights()
    weights = weights_row.as_dict()
    points = series(sel, figures.now)
    labels = period_labels(points)
    context: dict[str, Any] = {
        "selection": sel,
        "total": total,
        "headlines": headlines(total, sel),
        "tables": [breakdown(figures, dim, rows[dim]) for dim in DIMENSIONS],
        "backlog": backlog_table(figures, rows["unit"]),
        "series": series_table(points, sel, labels),
        "chart_data": chart_data(points, labels, total, sel),
        "map_data": map_data(sel, rows["district"], weights),
        "definitions": DEFINITIONS,
        "weights": weights_row,
        "weight_parts": [(label, getattr(weights_row, key)) for key, label in INDEX_PARTS],
    }
    if with_ranking:
        districts, organisations = rankings(rows, weights)
        context["rankings"] = [
            ranking_table("ranking-districts", _("Ranking of districts"), districts, sel,
                          "responsible"),
            ranking_table("ranking-organisations", _("Ranking of organisations"),
                          organisations, sel, "unit"),
        ]
    return context


def table_by_key(sel: Selection, key: str, *, with_ranking: bool) -> Table | None:
    """One table of the dashboard, for the XLSX export."""
    figures = figures_for(sel)
    if key in DIMENSIONS:
        return breakdown(figures, key, figures.rows(key))
    if key == "backlog":
        return backlog_table(figures, figures.rows("unit"))
    if key == "series":
        points = series(sel, figures.now)
        return series_table(points, sel, period_labels(points))
    if key == "audits":
        return audits_table(sample_rows(audit_summary(sel)))
    if key.startswith("ranking-") and with_ranking:
        rows = {"responsible": figures.rows("responsible"), "unit": figures.rows("unit")}
        districts, organisations = rankings(rows, current_weights().as_dict())
        if key == "ranking-districts":
            return ranking_table(key, _("Ranking of districts"), districts, sel,
                                 "responsible")
        if key == "ranking-organisations":
            return ranking_table(key, _("Ranking of organisations"), organisations, sel, "unit")
    return None


def audit_summary(sel: Selection) -> QuerySet[AuditSample]:
    """The samples of the period's months (a manager's own unit only)."""
    samples = AuditSample.objects.filter(month__in=[str(m) for m in sel.period.months()])
    if sel.scope_unit:
        samples = samples.filter(unit__code=sel.scope_unit)
    return samples


def sample_rows(samples: QuerySet[AuditSample]) -> list[AuditSample]:
    """Samples with `drawn`, `graded` and `score` (share of "yes" answers) counted in SQL."""
    graded = Q(items__graded_at__isnull=False)
    yes = sum((Count("items", filter=graded & Q(**{f"items__{name}": True}))
               for name, _label in QUESTIONS), Value(0))
    rows: list[Any] = list(samples.select_related("unit").annotate(
        drawn=Count("items"), graded=Count("items", filter=graded), yes=yes))
    for row in rows:
        row.score = share(row.yes, row.graded * 4)
    return rows
