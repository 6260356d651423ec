"""Configuration changed on the command line or through an action leaves an entry too."""

import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from open137.audit.models import AuditEntry
from open137.audit.values import HIDDEN
from open137.cases.testing import CityTestCase
from open137.deadlines.models import Holiday
from open137.directory.actions import load_city, set_staff_role
from open137.directory.models import Staff, Subject
from open137.intelligence.actions import declare_incident, update_incident
from open137.notifications.models import MessageTemplate
from open137.open311.actions import create_api_key, revoke_api_key
from open137.open311.models import ApiKey
from open137.security import totp
from open137.security.actions import check_two_factor, start_two_factor

Via = AuditEntry.Via


def entries(model: str, **filters: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model=model, **filters).order_by("pk"))


class CommandTrailTests(TestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    def test_load_city_records_every_object_as_the_command_line_and_then_only_changes(self) -> None:
        self.run_command("load_city")
        flooding = Subject.objects.get(code="flooding")
        [created] = entries("directory.subject", object_id=str(flooding.pk))
        self.assertEqual((created.action, created.username, created.by_id, created.via),
                         ("created", "", None, Via.COMMAND))
        self.assertIn("open137 load_city", created.note)
        self.assertEqual(created.changes["respond_hours"], [None, 2])
        self.assertTrue(entries("deadlines.holiday", action="created"))
        self.assertEqual(len(entries("deadlines.holiday")), Holiday.objects.count())

        # A second load of the same pack changes nothing, so it records nothing.
        count = AuditEntry.objects.count()
        self.run_command("load_city")
        self.assertEqual(AuditEntry.objects.count(), count)

        # The city changes the flooding deadline in its pack: the load records it.
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        pack = folder / "karaj"
        shutil.copytree(settings.CITYPACKS_DIR / "karaj", pack)
        subjects = pack / "subjects.yaml"
        text = subjects.read_text(encoding="utf-8")
        line = next(x for x in text.splitlines() if "code: flooding," in x)
        subjects.write_text(text.replace(line, line.replace("respond_hours: 2,",
                                                            "respond_hours: 3,")),
                            encoding="utf-8")
        self.run_command("load_city", str(pack))
        changed = entries("directory.subject", object_id=str(flooding.pk), action="changed")
        self.assertEqual([e.changes for e in changed], [{"respond_hours": [2, 3]}])
        self.assertEqual(changed[0].via, Via.COMMAND)

    def test_create_api_key_records_the_key_without_its_secret(self) -> None:
        raw = self.run_command("create_api_key", "Karaj app").splitlines()[-1]
        key = ApiKey.objects.get()
        [entry] = entries("open311.apikey")
        self.assertEqual((entry.action, entry.via, entry.username), ("created", Via.COMMAND, ""))
        self.assertEqual(entry.changes["key_hash"], [None, HIDDEN])
        self.assertEqual(entry.changes["name"], [None, "Karaj app"])
        self.assertNotIn(raw, str(entry.changes))
        self.assertNotIn(key.key_hash, str(entry.changes))

    def test_message_templates_records_new_and_overwritten_templates(self) -> None:
        self.run_command("message_templates")
        self.assertEqual(len(entries("notifications.messagetemplate", action="created")),
                         MessageTemplate.objects.count())
        template = MessageTemplate.objects.get(kind="receipt", language="fa")
        template.text = "متن ویرایش‌شده %(code)s"
        template.save()
        self.run_command("message_templates", "--overwrite")
        [changed] = entries("notifications.messagetemplate", action="changed",
                            object_id=str(template.pk))
        self.assertEqual(changed.changes["text"][0], "متن ویرایش‌شده %(code)s")
        self.assertEqual(changed.via, Via.COMMAND)

    def test_remove_two_factor_records_the_removal(self) -> None:
        user = User.objects.create_user("erin", password="secret-pass-137")
        device = start_two_factor(user)
        self.run_command("remove_two_factor", "erin")
        [entry] = entries("security.twofactordevice", action="deleted")
        self.assertEqual((entry.object_id, entry.via), (str(device.pk), Via.COMMAND))


class ActionTrailTests(CityTestCase):
    def test_revoking_a_key_records_who_did_it(self) -> None:
        key, _raw = create_api_key(name="Bus app", by=self.bob)
        revoke_api_key(key, by=self.bob)
        created, revoked = entries("open311.apikey")
        self.assertEqual((created.username, created.via), ("bob", Via.WEB))
        self.assertEqual((revoked.action, revoked.username), ("changed", "bob"))
        self.assertEqual(revoked.changes["active"], [True, False])
        revoke_api_key(key, by=self.bob)  # already revoked: nothing more to record
        self.assertEqual(len(entries("open311.apikey")), 2)

    def test_changing_a_mass_incident_records_the_message_before_and_after(self) -> None:
        incident = declare_incident(subject=self.works_subject, district=self.district,
                                    message_fa="آب‌گرفتگی", by=self.bob)
        update_incident(incident, by=self.bob, message_fa="آب‌گرفتگی در بلوار", district=None)
        created, changed = entries("intelligence.incident")
        self.assertEqual(created.action, "created")
        self.assertEqual(changed.changes["message_fa"], ["آب‌گرفتگی", "آب‌گرفتگی در بلوار"])
        self.assertEqual(changed.changes["district"][0]["id"], self.district.pk)
        self.assertIsNone(changed.changes["district"][1])

    def test_a_user_turning_on_two_step_sign_in_is_recorded(self) -> None:
        device = start_two_factor(self.alice)
        self.assertTrue(check_two_factor(self.alice, code=totp.code_at(device.secret, 100),
                                         moment=100 * 30))
        [entry] = entries("security.twofactordevice")
        self.assertEqual((entry.username, entry.action), ("alice", "changed"))
        self.assertIsNone(entry.changes["confirmed_at"][0])

    def test_giving_a_staff_role_is_recorded(self) -> None:
        erin = User.objects.create_user("erin")
        set_staff_role(erin, role=Staff.Role.INSPECTOR, unit=None, by=self.bob)
        set_staff_role(erin, role=Staff.Role.COUNCIL, unit=None, by=self.bob)
        created, changed = entries("directory.staff")
        self.assertEqual(created.changes["role"], [None, "inspector"])
        self.assertEqual(changed.changes, {"role": ["inspector", "council"]})

    def test_a_change_rolled_back_leaves_no_entry(self) -> None:
        count = AuditEntry.objects.count()
        with self.assertRaises(RuntimeError), transaction.atomic():
            create_api_key(name="Never", by=self.bob)
            raise RuntimeError
        self.assertEqual(AuditEntry.objects.count(), count)
        self.assertFalse(ApiKey.objects.exists())

    def test_load_city_by_an_administrator_names_them(self) -> None:
        Subject.objects.filter(code="flooding").update(resolve_days=9)
        load_city(by=self.bob)
        entry = AuditEntry.objects.filter(model="directory.subject", action="changed").latest("pk")
        self.assertEqual((entry.username, entry.changes), ("bob", {"resolve_days": [9, 1]}))
