"""Imports point one way: no app imports a higher layer, no apps (nor modules) import
each other."""

from pathlib import Path
from tempfile import TemporaryDirectory

from django.test import SimpleTestCase

from open137.web import layers


class TheImportsPointOneWay(SimpleTestCase):
    def test_every_app_has_a_layer(self) -> None:
        graph = layers.import_graph()
        placed = {app for _name, apps in layers.LAYERS for app in apps}
        self.assertEqual(set(graph) - placed, set(), "apps without a layer in web/layers.py")

    def test_no_apps_import_each_other_round_a_loop(self) -> None:
        self.assertEqual(layers.cycles(layers.import_graph()), [])

    def test_no_modules_import_each_other_round_a_loop(self) -> None:
        # Also inside one app: a package whose modules import it back is a loop too.
        self.assertEqual(layers.cycles(layers.module_graph()), [])

    def test_no_app_imports_a_higher_layer_nor_another_interface(self) -> None:
        self.assertEqual(layers.wrong_way(layers.import_graph()), [])


class TheArchitecturePageDrawsTheCode(SimpleTestCase):
    def test_the_picture_in_docs_is_the_one_the_imports_draw(self) -> None:
        doc = layers.PACKAGE.parent / "docs" / "architecture.md"
        drawn = layers.picture_in(doc.read_text(encoding="utf-8"))
        self.assertTrue(drawn, "docs/architecture.md has lost its picture's marker lines")
        self.assertEqual(drawn, layers.picture(layers.import_graph()),
                         "the imports changed: run scripts/architecture.py")


class TheWalkerSeesEveryImport(SimpleTestCase):
    """The checks above are only as good as the walk: it must see lazy imports too."""

    def apps_imported_by(self, source: str) -> set[str]:
        with TemporaryDirectory() as folder:
            path = Path(folder) / "module.py"
            path.write_text(source, encoding="utf-8")
            return {app for app, _line in layers.imported_apps(path)}

    def test_an_import_inside_a_function_counts(self) -> None:
        source = "def f():\n    from open137.desk.views import home\n    return home\n"
        self.assertEqual(self.apps_imported_by(source), {"desk"})

    def test_every_form_of_import_counts(self) -> None:
        source = ("import open137.cases.models\nfrom open137 import portal\n"
                  "from open137.core.text import normalize_text\nimport django\n")
        self.assertEqual(self.apps_imported_by(source), {"cases", "portal", "core"})

    def test_a_package_and_its_module_importing_each_other_is_a_loop(self) -> None:
        graph = {"open137.x": {"open137.x.a": ["open137/x/__init__.py:3"]},
                 "open137.x.a": {"open137.x": ["open137/x/a.py:1"]}, "open137.y": {}}
        self.assertEqual(layers.cycles(graph), [["open137.x", "open137.x.a"]])

    def test_an_import_from_a_higher_layer_is_found(self) -> None:
        graph = {"cases": {"desk": ["open137/cases/x.py:3"]}, "desk": {"cases": []}}
        self.assertEqual(layers.wrong_way(graph), ["open137/cases/x.py:3: cases imports desk"])
        self.assertEqual(layers.cycles(graph), [["cases", "desk"]])
