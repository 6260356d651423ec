"""A trained pipeline, unpacked for answering one text at a time in well under a millisecond.

scikit-learn's transform is built for batches: for a single short text most of its time
goes to validation and sparse-matrix assembly. `Scorer` reads the fitted vocabularies,
IDF weights and coefficients out of the pipeline once and repeats the same arithmetic
(character n-grams within words, sublinear TF times IDF, unit length per view, a linear
score, the temperature's softmax) with a dictionary and a few NumPy calls. Its answers
equal the pipeline's; a test holds them to it.
"""

import math
from collections import Counter

import numpy as np
from sklearn.pipeline import Pipeline

from open137.intelligence.features import Folder, skeleton


def char_wb_ngrams(text: str, low: int, high: int) -> Counter[str]:
    """The n-grams TfidfVectorizer(analyzer="char_wb") counts, with their counts."""
    grams: Counter[str] = Counter()
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if n >= size:
                # scikit-learn counts a word no longer than n once, whole, then stops.
                grams[padded] += 1
                break
            for start in range(size - n + 1):
                grams[padded[start:start + n]] += 1
    return grams


class _View:
    def __init__(self, vectorizer: object, offset: int) -> None:
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_  # type: ignore[attr-defined]
        self.idf: np.ndarray = vectorizer.idf_  # type: ignore[attr-defined]
        self.low, self.high = vectorizer.ngram_range  # type: ignore[attr-defined]
        self.offset = offset

    def weights(self, text: str) -> tuple[list[int], list[float]]:
        columns, values = [], []
        for gram, count in char_wb_ngrams(text, self.low, self.high).items():
            column = self.vocabulary.get(gram)
            if column is not None:
                columns.append(column)
                values.append((1.0 + math.log(count)) * float(self.idf[column]))
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return [c + self.offset for c in columns], [v / norm for v in values]


class Scorer:
    """Probabilities per subject for one text, as the pipeline computes them."""

    def __init__(self, pipeline: Pipeline) -> None:
        written, sounds = (v for _name, v in pipeline.named_steps["features"].transformer_list)
        self.folder: Folder = written.preprocessor
        self.written = _View(written, 0)
        self.sounds = _View(sounds, len(written.vocabulary_))
        classifier = pipeline.named_steps["classifier"]
        svc = classifier.svc_
        self.classes: list[str] = [str(c) for c in classifier.classes_]
        coef, intercept = svc.coef_, svc.intercept_
        if coef.shape[0] == 1:  # two subjects: one score, for the second
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        # Columns first: one text touches a few hundred of them, picked out contiguously.
        self.coef = np.ascontiguousarray(coef.T)
        self.intercept = intercept.astype(float)
        self.temperature = float(classifier.temperature_)

    def probabilities(self, text: str) -> np.ndarray:
        folded = self.folder(text)
        c1, v1 = self.written.weights(folded)
        c2, v2 = self.sounds.weights(skeleton(folded))
        columns = c1 + c2
        scores = self.intercept.copy()
        if columns:
            scores += np.asarray(v1 + v2) @ self.coef[columns]
        scores /= self.temperature
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()
