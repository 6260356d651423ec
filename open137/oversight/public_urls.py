from django.urls import path

from open137.oversight import transparency

app_name = "transparency"
urlpatterns = [
    path("", transparency.page, name="page"),
    path("open-data.csv", transparency.open_data_csv, name="csv"),
    path("open-data.json", transparency.open_data_json, name="json"),
    path("districts/<str:version>.geojson", transparency.district_outlines, name="districts"),
]
