"""The security app's periodic job, run by `open137 worker`."""

from datetime import datetime, timedelta

from open137.notifications.jobs import periodic
from open137.security.retention import anonymise_closed


@periodic("security.anonymise", every=timedelta(days=1))
def anonymise(now: datetime) -> str:
    """Strip contact details from requests closed longer than ANONYMISE_AFTER_DAYS."""
    return f"{anonymise_closed(now)} anonymised"
