"""Test set-up for the gazetteer: the Helsinki test city and its real OpenStreetMap extract."""

import os
from pathlib import Path

from django.conf import settings

HELSINKI_PACK = Path(__file__).parent / "tests" / "packs" / "helsinki"


def real_data() -> Path:
    """Third-party data: OPEN137_REAL_DATA, or ../shared/data/real beside the repository."""
    default = Path(settings.BASE_DIR).parent / "shared" / "data" / "real"
    return Path(os.environ.get("OPEN137_REAL_DATA") or default)


def helsinki_extract() -> Path:
    """The OpenStreetMap extract of central Helsinki (ODbL); it may be absent."""
    return real_data() / "geo" / "helsinki-centre.osm.pbf"
