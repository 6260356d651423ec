"""The messenger's work in `open137 worker`: polling for updates (when no webhook is set),
ending reports left half-way, and forgetting old updates. Nothing runs, and nothing is
reported, while MESSENGER_API_URL is unset."""

from datetime import datetime, timedelta

from open137.messenger import actions, polling
from open137.notifications import botapi
from open137.notifications.jobs import listener, periodic


@listener("messenger.poll")
def poll(wait: float) -> int | None:
    """Updates fetched by long polling, waiting up to `wait` seconds."""
    return polling.poll_once(wait)


@periodic("messenger.expire", every=timedelta(minutes=1), when=botapi.configured)
def expire(now: datetime) -> int:
    """Reports left half-way longer than MESSENGER_CONVERSATION_MINUTES end, and say so."""
    return actions.expire_conversations(now=now)


@periodic("messenger.forget", every=timedelta(hours=6), when=botapi.configured)
def forget(now: datetime) -> int:
    """Updates older than a few days are forgotten."""
    return actions.forget_old_updates(now=now)
