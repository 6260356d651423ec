"""A view that fails unexpectedly, to check what the API answers then."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Broken(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internal detail")


urlpatterns = [path("api/v1/broken", Broken.as_view())]
