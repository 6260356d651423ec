"""POST /messenger/update: the platform's webhook, one update per call."""

import hmac
import json
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from open137.core.errors import InvalidInput
from open137.messenger.actions import receive_update
from open137.notifications import botapi

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header's name)


@csrf_exempt  # the platform is a server, not a browser: it proves itself with the secret
@require_POST
def update(request: HttpRequest) -> JsonResponse:
    """Take one update; the answers to the chat are queued for the worker."""
    if not botapi.configured():
        raise Http404
    secret = settings.MESSENGER_WEBHOOK_SECRET
    given = request.headers.get(SECRET_HEADER, "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"error": _("The secret is missing or wrong.")}, status=403)
    try:
        body = json.loads(request.body or b"null")
        outcome = receive_update(body, by=None)
    except (ValueError, InvalidInput) as error:
        message = str(error) if isinstance(error, InvalidInput) else _(
            "The body is not JSON.")
        return JsonResponse({"error": message}, status=400)
    return JsonResponse({"ok": True, "outcome": outcome})
