"""Every write to the gazetteer: loading a file, and placing its places in districts."""

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from open137.audit.actions import Trail
from open137.audit.values import snapshot
from open137.directory.citypack import PackError
from open137.directory.queries import RoutingContext, routing_context
from open137.places.matching import house_number, name_tokens
from open137.places.models import Gazetteer, Place, PlaceCell, PlaceName
from open137.places.sources import PlaceFileError, PlaceRecord, read_places
from open137.places.streetmap import cell_rows

BATCH = 2000
PACK_FILES = ("places.geojson", "places.osm.pbf")
Progress = Callable[[str], None]


@dataclass
class PlacesReport:
    """What a load changed: places by outcome, places in the file by kind, and how many
    lie outside every district."""

    dataset: str
    outcomes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    outside: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.outcomes["created"] or self.outcomes["updated"]
                    or self.outcomes["deleted"])


def load_places(path: Path, *, by: AbstractBaseUser | None = None, dataset: str = "",
                progress: Progress | None = None) -> PlacesReport:
    """Load a gazetteer file (OpenStreetMap .osm.pbf or GeoJSON), all or nothing.

    The file's places replace those loaded before from a file of the same name (the
    dataset); loading the same file again changes nothing.
    """
    records = read_places(path, progress=progress)
    with transaction.atomic():
        return _write(dataset or path.name, records, progress=progress, by=by)


def load_pack_places(pack_path: Path, report: Any) -> None:
    """load_city's part: the pack's gazetteer file, if it has one (in load_city's
    transaction), and the places' districts after the districts were loaded."""
    for name in PACK_FILES:
        path = pack_path / name
        if path.is_file():
            try:
                records = read_places(path)
            except PlaceFileError as e:
                raise PackError(name, "", "", str(e)) from e
            result = _write(f"{pack_path.name}/{name}", records, by=None)
            counts = report.counts.setdefault("place", Counter())
            for outcome in ("created", "updated", "deleted", "unchanged"):
                if result.outcomes[outcome]:
                    counts[outcome] += result.outcomes[outcome]
            report.labels["place"] = Place._meta.verbose_name_plural
            break
    else:
        refresh_districts()


def fingerprint(record: PlaceRecord) -> str:
    data = [record.kind, record.name, record.names, record.category, record.housenumber,
            record.street, record.geometry, record.lat, record.lon]
    return hashlib.md5(json.dumps(data, sort_keys=True, ensure_ascii=False).encode(),
                       usedforsecurity=False).hexdigest()


def _write(dataset: str, records: list[PlaceRecord], *, by: AbstractBaseUser | None,
           progress: Progress | None = None) -> PlacesReport:
    report = PlacesReport(dataset[:100])
    dataset = report.dataset
    ctx = routing_context()
    refresh_districts(context=ctx)
    existing = {sid: (pk, fp) for pk, sid, fp in Place.objects.filter(dataset=dataset)
                .values_list("pk", "source_id", "fingerprint")}
    fresh: list[tuple[PlaceRecord, str]] = []
    stale: list[int] = []
    seen: set[str] = set()
    for record in records:
        report.kinds[record.kind] += 1
        seen.add(record.source_id)
        fp = fingerprint(record)
        before = existing.get(record.source_id)
        if before is None:
            report.outcomes["created"] += 1
            fresh.append((record, fp))
        elif before[1] != fp:
            report.outcomes["updated"] += 1
            stale.append(before[0])
            fresh.append((record, fp))
        else:
            report.outcomes["unchanged"] += 1
    gone = [pk for sid, (pk, _fp) in existing.items() if sid not in seen]
    report.outcomes["deleted"] += len(gone)
    for start in range(0, len(stale + gone), BATCH):
        Place.objects.filter(pk__in=(stale + gone)[start:start + BATCH]).delete()
    for start in range(0, len(fresh), BATCH):
        _create(dataset, fresh[start:start + BATCH], ctx)
        if progress and len(fresh) > BATCH:
            progress(_("written %(done)s of %(total)s places")
                     % {"done": f"{min(start + BATCH, len(fresh)):,}",
                        "total": f"{len(fresh):,}"})
    report.outside = Place.objects.filter(dataset=dataset, district__isnull=True).count()
    if report.changed:
        _new_version(by=by, note=f"{dataset}: " + ", ".join(
            f"{k} {report.outcomes[k]}" for k in ("created", "updated", "deleted")))
    return report


