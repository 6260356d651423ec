"""The first rows of each real data set, imported with its committed mapping.

The data lives beside the project, never in it (OPEN137_REAL_DATA or ../shared/data/real);
without it these tests are skipped. The full files are imported by `make bench`.
"""

import csv
import gzip
import io
import json
import subprocess
import sys
import tempfile
import unittest
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import jdatetime
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.test import TestCase

from open137.cases.models import Case
from open137.cases.testing import CityTestCase
from open137.cases.workflow import FINISHED, Status
from open137.directory.actions import load_city
from open137.directory.models import City, District, Staff, Subject
from open137.imports.importer import Progress, import_file, real_data_dir
from open137.imports.mapping import find_mapping, read_mapping

REAL = real_data_dir()
NYC = REAL / "311" / "nyc-council-complaints-2015-2025.csv.gz"
OTTAWA = REAL / "311" / "ottawa-2014"
SF = REAL / "311" / "sf-open311-requests.json"
GEO = REAL / "geo" / "nyc-community-districts.geojson"


def first_rows(source: Path, target: Path, count: int) -> Path:
    """The header and the first `count` records of a CSV (or .csv.gz) file."""
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8", newline="") as f:  # type: ignore[operator]
        reader = csv.reader(f)
        rows = [next(reader) for _i in range(count + 1)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    data = buffer.getvalue().encode()
    target.write_bytes(gzip.compress(data) if target.name.endswith(".gz") else data)
    return target


def quiet() -> Progress:
    return Progress("", enabled=False)


@unittest.skipUnless(NYC.is_file() and GEO.is_file(), "the NYC data is not here")
class NewYorkCouncilTests(TestCase):
    tmp: Path

    @classmethod
    def setUpTestData(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp())
        subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "scripts" / "make-nyc-pack.py"),
             "--data", str(REAL), "--out", str(cls.tmp / "nyc")],
            check=True, capture_output=True)
        load_city(cls.tmp / "nyc")

    def test_the_built_pack_has_the_community_districts_and_the_councils_subjects(self) -> None:
        self.assertEqual(District.objects.count(), 71)
        self.assertEqual(District.objects.get(code="brooklyn-05").number, 305)
        housing = Subject.objects.get(code="housing")
        self.assertIn("Housing and Buildings", housing.synonyms)
        self.assertFalse((Path(settings.BASE_DIR) / "citypacks" / "nyc" /
                          "districts.geojson").exists())

    def test_the_first_rows_import_with_their_districts_units_and_history(self) -> None:
        sample = first_rows(NYC, self.tmp / "nyc-sample.csv.gz", 500)
        run = import_file(sample, read_mapping(find_mapping("nyc-council")),
                          reject_path=self.tmp / "rejects.csv", progress=quiet())
        self.assertEqual(run.rows, 500)
        self.assertEqual(run.imported + run.rejected, 500)
        self.assertTrue(set(run.reasons) <= {"duplicate"})
        self.assertEqual(Case.objects.count(), run.imported)
        sanitation = Case.objects.filter(subject__code="sanitation", district__isnull=False)
        self.assertTrue(sanitation.exists())
        for case in sanitation.select_related("unit", "district"):
            self.assertEqual(case.unit.code, f"{case.district.code}/sanitation")
        statuses = Counter(Case.objects.values_list("status", flat=True))
        self.assertGreater(statuses[Status.CLOSED], 0)
        self.assertFalse(Case.objects.filter(status=Status.CLOSED, closed_at__isnull=True)
                         .exists())

    def test_the_council_dashboard_shows_the_imported_history(self) -> None:
        sample = first_rows(NYC, self.tmp / "nyc-dashboard.csv.gz", 400)
        import_file(sample, read_mapping(find_mapping("nyc-council")),
                    reject_path=self.tmp / "rejects-dashboard.csv", progress=quiet())
        tz = ZoneInfo(settings.TIME_ZONE)
        span = Case.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
        first, last = (jdatetime.date.fromgregorian(date=span[k].astimezone(tz).date())
                       for k in ("first", "last"))
        user = User.objects.create_user("council-nyc", password="x")
        Staff.objects.create(user=user, role=Staff.Role.COUNCIL)
        self.client.force_login(user)
        response = self.client.get("/oversight/", {"month": f"{first.year}-{first.month:02d}",
                                                   "to": f"{last.year}-{last.month:02d}"})
        self.assertEqual(response.status_code, 200)
        total = response.context["total"]
        self.assertEqual(total.volume, Case.objects.count())
        finished = Case.objects.filter(status__in=FINISHED, duplicate_of__isnull=True).count()
        self.assertEqual(total.finished, finished)
        districts = next(t for t in response.context["tables"] if t.key == "district")
        with_district = Case.objects.exclude(district=None).values("district").distinct()
        without = Case.objects.filter(district=None).exists()
        self.assertEqual(len(districts.rows), with_district.count() + int(without))
        busiest = (Case.objects.exclude(district=None).values("district__name_fa")
                   .annotate(n=Count("id")).order_by("-n").first())
        self.assertIsNotNone(busiest)
        page = response.content.decode()
        self.assertTrue(busiest["district__name_fa"] in page, busiest)


    def test_the_command_loads_the_pack_it_is_given_before_importing(self) -> None:
        load_city()  # the default city first: the command must switch to New York
        sample = first_rows(NYC, self.tmp / "nyc-command.csv.gz", 50)
        out = io.StringIO()
        call_command("import_requests", str(sample), mapping="nyc-council",
                     city_pack=str(self.tmp / "nyc"), reject_file=str(self.tmp / "r.csv"),
                     language="en", stdout=out, stderr=io.StringIO())
        self.assertIn("50 rows read", out.getvalue())
        self.assertEqual(City.objects.get().code, "nyc")


@unittest.skipUnless(OTTAWA.is_dir(), "the Ottawa data is not here")
class OttawaTests(CityTestCase):
    def test_months_in_both_date_formats_import_without_a_reject(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        mapping = read_mapping(find_mapping("ottawa-2014"))
        months: Counter[int] = Counter()
        for name in ("JanSR-2014.csv", "MarSR-2014.csv"):
            run = import_file(first_rows(OTTAWA / name, tmp / name, 200), mapping,
                              reject_path=tmp / "rejects.csv", progress=quiet())
            self.assertEqual((run.rows, run.imported, run.rejected), (200, 200, 0))
        for case in Case.objects.all():
            months[case.created_at.month] += 1
        self.assertEqual(set(months), {1, 3})
        self.assertEqual(Case.objects.filter(external_id="MarSR-2014.csv:2").count(), 1)


@unittest.skipUnless(SF.is_file(), "the San Francisco data is not here")
class SanFranciscoTests(CityTestCase):
    def test_the_first_requests_import_and_lie_outside_the_city(self) -> None:
        tmp = Path(tempfile.mkdtemp())
        with SF.open(encoding="utf-8") as f:
            records = json.load(f)[:120]
        sample = tmp / "sf.json"
        sample.write_text(json.dumps(records), encoding="utf-8")
        run = import_file(sample, read_mapping(find_mapping("sf-open311")),
                          reject_path=tmp / "rejects.csv", progress=quiet())
        self.assertEqual((run.rows, run.imported, run.rejected), (120, 120, 0))
        self.assertFalse(Case.objects.filter(district__isnull=False).exists())
        statuses = set(Case.objects.values_list("status", flat=True))
        self.assertTrue(statuses <= {Status.TRIAGE, Status.CLOSED, Status.REJECTED})
        self.assertIn(Status.CLOSED, statuses)
