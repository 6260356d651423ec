"""The audit trail of configuration, for inspectors and administrators (reads only)."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from open137.audit import queries
from open137.audit.display import change_lines, type_label
from open137.cases.queries import staff_of
from open137.oversight.permissions import reads_trail

PAGE_SIZE = 50


class TrailFilter(forms.Form):
    model = forms.ChoiceField(label=gettext_lazy("Type"), required=False)
    obj = forms.CharField(label=gettext_lazy("Name or id"), required=False, max_length=200)
    person = forms.ChoiceField(label=gettext_lazy("Who"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = sorted(((m, type_label(m)) for m in queries.models_seen()),
                       key=lambda pair: pair[1])
        self.fields["model"].choices = [  # type: ignore[attr-defined]
            ("", _("Every type")), *types]
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", _("Everyone")), (queries.SYSTEM, _("The system")),
            *((u, u) for u in queries.people_seen())]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm" if isinstance(
                field, forms.ChoiceField) else "form-control form-control-sm"


@login_required
@require_GET
def changes(request: HttpRequest) -> HttpResponse:
    """Who changed which configuration, when, from what to what; newest first."""
    staff = staff_of(request.user)
    if staff is None or not reads_trail(staff):
        raise PermissionDenied
    form = TrailFilter(request.GET)
    if not form.is_valid():
        return render(request, "oversight/changes.html",
                      {"staff": staff, "form": form, "rows": []}, status=400)
    found = queries.entries(**form.cleaned_data)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(entry, type_label(entry.model), change_lines(entry)) for entry in page]
    return render(request, "oversight/changes.html", {
        "staff": staff, "form": form, "page": page, "rows": rows,
        "query": {k: v for k, v in form.cleaned_data.items() if v},
    })
