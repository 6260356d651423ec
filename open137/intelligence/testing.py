"""Test helpers: a models folder of the tests' own, trained once per test process."""

import atexit
import csv
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.test import override_settings

from open137.intelligence import suggest

_shared: dict[str, Path] = {}


def temporary_folder(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def shared_data_dir() -> Path:
    """A DATA_DIR whose models folder holds a model trained from the default pack.

    The first suggestion made with it trains that model, exactly as in production on
    first use; later test classes in the same process reuse it.
    """
    if "dir" not in _shared:
        _shared["dir"] = temporary_folder("open137-models-")
    return _shared["dir"]


class SharedModel:
    """Mixin for a test class: suggestions come from the shared test model."""

    _model_settings: Any

    @classmethod
    def setUpClass(cls) -> None:
        cls._model_settings = override_settings(DATA_DIR=shared_data_dir())
        cls._model_settings.enable()
        suggest.forget()
        super().setUpClass()  # type: ignore[misc]

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # type: ignore[misc]
        cls._model_settings.disable()
        suggest.forget()


def small_pack(every: int = 6, per_subject: int = 60) -> Path:
    """A pack folder whose training/ holds the examples of every `every`-th subject of
    the default pack (in code order): enough to train and cross-validate in seconds."""
    from open137.intelligence.training import pack_examples

    examples = pack_examples()
    chosen = sorted({code for _text, code in examples})[::every]
    rows: dict[str, list[str]] = {code: [] for code in chosen}
    for text, code in examples:
        if code in rows and len(rows[code]) < per_subject:
            rows[code].append(text)
    folder = temporary_folder("open137-pack-")
    (folder / "training").mkdir()
    with (folder / "training" / "sample.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["subject", "text"])
        for code, texts in rows.items():
            writer.writerows([code, text] for text in texts)
    return folder
