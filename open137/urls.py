from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from open137.web import views as web

urlpatterns = [
    path("", include("open137.portal.urls")),
    path("healthz", web.healthz, name="healthz"),
    path("photos/<str:name>.<str:extension>", web.photo, name="public_photo"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/two-factor/", include("open137.security.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("home/", web.staff_home, name="staff_home"),
    path("admin/", admin.site.urls),
    path("oversight/", include("open137.oversight.urls")),
    path("transparency/", include("open137.oversight.public_urls")),
    path("open311/v2/", include("open137.open311.urls")),
    path("api/v1/", include("open137.api.urls")),
    path("places/", include("open137.places.urls")),
    path("desk/", include("open137.desk.urls")),
    path("sms/", include("open137.smsgateway.urls")),
    path("messenger/", include("open137.messenger.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
