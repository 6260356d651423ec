"""Requests from the messenger are a channel of their own in every figure broken down by
channel and in the filters; the request page names the channel and shows the photos sent
in the chat."""

import shutil
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from open137.cases import actions
from open137.cases.models import Channel
from open137.cases.testing import CityTestCase
from open137.messenger.testing import PNG
from open137.oversight.periods import Month, Period
from open137.oversight.queries import Selection, figures_for


class ChannelInFiguresTests(CityTestCase):
    def test_a_messenger_request_counts_under_its_own_channel(self) -> None:
        self.new_case(channel=Channel.MESSENGER, contact_chat="1001")
        self.new_case(channel=Channel.PHONE)
        now = timezone.now()
        month = Month.of(timezone.localdate(now))
        period = Period(month, month)
        figures = figures_for(Selection(period), now)
        channels = {row.key: row.counts.volume for row in figures.rows("channel")}
        self.assertEqual(channels, {"phone": 1, "messenger": 1})
        only = figures_for(Selection(period, channel="messenger"), now).total()
        self.assertEqual(only.volume, 1)

    def test_the_request_page_names_the_channel_and_shows_the_chat_s_photos(self) -> None:
        media = tempfile.mkdtemp(prefix="open137-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        case = self.new_case(channel=Channel.MESSENGER, contact_chat="1001")
        with override_settings(MEDIA_ROOT=media):
            photo = actions.add_attachment(case, file=SimpleUploadedFile(
                "photo-1.png", PNG, content_type="image/png"), by=None)
            self.client.force_login(self.alice)
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            response = self.client.get(f"/desk/requests/{case.pk}/")
            self.assertContains(response, "Messenger")
            self.assertContains(response, f"/desk/requests/{case.pk}/photos/{photo.pk}")
