#!/usr/bin/env python3
"""`make bench`: measure open137 on this machine and write docs/benchmarks.md.

Benchmarks are separate from the tests and never an assertion: they record what this
machine did, beside the baselines and targets, and say where a target is missed. Every
database is a throwaway (a SQLite file in a temporary folder, a PostgreSQL database named
open137_bench_*), so the developer's var/ is never touched.

Settings come from the environment:
  BENCH_PG_URL      PostgreSQL server, default postgres://postgres@127.0.0.1:5432
  BENCH_BACKENDS    default "sqlite,postgresql"
  BENCH_QUICK=1     only the first 20,000 NYC rows and fewer HTTP requests (to try it out)
  BENCH_OUT         default docs/benchmarks.md
  OPEN137_REAL_DATA the third-party data (default ../shared/data/real)
  BENCH_KEEP=1      keep the work folder (report.json, server and worker logs)

`bench/run.py --only places` measures the address search and the street map's data per
view alone, and rewrites only their section of docs/benchmarks.md; `--only map` the street
map alone (its subsection).
"""

import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dashboards, loadgen, raw_insert  # noqa: E402
from bench import places as places_bench  # noqa: E402
from bench.report import render  # noqa: E402

BIN = ROOT / ".venv" / "bin"
OPEN137 = str(BIN / "open137")
PYTHON = str(BIN / "python")
REAL = Path(os.environ.get("OPEN137_REAL_DATA") or ROOT.parent / "shared" / "data" / "real")
NYC = REAL / "311" / "nyc-council-complaints-2015-2025.csv.gz"
OTTAWA = sorted((REAL / "311" / "ottawa-2014").glob("*.csv"))
SF = REAL / "311" / "sf-open311-requests.json"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
QUICK = os.environ.get("BENCH_QUICK") == "1"
WORK = Path(tempfile.mkdtemp(prefix="open137-bench-"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    cpu_seconds: float
    out: str
    err: str
    code: int


@dataclass
class Database:
    backend: str
    name: str
    url: str = ""
    env: dict[str, str] = field(default_factory=dict)


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def command(args: list[str], env: dict[str, str], *, timeout: float = 900,
            check: bool = True) -> Run:
    """Run a command; its wall time and peak memory (from the kernel's accounting)."""
    out, err = WORK / "out.txt", WORK / "err.txt"
    with out.open("w") as o, err.open("w") as e:
        started = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=o, stderr=e, cwd=ROOT)  # noqa: S603
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    run = Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime,
              out.read_text(), err.read_text(), proc.returncode)
    if check and run.code != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({run.code}):\n{run.out}\n{run.err}")
    return run


def open137(db: Database, *args: str, timeout: float = 900, check: bool = True) -> Run:
    return command([OPEN137, *args], db.env, timeout=timeout, check=check)


def inproc(db: Database, task: str, *args: str) -> dict[str, Any]:
    run = command([PYTHON, str(ROOT / "bench" / "inproc.py"), task, *args], db.env)
    return json.loads(run.out.strip().splitlines()[-1])


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", connect_timeout=3):
            return True
    except Exception:  # any failure means: no PostgreSQL here
        return False


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def new_database(backend: str, name: str, time_zone: str) -> Database:
    db = Database(backend, name)
    if backend == "sqlite":
        db.url = f"sqlite:///{WORK / f'{name}.sqlite3'}"
    else:
        db.name = f"open137_bench_{name}_{os.getpid()}"
        pg_admin(f'DROP DATABASE IF EXISTS "{db.name}"')
        pg_admin(f'CREATE DATABASE "{db.name}"')
        db.url = f"{PG_URL}/{db.name}"
    data = WORK / f"data-{backend}-{name}"
    data.mkdir(exist_ok=True)
    db.env = {
        **os.environ, "DATABASE_URL": db.url, "DATA_DIR": str(data), "TIME_ZONE": time_zone,
        "SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20, "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_OPEN311_POST": "0", "RATE_LIMIT_CLASSIFY": "0", "RATE_LIMIT_PORTAL": "0",
        "SMS_BACKEND": "file", "SMS_FILE_PATH": str(data / "sms.jsonl"), "SMS_QUIET_HOURS": "",
        "OPEN137_REAL_DATA": str(REAL), "PYTHONUNBUFFERED": "1",
    }
    open137(db, "migrate", "--noinput", "-v0")
    open137(db, "collectstatic", "--noinput", "-v0")
    return db


