from django.urls import path

from open137.messenger import views

urlpatterns = [
    path("update", views.update, name="messenger_update"),
]
