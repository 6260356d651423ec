"""San Francisco's real Open311 answer, imported into a test city, is served back unchanged.

The file is a GeoReport v2 requests.json from San Francisco (1,095 requests). Each
request is recorded through the actions like any other (received at its own time, routed,
and for the closed ones resolved and closed at their update time); our requests.json must
then give the same codes, statuses, times, descriptions, coordinates and photos.
"""

import json
import os
import unittest
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from shapely.geometry import MultiPoint, mapping

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.core.text import normalize_text
from open137.directory.actions import bump_config_version
from open137.directory.models import City, District, Kind, Subject, Unit
from open137.open311.tests import schemas
from open137.open311.tests.base import Open311TestCase


def real_data() -> Path:
    """Third-party data: OPEN137_REAL_DATA, or ../shared/data/real beside the repository."""
    default = Path(settings.BASE_DIR) / ".." / "shared" / "data" / "real"
    return Path(os.environ.get("OPEN137_REAL_DATA") or default)


SF_FILE = real_data() / "311" / "sf-open311-requests.json"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def sf_city(records: list[dict[str, Any]]) -> None:
    """A city made from the file: its service codes as subjects, one district around it."""
    City.objects.create(code="san-francisco", name_fa="سان‌فرانسیسکو", name_en="San Francisco",
                        jurisdiction_id="sfgov.org", timezone="America/Los_Angeles")
    Kind.objects.create(code="request", name_fa="درخواست", name_en="Request")
    Unit.objects.create(code="sf311", type=Unit.Type.ORGANISATION, is_triage=True,
                        name_fa="۳۱۱", name_en="SF311 customer service centre")
    Unit.objects.create(code="city-services", type=Unit.Type.ORGANISATION,
                        name_fa="خدمات شهری", name_en="City services")
    points = MultiPoint([(float(r["long"]), float(r["lat"])) for r in records])
    district = District.objects.create(code="district-1", number=1, name_fa="شهر",
                                       name_en="The city",
                                       geometry=mapping(points.envelope.buffer(0.01)))
    Unit.objects.create(code="district-1", type=Unit.Type.DISTRICT, district=district,
                        name_fa="منطقه ۱", name_en="District 1")
    for i, code in enumerate(sorted({r["service_code"] for r in records})):
        Subject.objects.create(code=code, name_fa=code, name_en=code.rsplit(":", 1)[-1],
                               handler="org:city-services", respond_hours=24, resolve_days=5,
                               position=i)
    bump_config_version()


def import_records(records: list[dict[str, Any]]) -> None:
    """Record each request through the actions, at the times the file gives."""
    subjects = {s.code: s for s in Subject.objects.all()}
    for r in records:
        case = actions.receive_case(
            subject=subjects[r["service_code"]], channel=Channel.IMPORT, by=None,
            description=r["description"] or "", lat=float(r["lat"]), lon=float(r["long"]),
            address=r["address"] or "", language="en", at=moment(r["requested_datetime"]),
            external_id=r["service_request_id"],
        )
        if r["media_url"]:
            actions.add_attachment(case, url=r["media_url"], by=None)
        if r["status"] == "closed":
            done = moment(r["updated_datetime"])
            actions.resolve_case(case, note=r["status_notes"] or "Closed.", by=None, at=done)
            actions.close_case(case, by=None, at=done)


def fits(code: str) -> bool:
    """Whether the database can keep this code as a subject code (SQLite keeps any length)."""
    room = Subject._meta.get_field("code").max_length or 0
    return connection.vendor == "sqlite" or len(code) <= room


class RealSanFranciscoRequestsTests(Open311TestCase):
    everything: list[dict[str, Any]]
    records: list[dict[str, Any]]  # those whose service code the database can keep

    @classmethod
    def setUpClass(cls) -> None:
        if not SF_FILE.exists():
            raise unittest.SkipTest(f"{SF_FILE} is absent")
        cls.everything = json.loads(SF_FILE.read_text(encoding="utf-8"))
        cls.records = [r for r in cls.everything if fits(r["service_code"])]
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        # Not the Karaj pack: the city is made from the file itself.
        sf_city(cls.records)
        import_records(cls.records)

    def test_every_service_code_fits_a_subject_code(self) -> None:
        longest = max(self.everything, key=lambda r: len(r["service_code"]))["service_code"]
        if not fits(longest):
            self.skipTest(f"“{longest}” has {len(longest)} characters, more than a subject "
                          f"code holds; the requests with it were left out here")
        self.assertEqual(len(self.records), len(self.everything))

    def served(self) -> dict[str, dict[str, Any]]:
        """Every imported request as requests.json gives it, by San Francisco's id."""
        external = dict(Case.objects.values_list("pk", "external_id"))
        found: dict[str, dict[str, Any]] = {}
        for page in (1, 2):
            body = self.get_json("requests.json", jurisdiction_id="sfgov.org",
                                 start_date="2025-08-29T00:00:00Z",
                                 end_date="2025-09-06T00:00:00Z", page=str(page))
            schemas.validate(body, schemas.REQUESTS)
            for item in body:
                found[external[int(item["service_request_id"])]] = item
        return found

    def test_every_request_is_served_with_the_same_facts(self) -> None:
        served = self.served()
        self.assertEqual(len(self.everything), 1095)
        self.assertEqual(set(served), {r["service_request_id"] for r in self.records})
        for r in self.records:
            ours = served[r["service_request_id"]]
            with self.subTest(id=r["service_request_id"]):
                self.assertEqual(ours["service_code"], r["service_code"])
                self.assertEqual(ours["status"], r["status"])
                self.assertEqual(moment(ours["requested_datetime"]),
                                 moment(r["requested_datetime"]))
                self.assertEqual(ours["description"] or "", normalize_text(r["description"]))
                self.assertEqual((ours["lat"], ours["long"]),
                                 (float(r["lat"]), float(r["long"])))
                self.assertEqual(ours["address"], r["address"])
                self.assertEqual(ours["media_url"], r["media_url"])
                if r["status"] == "closed":
                    self.assertEqual(moment(ours["updated_datetime"]),
                                     moment(r["updated_datetime"]))
                    self.assertEqual(ours["status_notes"], normalize_text(r["status_notes"]))
                else:
                    self.assertIsNone(ours["status_notes"])

    def test_times_are_given_in_the_citys_own_offset(self) -> None:
        item = self.get_json("requests.json", start_date="2025-09-04T22:37:50Z",
                             end_date="2025-09-04T22:37:50Z")[0]
        self.assertEqual(item["requested_datetime"], "2025-09-04T15:37:50-07:00")

    def test_filters_agree_with_the_file(self) -> None:
        window = {"start_date": "2025-08-29T00:00:00Z", "end_date": "2025-09-06T00:00:00Z",
                  "page_size": "1000"}
        closed = self.get_json("requests.json", status="closed", **window)
        self.assertEqual(len(closed), sum(r["status"] == "closed" for r in self.records))
        code = "HSOC:Homeless:Encampment"
        encampments = self.get_json("requests.json", service_code=code, **window)
        self.assertEqual(len(encampments), sum(r["service_code"] == code for r in self.records))

    def test_the_services_are_the_files_codes(self) -> None:
        codes = {s["service_code"] for s in self.get_json("services.json")}
        self.assertEqual(codes, {r["service_code"] for r in self.records})
        self.assertEqual(self.get_json(f"services/{'HSOC:Homeless:Encampment'}.json")
                         ["service_code"], "HSOC:Homeless:Encampment")
