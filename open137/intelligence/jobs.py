"""The worker's nightly retraining of the subject classifier."""

from datetime import datetime, timedelta

from django.utils import timezone

from open137.notifications.jobs import periodic

# Local hours in which the job may retrain: the centre's quietest.
NIGHT = range(1, 6)


@periodic("intelligence.retrain_classifier", every=timedelta(hours=1))
def retrain_classifier(now: datetime) -> str:
    """Retrain at night when enough newly confirmed requests exist (see training.py)."""
    if timezone.localtime(now).hour not in NIGHT:
        return "waiting for the night"
    from open137.intelligence.training import retrain_if_needed

    return retrain_if_needed(now=now)


@periodic("intelligence.surge_alerts", every=timedelta(minutes=15))
def surge_alerts(now: datetime) -> str:
    """Tell the supervisors of each surge, once a day per subject and district."""
    from open137.intelligence.actions import alert_surges

    return f"alerted {alert_surges(now=now)}"
