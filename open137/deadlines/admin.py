from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from open137.deadlines.models import Holiday, WorkingDay
from open137.directory.actions import bump_config_version


class CalendarAdmin(admin.ModelAdmin):
    """Changes here move the configuration version, so every process's deadlines see them."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        bump_config_version()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        bump_config_version()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        bump_config_version()


@admin.register(Holiday)
class HolidayAdmin(CalendarAdmin):
    list_display = ["date", "name_fa", "name_en", "estimated"]
    list_filter = ["estimated"]
    list_editable = ["estimated"]
    search_fields = ["name_fa", "name_en"]
    date_hierarchy = "date"


@admin.register(WorkingDay)
class WorkingDayAdmin(CalendarAdmin):
    list_display = ["weekday", "opens", "closes"]
    list_editable = ["opens", "closes"]
