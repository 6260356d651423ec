"""Updates the bot does not handle never fail: stickers, voice and the like get a polite
answer; edits, group chats, channel posts and other kinds are recorded and ignored; values
of the wrong type anywhere in an update are read as absent."""

from open137.messenger.models import Update
from open137.messenger.tests.helpers import MessengerTestCase


class UnhandledUpdateTests(MessengerTestCase):
    def test_a_sticker_a_voice_message_or_a_video_gets_a_polite_answer(self) -> None:
        contents = [{"sticker": {"file_id": "s1", "emoji": "🙂"}},
                    {"voice": {"file_id": "v1", "duration": 3}},
                    {"video": {"file_id": "x1"}}, {"dice": {"value": 3}},
                    {"document": {"file_id": "d1", "mime_type": "application/pdf"}}]
        for content in contents:
            with self.subTest(content=content):
                [answer] = self.act(self.citizen.sends(**content))
                self.assertTrue(answer.text)

    def test_edits_group_chats_channel_posts_and_other_kinds_are_ignored(self) -> None:
        group = self.platform.citizen(user_id=2002, chat_type="group")
        updates = [
            self.citizen.edits("ویرایش"),
            group.says("/start"),
            self.platform.deliver({"channel_post": {"message_id": 1, "text": "hi",
                                                    "chat": {"id": -100, "type": "channel"}}}),
            self.platform.deliver({"inline_query": {"id": "q", "query": "x"}}),
            self.platform.deliver({"my_chat_member": {"chat": {"id": 1001}}}),
            self.platform.deliver({}),
        ]
        for update in updates:
            with self.subTest(update=update):
                response = self.post(update)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["outcome"], "ignored")
        self.worker()
        self.assertEqual(self.platform.sent(), [])
        self.assertEqual(Update.objects.count(), len(updates))

    def test_values_of_the_wrong_type_are_read_as_absent(self) -> None:
        odd = [
            {"message": "text"},
            {"message": {"chat": ["1001"], "text": "x"}},
            {"message": {"chat": {"id": 1001, "type": "private"}, "text": 5}},
            {"message": {"chat": {"id": 1001, "type": "private"}, "from": "me",
                         "location": {"latitude": "35", "longitude": None}}},
            {"message": {"chat": {"id": 1001, "type": "private"},
                         "contact": {"phone_number": 989121234567}}},
            {"message": {"chat": {"id": 1001, "type": "private"},
                         "photo": [{"file_id": 7}, "x", None]}},
            {"message": {"chat": {"id": True, "type": "private"}, "text": "x"}},
            {"message": {"chat": {"id": "9" * 40, "type": "private"}, "text": "x"}},
            {"callback_query": {"id": "q", "data": {"a": 1},
                                "message": {"chat": {"id": 1001, "type": "private"}}}},
            {"callback_query": {"id": None, "message": None}},
            {"message": {"chat": {"id": 1001, "type": "private"},
                         "location": {"latitude": float("inf"), "longitude": 1}}},
        ]
        self.platform.queries.add("q")
        for content in odd:
            with self.subTest(content=content):
                response = self.post(self.platform.deliver(content))
                self.assertEqual(response.status_code, 200, response.content)
        self.worker()
        self.assertTrue(all(c.status == 200 for c in self.platform.calls
                            if c.method != "getUpdates"))

    def test_a_stale_or_unknown_button_is_answered_and_changes_nothing(self) -> None:
        self.act(self.citizen.says("/start"))
        for data in ("s:999999", "nonsense", "sat:1:2:1", "sat:x", "", "g:abc"):
            with self.subTest(data=data):
                update = self.citizen.presses(data)
                self.assertEqual(self.post(update).status_code, 200)
        self.worker()
        answers = self.platform.sent(method="answerCallbackQuery")
        self.assertEqual(len(answers), 6)
        self.assertTrue(all(a.params.get("text") for a in answers))
