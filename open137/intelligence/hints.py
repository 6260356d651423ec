"""What the interfaces ask of the intelligence app: suggest, or degrade and log.

The app is always installed, but its answers are hints: a model that cannot load, or a
search that fails, is logged and the desk, the portal, the SMS channel and the API carry
on without the hint instead of losing the citizen's request.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def degrade(what: str, default: T, call: Callable[[], T]) -> T:
    """`call()`, or `default` when it fails (logged with `what`)."""
    try:
        return call()
    except Exception:
        log.exception("%s failed; carrying on without it", what)
        return default


def suggest_or(text: str, k: int = 3, *,
               otherwise: Callable[[], list[tuple[str, float]]] = list,
               ) -> list[tuple[str, float]]:
    """The k most likely subjects (code, score), best first; `otherwise()` on failure."""
    # Imported here: the model brings scikit-learn, which a process loads only when it is
    # first asked for a suggestion.
    from open137.intelligence.suggest import suggest

    try:
        return suggest(text, k)
    except Exception:
        log.exception("Subject suggestion failed; carrying on without it")
        return otherwise()


def confident_code(text: str) -> str | None:
    """The best subject's code when the model is sure enough to route alone, else None."""
    from open137.intelligence.suggest import best_confident

    return degrade("Subject suggestion", None, lambda: best_confident(text))
