"""System checks: a malformed setting is reported at start-up, not on the first request."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from open137.core.ratelimit import parse_rate


@register()
def rate_limit_setting(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        parse_rate(settings.RATE_LIMIT_OPEN311_POST)
    except ValueError as e:
        return [Error(str(e), hint="RATE_LIMIT_OPEN311_POST: write it like 120/m, or 0 for no "
                      "limit.", id="open311.E001")]
    return []
