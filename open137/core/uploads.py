"""Photos from anyone (citizens on the portal, SMS-less apps, staff, the messenger): the one
place where an uploaded file becomes a photo we keep.

A photo is accepted for what its bytes decode to, never for its name or claimed type: the
first bytes must announce JPEG, PNG, WebP or GIF, Pillow must read the header, the picture
may hold at most UPLOAD_MAX_PIXELS pixels (checked from the header, before any pixel is
decoded: a small file can announce a huge picture), and the whole picture must decode.
What is kept is a fresh encoding of the decoded pixels, turned upright: nothing else of
the file survives, neither its metadata (the camera's GPS position is the citizen's home)
nor anything hidden after or inside it (a script behind a PNG header).
"""

import io
import warnings
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from open137.core.dates import is_persian
from open137.core.text import persian_digits

# The first bytes of each image format a phone camera or gallery produces.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
# What Pillow calls each accepted format, and how the photo is kept: a GIF (often an
# animation) keeps its first picture, as a PNG.
_KEPT = {"JPEG": ("JPEG", "image/jpeg", "jpg"), "PNG": ("PNG", "image/png", "png"),
         "WEBP": ("WEBP", "image/webp", "webp"), "GIF": ("PNG", "image/png", "png")}
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
# What a decoder may meet in a damaged or hostile file.
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
               IndexError, TypeError, KeyError, Image.DecompressionBombError)


def image_type(head: bytes) -> str | None:
    """The image MIME type these leading bytes start, or None when they are no image."""
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _size(limit: int) -> str:
    text = filesizeformat(limit)
    return persian_digits(text) if is_persian() else str(text)


def _refuse(name: str, code: str) -> ValidationError:
    messages = {
        "too_large": _("The photo “%(name)s” is larger than %(limit)s; send a smaller one."),
        "not_image": _("The file “%(name)s” is not a photo; send a JPEG, PNG, WebP or GIF "
                       "image."),
        "damaged": _("The photo “%(name)s” is damaged or not really a photo; send it "
                     "again."),
        "too_many_pixels": _("The photo “%(name)s” is too large a picture (more than "
                             "%(megapixels)s megapixels); send a smaller one."),
    }
    megapixels = settings.UPLOAD_MAX_PIXELS // 1_000_000
    return ValidationError(messages[code] % {
        "name": name, "limit": _size(settings.UPLOAD_MAX_BYTES),
        "megapixels": persian_digits(megapixels) if is_persian() else megapixels}, code=code)


def clean_photo(content: bytes, *, name: str = "photo") -> SimpleUploadedFile:
    """A photo's bytes, decoded and encoded afresh without metadata; ValidationError (in
    the active language) for anything that is not a sound photo within the limits."""
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise _refuse(name, "too_large")
    if image_type(content[:16]) is None:
        raise _refuse(name, "not_image")
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check only warns below twice its limit; ours refuses.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in _KEPT:
                    raise _refuse(name, "not_image")
                if image.width * image.height > settings.UPLOAD_MAX_PIXELS:
                    raise _refuse(name, "too_many_pixels")
                image.load()
                kept_format, mime, extension = _KEPT[image.format]
                upright = ImageOps.exif_transpose(image)
                data = _encode(upright, kept_format)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _refuse(name, "too_many_pixels") from None
    except ValidationError:
        raise
    except _UNREADABLE:
        raise _refuse(name, "damaged") from None
    return SimpleUploadedFile(f"photo.{extension}", data, content_type=mime)


def _encode(image: Image.Image, kept_format: str) -> bytes:
    """The pixels alone, in a fresh file: no EXIF, no comments or text chunks, no colour
    profile, no trailing bytes."""
    transparent = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    if kept_format == "JPEG":
        fresh = image.convert("RGB")
    elif kept_format == "PNG" and image.mode in {"1", "L", "I;16"} and not transparent:
        fresh = image.convert("L")
    else:
        fresh = image.convert("RGBA" if transparent else "RGB")
    fresh.info = {}  # Pillow writes some of what it read back unless told otherwise
    out = io.BytesIO()
    if kept_format == "JPEG":
        fresh.save(out, "JPEG", quality=88, optimize=True)
    elif kept_format == "WEBP":
        fresh.save(out, "WEBP", quality=85)
    else:
        fresh.save(out, "PNG", optimize=True)
    return out.getvalue()


def check_photo(upload: UploadedFile) -> SimpleUploadedFile:
    """An uploaded file as a clean photo (see clean_photo); the upload itself is not kept."""
    name = upload.name or "photo"
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise _refuse(name, "too_large")
    upload.seek(0)
    content = upload.read(settings.UPLOAD_MAX_BYTES + 1)
    upload.seek(0)
    return clean_photo(content, name=name)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to `most` photos in one input, each made a clean photo by check_photo."""

    def __init__(self, *, most: int, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)
        self.most = most

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:  # type: ignore[override]
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.most:
            raise ValidationError(_("Send at most %(n)s photos.") % {
                "n": persian_digits(self.most) if is_persian() else self.most},
                code="too_many")
        return [check_photo(super(PhotosField, self).clean(f, initial)) for f in files]
