from django.urls import path

from open137.portal import views

# Included at the site's root: "/" is the portal, and base.html links to it as "home".
urlpatterns = [
    path("", views.home, name="home"),
    path("submitted/", views.submitted, name="portal_submitted"),
    path("track/", views.lookup, name="portal_lookup"),
    path("track/<str:code>", views.track, name="portal_track"),
    path("track/<str:code>/", views.track),
    path("track/<str:code>/answer", views.answer, name="portal_answer"),
    path("track/<str:code>/reply", views.reply, name="portal_reply"),
    path("portal/district", views.district, name="portal_district"),
    path("portal/districts.geojson", views.districts, name="portal_districts"),
    path("portal/suggest", views.suggest, name="portal_suggest"),
    path("portal/subjects", views.subjects, name="portal_subjects"),
    path("portal/nearby", views.nearby, name="portal_nearby"),
]
