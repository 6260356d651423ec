from django.urls import path

from open137.oversight import trail, views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("audits/", views.audits, name="audits"),
    path("audits/<int:pk>/", views.audit_sample, name="audit_sample"),
    path("audits/items/<int:pk>/", views.grade, name="grade"),
    path("report/", views.report, name="report"),
    path("export/<slug:table>.xlsx", views.export, name="export"),
    path("changes/", trail.changes, name="changes"),
]
