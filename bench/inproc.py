"""Measurements taken inside Django, against the database that DATABASE_URL names.

    .venv/bin/python bench/inproc.py TASK [ARGS...]   # prints one JSON object

routing: the time to route one request; classifier: to suggest a subject (when the
intelligence app is installed); create_queries: SQL statements per Open311 create;
dashboard MONTH TO: the council's dashboard; counts: what the imports left behind;
user NAME ROLE PASSWORD: a staff user; messages: the outbox after the cluster test.
"""

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "open137.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from shapely.geometry import Point, shape  # noqa: E402

from open137.cases.models import Case, CaseEvent  # noqa: E402
from open137.directory.models import District, Staff, Subject  # noqa: E402
from open137.directory.queries import route, routing_context  # noqa: E402


def ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda p: ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]  # noqa: E731
    return {"p50": pick(50) * 1000, "p95": pick(95) * 1000, "n": len(values)}


def points(count: int, seed: int = 137) -> list[tuple[float, float]]:
    """Points inside the city's districts (lat, lon), to route and to submit."""
    rng = random.Random(seed)  # noqa: S311 - places, not secrets
    shapes = [shape(d.geometry) for d in District.objects.filter(active=True)]
    found: list[tuple[float, float]] = []
    while len(found) < count:
        geom = rng.choice(shapes)
        minx, miny, maxx, maxy = geom.bounds
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):
            found.append((round(p.y, 6), round(p.x, 6)))
    return found


def routing() -> dict[str, Any]:
    subjects = list(Subject.objects.filter(active=True))
    where = points(2000)
    route(subjects[0], lat=where[0][0], lon=where[0][1])  # build the cached context
    started = time.perf_counter()
    for i, (lat, lon) in enumerate(where):
        route(subjects[i % len(subjects)], lat=lat, lon=lon)
    with_query = (time.perf_counter() - started) / len(where)
    index = routing_context().index
    started = time.perf_counter()
    for lat, lon in where:
        index.locate(lon, lat)
    locate = (time.perf_counter() - started) / len(where)
    return {"route_us": with_query * 1e6, "locate_us": locate * 1e6,
            "districts": District.objects.count()}


def classifier() -> dict[str, Any]:
    try:
        from open137.intelligence.suggest import suggest  # type: ignore[import-not-found]
    except ImportError:
        return {"missing": True}
    except Exception as e:  # an app still being written: report it, measure the rest
        return {"error": f"{type(e).__name__}: {e}"}
    texts = ["چاله بزرگ وسط خیابان", "زباله‌ها را دو روز است جمع نکرده‌اند",
             "تاکسی کرایه اضافه گرفت", "آب گرفتگی کوچه بعد از باران", "درخت خشک شده در پارک"]
    suggest(texts[0])
    timings = []
    for i in range(200):
        started = time.perf_counter()
        suggest(texts[i % len(texts)])
        timings.append(time.perf_counter() - started)
    return ms(timings)


def create_queries() -> dict[str, Any]:
    from open137.open311.actions import create_api_key

    subject = Subject.objects.filter(active=True, handler__startswith="district:").first()
    lat, lon = points(1)[0]
    with transaction.atomic():
        _key, raw = create_api_key(name="bench", by=None)
        client = Client()
        # As the intake rounds send it: with a mobile number, so the receipt SMS is queued.
        data = {"api_key": raw, "service_code": subject.code if subject else "", "lat": lat,
                "long": lon, "phone": "09121234567",
                "description": "A benchmark request, counted and rolled back."}
        client.post("/open311/v2/requests.json", data)  # warm caches, like a running server
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/open311/v2/requests.json", data)
        transaction.set_rollback(True)
    return {"status": response.status_code, "queries": len(queries.captured_queries)}


