"""Test helpers: a real local HTTP server standing in for an SMS gateway or a receiver."""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TIMEOUT = "timeout"


@dataclass
class Received:
    """One request the server got (header names in lower case) and what it answered."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    answer: int | None = None
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


# An answer is a status code, or TIMEOUT: wait longer than the client will, then 503.
Script = Callable[[Received, list[Received]], int | str]


class LocalServer:
    """`with LocalServer(script) as server:` serves on 127.0.0.1 and records every request."""

    def __init__(self, script: Script | None = None, *, delay: float = 0.0,
                 silence: float = 1.5, body: str = '{"ok": true}') -> None:
        self.script = script or (lambda received, earlier: 200)
        self.delay, self.silence, self.body = delay, silence, body
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.handle_any()

            def do_POST(self) -> None:
                self.handle_any()

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                received = Received(self.command, parts.path,
                                    {k.lower(): v for k, v in self.headers.items()}, body)
                received.params = dict(parse_qsl(parts.query))
                if self.headers.get("Content-Type", "").startswith(
                        "application/x-www-form-urlencoded"):
                    received.params.update(parse_qsl(body.decode()))
                with outer.lock:
                    earlier = list(outer.requests)
                    outer.requests.append(received)
                answer = outer.script(received, earlier)
                if outer.delay:
                    time.sleep(outer.delay)
                if answer == TIMEOUT:
                    time.sleep(outer.silence)
                    answer = 503
                received.answer = int(answer)
                payload = outer.body.encode()
                try:
                    self.send_response(received.answer)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up waiting
                    received.answer = None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()


def sms_lines(path: str | Path) -> list[dict[str, Any]]:
    """The messages the file backend wrote."""
    file = Path(path)
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
