"""The Content-Security-Policy header: scripts, styles and everything else from this site.

Pages carry no inline scripts or event handlers (data reaches scripts through json_script
blocks and data- attributes), so the policy needs no 'unsafe-inline' for scripts.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# htmx adds one <style> element for its loading indicators; its hash lets exactly that in.
HTMX_INDICATOR_STYLE = "'sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk='"


def tile_origin(url: str) -> str:
    """The scheme and host of a tile URL template like https://t.example.ir/{z}/{x}/{y}.png."""
    parts = urlsplit(url.replace("{s}", "*"))
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy() -> str:
    images = ["'self'", "data:", "blob:"]
    if origin := tile_origin(settings.MAP_TILE_URL):
        images.append(origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", HTMX_INDICATOR_STYLE, *settings.CSP_STYLE_EXTRA],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Add the policy to every answer that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


TWO_FACTOR_SESSION_KEY = "two_factor"
# Pages a half-signed-in user may still reach: the second-factor pages, signing out,
# static files and the health check.
_OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz", "/i18n/")


def second_factor_state(user: Any) -> str:
    """What this user owes after the password: "verify" (a code), "enrol" or "none"."""
    from open137.directory.models import Staff
    from open137.security.models import TwoFactorDevice

    if TwoFactorDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists():
        return "verify"
    if settings.TWO_FACTOR_REQUIRED_FOR_ADMINS and (
            user.is_superuser
            or Staff.objects.filter(user_id=user.pk, role=Staff.Role.ADMIN).exists()):
        return "enrol"
    return "none"


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in, note in the session what the user still owes (connected in apps.py)."""
    if request is not None and hasattr(request, "session"):
        request.session[TWO_FACTOR_SESSION_KEY] = second_factor_state(user)


class TwoFactorMiddleware:
    """Staff with an authenticator give its code after their password; administrators must
    enrol one when TWO_FACTOR_REQUIRED_FOR_ADMINS is on."""

    targets = {"verify": "/accounts/two-factor/verify/", "enrol": "/accounts/two-factor/"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            state = request.session.get(TWO_FACTOR_SESSION_KEY)
            if state is None:  # a session from before the sign-in hook existed
                state = request.session[TWO_FACTOR_SESSION_KEY] = second_factor_state(user)
            if state in self.targets and not request.path.startswith(_OPEN_PATHS):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{self.targets[state]}?{query}")
        return self.get_response(request)
