import csv
import io
import json
import re
from datetime import datetime
from typing import Any

from django.conf import settings

from open137.cases.models import Case
from open137.cases.testing import CityTestCase
from open137.cases.workflow import FINISHED
from open137.core.text import persian_digits
from open137.oversight.opendata import FIELD_NAMES
from open137.oversight.queries import Selection, figures_for
from open137.oversight.tests import scenario
from open137.oversight.tests.scenario import NOW, PERIOD

PHONE = re.compile(r"(\+98|0)9\d{9}")


def figures_from_open_data(rows: list[dict[str, Any]], now: datetime) -> dict[str, int]:
    """The period figures recounted by hand from the open-data rows alone."""
    def t(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    counts = dict.fromkeys(("volume", "referred", "taken_up", "triaged", "first_due",
                            "first_on_time", "result_due", "result_on_time", "finished",
                            "reopens", "misrouted", "informed", "answered", "satisfied",
                            "questioned", "recontacted", "repeat_contacts"), 0)
    for r in rows:
        counts["volume"] += 1
        counts["referred"] += r["first_referred_at"] is not None
        counts["taken_up"] += r["taken_up_at"] is not None
        counts["triaged"] += r["triaged"] and r["first_referred_at"] is not None
        counts["questioned"] += r["questions"] > 0
        counts["recontacted"] += r["repeat_contacts"] > 0
        counts["repeat_contacts"] += r["repeat_contacts"]
        duplicate = r["duplicate_of"] is not None
        due, at = t(r["first_action_due"]), t(r["first_action_at"])
        if not duplicate and due and (at or due < now):
            counts["first_due"] += 1
            counts["first_on_time"] += bool(at and at <= due)
        due, at = t(r["result_due"]), t(r["result_at"])
        if not duplicate and due and (at or (due < now and r["status"] not in {
                "planned", "awaiting_citizen"})):
            counts["result_due"] += 1
            counts["result_on_time"] += bool(at and at <= due)
        finished = r["status"] in FINISHED and not duplicate
        counts["finished"] += finished
        counts["informed"] += finished and r["result_sent"]
        counts["reopens"] += r["reopened"]
        counts["misrouted"] += r["misrouted"]
        counts["answered"] += r["satisfied"] is not None
        counts["satisfied"] += r["satisfied"] is True
    return counts


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


class TransparencyTests(CityTestCase):
    s: dict[str, Case]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.s = scenario.build(cls)

    def test_the_public_page_shows_aggregates_to_anyone_and_no_person(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get("/transparency/?month=1404-07")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(response.context["total"].volume, 8)
        for case in self.s.values():
            self.assertNotIn(case.tracking_code, html)
            self.assertNotIn(case.contact_phone[-7:], html)
        self.assertNotIn("علی احمدی", html)
        self.assertNotIn("چاله بزرگ در کوچه", html)
        self.assertNotIn("/oversight/requests/", html)
        self.assertNotIn("Audit score", html)
        self.assertContains(response, "By district")
        self.assertContains(response, "first_referred_at")  # the documented field list

    def test_bad_public_filters_are_answered_400(self) -> None:
        self.assertEqual(self.client.get("/transparency/?month=99").status_code, 400)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get("/transparency/open-data.json?district=nowhere")
        self.assertEqual(response.status_code, 400)
        self.assertIn("nowhere", response.json()["errors"]["district"][0])

    def test_open_data_has_one_anonymous_row_per_request(self) -> None:
        response = self.client.get("/transparency/open-data.csv")
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        text = streamed(response).decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(tuple(rows[0].keys()), FIELD_NAMES)
        self.assertEqual({int(r["id"]) for r in rows}, {c.pk for c in self.s.values()})
        self.assertIsNone(PHONE.search(text))
        for case in self.s.values():
            self.assertNotIn(case.tracking_code, text)
        self.assertNotIn("علی", text)
        self.assertNotIn("@", text)
        self.assertNotIn("چاله", text)
        a = next(r for r in rows if int(r["id"]) == self.s["A"].pk)
        self.assertEqual(a["lat"], str(round(self.s["A"].lat, 3)))
        self.assertEqual(a["lon"], str(round(self.s["A"].lon, 3)))
        self.assertLessEqual(max(len(r["lat"].partition(".")[2]) for r in rows if r["lat"]), 3)
        self.assertEqual((a["satisfied"], a["result_sent"], a["reopened"]), ("true", "true", "0"))

    def test_open_data_names_its_codes_in_persian_in_columns_after_them(self) -> None:
        response = self.client.get("/transparency/open-data.csv")
        rows = list(csv.DictReader(io.StringIO(streamed(response).decode())))
        names = list(rows[0].keys())
        # The documented columns keep their places; the Persian names come after them all.
        self.assertEqual(names[:names.index("duplicate_of") + 1],
                         names[:len(names) - 8])
        a = next(r for r in rows if int(r["id"]) == self.s["A"].pk)
        case = self.s["A"]
        self.assertEqual((a["subject"], a["subject_fa"]), (case.subject.code,
                                                           case.subject.name_fa))
        self.assertEqual(a["district_fa"], persian_digits(case.district.name_fa))
        self.assertEqual((a["channel"], a["channel_fa"]), ("phone", "تلفن"))
        self.assertEqual((a["status"], a["status_fa"]), ("closed", "بسته‌شده"))
        data = json.loads(streamed(self.client.get("/transparency/open-data.json")))
        self.assertEqual(data[0]["channel_fa"], {"phone": "تلفن", "web": "وب", "sms": "پیامک"}
                         .get(data[0]["channel"], data[0]["channel_fa"]))

    def test_open_data_and_the_public_figures_agree_with_the_records(self) -> None:
        response = self.client.get("/transparency/open-data.json?from=1404-07&to=1404-07")
        rows = json.loads(streamed(response))
        recounted = figures_from_open_data(rows, NOW)
        total = figures_for(Selection(PERIOD), NOW).total()
        self.assertEqual(recounted, {name: getattr(total, name) for name in recounted})
        self.assertEqual(recounted["volume"], 8)
        page = self.client.get("/transparency/?month=1404-07")
        by_district = {t.key: t for t in page.context["tables"]}["district"]
        volumes = sorted(row[1].value for row in by_district.rows)
        from_rows: dict[Any, int] = {}
        for r in rows:
            from_rows[r["district"]] = from_rows.get(r["district"], 0) + 1
        self.assertEqual(volumes, sorted(from_rows.values()))

    def test_open_data_filters_by_district_and_subject(self) -> None:
        response = self.client.get(f"/transparency/open-data.json?district=none"
                                   f"&subject={self.org_subject.code}")
        rows = json.loads(streamed(response))
        self.assertEqual([r["id"] for r in rows], [self.s["C"].pk])
