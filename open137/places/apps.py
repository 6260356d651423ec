from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "open137.places"
    verbose_name = _("Places")

    def ready(self) -> None:
        # load_city loads the pack's gazetteer too; the directory below knows nothing of it.
        from open137.directory.actions import register_pack_part
        from open137.places.actions import load_pack_places

        register_pack_part("places", load_pack_places)
