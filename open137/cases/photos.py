"""Photos anyone may see: the citizen's photos of a request and the photos of the steps
shown to the citizen, each at an address that cannot be guessed from another.

Open311 `media_url` and the tracking page link here. The address carries a keyed digest
of the photo's id, so the photos of a city cannot be walked by counting; what it leads to
is checked again on every fetch, so a photo that stops being public (a step hidden from
the citizen, a file removed by the retention policy) stops being served.
"""

from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from open137.cases.models import Attachment

# The types kept by the upload module (core.uploads), and their file extensions.
PUBLIC_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
                "image/gif": "gif"}
_SALT = "open137.cases.photos"


def _key(pk: int) -> str:
    return salted_hmac(_SALT, str(pk), algorithm="sha256").hexdigest()[:20]


def public_url(attachment: Attachment) -> str:
    """The address (a path) where anyone may fetch this photo."""
    extension = PUBLIC_TYPES.get(attachment.content_type, "jpg")
    return reverse("public_photo", args=[f"{attachment.pk}-{_key(attachment.pk)}",
                                         extension])


def public_photo(name: str) -> Attachment | None:
    """The photo at this address when it is public, or None."""
    pk_text, _sep, key = name.partition("-")
    if not (pk_text.isascii() and pk_text.isdigit() and len(pk_text) < 19):
        return None
    if not constant_time_compare(key, _key(int(pk_text))):
        return None
    attachment = (Attachment.objects.select_related("event")
                  .filter(pk=int(pk_text), content_type__in=list(PUBLIC_TYPES))
                  .exclude(file="").first())
    if attachment is None or (attachment.event is not None and not attachment.event.public):
        return None
    return attachment
