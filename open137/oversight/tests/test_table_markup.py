from django import forms
from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from open137.oversight.forms import ListSelect
from open137.oversight.tables import Cell, Table

# The row markup as a template loop writes it (the tag writes the same in one pass).
LOOP = Template(
    '{% load oversight %}{% for row in table.rows %}\n    <tr>{% for c in row %}'
    '{% if forloop.first and c.kind == "name" %}<th scope="row">{% else %}'
    '<td class="text-end text-nowrap"{% if c.title %} title="{{ c.title }}"{% endif %}>'
    '{% endif %}{% if c.link %}<a href="{{ c.link }}">{{ c|cell }}</a>{% else %}{{ c|cell }}'
    '{% endif %}{% if forloop.first and c.kind == "name" %}</th>{% else %}</td>{% endif %}'
    '{% endfor %}</tr>\n  {% endfor %}')
TAG = Template("{% load oversight %}{% table_rows table %}")


class TableMarkupTests(SimpleTestCase):
    def table(self) -> Table:
        return Table("t", "T", [("name", "Name"), ("n", "N")], [
            [Cell("<A & B>", "name", "/x/?a=1&b=2"), Cell(1234, "count", "/y/?q=<1>"),
             Cell(0.6667, "share", title="2 / 3"), Cell(None, "hours"), Cell(12.34, "score"),
             Cell(2.5, "hours")],
            [Cell(3, "count"), Cell("text", "name"), Cell(None, "share")],
        ])

    def test_the_tag_writes_what_the_template_loop_wrote_in_both_languages(self) -> None:
        for language in ("fa", "en"):
            with self.subTest(language=language), translation.override(language):
                context = Context({"table": self.table()})
                self.assertEqual(TAG.render(context), LOOP.render(context))
        with translation.override("fa"):
            html = TAG.render(Context({"table": self.table()}))
        self.assertIn("&lt;A &amp; B&gt;", html)
        self.assertIn('href="/x/?a=1&amp;b=2"', html)
        self.assertIn("۶۶٫۷٪", html)

    def test_an_empty_table_says_so_across_its_columns(self) -> None:
        with translation.override("en"):
            html = TAG.render(Context({"table": Table("t", "T", [("a", "A"), ("b", "B")])}))
        self.assertIn('<td colspan="2" class="text-body-secondary">No request in this selection.'
                      "</td>", html)


class FilterSelectMarkupTests(SimpleTestCase):
    def test_the_filter_select_writes_what_django_select_writes(self) -> None:
        choices = [("", "All"), ("a&b", "<A & B>"), ("c", "C"), ("none", "No district")]
        attrs = {"class": "form-select form-select-sm", "required": False, "autofocus": True}
        for value in ("", "a&b", "c", None):
            with self.subTest(value=value):
                ours = ListSelect(attrs=attrs, choices=choices).render("district", value)
                django = forms.Select(attrs=attrs, choices=choices).render("district", value)
                self.assertEqual(ours, django)
        grouped = [("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]
        self.assertEqual(ListSelect(choices=grouped).render("g", "y"),
                         forms.Select(choices=grouped).render("g", "y"))
