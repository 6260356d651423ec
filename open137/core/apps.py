from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "open137.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from open137.core import checks  # noqa: F401  (registers the system checks)
        from open137.core.lengths import check_lengths

        # A guard, not a side effect: every save of our models, from any action or the
        # admin, meets the same length rule on SQLite as on PostgreSQL.
        pre_save.connect(check_lengths, dispatch_uid="open137-text-lengths")
