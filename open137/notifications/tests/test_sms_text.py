from django.test import SimpleTestCase, TestCase, override_settings
from django.utils.translation import override

from open137.notifications import actions, smstext
from open137.notifications.models import MessageTemplate
from open137.notifications.texts import TEXTS, MessageKind, check_template, default_text, fill

PERSIAN_NOTE = "چاله کوچه با آسفالت گرم ترمیم شد و محل کار پاکسازی شد. " * 4


class SmsPartsTests(SimpleTestCase):
    def test_latin_text_counts_in_gsm_parts(self) -> None:
        self.assertEqual(smstext.parts("a" * 160), 1)
        self.assertEqual(smstext.parts("a" * 161), 2)
        self.assertEqual(smstext.parts("a" * 306), 2)
        self.assertEqual(smstext.parts("a" * 307), 3)

    def test_persian_text_counts_in_ucs2_parts(self) -> None:
        self.assertEqual(smstext.parts("س" * 70), 1)
        self.assertEqual(smstext.parts("س" * 71), 2)
        self.assertEqual(smstext.parts("س" * 134), 2)
        self.assertEqual(smstext.parts("س" * 135), 3)

    def test_fit_shortens_the_note_and_never_the_code(self) -> None:
        template = "درخواست %(code)s انجام شد: %(note)s"
        text = smstext.fit(lambda v: fill(template, v), {"code": "1234567890",
                                                        "note": PERSIAN_NOTE}, ("note",), 2)
        self.assertLessEqual(smstext.parts(text), 2)
        self.assertIn("1234567890", text)
        self.assertTrue(text.endswith(smstext.ELLIPSIS))


class TemplateCheckTests(SimpleTestCase):
    def test_unknown_placeholders_are_named_in_the_complaint(self) -> None:
        with override("en"):
            problem = check_template(MessageKind.RECEIPT, "Code %(code)s for %(name)s")
        self.assertIn("name", problem or "")

    def test_a_malformed_template_is_refused(self) -> None:
        self.assertIsNotNone(check_template(MessageKind.RECEIPT, "100% done %(code)"))
        self.assertIsNone(check_template(MessageKind.RECEIPT, "Code %(code)s, 100%% sure"))

    def test_every_default_text_uses_only_its_own_placeholders(self) -> None:
        for kind in TEXTS:
            for language in ("fa", "en"):
                _subject, text = default_text(kind, language)
                with self.subTest(kind=kind, language=language):
                    self.assertIsNone(check_template(kind, text))


class DefaultLengthTests(SimpleTestCase):
    values = {"code": "1234567890", "unit": "معاونت خدمات شهری منطقه (منطقه ۱۰)",
              "date": "۲۰ اردیبهشت ۱۴۰۵", "reason": "نیاز به هماهنگی با دستگاه دیگر",
              "status": "رسیدگی‌شده", "original": "9876543210", "note": "", "message": ""}

    def test_persian_sms_without_free_text_fit_two_parts(self) -> None:
        citizen = [MessageKind.RECEIPT, MessageKind.RECEIPT_REFERRAL, MessageKind.REFERRAL,
                   MessageKind.PLANNED, MessageKind.REOPENED, MessageKind.THANKS,
                   MessageKind.LINKED, MessageKind.PLAN_DUE, MessageKind.STATUS_REPLY,
                   MessageKind.UNKNOWN_CODE, MessageKind.NOTHING_TO_ANSWER]
        for kind in citizen:
            text = fill(default_text(kind, "fa")[1], self.values)
            with self.subTest(kind=kind, text=text):
                self.assertLessEqual(smstext.parts(text), 2)


class RenderTests(TestCase):
    def test_an_administrators_template_replaces_the_default(self) -> None:
        MessageTemplate.objects.create(kind=MessageKind.RECEIPT, language="fa",
                                       text="کد پیگیری شما: %(code)s")
        self.assertEqual(actions.render_sms(MessageKind.RECEIPT, "fa", {"code": "1234567890"}),
                         "کد پیگیری شما: 1234567890")

    def test_a_broken_template_falls_back_to_the_default_instead_of_failing(self) -> None:
        MessageTemplate.objects.create(kind=MessageKind.RECEIPT, language="en", text="%(code)d!")
        with self.assertLogs("open137.notifications", "WARNING"):
            text = actions.render_sms(MessageKind.RECEIPT, "en", {"code": "1234567890"})
        self.assertIn("1234567890", text)

    @override_settings(SMS_MAX_PARTS=2)
    def test_a_long_note_is_shortened_to_the_allowed_parts(self) -> None:
        text = actions.render_sms(MessageKind.RESOLVED, "fa", {"code": "1234567890",
                                                        "note": PERSIAN_NOTE})
        self.assertLessEqual(smstext.parts(text), 2)
        self.assertIn("1234567890", text)

    def test_writing_the_default_templates_is_idempotent(self) -> None:
        first = actions.write_default_templates(languages=["fa", "en"], overwrite=False,
                                                by=None)
        again = actions.write_default_templates(languages=["fa", "en"], overwrite=False,
                                                by=None)
        self.assertEqual(first, MessageTemplate.objects.count())
        self.assertEqual(again, 0)
