"""Messages to a messenger chat: one Bot API call each (sendMessage, sendPhoto...).

The outbox row holds the call: the chat in `recipient`, the text (or a photo's caption) in
`text`, and in `payload` the method, its other parameters and, for a photo, the stored
file's name. A platform that answers 5xx or not at all is retried with the worker's backoff;
a 429 waits the `retry_after` it asks for; a refused call (400, or 403 when the citizen has
blocked the bot) is given up at once.
"""

import json
import mimetypes
from typing import Any

from django.core.files.storage import default_storage

from open137.notifications import botapi
from open137.notifications.delivery import Delivered, DeliveryError
from open137.notifications.models import Message

# The platform's limits: a message's text and a photo's caption.
MAX_TEXT = 4096
MAX_CAPTION = 1024


def call_of(message: Message) -> tuple[str, dict[str, Any], str]:
    """(method, parameters, stored file name or "") of a messenger message."""
    payload = message.payload if isinstance(message.payload, dict) else {}
    method = str(payload.get("method") or "sendMessage")
    params = dict(payload.get("params") or {})
    if method == "sendMessage":
        params.update(chat_id=message.recipient, text=message.text[:MAX_TEXT])
    elif method == "sendPhoto":
        params["chat_id"] = message.recipient
        if message.text:
            params["caption"] = message.text[:MAX_CAPTION]
    return method, params, str(payload.get("file") or "")


def _photo(name: str) -> dict[str, tuple[str, bytes, str]]:
    try:
        with default_storage.open(name, "rb") as f:
            content = f.read()
    except OSError as exc:
        raise DeliveryError(f"the photo {name} is no longer stored: {exc}", final=True) from None
    filename = name.rsplit("/", 1)[-1]
    mime = mimetypes.guess_type(filename)[0] or "image/jpeg"
    return {"photo": (filename, content, mime)}


def send(message: Message) -> Delivered:
    method, params, file = call_of(message)
    try:
        result = botapi.call(method, params, files=_photo(file) if file else None)
    except botapi.BotApiError as exc:
        if exc.unchanged:
            return Delivered(status_code=exc.status, response=exc.description[:2000])
        raise DeliveryError(exc.description, status_code=exc.status, final=exc.final,
                            response=exc.description[:2000],
                            retry_after=exc.retry_after) from None
    return Delivered(status_code=200,
                     response=json.dumps(result, ensure_ascii=False, default=str)[:2000])
