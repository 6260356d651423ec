import os
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase, TestCase, override_settings

from open137.notifications import actions, quiet
from open137.notifications.models import DeliveryState, Message
from open137.notifications.worker import deliver_due

TEHRAN = ZoneInfo("Asia/Tehran")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 5, day, hour, minute, tzinfo=TEHRAN)


class QuietWindowTests(SimpleTestCase):
    def test_a_window_is_written_in_hours_or_hours_and_minutes(self) -> None:
        self.assertEqual(quiet.parse("22-7"), (time(22), time(7)))
        self.assertEqual(quiet.parse(" 22:30 - 06:45 "), (time(22, 30), time(6, 45)))
        self.assertIsNone(quiet.parse(""))
        with self.assertRaises(ValueError):
            quiet.parse("late at night")

    def test_a_window_over_midnight_ends_the_next_morning(self) -> None:
        window = quiet.parse("22-7")
        self.assertEqual(quiet.quiet_until(local(10, 23), window, TEHRAN), local(11, 7))
        self.assertEqual(quiet.quiet_until(local(11, 3), window, TEHRAN), local(11, 7))
        self.assertIsNone(quiet.quiet_until(local(11, 7), window, TEHRAN))
        self.assertIsNone(quiet.quiet_until(local(10, 21, 59), window, TEHRAN))

    def test_a_window_within_one_day(self) -> None:
        window = quiet.parse("13-15")
        self.assertEqual(quiet.quiet_until(local(10, 14), window, TEHRAN), local(10, 15))
        self.assertIsNone(quiet.quiet_until(local(10, 15), window, TEHRAN))


@override_settings(SMS_QUIET_HOURS="22-7", SMS_BACKEND="file", SMS_FILE_PATH=os.devnull,
                   TIME_ZONE="Asia/Tehran")
class QuietHoursTests(TestCase):
    def enqueue(self, key: str, *, urgent: bool, at: datetime) -> Message:
        message = actions.enqueue_sms(to="+989121234567", kind="receipt", values={"code": "1"},
                                      key=key, urgent=urgent, now=at)
        assert message is not None
        return message

    def test_non_urgent_sms_at_night_waits_for_the_morning(self) -> None:
        message = self.enqueue("night", urgent=False, at=local(10, 23, 30))
        self.assertEqual(message.next_attempt_at, local(11, 7))
        self.assertEqual(deliver_due(now=local(11, 6, 59)).total(), 0)
        self.assertEqual(deliver_due(now=local(11, 7, 1))["sent"], 1)

    def test_urgent_sms_at_night_goes_at_once(self) -> None:
        message = self.enqueue("urgent", urgent=True, at=local(10, 23, 30))
        self.assertEqual(message.next_attempt_at, local(10, 23, 30))
        self.assertEqual(deliver_due(now=local(10, 23, 31))["sent"], 1)

    def test_sms_in_the_day_goes_at_once(self) -> None:
        message = self.enqueue("day", urgent=False, at=local(10, 12))
        self.assertEqual(message.next_attempt_at, local(10, 12))

    def test_sms_still_waiting_when_the_quiet_hours_begin_is_held_without_an_attempt(self) -> None:
        message = self.enqueue("late", urgent=False, at=local(10, 21, 55))
        self.assertEqual(deliver_due(now=local(10, 22, 10))["deferred"], 1)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (DeliveryState.PENDING, 0))
        self.assertEqual(message.next_attempt_at, local(11, 7))

    def test_email_ignores_quiet_hours(self) -> None:
        message = actions.enqueue_email(to="citizen@example.com", kind="receipt",
                                        values={"code": "1"}, key="mail", now=local(10, 23))
        assert message is not None
        self.assertEqual(message.next_attempt_at, local(10, 23))
        self.assertEqual(message.expires_at - message.created_at, timedelta(hours=24))


class MalformedSettingTests(TestCase):
    @override_settings(SMS_QUIET_HOURS="after dinner")
    def test_a_malformed_setting_is_logged_and_never_blocks_a_message(self) -> None:
        with self.assertLogs("open137.notifications", "ERROR"):
            message = actions.enqueue_sms(to="+989121234567", kind="receipt",
                                          values={"code": "1"}, key="typo")
        assert message is not None
        self.assertEqual(message.next_attempt_at, message.created_at)
