"""Read-only reference data (subjects, districts, units), subject suggestions and the docs."""

from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from open137.api import serializers as s
from open137.api.classify import suggest_subjects
from open137.api.schema import RETRY_AFTER, errors
from open137.api.views import validated
from open137.core.ratelimit import client_address, hit
from open137.directory.models import District, Subject, Unit
from open137.places.search import search


@extend_schema_view(get=extend_schema(operation_id="subjects_list",
                                      responses={200: s.SubjectSerializer(many=True),
                                                 **errors(401)}))
class SubjectListView(generics.ListAPIView):
    """Every subject (the Open311 services), inactive ones included, in the city's order."""

    serializer_class = s.SubjectSerializer
    pagination_class = None
    queryset = Subject.objects.select_related("group").order_by("position", "code")


@extend_schema_view(get=extend_schema(operation_id="units_list",
                                      responses={200: s.UnitSerializer(many=True),
                                                 **errors(401)}))
class UnitListView(generics.ListAPIView):
    """Every unit: the 137 centre, organisations, districts and their departments."""

    serializer_class = s.UnitSerializer
    pagination_class = None
    queryset = Unit.objects.select_related("district").order_by("type", "code")


class DistrictCollectionView(APIView):
    """The districts as a GeoJSON FeatureCollection (WGS84)."""

    @extend_schema(operation_id="districts_list",
                   responses={200: s.DistrictCollectionSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        features = [
            {"type": "Feature", "id": d.code,
             "properties": {"code": d.code, "number": d.number, "name": d.name,
                            "name_fa": d.name_fa, "name_en": d.name_en, "active": d.active},
             "geometry": d.geometry}
            for d in District.objects.order_by("number", "code")
        ]
        return Response({"type": "FeatureCollection", "features": features})


class ClassifyView(APIView):
    """Suggest subjects for a request's text, best first. Open to all, limited per address."""

    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]

    @extend_schema(operation_id="classify", request=s.ClassifyRequestSerializer, auth=[],
                   parameters=[RETRY_AFTER],
                   responses={200: s.SuggestionsSerializer, **errors(400, 429)})
    def post(self, request: Request) -> Response:
        allowed, retry_after = hit(f"classify:{client_address(request)[:100]}",
                                   settings.RATE_LIMIT_CLASSIFY)
        if not allowed:
            return Response(
                {"detail": _("Too many requests from your address. Wait a little and try "
                             "again.")},
                status=429, headers={"Retry-After": str(retry_after)})
        data = validated(s.ClassifyRequestSerializer, request)
        ranked = suggest_subjects(data["text"], k=data["limit"])
        subjects = {x.code: x for x in Subject.objects.filter(code__in=[c for c, _ in ranked])}
        return Response({"suggestions": [
            {"code": code, "name": subjects[code].name, "score": score}
            for code, score in ranked if code in subjects
        ]})


class PlacesView(APIView):
    """Search the city's gazetteer: the places an address may mean, best first. Open to
    all (the portal's address field uses it), limited per address."""

    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]

    @extend_schema(operation_id="places", auth=[], parameters=[
        s.PlacesQuerySerializer, RETRY_AFTER],
        responses={200: s.PlacesSerializer, **errors(400, 429)})
    def get(self, request: Request) -> Response:
        allowed, retry_after = hit(f"places:{client_address(request)[:100]}",
                                   settings.RATE_LIMIT_PLACES)
        if not allowed:
            return Response(
                {"detail": _("Too many requests from your address. Wait a little and try "
                             "again.")},
                status=429, headers={"Retry-After": str(retry_after)})
        query = s.PlacesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = search(query.validated_data["q"], limit=query.validated_data["limit"])
        names = ({d.code: d.name for d in District.objects.filter(
            code__in={f.district_code for f in found if f.district_code})} if found else {})
        return Response({"places": [
            {**f.as_dict(), "district_name": names.get(f.district_code or "", "")}
            for f in found]})


def docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI over /api/v1/schema/, from vendored files only."""
    return render(request, "api/docs.html")


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown API addresses answer JSON; a missing or extra final slash is redirected."""
    other = request.path[:-1] if request.path.endswith("/") else request.path + "/"
    try:
        match = resolve(other)
    except Resolver404:
        match = None
    if match is not None and match.func is not not_found:
        query = request.META.get("QUERY_STRING", "")
        # 308 keeps the method and body, so a POST to /requests is not lost.
        return redirect(other + ("?" + query if query else ""), permanent=True,
                        preserve_request=True)
    return JsonResponse({"detail": _("There is nothing at this address in the API.")},
                        status=404)