def drop(db: Database) -> None:
    if db.backend == "postgresql":
        pg_admin(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in
                   Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    info = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "cpu": model,
            "cores": os.cpu_count(), "memory_mb": memory, "os": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "load": os.getloadavg()}
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,  # noqa: S607
                                        capture_output=True, text=True).stdout.strip()
    except OSError:
        info["commit"] = ""
    if postgres_available():
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres") as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    return info


def nyc_sample() -> Path:
    """The NYC file, or its first 20,000 rows with BENCH_QUICK."""
    if not QUICK:
        return NYC
    import gzip

    target = WORK / "nyc-quick.csv.gz"
    with gzip.open(NYC, "rt", encoding="utf-8") as src, gzip.open(target, "wt") as dst:
        for i, line in enumerate(src):
            if i > 20_000:
                break
            dst.write(line)
    return target


def import_figures(db: Database, label: str, files: list[Path], mapping: str,
                   baseline: tuple[int, float] | None = None,
                   options: tuple[str, ...] = ()) -> dict[str, Any]:
    log(f"{db.backend}: importing {label} {' '.join(options)}")
    before = inproc(db, "counts")
    run = open137(db, "import_requests", *map(str, files), "--mapping", mapping,
                  "--language", "en", "--reject-file", str(WORK / f"{label}-rejects.csv"),
                  "-v0", *options, timeout=1200)
    after = inproc(db, "counts")
    runs = after["runs"][len(before["runs"]):]
    reasons: dict[str, int] = {}
    for r in runs:
        for reason, n in r["reasons"].items():
            reasons[reason] = reasons.get(reason, 0) + n
    rows = sum(r["rows"] for r in runs)
    figures = {
        "label": label, "backend": db.backend, "files": len(files), "rows": rows,
        "imported": sum(r["imported"] for r in runs), "rejected": sum(r["rejected"] for r in runs),
        "skipped": sum(r["skipped"] for r in runs), "reasons": reasons,
        "seconds": run.seconds, "rows_per_second": rows / run.seconds, "options": options,
        "peak_rss_mb": run.max_rss_mb, "events": after["events"] - before["events"],
        "cpu_us_per_row": run.cpu_seconds / max(rows, 1) * 1e6,
        "statuses": after["statuses"], "with_district": after["with_district"],
    }
    if baseline:
        figures["raw_rows_per_second"] = baseline[0] / baseline[1]
    log(f"  {rows:,} rows in {run.seconds:.1f} s ({rows / run.seconds:,.0f} rows/s), "
        f"{figures['rejected']} rejected {reasons}")
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Database, workers: int, port: int | None = None) -> tuple[subprocess.Popen[bytes],
                                                                         str]:
    port = port or free_port()
    env = {**db.env, "WEB_CONCURRENCY": str(workers), "PORT": str(port)}
    log_file = (WORK / f"serve-{port}.log").open("w")
    proc = subprocess.Popen([OPEN137, "serve", "--port", str(port)], env=env, cwd=ROOT,  # noqa: S603
                            stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _i in range(120):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"open137 serve did not start on {port}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_mb(pid: int) -> dict[str, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            name, kb = line.split(":")
            values[name] = int(kb.split()[0]) / 1024
    return values


def pg_backends(db: Database) -> list[int]:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres") as conn:
        return [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [db.name]).fetchall()]


