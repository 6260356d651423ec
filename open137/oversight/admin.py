from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from open137.oversight.models import AuditItem, AuditSample, RankingWeights


@admin.register(RankingWeights)
class RankingWeightsAdmin(admin.ModelAdmin):
    """The published weights: a change is a new row, so the history of weights stays."""

    list_display = ["since", "compliance", "satisfaction", "reopen", "misroute", "audit", "note"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ItemInline(admin.TabularInline):
    model = AuditItem
    extra = 0
    can_delete = False
    readonly_fields = ["position", "case", "subject_right", "referral_right", "action_adequate",
                       "citizen_informed", "comment", "graded_by", "graded_at"]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditSample)
class AuditSampleAdmin(admin.ModelAdmin):
    """Samples are drawn and graded on the oversight pages; here they are only read."""

    list_display = ["month", "unit", "population", "size", "drawn_at"]
    list_filter = ["month"]
    readonly_fields = ["month", "unit", "seed", "size", "population", "drawn_at", "drawn_by"]
    inlines = [ItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
