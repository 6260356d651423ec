from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelligenceConfig(AppConfig):
    name = "open137.intelligence"
    verbose_name = _("Suggestions, duplicates and incidents")
