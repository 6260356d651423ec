"""How long a subject suggestion takes: `open137 bench_classifier` (no timed tests)."""

import random
import time
from typing import Any

import numpy as np

from open137.intelligence import suggest as suggestions
from open137.intelligence.training import pack_examples

SAMPLES = ["چاله بزرگ وسط خیابان", "زباله‌ها را دو روز است جمع نکرده‌اند",
           "تاکسی کرایه اضافه گرفت", "آب گرفتگی کوچه بعد از باران", "barf koche ro basteh"]


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {"n": len(ms), "p50": float(np.percentile(ms, 50)),
            "p90": float(np.percentile(ms, 90)), "p99": float(np.percentile(ms, 99)),
            "max": float(ms.max()), "mean": float(ms.mean())}


def run(runs: int = 1000, seed: int = 137) -> dict[str, Any]:
    """Latency of suggest() (with its subject query) and of the model alone, in ms."""
    texts = [text for text, _code in pack_examples()] or SAMPLES
    rng = random.Random(seed)  # noqa: S311 - a repeatable sample, not a secret
    chosen = [rng.choice(texts) for _ in range(runs)]
    started = time.perf_counter()
    loaded = suggestions.current()
    load = time.perf_counter() - started
    suggestions.suggest(chosen[0])
    whole, model = [], []
    for text in chosen:
        t0 = time.perf_counter()
        suggestions.suggest(text)
        t1 = time.perf_counter()
        loaded.scorer.probabilities(text)
        t2 = time.perf_counter()
        whole.append(t1 - t0)
        model.append(t2 - t1)
    return {"version": loaded.version, "load_ms": load * 1000,
            "suggest": _percentiles(whole), "model": _percentiles(model)}
