"""The subject classifier: its estimator, how it is built, and its saved versions.

Character n-grams (2 to 5, within words) of the written view and n-grams (2 to 4) of the
sound view (features.py), TF-IDF weighted, feed a linear support vector machine. Its
scores become probabilities through one temperature fitted on held-out folds of the
training data, so a suggestion costs two vector look-ups and one matrix product.
`docs/classifier-report.md` compares it with logistic regression and with scikit-learn's
own calibration; `open137 train_classifier --compare` reproduces the comparison.

Saved models live in DATA_DIR/models as `classifier-NNNN.joblib` (scikit-learn's
recommended persistence; load only files this installation wrote) with the metadata
beside it in `classifier-NNNN.json`. The highest number is the current model.
"""

import contextlib
import json
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from django.conf import settings
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

from open137.intelligence.features import Folder

try:  # a lock between processes (several web workers may train on first use at once)
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX system
    fcntl = None  # type: ignore[assignment]

KEEP_VERSIONS = 5
PREFIX = "classifier-"


class TemperatureSVC(ClassifierMixin, BaseEstimator):
    """LinearSVC whose scores are turned into probabilities by a softmax with a temperature.

    The temperature minimises the log loss of scores predicted on `cv` held-out folds of
    the training data, so the probabilities are calibrated on text the machine had not
    seen. The ranking is the SVM's own.
    """

    def __init__(self, C: float = 1.0, cv: int = 3) -> None:
        self.C = C
        self.cv = cv

    def _svc(self) -> LinearSVC:
        return LinearSVC(C=self.C, max_iter=5000, random_state=0)

    def fit(self, X: Any, y: Sequence[str]) -> "TemperatureSVC":
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        index = np.searchsorted(self.classes_, labels)
        scores = np.zeros((X.shape[0], len(self.classes_)))
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=0)
        with warnings.catch_warnings():
            # A subject with fewer examples than folds is fine: it is left out of some.
            warnings.simplefilter("ignore", UserWarning)
            splits = list(folds.split(X, labels))
        for train, test in splits:
            svc = self._svc().fit(X[train], labels[train])
            fold = np.full((len(test), len(self.classes_)), -10.0)
            fold[:, np.searchsorted(self.classes_, svc.classes_)] = _scores(svc, X[test])
            scores[test] = fold

        def loss(log_t: float) -> float:
            logp = log_softmax(scores / np.exp(log_t), axis=1)
            return float(-logp[np.arange(len(index)), index].mean())

        self.temperature_ = float(np.exp(minimize_scalar(loss, bounds=(-6, 3),
                                                         method="bounded").x))
        self.svc_ = self._svc().fit(X, labels)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        return _scores(self.svc_, X)

    def predict_proba(self, X: Any) -> np.ndarray:
        return softmax(self.decision_function(X) / self.temperature_, axis=1)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


def _scores(svc: LinearSVC, X: Any) -> np.ndarray:
    scores = svc.decision_function(X)
    if scores.ndim == 1:  # two classes: one column for the second
        scores = np.column_stack([-scores, scores])
    return scores


# The candidates compared by `train_classifier --compare`; the first is the one used.
CANDIDATES = {
    "svc-temperature": lambda: TemperatureSVC(C=1.0),
    "svc-sigmoid": lambda: CalibratedClassifierCV(
        LinearSVC(C=1.0, max_iter=5000, random_state=0), cv=3, method="sigmoid"),
    "logistic": lambda: LogisticRegression(C=20.0, max_iter=3000),
}
CHOSEN = "svc-temperature"


def build(texts: Sequence[str], candidate: str = CHOSEN) -> Pipeline:
    """An unfitted pipeline whose written view knows the compounds of these texts."""
    folder = Folder.learn(texts)
    features = make_union(
        TfidfVectorizer(preprocessor=folder, analyzer="char_wb", ngram_range=(2, 5),
                        sublinear_tf=True),
        TfidfVectorizer(preprocessor=folder.sounds, analyzer="char_wb", ngram_range=(2, 4),
                        sublinear_tf=True),
    )
    return Pipeline([("features", features), ("classifier", CANDIDATES[candidate]())])


def fit(texts: Sequence[str], labels: Sequence[str], candidate: str = CHOSEN) -> Pipeline:
    """A pipeline trained on these examples."""
    model = build(texts, candidate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        model.fit(list(texts), list(labels))
    return model


# Saved versions -----------------------------------------------------------------------

def models_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


def _versions(folder: Path) -> list[int]:
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            name = entry.name
            if name.startswith(PREFIX) and name.endswith(".joblib"):
                number = name[len(PREFIX):-len(".joblib")]
                if number.isdigit():
                    found.append(int(number))
    return sorted(found)


def latest_version(folder: Path | None = None) -> int | None:
    """The number of the newest saved model, or None."""
    versions = _versions(folder or models_dir())
    return versions[-1] if versions else None


def model_path(version: int, folder: Path | None = None) -> Path:
    return (folder or models_dir()) / f"{PREFIX}{version:04d}.joblib"


@contextlib.contextmanager
def locked(folder: Path | None = None) -> Iterator[Path]:
    """Hold the models folder's lock: one process trains or numbers a version at a time."""
    folder = folder or models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def save(model: Pipeline, meta: dict[str, Any], folder: Path | None = None, *,
         lock: bool = True) -> int:
    """Save a trained model as the next version, with its metadata; the version number.

    `lock=False` when the caller already holds `locked(folder)`.
    """
    folder = folder or models_dir()
    with locked(folder) if lock else contextlib.nullcontext(folder):
        version = (latest_version(folder) or 0) + 1
        meta = {**meta, "version": version, "sklearn": sklearn.__version__}
        path = model_path(version, folder)
        _write_atomically(path, lambda f: joblib.dump({"model": model, "meta": meta}, f,
                                                      compress=3))
        _write_atomically(path.with_suffix(".json"), lambda f: f.write(
            json.dumps(meta, ensure_ascii=False, indent=2).encode()))
        for old in _versions(folder)[:-KEEP_VERSIONS]:
            for stale in (model_path(old, folder), model_path(old, folder).with_suffix(".json")):
                stale.unlink(missing_ok=True)
    return version


def _write_atomically(path: Path, write: Any) -> None:
    # Readers in other processes see the old file or the whole new one, never half of it.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from other users' processes
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(version: int, folder: Path | None = None) -> tuple[Pipeline, dict[str, Any]]:
    """A saved model and its metadata."""
    with warnings.catch_warnings():
        # A model saved by another scikit-learn version still loads; the caller decides.
        warnings.simplefilter("ignore")
        saved = joblib.load(model_path(version, folder))
    return saved["model"], saved["meta"]


def current_meta(folder: Path | None = None) -> dict[str, Any] | None:
    """The metadata of the newest saved model, or None."""
    version = latest_version(folder)
    if version is None:
        return None
    try:
        meta: dict[str, Any] = json.loads(model_path(version, folder).with_suffix(".json")
                                          .read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = load(version, folder)[1]
    return meta
