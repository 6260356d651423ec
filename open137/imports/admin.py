from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from open137.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Imports are run from the command line; the admin only shows how they went."""

    list_display = ["source", "path", "started_at", "finished_at", "rows", "imported",
                    "rejected", "skipped"]
    list_filter = ["started_at", "source"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
