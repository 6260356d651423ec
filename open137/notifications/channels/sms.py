"""SMS through the backend named by SMS_BACKEND: `console`, `file` or `http`.

`http` speaks to any gateway that takes the number and the text as parameters of one HTTP
call (GET, form POST or JSON POST), which is how the common Iranian gateways work; see
docs/notifications.md for examples.
"""

import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from open137.core.phones import local_phone
from open137.notifications.delivery import Delivered, DeliveryError
from open137.notifications.models import Message

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]


def send(message: Message) -> Delivered:
    backend = BACKENDS.get(settings.SMS_BACKEND)
    if backend is None:
        raise DeliveryError(f"SMS_BACKEND {settings.SMS_BACKEND!r} is not one of "
                            f"{', '.join(BACKENDS)}")
    return backend(message)


def console(message: Message) -> Delivered:
    sys.stdout.write(f"SMS to {local_phone(message.recipient)}: {message.text}\n")
    sys.stdout.flush()
    return Delivered()


def file(message: Message) -> Delivered:
    """One JSON line per message, appended; safe with several workers writing at once."""
    line = json.dumps({
        "to": local_phone(message.recipient), "text": message.text, "id": message.pk,
        "kind": message.kind, "case_id": message.case_id,
        "at": timezone.now().isoformat(timespec="seconds"),
    }, ensure_ascii=False) + "\n"
    path = settings.SMS_FILE_PATH
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line.encode())
        finally:
            os.close(fd)
    except OSError as exc:
        raise DeliveryError(f"cannot write {path}: {exc}") from exc
    return Delivered()


def gateway_phone(canonical: str, style: str) -> str:
    """The number as the gateway wants it: local 0912..., international 98912..., e164 +98..."""
    if style == "international":
        return canonical.lstrip("+")
    if style == "e164":
        return canonical
    return local_phone(canonical)


def _headers(text: str) -> dict[str, str]:
    headers = {}
    for item in re.split(r"[;\n]", text or ""):
        name, sep, value = item.partition(":")
        if sep and name.strip():
            headers[name.strip()] = value.strip()
    return headers


def http(message: Message) -> Delivered:
    url = settings.SMS_HTTP_URL
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise DeliveryError("SMS_HTTP_URL must be an http or https address", final=True)
    params = dict(urllib.parse.parse_qsl(settings.SMS_HTTP_PARAMS, keep_blank_values=True))
    params[settings.SMS_HTTP_TO_PARAM] = gateway_phone(message.recipient,
                                                       settings.SMS_HTTP_PHONE_FORMAT)
    params[settings.SMS_HTTP_TEXT_PARAM] = message.text
    headers = {"User-Agent": "open137", **_headers(settings.SMS_HTTP_HEADERS)}
    method = settings.SMS_HTTP_METHOD.upper()
    body = None
    if method == "GET":
        url += ("&" if urllib.parse.urlsplit(url).query else "?") + urllib.parse.urlencode(params)
    elif settings.SMS_HTTP_FORMAT == "json":
        body = json.dumps(params, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json; charset=utf-8"
    else:
        body = urllib.parse.urlencode(params).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as answer:  # noqa: S310
            status, text = answer.status, answer.read(4000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        text = exc.read(4000).decode("utf-8", "replace") if exc.fp else ""
        raise DeliveryError(f"gateway answered {exc.code}", status_code=exc.code,
                            response=text) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"gateway unreachable: {exc}") from exc
    success = settings.SMS_HTTP_SUCCESS
    if success and not re.search(success, text):
        raise DeliveryError("the gateway's answer does not say the message was accepted",
                            status_code=status, response=text)
    return Delivered(status_code=status, response=text)


BACKENDS: dict[str, Callable[[Message], Delivered]] = {
    "console": console, "file": file, "http": http,
}
