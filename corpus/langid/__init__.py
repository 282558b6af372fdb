"""Language identification: one code convention, several backends, paragraph-level decisions."""

import functools
import json
from importlib import resources

from corpus.langid.identifiers import (
    BACKENDS,
    EnsembleIdentifier,
    FastTextIdentifier,
    HeliportIdentifier,
    Identifier,
    Prediction,
    default_model_path,
    load_identifier,
)
from corpus.langid.labels import macrolanguage, normalise_heliport, normalise_label, related, setting_for

LanguageIdentifier = FastTextIdentifier  # the fastText backend under its earlier name


@functools.lru_cache(maxsize=1)
def calibration() -> dict:
    """The thresholds and test-split precision/recall measured by benchmarks/langid.py (package data)."""
    return json.loads((resources.files("corpus.langid") / "calibration.json").read_text(encoding="utf-8"))
