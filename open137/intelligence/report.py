"""The classifier's evaluation report, as Markdown (docs/classifier-report.md)."""

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from open137.intelligence import classifier
from open137.intelligence.training import Evaluation, Examples

MODEL_NAMES = {
    "svc-temperature": "LinearSVC, softmax with a fitted temperature (used)",
    "svc-sigmoid": "LinearSVC, scikit-learn's CalibratedClassifierCV (sigmoid, 3 folds)",
    "logistic": "LogisticRegression (multinomial, C=20)",
}


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _slices(examples: Examples) -> list[tuple[str, np.ndarray]]:
    texts = examples.texts
    return [
        ("Finglish (Latin script)", np.array([bool(re.search("[A-Za-z]{2}", t)) for t in texts])),
        ("Very short (1 to 3 words)", np.array([len(t.split()) <= 3 for t in texts])),
        ("Arabic ي or ك", np.array([("ي" in t or "ك" in t) for t in texts])),
        ("With a zero-width non-joiner", np.array(["\u200c" in t for t in texts])),
    ]


def render(*, examples: Examples, evaluation: Evaluation, command: str,
           names: Mapping[str, Any], version: int | None, trained_at: str,
           min_score: float, comparison: Sequence[tuple[str, Evaluation]] = ()) -> str:
    """The whole report."""
    lines = [
        "# Subject classifier: evaluation report",
        "",
        "Reproduce these figures with:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"- Trained: {trained_at}" + (f" (model version {version})" if version else ""),
        f"- Examples: {len(examples)} ({examples.pack} from the city pack "
        f"`{examples.pack_name}`, {examples.confirmed} confirmed requests), "
        f"{len(set(examples.labels))} subjects",
        f"- Evaluation: stratified {evaluation.folds}-fold cross-validation (seed 137): every "
        "example is predicted by a model trained without it; the compound words the "
        "written view joins are learnt from the training folds only.",
        "",
        "## Method",
        "",
        "Each description is normalised by the project's normaliser (Arabic ي/ك, Persian and "
        "Arabic-Indic digits, diacritics, stray marks), lower-cased, with the spacing Persian "
        "writers vary joined up (ZWNJ, space or nothing between a word and ها/تر/ترین, after "
        "می/نمی, and inside compounds seen in training), Finglish spellings folded, and "
        "numbers replaced by one token. Two views of it are vectorised with TF-IDF "
        "(sublinear term frequency): character 2- to 5-grams within words of the written "
        "form, and character 2- to 4-grams of its *sound*: the consonants of each word in "
        "one alphabet for Persian and Latin script, so that Finglish SMS and misspellings "
        "meet the Persian examples. A linear SVM scores the subjects; one temperature, "
        "fitted on held-out folds, turns the scores into probabilities (softmax).",
        "",
        "## Overall",
        "",
        "Calibration error: the gap between the best score and how often the best subject "
        "is right, averaged over ten score bins (0 is perfect).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| top-1 accuracy | **{evaluation.top(1):.3f}** |",
        f"| top-3 accuracy | **{evaluation.top(3):.3f}** |",
        f"| log loss | {evaluation.log_loss():.3f} |",
        f"| calibration error | {evaluation.calibration_error():.3f} |",
        f"| cross-validation time | {evaluation.seconds:.0f} s |",
        "",
        "By kind of text (the same predictions):",
        "",
        "| texts | examples | top-1 | top-3 |",
        "|---|---|---|---|",
    ]
    hits1, hits3 = evaluation.hits(1), evaluation.hits(3)
    for label, mask in _slices(examples):
        if mask.any():
            lines.append(f"| {label} | {int(mask.sum())} | {hits1[mask].mean():.3f} | "
                         f"{hits3[mask].mean():.3f} |")
    if comparison:
        lines += ["", "## Models compared (the same folds)", "",
                  "| model | top-1 | top-3 | log loss | calibration error | time |",
                  "|---|---|---|---|---|---|"]
        for name, result in comparison:
            lines.append(f"| {MODEL_NAMES.get(name, name)} | {result.top(1):.3f} | "
                         f"{result.top(3):.3f} | {result.log_loss():.3f} | "
                         f"{result.calibration_error():.3f} | {result.seconds:.0f} s |")
        lines += ["", f"The model used is `{classifier.CHOSEN}`: as accurate as the others "
                  "within a point, with the best calibrated scores (which the routing "
                  "threshold relies on), and the fastest to train and to answer (one SVM, no "
                  "ensemble of calibrators)."]
    lines += [
        "", "## Automatic routing threshold", "",
        "A request whose best suggestion scores at least `CLASSIFIER_MIN_SCORE` "
        f"(now {min_score}) may be routed with nobody checking (SMS intake); below it goes "
        "to the triage queue.", "",
        "| threshold | share routed automatically | of which right |", "|---|---|---|",
    ]
    for row in evaluation.thresholds():
        lines.append(f"| {row['threshold']:.1f} | {_pct(row['coverage'])} | "
                     f"{_pct(row['accuracy'])} |")
    lines += ["", "## Per subject", "", "Weakest first.", "",
              "| subject | name | examples | top-1 | top-3 | most often taken for |",
              "|---|---|---|---|---|---|"]
    for subject in evaluation.per_subject():
        confused = subject["confused_with"]
        lines.append(f"| `{subject['code']}` | {names.get(subject['code'], '')} | "
                     f"{subject['n']} | {subject['top1']:.3f} | {subject['top3']:.3f} | "
                     f"{f'`{confused}`' if confused else ''} |")
    return "\n".join(lines) + "\n"


def summary_lines(evaluation: Evaluation, weakest: int = 5) -> list[str]:
    """A few lines for the terminal."""
    out = [f"top-1 {evaluation.top(1):.3f}, top-3 {evaluation.top(3):.3f} "
           f"({evaluation.folds}-fold, {evaluation.seconds:.0f} s)"]
    for row in evaluation.per_subject()[:weakest]:
        out.append(f"  {row['code']}: top-1 {row['top1']:.3f}, top-3 {row['top3']:.3f}")
    return out


def names_by_code() -> dict[str, Any]:
    """Persian names of the subjects, from the database."""
    from open137.directory.models import Subject

    return dict(Subject.objects.values_list("code", "name_fa"))
