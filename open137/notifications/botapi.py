"""A client of the Telegram-compatible Bot API that Bale (and Telegram) speak.

MESSENGER_API_URL is the bot's base address with its token, such as
`https://tapi.bale.ai/bot<token>`; a method is a POST to `<base>/<method>` with a JSON body
(multipart when a file goes up), answered by `{"ok": true, "result": ...}` or by
`{"ok": false, "error_code": ..., "description": ..., "parameters": {"retry_after": ...}}`.
A file the platform holds is downloaded from `<file base>/<file_path>`; the file base is the
base address with `file/` put before its last part (`https://tapi.bale.ai/file/bot<token>`)
unless MESSENGER_FILE_URL names another.

The token is a password: no address is ever put in an error message or a log line.
"""

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from django.conf import settings

# Answers larger than this are not a Bot API document (a getUpdates batch is far smaller).
MAX_ANSWER = 4 * 1024 * 1024


class BotApiError(Exception):
    """The platform did not do what was asked: no answer, an error answer, or a refusal."""

    def __init__(self, description: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.status = status
        self.retry_after = retry_after

    @property
    def final(self) -> bool:
        """Retrying cannot help: the call itself is wrong, or the citizen blocked the bot.

        A wrong token (401) or address (404) is not final: it is fixed in the settings,
        and what waits is sent then.
        """
        return self.status in {400, 403}

    @property
    def unchanged(self) -> bool:
        """An edit that asked for what the message already shows: nothing left to do."""
        return self.status == 400 and "not modified" in self.description.lower()


def configured() -> bool:
    """True when the city has pointed open137 at a bot (MESSENGER_API_URL)."""
    return bool(settings.MESSENGER_API_URL.strip())


def _base() -> str:
    base = settings.MESSENGER_API_URL.strip().rstrip("/")
    if not base:
        raise BotApiError("MESSENGER_API_URL is not set")
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        raise BotApiError("MESSENGER_API_URL must be an http or https address")
    return base


def file_base() -> str:
    """Where the platform's files are downloaded from (see the module's docstring)."""
    given = settings.MESSENGER_FILE_URL.strip().rstrip("/")
    if given:
        return given
    parts = urllib.parse.urlsplit(_base())
    head, _sep, last = parts.path.rpartition("/")
    return urllib.parse.urlunsplit(parts._replace(path=f"{head}/file/{last}"))


def _multipart(params: Mapping[str, Any],
               files: Mapping[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    chunks: list[bytes] = []
    for name, value in params.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                      .encode() + text.encode() + b"\r\n")
    for name, (filename, content, mime) in files.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                      f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
                      + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def call(method: str, params: Mapping[str, Any] | None = None, *,
         files: Mapping[str, tuple[str, bytes, str]] | None = None,
         timeout: float | None = None) -> Any:
    """Call one Bot API method; its `result`, or BotApiError."""
    url = f"{_base()}/{method}"
    if files:
        body, content_type = _multipart(params or {}, files)
    else:
        body = json.dumps(params or {}, ensure_ascii=False).encode()
        content_type = "application/json; charset=utf-8"
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked in _base)
        url, data=body, method="POST",
        headers={"Content-Type": content_type, "User-Agent": "open137"})
    try:
        with urllib.request.urlopen(  # noqa: S310
                request, timeout=timeout or settings.MESSENGER_TIMEOUT) as answer:
            status, raw = answer.status, answer.read(MAX_ANSWER)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, (exc.read(MAX_ANSWER) if exc.fp else b"")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BotApiError(f"the platform did not answer {method}: {reason}") from None
    try:
        document = json.loads(raw)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise BotApiError(f"the platform answered {method} with {status} and no Bot API "
                          f"document", status=status)
    if 200 <= status < 300 and document.get("ok") is True:
        return document.get("result")
    parameters = document.get("parameters")
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    code = document.get("error_code")
    raise BotApiError(
        str(document.get("description") or f"the platform answered {method} with {status}"),
        status=code if isinstance(code, int) and not isinstance(code, bool) else status,
        retry_after=float(retry_after) if isinstance(retry_after, int | float)
        and not isinstance(retry_after, bool) and retry_after >= 0 else None)


def download(file_path: str, *, limit: int, timeout: float | None = None) -> bytes:
    """The bytes of a file that getFile described; BotApiError when larger than `limit`."""
    if not file_path or ".." in file_path.split("/") or file_path.startswith("/"):
        raise BotApiError("the platform gave an unusable file path", status=400)
    url = f"{file_base()}/{urllib.parse.quote(file_path)}"
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise BotApiError("the file address must be http or https")
    request = urllib.request.Request(url, headers={"User-Agent": "open137"})  # noqa: S310
    try:
        with urllib.request.urlopen(  # noqa: S310
                request, timeout=timeout or settings.MESSENGER_TIMEOUT) as answer:
            content = answer.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise BotApiError(f"the platform answered the download with {exc.code}",
                          status=exc.code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BotApiError(f"the platform did not answer the download: {reason}") from None
    if len(content) > limit:
        raise BotApiError("the file is larger than the limit", status=413)
    return content
