"""GeoReport v2 under /open311/v2/: each resource as .json and .xml."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from open137.open311 import views

app_name = "open311"

# The format is whatever follows the last dot; views answer 404 for anything but json/xml.
FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    path("", RedirectView.as_view(url="discovery.xml"), name="root"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.service_requests, name="service_requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + FMT, views.service_request,
            name="service_request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.unknown),
]