def api_token(base: str, username: str, password: str) -> str:
    data = urllib.parse.urlencode({"username": username, "password": password}).encode()
    with urllib.request.urlopen(f"{base}/api/v1/token", data=data, timeout=30) as r:  # noqa: S310
        return str(json.loads(r.read())["token"])


def summary(result: loadgen.Result) -> dict[str, Any]:
    return {"concurrency": result.concurrency, "count": result.count,
            "per_second": result.per_second, "p50": result.p50, "p95": result.p95,
            "statuses": result.statuses}


def read_figures(db: Database) -> dict[str, Any]:
    """Open311 and /api/v1 lists and the dashboard on the imported NYC history."""
    log(f"{db.backend}: list and dashboard latency on the NYC history")
    # As the worker does every few minutes (and the docs ask after a large import): the
    # months whose requests are settled are counted in advance.
    refresh = open137(db, "refresh_rollups")
    figures: dict[str, Any] = {"refresh_seconds": refresh.seconds,
                               "dashboard": inproc(db, "dashboard", "1403-01", "1403-12")}
    inproc(db, "user", "bench-operator", "operator", "bench-operator-pass")
    proc, base = serve(db, workers=2)
    try:
        token = api_token(base, "bench-operator", "bench-operator-pass")
        window = "start_date=2019-01-01T00:00:00-05:00&end_date=2019-03-31T00:00:00-04:00"
        paths = {
            "open311_default": f"/open311/v2/requests.json?{window}",
            "open311_page100": f"/open311/v2/requests.json?{window}&page_size=100",
            "api_v1": "/api/v1/requests/",
        }
        headers = {"api_v1": {"Authorization": f"Token {token}"}}
        for name, path in paths.items():
            rounds = []
            for concurrency, count in ((1, 10 if QUICK else 30), (8, 24 if QUICK else 80)):
                make = loadgen.get(path, headers.get(name))
                loadgen.load(base, make, count=2, concurrency=1)  # warm every cache
                rounds.append(summary(loadgen.load(base, make, count=count,
                                                   concurrency=concurrency)))
            figures[name] = rounds
            log(f"  {name}: " + ", ".join(f"c{r['concurrency']} p50 {r['p50']:.0f} ms "
                                          f"p95 {r['p95']:.0f} ms" for r in rounds))
    finally:
        stop(proc)
    return figures


