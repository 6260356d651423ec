"""The conversation as a state machine, without HTTP: each step's answers, the subject's
extra questions, the place, photos, the phone, cancelling, and the language."""

from django.utils.translation import gettext as _
from django.utils.translation import override

from open137.cases.testing import CityTestCase, inside
from open137.directory.models import Subject
from open137.intelligence.testing import SharedModel
from open137.messenger import conversation as talk
from open137.messenger.catalog import Catalog
from open137.messenger.updates import Incoming, Photo

CHAT = "1001"


def text(value: str) -> Incoming:
    return Incoming("text", text=value)


def press(data: str) -> Incoming:
    return Incoming("button", data=data)


class ConversationTests(SharedModel, CityTestCase):
    def run_steps(self, state: talk.State, *inputs: Incoming) -> talk.Result:
        result = talk.Result(state)
        for incoming in inputs:
            result = talk.step(result.state, incoming, Catalog(), chat=CHAT)
        return result

    def described(self, subject_code: str) -> talk.State:
        """A report whose subject was just picked through group -> subject."""
        subject = Subject.objects.get(code=subject_code)
        result = self.run_steps(talk.State(), text("/new"), text("مشکلی در شهر داریم"),
                                press("groups"), press(f"g:{subject.group_id}"))
        self.assertIn(f"s:{subject.pk}", [d for row in result.buttons or () for _l, d in row])
        return self.run_steps(result.state, press(f"s:{subject.pk}")).state

    def test_a_required_question_cannot_be_skipped_and_a_list_is_answered_by_buttons(
            self) -> None:
        state = self.described("bus")
        self.assertEqual((state.step, state.draft["question"]), (talk.Step.QUESTION, 0))
        result = self.run_steps(state, press("skip"))
        self.assertEqual(result.toast, talk_stale())  # no skip button on a required question
        result = self.run_steps(state, text("   "))
        self.assertEqual(result.state.draft.get("answers"), {})
        result = self.run_steps(state, text("۱۲۰"))
        self.assertEqual(result.state.draft["answers"], {"line": "120"})
        result = self.run_steps(result.state, press("skip"))  # the bus number is optional
        self.assertEqual(result.state.draft["question"], 2)
        toggled = self.run_steps(result.state, press("m:0"), press("m:2"), press("m:0"))
        self.assertIn("✅", str(toggled.buttons))
        result = self.run_steps(toggled.state, press("done"))
        self.assertEqual(result.state.draft["answers"]["problem"], ["driver"])
        self.assertEqual(result.state.step, talk.Step.PLACE)

    def test_the_place_is_a_location_an_address_or_unknown(self) -> None:
        state = self.described("asphalt")
        self.assertEqual(state.step, talk.Step.PLACE)
        lat, lon = inside(self.district)
        located = self.run_steps(state, Incoming("location", lat=lat, lon=lon))
        self.assertEqual((located.state.draft["lat"], located.state.step),
                         (lat, talk.Step.PHOTOS))
        typed = self.run_steps(state, text("خیابان بهار، کوچه ۳"))
        self.assertEqual(typed.state.draft["address"], "خیابان بهار، کوچه 3")
        self.assertNotIn("lat", typed.state.draft)
        with override("fa"):
            unknown = self.run_steps(state, text(talk.dont_know()))
        self.assertEqual(unknown.state.step, talk.Step.PHOTOS)
        self.assertNotIn("address", unknown.state.draft)
        outside = self.run_steps(state, Incoming("location", lat=10.0, lon=10.0))
        with override("fa"):
            said = _("This place is outside the city's districts; the centre will route your "
                     "request by hand.")
        self.assertEqual(outside.replies[0].text, said)

    def test_photos_are_kept_once_each_and_at_most_five(self) -> None:
        state = self.described("asphalt")
        first = Photo("file-1", "unique-1")
        result = self.run_steps(state, Incoming("photo", photo=first))
        self.assertEqual(result.effects, [talk.KeepPhoto()])  # kept even before its step
        again = self.run_steps(result.state, Incoming("photo", photo=first))
        self.assertEqual(again.effects, [])
        state = result.state
        for n in range(2, 6):
            result = self.run_steps(state, Incoming("photo", photo=Photo(f"f{n}", f"u{n}")))
            state = result.state
        self.assertEqual(state.draft["photos"], 5)
        extra = self.run_steps(state, Incoming("photo", photo=Photo("f6", "u6")))
        self.assertEqual(extra.effects, [])
        refused = self.run_steps(state, Incoming("photo", photo=Photo("f7", "u7"),
                                                 problem="not a photo"))
        self.assertEqual(refused.replies[0].text, "not a photo")

    def test_a_verified_number_beats_a_typed_one(self) -> None:
        state = self.described("asphalt")
        with override("fa"):
            state = self.run_steps(state, text(talk.dont_know()), text(talk.next_step())).state
        self.assertEqual(state.step, talk.Step.PHONE)
        wrong = self.run_steps(state, text("12345"))
        self.assertEqual(wrong.state.step, talk.Step.PHONE)
        typed = self.run_steps(state, text("0912 111 2233"))
        self.assertEqual((typed.state.draft["phone"], typed.state.draft["phone_verified"]),
                         ("+989121112233", False))
        someone_else = self.run_steps(state, Incoming("contact", phone="989124445566"))
        self.assertFalse(someone_else.state.draft["phone_verified"])
        own = self.run_steps(typed.state, Incoming("contact", phone="+989124445566",
                                                   own_phone=True))
        self.assertEqual((own.state.draft["phone"], own.state.draft["phone_verified"]),
                         ("+989124445566", True))
        self.assertEqual(own.state.step, talk.Step.CONFIRM)

    def test_cancel_ends_any_step_and_drops_the_photos(self) -> None:
        state = self.described("asphalt")
        state = self.run_steps(state, Incoming("photo", photo=Photo("f", "u"))).state
        with override("en"):
            cancelled = self.run_steps(state, text(talk.cancel()))
        self.assertEqual((cancelled.state.step, cancelled.state.draft), (talk.Step.IDLE, {}))
        self.assertIn(talk.DropPhotos(), cancelled.effects)
        self.assertEqual(self.run_steps(state, text("/cancel")).state.step, talk.Step.IDLE)

    def test_the_citizen_may_switch_to_english_and_back(self) -> None:
        result = self.run_steps(talk.State(), text("English"))
        self.assertEqual(result.state.language, "en")
        self.assertIn("English", result.replies[0].text)
        self.assertEqual(result.replies[0].keyboard[-1][0].text, "فارسی")
        back = self.run_steps(result.state, text("فارسی"))
        self.assertEqual(back.state.language, "fa")

    def test_free_text_is_offered_as_a_report_and_a_code_is_looked_up(self) -> None:
        offered = self.run_steps(talk.State(), text("درخت افتاده وسط خیابان"))
        self.assertEqual(offered.replies[0].inline[0][0][1], "report")
        started = self.run_steps(offered.state, press("report"))
        self.assertEqual(started.state.step, talk.Step.SUBJECT)
        self.assertEqual(started.state.draft["description"], "درخت افتاده وسط خیابان")
        unknown = self.run_steps(talk.State(), text("۱۲۳ ۴۵۶ ۷۸۹۰"))
        self.assertIn("1234567890", unknown.replies[0].text)

    def test_a_photo_before_the_description_is_not_kept(self) -> None:
        result = self.run_steps(talk.State(), text("/new"),
                                Incoming("photo", photo=Photo("f", "u")))
        self.assertEqual((result.state.step, result.effects), (talk.Step.DESCRIBE, []))

    def test_an_old_button_is_answered_as_no_longer_in_use(self) -> None:
        result = self.run_steps(talk.State(), press("s:1"))
        self.assertEqual((result.toast, result.buttons), (talk_stale(), ()))

    def test_the_summary_names_the_subject_the_answers_and_the_place(self) -> None:
        state = self.described("taxi")
        state = self.run_steps(state, text("۱۲ ت ۳۴۵ ایران ۶۸"), press("a:0"),
                               press("skip")).state
        self.assertEqual(state.step, talk.Step.PLACE)
        with override("fa"):
            result = self.run_steps(state, text(talk.dont_know()), text(talk.next_step()),
                                    text(talk.skip()))
        summary = result.replies[-1].text
        self.assertIn(Subject.objects.get(code="taxi").name_fa, summary)
        self.assertIn("دریافت کرایه بیش از نرخ", summary)
        self.assertEqual(result.state.step, talk.Step.CONFIRM)


def talk_stale() -> str:
    with override("fa"):
        return talk._stale(talk.State()).toast
