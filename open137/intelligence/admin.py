from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from open137.audit.admin import AuditedAdmin
from open137.core.errors import InvalidInput
from open137.core.text import normalize_text
from open137.intelligence import actions
from open137.intelligence.models import Incident, IncidentCase, SubjectTuning


@admin.register(SubjectTuning)
class SubjectTuningAdmin(AuditedAdmin):
    list_display = ["subject", "radius_m", "window_days"]
    search_fields = ["subject__code", "subject__name_fa", "subject__name_en"]
    autocomplete_fields = ["subject"]
    list_select_related = ["subject"]


class IncidentCaseInline(admin.TabularInline):
    model = IncidentCase
    extra = 0
    fields = ["case", "attached_at", "attached_by"]
    readonly_fields = ["case", "attached_at", "attached_by"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Requests are attached from the desk, SMS and the portal, through actions.
        return False


class IncidentForm(forms.ModelForm):
    """The actions' rules, checked on the form so that a mistake is shown on its field."""

    class Meta:
        model = Incident
        fields = ["subject", "district", "area", "starts_at", "ends_at", "message_fa",
                  "message_en"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["area"] = actions.clean_area(data.get("area"))
        except InvalidInput as error:
            self.add_error("area", str(error))
        subject = data.get("subject") or getattr(self.instance, "subject", None)
        if self.instance.pk is None and subject is not None and not subject.active:
            self.add_error("subject", _("This subject is no longer in use."))
        starts = data.get("starts_at") or self.instance.starts_at
        ends = data.get("ends_at")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        if not normalize_text(data.get("message_fa") or ""):
            self.add_error("message_fa", _("Write the message citizens will see."))
        return data


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("What was done (every citizen will read it)"),
                           widget=forms.Textarea(attrs={"rows": 4}))


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    """Declared, changed and resolved through the intelligence actions."""

    form = IncidentForm
    list_display = ["number", "subject", "district", "status", "starts_at", "ends_at",
                    "created_at", "created_by"]

    @admin.display(description=_("number"), ordering="pk")
    def number(self, incident: Incident) -> int:
        return incident.pk
    list_filter = ["created_at", "status", "subject", "district"]
    search_fields = ["message_fa", "message_en", "subject__code"]
    autocomplete_fields = ["subject"]
    list_select_related = ["subject", "district", "created_by"]
    fields = ["subject", "district", "area", "starts_at", "ends_at", "message_fa",
              "message_en", "status", "created_by", "created_at", "resolved_at",
              "resolved_by", "resolution_note"]
    readonly_fields = ["status", "created_by", "created_at", "resolved_at", "resolved_by",
                       "resolution_note"]
    inlines = [IncidentCaseInline]
    actions = ["resolve"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = list(self.readonly_fields)
        if obj is not None:
            fixed += ["subject", "starts_at"]
            if not obj.is_open:
                fixed += ["district", "area", "ends_at", "message_fa", "message_en"]
        return fixed

    def save_model(self, request: HttpRequest, obj: Incident, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = actions.update_incident(
                obj, by=request.user, message_fa=data["message_fa"],
                message_en=data.get("message_en", ""), district=data.get("district"),
                area=data.get("area"), ends_at=data.get("ends_at"))
        else:
            saved = actions.declare_incident(
                subject=data["subject"], by=request.user, message_fa=data["message_fa"],
                message_en=data.get("message_en", ""), district=data.get("district"),
                area=data.get("area"), starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"))
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Resolve the selected incidents and their requests"))
    def resolve(self, request: HttpRequest, queryset: QuerySet[Incident]) -> HttpResponse | None:
        form = ResolveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for incident in queryset.filter(status=Incident.State.OPEN):
                actions.resolve_incident(incident, note=form.cleaned_data["note"],
                                         by=request.user)
                done += 1
            self.message_user(request, _("Incidents resolved: %(count)s.") % {"count": done},
                              messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/intelligence/incident/resolve.html", {
            **self.admin_site.each_context(request), "title": _("Resolve incidents"),
            "form": form, "incidents": queryset, "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        })
