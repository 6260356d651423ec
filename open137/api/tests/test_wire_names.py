"""The API spells its wire names once: a serializer's `source` is the action's name."""

import inspect

from django.test import SimpleTestCase
from rest_framework import serializers

from open137.api import serializers as s
from open137.api.errors import wire_names
from open137.cases import actions
from open137.cases.steps import ACTIONS
from open137.cases.workflow import Step


class WireNamesTests(SimpleTestCase):
    def test_a_new_request_s_fields_are_receive_case_s_arguments(self) -> None:
        self.assertEqual(wire_names(s.CaseCreateSerializer),
                         {"subject": "service_code", "lon": "long", "district": "district_code"})
        arguments = inspect.signature(actions.receive_case).parameters
        for name, field in s.CaseCreateSerializer().fields.items():
            with self.subTest(field=name):
                self.assertIn(field.source, arguments)

    def test_each_step_s_fields_are_its_action_s_arguments(self) -> None:
        inputs: dict[Step, type[serializers.Serializer]] = {
            Step.RESOLVE: s.ResolveSerializer, Step.RETURN: s.ReturnSerializer,
            Step.PLAN: s.PlanSerializer, Step.REJECT: s.RejectSerializer,
            Step.REFER: s.ReferSerializer}
        self.assertEqual(wire_names(s.ReferSerializer), {"unit": "unit_code"})
        for step, serializer in inputs.items():
            # photos are take_step's own: attached to the step the action took.
            arguments = {*inspect.signature(ACTIONS[step]).parameters, "photos"}
            for name, field in serializer().fields.items():
                with self.subTest(step=step, field=name):
                    self.assertIn(field.source, arguments)
