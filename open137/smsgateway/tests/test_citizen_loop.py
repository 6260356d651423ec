"""The whole loop a citizen lives through, with the SMS written to a file as a gateway would
receive them: receipt with the code, the unit's result with its note, the answer by SMS."""

import re
import tempfile
import unittest
from io import StringIO
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.cases.testing import CityTestCase, inside
from open137.cases.workflow import Status
from open137.notifications.queries import cases_told
from open137.notifications.testing import sms_lines

PHONE = "09121234567"


def unbroken(code: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9۰-۹٠-٩]){code}(?![0-9۰-۹٠-٩])")


class CitizenLoopTests(CityTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.sms_file = Path(folder.name) / "sms.jsonl"
        settings = override_settings(SMS_BACKEND="file", SMS_FILE_PATH=str(self.sms_file),
                                     SMS_INBOUND_SECRET="gateway-secret", SMS_QUIET_HOURS="")
        settings.enable()
        self.addCleanup(settings.disable)

    def worker(self) -> list[dict[str, Any]]:
        """Run `open137 worker --once`; the SMS it wrote this time."""
        before = len(sms_lines(self.sms_file))
        call_command("worker", "--once", stdout=StringIO())
        return sms_lines(self.sms_file)[before:]

    def reply(self, text: str) -> dict[str, Any]:
        response = self.client.post("/sms/inbound", {"from": "+989121234567", "text": text,
                                                     "secret": "gateway-secret"})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def receive(self) -> Case:
        lat, lon = inside(self.district)
        return actions.receive_case(subject=self.works_subject, channel=Channel.WEB, by=None,
                                    description="چاله بزرگ در کوچه", lat=lat, lon=lon,
                                    contact_phone=PHONE)

    def check_loop(self, case: Case, resolve: Any) -> None:
        [receipt] = self.worker()
        self.assertEqual(receipt["to"], PHONE)
        self.assertRegex(receipt["text"], unbroken(case.tracking_code))

        resolve(case, "چاله با آسفالت گرم پر شد")
        [result] = self.worker()
        self.assertEqual(result["to"], PHONE)
        self.assertIn("چاله با آسفالت گرم پر شد", result["text"])
        self.assertRegex(result["text"], unbroken(case.tracking_code))

        self.assertEqual(self.reply("۲")["action"], "reopened")
        case.refresh_from_db()
        self.assertEqual((case.status, case.unit), (Status.REOPENED, self.unit))
        [reopened] = self.worker()
        self.assertRegex(reopened["text"], unbroken(case.tracking_code))

        resolve(case, "این بار کامل ترمیم شد")
        # The second result asks again, and the answer is taken.
        [second] = self.worker()
        self.assertIn("این بار کامل ترمیم شد", second["text"])
        # The same wording; the answer link is the new result's own.
        self.assertEqual(re.sub(r"k=\w+", "k=", second["text"]), re.sub(r"k=\w+", "k=", result[
            "text"].replace("چاله با آسفالت گرم پر شد", "این بار کامل ترمیم شد")))
        self.assertNotEqual(second["text"].split("k=")[1], result["text"].split("k=")[1])
        case.refresh_from_db()
        self.assertTrue(actions.awaits_answer(case))
        self.assertEqual(self.reply("۱")["action"], "satisfied")
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))
        # Each answer stays in the history: the objection, then the satisfied answer.
        answers = [(e.step, e.data.get("satisfied")) for e in case.events.order_by("at", "pk")
                   if "satisfied" in e.data]
        self.assertEqual(answers, [("reopen", False), ("close", True)])
        [thanks] = self.worker()
        self.assertRegex(thanks["text"], unbroken(case.tracking_code))
        self.assertEqual(self.worker(), [])
        self.assertIn(case.pk, list(cases_told()))

    def test_receipt_result_and_answer_by_sms_through_the_actions(self) -> None:
        def resolve(case: Case, note: str) -> None:
            actions.resolve_case(case, note=note, by=self.charlie)

        self.check_loop(self.receive(), resolve)

    @unittest.skipUnless(apps.is_installed("open137.api"), "the staff API is not installed")
    def test_receipt_result_and_answer_by_sms_through_the_staff_api(self) -> None:
        token = self.client.post("/api/v1/token", {"username": "charlie",
                                                   "password": "secret-pass-137"}).json()["token"]

        def resolve(case: Case, note: str) -> None:
            response = self.client.post(f"/api/v1/requests/{case.pk}/resolve/", {"note": note},
                                        content_type="application/json",
                                        HTTP_AUTHORIZATION=f"Token {token}")
            self.assertEqual(response.status_code, 200, response.content)

        self.check_loop(self.receive(), resolve)

    def test_an_sms_request_is_answered_with_its_code_by_the_worker(self) -> None:
        created = self.reply("آب‌گرفتگی در خیابان اصلی")
        [receipt] = self.worker()
        self.assertEqual(receipt["to"], PHONE)
        self.assertRegex(receipt["text"], unbroken(created["tracking_code"]))
