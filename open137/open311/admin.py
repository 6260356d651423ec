from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open137.audit.admin import AuditedAdmin
from open137.open311 import actions
from open137.open311.models import ApiKey, Submission


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedAdmin):
    """Keys are created here or by `open137 create_api_key`; the key is shown only once."""

    audit_ignore = ("last_used_at",)
    list_display = ["name", "prefix", "channel", "active", "created_at", "last_used_at",
                    "revoked_at"]
    list_filter = ["active", "channel"]
    search_fields = ["name", "prefix"]
    fields = ["name", "channel", "prefix", "active", "created_at", "last_used_at",
              "revoked_at"]
    readonly_fields = ["prefix", "active", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = actions.create_api_key(name=obj.name, channel=obj.channel, by=request.user)
        for f in ApiKey._meta.concrete_fields:
            setattr(obj, f.attname, getattr(key, f.attname))
        messages.warning(request, _("The new key is %(key)s. Copy it now: it is not shown "
                                    "again.") % {"key": raw})

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.filter(active=True):
            actions.revoke_api_key(key, by=request.user)
        messages.success(request, _("The selected keys no longer work."))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A key that brought requests stays, revoked, so that their origin stays known.
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["token", "case", "api_key", "created_at"]
    list_select_related = ["case", "api_key"]
    search_fields = ["token", "case__tracking_code"]
    readonly_fields = ["case", "api_key", "token", "address_id", "device_id", "account_id",
                       "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
