"""What every delivery channel answers: delivered (with the other end's answer) or an
error, and which messages must reach their recipient in order."""

from dataclasses import dataclass

from django.db.models import Q

from open137.notifications.models import DeliveryChannel, Message


@dataclass(frozen=True)
class Delivered:
    """What the other end answered, kept in the delivery log."""

    status_code: int | None = None
    response: str = ""


class DeliveryError(Exception):
    """The message was not delivered; `final` means retrying cannot help. `retry_after`
    (seconds) is the other end's own request to wait, as a rate limit answers."""

    def __init__(self, error: str, *, status_code: int | None = None, response: str = "",
                 final: bool = False, retry_after: float | None = None) -> None:
        super().__init__(error)
        self.status_code = status_code
        self.response = response
        self.final = final
        self.retry_after = retry_after


# Messenger calls that show nothing in the chat (the answer to a pressed button) need not
# wait for the chat's earlier messages, nor hold up the later ones.
UNORDERED = Q(channel=DeliveryChannel.MESSENGER, payload__method="answerCallbackQuery")


def keeps_order(message: Message) -> bool:
    """Whether the message must reach its recipient after the earlier ones."""
    return not (message.channel == DeliveryChannel.MESSENGER and isinstance(message.payload, dict)
                and message.payload.get("method") == "answerCallbackQuery")