def intake_figures(db: Database) -> dict[str, Any]:
    """Open311 creates per second and their latency at concurrency 1, 8 and 32."""
    log(f"{db.backend}: Open311 intake")
    key = open137(db, "create_api_key", "bench").out.strip().splitlines()[-1]
    where = inproc(db, "points", "64")["points"]
    subjects = ["asphalt", "garbage", "street-cleaning", "park", "flooding", "traffic-sign"]

    def make(i: int) -> loadgen.Request:
        lat, lon = where[i % len(where)]
        body = urllib.parse.urlencode({
            "api_key": key, "service_code": subjects[i % len(subjects)], "lat": lat,
            "long": lon, "phone": f"0912{1000000 + i:07d}",
            "description": "سطل زباله سر کوچه چند روز است خالی نشده و بوی بد می‌دهد",
        }).encode()
        return ("POST", "/open311/v2/requests.json", body,
                {"Content-Type": "application/x-www-form-urlencoded"})

    figures: dict[str, Any] = {"queries": inproc(db, "create_queries")}
    proc, base = serve(db, workers=2)
    try:
        workers = children(proc.pid)
        loadgen.load(base, make, count=4, concurrency=1)
        rounds = []
        offset = 10_000
        for concurrency, count in ((1, 40 if QUICK else 150), (8, 80 if QUICK else 400),
                                   (32, 96 if QUICK else 600)):
            backends = pg_backends(db) if db.backend == "postgresql" else []
            web_before = sum(cpu_seconds(p) for p in workers)
            db_before = sum(cpu_seconds(p) for p in backends)
            result = loadgen.load(base, lambda i, o=offset: make(i + o), count=count,
                                  concurrency=concurrency)
            offset += count
            round_ = summary(result)
            round_["web_cpu_ms"] = (sum(cpu_seconds(p) for p in workers) - web_before) \
                / max(result.count, 1) * 1000
            if backends:
                round_["db_cpu_ms"] = (sum(cpu_seconds(p) for p in backends) - db_before) \
                    / max(result.count, 1) * 1000
            rounds.append(round_)
            log(f"  c{concurrency}: {result.per_second:.0f}/s p50 {result.p50:.0f} ms "
                f"p95 {result.p95:.0f} ms {result.statuses}")
        figures["rounds"] = rounds
        figures["worker_memory_mb"] = [memory_mb(p) for p in workers]
    finally:
        stop(proc)
    # The same load on the worker count `open137 serve` picks by itself (2 x cores + 1):
    # more workers overlap one request's database waits with another's work.
    formula = 2 * (os.cpu_count() or 1) + 1
    proc, base = serve(db, workers=formula)
    try:
        loadgen.load(base, lambda i: make(i + 90_000), count=8, concurrency=8)
        result = loadgen.load(base, lambda i: make(i + 100_000),
                              count=80 if QUICK else 400, concurrency=8)
        figures["formula_round"] = {**summary(result), "workers": formula}
        log(f"  c8 with {formula} workers: {result.per_second:.0f}/s p50 {result.p50:.0f} ms "
            f"p95 {result.p95:.0f} ms {result.statuses}")
    finally:
        stop(proc)
    figures["inproc"] = inproc(db, "create_cpu", "100" if QUICK else "300")
    count = 300 if QUICK else 1000
    if db.backend == "sqlite":
        figures["raw_single_per_second"] = raw_insert.single_sqlite(WORK / "single.sqlite3", count)
    else:
        figures["raw_single_per_second"] = raw_insert.single_postgres(db.url, count)
    return figures


def cluster_figures(db: Database) -> dict[str, Any]:
    """Two web servers and two workers against one database."""
    log(f"{db.backend}: two web servers and two workers")
    key = open137(db, "create_api_key", "cluster").out.strip().splitlines()[-1]
    where = inproc(db, "points", "16")["points"]
    # The intake rounds left their SMS queued (no worker ran): the two workers deliver
    # that backlog and the new requests' messages together, in small batches, to an SMS
    # gateway that takes 30 ms per message (a local HTTP server standing in for it).
    gateway, received = sms_gateway()
    servers = [serve(db, workers=1) for _i in range(2)]
    env = {**db.env, "WORKER_IDLE_SECONDS": "1", "WORKER_BATCH": "10", "SMS_BACKEND": "http",
           "SMS_HTTP_URL": f"http://127.0.0.1:{gateway.server_address[1]}/send"}
    workers = [subprocess.Popen([OPEN137, "worker"], env=env, cwd=ROOT,  # noqa: S603
                                stdout=(WORK / f"worker-{i}.log").open("w"),
                                stderr=subprocess.STDOUT) for i in range(2)]
    created: list[tuple[int, str]] = []
    try:
        count = 40 if QUICK else 120

        def make(i: int) -> loadgen.Request:
            lat, lon = where[i % len(where)]
            body = urllib.parse.urlencode({
                "api_key": key, "service_code": "garbage", "lat": lat, "long": lon,
                "phone": f"0935{2000000 + i:07d}", "description": "زباله جمع نشده است"}).encode()
            return ("POST", "/open311/v2/requests.json", body,
                    {"Content-Type": "application/x-www-form-urlencoded"})

        posted = []
        for n, (_proc, base) in enumerate(servers):
            posted.append(loadgen.load(base, lambda i, n=n: make(2 * i + n), count=count // 2,
                                       concurrency=4, keep=True))
        for n, result in enumerate(posted):
            for body in result.bodies:
                if isinstance(body, list) and body and "service_request_id" in body[0]:
                    created.append((n, str(body[0]["service_request_id"])))
        seen_by_other = 0
        for n, request_id in created:
            other = servers[1 - n][1]
            with urllib.request.urlopen(  # noqa: S310
                    f"{other}/open311/v2/requests/{request_id}.json", timeout=30) as r:
                seen_by_other += r.status == 200
        deadline = time.monotonic() + (60 if QUICK else 120)
        state = inproc(db, "messages")
        while time.monotonic() < deadline and (state["by_status"].get("pending", 0)
                                               or state["by_status"].get("sending", 0)):
            time.sleep(3)
            state = inproc(db, "messages")
    finally:
        for w in workers:
            w.send_signal(15)
        for w in workers:
            try:
                w.wait(30)
            except subprocess.TimeoutExpired:
                w.kill()
        for proc, _base in servers:
            stop(proc)
        gateway.shutdown()
    texts = [text for _to, text in received]
    return {"posted": sum(r.count for r in posted), "created": len(created),
            "statuses": [r.statuses for r in posted], "seen_by_other_server": seen_by_other,
            "messages": state, "sms_lines": len(texts),
            "sms_duplicates": len(texts) - len(set(received))}


