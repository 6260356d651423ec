"""The classifier's examples, how well it does on text it has not seen, and training runs.

Examples come from two places:

- the city pack's `training/` folder: CSV files with the columns `subject,text`, written
  for the pack (found from the pack path, so another city brings its own);
- the centre's own **confirmed** requests: a person at the centre chose or checked the
  subject. That is a request recorded by an operator, supervisor or administrator while
  talking to the citizen (channel phone or walk-in), or any request that centre staff
  referred by hand (after triage, or a unit's return: the re-referral). Requests now
  back at the centre after a return are left out until someone looks at them again,
  and so are requests without a description or whose subject is no longer active.

A text that appears more than once counts once (the pack's label first, then the most
recent request's), so the demo's requests, which reuse the pack's texts, add nothing.
"""

import csv
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from sklearn.model_selection import StratifiedKFold

from open137.cases.models import Case, CaseEvent, Channel
from open137.cases.workflow import Status, Step
from open137.directory.actions import default_pack_path
from open137.directory.models import Staff
from open137.intelligence import classifier
from open137.intelligence.features import canonical

CENTRE_ROLES = (Staff.Role.OPERATOR, Staff.Role.SUPERVISOR, Staff.Role.ADMIN)
# The newest confirmed requests used; older ones add little and slow training down.
CONFIRMED_LIMIT = 20000
# The nightly job leaves a model this young alone (one made by hand in the evening).
RETRAIN_GAP = timedelta(hours=12)


@dataclass
class Examples:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    pack: int = 0
    confirmed: int = 0
    pack_name: str = ""
    confirmed_through: int = 0

    def __len__(self) -> int:
        return len(self.texts)


def pack_examples(pack: Path | None = None) -> list[tuple[str, str]]:
    """(text, subject code) from the pack's training/*.csv files."""
    folder = Path(pack or default_pack_path()) / "training"
    rows: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                text, code = (row.get("text") or "").strip(), (row.get("subject") or "").strip()
                if text and code:
                    rows.append((text, code))
    return rows


def _confirmed() -> QuerySet[Case]:
    centre = Staff.objects.filter(role__in=CENTRE_ROLES).values("user_id")
    recorded = Q(channel__in=[Channel.PHONE, Channel.WALKIN], created_by__in=centre)
    referred = Exists(CaseEvent.objects.filter(case=OuterRef("pk"), step=Step.REFER,
                                               actor__in=centre))
    return (Case.objects.filter(recorded | Q(referred), subject__active=True)
            .exclude(status=Status.RETURNED).exclude(description=""))


def confirmed_examples(limit: int = CONFIRMED_LIMIT) -> list[tuple[str, str]]:
    """(description, subject code) of the newest confirmed requests (see the module doc)."""
    rows = _confirmed().order_by("-created_at", "-pk").values_list("description",
                                                                     "subject__code")
    return list(rows[:limit])


def training_examples(*, pack: Path | None = None, confirmed: bool = True) -> Examples:
    """The pack's examples plus (optionally) the confirmed requests, each text once."""
    pack = Path(pack or default_pack_path())
    examples = Examples(pack_name=pack.name)
    seen: set[str] = set()
    sources = [("pack", pack_examples(pack))]
    if confirmed:
        sources.append(("confirmed", confirmed_examples()))
        examples.confirmed_through = _confirmed().aggregate(last=Max("pk"))["last"] or 0
    for source, rows in sources:
        for text, code in rows:
            key = canonical(text)
            if not key or key in seen:
                continue
            seen.add(key)
            examples.texts.append(text)
            examples.labels.append(code)
            if source == "pack":
                examples.pack += 1
            else:
                examples.confirmed += 1
    return examples


