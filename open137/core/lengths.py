"""Text longer than its column is refused the same way on both engines.

PostgreSQL refuses a value longer than a column's max_length with a database error (a
server error to whoever sent it); SQLite stores it whole. Before any of our models is saved,
each text field is measured against its max_length and an over-long one is a translated
InvalidInput on that field, which every interface already answers as bad input.
"""

from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from open137.core.errors import InvalidInput


def check_lengths(sender: type[models.Model], instance: models.Model, raw: bool = False,
                  **kwargs: Any) -> None:
    """pre_save: refuse a text value over its field's max_length (fixtures pass as loaded)."""
    if raw or not sender.__module__.startswith("open137."):
        return
    for field in sender._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(instance, field.attname, None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise InvalidInput(
                _("%(field)s may be at most %(limit)s characters long; this one has "
                  "%(length)s.") % {"field": capfirst(str(field.verbose_name)),
                                    "limit": limit, "length": len(value)},
                field=field.name)
