"""After an objection and a new result, the tracking page asks "satisfied?" again, and the
latest answer is the request's."""

from open137.cases import actions
from open137.cases.answers import answer_key, latest_result
from open137.cases.workflow import Status
from open137.portal.tests.helpers import PortalTestCase


class EveryResultAsksAgainTests(PortalTestCase):
    def test_the_second_result_is_answered_on_the_tracking_page(self) -> None:
        case = self.new_case(contact_phone="09121234567")
        actions.resolve_case(case, note="انجام شد", by=self.charlie)
        url = f"/track/{case.tracking_code}"
        first = answer_key(case.pk, latest_result(case).pk)
        self.client.post(f"{url}/answer", {"answer": "not_satisfied", "k": first})
        actions.resolve_case(case, note="دوباره انجام شد", by=self.charlie)
        second = answer_key(case.pk, latest_result(case).pk)
        self.assertNotEqual(first, second)
        page = self.client.get(url, {"k": second})
        self.assertContains(page, 'data-testid="answer-form"')
        self.client.post(f"{url}/answer", {"answer": "satisfied", "k": first})
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)  # the first result's link is spent
        self.client.post(f"{url}/answer", {"answer": "satisfied", "k": second})
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))
        self.assertEqual([e.data["satisfied"] for e in case.events.order_by("at", "pk")
                          if "satisfied" in e.data], [False, True])
