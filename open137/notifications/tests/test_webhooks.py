import itertools
import json
from datetime import timedelta

from django.test import TestCase, override_settings
from django.utils import timezone

from open137.directory.models import Unit
from open137.notifications import actions
from open137.notifications.channels.webhook import verify
from open137.notifications.models import DeliveryAttempt, DeliveryState, Message, WebhookEndpoint
from open137.notifications.testing import TIMEOUT, LocalServer, Received
from open137.notifications.worker import deliver_due

SECRET = "organisation-secret-137"


def fail_then_time_out_then_answer(received: Received, earlier: list[Received]) -> int | str:
    """Per delivery: 500 first, then no answer in time, then 200."""
    key = received.headers["x-open137-delivery"]
    tries = sum(1 for r in earlier if r.headers["x-open137-delivery"] == key)
    answers: list[int | str] = [500, TIMEOUT, 200]
    return answers[min(tries, 2)]


@override_settings(WEBHOOK_TIMEOUT=0.3, WORKER_RETRY_BASE_SECONDS=30,
                   WORKER_RETRY_MAX_SECONDS=3600, WEBHOOK_RETRY_HOURS=48)
class WebhookDeliveryTests(TestCase):
    unit: Unit

    @classmethod
    def setUpTestData(cls) -> None:
        cls.unit = Unit.objects.create(code="waste", type=Unit.Type.ORGANISATION,
                                       name_fa="سازمان مدیریت پسماند")

    def endpoint(self, url: str, **kwargs: object) -> WebhookEndpoint:
        return WebhookEndpoint.objects.create(unit=self.unit, url=url, secret=SECRET, **kwargs)

    def event(self, number: int, name: str = "case.referred") -> list[Message]:
        return actions.enqueue_webhooks(
            unit_ids=[self.unit.pk], event=name, key=f"case-1:event-{number}", case_id=1,
            payload=lambda: {"event": name, "event_id": number,
                             "request": {"tracking_code": "1234567890", "note": "آسفالت"}})

    def run_until_quiet(self, start: timedelta = timedelta(0)) -> None:
        """Run the worker at each retry time until nothing is waiting."""
        now = timezone.now() + start
        for _round in range(10):
            deliver_due(now=now)
            waiting = Message.objects.filter(
                status__in=[DeliveryState.PENDING, DeliveryState.FAILED])
            if not waiting.exists():
                return
            now = max(now, min(m.next_attempt_at for m in waiting)) + timedelta(seconds=1)

    def test_a_receiver_that_fails_then_times_out_then_answers_gets_each_event_once(self) -> None:
        with LocalServer(fail_then_time_out_then_answer, silence=1.0) as server, \
                self.assertLogs("open137.notifications", "WARNING"):
            self.endpoint(server.url + "/137/hook")
            self.event(1)
            self.event(2, "case.reopened")
            self.run_until_quiet()
        by_delivery: dict[str, list[Received]] = {}
        for request in server.requests:
            by_delivery.setdefault(request.headers["x-open137-delivery"], []).append(request)
        self.assertEqual(len(by_delivery), 2)
        for key, requests in by_delivery.items():
            with self.subTest(delivery=key):
                acknowledged = [r for r in requests if r.answer == 200]
                self.assertEqual(len(acknowledged), 1)
                self.assertEqual(len(requests), 3)
                for request in requests:
                    self.assertTrue(verify(SECRET, request.headers["x-open137-timestamp"],
                                           request.body,
                                           request.headers["x-open137-signature"]))
                    self.assertEqual(request.headers["idempotency-key"], key)
                self.assertEqual(json.loads(requests[0].body), json.loads(requests[2].body))
        events = {r.json()["event"] for r in server.requests}
        self.assertEqual(events, {"case.referred", "case.reopened"})
        self.assertEqual(Message.objects.filter(status=DeliveryState.SENT).count(), 2)
        self.assertEqual(DeliveryAttempt.objects.filter(ok=True).count(), 2)
        self.assertEqual(DeliveryAttempt.objects.filter(ok=False).count(), 4)

    def test_a_forged_or_stale_signature_does_not_verify(self) -> None:
        with LocalServer() as server:
            self.endpoint(server.url)
            self.event(1)
            deliver_due()
        request = server.requests[0]
        stamp, signature = (request.headers["x-open137-timestamp"],
                            request.headers["x-open137-signature"])
        self.assertTrue(verify(SECRET, stamp, request.body, signature))
        self.assertFalse(verify("another-secret", stamp, request.body, signature))
        self.assertFalse(verify(SECRET, stamp, request.body + b" ", signature))
        self.assertFalse(verify(SECRET, stamp, request.body, signature,
                                now=int(stamp) + 3600))

    def test_the_same_event_is_queued_once_however_often_it_is_enqueued(self) -> None:
        self.endpoint("http://127.0.0.1:9/hook")
        self.assertEqual(len(self.event(1)), 1)
        self.assertEqual(len(self.event(1)), 0)
        self.assertEqual(Message.objects.count(), 1)

    def test_endpoints_get_only_the_events_they_asked_for(self) -> None:
        self.endpoint("http://127.0.0.1:9/all")
        self.endpoint("http://127.0.0.1:9/reopen-only", events="case.reopened")
        self.endpoint("http://127.0.0.1:9/off", active=False)
        self.event(1, "case.referred")
        self.event(2, "case.reopened")
        self.assertEqual(sorted(Message.objects.values_list("recipient", "text")), [
            ("http://127.0.0.1:9/all", "case.referred"),
            ("http://127.0.0.1:9/all", "case.reopened"),
            ("http://127.0.0.1:9/reopen-only", "case.reopened"),
        ])

    def test_a_receiver_that_is_down_is_retried_for_more_than_a_day_before_giving_up(self) -> None:
        with LocalServer() as server:
            url = server.url  # closed again: every call is refused
        self.endpoint(url)
        [message] = self.event(1)
        now = message.created_at
        with self.assertLogs("open137.notifications", "WARNING"):
            while message.status != DeliveryState.DEAD:
                deliver_due(now=now)
                message.refresh_from_db()
                if message.status == DeliveryState.FAILED:
                    now = message.next_attempt_at
            self.assertGreaterEqual(now - message.created_at, timedelta(hours=24))
        self.assertLessEqual(now - message.created_at, timedelta(hours=49))
        attempts = list(message.delivery_attempts.order_by("started_at"))
        gaps = [(b.started_at - a.started_at).total_seconds()
                for a, b in itertools.pairwise(attempts)]
        self.assertEqual(gaps[:4], [30, 60, 120, 240])
        self.assertEqual(max(gaps), 3600)

    def test_a_switched_off_endpoint_gives_up_at_once(self) -> None:
        endpoint = self.endpoint("http://127.0.0.1:9/hook")
        [message] = self.event(1)
        endpoint.active = False
        endpoint.save()
        with self.assertLogs("open137.notifications", "WARNING"):
            deliver_due()
        message.refresh_from_db()
        self.assertEqual(message.status, DeliveryState.DEAD)
