"""The gazetteer: the city's named places, as the city or OpenStreetMap names them.

A place is an address (a house number on a street), a street, a neighbourhood or a
landmark (a square, a hospital, a mosque, a metro station, a park...), with every name
its source gives it and a geometry: a point, or the lines of a street. Places come from
files (`open137 load_places`, or the city pack's `places.geojson`) and are replaced
wholesale by the next load of the same file; no request points at one (a request keeps
the point and the address text it was given), so nothing is lost when they change.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from open137.directory.models import District


class PlaceKind(models.TextChoices):
    ADDRESS = "address", _("address")
    STREET = "street", _("street")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    LANDMARK = "landmark", _("landmark")


class Place(models.Model):
    dataset = models.CharField(_("source file"), max_length=100)
    # The place's id in its source ("n123", "w45", "street:Kaivokatu:1", a feature's id),
    # so that loading the same file again changes nothing.
    source_id = models.CharField(max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices)
    category = models.CharField(_("category"), max_length=50, blank=True,
                                help_text=_("What the landmark is: square, hospital, mosque..."))
    name = models.CharField(_("name"), max_length=300)
    # Every name the source gives: {"name": ..., "name:fa": ..., "alt_name": ...}.
    names = models.JSONField(_("names"), default=dict, blank=True)
    housenumber = models.CharField(_("house number"), max_length=40, blank=True)
    street = models.CharField(_("street"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # GeoJSON (WGS84): a Point, or a LineString/MultiLineString for a street.
    geometry = models.JSONField(_("geometry"))
    district = models.ForeignKey(District, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    fingerprint = models.CharField(max_length=32, editable=False)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [models.UniqueConstraint(fields=["dataset", "source_id"],
                                               name="one_place_per_source_id")]
        indexes = [models.Index(fields=["kind", "district"], name="place_kind_district")]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        """The name in the reader's language when the source has it, else the main one."""
        language = (language or get_language() or "fa")[:2]
        local = self.names.get(f"name:{language}") if isinstance(self.names, dict) else None
        if self.kind == PlaceKind.ADDRESS and self.street:
            street = self.names.get(f"street:{language}") if isinstance(self.names, dict) \
                else None
            return f"{street or self.street} {self.housenumber}".strip()
        return str(local or self.name)


class PlaceName(models.Model):
    """One way a place can be asked for: a name of it, folded for matching.

    `key` is the name's tokens without the kind-of-place words («خیابان», «بلوار»),
    Persian homophones folded (places.matching); an address is found by its street's key
    and its house number. Search keeps the distinct keys in memory and asks the database
    only for the places of the few keys that match.
    """

    place = models.ForeignKey(Place, models.CASCADE, related_name="keys")
    key = models.CharField(max_length=300)
    # An address's number as a range ("14-20" is 14..20, "8 b" is 8..8); empty otherwise.
    number_first = models.IntegerField(null=True, blank=True)
    number_last = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["key", "number_first"], name="placename_key_number")]

    def __str__(self) -> str:
        return self.key


class Gazetteer(models.Model):
    """The gazetteer's state (one row): a stamp that moves on every load, so that every
    process rebuilds its in-memory index of names, and the district polygons the places'
    districts were worked out from."""

    version = models.CharField(max_length=32, blank=True)
    # A hash of the active districts' codes and polygons the places were placed in, and
    # the configuration version it was checked at (a cheap test for "did anything move").
    districts_hash = models.CharField(max_length=64, blank=True)
    config_version = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("gazetteer")
        verbose_name_plural = _("gazetteer")

    def __str__(self) -> str:
        return f"gazetteer {self.version}"


class PlaceCell(models.Model):
    """A square of the street map (a web-map tile at zoom `streetmap.CELL_ZOOM`, about a
    kilometre wide) that a place's geometry passes through: the map asks for the places of
    the cells in view by an indexed range, on any database.

    `level` 0 is drawn from city zoom (neighbourhoods, main streets), 1 only at street zoom
    (the other streets, landmarks); addresses are not drawn.
    """

    place = models.ForeignKey(Place, models.CASCADE, related_name="cells")
    level = models.PositiveSmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["level", "x", "y"], name="placecell_level_x_y")]

    def __str__(self) -> str:
        return f"{self.level}/{self.x}/{self.y}"
