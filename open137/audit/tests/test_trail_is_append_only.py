from django.contrib.auth.models import User
from django.test import TestCase

from open137.audit.actions import record_created
from open137.audit.models import AuditEntry
from open137.directory.models import Kind


class AppendOnlyTests(TestCase):
    root: User
    entry: AuditEntry

    @classmethod
    def setUpTestData(cls) -> None:
        cls.root = User.objects.create_superuser("root", password="secret-pass-137")
        record_created(Kind.objects.create(code="request", name_fa="درخواست"), by=cls.root)
        cls.entry = AuditEntry.objects.get()

    def test_an_entry_cannot_be_saved_again(self) -> None:
        self.entry.note = "rewritten"
        with self.assertRaises(ValueError):
            self.entry.save()

    def test_an_entry_cannot_be_deleted_one_by_one_or_in_bulk(self) -> None:
        with self.assertRaises(ValueError):
            self.entry.delete()
        with self.assertRaises(ValueError):
            AuditEntry.objects.all().delete()
        with self.assertRaises(ValueError):
            AuditEntry.objects.update(note="rewritten")
        self.assertEqual(AuditEntry.objects.get().note, "")

    def test_deleting_the_user_leaves_the_entry_as_it_was(self) -> None:
        self.root.delete()
        entry = AuditEntry.objects.get()
        self.assertEqual(entry.username, "root")

    def test_not_even_a_superuser_can_add_change_or_delete_an_entry_in_the_admin(self) -> None:
        self.client.force_login(self.root)
        url = f"/admin/audit/auditentry/{self.entry.pk}/"
        page = self.client.get(url + "change/")
        self.assertEqual(page.status_code, 200)  # readable
        self.assertNotContains(page, 'name="_save"')
        self.assertEqual(self.client.post(url + "change/", {"note": "x"}).status_code, 403)
        self.assertEqual(self.client.post(url + "delete/", {"post": "yes"}).status_code, 403)
        self.assertEqual(self.client.get("/admin/audit/auditentry/add/").status_code, 403)
        listing = self.client.get("/admin/audit/auditentry/")
        self.assertNotContains(listing, "delete_selected")
        self.client.post("/admin/audit/auditentry/", {
            "action": "delete_selected", "_selected_action": [self.entry.pk], "post": "yes"})
        self.assertTrue(AuditEntry.objects.filter(pk=self.entry.pk).exists())
        self.assertEqual(AuditEntry.objects.get().note, "")
