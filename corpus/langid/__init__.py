"""Language identification: one code convention, several backends, paragraph-level decisions."""

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
