from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from open137.audit.admin import AuditedAdmin
from open137.directory.actions import bump_config_version
from open137.directory.models import (
    City,
    District,
    Kind,
    RoutingRule,
    Staff,
    Subject,
    SubjectGroup,
    Unit,
)


class RoutingConfigAdmin(AuditedAdmin):
    """Changes here move the configuration version (routing, subjects, the calendar), so
    every process's cached configuration sees them; the trail records them."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        bump_config_version()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        bump_config_version()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        bump_config_version()


@admin.register(City)
class CityAdmin(AuditedAdmin):
    audit_ignore = ("config_version",)
    list_display = ["code", "name_fa", "name_en", "jurisdiction_id", "timezone"]


@admin.register(Kind, SubjectGroup)
class EntryAdmin(RoutingConfigAdmin):
    list_display = ["code", "name_fa", "name_en", "position", "active"]
    list_filter = ["active"]


@admin.register(Subject)
class SubjectAdmin(RoutingConfigAdmin):
    list_display = ["code", "name_fa", "group", "handler", "respond_hours", "resolve_days",
                    "urgent", "long_term", "active"]
    list_filter = ["active", "urgent", "long_term", "group"]
    search_fields = ["code", "name_fa", "name_en", "synonyms"]
    list_select_related = ["group"]


@admin.register(District)
class DistrictAdmin(RoutingConfigAdmin):
    list_display = ["code", "number", "name_fa", "name_en", "area_hint", "active"]
    list_filter = ["active"]


@admin.register(Unit)
class UnitAdmin(RoutingConfigAdmin):
    list_display = ["code", "name_fa", "type", "district", "is_triage", "active"]
    list_filter = ["type", "active", "is_triage"]
    search_fields = ["code", "name_fa", "name_en"]
    list_select_related = ["district"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(RoutingConfigAdmin):
    list_display = ["subject", "district", "unit", "priority", "active", "note"]
    list_filter = ["active", "subject", "district"]
    autocomplete_fields = ["subject", "unit"]
    list_select_related = ["subject", "district", "unit"]


@admin.register(Staff)
class StaffAdmin(AuditedAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code"]
    autocomplete_fields = ["unit"]
    list_select_related = ["user", "unit"]
