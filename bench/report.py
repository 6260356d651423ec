"""docs/benchmarks.md from the figures bench/run.py gathered."""

from typing import Any

from bench import dashboards, places

# Amsterdam's Signalen on this kind of machine: the peer to beat.
PEER = {"creates_per_second": 26, "p95_ms": 400, "queries": 45, "cpu_ms": 64,
        "worker_mb": 200}

PROFILE_NOTES = """\
Where the CPU goes, per row of the NYC file on PostgreSQL with `--rebuild-indexes`
(5,000-row batches; CPU clock of each thread of the import process, and of the server's
backends, microseconds; measured on the whole file on the shared two-core machine, so
within about a fifth):

| phase | µs/row | thread | what it is |
|---|---:|---|---|
| read the gzip CSV | 3 | prepare | `csv.reader` over decoded lines, counting bytes |
| convert | 18 | prepare | value maps, two date columns (each distinct value parsed once) |
| play the lifecycle | 47 | prepare | texts, transitions, routing and deadlines, remembered |
| tracking codes and ids | 8 | writer | one query per batch for the codes, ids from the sequence |
| the request row | 8 | writer | binary COPY: no text formatting here, no parsing on the server |
| its events (4 a row) | 14 | writer | the same for the history rows |
| the ledger | 4 | writer | `ImportedRecord`: resume, and never import a row twice |
| the database | 70-85 | server | COPY, 2 unique indexes; at the end (a third) the others |

Three changes took the import from about 3,000 rows/s: the next batch is read, converted
and played in a second thread while the database writes this one (psycopg lets go of the
interpreter while it waits; SQLite does not gain, so it keeps one thread); rows go in
binary COPY; and `--rebuild-indexes`, for a first import before the installation opens,
loads in one transaction without the 15 + 5 + 2 secondary indexes and the 13 foreign
keys of requests, events and the ledger and makes them again at the end. Row by row,
every foreign key was checked at each commit (some 20 checks a row, a large share of the
server's time) and about 45 index entries were kept in order; built once they cost about
half as much server time in all. The transaction keeps the unique indexes (tracking
codes, the ledger's outside ids), so the usual checks still hold, and an error rolls
everything back with the indexes. The behaviour is unchanged: the same requests, units,
deadlines and events as the step-by-step actions (a test compares them).

What is left is Python: 125-145 µs of the import's own CPU a row, split between the two
threads, which share one interpreter, so at best they run one after the other while the
server works beside them. On two cores that bounds the import well under 20,000 rows/s;
a second process for the prepare side would overlap them but pays for sending every
played row across, and on two cores it competes with the server. Next, by expected gain:
play the lifecycle on tuples instead of dicts (the play phase builds a 35-key dict per
request and a 13-key dict per event); convert without the frozen dataclass per row; and
on SQLite, whose import is bound by its 17 + 6 indexes, the same drop-and-rebuild (the
flag works there, without the foreign keys, but has not been shown to gain).
"""


