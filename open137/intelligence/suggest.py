"""Subject suggestions for a description, from the current model.

The model is loaded once per process and shared by its threads. Every 30 seconds at most
the process looks for a newer saved version (the worker's nightly retraining, or
`open137 train_classifier`) and switches to it. When no model has been saved yet, the
first suggestion trains one from the city pack's examples (a few seconds) and saves it.

Scores are the model's probabilities among the subjects that are active now, so they sum
to 1 over all of them. `best_confident` is what may route a request with no person in
the loop: below CLASSIFIER_MIN_SCORE it answers None and the request goes to triage.
"""

import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings

from open137.directory.models import Subject
from open137.intelligence import classifier
from open137.intelligence.features import canonical
from open137.intelligence.scorer import Scorer

log = logging.getLogger(__name__)

RECHECK_SECONDS = 30.0
MAX_CHARS = 4000
# The threshold of automatic routing, for callers that read it here; best_confident reads
# the setting itself.
MIN_SCORE: float = settings.CLASSIFIER_MIN_SCORE


@dataclass(frozen=True)
class Loaded:
    folder: Path
    version: int
    scorer: Scorer
    meta: dict[str, Any]
    checked: float


_current: Loaded | None = None
_lock = threading.Lock()


def _fresh(loaded: Loaded | None, folder: Path, now: float) -> bool:
    return (loaded is not None and loaded.folder == folder
            and now - loaded.checked < RECHECK_SECONDS)


def current() -> Loaded:
    """The newest saved model, loaded (or trained from the pack when there is none)."""
    global _current
    folder, now = classifier.models_dir(), time.monotonic()
    loaded = _current
    if _fresh(loaded, folder, now):
        return loaded  # type: ignore[return-value]
    with _lock:
        loaded = _current
        if _fresh(loaded, folder, now):
            return loaded  # type: ignore[return-value]
        version = classifier.latest_version(folder)
        if loaded is not None and loaded.folder == folder and loaded.version == version:
            _current = replace(loaded, checked=now)
            return _current
        _current = _load(folder, version, now)
        return _current


def _load(folder: Path, version: int | None, now: float) -> Loaded:
    from open137.intelligence.training import train_first

    if version is None:
        version = train_first(folder)
    try:
        pipeline, meta = classifier.load(version, folder)
        scorer = Scorer(pipeline)
    except Exception:
        # A damaged file or one this scikit-learn cannot read: train a new version.
        log.exception("Cannot load classifier version %s; training a new one", version)
        version = train_first(folder, replace_version=version)
        pipeline, meta = classifier.load(version, folder)
        scorer = Scorer(pipeline)
    log.debug("Subject classifier version %s loaded", version)
    return Loaded(folder, version, scorer, meta, now)


def forget() -> None:
    """Drop the loaded model; the next suggestion loads the newest one."""
    global _current
    with _lock:
        _current = None


def active_codes() -> frozenset[str]:
    # Read every time: a subject switched off in the admin stops being suggested at once,
    # and the query costs a fraction of a millisecond.
    return frozenset(Subject.objects.filter(active=True).values_list("code", flat=True))


def suggest(text: str, k: int = 3) -> list[tuple[str, float]]:
    """The k most likely active subjects for a description: (code, score), best first."""
    text = (text or "")[:MAX_CHARS]
    if k <= 0 or not canonical(text):
        return []
    active = active_codes()
    if not active:
        return []
    loaded = current()
    probabilities = loaded.scorer.probabilities(text)
    pairs = [(code, float(p)) for code, p in zip(loaded.scorer.classes, probabilities,
                                                  strict=True) if code in active]
    total = sum(p for _code, p in pairs)
    if total <= 0:
        return []
    pairs.sort(key=lambda pair: (-pair[1], pair[0]))
    return [(code, min(1.0, p / total)) for code, p in pairs[:k]]


def best_confident(text: str) -> str | None:
    """The best subject's code when its score reaches CLASSIFIER_MIN_SCORE, else None."""
    found = suggest(text, k=1)
    if found and found[0][1] >= settings.CLASSIFIER_MIN_SCORE:
        return found[0][0]
    return None
