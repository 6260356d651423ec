import json

from open137.open311.models import Submission
from open137.open311.tests import schemas
from open137.open311.tests.base import Open311TestCase


class TokenTests(Open311TestCase):
    def test_each_post_gets_a_token_that_resolves_to_its_request(self) -> None:
        body = json.loads(self.post(service_code="taxi", address_string="x").content)
        submission = Submission.objects.get()
        answer = self.get_json(f"tokens/{submission.token}.json")
        schemas.validate(answer, schemas.TOKEN)
        self.assertEqual(answer, [{"service_request_id": body[0]["service_request_id"],
                                   "token": submission.token}])
        root = self.get_xml(f"tokens/{submission.token}.xml")
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual(root.findtext("request/service_request_id"),
                         body[0]["service_request_id"])
        self.assertEqual(root.findtext("request/token"), submission.token)

    def test_tokens_are_unique_per_post(self) -> None:
        for _ in range(3):
            self.post(service_code="taxi", address_string="x")
        self.assertEqual(len(set(Submission.objects.values_list("token", flat=True))), 3)

    def test_an_unknown_token_is_not_found_in_json_and_xml(self) -> None:
        self.assertErrorJson(self.get("tokens/nope.json"), 404, "nope")
        self.assertErrorXml(self.get("tokens/nope.xml"), 404, "nope")
