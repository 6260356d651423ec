"""Posting admin forms in tests as a person would: the form as the page shows it, with
some fields changed."""

from typing import Any

from django.forms import BaseForm, CheckboxInput, MultiWidget
from django.test import Client


def _form_values(form: BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, bound in form._bound_items():  # type: ignore[attr-defined]
        key = bound.html_name
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, MultiWidget):
            for i, part in enumerate(widget.decompress(value) or []):
                data[f"{key}_{i}"] = "" if part is None else str(part)
        elif isinstance(widget, CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif value is None:
            data[key] = ""
        else:
            data[key] = value
        del name
    return data


def admin_form(client: Client, page_url: str, /, **changes: Any) -> dict[str, Any]:
    """The data an admin add or change page would post, with `changes` applied."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    data = _form_values(page.context["adminform"].form)
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.forms:
            data.update(_form_values(form))
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
