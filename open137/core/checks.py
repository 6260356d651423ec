"""System checks: a malformed setting is reported at start-up, not on the first request."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from open137.core.ratelimit import parse_rate


@register()
def rate_limit_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every RATE_LIMIT_* setting reads as a rate, like 120/m, or 0 for no limit."""
    errors = []
    for name in sorted({n for n in dir(settings) if n.startswith("RATE_LIMIT_")}):
        try:
            parse_rate(getattr(settings, name))
        except (TypeError, ValueError) as e:
            errors.append(Error(str(e), hint=f"{name}: write it like 120/m, or 0 for no limit.",
                                id="core.E001", obj=name))
    return errors
