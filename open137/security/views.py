"""Second factor pages: enrol an authenticator app, and give its code after signing in."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open137.core.ratelimit import hit
from open137.directory.queries import city
from open137.security import actions, totp
from open137.security.middleware import TWO_FACTOR_SESSION_KEY
from open137.security.models import TwoFactorDevice


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from your authenticator app"),
                           max_length=20, widget=forms.TextInput(attrs={
                               "autocomplete": "one-time-code", "inputmode": "numeric",
                               "autofocus": True, "class": "form-control ltr"}))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or settings.LOGIN_REDIRECT_URL
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, {request.get_host()}, request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _check(request: HttpRequest, form: CodeForm) -> bool:
    allowed, _retry = hit(f"totp:{request.user.pk}", "10/10m")
    if not allowed:
        form.add_error("code", _("Too many wrong codes. Wait ten minutes and try again."))
        return False
    if not actions.check_two_factor(request.user, code=form.cleaned_data["code"]):
        form.add_error("code", _("This code is not right, or it was used already. "
                                 "Type the code your app shows now."))
        return False
    request.session[TWO_FACTOR_SESSION_KEY] = "verified"
    return True


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret to add to an authenticator app; confirm it with a first code."""
    device = TwoFactorDevice.objects.filter(user_id=request.user.pk or 0).first()
    if device is not None and device.confirmed:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid() and _check(request,
                                                                                      form):
        return redirect(_next(request))
    if device is None or request.method != "POST":
        device = actions.start_two_factor(request.user)
    current = city()
    issuer = f"137 {current.name}" if current else "137"
    uri = totp.provisioning_uri(device.secret, account=request.user.get_username(),
                                issuer=issuer)
    # Made here from our own address only: segno writes path data and escapes the title.
    qr = mark_safe(totp.qr_svg(uri, title=_("Two-step sign-in key for %(account)s")  # noqa: S308
                                % {"account": request.user.get_username()}))
    return render(request, "security/setup.html", {
        "form": form, "secret": device.secret, "uri": uri, "qr": qr, "next": _next(request)},
        status=400 if form.errors else 200)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the current code from the staff member's authenticator app."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(request, form):
        return redirect(_next(request))
    return render(request, "security/verify.html", {"form": form, "next": _next(request)},
                  status=400 if form.errors else 200)
