"""Objects added, changed and deleted in an inline of an audited admin are recorded."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory, TestCase

from open137.audit.admin import AuditedAdmin
from open137.audit.models import AuditEntry
from open137.directory.actions import load_city
from open137.directory.models import District, RoutingRule, Subject, Unit


class RuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoutingRule
    fields = ["district", "unit", "priority", "active"]
    extra = 0


class SubjectWithRulesAdmin(AuditedAdmin):
    inlines = [RuleInline]


class InlineTrailTests(TestCase):
    root: User
    flooding: Subject

    @classmethod
    def setUpTestData(cls) -> None:
        load_city()
        cls.root = User.objects.create_superuser("root", password="secret-pass-137")
        cls.flooding = Subject.objects.get(code="flooding")

    def save_rules(self, forms: list[dict[str, Any]], initial: int) -> None:
        site = admin.AdminSite(name="inline-test")
        model_admin = SubjectWithRulesAdmin(Subject, site)
        request = RequestFactory().post("/")
        request.user = self.root
        formset_class = RuleInline(Subject, site).get_formset(request, self.flooding)
        prefix = formset_class.get_default_prefix()
        data = {f"{prefix}-TOTAL_FORMS": str(len(forms)),
                f"{prefix}-INITIAL_FORMS": str(initial)}
        for i, form in enumerate(forms):
            data.update({f"{prefix}-{i}-{key}": value for key, value in form.items()})
        formset = formset_class(data, instance=self.flooding, prefix=prefix)
        self.assertTrue(formset.is_valid(), formset.errors)
        model_admin.save_formset(request, None, formset, change=True)

    def test_an_inline_rule_added_changed_and_deleted_is_recorded(self) -> None:
        district = District.objects.order_by("number")[0]
        unit = Unit.objects.get(code="waste")
        row = {"district": str(district.pk), "unit": str(unit.pk), "priority": "3",
               "active": "on", "subject": str(self.flooding.pk)}
        self.save_rules([row], initial=0)
        rule = RoutingRule.objects.get(subject=self.flooding)
        self.save_rules([{**row, "id": str(rule.pk), "priority": "7"}], initial=1)
        self.save_rules([{**row, "id": str(rule.pk), "priority": "7", "DELETE": "on"}],
                        initial=1)
        self.assertFalse(RoutingRule.objects.exists())
        entries = AuditEntry.objects.filter(model="directory.routingrule").order_by("pk")
        self.assertEqual([(e.action, e.username) for e in entries],
                         [("created", "root"), ("changed", "root"), ("deleted", "root")])
        self.assertEqual(entries[1].changes, {"priority": [3, 7]})
        self.assertEqual(entries[2].changes["priority"], [7, None])
