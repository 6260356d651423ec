from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "open137.web"
    verbose_name = _("Web")


class CityAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the city's name on top and Jalali dates (web/adminsite.py)."""

    default = False  # WebConfig stays this module's app; this one is named in settings

    default_site = "open137.web.adminsite.CityAdminSite"

    def ready(self) -> None:
        from open137.web.adminsite import install_admin_fields

        install_admin_fields()  # before the model admins are registered
        super().ready()
