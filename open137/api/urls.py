"""/api/v1/: the staff JSON API, its schema and its documentation page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from open137.api import reference, views

app_name = "api"

urlpatterns = [
    path("token", views.TokenView.as_view(), name="token"),
    path("requests/", views.CaseListView.as_view(), name="requests"),
    path("requests/<str:id>/", views.CaseDetailView.as_view(), name="request"),
    *(path(f"requests/<str:id>/{step}/", view.as_view(), name=f"request-{step}")
      for step, view in views.STEPS.items()),
    path("subjects/", reference.SubjectListView.as_view(), name="subjects"),
    path("districts/", reference.DistrictCollectionView.as_view(), name="districts"),
    path("units/", reference.UnitListView.as_view(), name="units"),
    path("classify", reference.ClassifyView.as_view(), name="classify"),
    path("places", reference.PlacesView.as_view(), name="places"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", reference.docs, name="docs"),
    re_path(r"^(?P<rest>.*)$", reference.not_found),
]
