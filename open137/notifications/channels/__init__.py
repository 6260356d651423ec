"""Delivery channels, one small module each. `send` raises DeliveryError when it fails."""

from open137.notifications.channels import email, messenger, sms, webhook
from open137.notifications.delivery import Delivered, DeliveryError
from open137.notifications.models import DeliveryChannel, Message

SENDERS = {DeliveryChannel.SMS: sms.send, DeliveryChannel.EMAIL: email.send,
           DeliveryChannel.WEBHOOK: webhook.send, DeliveryChannel.MESSENGER: messenger.send}


def send(message: Message) -> Delivered:
    """Deliver one message through its channel."""
    sender = SENDERS.get(message.channel)  # type: ignore[call-overload]
    if sender is None:
        raise DeliveryError(f"unknown channel {message.channel!r}", final=True)
    return sender(message)
