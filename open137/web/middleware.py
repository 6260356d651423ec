"""The interface's language: the city's, or the one a person chose with the switch."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Programs, not people, call these; they say which language they want in Accept-Language.
MACHINE_PREFIXES = ("/api/", "/open311/")


class CityLanguageMiddleware(LocaleMiddleware):
    """Pages speak LANGUAGE_CODE unless the language switch chose another (its cookie).

    The browser's Accept-Language is not asked: a call-centre PC with an English Windows
    must still open the Persian desk. The APIs keep honouring it for their clients.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(MACHINE_PREFIXES):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else ""
        except LookupError:
            language = ""
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        # The language was chosen for this request only: a worker thread (or a test) that
        # serves the next one must not start from it.
        translation.deactivate()
        return response
