"""Small model helpers shared by every app."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from open137.core.text import persian_digits


class Named(models.Model):
    """A record with a Persian and an English name; `name` follows the active language."""

    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "fa").startswith("en") and self.name_en:
            return self.name_en
        # A name from data («منطقه 3») reads with Persian digits wherever Persian is shown.
        return persian_digits(self.name_fa) if (get_language() or "fa").startswith("fa") \
            else self.name_fa


class RateCounter(models.Model):
    """Hits of one rate-limited key in one time window (see core.ratelimit)."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_counter")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"
