import json
import tempfile
from datetime import timedelta
from pathlib import Path

from django.test import TestCase, override_settings
from django.utils import timezone

from open137.notifications import actions
from open137.notifications.models import DeliveryAttempt, DeliveryState, Message
from open137.notifications.testing import LocalServer, sms_lines
from open137.notifications.worker import deliver_due

TEXT = "۱۳۷: درخواست شما ثبت شد. کد رهگیری: 1234567890"


def queue(key: str = "one") -> Message:
    message = actions.enqueue_sms(to="+989121234567", kind="status_reply",
                                  values={"code": "1234567890", "status": "ok"}, key=key,
                                  urgent=True)
    assert message is not None
    Message.objects.filter(pk=message.pk).update(text=TEXT)
    return message


class HttpGatewayTests(TestCase):
    def gateway(self, server: LocalServer, **extra: object) -> override_settings:
        values = {"SMS_BACKEND": "http", "SMS_HTTP_URL": server.url + "/send",
                  "SMS_HTTP_METHOD": "POST", "SMS_HTTP_FORMAT": "form",
                  "SMS_HTTP_TO_PARAM": "receptor", "SMS_HTTP_TEXT_PARAM": "message",
                  "SMS_HTTP_PARAMS": "sender=30001370&type=1", "SMS_HTTP_HEADERS": "",
                  "SMS_HTTP_PHONE_FORMAT": "local", "SMS_HTTP_SUCCESS": "",
                  "SMS_HTTP_TIMEOUT": 2}
        values.update(extra)
        return override_settings(**values)

    def test_a_form_post_carries_the_number_the_text_and_the_static_parameters(self) -> None:
        with LocalServer() as server, self.gateway(server,
                                                   SMS_HTTP_HEADERS="apikey: k-137; X-Id: 7"):
            message = queue()
            self.assertEqual(deliver_due()["sent"], 1)
        [request] = server.requests
        self.assertEqual((request.method, request.path), ("POST", "/send"))
        self.assertEqual(request.params, {"receptor": "09121234567", "message": TEXT,
                                          "sender": "30001370", "type": "1"})
        self.assertEqual(request.headers["apikey"], "k-137")
        message.refresh_from_db()
        self.assertEqual(message.status, DeliveryState.SENT)
        self.assertEqual(message.delivery_attempts.get().status_code, 200)

    def test_a_get_gateway_gets_the_parameters_in_the_address(self) -> None:
        with LocalServer() as server, self.gateway(
                server, SMS_HTTP_METHOD="GET", SMS_HTTP_URL=server.url + "/v1/KEY/sms/send.json",
                SMS_HTTP_PHONE_FORMAT="international"):
            queue()
            deliver_due()
        [request] = server.requests
        self.assertEqual((request.method, request.path), ("GET", "/v1/KEY/sms/send.json"))
        self.assertEqual(request.params["receptor"], "989121234567")
        self.assertEqual(request.params["message"], TEXT)

    def test_a_json_gateway_gets_a_json_body(self) -> None:
        with LocalServer() as server, self.gateway(server, SMS_HTTP_FORMAT="json",
                                                   SMS_HTTP_PHONE_FORMAT="e164"):
            queue()
            deliver_due()
        body = server.requests[0].json()
        self.assertEqual((body["receptor"], body["message"]), ("+989121234567", TEXT))

    def test_a_gateway_error_is_retried_later_and_then_sent_once(self) -> None:
        answers = iter([500, 200])
        with LocalServer(lambda received, earlier: next(answers)) as server, \
                self.gateway(server), self.assertLogs("open137.notifications", "WARNING"):
            message = queue()
            now = timezone.now()
            self.assertEqual(deliver_due(now=now)["failed"], 1)
            message.refresh_from_db()
            self.assertEqual(message.status, DeliveryState.FAILED)
            self.assertEqual(message.next_attempt_at, now + timedelta(seconds=30))
            self.assertEqual(deliver_due(now=now + timedelta(seconds=10)).total(), 0)
            self.assertEqual(deliver_due(now=now + timedelta(seconds=31))["sent"], 1)
        self.assertEqual([r.answer for r in server.requests], [500, 200])
        self.assertEqual(list(DeliveryAttempt.objects.order_by("pk").values_list("ok", flat=True)),
                         [False, True])

    def test_an_answer_without_the_success_mark_counts_as_a_failure(self) -> None:
        with LocalServer(body='{"RetStatus": 35}') as server, self.gateway(
                server, SMS_HTTP_SUCCESS=r'"RetStatus":\s*1\b'), \
                self.assertLogs("open137.notifications", "WARNING"):
            message = queue()
            deliver_due()
        message.refresh_from_db()
        self.assertEqual(message.status, DeliveryState.FAILED)
        self.assertIn("RetStatus", message.delivery_attempts.get().response)

    def test_an_unreachable_gateway_is_retried(self) -> None:
        with LocalServer() as server:
            url = server.url
        with override_settings(SMS_BACKEND="http", SMS_HTTP_URL=url, SMS_HTTP_TIMEOUT=1), \
                self.assertLogs("open137.notifications", "WARNING"):
            message = queue()
            deliver_due()
        message.refresh_from_db()
        self.assertEqual(message.status, DeliveryState.FAILED)
        self.assertIn("unreachable", message.last_error)


class FileBackendTests(TestCase):
    def test_each_message_is_one_json_line_with_to_and_text(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sms.jsonl"
            with override_settings(SMS_BACKEND="file", SMS_FILE_PATH=str(path)):
                queue("a")
                queue("b")
                deliver_due()
            lines = sms_lines(path)
            self.assertEqual(len(lines), 2)
            self.assertEqual({(line["to"], line["text"]) for line in lines},
                             {("09121234567", TEXT)})
            self.assertTrue(all(json.loads(raw) for raw in path.read_text().splitlines()))
