"""The admin's side of the audit trail: a mixin for every configuration admin, and the
trail itself, read only.

A configuration admin inherits `AuditedAdmin` (and lists what to leave out in
`audit_ignore`): every add, change and delete made through it, including list edits, the
bulk delete action, inlines and what a delete removes by cascade, is recorded in the
same transaction as the save. Admin actions that call an app's actions are recorded by
those actions, marked as made in the administration site.
"""

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from open137.audit.actions import Trail, origin, record_changed
from open137.audit.display import change_lines, type_label
from open137.audit.models import AuditEntry
from open137.audit.values import Snapshot, is_tracked, snapshot, track

BEFORE = "_audit_before"


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes an audit entry for every save and delete, in the same transaction."""

    audit_ignore: tuple[str, ...] = ()

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        track(model, ignore=self.audit_ignore)

    # Whatever an admin page changes, through this mixin or an app's action, was done in
    # the administration site.
    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with origin(AuditEntry.Via.ADMIN):
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with origin(AuditEntry.Via.ADMIN):
            return super().changelist_view(request, *args, **kwargs)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with origin(AuditEntry.Via.ADMIN):
            return super().delete_view(request, *args, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form has already put the new values on `obj`: "before" is the stored row.
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        before = snapshot(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)
        if form is None:  # called on its own, with no related objects to wait for
            self._record_save(request, obj, before)
        else:
            setattr(form, BEFORE, before)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any,
                     change: bool) -> None:
        form.save_m2m()
        before: Snapshot | None = getattr(form, BEFORE, None)
        if before is not None:  # saved by save_model above, not by an app's action
            self._record_save(request, form.instance, before)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _record_save(self, request: HttpRequest, obj: Any, before: Snapshot) -> None:
        trail = Trail(by=getattr(request, "user", None))
        if before:
            trail.changed(obj, before, snapshot(obj))
        else:
            trail.created(obj)
        trail.save()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any,
                     change: bool) -> None:
        trail = Trail(by=request.user)
        stored = formset.model._default_manager.in_bulk(
            [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None])
        before = {pk: snapshot(obj) for pk, obj in stored.items()}
        for deleted in formset.deleted_forms:
            if deleted.instance.pk in before:
                trail.deleted(deleted.instance, before[deleted.instance.pk])
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            trail.created(obj)
        for obj, _fields in formset.changed_objects:
            trail.changed(obj, before[obj.pk], snapshot(obj))
        trail.save()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            self._record_deletion(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # The bulk delete action runs outside the admin's own transaction.
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            self._record_deletion(request, list(queryset))
            super().delete_queryset(request, queryset)

    def _record_deletion(self, request: HttpRequest, objects: list[Any]) -> None:
        """The objects, and the followed objects their deletion removes by cascade."""
        trail = Trail(by=request.user)
        if objects:
            collector = NestedObjects(using=router.db_for_write(type(objects[0])))
            collector.collect(objects)
            chosen = {(type(o), o.pk) for o in objects}
            for obj in objects:
                trail.deleted(obj)
            for model, instances in collector.data.items():
                if not is_tracked(model):
                    continue
                for obj in instances:
                    if (type(obj), obj.pk) not in chosen:
                        trail.deleted(obj)
        trail.save()




@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The trail, read only: nobody adds, changes or deletes an entry, not a superuser."""

    list_display = ["at", "who", "via", "action", "object_type", "object_name", "object_id"]
    list_filter = ["action", "via", "model"]
    search_fields = ["object_name", "object_id", "username", "note"]
    date_hierarchy = "at"
    fields = ("at", "who", "via", "note", "action", "object_type", "object_id", "object_name",
              "what_changed")
    readonly_fields = fields

    @admin.display(description=_("who"))
    def who(self, entry: AuditEntry) -> str:
        return entry.username or str(_("the system"))

    @admin.display(description=_("type"))
    def object_type(self, entry: AuditEntry) -> str:
        return type_label(entry.model)

    @admin.display(description=_("changes"))
    def what_changed(self, entry: AuditEntry) -> SafeString:
        arrow = "←" if get_language_bidi() else "→"  # pointing the way the text reads
        return format_html_join(
            "", "<div><strong>{}</strong>: {} {} {}</div>",
            ((line.label, line.before, arrow, line.after) for line in change_lines(entry)))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Django stores permission names in English when it creates them; a clerk reads them in
# the interface's language, from the model's translated name.
PERMISSION_ACTIONS = {"add": _("Can add %(model)s"), "change": _("Can change %(model)s"),
                      "delete": _("Can delete %(model)s"), "view": _("Can view %(model)s")}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or action not in PERMISSION_ACTIONS:
        return str(permission)
    app = apps.get_app_config(permission.content_type.app_label).verbose_name
    return f"{app} | {PERMISSION_ACTIONS[action] % {'model': model._meta.verbose_name}}"


class TranslatedPermissions:
    """Permission choices labelled in the interface's language."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.related_model is Permission:
            # Only what the admin edits: other tables' permissions would mean nothing here.
            shown = [ContentType.objects.get_for_model(model)
                     for model in self.admin_site._registry]  # type: ignore[attr-defined]
            field.label_from_instance = permission_label
            field.queryset = field.queryset.filter(content_type__in=shown).select_related(
                "content_type")
        return field


# Accounts: who is staff or superuser, their groups and permissions (the password only as
# "changed"; the last sign-in is not configuration).
class AuditedUserAdmin(TranslatedPermissions, AuditedAdmin, UserAdmin):  # type: ignore[misc]
    audit_ignore = ("last_login",)

    def user_change_password(self, request: HttpRequest, id: str,
                             form_url: str = "") -> HttpResponse:
        user = self.get_object(request, unquote(id))
        before = snapshot(user, ["password"]) if user is not None else {}
        with origin(AuditEntry.Via.ADMIN), transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db()
                record_changed(user, by=request.user, before=before)
        return response


class AuditedGroupAdmin(TranslatedPermissions, AuditedAdmin,  # type: ignore[misc]
                        admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ["name"]
    filter_horizontal = ["permissions"]


for _model, _admin in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
