import io
import shutil
import tempfile
from pathlib import Path

import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils import translation

from open137.directory.actions import default_pack_path, load_city
from open137.directory.citypack import PackError, read_pack
from open137.directory.models import City, District, Kind, Subject, SubjectGroup, Unit

RIVERTON = Path(__file__).parent / "packs" / "riverton"


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (City, Kind, SubjectGroup, Subject,
                                                   District, Unit)}


class LoadDefaultPackTests(TestCase):
    def test_loading_twice_gives_identical_counts_and_changes_nothing(self) -> None:
        first = load_city()
        after_first = counts()
        snapshot = list(Subject.objects.order_by("code").values())
        second = load_city()
        self.assertTrue(first.changed)
        self.assertFalse(second.changed)
        self.assertEqual(counts(), after_first)
        self.assertEqual(list(Subject.objects.order_by("code").values()), snapshot)

    def test_default_pack_defines_units_with_the_contract_codes(self) -> None:
        load_city()
        pack = read_pack(default_pack_path())
        for org in pack.organisations:
            self.assertTrue(Unit.objects.filter(code=org.code, type="organisation").exists())
        for d in pack.districts:
            self.assertTrue(Unit.objects.filter(code=d.code, type="district").exists())
            for dep in pack.departments:
                self.assertTrue(Unit.objects.filter(code=f"{d.code}/{dep.code}",
                                                    type="department").exists())
        self.assertEqual(Unit.objects.filter(is_triage=True).count(), 1)

    def test_command_loads_the_default_pack_and_says_so_in_one_language(self) -> None:
        out = io.StringIO()
        with translation.override("fa"):
            call_command("load_city", stdout=out)
        self.assertGreater(Subject.objects.count(), 0)
        text = out.getvalue()
        self.assertRegex(text, r"subjects: created \d+")
        self.assertIn("City pack loaded.", text)
        # Not «موضوعات: created 45»: the summary does not mix the two languages.
        self.assertNotRegex(text, "[\u0600-\u06FF]")


