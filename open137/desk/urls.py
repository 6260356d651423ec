from django.urls import path

from open137.desk.views import case, data, inbox, intake, supervisor

app_name = "desk"
urlpatterns = [
    path("", intake.intake, name="intake"),
    path("call", intake.intake, name="call"),
    path("lookup", intake.lookup, name="lookup"),
    path("suggestions", intake.suggestions, name="suggestions"),
    path("duplicates", intake.duplicates, name="duplicates"),
    path("questions", intake.questions, name="questions"),
    path("subjects.json", data.subjects, name="subjects"),
    path("locate.json", data.locate, name="locate"),
    path("districts.geojson", data.districts, name="districts"),
    path("triage/", supervisor.triage, name="triage"),
    path("triage/returned/", supervisor.returned, name="returned"),
    path("triage/overdue/", supervisor.overdue, name="overdue"),
    path("alerts/", supervisor.alerts, name="alerts"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/accept/", inbox.bulk_accept, name="bulk_accept"),
    path("requests/<int:pk>/", case.case_page, name="request"),
    path("requests/<int:pk>/recorded/", intake.recorded, name="recorded"),
    path("requests/<int:pk>/photos/<int:photo_pk>/", case.photo, name="photo"),
    path("requests/<int:pk>/contact/", case.record_contact, name="contact"),
    path("requests/<int:pk>/<slug:step>/", case.take_step, name="step"),
]
