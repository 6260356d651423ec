"""Shared bits of the portal's tests."""

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from open137.cases.testing import CityTestCase, inside
from open137.core.dates import format_date
from open137.core.testing import image

PNG = image("PNG")
JPEG = image("JPEG")


def photo(name: str = "pothole.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def jalali(value: Any, with_time: bool = False) -> str:
    """The Persian interface's text for a date, whatever language this thread has active."""
    with translation.override("fa"):
        return format_date(value, with_time=with_time)


class PortalTestCase(CityTestCase):
    """The city, its named users, and a citizen's form ready to send."""

    def form(self, **changes: Any) -> dict[str, Any]:
        lat, lon = inside(self.district)
        data: dict[str, Any] = {"subject": self.works_subject.code, "kind": "request",
                                "description": "چاله بزرگ جلوی خانه ۱۲", "lat": str(lat),
                                "lon": str(lon), "address": "", "name": "", "phone": ""}
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    def tearDown(self) -> None:
        # The test client runs requests in this thread and LocaleMiddleware leaves their
        # language active; later tests expect the default.
        translation.deactivate()
        super().tearDown()

    def in_english(self, client: Client | None = None) -> None:
        (client or self.client).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
