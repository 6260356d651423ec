"""The staff API's requests: token, list, detail, create, and the unit's steps on a request."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from open137.api import serializers as s
from open137.api.errors import NON_FIELD, field_errors
from open137.api.filters import PARAMETERS, filter_cases
from open137.api.schema import RETRY_AFTER, errors
from open137.cases import actions
from open137.cases.models import Case, CaseEvent
from open137.cases.permissions import can_take, sees_contact
from open137.cases.queries import staff_of, visible_cases
from open137.cases.steps import take_step
from open137.cases.workflow import STEP_NAMES, Step
from open137.core.dates import is_persian
from open137.core.numbers import parse_id
from open137.core.text import persian_digits
from open137.security.actions import record_contact_view
from open137.security.models import ContactView
from open137.security.queries import has_contact, rows_with_contact

HISTORY = Prefetch("events", queryset=CaseEvent.objects.select_related(
    "from_unit", "to_unit", "actor"))


def validated(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def find_case(request: Request, id: str, *, history: bool = False) -> Case:
    """The request with this id if the caller may see it; 404 otherwise, whoever guesses."""
    pk = parse_id(id)
    cases = visible_cases(request.user)
    if history:
        cases = cases.prefetch_related(HISTORY)
    case = cases.filter(pk=pk).first() if pk else None
    if case is None:
        raise NotFound(_("There is no request with this id that you may see."))
    return case


def show(request: Request, case: Case, *, visible: bool | None = None) -> dict[str, Any]:
    """The request with its history, as the detail answers it."""
    if visible is None:
        visible = sees_contact(request.user)
    return dict(s.CaseDetailSerializer(case, context={"sees_contact": visible}).data)


class TokenView(APIView):
    """Exchange a username and password for the token that authenticates API calls."""

    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]

    @extend_schema(operation_id="token_create", request=s.TokenRequestSerializer, auth=[],
                   parameters=[RETRY_AFTER],
                   responses={200: s.TokenSerializer, **errors(400, 403, 429)})
    def post(self, request: Request) -> Response:
        data = validated(s.TokenRequestSerializer, request)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None and getattr(request, "axes_locked_out", False):
            return locked_out()
        if user is None or not user.is_active:
            raise ValidationError({NON_FIELD: [_("The username or password is not right.")]})
        if staff_of(user) is None:
            raise PermissionDenied(_("This account has no role at the 137 centre. Ask an "
                                     "administrator to give it one."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def locked_out() -> Response:
    """Too many failed sign-ins from this address for this username: wait, as on the web."""
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    message = ngettext("Too many failed sign-in attempts. Try again in %(minutes)s minute.",
                       "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
                       minutes) % {"minutes": persian_digits(minutes) if is_persian() else minutes}
    return Response({"detail": message}, status=429, headers={"Retry-After": str(minutes * 60)})


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    @property
    def invalid_page_message(self) -> str:  # type: ignore[override]
        return _("There is no such page.")


@extend_schema_view(
    get=extend_schema(operation_id="requests_list", parameters=PARAMETERS,
                      responses={200: s.CaseSerializer(many=True), **errors(400, 401, 404)},
                      description="Requests the caller may see, newest first."),
    post=extend_schema(operation_id="requests_create", request=s.CaseCreateSerializer,
                       responses={201: s.CaseDetailSerializer, **errors(400, 401, 403)},
                       description="Record a request (operators, supervisors, "
                                   "administrators); it is routed at once."),
)
class CaseListView(generics.ListCreateAPIView):
    serializer_class = s.CaseSerializer
    pagination_class = Pages

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.sees_contact = sees_contact(request.user)  # once per call, not per row

    def get_queryset(self) -> Any:
        cases = visible_cases(self.request.user).order_by("-created_at", "-pk")
        return filter_cases(cases, self.request.query_params,
                            sees_contact=getattr(self, "sees_contact", False))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(),
                "sees_contact": getattr(self, "sees_contact", False)}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        if self.sees_contact and isinstance(response.data, dict):
            record_contact_view(case_ids=rows_with_contact(response.data.get("results", [])),
                                by=request.user, where=ContactView.Where.API_LIST)
        return response

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        staff = staff_of(request.user)
        if staff is None or not staff.is_centre:
            raise PermissionDenied(_("Only the 137 centre's operators, supervisors and "
                                     "administrators record requests."))
        data = validated(s.CaseCreateSerializer, request)
        with field_errors(s.CaseCreateSerializer):
            case = actions.receive_case(by=request.user, **data)
        case = find_case(request, str(case.pk), history=True)
        return Response(show(request, case, visible=self.sees_contact), status=201,
                        headers={"Location": reverse("api:request", args=[case.pk])})


@extend_schema_view(get=extend_schema(operation_id="requests_retrieve",
                                      responses={200: s.CaseDetailSerializer,
                                                 **errors(401, 404)}))
class CaseDetailView(generics.RetrieveAPIView):
    """One request with its history."""

    serializer_class = s.CaseDetailSerializer

    def get_object(self) -> Case:
        case = find_case(self.request, self.kwargs["id"], history=True)
        if has_contact(case) and sees_contact(self.request.user):
            record_contact_view(case_ids=[case.pk], by=self.request.user,
                                where=ContactView.Where.API_DETAIL)
        return case

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(),
                "sees_contact": sees_contact(self.request.user)}


class StepView(APIView):
    """A unit's step on a request: scope (404), permission (403), input (400), status (409)."""

    step: ClassVar[Step]
    input: ClassVar[type[serializers.Serializer] | None] = None

    def post(self, request: Request, id: str) -> Response:
        case = find_case(request, id)
        if not can_take(request.user, case, self.step):
            raise PermissionDenied(_("You may not take the step “%(step)s” on this request.")
                                   % {"step": STEP_NAMES[self.step]})
        data = validated(self.input, request) if self.input is not None else {}
        with field_errors(self.input):
            take_step(case, self.step, by=request.user, **data)
        return Response(show(request, find_case(request, id, history=True)))


def _step_view(step: Step, input: type[serializers.Serializer] | None,
               description: str) -> type[StepView]:
    """The view of one step, with its entry in the API's schema."""
    view = type(f"{step.name.title()}View", (StepView,),
                {"step": step, "input": input, "__doc__": description})
    return extend_schema_view(post=extend_schema(
        operation_id=f"requests_{step.value}", request=input, description=description,
        responses={200: s.CaseDetailSerializer, **errors(400, 401, 403, 404, 409)}))(view)


STEPS: dict[str, type[StepView]] = {step.value: _step_view(step, input, description)
                                    for step, input, description in (
    (Step.ACCEPT, None, "The unit takes the request on."),
    (Step.RESOLVE, s.ResolveSerializer,
     "The work is done; the note tells the citizen what was done."),
    (Step.RETURN, s.ReturnSerializer, "Not this unit's: back to the 137 centre, with the reason."),
    (Step.PLAN, s.PlanSerializer, "Long-term work: why it must wait, and the date it is expected."),
    (Step.REJECT, s.RejectSerializer, "It cannot be done; the reason is shown to the citizen."),
    (Step.REFER, s.ReferSerializer,
     "Refer (or re-refer) to a unit; its deadlines start again. Supervisors."),
)}
