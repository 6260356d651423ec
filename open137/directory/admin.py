from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from open137.audit.admin import AuditedAdmin
from open137.directory.actions import bump_config_version
from open137.directory.geometry import BoundaryError, boundary_warnings, check_boundary
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
from open137.directory.queries import boundary_centre, other_boundaries
from open137.directory.widgets import BoundaryWidget


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


class DistrictForm(forms.ModelForm):  # type: ignore[type-arg]
    """A district whose boundary routing can use: checked before it is saved."""

    def clean_geometry(self) -> Any:
        try:
            checked = check_boundary(self.cleaned_data.get("geometry"),
                                     centre=boundary_centre(exclude=self.instance.pk))
        except BoundaryError as error:
            raise forms.ValidationError(str(error), code="boundary") from None
        self.boundary = checked
        return checked.geojson


class RoutingRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    """A rule's drawn area, when it has one, is checked like a district's boundary."""

    def clean_area(self) -> Any:
        area = self.cleaned_data.get("area")
        if area in (None, "", {}):
            return None
        try:
            return check_boundary(area, centre=boundary_centre(), field="area").geojson
        except BoundaryError as error:
            raise forms.ValidationError(str(error), code="boundary") from None


@admin.register(District)
class DistrictAdmin(RoutingConfigAdmin):
    form = DistrictForm
    list_display = ["code", "number", "name_fa", "name_en", "area_hint", "active"]
    list_filter = ["active"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if "geometry" in form.base_fields:
            form.base_fields["geometry"].widget = BoundaryWidget(
                district_code=obj.code if obj is not None else "")
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        boundary = getattr(form, "boundary", None)
        if boundary is not None and obj.active:
            for warning in boundary_warnings(boundary.shape, other_boundaries(exclude=obj.pk)):
                messages.warning(request, warning)


@admin.register(Unit)
class UnitAdmin(RoutingConfigAdmin):
    list_display = ["code", "name_fa", "type", "district", "is_triage", "active"]
    list_filter = ["type", "active", "is_triage"]
    search_fields = ["code", "name_fa", "name_en"]
    list_select_related = ["district"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(RoutingConfigAdmin):
    form = RoutingRuleForm
    formfield_overrides = {models.JSONField: {"widget": BoundaryWidget}}
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
