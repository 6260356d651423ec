"""Bot API updates read into plain values: what the citizen did, in which chat.

Pure: no database, no HTTP. Anything the platform may send is read without an exception:
an update of a kind the bot does not handle becomes `Incoming("unsupported")` (answered
politely) or no input at all (ignored: edits, group chats, channel posts, inline queries).
"""

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from open137.core.errors import InvalidInput
from open137.core.numbers import MAX_ID

MAX_TEXT = 4096


@dataclass(frozen=True)
class Photo:
    """A photo the platform holds: fetched with getFile when the bot keeps it."""

    file_id: str
    file_unique_id: str = ""
    file_size: int | None = None
    mime_type: str = ""


@dataclass(frozen=True)
class Incoming:
    """One input from the citizen.

    kind: text, location, contact, photo, button (an inline button's data) or unsupported
    (a sticker, a voice message, a video...: the bot says what it can read). `problem` is
    set by whoever fetched the photo when it could not be kept.
    """

    kind: str
    text: str = ""
    lat: float | None = None
    lon: float | None = None
    phone: str = ""
    own_phone: bool = False
    photo: Photo | None = None
    data: str = ""
    problem: str = ""


@dataclass(frozen=True)
class Parsed:
    """An update: its id, its kind, the chat, and the input (None: nothing to answer)."""

    update_id: int
    kind: str
    chat: str = ""
    incoming: Incoming | None = None
    callback_id: str = ""
    message_id: int | None = None


def _id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return ""
    text = str(value).strip()
    return text if 0 < len(text) <= 32 else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _int(value: Any) -> int | None:
    """A whole number that fits a database column (a bigint), or None."""
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_ID:
        return None
    return value


def _photo(message: dict[str, Any], limit: int) -> Photo | None:
    """The largest size of a photo that fits `limit`, or an image sent as a file."""
    sizes = [s for s in message.get("photo") or [] if isinstance(s, dict)
             and isinstance(s.get("file_id"), str) and s["file_id"]]
    if sizes:
        fitting = [s for s in sizes if (_int(s.get("file_size")) or 0) <= limit] or sizes[:1]
        best = max(fitting, key=lambda s: (_int(s.get("file_size")) or 0,
                                           (_int(s.get("width")) or 0)
                                           * (_int(s.get("height")) or 0)))
        return Photo(best["file_id"], str(best.get("file_unique_id") or "")[:200],
                     _int(best.get("file_size")), "image/jpeg")
    document = _dict(message.get("document"))
    mime = str(document.get("mime_type") or "")
    if isinstance(document.get("file_id"), str) and document["file_id"] and \
            mime.startswith("image/"):
        return Photo(document["file_id"], str(document.get("file_unique_id") or "")[:200],
                     _int(document.get("file_size")), mime[:100])
    return None


def _message_input(message: dict[str, Any], sender: str, limit: int) -> Incoming:
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return Incoming("text", text=text[:MAX_TEXT])
    location = _dict(message.get("location")) or _dict(_dict(message.get("venue")).get(
        "location"))
    if location:
        lat, lon = _number(location.get("latitude")), _number(location.get("longitude"))
        if lat is not None and lon is not None:
            return Incoming("location", lat=lat, lon=lon)
    contact = _dict(message.get("contact"))
    if isinstance(contact.get("phone_number"), str):
        owner = _id(contact.get("user_id"))
        return Incoming("contact", phone=contact["phone_number"][:40],
                        own_phone=bool(owner) and owner == sender)
    photo = _photo(message, limit)
    if photo is not None:
        return Incoming("photo", photo=photo)
    return Incoming("unsupported")


def parse(update: Any, *, photo_limit: int) -> Parsed:
    """Read one update; InvalidInput when it is not an update at all."""
    if not isinstance(update, dict):
        raise InvalidInput(_("An update must be a JSON object."), field="update_id")
    update_id = _int(update.get("update_id"))
    if update_id is None or update_id < 0:
        raise InvalidInput(_("An update needs a whole-number update_id."), field="update_id")
    if "message" in update:
        message = _dict(update["message"])
        chat = _dict(message.get("chat"))
        chat_id, sender = _id(chat.get("id")), _id(_dict(message.get("from")).get("id"))
        if not chat_id or chat.get("type", "private") != "private":
            # Group chats are not a place for a citizen's report: the bot keeps quiet there.
            return Parsed(update_id, "group_message" if chat_id else "message")
        return Parsed(update_id, "message", chat_id, _message_input(message, sender,
                                                                     photo_limit))
    if "callback_query" in update:
        query = _dict(update["callback_query"])
        message = _dict(query.get("message"))
        chat = _dict(message.get("chat"))
        chat_id = _id(chat.get("id"))
        query_id = _id(query.get("id"))
        data = query.get("data")
        if not chat_id or chat.get("type", "private") != "private" or not query_id:
            return Parsed(update_id, "callback_query")
        return Parsed(update_id, "callback_query", chat_id,
                      Incoming("button", data=data[:64] if isinstance(data, str) else ""),
                      callback_id=query_id, message_id=_int(message.get("message_id")))
    kinds = [key for key in update if key != "update_id"]
    # Edited messages, channel posts, inline queries, membership changes: nothing to answer.
    return Parsed(update_id, str(kinds[0])[:30] if kinds else "empty")
