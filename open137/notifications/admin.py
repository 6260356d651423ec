import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open137.audit.admin import AuditedAdmin
from open137.notifications import actions
from open137.notifications.models import (
    DeliveryAttempt,
    JobRun,
    Message,
    MessageTemplate,
    WebhookEndpoint,
)
from open137.notifications.texts import TEXTS, MessageKind, default_text

PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _placeholders_apart(text: str) -> str:
    """The text with each %(placeholder)s set apart, left to right, inside Persian."""
    return mark_safe(PLACEHOLDER.sub(  # noqa: S308 (the text is escaped first)
        r'<code dir="ltr">\g<0></code>', str(escape(text))))


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log: readable, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "finished_at", "ok", "status_code", "error", "worker"]
    fields = ("started_at", "finished_at", "ok", "status_code", "error", "worker")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "kind", "recipient", "status", "attempts",
                    "next_attempt_at", "sent_at", "request_link"]
    list_filter = ["created_at", "status", "channel", "kind", "urgent"]
    search_fields = ["recipient", "idempotency_key", "text"]
    readonly_fields = ["channel", "kind", "recipient", "endpoint", "subject", "text", "payload",
                       "request_link", "language", "urgent", "idempotency_key", "status",
                       "attempts", "created_at", "next_attempt_at", "expires_at",
                       "lease_until", "sent_at", "last_error"]
    fields = tuple(readonly_fields)
    inlines = [AttemptInline]
    actions = ["retry"]

    @admin.display(description=gettext_lazy("request"))
    def request_link(self, obj: Message) -> str:
        if obj.case_id is None:
            return "-"
        try:
            url = reverse("admin:cases_case_change", args=[obj.case_id])
        except NoReverseMatch:
            return str(obj.case_id)
        return format_html('<a href="{}">{}</a>', url, obj.case_id)

    @admin.action(description=gettext_lazy("Send the selected failed messages again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = actions.retry_messages(queryset, by=request.user)
        self.message_user(request, _("%(n)s messages will be sent again.") % {"n": count},
                          messages.SUCCESS)


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "message", "ok", "status_code", "error", "worker"]
    list_filter = ["started_at", "ok", "message__channel"]
    list_select_related = ["message"]
    search_fields = ["message__recipient", "error"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdmin):
    """Every kind of message is listed with its built-in wording and placeholders; rewording
    one starts from its built-in text."""

    list_display = ["kind", "language", "text", "updated_at"]
    list_filter = ["language", "kind"]
    search_fields = ["text", "subject"]
    readonly_fields = ["placeholders", "built_in_text"]
    actions = ["reset"]
    change_list_template = "admin/notifications/messagetemplate/change_list.html"

    @admin.display(description=gettext_lazy("placeholders this kind may use"))
    def placeholders(self, obj: MessageTemplate) -> str:
        entry = TEXTS.get(obj.kind)
        return ", ".join(f"%({p})s" for p in entry.placeholders) if entry else "-"

    @admin.display(description=gettext_lazy("built-in text"))
    def built_in_text(self, obj: MessageTemplate) -> str:
        if obj.kind not in TEXTS or not obj.language:
            return "-"
        return default_text(obj.kind, obj.language)[1]

    def built_in_messages(self) -> list[dict[str, Any]]:
        """One row per kind: its placeholders and, per language, the wording in use."""
        saved = {(t.kind, t.language): t for t in MessageTemplate.objects.all()}
        add = reverse("admin:notifications_messagetemplate_add")
        rows = []
        for kind, label in MessageKind.choices:
            if kind not in TEXTS:
                continue
            texts = []
            for language, language_name in settings.LANGUAGES:
                template = saved.get((kind, language))
                texts.append({
                    "language": language_name, "code": language,
                    "text": _placeholders_apart(
                        template.text if template else default_text(kind, language)[1]),
                    "reworded": template is not None,
                    "url": (reverse("admin:notifications_messagetemplate_change",
                                    args=[template.pk]) if template
                            else f"{add}?{urlencode({'kind': kind, 'language': language})}"),
                })
            rows.append({"kind": label, "code": kind, "texts": texts,
                         "placeholders": [f"%({p})s" for p in TEXTS[kind].placeholders]})
        return rows

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None
                        ) -> HttpResponse:
        context = {**(extra_context or {}), "built_in_messages": self.built_in_messages()}
        return super().changelist_view(request, extra_context=context)

    def add_view(self, request: HttpRequest, form_url: str = "",
                 extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Without a kind chosen, first choose the message to reword (from the list)."""
        if request.method == "GET" and not request.GET.get("kind"):
            return TemplateResponse(request, "admin/notifications/messagetemplate/choose.html", {
                **self.admin_site.each_context(request), "opts": self.model._meta,
                "title": _("Choose the message to reword"),
                "built_in_messages": self.built_in_messages(),
            })
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new template starts from the built-in wording of the kind and language asked."""
        initial = super().get_changeform_initial_data(request)
        kind = str(initial.get("kind") or "")
        language = str(initial.get("language") or settings.LANGUAGE_CODE)
        if kind in TEXTS:
            subject, text = default_text(kind, language)
            initial.setdefault("language", language)
            initial.setdefault("text", text)
            initial.setdefault("subject", subject)
        return initial

    @admin.action(description=gettext_lazy("Put back the built-in text"))
    def reset(self, request: HttpRequest, queryset: QuerySet[MessageTemplate]) -> None:
        count = 0
        for template in queryset:
            count += actions.write_default_templates(
                languages=[template.language], kinds=[template.kind], overwrite=True,
                by=request.user)
        self.message_user(request, _("%(n)s templates were reset.") % {"n": count},
                          messages.SUCCESS)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    list_display = ["unit", "url", "events", "active", "created_at"]
    list_filter = ["active"]
    list_select_related = ["unit"]
    search_fields = ["unit__code", "url"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "next_run_at",
                    "last_result", "last_error"]
