"""The OpenAPI schema of /api/v1/: only this API's endpoints, with their error answers."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from open137.api.serializers import ErrorSerializer

PREFIX = "/api/v1/"

_DETAIL: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string",
                              "description": "A whole sentence in the caller's language."}},
    "required": ["detail"],
}
_FIELDS: dict[str, Any] = {
    "type": "object",
    "description": "Messages by field name (`non_field_errors` for the whole input).",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
_DESCRIPTIONS = {
    400: "Bad input: messages by field, or `detail` when the body could not be read.",
    401: "No token, or a token that is not valid.",
    403: "The caller may see this but not do this.",
    404: "Not found, or outside what the caller may see.",
    409: "The request's status does not allow this step.",
    429: "Too many requests from this address (or failed sign-ins); see Retry-After.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation."""
    return {
        code: OpenApiResponse(
            response={"anyOf": [_DETAIL, _FIELDS]} if code == 400 else ErrorSerializer,
            description=_DESCRIPTIONS[code],
        )
        for code in codes
    }


RETRY_AFTER = OpenApiParameter(
    "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=[429],
    description="Seconds to wait before the next try.",
)


def only_this_api(endpoints: list[tuple[str, Any, str, Any]]) -> list[tuple[str, Any, str, Any]]:
    """Leave out every other interface's views (and the schema view itself)."""
    return [e for e in endpoints
            if e[0].startswith(PREFIX) and not e[0].startswith(PREFIX + "schema")]
