"""POST /sms/inbound: messages from the SMS gateway (`from`, `text`, `secret`)."""

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from open137.core.errors import DomainError
from open137.core.phones import normalize_phone
from open137.core.ratelimit import hit
from open137.smsgateway.actions import receive_sms


def _fields(request: HttpRequest) -> dict[str, object]:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    return {k: request.POST.get(k, "") for k in ("from", "text", "secret")}


@csrf_exempt  # the gateway is a server, not a browser: it proves itself with the secret
@require_POST
def inbound(request: HttpRequest) -> JsonResponse:
    """Take one SMS from the gateway; the answer is queued for the worker."""
    data = _fields(request)
    secret = settings.SMS_INBOUND_SECRET
    given = data.get("secret") or request.GET.get("secret", "")
    if not secret or not isinstance(given, str) or not hmac.compare_digest(
            given.encode(), secret.encode()):
        return JsonResponse({"error": _("The secret is missing or wrong.")}, status=403)
    for name in ("from", "text"):
        if not isinstance(data.get(name, ""), str):
            return JsonResponse({"error": _("%(name)s must be text.") % {"name": name},
                                 "field": name}, status=400)
    try:
        phone = normalize_phone(str(data.get("from", "")))
    except DomainError as error:
        return JsonResponse({"error": str(error), "field": "from"}, status=400)
    allowed, retry_after = hit(f"sms-inbound:{phone}", settings.RATE_LIMIT_SMS_INBOUND)
    if not allowed:
        response = JsonResponse({"error": _("Too many messages from this number; try again "
                                            "later.")}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    try:
        outcome = receive_sms(phone=phone, text=str(data.get("text", "")))
    except DomainError as error:
        return JsonResponse({"error": str(error), "field": error.field or "text"}, status=400)
    return JsonResponse({"status": "ok", "action": outcome.action,
                         "tracking_code": outcome.tracking_code or None})
