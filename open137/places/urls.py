from django.urls import path

from open137.places import views

app_name = "places"

urlpatterns = [
    path("tiles/<int:z>/<int:x>/<int:y>.json", views.tile_view, name="tile"),
]
