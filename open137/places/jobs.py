"""The gazetteer's periodic job, run by `open137 worker`."""

from datetime import datetime, timedelta

from open137.notifications.jobs import periodic
from open137.places.actions import refresh_districts


@periodic("places.refresh_districts", every=timedelta(minutes=1))
def refresh(now: datetime) -> int:
    """After a district's polygon is edited in the admin, the places in it are placed
    again (a cheap check of the configuration version when nothing changed)."""
    return refresh_districts()
