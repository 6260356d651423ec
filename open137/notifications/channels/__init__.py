"""Delivery channels, one small module each. `send` raises DeliveryError when it fails."""

from dataclasses import dataclass

from open137.notifications.models import Channel, Message


@dataclass(frozen=True)
class Delivered:
    """What the other end answered, kept in the delivery log."""

    status_code: int | None = None
    response: str = ""


class DeliveryError(Exception):
    """The message was not delivered; `final` means retrying cannot help."""

    def __init__(self, error: str, *, status_code: int | None = None, response: str = "",
                 final: bool = False) -> None:
        super().__init__(error)
        self.status_code = status_code
        self.response = response
        self.final = final


def send(message: Message) -> Delivered:
    """Deliver one message through its channel."""
    from open137.notifications.channels import email, sms, webhook

    senders = {Channel.SMS: sms.send, Channel.EMAIL: email.send, Channel.WEBHOOK: webhook.send}
    sender = senders.get(message.channel)  # type: ignore[call-overload]
    if sender is None:
        raise DeliveryError(f"unknown channel {message.channel!r}", final=True)
    return sender(message)
