"""How the API answers errors: DRF's shapes, whole sentences in the caller's language, no traces.

A validation error is `{"field": ["message", ...]}`, anything else is `{"detail": "message"}`.
A broken business rule from the actions is 400 (bad input, on its field) or 409 (the
request's status does not allow the step). An unexpected exception is logged and answered
500 with a plain message.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from open137.core.errors import DomainError, IllegalTransition, InvalidInput

log = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's handler, with domain errors mapped and every other failure a plain 500."""
    if isinstance(exc, IllegalTransition):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        return Response({exc.field or NON_FIELD: [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response({NON_FIELD: list(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    _reword(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        log.error("Unexpected error in %s", type(view).__name__, exc_info=exc)
        return Response(
            {"detail": _("Something went wrong on our side. It has been recorded; "
                         "please try again later.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response


def _reword(exc: Exception) -> None:
    """Our own sentences where DRF's say too little or carry untranslated details.

    The exception is changed in place, so that the `WWW-Authenticate` header DRF attached
    to a 401 stays on it.
    """
    message = None
    if isinstance(exc, exceptions.NotAuthenticated):
        message = _("Sign in first: send the header “Authorization: Token <token>” with a "
                    "token from /api/v1/token.")
    elif isinstance(exc, exceptions.AuthenticationFailed):
        message = _("This token is not valid, or its user may no longer sign in. "
                    "Ask for a new token at /api/v1/token.")
    elif isinstance(exc, exceptions.ParseError):
        message = _("The request body could not be read. Send JSON or form fields.")
    if message is not None and isinstance(exc, exceptions.APIException):
        exc.detail = exceptions.ErrorDetail(message, code=exc.default_code)
    elif isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        # A field's errors are one list of sentences, also for a list field whose items
        # failed (DRF nests those by position), as the schema says.
        exc.detail = {field: _sentences(errors) for field, errors in exc.detail.items()}


def _sentences(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [s for value in errors.values() for s in _sentences(value)]
    if isinstance(errors, list):
        return [s for value in errors for s in _sentences(value)]
    return [errors]


def wire_names(serializer_class: type[serializers.Serializer]) -> dict[str, str]:
    """The action's name for each input -> the API's, where a serializer's `source` says
    they differ: the one place the API maps them, both ways."""
    return {field.source: name for name, field in serializer_class().fields.items()
            if field.source and field.source != name}


@contextmanager
def field_errors(serializer_class: type[serializers.Serializer] | None = None
                 ) -> Iterator[None]:
    """Turn an action's InvalidInput into a DRF field error under the API's field name."""
    try:
        yield
    except InvalidInput as exc:
        names = wire_names(serializer_class) if serializer_class is not None else {}
        field = names.get(exc.field or "", exc.field) or NON_FIELD
        raise exceptions.ValidationError({field: [str(exc)]}) from exc
