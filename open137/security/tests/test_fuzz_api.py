"""Schemathesis generates requests from the staff API's own schema: none may fail the server
(5xx) or answer outside the schema."""

import logging
import os
from typing import Any

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import TestCase, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from open137.cases.models import Case
from open137.cases.testing import CityTestCase, set_up_city
from open137.directory.models import District, Subject

EXAMPLES_PER_OPERATION = 160
CHECKS = [not_a_server_error, response_schema_conformance]


def quiet_request_log(test: TestCase) -> None:
    """Refusals (and sign-in failures) are expected by the thousand here; their log lines
    are noise."""
    for name in ("django.request", "axes"):
        logger = logging.getLogger(name)
        test.addCleanup(logger.setLevel, logger.level)
        logger.setLevel(logging.CRITICAL)


def wsgi_app(test: TestCase) -> Any:
    """The project's WSGI application, kept on the test's database connection.

    Like Django's test client, it must not close connections at the end of each request:
    that would end the test's transaction (PostgreSQL reports "the connection is closed").
    """
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
        test.addCleanup(signal.connect, close_old_connections)
    app = get_wsgi_application()
    quiet_request_log(test)  # again: setting Django up configures logging anew
    return app


def with_known(case: Any, known: dict[str, list[str]], pick: int) -> Any:
    """Now and then put a value that exists (a request's id, a subject's code) into a
    generated case, so that the fuzzing reaches past "not found"."""
    for container in (case.path_parameters, case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name, values in known.items():
            if name in container and values and pick % 3:
                container[name] = values[pick % len(values)]
    return case


def fuzz(test: TestCase, schema: Any, *, headers: dict[str, str] | None = None,
         examples: int = EXAMPLES_PER_OPERATION,
         known: dict[str, list[str]] | None = None, checks: list[Any] | None = None) -> int:
    """Run every operation of `schema`; the number of cases sent."""
    sent = 0
    failures: list[str] = []
    statuses: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(generated=operation.as_strategy(), pick=st.integers(0, 1000))
        def run(generated: Any, pick: int) -> None:
            nonlocal sent
            case = with_known(generated, known or {}, pick)
            sent += 1
            label = case.operation.label
            response = case.call(headers=headers)
            key = f"{label} {response.status_code}"
            statuses[key] = statuses.get(key, 0) + 1
            try:
                case.validate_response(response, checks=checks or CHECKS)
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{label}: {str(error)[:600]}")

        run()
    if os.environ.get("FUZZ_REPORT"):
        print("\n".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    test.assertEqual(failures[:10], [], f"{len(failures)} failures")
    return sent


class StaffApiFuzzTests(CityTestCase):
    cases: list[Case]
    token: str

    @classmethod
    def setUpTestData(cls) -> None:
        set_up_city(cls)
        cls.token = Token.objects.create(user=cls.bob).key
        maker = CityTestCase.new_case
        cls.cases = [maker(cls, contact_phone="09121234567"),  # type: ignore[arg-type]
                     maker(cls, subject=cls.org_subject),  # type: ignore[arg-type]
                     maker(cls, description="درخت افتاده")]  # type: ignore[arg-type]

    def setUp(self) -> None:
        quiet_request_log(self)

    def test_the_staff_api_never_fails_and_answers_as_its_schema_says(self) -> None:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app(self))
        known = {"id": [str(c.pk) for c in self.cases],
                 "service_code": list(Subject.objects.values_list("code", flat=True)[:5]),
                 "district_code": list(District.objects.values_list("code", flat=True)[:3])}
        with override_settings(RATE_LIMIT_CLASSIFY="0"):
            sent = fuzz(self, schema, headers={"Authorization": f"Token {self.token}"},
                        known=known)
        self.assertGreaterEqual(sent, 2000)