def sms_gateway() -> tuple[Any, list[tuple[str, str]]]:
    """A local SMS gateway that takes 30 ms per message and remembers what it was sent."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[tuple[str, str]] = []
    lock = threading.Lock()

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            time.sleep(0.03)
            with lock:
                received.append((form.get("to", [""])[0], form.get("text", [""])[0]))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"OK")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def phase(report: dict[str, Any], what: str, measure: Any, *args: Any) -> Any:
    """Run one measurement; a failure is reported in the document, and the rest goes on."""
    try:
        return measure(*args)
    except Exception as e:  # a part still being written must not sink the whole run
        log(f"  {what} failed: {e}")
        report["missing"].append(f"{what} failed: {str(e).strip().splitlines()[-1][:300]}")
        return None


def partition_figures(db: Database) -> dict[str, Any]:
    """bench/partition-events.sql on the NYC history, then the application on top of it."""
    import psycopg

    log(f"{db.backend}: partitioning the events table by month")
    events = inproc(db, "counts")["events"]
    script = (ROOT / "bench" / "partition-events.sql").read_text()
    started = time.perf_counter()
    with psycopg.connect(db.url, autocommit=True) as conn:
        conn.execute(script)  # type: ignore[call-overload]
        seconds = time.perf_counter() - started
        partitions = conn.execute("SELECT count(*) FROM pg_inherits "
                                  "WHERE inhparent = 'cases_caseevent'::regclass").fetchone()
    after = inproc(db, "create_queries")
    log(f"  {events:,} events in {seconds:.1f} s; a create afterwards: {after['status']}")
    return {"events": events, "seconds": seconds,
            "partitions": partitions[0] if partitions else 0, "create_status": after["status"],
            "create_queries": after["queries"]}


def imports_for(backend: str, report: dict[str, Any]) -> None:
    nyc_db = new_database(backend, "nyc", "America/New_York")
    karaj_db = new_database(backend, "karaj", "Asia/Tehran")
    try:
        open137(nyc_db, "load_city", str(WORK / "nycpack"))
        sample = nyc_sample()
        width = 11
        if backend == "sqlite":
            raw = raw_insert.bulk_sqlite(sample, WORK / "raw.sqlite3", width)
        else:
            raw = raw_insert.bulk_postgres(sample, nyc_db.url, width)
        # The NYC history is the first import into its installation: indexes rebuilt.
        report["imports"].append(import_figures(nyc_db, "NYC Council complaints", [sample],
                                                "nyc-council", baseline=raw,
                                                options=("--rebuild-indexes",) if backend ==
                                                "postgresql" else ()))
        open137(karaj_db, "load_city")
        if not QUICK:
            report["imports"].append(import_figures(karaj_db, "Ottawa 311, 2014", OTTAWA,
                                                    "ottawa-2014"))
        report["imports"].append(import_figures(karaj_db, "San Francisco Open311", [SF],
                                                "sf-open311"))
        reads = phase(report, f"{backend}: lists and dashboard", read_figures, nyc_db)
        if reads:
            report["reads"][backend] = reads
        if backend == "postgresql":
            report["partition"] = phase(report, "partitioning the events", partition_figures,
                                        nyc_db)
        intake = phase(report, f"{backend}: Open311 intake", intake_figures, karaj_db)
        if intake:
            report["intake"][backend] = intake
        if backend == "postgresql":
            report["cluster"] = phase(report, "two servers and two workers", cluster_figures,
                                      karaj_db)
        if not report.get("routing"):
            log("routing and classifier time")
            report["routing"] = phase(report, "routing", inproc, karaj_db, "routing")
            report["classifier"] = phase(report, "classifier", inproc, karaj_db, "classifier")
        if backend == "postgresql":  # last: it grows the NYC database to 5 million requests
            report["dashboards"] = phase(report, "dashboards at 1 and 5 million requests",
                                         dashboards.run, PG_URL, nyc_db.name, WORK)
    finally:
        drop(nyc_db)
        drop(karaj_db)


def places_figures(backend: str) -> dict[str, Any]:
    """Load a city-sized gazetteer into a fresh database and time the address search."""
    db = new_database(backend, "places", "Asia/Tehran")
    try:
        open137(db, "load_city")
        log(f"{backend}: making up a gazetteer")
        made = places_bench.synthesise(WORK / "places.geojson")
        queries = made["queries"]
        run = open137(db, "load_places", str(WORK / "places.geojson"), timeout=1800)
        reload = open137(db, "load_places", str(WORK / "places.geojson"), timeout=1800)
        count = made["places"]
        extract = REAL / "geo" / "helsinki-centre.osm.pbf"
        helsinki: list[dict[str, Any]] = []
        if extract.is_file():
            open137(db, "load_places", str(extract))
            helsinki = json.loads(command([PYTHON, "-c", HELSINKI_ADDRESSES, str(extract)],
                                          db.env).out)
            count += len(helsinki)
        (WORK / "queries.json").write_text(json.dumps(queries + helsinki, ensure_ascii=False))
        log(f"{backend}: timing {len(queries) + len(helsinki):,} searches")
        figures = inproc(db, "places", str(WORK / "queries.json"))
        log(f"{backend}: timing the street map's data per view")
        street_map = inproc(db, "map")
        result: dict[str, Any] = {"places": count, "load_seconds": run.seconds,
                                  "reload_seconds": reload.seconds, "search": figures,
                                  "map": street_map}
        if helsinki:
            h = figures["kinds"].pop("Helsinki address")
            result["helsinki"] = h
        log(f"  p50 {figures['all']['p50']:.1f} ms, p95 {figures['all']['p95']:.1f} ms")
        for label, m in street_map.items():
            log(f"  map, {label}: p50 {m['p50']:.1f} ms, p95 {m['p95']:.1f} ms a view")
        return result
    finally:
        drop(db)


# Every address of the Helsinki extract as a query with its place (run in the venv).
HELSINKI_ADDRESSES = """
import json, sys
from pathlib import Path
from open137.places.sources import read_osm
rows = [{"q": f"{r.street} {r.housenumber}", "lat": r.lat, "lon": r.lon,
         "what": "Helsinki address"} for r in read_osm(Path(sys.argv[1])) if r.kind == "address"]
