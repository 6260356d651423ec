import io
import logging
from datetime import timedelta
from types import SimpleNamespace

from django.test import SimpleTestCase
from gunicorn.config import Config

from open137.web.accesslog import SecretlessLogger, mask_request_line


def access_line(raw_uri: str, referer: str = "-") -> str:
    """The line gunicorn writes for one request, through our logger."""
    config = Config()
    config.set("accesslog", "-")
    logger = SecretlessLogger(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.access_log.handlers = [handler]
    path, _sep, query = raw_uri.partition("?")
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": raw_uri, "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": path, "QUERY_STRING": query, "REMOTE_ADDR": "10.0.0.1",
               "HTTP_REFERER": referer}
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(seconds=0.01))
    return stream.getvalue()


class AccessLogTests(SimpleTestCase):
    def test_secrets_in_the_query_are_masked(self) -> None:
        for uri, secret in [
            ("/open311/v2/requests.json?api_key=Abc123SecretKey&extensions=true",
             "Abc123SecretKey"),
            ("/sms/inbound?secret=gateway-secret-value&from=x", "gateway-secret-value"),
            ("/desk/call?caller=%2B989121234567", "989121234567"),
            ("/desk/call?caller=anything-at-all", "anything-at-all"),
        ]:
            with self.subTest(uri=uri):
                line = access_line(uri)
                self.assertNotIn(secret, line)
                self.assertIn("***", line)
                self.assertIn(uri.split("?")[0], line)

    def test_phone_shaped_values_are_masked_under_any_name(self) -> None:
        for value in ("0912%20123%204567", "0912-123-4567", "%DB%B0%DB%B9%DB%B1%DB%B2"
                      "%DB%B1%DB%B2%DB%B3%DB%B4%DB%B5%DB%B6%DB%B7", "(026)32123456"):
            with self.subTest(value=value):
                line = access_line(f"/api/v1/requests/?q={value}&page=2")
                self.assertNotIn(value, line)
                self.assertIn("q=***&page=2", line)

    def test_tracking_codes_in_paths_and_the_referer_are_masked(self) -> None:
        line = access_line("/track/2906343695/answer",
                           referer="https://city.example/track/2906343695?k=1")
        self.assertNotIn("2906343695", line)

    def test_other_values_are_kept(self) -> None:
        self.assertEqual(mask_request_line("GET /open311/v2/requests.json?page=2&status=open "
                                           "HTTP/1.1"),
                         "GET /open311/v2/requests.json?page=2&status=open HTTP/1.1")
