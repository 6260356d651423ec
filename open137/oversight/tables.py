"""The tables of the dashboard, the report and the public page, for HTML and XLSX alike.

A table is plain data: columns, and rows of cells holding a raw value (a count, a 0-1
share, hours), its kind for formatting, and the link to the requests behind it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, urlencode

from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from open137.cases.models import Case
from open137.oversight.figures import AGE_BUCKETS, INDEX_PARTS, Counts, Ranked, index_parts
from open137.oversight.queries import NONE, Figures, Row, Selection


@dataclass
class Cell:
    value: Any
    kind: str = "count"  # name, count, share, hours, score, text
    link: str = ""
    title: str = ""


@dataclass
class Table:
    key: str
    title: str | Promise
    columns: list[tuple[str, str | Promise]]  # (key, label)
    # A list for pages; the requests behind a number come as a generator (any size).
    rows: list[list[Cell]] = field(default_factory=list)
    footer: list[Cell] | None = None


DIMENSION_TITLES: dict[str, Promise] = {
    "responsible": _("By district (the requests its own units were responsible for)"),
    "district": _("By place (what happened in each district, whoever handled it)"),
    "unit": _("By unit"),
    "group": _("By subject group"),
    "subject": _("By subject"),
    "channel": _("By channel"),
}
DIMENSION_NAMES: dict[str, Promise] = {
    "responsible": _("District"),
    "district": _("Place"),
    "unit": _("Unit"),
    "group": _("Subject group"),
    "subject": _("Subject"),
    "channel": _("Channel"),
}


@lru_cache(maxsize=8)
def _requests_url(prefix: str) -> str:
    # A dashboard has a thousand links; the address is worked out once per script prefix.
    return reverse("oversight:requests")


def requests_link(sel: Selection, figure: str, *, public: bool = False) -> str:
    """The list of requests behind a number (none on the public page)."""
    return requests_links(sel, public=public)(figure)


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    # The same few codes and months come back in every link of a page.
    return quote_plus(text)


def _query(params: dict[str, str]) -> str:
    """urlencode(params) for text values, each quoted once per process."""
    return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in params.items())


def requests_links(sel: Selection, *, public: bool = False) -> Callable[[str], str]:
    """requests_link for one selection: its query string is built once for every figure."""
    if public:
        return lambda figure: ""
    # `figure` comes last in Selection.params, so it can be added to the rest.
    base = _requests_url(get_script_prefix()) + "?" + _query(sel.params()) + "&figure="
    return lambda figure: base + _quoted(figure)


def _part(part: int | None, whole: int | None) -> str:
    return "" if part is None or not whole else f"{part} / {whole}"


def _over(requests: int | None) -> str:
    return str(_("over %(n)s requests") % {"n": requests}) if requests else ""


# (Counts attribute, label, kind, the figure whose requests its link lists): the columns
# of every breakdown.
FIGURE_COLUMNS: tuple[tuple[str, Promise, str, str], ...] = (
    ("volume", _("Requests"), "count", "volume"),
    ("referral_hours_median", _("Hours until the right unit took it up (median)"), "hours",
     "taken_up"),
    ("referral_hours_mean", _("Hours until the right unit took it up (average)"), "hours",
     "taken_up"),
    ("triage_hours_mean", _("Hours waiting at the 137 centre (average)"), "hours", "triaged"),
    ("misroute_hours_mean", _("Hours lost in wrong units (average)"), "hours", "misrouted"),
    ("first_on_time_share", _("First actions on time"), "share", "first_on_time"),
    ("result_on_time_share", _("Results on time"), "share", "result_on_time"),
    ("reopen_rate", _("Reopen rate"), "share", "reopened"),
    ("misroute_rate", _("Misroute rate"), "share", "misrouted"),
    ("closure_loop", _("Citizens told the result"), "share", "informed"),
    ("satisfaction", _("Satisfaction"), "share", "satisfied"),
    ("response_rate", _("Response rate"), "share", "answered"),
    ("questioned", _("Asked the citizen"), "count", "questioned"),
    ("paused_hours_mean", _("Hours waiting for the citizen (average)"), "hours",
     "questioned"),
    ("repeat_contacts", _("Repeat contacts"), "count", "recontacted"),
    ("audit_score", _("Audit score"), "share", ""),
    ("open", _("Open now"), "count", "open"),
    ("overdue", _("Overdue now"), "count", "overdue"),
    ("planned", _("Planned"), "count", "planned"),
    ("planned_overdue", _("Planned, date passed"), "count", "planned_overdue"),
)
PUBLIC_LEFT_OUT = {"audit_score"}
# Which definition explains a column or a headline card (its text shows on hover).
HINTS: dict[str, str] = {
    "volume": "volume", "referral_hours_median": "referral_hours", "referral": "referral_hours",
    "referral_hours_mean": "referral_hours", "triage_hours_mean": "triage_hours",
    "triage": "triage_hours", "misroute_hours_mean": "misroute_hours",
    "misroute_hours": "misroute_hours", "first_on_time_share": "first_on_time",
    "first": "first_on_time", "result_on_time_share": "result_on_time",
    "result": "result_on_time", "reopen_rate": "reopen_rate", "reopen": "reopen_rate",
    "misroute_rate": "misroute_rate", "misroute": "misroute_rate",
    "closure_loop": "closure_loop", "closure": "closure_loop", "satisfaction": "satisfaction",
    "response_rate": "response_rate", "questioned": "questions", "questions": "questions",
    "paused_hours_mean": "questions", "repeat_contacts": "repeat_contacts",
    "audit_score": "audit_score", "audit": "audit_score", "open": "backlog",
    "overdue": "overdue", "planned": "planned", "planned_overdue": "planned",
    "index": "index", "score": "index",
}
# Numerator and denominator of each share, for the cell's tooltip.
PARTS: dict[str, tuple[str, str]] = {
    "first_on_time_share": ("first_on_time", "first_due"),
    "result_on_time_share": ("result_on_time", "result_due"),
    "reopen_rate": ("reopens", "finished"),
    "misroute_rate": ("misrouted", "referred"),
    "closure_loop": ("informed", "finished"),
    "satisfaction": ("satisfied", "answered"),
    "response_rate": ("answered", "asked"),
    "triage_hours_mean": ("", "triaged"),
    "misroute_hours_mean": ("", "misrouted"),
    "paused_hours_mean": ("", "questioned"),
    "repeat_contacts": ("", "recontacted"),
}


def figure_cells(counts: Counts, sel: Selection, *, public: bool = False,
                 links: bool = True, audit_link: str = "") -> list[Cell]:
    cells = []
    link_to = requests_links(sel, public=public or not links)
    for key, _label, kind, figure in FIGURE_COLUMNS:
        if public and key in PUBLIC_LEFT_OUT:
            continue
        value = getattr(counts, key)
        title = ""
        if key in PARTS:
            top, bottom = PARTS[key]
            title = (_part(getattr(counts, top), getattr(counts, bottom)) if top
                     else _over(getattr(counts, bottom)))
        elif key == "audit_score":
            title = _part(counts.audit_yes, counts.audited * 4)
        link = link_to(figure) if figure else audit_link
        cells.append(Cell(value, kind, link if value not in (None, 0) else "", title))
    return cells


def figure_columns(*, public: bool = False) -> list[tuple[str, str | Promise]]:
    return [(key, label) for key, label, _kind, _f in FIGURE_COLUMNS
            if not (public and key in PUBLIC_LEFT_OUT)]


def breakdown(figures: Figures, dimension: str, rows: list[Row], *,
              public: bool = False) -> Table:
    """One row per district (unit, group, subject, channel) with every figure."""
    sel = figures.selection
    table = Table(dimension, DIMENSION_TITLES[dimension],
                  [("name", DIMENSION_NAMES[dimension]), *figure_columns(public=public)])
    for row in rows:
        narrowed = sel.narrowed(dimension, row.key)
        # Only "no district" can be asked for by filter; other keyless rows have no list.
        listed = not public and (row.key is not None or dimension == "district")
        audit_link = _audit_link(sel, dimension, row.key) if listed else ""
        table.rows.append([Cell(row.name, "name", requests_link(narrowed, "volume",
                                                                public=not listed)),
                           *figure_cells(row.counts, narrowed, public=public, links=listed,
                                         audit_link=audit_link)])
    return table


def _audit_link(sel: Selection, dimension: str, key: str | None) -> str:
    if dimension != "unit" or not key:
        return ""
    return reverse("oversight:audits") + "?" + urlencode(
        {"month": str(sel.period.last), "unit": key})


def backlog_table(figures: Figures, rows: list[Row]) -> Table:
    """Open requests now per unit, by age, with the overdue and planned ones."""
    sel = figures.selection
    columns: list[tuple[str, str | Promise]] = [
        ("name", _("Unit")), ("open", _("Open now")),
        *((f"age_{code}", label) for code, _h, label in AGE_BUCKETS),
        ("overdue", _("Overdue now")), ("planned", _("Planned")),
        ("planned_overdue", _("Planned, date passed")),
    ]
    table = Table("backlog", _("Backlog and overdue by unit"), columns)
    for row in rows:
        if not row.counts.open:
            continue
        link_to = requests_links(sel.narrowed("unit", row.key))
        c = row.counts
        values = [("open", c.open), *((f"age_{code}", c.backlog[code])
                                      for code, _h, _l in AGE_BUCKETS),
                  ("overdue", c.overdue), ("planned", c.planned),
                  ("planned_overdue", c.planned_overdue)]
        table.rows.append([Cell(row.name, "name"), *(
            Cell(v, "count", link_to(figure) if v else "")
            for figure, v in values)])
    return table


def ranking_table(key: str, title: str | Promise, ranked: list[Ranked], sel: Selection,
                  dimension: str, *, public: bool = False) -> Table:
    columns: list[tuple[str, str | Promise]] = [
        ("rank", _("Rank")), ("name", DIMENSION_NAMES[dimension]), ("index", _("Overall score")),
        *((part, label) for part, label in INDEX_PARTS),
    ]
    table = Table(key, title, columns)
    for r in ranked:
        parts = index_parts(r.counts)
        narrowed = sel.narrowed(dimension, None if r.key == NONE else r.key)
        table.rows.append([
            Cell(r.rank, "count"), Cell(r.name, "name", requests_link(narrowed, "volume",
                                                                      public=public)),
            Cell(r.index, "score"), *(Cell(parts[p], "share") for p, _l in INDEX_PARTS)])
    return table


def series_table(points: list[dict[str, Any]], sel: Selection, labels: list[str]) -> Table:
    columns: list[tuple[str, str | Promise]] = [
        ("period", _("Period")), ("volume", _("Requests")),
        ("first_share", _("First actions on time")), ("result_share", _("Results on time"))]
    table = Table("series", _("Over time"), columns)
    for point, label in zip(points, labels, strict=True):
        table.rows.append([Cell(label, "name"), Cell(point["volume"]),
                           Cell(point["first_share"], "share"),
                           Cell(point["result_share"], "share")])
    return table


def requests_table(cases: QuerySet[Case], title: str | Promise, *, contact: bool) -> Table:
    """The requests behind a number, one row each (contact details only when allowed)."""
    columns: list[tuple[str, str | Promise]] = [
        ("tracking_code", _("Tracking code")), ("created_at", _("Received at")),
        ("subject", _("Subject")), ("district", _("District")), ("unit", _("Unit")),
        ("channel", _("Channel")), ("status", _("Status")),
        ("respond_by", _("First action due")), ("responded_at", _("First action at")),
        ("resolve_by", _("Result due")), ("resolved_at", _("Result at")),
        ("closed_at", _("Closed at")),
    ]
    if contact:
        columns += [("contact_name", _("Name")), ("contact_phone", _("Phone"))]
    return Table("requests", title, columns, _request_rows(cases, contact))  # type: ignore[arg-type]


def _request_rows(cases: QuerySet[Case], contact: bool) -> Iterator[list[Cell]]:
    for case in cases.iterator(chunk_size=2000):
        row = [Cell(case.tracking_code, "text"), Cell(case.created_at, "time"),
               Cell(case.subject.name, "name"),
               Cell(case.district.name if case.district else "", "name"),
               Cell(case.unit.name if case.unit else "", "name"),
               Cell(case.get_channel_display(), "name"), Cell(case.get_status_display(), "name"),
               *(Cell(getattr(case, f), "time") for f in
                 ("respond_by", "responded_at", "resolve_by", "resolved_at", "closed_at"))]
        if contact:
            row += [Cell(case.contact_name, "text"), Cell(case.contact_phone, "text")]
        yield row


def audits_table(samples: list[Any]) -> Table:
    """The audit samples with their seeds: anyone can repeat a draw from the seed."""
    columns: list[tuple[str, str | Promise]] = [
        ("unit", _("Unit")), ("month", _("Month")),
        ("population", _("Finished requests in the month")), ("drawn", _("Drawn")),
        ("graded", _("Graded")), ("score", _("Audit score")),
        ("seed", _("Seed of the draw"))]
    rows = [[Cell(s.unit.name, "name"), Cell(s.month, "text"), Cell(s.population),
             Cell(s.drawn), Cell(s.graded), Cell(s.score, "share"), Cell(s.seed, "text")]
            for s in samples]
    return Table("audits", _("Quality audits"), columns, rows)
