"""Each figure shared by several pages is the same number on all of them, on one month.

The dashboard, the monthly report, the public page, the open data, the staff API's
filters and the desk's lists are read over HTTP, as their users read them.
"""

import json
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.authtoken.models import Token

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, make_user
from open137.directory.models import Staff
from open137.oversight.tests import scenario
from open137.oversight.tests.test_transparency_and_open_data import streamed

MONTH = "month=1404-07"


class EveryPageCountsTheSameTests(CityTestCase):
    s: dict[str, Case]
    erin: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.s = scenario.build(cls)
        cls.erin = make_user("erin", Staff.Role.COUNCIL)

    def page_total(self, user: User | None, address: str) -> Any:
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        response = self.client.get(address)
        self.assertEqual(response.status_code, 200, address)
        return response.context["total"]

    def api_count(self, **params: str) -> int:
        token, _ = Token.objects.get_or_create(user=self.bob)
        response = self.client.get("/api/v1/requests/", params,
                                   HTTP_AUTHORIZATION=f"Token {token.key}")
        self.assertEqual(response.status_code, 200, params)
        return int(response.json()["count"])

    def open_data(self) -> list[dict[str, object]]:
        rows = json.loads(streamed(self.client.get(f"/transparency/open-data.json?{MONTH}")))
        return list(rows)

    def test_the_dashboard_report_public_page_api_desk_and_open_data_agree(self) -> None:
        dashboard = self.page_total(self.erin, f"/oversight/?{MONTH}")
        report = self.page_total(self.erin, f"/oversight/report/?{MONTH}")
        public = self.page_total(None, f"/transparency/?{MONTH}")
        rows = self.open_data()
        start = datetime(2025, 9, 23, tzinfo=scenario.TEHRAN).date().isoformat()
        end = datetime(2025, 10, 22, tzinfo=scenario.TEHRAN).date().isoformat()
        now = timezone.now()

        # Requests registered in the month.
        volumes = {dashboard.volume, report.volume, public.volume, len(rows),
                   self.api_count(created_after=start, created_before=end)}
        self.assertEqual(volumes, {8})

        # Overdue now: one rule for the figures, the API filter and the desk's lists.
        self.client.force_login(self.bob)
        desk = self.client.get("/desk/triage/overdue/").context["counts"]["overdue"]
        overdue_rows = sum(1 for r in self.open_data_all()
                           if r["status"] not in {"resolved", "rejected", "closed", "planned",
                                                  "awaiting_citizen"}
                           and r["result_due"] and datetime.fromisoformat(
                               str(r["result_due"])) < now)
        overdue = {t.overdue for t in (dashboard, report, public)}
        overdue |= {self.api_count(overdue="true"), desk, overdue_rows}
        # D, G and G2 (the scenario's "now" is long past): the same three everywhere.
        self.assertEqual(overdue, {3})
        self.client.force_login(self.charlie)
        inbox = self.client.get("/desk/inbox/", {"overdue": "on"})
        self.assertEqual(inbox.context["page_obj"].paginator.count, 3)

        # Planned now, finished, repeat contacts and the citizens' answers.
        self.assertEqual({t.planned for t in (dashboard, report, public)}
                         | {self.api_count(status="planned"),
                            sum(r["status"] == "planned" for r in rows)}, {1})
        self.assertEqual({t.repeat_contacts for t in (dashboard, report, public)}
                         | {sum(int(str(r["repeat_contacts"])) for r in rows)}, {3})
        self.assertEqual({t.satisfied for t in (dashboard, report, public)}
                         | {sum(r["satisfied"] is True for r in rows)}, {2})
        self.assertEqual({t.questioned for t in (dashboard, report, public)}
                         | {sum(int(str(r["questions"])) > 0 for r in rows)}, {1})

    def open_data_all(self) -> list[dict[str, object]]:
        self.client.logout()
        return list(json.loads(streamed(self.client.get("/transparency/open-data.json"))))