class SecondCityTests(TestCase):
    def test_another_city_loads_from_its_own_pack(self) -> None:
        load_city(RIVERTON)
        self.assertEqual(City.objects.get().code, "riverton")
        self.assertEqual(set(Unit.objects.values_list("code", flat=True)), {
            "hotline", "parks-dept", "transit", "ward-a", "ward-b", "ward-a/roads",
            "ward-b/roads"})
        self.assertEqual(Unit.objects.get(is_triage=True).code, "hotline")

    def test_subject_removed_from_the_file_is_deactivated_not_deleted(self) -> None:
        load_city(RIVERTON)
        with tempfile.TemporaryDirectory() as tmp:
            pack = Path(tmp) / "riverton"
            shutil.copytree(RIVERTON, pack)
            data = yaml.safe_load((pack / "subjects.yaml").read_text())
            data["categories"] = [c for c in data["categories"] if c["code"] != "park-bench"]
            (pack / "subjects.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
            report = load_city(pack)
        self.assertEqual(report.counts["subject"]["deactivated"], 1)
        bench = Subject.objects.get(code="park-bench")
        self.assertFalse(bench.active)
        self.assertTrue(Subject.objects.get(code="pothole").active)


class BrokenPackTests(TestCase):
    """A broken file names the file, the entry and the field, and loads nothing."""

    def broken(self, edit_subjects=None, edit_districts=None) -> PackError:  # type: ignore[no-untyped-def]
        with tempfile.TemporaryDirectory() as tmp:
            pack = Path(tmp) / "broken"
            shutil.copytree(RIVERTON, pack)
            if edit_subjects:
                path = pack / "subjects.yaml"
                path.write_text(edit_subjects(path.read_text()))
            if edit_districts:
                path = pack / "districts.geojson"
                path.write_text(edit_districts(path.read_text()))
            with self.assertRaises(PackError) as ctx:
                load_city(pack)
            with self.assertRaises(CommandError) as cmd:
                call_command("load_city", str(pack))
        self.assertEqual(counts(), {"City": 0, "Kind": 0, "SubjectGroup": 0, "Subject": 0,
                                    "District": 0, "Unit": 0})
        # The command says it in Persian and in English.
        self.assertEqual(len(str(cmd.exception).splitlines()), 2)
        return ctx.exception

    def test_bad_number_names_file_entry_and_field(self) -> None:
        e = self.broken(lambda s: s.replace("respond_hours: 8", "respond_hours: eight"))
        self.assertEqual((e.file, e.entry, e.field),
                         ("subjects.yaml", "categories[0] (pothole)", "respond_hours"))

    def test_unknown_handler_unit(self) -> None:
        e = self.broken(lambda s: s.replace("org:parks-dept", "org:zoo"))
        self.assertEqual((e.entry, e.field), ("categories[1] (park-bench)", "handler"))

    def test_malformed_handler(self) -> None:
        e = self.broken(lambda s: s.replace('"district:roads"', '"roads"'))
        self.assertEqual(e.field, "handler")

    def test_unknown_group(self) -> None:
        e = self.broken(lambda s: s.replace("group: streets, fa: چاله", "group: parks, fa: چاله"))
        self.assertEqual(e.field, "group")

    def test_duplicate_code(self) -> None:
        e = self.broken(lambda s: s.replace("code: misc", "code: pothole"))
        self.assertEqual((e.entry, e.field), ("categories[3] (pothole)", "code"))

    def test_synonyms_must_be_a_list_of_words(self) -> None:
        e = self.broken(lambda s: s.replace("resolve_days: 3}", "resolve_days: 3, synonyms: چاله}"))
        self.assertEqual((e.entry, e.field), ("categories[0] (pothole)", "synonyms"))
        e = self.broken(lambda s: s.replace("resolve_days: 3}", "resolve_days: 3, synonyms: [1]}"))
        self.assertEqual(e.field, "synonyms")

    def test_missing_name(self) -> None:
        e = self.broken(lambda s: s.replace("fa: چاله,", ""))
        self.assertEqual(e.field, "fa")

    def test_invalid_yaml(self) -> None:
        e = self.broken(lambda s: s + "\n  - {code: [unclosed\n")
        self.assertEqual(e.file, "subjects.yaml")
        self.assertRegex(e.entry, r"\d+")

    def test_coordinates_out_of_range(self) -> None:
        e = self.broken(edit_districts=lambda s: s.replace("[10.0, 20.0], [10.1, 20.0]",
                                                           "[10.0, 200.0], [10.1, 20.0]"))
        self.assertEqual((e.file, e.entry, e.field),
                         ("districts.geojson", "features[0] (ward-a)", "geometry"))

    def test_broken_geojson(self) -> None:
        e = self.broken(edit_districts=lambda s: s[:-10])
        self.assertEqual(e.file, "districts.geojson")

    def test_a_later_error_leaves_an_earlier_good_load_untouched(self) -> None:
        load_city(RIVERTON)
        before = list(Subject.objects.order_by("code").values())
        with tempfile.TemporaryDirectory() as tmp:
            pack = Path(tmp) / "riverton"
            shutil.copytree(RIVERTON, pack)
            path = pack / "districts.geojson"
            path.write_text(path.read_text().replace('"ward-b"', '"ward-a"'))
            with self.assertRaises(PackError):
                load_city(pack)
        self.assertEqual(list(Subject.objects.order_by("code").values()), before)


class SharedTaxonomyShapeTests(TestCase):
    def test_unquoted_commas_in_names_are_kept_whole(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            pack = Path(tmp) / "commas"
            shutil.copytree(RIVERTON, pack)
            path = pack / "subjects.yaml"
            path.write_text(path.read_text().replace(
                "{code: parks-dept, fa: اداره پارک‌ها, en: Parks department}",
                "{code: parks-dept, fa: اداره پارک‌ها, en: Parks, Landscape and Green Space}"))
            load_city(pack)
        self.assertEqual(Unit.objects.get(code="parks-dept").name_en,
                         "Parks, Landscape and Green Space")
