"""Address search on a city-sized gazetteer: `bench/run.py` (or `--only places`).

A gazetteer of a real city's size is made up over the Karaj pack's districts: some 1,900
streets named the way Iranian streets are («خیابان شهید بهشتی شمالی», «کوچه لاله ۳»,
«بلوار ۴۵ متری»), each a line with house numbers along both sides (odd on one, even on
the other, some numbers missing), landmarks (mosques, schools, banks, parks) and
neighbourhoods: more than 50,000 places. The real Helsinki extract is loaded beside it
when it is there. Then a mix of queries, as operators and citizens type them, is timed
inside the application (`places.search.search`), on SQLite and on PostgreSQL, and so is
the street map's data for one view at street and at city zoom (`measure_map`).
"""

import json
import math
import os
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from open137.places.matching import name_tokens  # noqa: E402  (pure: no Django needed)

# (Persian, Finglish): names streets are given in Iran.
NAMES = [
    ("بهشتی", "beheshti"), ("مطهری", "motahari"), ("چمران", "chamran"), ("باهنر", "bahonar"),
    ("رجایی", "rajaei"), ("مدنی", "madani"), ("فاطمی", "fatemi"), ("همت", "hemmat"),
    ("باکری", "bakeri"), ("کلاهدوز", "kolahdooz"), ("شریعتی", "shariati"),
    ("طالقانی", "taleghani"), ("مصدق", "mosadegh"), ("امیرکبیر", "amirkabir"),
    ("فردوسی", "ferdowsi"), ("حافظ", "hafez"), ("سعدی", "saadi"), ("مولوی", "molavi"),
    ("نظامی", "nezami"), ("خیام", "khayyam"), ("عطار", "attar"), ("پروین", "parvin"),
    ("شهریار", "shahriar"), ("نیما", "nima"), ("لاله", "laleh"), ("نرگس", "narges"),
    ("یاس", "yas"), ("نسترن", "nastaran"), ("اقاقیا", "aghaghia"), ("بنفشه", "banafsheh"),
    ("شقایق", "shaghayegh"), ("سوسن", "susan"), ("میخک", "mikhak"), ("ارغوان", "arghavan"),
    ("صنوبر", "sanobar"), ("سرو", "sarv"), ("چنار", "chenar"), ("کاج", "kaj"),
    ("آزادی", "azadi"), ("انقلاب", "enghelab"), ("جمهوری", "jomhouri"),
    ("استقلال", "esteghlal"), ("گلستان", "golestan"), ("بوستان", "boustan"),
    ("فرهنگ", "farhang"), ("دانش", "danesh"), ("امید", "omid"), ("صبا", "saba"),
    ("نسیم", "nasim"), ("آفتاب", "aftab"), ("مهتاب", "mahtab"), ("ستاره", "setareh"),
    ("کوثر", "kowsar"), ("فجر", "fajr"), ("بهار", "bahar"), ("پاییز", "paeez"),
    ("زمستان", "zemestan"), ("تابستان", "tabestan"), ("مهر", "mehr"), ("آبان", "aban"),
    ("دماوند", "damavand"), ("البرز", "alborz"), ("سهند", "sahand"), ("زاگرس", "zagros"),
    ("کارون", "karun"), ("سپیدرود", "sepidrood"), ("خلیج فارس", "khalij fars"),
    ("شهرداری", "shahrdari"), ("بیمارستان", "bimarestan"), ("ورزش", "varzesh"),
    ("باغ", "bagh"), ("چشمه", "cheshmeh"), ("قنات", "ghanat"), ("سپاه", "sepah"),
    ("بسیج", "basij"), ("ایثار", "isar"), ("شاهد", "shahed"), ("ولیعصر", "valiasr"),
    ("امام رضا", "emam reza"), ("امام حسین", "emam hossein"), ("فاطمیه", "fatemieh"),
]
SUFFIXES = ["", "", "", "شمالی", "جنوبی", "شرقی", "غربی", "اول", "دوم", "سوم"]
FINGLISH = {"": "", "شمالی": "shomali", "جنوبی": "jonubi", "شرقی": "sharghi",
            "غربی": "gharbi", "اول": "aval", "دوم": "dovom", "سوم": "sevom"}
KINDS = ["خیابان", "خیابان", "کوچه", "بلوار"]
LANDMARKS = [("مسجد", "mosque"), ("مدرسه", "school"), ("بانک ملی شعبه", "bank"),
             ("پارک", "park"), ("درمانگاه", "clinic"), ("داروخانه", "pharmacy"),
             ("نانوایی", "bakery"), ("ایستگاه اتوبوس", "bus_station")]
