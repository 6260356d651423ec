"""Photos the citizen sends: fetched from the platform (getFile, then the file) and made
clean photos like every upload (core.uploads), before the update's transaction starts."""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from open137.core.dates import is_persian
from open137.core.text import persian_digits
from open137.core.uploads import clean_photo
from open137.messenger.updates import Photo
from open137.notifications import botapi

log = logging.getLogger(__name__)
ATTEMPTS = 3
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif",
              "image/webp": "webp"}


@dataclass(frozen=True)
class Fetched:
    """A photo fetched and checked: its bytes and its real type."""

    content: bytes
    content_type: str
    unique_id: str

    def upload(self, stem: str) -> SimpleUploadedFile:
        name = f"{stem}.{EXTENSIONS.get(self.content_type, 'jpg')}"
        return SimpleUploadedFile(name, self.content, content_type=self.content_type)


def _too_large() -> str:
    size = filesizeformat(settings.UPLOAD_MAX_BYTES)
    return _("The photo is larger than %(limit)s; send a smaller one.") % {
        "limit": persian_digits(size) if is_persian() else size}


def fetch(photo: Photo) -> Fetched | str:
    """The photo's bytes, checked; or the problem to tell the citizen (in the active
    language). A platform that fails or does not answer is asked again, a few times."""
    limit = settings.UPLOAD_MAX_BYTES
    if photo.file_size is not None and photo.file_size > limit:
        return _too_large()
    content = b""
    for attempt in range(ATTEMPTS):
        try:
            info = botapi.call("getFile", {"file_id": photo.file_id})
            size = info.get("file_size") if isinstance(info, dict) else None
            if isinstance(size, int) and size > limit:
                return _too_large()
            path = info.get("file_path") if isinstance(info, dict) else None
            content = botapi.download(str(path or ""), limit=limit)
            break
        except botapi.BotApiError as error:
            if error.status == 413:
                return _too_large()
            if error.final or attempt == ATTEMPTS - 1:
                log.warning("A photo could not be fetched from the messenger: %s", error)
                return _("We could not receive that photo; please send it again.")
            time.sleep(0.5 * 2 ** attempt)
    try:
        checked = clean_photo(content)
    except ValidationError as error:
        return str(error.messages[0]) if error.messages else _(
            "We could not receive that photo; please send it again.")
    return Fetched(checked.read(), checked.content_type or "image/jpeg", photo.file_unique_id)