print(json.dumps(rows))
"""


def map_figures(backend: str) -> dict[str, Any]:
    """The made-up gazetteer loaded once into a fresh database; the map's data timed."""
    db = new_database(backend, "map", "Asia/Tehran")
    try:
        open137(db, "load_city")
        places_bench.synthesise(WORK / "places.geojson")
        open137(db, "load_places", str(WORK / "places.geojson"), timeout=1800)
        log(f"{backend}: timing the street map's data per view")
        figures = inproc(db, "map")
        for label, m in figures.items():
            log(f"  map, {label}: p50 {m['p50']:.1f} ms, p95 {m['p95']:.1f} ms a view")
        return figures
    finally:
        drop(db)


def only_map(backends: list[str]) -> None:
    """`--only map`: the street map's data per view alone; its subsection replaced."""
    maps = {b: phase({"missing": []}, f"{b}: map", map_figures, b) for b in backends}
    out = Path(os.environ.get("BENCH_OUT") or ROOT / "docs" / "benchmarks.md")
    text = out.read_text(encoding="utf-8")
    section = places_bench.render_map({b: m for b, m in maps.items() if m})
    start = text.find("### Map data per view")
    if start < 0:
        sys.exit("No map section in the benchmarks yet: run `bench/run.py --only places`.")
    end = text.find("\n## ", start + 1)
    text = text[:start] + section.lstrip("\n") + (text[end + 1:] if end >= 0 else "")
    out.write_text(text, encoding="utf-8")
    log(f"wrote the map section of {out}")


