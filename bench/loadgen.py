"""A small HTTP load generator: N requests over C keep-alive connections, latencies kept.

Plain threads and http.client, no dependency: the figures it gives are for the whole
path (client, gunicorn, Django, database) on one machine, the load generator included.
"""

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

Request = tuple[str, str, bytes | None, dict[str, str]]  # method, path, body, headers


@dataclass
class Result:
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    bodies: list[Any] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.latencies) * 1000 if self.latencies else 0.0

    @property
    def ok(self) -> bool:
        return all(200 <= s < 300 for s in self.statuses) and bool(self.statuses)


def load(base: str, make: Callable[[int], Request], *, count: int, concurrency: int,
         keep: bool = False, timeout: float = 60) -> Result:
    """Send `count` requests made by `make(i)` from `concurrency` threads."""
    parts = urlsplit(base)
    result = Result(concurrency)
    lock = threading.Lock()
    next_index = iter(range(count))

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            method, path, body, headers = make(i)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
                status, data = 599, b""
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if keep:
                    try:
                        result.bodies.append(json.loads(data))
                    except ValueError:
                        result.bodies.append(data[:200])
        conn.close()

    threads = [threading.Thread(target=worker) for _i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


def get(path: str, headers: dict[str, str] | None = None) -> Callable[[int], Request]:
    return lambda i: ("GET", path, None, headers or {})
