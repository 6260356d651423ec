from django.urls import path

from open137.smsgateway import views

urlpatterns = [
    path("inbound", views.inbound, name="sms_inbound"),
]