def only_places(backends: list[str]) -> None:
    """`--only places`: the address search alone; its section of the document replaced."""
    figures = {b: phase({"missing": []}, f"{b}: places", places_figures, b) for b in backends}
    out = Path(os.environ.get("BENCH_OUT") or ROOT / "docs" / "benchmarks.md")
    text = out.read_text(encoding="utf-8") if out.is_file() else "# Benchmarks\n\n"
    section = places_bench.render(figures)
    start = text.find("## Address search (places)")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    else:
        at = text.find("## What the import profile shows")
        text = (text[:at] + section + "\n" + text[at:]) if at >= 0 else text + "\n" + section
    out.write_text(text, encoding="utf-8")
    log(f"wrote the places section of {out}")


def main() -> None:
    started = time.monotonic()
    if sys.argv[1:2] == ["--only"] and sys.argv[2:3] in (["places"], ["map"]):
        backends = [b.strip() for b in os.environ.get("BENCH_BACKENDS", "sqlite,postgresql")
                    .split(",") if b.strip()]
        if "postgresql" in backends and not postgres_available():
            backends.remove("postgresql")
        try:
            (only_places if sys.argv[2] == "places" else only_map)(backends)
        finally:
            shutil.rmtree(WORK, ignore_errors=True)
        return
    backends = [b.strip() for b in os.environ.get("BENCH_BACKENDS", "sqlite,postgresql")
                .split(",") if b.strip()]
    report: dict[str, Any] = {"machine": machine(), "imports": [], "reads": {}, "intake": {},
                              "quick": QUICK, "missing": []}
    if not (NYC.is_file() and SF.is_file() and OTTAWA):
        sys.exit(f"The real data is not in {REAL}; set OPEN137_REAL_DATA.")
    if "postgresql" in backends and not postgres_available():
        report["missing"].append(f"PostgreSQL at {PG_URL} did not answer; its figures are "
                                 "missing.")
        backends.remove("postgresql")
    log(f"building the NYC pack in {WORK}")
    command([PYTHON, str(ROOT / "scripts" / "make-nyc-pack.py"), "--data", str(REAL),
             "--out", str(WORK / "nycpack")], dict(os.environ))
    try:
        for backend in backends:
            imports_for(backend, report)
        report["places"] = {b: phase(report, f"{b}: places", places_figures, b)
                            for b in backends}
    finally:
        report["seconds"] = time.monotonic() - started
        out = Path(os.environ.get("BENCH_OUT") or ROOT / "docs" / "benchmarks.md")
        out.write_text(render(report), encoding="utf-8")
        (WORK / "report.json").write_text(json.dumps(report, indent=2, default=str))
        log(f"wrote {out} in {report['seconds'] / 60:.1f} minutes")
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"kept {WORK} (report.json, server and worker logs)")
        else:
            shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
