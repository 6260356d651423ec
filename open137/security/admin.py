from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from open137.audit.admin import AuditedAdmin
from open137.security import actions
from open137.security.models import ContactView, TwoFactorDevice


@admin.register(ContactView)
class ContactViewAdmin(admin.ModelAdmin):
    """Read only: the record of who saw which citizen's contact details."""

    list_display = ["at", "username", "case", "where"]
    list_filter = ["where", "at"]
    search_fields = ["username", "case__tracking_code"]
    date_hierarchy = "at"
    list_select_related = ["case"]
    readonly_fields = ["at", "username", "by", "case", "where"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(AuditedAdmin):
    """Seen and removed here (a lost phone), never edited: the secret is not shown."""

    audit_ignore = ("last_counter",)

    list_display = ["user", "created_at", "confirmed_at"]
    search_fields = ["user__username"]
    fields = ["user", "created_at", "confirmed_at"]
    readonly_fields = ["user", "created_at", "confirmed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TwoFactorDevice) -> None:
        actions.remove_two_factor(obj.user, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TwoFactorDevice]) -> None:
        with transaction.atomic():
            for device in queryset.select_related("user"):
                actions.remove_two_factor(device.user, by=request.user)
