"""A Bot API platform on 127.0.0.1, for the tests and for chatting with the bot by hand.

`FakePlatform` answers the methods open137 calls (getUpdates, setWebhook, deleteWebhook,
getWebhookInfo, getMe, sendMessage, sendPhoto, answerCallbackQuery,
editMessageReplyMarkup, getFile) and file downloads, as Bale and Telegram answer them:
`{"ok": true, "result": ...}`, or `{"ok": false, "error_code", "description"}` with the
same HTTP status, and `parameters.retry_after` on a 429. It checks what it is sent the way
the real platforms do (a chat it never saw, an empty text, a button's data over 64 bytes,
an unknown callback query, an edit that changes nothing), records every call, and can be
told to fail (`fail("sendMessage", 503, "timeout", 429)`).

The citizen's side is played by a `Citizen`: `says`, `shares_location`, `sends_photo`,
`shares_contact`, `presses`... Each makes an update that waits for getUpdates, and is also
pushed to the webhook when one is set and `push` is on (the developer's chat command).
"""

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

TIMEOUT = "timeout"
# The smallest PNG (one transparent pixel): a photo for tests and the chat command.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c6360606060000000050001a5f645400000000049454e44ae426082")


@dataclass
class Call:
    """One Bot API call the platform received, and the status it answered (0 while it is
    still being answered)."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 0

    @property
    def chat(self) -> str:
        return str(self.params.get("chat_id", ""))

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def markup(self) -> dict[str, Any]:
        markup = self.params.get("reply_markup") or {}
        return markup if isinstance(markup, dict) else {}

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, data) of the inline buttons, row by row."""
        return [(b.get("text", ""), b.get("callback_data", ""))
                for row in self.markup.get("inline_keyboard") or [] for b in row]

    @property
    def keyboard(self) -> list[str]:
        """The labels of the keyboard under the input box this message sets."""
        return [b.get("text", "") for row in self.markup.get("keyboard") or [] for b in row]


class PlatformError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


