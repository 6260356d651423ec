"""The result in the chat carries "satisfied" / "not satisfied" buttons that answer exactly
like 1 / 2 by SMS: satisfied closes, not satisfied reopens to the same unit; a button
answers its own result only, and only from the chat the request came from."""

from typing import Any

from open137.cases import actions
from open137.cases.models import Case, Channel
from open137.cases.testing import inside
from open137.cases.workflow import Status
from open137.messenger.tests.helpers import MessengerTestCase


class SatisfactionButtonTests(MessengerTestCase):
    def resolved(self, **kwargs: Any) -> Case:
        lat, lon = inside(self.district)
        case = actions.receive_case(subject=self.works_subject, channel=Channel.MESSENGER,
                                    by=None, description="چاله بزرگ", lat=lat, lon=lon,
                                    contact_chat=str(self.citizen.chat_id), **kwargs)
        actions.resolve_case(case, note="ترمیم شد", by=self.charlie)
        self.worker()
        return case

    def pressed(self, satisfied: bool) -> str:
        result = self.citizen.inbox()[-1]
        data = next(d for _l, d in result.buttons if d.endswith(":1" if satisfied else ":0"))
        self.act(self.citizen.presses(data))
        return data

    def toast(self) -> str:
        return str(self.platform.sent(method="answerCallbackQuery")[-1].params.get("text"))

    def test_satisfied_closes_the_request_and_the_thanks_arrive(self) -> None:
        case = self.resolved()
        self.pressed(True)
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))
        self.assertIn(case.tracking_code, self.citizen.inbox()[-1].text)  # the thanks

    def test_not_satisfied_reopens_to_the_same_unit_and_an_old_button_answers_nothing(
            self) -> None:
        case = self.resolved()
        unit = case.unit
        old = self.pressed(False)
        case.refresh_from_db()
        self.assertEqual((case.status, case.unit, case.reopen_count),
                         (Status.REOPENED, unit, 1))
        actions.resolve_case(case, note="این بار کامل شد", by=self.charlie)
        self.worker()
        self.act(self.citizen.presses(old.replace(":0", ":1")))  # the first result's button
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)
        self.assertIn(case.tracking_code, self.toast())
        self.pressed(True)
        case.refresh_from_db()
        self.assertEqual(case.status, Status.CLOSED)

    def test_a_second_press_is_refused_by_the_request_s_own_rules(self) -> None:
        case = self.resolved()
        self.pressed(True)
        self.act(self.citizen.presses(
            next(d for _l, d in self.citizen.inbox()[-2].buttons if d.endswith(":0"))))
        case.refresh_from_db()
        self.assertEqual(case.status, Status.CLOSED)
        self.assertIn(case.tracking_code, self.toast())

    def test_another_chat_cannot_answer_for_the_citizen(self) -> None:
        case = self.resolved()
        data = next(d for _l, d in self.citizen.inbox()[-1].buttons if d.endswith(":0"))
        stranger = self.platform.citizen(user_id=4004)
        self.citizen = stranger
        self.act(stranger.presses(data))
        case.refresh_from_db()
        self.assertEqual(case.status, Status.RESOLVED)

    def test_typing_1_or_2_answers_the_latest_result_as_by_sms(self) -> None:
        case = self.resolved()
        self.act(self.citizen.says("۲"))
        case.refresh_from_db()
        self.assertEqual(case.status, Status.REOPENED)
        actions.resolve_case(case, note="این بار کامل شد", by=self.charlie)
        self.worker()
        self.act(self.citizen.says("1"))
        case.refresh_from_db()
        self.assertEqual((case.status, case.satisfied), (Status.CLOSED, True))

    def test_following_a_waiting_result_by_its_code_shows_the_buttons(self) -> None:
        case = self.resolved()
        replies = self.act(self.citizen.says(case.tracking_code))
        self.assertIn("ترمیم شد", replies[-1].text)
        self.assertTrue(replies[-1].buttons)
        stranger = self.platform.citizen(user_id=5005)
        self.citizen = stranger
        [theirs] = self.act(stranger.says(case.tracking_code))
        self.assertEqual(theirs.buttons, [])
