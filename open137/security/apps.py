from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "open137.security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from open137.security.middleware import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="open137.security.second_factor")


class SignInAttemptsConfig(axes_apps.AppConfig):
    """django-axes, named in the admin for what it holds."""

    default = False
    verbose_name = _("Sign-in attempts")