def create_cpu(count: str = "300") -> dict[str, Any]:
    """CPU per Open311 create inside one process: Django's WSGI handler called directly,
    with its request signals (connection reuse and health checks) but no HTTP server."""
    import io
    import urllib.parse

    from django.core.handlers.wsgi import WSGIHandler

    from open137.open311.actions import create_api_key

    subject = Subject.objects.filter(active=True, handler__startswith="district:").first()
    where = points(64)
    _key, raw = create_api_key(name="bench-inproc", by=None)
    app = WSGIHandler()

    def one(i: int) -> str:
        lat, lon = where[i % len(where)]
        body = urllib.parse.urlencode({
            "api_key": raw, "service_code": subject.code if subject else "", "lat": lat,
            "long": lon, "phone": f"0912{3000000 + i:07d}",
            "description": "سطل زباله سر کوچه چند روز است خالی نشده و بوی بد می‌دهد"}).encode()
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/open311/v2/requests.json",
                   "QUERY_STRING": "", "CONTENT_TYPE": "application/x-www-form-urlencoded",
                   "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
                   "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "wsgi.url_scheme": "http",
                   "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1"}
        status: list[str] = []
        response = app(environ, lambda s, _h: status.append(s))
        b"".join(response)
        response.close()
        return status[0]

    for i in range(20):
        one(i)
    n = int(count)
    started, cpu = time.perf_counter(), time.process_time()
    statuses = [one(i + 20) for i in range(n)]
    return {"cpu_ms": (time.process_time() - cpu) / n * 1000,
            "wall_ms": (time.perf_counter() - started) / n * 1000, "n": n,
            "created": sum(1 for s in statuses if s.startswith("201"))}


def dashboard(month: str, to: str) -> dict[str, Any]:
    user = _user("bench-council", Staff.Role.COUNCIL, "bench-council-pass")
    client = Client()
    client.force_login(user)
    url = f"/oversight/?month={month}&to={to}"
    first = client.get(url)
    timings = []
    for _i in range(15):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return {"status": first.status_code, "bytes": len(first.content), **ms(timings),
            "cases": Case.objects.count()}


def counts() -> dict[str, Any]:
    from open137.imports.models import ImportRun

    runs = [{"path": Path(r.path).name, "rows": r.rows, "imported": r.imported,
             "rejected": r.rejected, "skipped": r.skipped, "reasons": r.reasons,
             "finished": r.finished} for r in ImportRun.objects.order_by("pk")]
    statuses = dict(Case.objects.values_list("status").annotate(n=Count("id")))
    return {"cases": Case.objects.count(), "events": CaseEvent.objects.count(), "runs": runs,
            "statuses": statuses,
            "with_district": Case.objects.filter(district__isnull=False).count()}


def _user(name: str, role: str, password: str) -> Any:
    from django.contrib.auth.models import User

    user, _created = User.objects.get_or_create(username=name)
    user.set_password(password)
    user.save()
    Staff.objects.update_or_create(user=user, defaults={"role": role, "unit": None})
    return user


def user(name: str, role: str, password: str) -> dict[str, Any]:
    _user(name, role, password)
    return {"user": name}


def messages(since_id: str = "0") -> dict[str, Any]:
    from open137.notifications.models import DeliveryAttempt, Message

    mine = Message.objects.filter(pk__gt=int(since_id))
    by_status = dict(mine.values_list("status").annotate(n=Count("id")))
    attempts = DeliveryAttempt.objects.filter(message__in=mine)
    workers = dict(attempts.values_list("worker").annotate(n=Count("id")))
    twice = (attempts.filter(ok=True).values("message").annotate(n=Count("id"))
             .filter(n__gt=1).count())
    return {"messages": mine.count(), "by_status": by_status, "delivered_twice": twice,
            "attempts_by_worker": workers,
            "last_id": Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0}


def places(queries_file: str) -> dict[str, Any]:
    """Address search on the loaded gazetteer: bench/places.py's queries, timed."""
    from bench.places import measure

    queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    return measure(queries)


def street_map() -> dict[str, Any]:
    """The street map's data per view, on the loaded gazetteer (bench/places.py)."""
    from bench.places import measure_map

    return measure_map()


def main() -> None:
    task, *args = sys.argv[1:]
    tasks = {"routing": routing, "classifier": classifier, "create_queries": create_queries,
             "create_cpu": create_cpu,
             "dashboard": dashboard, "counts": counts, "user": user, "messages": messages,
             "points": lambda n: {"points": points(int(n))}, "places": places,
             "map": street_map}
    print(json.dumps(tasks[task](*args), default=str))


if __name__ == "__main__":
    main()
