"""The encoder interface: `encode_raw(sentences, lang) -> array (n, dim)` of vectors whose
row sums encode concatenations; cosine after normalisation.

The embedded lexical encoder needs nothing installed. Neural encoders (LaBSE via
sentence-transformers, LASER via laser_encoders) come with `pip install
corpus-builder[mining]`; they load from a local path or a model hub name and
run on a GPU when one is present. Nothing is downloaded by the tests.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from corpus.bitext.lexical import LexicalEncoder, Lexicon
from corpus.config import Bitext

LABSE_DEFAULT = "sentence-transformers/LaBSE"


class EncoderUnavailable(RuntimeError):
    """A neural encoder cannot be loaded: its package is not installed or its model is missing."""


class SentenceTransformerEncoder:
    """LaBSE (or any sentence-transformers model): one multilingual space, no lexicon needed."""

    name = "labse"

    def __init__(self, model: str = LABSE_DEFAULT):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EncoderUnavailable(
                "bitext.encoder=labse needs sentence-transformers: pip install 'corpus-builder[mining]'"
            ) from None
        try:
            self.model = SentenceTransformer(model)
        except Exception as e:  # the library raises OSError, ValueError or HTTP errors for a missing model
            raise EncoderUnavailable(f"cannot load sentence-transformers model {model!r}: {str(e).splitlines()[0]}") from None

    def encode_raw(self, sentences: Sequence[str], lang: str) -> np.ndarray:
        return np.asarray(self.model.encode(list(sentences), normalize_embeddings=True), dtype=np.float32)


class LaserEncoder:
    """LASER through the laser_encoders package; `model` is a local model folder."""

    name = "laser"

    def __init__(self, model: str = ""):
        try:
            from laser_encoders import LaserEncoderPipeline
        except ImportError:
            raise EncoderUnavailable("bitext.encoder=laser needs laser_encoders: pip install 'corpus-builder[mining]'") from None
        if not model:
            raise EncoderUnavailable("bitext.encoder=laser needs bitext.encoder_model: a local folder with the LASER model")
        try:
            self.pipeline = LaserEncoderPipeline(model_dir=model, laser="laser2")
        except Exception as e:
            raise EncoderUnavailable(f"cannot load LASER model from {model!r}: {str(e).splitlines()[0]}") from None

    def encode_raw(self, sentences: Sequence[str], lang: str) -> np.ndarray:
        return np.asarray(self.pipeline.encode_sentences(list(sentences), normalize_embeddings=True), dtype=np.float32)


_NEURAL: dict[tuple[str, str], object] = {}  # one model per worker process


def encoder_for(config: Bitext, lexicon: Lexicon | None):
    """The configured encoder; the lexical one is cheap to make, neural ones are loaded once."""
    if config.encoder == "lexical":
        return LexicalEncoder(config.dim, lexicon)
    key = (config.encoder, config.encoder_model)
    if key not in _NEURAL:
        if config.encoder == "labse":
            _NEURAL[key] = SentenceTransformerEncoder(config.encoder_model or LABSE_DEFAULT)
        else:
            _NEURAL[key] = LaserEncoder(config.encoder_model)
    return _NEURAL[key]
