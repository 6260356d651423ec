"""Long polling (getUpdates) for a city whose network takes no inbound calls.

The worker asks on every turn of its loop (notifications.jobs.listener), waiting on the
platform instead of sleeping. One worker polls at a time (the platform refuses two): it
holds the Poller row's lease and renews it with every call. An update is confirmed to the
platform by the next call's `offset` only after it was taken, so a worker that dies
mid-batch leaves its updates to be fetched again, and the update rows make the second
taking a no-op. The offset lives in memory only: a bot idle for a week gets new update ids
that may be lower than old ones, and asking without an offset returns every update not
yet confirmed. A platform that fails or does not answer is asked again after a growing
pause; an update that keeps failing is given up after a few tries, and its chat told.
"""

import logging
import os
import secrets
import socket
import time

from django.conf import settings

from open137.core.errors import InvalidInput
from open137.messenger import actions
from open137.notifications import botapi

log = logging.getLogger(__name__)

HOLDER = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
UPDATES = ["message", "callback_query"]
GIVE_UP_AFTER = 5
MAX_PAUSE = 300.0

# Per bot address: the next offset, the platform's failures in a row and when to ask
# again, and the failures of the update that blocks the queue.
_offsets: dict[str, int] = {}
_pauses: dict[str, tuple[int, float]] = {}
_stuck: dict[tuple[str, int], int] = {}


def polling() -> bool:
    """The channel is on and takes its updates by polling (no webhook secret is set)."""
    return botapi.configured() and not settings.MESSENGER_WEBHOOK_SECRET


def _pause(url: str) -> None:
    failures = _pauses.get(url, (0, 0.0))[0] + 1
    _pauses[url] = (failures, time.monotonic() + min(MAX_PAUSE, 2.0 ** failures))


def poll_once(wait: float) -> int | None:
    """Fetch and take the waiting updates, waiting up to `wait` seconds for the first;
    how many were taken, or None when this worker did not poll."""
    if not polling():
        return None
    url = settings.MESSENGER_API_URL
    if time.monotonic() < _pauses.get(url, (0, 0.0))[1]:
        return None
    wait = max(0, int(wait))
    if not actions.hold_poller(holder=HOLDER, seconds=wait + settings.MESSENGER_TIMEOUT + 60):
        return None
    params: dict[str, object] = {"timeout": wait, "allowed_updates": UPDATES}
    if url in _offsets:
        params["offset"] = _offsets[url]
    try:
        batch = botapi.call("getUpdates", params, timeout=wait + settings.MESSENGER_TIMEOUT)
    except botapi.BotApiError as error:
        _pause(url)
        log.warning("The messenger platform gave no updates; asking again later: %s", error)
        return None
    _pauses.pop(url, None)
    taken = 0
    for update in batch if isinstance(batch, list) else []:
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not take(url, update, update_id):
            _pause(url)
            break
        if isinstance(update_id, int):
            _offsets[url] = max(_offsets.get(url, 0), update_id + 1)
        taken += 1
    return taken


def take(url: str, update: object, update_id: object) -> bool:
    """Take one polled update; False when it failed and should be fetched again."""
    try:
        actions.receive_update(update, by=None)
    except InvalidInput:
        log.warning("The messenger platform sent something that is no update: %r",
                    str(update)[:200])
    except Exception:
        log.exception("Messenger update %s could not be taken", update_id)
        if not isinstance(update_id, int):
            return True
        tries = _stuck.get((url, update_id), 0) + 1
        _stuck[(url, update_id)] = tries
        if tries < GIVE_UP_AFTER:
            return False
        try:
            actions.record_failed_update(update, by=None)
        except Exception:
            log.exception("Messenger update %s could not be given up either", update_id)
            return False
    if isinstance(update_id, int):
        _stuck.pop((url, update_id), None)
    return True