def _create(dataset: str, batch: list[tuple[PlaceRecord, str]], ctx: RoutingContext) -> None:
    districts = ctx.district_rows
    places = []
    for record, fp in batch:
        code = ctx.index.locate(record.lon, record.lat)
        district = districts.get(code) if code else None
        places.append(Place(
            dataset=dataset, source_id=record.source_id, kind=record.kind,
            category=record.category, name=record.name, names=record.names,
            housenumber=record.housenumber, street=record.street, lat=record.lat,
            lon=record.lon, geometry=record.geometry, district=district, fingerprint=fp))
    created = Place.objects.bulk_create(places)
    if any(p.pk is None for p in created):  # a database that does not return ids
        ids = dict(Place.objects.filter(dataset=dataset, source_id__in=[
            p.source_id for p in created]).values_list("source_id", "pk"))
        for p in created:
            p.pk = ids[p.source_id]
    names: list[PlaceName] = []
    map_cells: list[PlaceCell] = []
    for place, (record, _fp) in zip(created, batch, strict=True):
        map_cells.extend(cell_rows(place.pk, record.kind, record.category, record.geometry))
        first: int | None = None
        last: int | None = None
        if record.kind == "address":
            number = house_number(record.housenumber)
            if number is None:
                continue
            first, last = number.first, number.last
        keys: dict[str, None] = {}
        for name in record.search_names():
            key = " ".join(name_tokens(name))[:300]
            if key:
                keys.setdefault(key, None)
        names.extend(PlaceName(place_id=place.pk, key=key, number_first=first,
                               number_last=last) for key in keys)
    PlaceName.objects.bulk_create(names, batch_size=BATCH)
    PlaceCell.objects.bulk_create(map_cells, batch_size=BATCH)


def _state() -> Gazetteer:
    state = Gazetteer.objects.select_for_update().first()
    return state if state is not None else Gazetteer.objects.create()


def _new_version(*, by: AbstractBaseUser | None, note: str) -> None:
    """Move the gazetteer's version (every process rebuilds its index of names), with one
    entry in the audit trail for the whole load rather than one per place."""
    state = _state()
    before = snapshot(state, fields=["version"])
    state.version = uuid.uuid4().hex
    state.save(update_fields=["version"])
    trail = Trail(by=by, note=note)
    trail.changed(state, before)
    trail.save()


def districts_hash(ctx: RoutingContext) -> str:
    data = [(code, row.geometry) for code, row in sorted(ctx.district_rows.items())]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def refresh_districts(*, by: AbstractBaseUser | None = None,
                      context: RoutingContext | None = None) -> int:
    """Work out again which district holds each place, when the districts have changed
    since it was last done (a load_city, an edit in the admin). The number of places
    whose district changed."""
    ctx = context or routing_context()
    state = _state()
    if state.config_version == ctx.version and ctx.version:
        return 0
    digest = districts_hash(ctx)
    changed = 0
    if digest != state.districts_hash:
        changed = _place_all(ctx)
    state.districts_hash, state.config_version = digest, ctx.version
    state.save(update_fields=["districts_hash", "config_version"])
    return changed


def _place_all(ctx: RoutingContext) -> int:
    pks = {code: row.pk for code, row in ctx.district_rows.items()}
    moves: dict[int | None, list[int]] = {}
    for pk, lat, lon, district_id in Place.objects.values_list(
            "pk", "lat", "lon", "district_id").iterator(chunk_size=BATCH):
        code = ctx.index.locate(lon, lat)
        now = pks.get(code) if code else None
        if now != district_id:
            moves.setdefault(now, []).append(pk)
    for target, ids in moves.items():
        for start in range(0, len(ids), BATCH):
            Place.objects.filter(pk__in=ids[start:start + BATCH]).update(district_id=target)
    return sum(len(ids) for ids in moves.values())
