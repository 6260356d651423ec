"""Domain errors: a broken business rule, with a message in the user's language."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule was broken; `message` is translated and safe to show to the user."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class IllegalTransition(DomainError):
    """The request's status does not allow this step."""


class InvalidInput(DomainError):
    """A value from outside (a form, the API, a file) is malformed."""
