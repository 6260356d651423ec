#!/usr/bin/env python3
"""Build the New York City pack from its hand-written parts and the public data.

The repository keeps only what was written for the pack (citypacks/nyc: city.yaml,
taxonomy.yaml and the import mapping); the districts come from NYC Planning's community
districts and the subjects' synonyms from the council's complaint types, both read from
the third-party data folder at build time, because that data is never copied into the
repository. The built pack is an ordinary pack folder:

    .venv/bin/python scripts/make-nyc-pack.py [--data DIR] [--out DIR]
    .venv/bin/open137 load_city var/citypacks/nyc

DIR defaults to OPEN137_REAL_DATA or ../shared/data/real; OUT to var/citypacks/nyc.
"""

import argparse
import csv
import gzip
import io
import json
import os
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "citypacks" / "nyc"
GEO = Path("geo") / "nyc-community-districts.geojson"
COMPLAINTS = Path("311") / "nyc-council-complaints-2015-2025.csv.gz"

# Borough codes as NYC writes them in a community district's number (1xx Manhattan...).
BOROUGHS = {
    "Manhattan": (1, "manhattan", "منهتن"),
    "Bronx": (2, "bronx", "برانکس"),
    "Brooklyn": (3, "brooklyn", "بروکلین"),
    "Queens": (4, "queens", "کوئینز"),
    "Staten Island": (5, "staten-island", "استاتن آیلند"),
}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
CD = re.compile(r"^(?P<place>.*?)\s*\(CD(?P<n>\d+)\)\s*$")


def districts(geojson: dict) -> dict:
    """NYC Planning's community districts as pack districts: code, number, fa, en."""
    features = []
    for feature in geojson["features"]:
        props = feature["properties"]
        borough = props["BOROUGH"]
        boro_number, slug, fa_borough = BOROUGHS[borough]
        match = CD.match(props.get("GEONAME") or "")
        place, named = (match["place"], int(match["n"])) if match else ("", 0)
        geocode = int(props.get("GEOCODE") or 0)
        # GEOCODE is borough*100 + district; where it is missing (0) the name says it.
        n = geocode % 100 if geocode else named
        if geocode and named != n:  # the name contradicts the code: trust the code
            place = ""
        if place == borough:
            place = ""
        en = f"{borough} {n}" + (f": {place}" if place else "")
        features.append({
            "type": "Feature",
            "properties": {
                "code": f"{slug}-{n:02d}",
                "number": boro_number * 100 + n,
                "fa": f"{fa_borough}، ناحیه {str(n).translate(PERSIAN_DIGITS)}",
                "en": en,
                "area_hint": place,
            },
            "geometry": feature["geometry"],
        })
    features.sort(key=lambda f: f["properties"]["number"])
    return {"type": "FeatureCollection", "features": features}


def complaint_types(path: Path) -> Counter:
    """How many cases each complaint type has in the council's data."""
    counts: Counter = Counter()
    with gzip.open(path, "rb") as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
            counts[row["complaint_type"]] += 1
    return counts


def key(value: str) -> str:
    return " ".join(value.split()).casefold()


def subjects(taxonomy: dict, mapping: dict, counts: Counter) -> tuple[dict, list[str]]:
    """The taxonomy with each subject's complaint types as synonyms; unmapped types."""
    values = {key(k): v for k, v in mapping["fields"]["subject"]["values"].items()}
    codes = {c["code"] for c in taxonomy["categories"]}
    unknown = sorted({v for v in values.values() if v not in codes})
    if unknown:
        sys.exit(f"the mapping names subjects that taxonomy.yaml lacks: {', '.join(unknown)}")
    by_subject: dict[str, list[str]] = {}
    unmapped = []
    for name, count in counts.most_common():
        code = values.get(key(name))
        if code is None:
            unmapped.append(f"{name!r} ({count})")
        elif name.strip() and key(name) not in {key(s) for s in by_subject.get(code, [])}:
            by_subject.setdefault(code, []).append(name.strip())
    categories = []
    for category in taxonomy["categories"]:
        synonyms = by_subject.get(category["code"], [])
        categories.append({**category, "synonyms": synonyms} if synonyms else category)
    return {**taxonomy, "categories": categories}, unmapped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("OPEN137_REAL_DATA") or ROOT.parent / "shared/data/real"
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "citypacks" / "nyc")
    args = parser.parse_args()
    for needed in (GEO, COMPLAINTS):
        if not (args.data / needed).is_file():
            sys.exit(f"{args.data / needed} is missing: the pack is built from it.")
    taxonomy = yaml.safe_load((PACK / "taxonomy.yaml").read_text(encoding="utf-8"))
    mapping = yaml.safe_load((PACK / "mappings" / "nyc-council.yaml").read_text(encoding="utf-8"))
    counts = complaint_types(args.data / COMPLAINTS)
    pack, unmapped = subjects(taxonomy, mapping, counts)
    geo = districts(json.loads((args.data / GEO).read_text(encoding="utf-8")))

    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PACK / "city.yaml", args.out / "city.yaml")
    header = ("# Built by scripts/make-nyc-pack.py from citypacks/nyc/taxonomy.yaml and the\n"
              "# NYC Council's complaint types (synonyms); do not edit, rebuild.\n")
    with (args.out / "subjects.yaml").open("w", encoding="utf-8") as f:
        f.write(header)
        yaml.safe_dump(pack, f, allow_unicode=True, sort_keys=False, width=100)
    (args.out / "districts.geojson").write_text(
        json.dumps(geo, ensure_ascii=False), encoding="utf-8")
    (args.out / "SOURCES.txt").write_text(
        "districts.geojson: NYC Department of City Planning, community districts "
        "(simplified), as packaged under GPL-3.0.\n"
        "subjects.yaml synonyms: complaint types of the NYC Council's constituent cases, "
        "NYC Open Data 9hzi-kbqb.\n", encoding="utf-8")
    print(f"{args.out}: {len(geo['features'])} districts, {len(pack['categories'])} subjects, "
          f"{sum(counts.values()):,} cases' complaint types read")
    if unmapped:
        print("complaint types the mapping does not know (their rows will be rejected): "
              + ", ".join(unmapped))


if __name__ == "__main__":
    main()
