"""Pages that belong to no one interface: the health check, the staff landing page and
the public photos."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from open137.cases.photos import PUBLIC_TYPES, public_photo
from open137.directory.models import Staff


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


# Where each role starts its day; an interface that is not installed falls back to the admin.
ROLE_HOMES: dict[str, str] = {
    Staff.Role.OPERATOR: "/desk/",
    Staff.Role.SUPERVISOR: "/desk/triage/",
    Staff.Role.UNIT_STAFF: "/desk/inbox/",
    Staff.Role.UNIT_MANAGER: "/desk/inbox/",
    Staff.Role.INSPECTOR: "/oversight/",
    Staff.Role.COUNCIL: "/oversight/",
    Staff.Role.ADMIN: "/admin/",
}


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """After sign-in: each role lands on its own page."""
    staff = Staff.objects.filter(user__pk=request.user.pk or 0).first()
    if staff is None:
        return redirect("/admin/" if request.user.is_staff else "home")
    return redirect(ROLE_HOMES.get(staff.role, "/"))


def locked_out(request: HttpRequest, credentials: object = None, *args: object,
               **kwargs: object) -> HttpResponse:
    """Too many failed sign-ins: say so plainly, and for how long."""
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (it expired, or cookies are blocked): said
    in the person's language and the site's layout, not Django's bare English page."""
    return render(request, "403_csrf.html", status=403)


@require_GET
def photo(request: HttpRequest, name: str, extension: str) -> FileResponse:
    """A public photo (Open311 `media_url`, the tracking page): the stored file, as the
    image it was checked to be; 404 for anything else, and never a listing."""
    attachment = public_photo(name)
    if attachment is None or PUBLIC_TYPES[attachment.content_type] != extension:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    # Public and unchanging under this address; an hour, so a photo taken down goes soon.
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = f"inline; filename=photo.{extension}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
