"""The API's test set-up: the shared city, more named users, and a client per user."""

from typing import Any

from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from open137.cases.testing import CityTestCase, make_user
from open137.directory.models import Staff


class ApiTestCase(CityTestCase):
    """alice operates, bob supervises, charlie and dave work in units; erin sits on the
    council and ivan inspects."""

    erin: User
    ivan: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.erin = make_user("erin", Staff.Role.COUNCIL)
        cls.ivan = make_user("ivan", Staff.Role.INSPECTOR)

    def client_for(self, user: User | None, **headers: Any) -> APIClient:
        client = APIClient(headers=headers)
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client
