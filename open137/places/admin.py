from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from open137.places.models import Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """Places are loaded from files (open137 load_places); here they are only looked at."""

    list_display = ["name", "kind", "category", "district", "dataset"]
    list_filter = ["kind", "district", "dataset"]
    search_fields = ["name", "street"]
    list_select_related = ["district"]
    exclude = ["source_id"]
    readonly_fields = ["source"]

    @admin.display(description=_("identifier in the source file"))
    def source(self, place: Place) -> str:
        return place.source_id

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