class FakePlatform:
    """`with FakePlatform() as platform:` serves a bot at `platform.api_url`."""

    def __init__(self, *, token: str = "TEST", port: int = 0,  # noqa: S107
                 push: bool = False, silence: float = 1.5,
                 on_call: Callable[[Call], None] | None = None) -> None:
        self.token, self.push, self.silence, self.on_call = token, push, silence, on_call
        self.lock = threading.Condition()
        self.pending: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.faults: dict[str, list[int | str]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.queries: set[str] = set()
        self.chats: set[str] = set()
        self.blocked: set[str] = set()
        self.webhook: dict[str, Any] = {}
        self.retry_after = 1  # what a 429 asks for
        # Update ids go on from run to run, as a real bot's do: a database that has seen
        # an earlier run's updates must not take this run's for repeats.
        self.next_update = int(time.time() * 1000) % 10**12
        self.next_message = 1
        self.next_file = 1
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer._serve(self)

            def do_POST(self) -> None:
                outer._serve(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot{self.token}"

    def __enter__(self) -> "FakePlatform":
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the tests and the chat command use -------------------------------------

    def citizen(self, user_id: int = 1001, first_name: str = "Sara",
                chat_type: str = "private") -> "Citizen":
        return Citizen(self, user_id, first_name, chat_type)

    def fail(self, method: str, *answers: int | str) -> None:
        """The next calls of `method` are answered with these statuses (or TIMEOUT)."""
        with self.lock:
            self.faults.setdefault(method, []).extend(answers)

    def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Put an update in the queue (and push it to the webhook when asked to)."""
        with self.lock:
            update = {"update_id": self.next_update, **update}
            self.next_update += 1
            self.pending.append(update)
            self.lock.notify_all()
            webhook = dict(self.webhook)
        if self.push and webhook.get("url"):
            threading.Thread(target=self._push, args=(update, webhook), daemon=True).start()
        return update

    def add_file(self, content: bytes, *, path: str = "photos/file.jpg") -> tuple[str, str]:
        """Store a file as the platform holds one: its (file_id, file_unique_id)."""
        with self.lock:
            file_id = f"file-{self.next_file}"
            self.next_file += 1
            self.files[file_id] = (path.replace("file.", f"file_{self.next_file}."), content)
        return file_id, f"unique-{file_id}"

    def sent(self, chat: Any = None, method: str = "sendMessage") -> list[Call]:
        """The successful calls of `method` (to `chat`), oldest first."""
        with self.lock:
            return [c for c in self.calls if c.method == method and c.status == 200
                    and (chat is None or c.chat == str(chat))]

    def attempts(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    # --- the platform -----------------------------------------------------------------

    def _push(self, update: dict[str, Any], webhook: dict[str, Any]) -> None:
        body = json.dumps(update).encode()
        headers = {"Content-Type": "application/json"}
        if webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
        for attempt in range(5):
            request = urllib.request.Request(  # noqa: S310 (the developer's own server)
                webhook["url"], data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=30):  # noqa: S310
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(2 ** attempt)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        prefix, file_prefix = f"/bot{self.token}/", f"/file/bot{self.token}/"
        if parts.path.startswith(file_prefix):
            path = unquote(parts.path[len(file_prefix):])
            found = next((c for p, c in self.files.values() if p == path), None)
            self._answer_raw(handler, 200 if found is not None else 404,
                             found or b"Not Found", "application/octet-stream")
            return
        if not parts.path.startswith(prefix):
            self._answer(handler, 401, {"ok": False, "error_code": 401,
                                        "description": "Unauthorized"})
            return
        method = parts.path[len(prefix):]
        params, files = self._params(handler, parts.query, body)
        call = Call(method, params, files)
        with self.lock:
            self.calls.append(call)
            fault = self.faults.get(method, []).pop(0) if self.faults.get(method) else None
        try:
            if fault == TIMEOUT:
                call.status = 502  # the caller gives up before the answer
                time.sleep(self.silence)
                raise PlatformError(502, "Bad Gateway")
            if isinstance(fault, int):
                raise PlatformError(fault, {429: "Too Many Requests: retry later",
                                            403: "Forbidden: bot was blocked by the user",
                                            401: "Unauthorized", 400: "Bad Request"}
                                    .get(fault, "Internal Server Error"),
                                    retry_after=self.retry_after if fault == 429 else None)
            api = getattr(self, f"api_{method}", None)
            if api is None:
                raise PlatformError(404, "Not Found: method not found")
            result = api(params, files)
        except PlatformError as error:
            call.status = error.status
            document: dict[str, Any] = {"ok": False, "error_code": error.status,
                                        "description": error.description}
            if error.retry_after is not None:
                document["parameters"] = {"retry_after": error.retry_after}
            self._answer(handler, error.status, document)
        else:
            call.status = 200
            self._answer(handler, 200, {"ok": True, "result": result})
        if self.on_call is not None:
            self.on_call(call)

    def _params(self, handler: BaseHTTPRequestHandler, query: str,
                body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(parse_qsl(query))
        files: dict[str, bytes] = {}
        kind = handler.headers.get("Content-Type", "")
        if kind.startswith("application/json") and body:
            loaded = json.loads(body)
            params.update(loaded if isinstance(loaded, dict) else {})
        elif kind.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode()))
        elif kind.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {kind}\r\n\r\n".encode() + body)
            for part in message.iter_parts():  # type: ignore[attr-defined]
                name = str(part.get_param("name", header="content-disposition") or "")
                content = part.get_payload(decode=True)
                content = content if isinstance(content, bytes) else b""
                if part.get_filename():
                    files[name] = content
                else:
                    params[name] = content.decode()
        for name in ("reply_markup", "allowed_updates"):
            if isinstance(params.get(name), str):
                params[name] = json.loads(params[name])
        return params, files

    def _answer(self, handler: BaseHTTPRequestHandler, status: int,
                document: dict[str, Any]) -> None:
        self._answer_raw(handler, status, json.dumps(document).encode(), "application/json")

    def _answer_raw(self, handler: BaseHTTPRequestHandler, status: int, payload: bytes,
                    kind: str) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:  # the client gave up waiting
            pass

    def _chat(self, params: dict[str, Any]) -> str:
        chat = str(params.get("chat_id", ""))
        if chat not in self.chats:
            raise PlatformError(400, "Bad Request: chat not found")
        if chat in self.blocked:
            raise PlatformError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise PlatformError(400, "Bad Request: can't parse reply keyboard markup JSON")
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data", "")
                if not button.get("text") or len(data.encode()) > 64:
                    raise PlatformError(400, "Bad Request: BUTTON_DATA_INVALID")
        for row in markup.get("keyboard") or []:
            for button in row:
                if not button.get("text"):
                    raise PlatformError(400, "Bad Request: keyboard button text is empty")
        return markup

    def _message(self, chat: str, **content: Any) -> dict[str, Any]:
        with self.lock:
            message = {"message_id": self.next_message, "date": int(time.time()),
                       "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else chat,
                                "type": "private"},
                       "from": {"id": 1, "is_bot": True, "first_name": "137"}, **content}
            self.messages[self.next_message] = message
            self.next_message += 1
        return message

    def api_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return {"id": 1, "is_bot": True, "first_name": "137", "username": "city137_bot"}

    def api_getUpdates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if self.webhook.get("url"):
            raise PlatformError(409, "Conflict: can't use getUpdates method while webhook is "
                                     "active; use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 50)
        with self.lock:
            # Asking from an offset confirms every update before it: they are gone.
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
            while not self.pending and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            return list(self.pending[:int(params.get("limit") or 100)])

    def api_setWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        secret = str(params.get("secret_token") or "")
        if secret and not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret):
            raise PlatformError(400, "Bad Request: secret token contains unallowed characters")
        with self.lock:
            self.webhook = {"url": str(params.get("url") or ""), "secret_token": secret,
                            "allowed_updates": params.get("allowed_updates")}
        return True

    def api_deleteWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        with self.lock:
            self.webhook = {}
        return True

    def api_getWebhookInfo(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.pending)}

    def api_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat = self._chat(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise PlatformError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise PlatformError(400, "Bad Request: message is too long")
        markup = self._markup(params)
        return self._message(chat, text=text, **({"reply_markup": markup} if markup else {}))

    def api_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat = self._chat(params)
        content = files.get("photo")
        if content is None and str(params.get("photo", "")) not in self.files:
            raise PlatformError(400, "Bad Request: there is no photo in the request")
        if len(str(params.get("caption") or "")) > 1024:
            raise PlatformError(400, "Bad Request: message caption is too long")
        file_id, unique = self.add_file(content or b"", path="photos/file.jpg")
        return self._message(chat, photo=[{"file_id": file_id, "file_unique_id": unique,
                                           "width": 1, "height": 1,
                                           "file_size": len(content or b"")}],
                             caption=str(params.get("caption") or ""))

    def api_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        query = str(params.get("callback_query_id", ""))
        with self.lock:
            if query not in self.queries:
                raise PlatformError(400, "Bad Request: query is too old and response timeout "
                                         "expired or query ID is invalid")
            self.queries.discard(query)
        return True

    def api_editMessageReplyMarkup(self, params: dict[str, Any],
                                   files: dict[str, bytes]) -> Any:
        chat = self._chat(params)
        message = self.messages.get(int(params.get("message_id") or 0))
        if message is None or str(message["chat"]["id"]) != chat:
            raise PlatformError(400, "Bad Request: message to edit not found")
        markup = self._markup(params) or {}
        old = message.get("reply_markup") or {}
        if (markup.get("inline_keyboard") or []) == (old.get("inline_keyboard") or []):
            raise PlatformError(400, "Bad Request: message is not modified: specified new "
                                     "message content and reply markup are exactly the same")
        message["reply_markup"] = markup
        return message

    def api_getFile(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise PlatformError(400, "Bad Request: wrong file_id or the file is temporarily "
                                     "unavailable")
        path, content = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"unique-{file_id}",
                "file_size": len(content), "file_path": path}


class Citizen:
    """A person chatting with the bot from a phone: every action is an update."""

    def __init__(self, platform: FakePlatform, user_id: int, first_name: str,
                 chat_type: str) -> None:
        self.platform, self.user_id, self.first_name = platform, user_id, first_name
        self.chat_type = chat_type
        self.chat_id = user_id if chat_type == "private" else -user_id
        with platform.lock:
            platform.chats.add(str(self.chat_id))

    @property
    def user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name}

    def _message(self, **content: Any) -> dict[str, Any]:
        with self.platform.lock:
            message_id = self.platform.next_message
            self.platform.next_message += 1
        return {"message_id": message_id, "date": int(time.time()), "from": self.user,
                "chat": {"id": self.chat_id, "type": self.chat_type}, **content}

    def sends(self, **content: Any) -> dict[str, Any]:
        """Any message: `sends(sticker={...})`, `sends(voice={...})`..."""
        return self.platform.deliver({"message": self._message(**content)})

    def says(self, text: str) -> dict[str, Any]:
        return self.sends(text=text)

    def shares_location(self, lat: float, lon: float) -> dict[str, Any]:
        return self.sends(location={"latitude": lat, "longitude": lon})

    def shares_contact(self, phone: str, *, own: bool = True) -> dict[str, Any]:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": self.first_name}
        if own:
            contact["user_id"] = self.user_id
        return self.sends(contact=contact)

    def sends_photo(self, content: bytes = PNG, *, as_file: bool = False,
                    mime: str = "image/png") -> dict[str, Any]:
        file_id, unique = self.platform.add_file(content)
        if as_file:
            return self.sends(document={"file_id": file_id, "file_unique_id": unique,
                                        "mime_type": mime, "file_size": len(content),
                                        "file_name": "photo"})
        return self.sends(photo=[{"file_id": file_id, "file_unique_id": unique, "width": 1,
                                  "height": 1, "file_size": len(content)}])

    def presses(self, data: str, *, message_id: int | None = None) -> dict[str, Any]:
        """Press the inline button with this data (on the latest message that has it)."""
        with self.platform.lock:
            query = f"query-{self.platform.next_update}"
            self.platform.queries.add(query)
            if message_id is None:
                mine = [m for m in reversed(self.platform.messages.values())
                        if str(m["chat"]["id"]) == str(self.chat_id)]
                # The latest message with that button; else the latest one (an old button).
                message_id = next((m["message_id"] for m in mine if any(
                    b.get("callback_data") == data
                    for row in (m.get("reply_markup") or {}).get("inline_keyboard") or []
                    for b in row)), mine[0]["message_id"] if mine else 0)
            message = self.platform.messages.get(message_id) or {
                "message_id": message_id, "chat": {"id": self.chat_id, "type": self.chat_type}}
        return self.platform.deliver({"callback_query": {
            "id": query, "from": self.user, "message": message, "chat_instance": "1",
            "data": data}})

    def edits(self, text: str) -> dict[str, Any]:
        return self.platform.deliver({"edited_message": self._message(text=text,
                                                                      edit_date=1)})

    def inbox(self) -> list[Call]:
        """Every message the bot sent to this chat, oldest first."""
        with self.platform.lock:
            return [c for c in self.platform.calls if c.status == 200 and c.chat ==
                    str(self.chat_id) and c.method in {"sendMessage", "sendPhoto"}]

    def last(self) -> Call:
        return self.inbox()[-1]
