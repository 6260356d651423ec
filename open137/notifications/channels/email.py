"""Email through Django's mail settings (EMAIL_BACKEND, EMAIL_HOST...)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from open137.notifications.delivery import Delivered, DeliveryError
from open137.notifications.models import Message


def send(message: Message) -> Delivered:
    mail = EmailMessage(subject=message.subject.replace("\n", " "), body=message.text,
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[message.recipient])
    try:
        mail.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"recipient refused: {exc}", final=True) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    return Delivered()