NEIGHBOURHOODS = ["شهرک", "محله", "کوی"]
METRES = 111_320.0


def _districts() -> list[tuple[str, Any]]:
    from shapely.geometry import shape

    data = json.loads((ROOT / "citypacks" / "karaj" / "districts.geojson").read_text())
    return [(f["properties"]["code"], shape(f["geometry"])) for f in data["features"]]


def _point_in(rng: random.Random, polygon: Any) -> tuple[float, float]:
    from shapely.geometry import Point

    minx, miny, maxx, maxy = polygon.bounds
    while True:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if polygon.contains(p):
            return p.x, p.y


def synthesise(path: Path, *, streets: int = 1900, seed: int = 137) -> dict[str, Any]:
    """A Persian gazetteer of more than 50,000 places; the queries to time, with answers."""
    rng = random.Random(seed)  # noqa: S311 - made-up places, not secrets
    districts = _districts()
    features: list[dict[str, Any]] = []
    queries: list[dict[str, Any]] = []
    names: set[str] = set()
    keys: set[str] = set()
    made = 0
    while made < streets:
        base, latin = rng.choice(NAMES)
        suffix = rng.choice(SUFFIXES)
        kind = rng.choice(KINDS)
        shahid = "شهید " if rng.random() < 0.3 and kind != "کوچه" else ""
        number = f" {rng.randint(1, 40)}" if kind == "کوچه" and rng.random() < 0.5 else ""
        name = f"{kind} {shahid}{base}{number}{' ' + suffix if suffix else ''}"
        # Names that differ only in words a caller leaves out («خیابان»، «شهید») are one
        # street to the search; a real city has such pairs, but they cannot be told apart
        # here, so the made-up city has none.
        key = " ".join(name_tokens(name))
        if name in names or key in keys:
            continue
        names.add(name)
        keys.add(key)
        made += 1
        _code, polygon = rng.choice(districts)
        x, y = _point_in(rng, polygon)
        length = rng.uniform(250, 1400)
        angle = rng.uniform(0, math.pi)
        scale = METRES * math.cos(math.radians(y))
        dx, dy = math.cos(angle) * length / scale, math.sin(angle) * length / METRES
        # A street's line has the points a surveyed one has (a bend every 100 m or so).
        bends = max(2, int(length // 100))
        line = [[round(x + dx * i / bends + (rng.uniform(-2, 2) / scale if 0 < i < bends
                                             else 0), 6),
                 round(y + dy * i / bends, 6)] for i in range(bends + 1)]
        features.append({"type": "Feature", "properties": {
            "kind": "street", "name": name, "name:fa": name,
            "category": "boulevard" if kind == "بلوار" else "residential"}, "geometry": {
            "type": "LineString", "coordinates": line}})
        count = rng.randint(16, 44)
        kept: list[tuple[int, float, float]] = []
        missing: list[tuple[int, float, float]] = []
        for n in range(1, count + 1):
            t = (n - 1) / max(count - 1, 1)
            side = 1 if n % 2 else -1
            off = 12 / METRES
            px = x + dx * t - side * off * math.sin(angle) * METRES / scale
            py = y + dy * t + side * off * math.cos(angle)
            if rng.random() < 0.15:  # a number that is not in the data
                missing.append((n, px, py))
                continue
            kept.append((n, px, py))
            features.append({"type": "Feature", "properties": {
                "kind": "address", "addr:street": name, "addr:housenumber": str(n)},
                "geometry": {"type": "Point", "coordinates": [round(px, 6), round(py, 6)]}})
        for n, px, py in rng.sample(kept, min(2, len(kept))):
            queries.append({"q": f"{name} پلاک {n}", "lat": py, "lon": px,
                            "what": "street and number"})
        for n, px, py in missing[:1]:
            queries.append({"q": f"{name} پلاک {n}", "lat": py, "lon": px,
                            "what": "missing number"})
        mid_x, mid_y = x + dx / 2, y + dy / 2
        short = f"{base}{number}{' ' + suffix if suffix else ''}"
        queries.append({"q": short, "lat": mid_y, "lon": mid_x, "what": "street name"})
        if len(base) >= 5:
            i = rng.randrange(1, len(base) - 1)
            typo = base[:i] + base[i + 1:]
            queries.append({"q": f"{kind} {typo}{number}{' ' + suffix if suffix else ''}",
                            "lat": mid_y, "lon": mid_x, "what": "misspelt"})
        queries.append({"q": f"{latin}{number} {FINGLISH[suffix]}".strip(), "lat": mid_y,
                        "lon": mid_x, "what": "Finglish"})
        # Typing the name: the street must be among the answers offered.
        queries.append({"q": f"{base}{number} {suffix[:2]}".strip(), "lat": mid_y,
                        "lon": mid_x, "what": "type-ahead", "any": True})
    for i in range(2000):
        word, category = rng.choice(LANDMARKS)
        base, _latin = rng.choice(NAMES)
        _code, polygon = rng.choice(districts)
        x, y = _point_in(rng, polygon)
        features.append({"type": "Feature", "properties": {
            "kind": "landmark", "category": category, "name": f"{word} {base} {i % 7 + 1}"},
            "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}})
    for i in range(150):
        word = rng.choice(NEIGHBOURHOODS)
        base, _latin = rng.choice(NAMES)
        _code, polygon = rng.choice(districts)
        x, y = _point_in(rng, polygon)
        features.append({"type": "Feature", "properties": {
            "kind": "neighbourhood", "name": f"{word} {base} {i}"},
            "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    rng.shuffle(queries)
    return {"places": len(features), "queries": queries[:3000]}


def measure(queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Inside Django: time `search` on each query; how often the first answer is right."""
    import time

    from open137.places.search import haversine_m, search

    started = time.perf_counter()
    search("آزادی")  # the first search of a process builds the in-memory index
    first = [time.perf_counter() - started]
    by_kind: dict[str, list[float]] = {}
    right: dict[str, list[bool]] = {}
    for q in queries:
        started = time.perf_counter()
        found = search(q["q"], limit=10)
        by_kind.setdefault(q["what"], []).append(time.perf_counter() - started)
        if "lat" in q:
            offered = found if q.get("any") else found[:1]
            ok = any(haversine_m(f.lat, f.lon, q["lat"], q["lon"]) <= 75 for f in offered)
            right.setdefault(q["what"], []).append(ok)
    every = sorted(t for times in by_kind.values() for t in times)
    return {"all": _ms(every), "first_search_ms": first[0] * 1000,
            "kinds": {k: {**_ms(sorted(v)), "right": sum(right.get(k, [])) /
                          max(len(right.get(k, [])), 1)} for k, v in by_kind.items()}}


# One view of the map: a 1280 x 800 screen at street zoom (16: about 2.5 km across) and at
# city zoom (12: the whole city).
VIEWS = {"street zoom (16)": 16, "city zoom (12)": 12}


def measure_map(views: int = 200, width: int = 1280, height: int = 800,
                seed: int = 7) -> dict[str, Any]:
    """Inside Django: the data of one view of the street map, made afresh (not from the
    cache): every data tile the view needs, read and written as GeoJSON, as the map script
    asks for them (one zoom coarser than the screen's)."""
    import time

    from open137.places.streetmap import CELL_ZOOM, tile

    rng = random.Random(seed)  # noqa: S311 - where to look, not a secret
    districts = _districts()
    out: dict[str, Any] = {}
    tile(15, 0, 0, "fa", cached=False)  # the first query of a process opens the connection
    for label, zoom in VIEWS.items():
        data_zoom = min(zoom - 1, CELL_ZOOM)
        scale = 2 ** (data_zoom - zoom)
        times: list[float] = []
        cpu: list[float] = []
        sizes: list[int] = []
        counts: list[int] = []
        tiles: list[int] = []
        for _i in range(views):
            _code, polygon = rng.choice(districts)
            lon, lat = _point_in(rng, polygon)
            world = 256 * 2 ** zoom
            px = (lon + 180) / 360 * world
            py = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * world
            xs = range(int((px - width / 2) * scale // 256),
                       int((px + width / 2) * scale // 256) + 1)
            ys = range(int((py - height / 2) * scale // 256),
                       int((py + height / 2) * scale // 256) + 1)
            started, used = time.perf_counter(), time.process_time()
            bodies = [tile(data_zoom, x, y, "fa", cached=False)[0] for x in xs for y in ys]
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
            sizes.append(sum(len(b) for b in bodies))
            counts.append(sum(b.count(b'"type":"Feature"') for b in bodies))
            tiles.append(len(bodies))
        out[label] = {**_ms(sorted(times)), "cpu_p50": _ms(sorted(cpu))["p50"],
                      "load": os.getloadavg()[0], "tiles": sum(tiles) / len(tiles),
                      "kb": sum(sizes) / len(sizes) / 1024,
                      "features": sum(counts) / len(counts)}
    return out


def _ms(values: list[float]) -> dict[str, float]:
    def pick(p: float) -> float:
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000

    return {"p50": pick(50), "p95": pick(95), "max": values[-1] * 1000 if values else 0,
            "n": len(values)}


def render(figures: dict[str, Any]) -> str:
    """The section of docs/benchmarks.md."""
    out = ["## Address search (places)\n"]
    out.append(
        "`bench/run.py --only places` (also part of `make bench`). A gazetteer the size of "
        "a city is made up over the Karaj pack's districts: about 1,900 streets with house "
        "numbers on both sides (15% of numbers left out, to be placed on their street), "
        "2,000 landmarks and 150 neighbourhoods, plus the real Helsinki extract when it is "
        "there. Each query is one call of `places.search.search` (limit 10) inside the "
        "application: the version check, the in-memory match, one indexed read of the "
        "matched names' places (two when a number is placed between its neighbours). "
        "\"first right\" is the share whose first answer lies within 75 m of the place "
        "the query was made from (for the type-ahead, any of the ten answers). Target: p95 "
        "under 30 ms.\n")
    for backend, f in figures.items():
        if not f:
            continue
        out.append(f"### {backend}\n")
        out.append(f"{f['places']:,} places; `load_places` took {f['load_seconds']:.0f} s "
                   f"({f['places'] / max(f['load_seconds'], 0.001):,.0f} places/s), loading it "
                   f"again (nothing changed) {f['reload_seconds']:.0f} s; the first search of a "
                   f"process builds the index in {f['search']['first_search_ms']:.0f} ms.\n")
        out.append("| queries | n | p50 ms | p95 ms | max ms | first right |")
        out.append("|---|---:|---:|---:|---:|---:|")
        total = f["search"]["all"]
        for kind, k in sorted(f["search"]["kinds"].items()):
            out.append(f"| {kind} | {k['n']:,} | {k['p50']:.1f} | {k['p95']:.1f} | "
                       f"{k['max']:.0f} | {k['right']:.0%} |")
        out.append(f"| **all** | {total['n']:,} | **{total['p50']:.1f}** | "
                   f"**{total['p95']:.1f}** | {total['max']:.0f} | |\n")
        if f.get("helsinki"):
            h = f["helsinki"]
            out.append(f"Helsinki extract, every address as `<Street> <Number>`: "
                       f"{h['right']:.1%} first within 75 m of {h['n']:,} "
                       f"(p50 {h['p50']:.1f} ms, p95 {h['p95']:.1f} ms).\n")
    out.append(render_map({b: f["map"] for b, f in figures.items() if f and f.get("map")}))
    return "\n".join(out) + "\n"


def render_map(maps: dict[str, Any]) -> str:
    """The street map's subsection of the places section."""
    out: list[str] = []
    if maps:
        out.append("### Map data per view\n")
        out.append(
            "The street map's data for one view of a 1,280 x 800 screen, on the same "
            "gazetteer (the made-up streets drawn with a bend every 100 m): every data tile "
            "the map script asks for (`/places/tiles/<z>/<x>/<y>.json`, one zoom coarser than the "
            "screen), made afresh by `places.streetmap.tile` inside the application (the "
            "version check, one indexed read of the tile's cells and places, GeoJSON "
            "written), not from the cache that serves them afterwards. 200 views centred at "
            "random in the districts. \"CPU\" is the application process's own processor "
            "time for a view (p50; PostgreSQL's work is in the wall time only), and \"load\" "
            "the machine's load average while it was measured: on a busy shared machine the "
            "wall time is mostly waiting for a core. Target: under 100 ms a view.\n")
        out.append("| engine | view | tiles | features | KB | p50 ms | p95 ms | max ms | "
                   "CPU p50 ms | load |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for backend, m in maps.items():
            for label, v in m.items():
                out.append(f"| {backend} | {label} | {v['tiles']:.1f} | {v['features']:.0f} | "
                           f"{v['kb']:.0f} | {v['p50']:.1f} | {v['p95']:.1f} | "
                           f"{v['max']:.0f} | {v.get('cpu_p50', 0):.1f} | "
                           f"{v.get('load', 0):.1f} |")
        out.append("")
    return "\n".join(out) + "\n"
