"""Photos from citizens: accepted by what the bytes are, never by the file's name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from open137.core.dates import is_persian
from open137.core.text import persian_digits

# The first bytes of each image format a phone camera or gallery produces.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(head: bytes) -> str | None:
    """The image MIME type these leading bytes start, or None when they are no image."""
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(upload: UploadedFile) -> UploadedFile:
    """Refuse a file that is too large or not an image; record its real type."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        size = filesizeformat(limit)
        raise ValidationError(
            _("The photo “%(name)s” is larger than %(limit)s; send a smaller one.")
            % {"name": upload.name, "limit": persian_digits(size) if is_persian() else size},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    mime = image_type(head)
    if mime is None:
        raise ValidationError(
            _("The file “%(name)s” is not a photo; send a JPEG, PNG, WebP or GIF image.")
            % {"name": upload.name},
            code="not_image",
        )
    upload.content_type = mime
    return upload