def _n(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _verdict(value: float | None, target: float, *, higher: bool = True) -> str:
    if value is None:
        return "not measured"
    if (value >= target) if higher else (value <= target):
        return "met"
    if higher:
        return f"missed by {(1 - value / target) * 100:.0f}%"
    return f"missed by {(value / target - 1) * 100:.0f}%"


def _round(intake: dict[str, Any], concurrency: int) -> dict[str, Any]:
    for r in intake.get("rounds", []):
        if r["concurrency"] == concurrency:
            return dict(r)
    return {}


def render(report: dict[str, Any]) -> str:
    m = report["machine"]
    out: list[str] = []
    add = out.append
    add("# Benchmarks\n")
    add("Written by `make bench` (bench/run.py); benchmarks are measurements, separate from "
        "the tests and never a timed assertion. Every figure below comes from the run "
        f"described here{' (BENCH_QUICK: samples only)' if report.get('quick') else ''}. "
        "The load generator runs on the same cores as the server and the database, as in "
        "the issue's setting.\n")
    add("## Machine\n")
    add("| date | commit | CPU | cores | memory | OS | Python | SQLite | PostgreSQL | "
        "load average at start | run time |")
    add("|---|---|---|---:|---:|---|---|---|---|---|---:|")
    add(f"| {m['date']} | {m.get('commit') or '-'} | {m['cpu']} | {m['cores']} | "
        f"{m['memory_mb'] / 1024:.0f} GB | {m['os']} | {m['python']} | {m['sqlite']} | "
        f"{m.get('postgresql', '-')} | {', '.join(f'{v:.1f}' for v in m['load'])} | "
        f"{report.get('seconds', 0) / 60:.1f} min |\n")
    if report.get("missing"):
        for line in report["missing"]:
            add(f"> {line}\n")
    _targets(report, add)
    _imports(report, add)
    _reads(report, add)
    _intake(report, add)
    _cluster(report, add)
    _partition(report, add)
    _routing(report, add)
    if report.get("dashboards"):
        add(dashboards.render(report["dashboards"]))
    if report.get("places"):
        add(places.render(report["places"]))
    add("## What the import profile shows\n")
    add(PROFILE_NOTES)
    _todo(report, add)
    return "\n".join(out) + "\n"


def _targets(report: dict[str, Any], add: Any) -> None:
    nyc = {i["backend"]: i for i in report["imports"] if i["label"].startswith("NYC")}
    intake = report.get("intake", {})
    pg, lite = intake.get("postgresql", {}), intake.get("sqlite", {})
    pg8, lite8 = _round(pg, 8), _round(lite, 8)
    queries = (pg or lite).get("queries", {}).get("queries")
    cpu = None
    if pg8.get("web_cpu_ms") is not None:
        cpu = pg8["web_cpu_ms"] + pg8.get("db_cpu_ms", 0)
    memory = [w.get("VmHWM", 0) for w in (pg or lite).get("worker_memory_mb", [])]
    peak = max(memory) if memory else None
    import_pg = nyc.get("postgresql", {}).get("rows_per_second")
    add("## Against the targets\n")
    add("| figure | target | open137 | verdict | Signalen (peer) |")
    add("|---|---|---|---|---|")
    add(f"| NYC import into PostgreSQL, rows/s | ≥ 20,000 | {_n(import_pg)} | "
        f"{_verdict(import_pg, 20000)} | - |")
    add(f"| Open311 creates/s, PostgreSQL, concurrency 8 | ≥ 300 | "
        f"{_n(pg8.get('per_second'))} | {_verdict(pg8.get('per_second'), 300)} | "
        f"{PEER['creates_per_second']} |")
    add(f"| p95 of a create, PostgreSQL, concurrency 8 | < 150 ms | {_n(pg8.get('p95'))} ms | "
        f"{_verdict(pg8.get('p95'), 150, higher=False)} | {PEER['p95_ms']} ms |")
    add(f"| Open311 creates/s, SQLite, concurrency 8 | ≥ 150 | {_n(lite8.get('per_second'))} | "
        f"{_verdict(lite8.get('per_second'), 150)} | - |")
    add(f"| SQL statements per Open311 create | ≤ 12 | {_n(queries)} | "
        f"{_verdict(queries, 12, higher=False)} | {PEER['queries']} |")
    add(f"| CPU per create (web + database), PostgreSQL | - | {_n(cpu, 1)} ms "
        f"({_n(pg8.get('web_cpu_ms'), 1)} + {_n(pg8.get('db_cpu_ms'), 1)}) | - | "
        f"{PEER['cpu_ms']} ms (34 + 30) |")
    add(f"| peak memory of a web worker | < 300 MB | {_n(peak)} MB | "
        f"{_verdict(peak, 300, higher=False)} | {PEER['worker_mb']} MB |")
    dash = report.get("reads", {}).get("postgresql", {}).get("dashboard", {})
    sizes = (report.get("dashboards") or {}).get("sizes") or []
    five = next((z for z in sizes if z.get("size") == 5_000_000), None)
    if five:
        figures, page, duck = five["figures"], five["year"], five["duckdb"]
        add(f"| dashboard figures p95 at 5 million requests (a year: {_n(five['year_requests'])} "
            f"requests) | < 300 ms | {_n(figures['p95'])} ms | "
            f"{_verdict(figures['p95'], 300, higher=False)} | - |")
        add(f"| the same beside a DuckDB scan of the same rows (Parquet) | faster | "
            f"{_n(figures['p95'])} ms against {_n(duck['p95'])} ms | "
            f"{'met' if figures['p95'] < duck['p95'] else 'missed'} | - |")
        add(f"| the whole dashboard page (HTML), p95 at 5 million | - | {_n(page['p95'])} ms | "
            "- | - |\n")
    else:
        add(f"| dashboard p95 at 5 million requests | < 300 ms | at "
            f"{_n(dash.get('cases'))} requests: {_n(dash.get('p95'))} ms | "
            "not measured at 5 million (see the list at the end) | - |\n")


def _imports(report: dict[str, Any], add: Any) -> None:
    add("## Imports of real data\n")
    add("`open137 import_requests` with the committed mappings, each file whole, into a new "
        "database (NYC into the NYC pack, Ottawa and San Francisco into the default pack). "
        "The raw baseline loads the same CSV rows into a bare table with no index "
        "(`executemany` on SQLite, `COPY` on PostgreSQL); the ratio is the import's speed "
        "over the baseline's. Peak memory is the import process's maximum resident size.\n")
    add("| data set | database | rows | imported | rejected (reasons) | events | seconds | "
        "rows/s | raw rows/s | ratio | importer CPU µs/row | peak memory |")
    add("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for i in report["imports"]:
        reasons = ", ".join(f"{k} {v:,}" for k, v in sorted(i["reasons"].items())) or "none"
        raw = i.get("raw_rows_per_second")
        ratio = f"{i['rows_per_second'] / raw:.2f}" if raw else "-"
        options = "".join(f", `{o}`" for o in i.get("options", ()))
        add(f"| {i['label']} ({i['files']} file{'s' if i['files'] > 1 else ''}{options}) | "
            f"{i['backend']} | {_n(i['rows'])} | {_n(i['imported'])} | {_n(i['rejected'])} "
            f"({reasons}) | {_n(i['events'])} | {_n(i['seconds'], 1)} | "
            f"{_n(i['rows_per_second'])} | {_n(raw)} | {ratio} | {_n(i.get('cpu_us_per_row'))} | "
            f"{_n(i['peak_rss_mb'])} MB |")
    add("")
    add("Counts: every row read is either imported or rejected with a reason in the reject "
        "file (no row is skipped on a first import). NYC's rejects are the case ids that "
        "appear twice in the council's file; the second row of each is refused. Events are "
        "the history rows written: receipt, referral or triage, then the result and closing "
        "where the source has them, and an overdue flag for each deadline an open request "
        "had already missed. The importer's CPU is its own process (user and system); on "
        "PostgreSQL the rest of the wall time is the database server's work and waiting.\n")


def _reads(report: dict[str, Any], add: Any) -> None:
    reads = report.get("reads", {})
    if not reads:
        return
    add("## Lists and the dashboard on a large table\n")
    size = next((f.get("dashboard", {}).get("cases") for f in reads.values()), None)
    add(f"The NYC database after its import ({_n(size)} requests), "
        "served by `open137 serve` with two gunicorn workers. Open311 asks for the first "
        "quarter of 2019 (about 10,000 requests) as the specification's default 1,000 "
        "results and as pages of 100; `/api/v1/requests/` is the first page for an "
        "operator. The dashboard is the "
        "council's `/oversight/` for the Jalali year 1403, rendered in-process by Django's "
        "test client (no HTTP), 15 times after a warm-up, once the settled months have been "
        "counted in advance (`open137 refresh_rollups` after the import: "
        + ", ".join(f"{_n(f.get('refresh_seconds'), 1)} s on {b}" for b, f in reads.items())
        + ").\n")
    add("| endpoint | database | concurrency | requests | p50 ms | p95 ms | requests/s | "
        "statuses |")
    add("|---|---|---:|---:|---:|---:|---:|---|")
    names = {"open311_default": "Open311 GET requests.json (1,000 results)",
             "open311_page100": "Open311 GET requests.json?page_size=100",
             "api_v1": "GET /api/v1/requests/"}
    for backend, figures in reads.items():
        for key, label in names.items():
            for r in figures.get(key, []):
                add(f"| {label} | {backend} | {r['concurrency']} | {r['count']} | "
                    f"{_n(r['p50'])} | {_n(r['p95'])} | {_n(r['per_second'], 1)} | "
                    f"{r['statuses']} |")
        dash = figures.get("dashboard", {})
        if dash:
            add(f"| dashboard /oversight/ (in-process) | {backend} | 1 | {dash.get('n', 0)} | "
                f"{_n(dash.get('p50'))} | {_n(dash.get('p95'))} | - | "
                f"{{{dash.get('status')}: {dash.get('n', 0)}}} |")
    add("")


def _intake(report: dict[str, Any], add: Any) -> None:
    intake = report.get("intake", {})
    if not intake:
        return
    add("## Open311 intake\n")
    add("POST `/open311/v2/requests.json` with a key, a subject, a point inside a district, "
        "a Persian description and a mobile number (so each create also queues the "
        "citizen's SMS), against the default city with its imported history, two gunicorn "
        "workers. CPU per create is the web workers' (and PostgreSQL backends') CPU time "
        "over the round divided by the creates. The baseline is one bare single-row INSERT "
        "and COMMIT per request on one connection.\n")
    add("| database | concurrency | creates | creates/s | p50 ms | p95 ms | web CPU ms | "
        "DB CPU ms | statuses |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for backend, figures in intake.items():
        for r in figures.get("rounds", []):
            add(f"| {backend} | {r['concurrency']} | {r['count']} | {_n(r['per_second'], 1)} | "
                f"{_n(r['p50'])} | {_n(r['p95'])} | {_n(r.get('web_cpu_ms'), 1)} | "
                f"{_n(r.get('db_cpu_ms'), 1)} | {r['statuses']} |")
    add("")
    add("| database | SQL statements per create | raw single-row inserts/s | "
        "raw rate over creates/s at concurrency 8 | web worker memory (now / peak) |")
    add("|---|---:|---:|---:|---|")
    for backend, figures in intake.items():
        raw = figures.get("raw_single_per_second")
        c8 = _round(figures, 8).get("per_second")
        ratio = f"{raw / c8:,.0f}×" if raw and c8 else "-"
        memory = ", ".join(f"{w.get('VmRSS', 0):.0f} / {w.get('VmHWM', 0):.0f} MB"
                           for w in figures.get("worker_memory_mb", []))
        add(f"| {backend} | {_n(figures.get('queries', {}).get('queries'))} | {_n(raw)} | "
            f"{ratio} | {memory or '-'} |")
    add("")
    add("The same round at concurrency 8 with the worker count `open137 serve` picks by "
        "itself (two per core plus one), and the CPU of one create inside a single process "
        "(Django's WSGI handler called directly: the application's own cost, without the "
        "HTTP server, the load generator or the database server):\n")
    add("| database | workers | creates/s | p50 ms | p95 ms | statuses | application CPU per "
        "create, in-process |")
    add("|---|---:|---:|---:|---:|---|---:|")
    for backend, figures in intake.items():
        r = figures.get("formula_round") or {}
        cpu = (figures.get("inproc") or {}).get("cpu_ms")
        if r:
            add(f"| {backend} | {r['workers']} | {_n(r['per_second'], 1)} | {_n(r['p50'])} | "
                f"{_n(r['p95'])} | {r['statuses']} | {_n(cpu, 1)} ms |")
    add("")
    add(INTAKE_NOTES)


INTAKE_NOTES = """\
What one create does: the key is looked up (1 statement) and its rate limit counted (1
upsert; none with Redis, and none here: the bench turns the limits off, so the count above
is one less than with the default limit, which the test suite counts at no more than 12);
the city's row tells whether the cached configuration (districts, units, subjects,
calendar) is current (1); a free tracking code is checked (1); the request is inserted
already placed — routing, district, unit and deadlines are worked out in Python before the
insert — (1), with its receipt and routing events in one insert (1); the unit's webhooks
(1) and the SMS wording (1) are read and the receipt SMS is queued (1 insert that ignores a
repeat); the Open311 token is stored (1). On a running server the connection's health
check adds a `SELECT 1` per request. The peer's 45 statements per create are mostly its
ORM reading and re-saving the signal.

Where the rest of the time goes: Django's ORM turns each statement into SQL in Python
(about a third of the application's CPU), the request's form and the answer are parsed
and written, and the HTTP server, the load generator and PostgreSQL share the same two
cores. The load generator's own CPU and PostgreSQL's are the reason the throughput on
two cores is well below 1,000 ms divided by the application's CPU per create.
"""


def _cluster(report: dict[str, Any], add: Any) -> None:
    c = report.get("cluster")
    if not c:
        return
    add("## Two web servers and two workers on one PostgreSQL\n")
    add("Two `open137 serve` processes on two ports (one gunicorn worker each) and two "
        "`open137 worker` processes share one database. Creates are sent to both servers, "
        "each new request is read back through the other server, and the two workers "
        "deliver every queued message (the intake rounds' SMS and the new ones) side by "
        "side, in batches of ten, to a local stand-in for the SMS gateway that takes 30 ms "
        "per message.\n")
    messages = c.get("messages", {})
    add("| creates sent | created | read back by the other server | messages queued | "
        "messages by state | delivered twice | attempts by worker | SMS at the gateway | "
        "duplicate SMS |")
    add("|---:|---:|---:|---:|---|---:|---|---:|---:|")
    add(f"| {c['posted']} | {c['created']} | {c['seen_by_other_server']} | "
        f"{messages.get('messages', 0)} | {messages.get('by_status', {})} | "
        f"{messages.get('delivered_twice', 0)} | {messages.get('attempts_by_worker', {})} | "
        f"{c['sms_lines']} | {c['sms_duplicates']} |\n")


def _partition(report: dict[str, Any], add: Any) -> None:
    p = report.get("partition")
    if not p:
        return
    add("## The events table partitioned by month\n")
    add(f"`bench/partition-events.sql` (docs/deploy.md) on the NYC database after its import: "
        f"{_n(p['events'])} events copied into {_n(p['partitions'])} monthly partitions (and "
        f"a default one) in {p['seconds']:.1f} s, in one transaction. An Open311 create on "
        f"the partitioned table afterwards answered {p['create_status']} with "
        f"{p['create_queries']} SQL statements.\n")


def _routing(report: dict[str, Any], add: Any) -> None:
    r = report.get("routing")
    if not r:
        return
    add("## Routing and subject suggestion\n")
    add(f"Routing one request (`directory.queries.route`: the configuration-version check, "
        f"point in polygon among {r['districts']} districts, rules and handler): "
        f"{r['route_us']:.0f} µs; the point-in-polygon lookup alone: {r['locate_us']:.1f} µs.\n")
    c = report.get("classifier") or {}
    if c.get("missing"):
        add("Subject suggestion: the intelligence app is not installed here, so it was not "
            "measured (see below).\n")
    elif c.get("error"):
        add(f"Subject suggestion could not be measured: {c['error']}\n")
    elif c:
        add(f"Subject suggestion (`intelligence.suggest`, {c['n']} calls): p50 "
            f"{c['p50']:.1f} ms, p95 {c['p95']:.1f} ms.\n")


def _todo(report: dict[str, Any], add: Any) -> None:
    add("## Not measured yet\n")
    items = [
        "Peak memory per web worker under the dashboard and export pages (measured here "
        "after the list and intake rounds only).",
        "The dashboards at 1 and 5 million requests on SQLite: the copies are made in "
        "PostgreSQL's SQL.",
    ]
    if not (report.get("dashboards") or {}).get("sizes"):
        items.insert(0, "Dashboards at 1 and 5 million requests beside DuckDB: the run "
                     "stopped before them (see above).")
    if (report.get("classifier") or {}).get("missing"):
        items.append("Subject suggestion time: `open137/intelligence` does not exist yet.")
    for item in items:
        add(f"- {item}")
    add("")
