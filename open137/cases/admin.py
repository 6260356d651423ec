from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from open137.cases.models import Attachment, Case, CaseEvent, Follower


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    readonly_fields = ["at", "step", "from_status", "to_status", "from_unit", "to_unit", "actor",
              "note", "reason", "public"]
    fields = tuple(readonly_fields)


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    readonly_fields = ["file", "url", "content_type", "created_at", "added_by"]
    fields = tuple(readonly_fields)


class FollowerInline(ReadOnlyInline):
    model = Follower
    fk_name = "case"
    readonly_fields = ["phone", "email", "source", "created_at"]
    fields = tuple(readonly_fields)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Requests are read here; every change goes through the desk and the API's actions."""

    list_display = ["tracking_code", "subject", "status", "unit", "district", "channel",
                    "created_at"]
    list_filter = ["created_at", "status", "channel", "priority", "district", "subject__group"]
    search_fields = ["tracking_code", "contact_phone", "description"]
    list_select_related = ["subject", "unit", "district"]
    inlines = [EventInline, AttachmentInline, FollowerInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Case._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "step", "from_status", "to_status", "to_unit", "actor", "at"]
    list_filter = ["step", "to_status"]
    search_fields = ["case__tracking_code"]
    list_select_related = ["case", "to_unit", "actor"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in CaseEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
