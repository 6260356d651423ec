"""The interface's language: the city's, or the one a person chose with the switch."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from open137.web.digits import persian_digits_in_html

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


class PersianDigitsMiddleware:
    """Persian pages read with Persian digits throughout (see web/digits.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (isinstance(response, HttpResponse) and not response.streaming
                and response.get("Content-Type", "").startswith("text/html")
                and not response.has_header("Content-Encoding")
                and (translation.get_language() or "").startswith("fa")):
            charset = response.charset or "utf-8"
            response.content = persian_digits_in_html(response.content.decode(charset))
            if response.has_header("Content-Length"):
                # Persian digits take two bytes each: a length set before would cut the page.
                response["Content-Length"] = str(len(response.content))
        return response
