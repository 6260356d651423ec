from django.urls import path

from open137.security import views

urlpatterns = [
    path("", views.setup, name="two_factor_setup"),
    path("verify/", views.verify, name="two_factor_verify"),
]