@dataclass
class Evaluation:
    """Probabilities predicted for every example by a model that had not seen it."""

    labels: np.ndarray
    classes: np.ndarray
    probabilities: np.ndarray
    folds: int
    seconds: float

    def ranked(self) -> np.ndarray:
        return self.classes[np.argsort(-self.probabilities, axis=1, kind="stable")]

    def hits(self, k: int) -> np.ndarray:
        return (self.ranked()[:, :k] == self.labels[:, None]).any(axis=1)

    def top(self, k: int) -> float:
        return float(self.hits(k).mean())

    def log_loss(self) -> float:
        """Mean negative log probability of the right subject (lower is better)."""
        index = np.searchsorted(self.classes, self.labels)
        right = self.probabilities[np.arange(len(index)), index]
        return float(-np.log(np.clip(right, 1e-12, 1.0)).mean())

    def calibration_error(self, bins: int = 10) -> float:
        """How far the best score is from how often the best subject is right, on average
        over ten score bins weighted by their size (0 is perfectly calibrated)."""
        best = self.probabilities.max(axis=1)
        right = self.hits(1)
        which = np.minimum((best * bins).astype(int), bins - 1)
        error = 0.0
        for b in range(bins):
            chosen = which == b
            if chosen.any():
                error += chosen.mean() * abs(best[chosen].mean() - right[chosen].mean())
        return float(error)

    def per_subject(self) -> list[dict[str, Any]]:
        """Top-1 and top-3 per subject, with the subject most often chosen instead."""
        first = self.ranked()[:, 0]
        top1, top3 = self.hits(1), self.hits(3)
        rows = []
        for code in np.unique(self.labels):
            mine = self.labels == code
            wrong = Counter(first[mine & ~top1])
            rows.append({
                "code": str(code), "n": int(mine.sum()), "top1": float(top1[mine].mean()),
                "top3": float(top3[mine].mean()),
                "confused_with": str(wrong.most_common(1)[0][0]) if wrong else "",
            })
        return sorted(rows, key=lambda r: (r["top1"], r["top3"], r["code"]))

    def thresholds(self, steps: Sequence[float] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
                   ) -> list[dict[str, float]]:
        """For each threshold: the share of texts whose best score reaches it, and how
        often that best subject is right."""
        best = self.probabilities.max(axis=1)
        right = self.hits(1)
        rows = []
        for t in steps:
            chosen = best >= t
            rows.append({"threshold": t, "coverage": float(chosen.mean()),
                         "accuracy": float(right[chosen].mean()) if chosen.any() else 1.0})
        return rows

    def summary(self) -> dict[str, Any]:
        return {"folds": self.folds, "top1": round(self.top(1), 4), "top3": round(self.top(3), 4),
                "log_loss": round(self.log_loss(), 4),
                "per_subject": {r["code"]: {"n": r["n"], "top1": round(r["top1"], 4),
                                            "top3": round(r["top3"], 4)}
                                for r in self.per_subject()}}


def cross_validate(texts: Sequence[str], labels: Sequence[str], *, folds: int = 5,
                   seed: int = 137, candidate: str = classifier.CHOSEN) -> Evaluation:
    """Stratified k-fold: each example is predicted by a model trained without it."""
    started = time.monotonic()
    x = np.asarray(texts, dtype=object)
    y = np.asarray(labels)
    classes = np.unique(y)
    probabilities = np.zeros((len(y), len(classes)))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        model = classifier.fit(list(x[train]), list(y[train]), candidate)
        columns = np.searchsorted(classes, model.classes_)
        probabilities[np.ix_(test, columns)] = model.predict_proba(list(x[test]))
    return Evaluation(y, classes, probabilities, folds, time.monotonic() - started)


def _meta(examples: Examples, evaluation: Evaluation | None, started: float,
          now: datetime | None) -> dict[str, Any]:
    return {
        "trained_at": (now or timezone.now()).isoformat(timespec="seconds"),
        "pack": examples.pack_name,
        "examples": {"total": len(examples), "pack": examples.pack,
                     "confirmed": examples.confirmed},
        "subjects": len(set(examples.labels)),
        "model": classifier.CHOSEN,
        "training_seconds": round(time.monotonic() - started, 2),
        "cv": evaluation.summary() if evaluation is not None else None,
        # The newest confirmed request known at training, to count the new ones later.
        "confirmed_through": examples.confirmed_through,
    }


def train(examples: Examples, *, evaluation: Evaluation | None = None,
          now: datetime | None = None) -> tuple[int, dict[str, Any]]:
    """Train on every example and save the model as the next version."""
    started = time.monotonic()
    model = classifier.fit(examples.texts, examples.labels)
    meta = _meta(examples, evaluation, started, now)
    version = classifier.save(model, meta)
    return version, {**meta, "version": version}


def train_first(folder: Path | None = None, *, replace_version: int | None = None) -> int:
    """The newest saved version; when there is none (or only `replace_version`, which
    cannot be read), train one from the pack's examples and save it.

    One process trains while the others wait on the folder's lock and then load its
    result. The pack alone keeps this to seconds; the nightly job adds the centre's
    confirmed requests.
    """
    with classifier.locked(folder) as folder:
        version = classifier.latest_version(folder)
        if version is not None and version != replace_version:
            return version
        started = time.monotonic()
        examples = training_examples(confirmed=False)
        if not examples.texts:
            raise LookupError("The city pack has no training examples (training/*.csv).")
        model = classifier.fit(examples.texts, examples.labels)
        return classifier.save(model, _meta(examples, None, started, None), folder, lock=False)


def retrain_if_needed(*, now: datetime | None = None, min_new: int | None = None) -> str:
    """Train a new version when CLASSIFIER_RETRAIN_MIN_NEW requests were confirmed since
    the current one (or when there is none); what was done, in a few words."""
    now = now or timezone.now()
    min_new = settings.CLASSIFIER_RETRAIN_MIN_NEW if min_new is None else min_new
    meta = classifier.current_meta()
    if meta is not None:
        trained_at = datetime.fromisoformat(meta["trained_at"])
        if now - trained_at < RETRAIN_GAP:
            return f"version {meta['version']} is recent"
        new = _confirmed().filter(pk__gt=meta.get("confirmed_through") or 0).count()
        if new < min_new:
            return f"{new} new confirmed requests, fewer than {min_new}"
    version, _trained = train(training_examples(), now=now)
    return f"version {version}"
