"""The dominant Unicode script of a text, and whether it agrees with a language label's script."""

from __future__ import annotations

import functools

import regex

from corpus.lang import SCRIPTS as _SCRIPTS
from corpus.lang import UNDETERMINED_SCRIPT, language_code, make_label
from corpus.lang import WRITTEN_WITH as _WRITTEN_WITH

_ANY_LETTERS = regex.compile(r"\p{L}+")
_RUNS = regex.compile("|".join(f"(?P<{code}>\\p{{Script={name}}}+)" for code, name in _SCRIPTS.items()))


def dominant_script(text: str, sample: int = 1000) -> str:
    """The ISO 15924 code of the script most letters of the text's head are in ("Zyyy" when none is)."""
    counts: dict[str, int] = {}
    for run in _RUNS.finditer(text[:sample]):
        counts[run.lastgroup] = counts.get(run.lastgroup, 0) + len(run.group())
    return max(counts, key=counts.get) if counts else UNDETERMINED_SCRIPT


@functools.lru_cache(maxsize=None)
def _letters_in(label_script: str) -> regex.Pattern:
    names = [_SCRIPTS[code] for code in written_with(label_script) if code in _SCRIPTS]
    return regex.compile("[" + "".join(f"\\p{{Script={name}}}" for name in names) + "]+") if names else regex.compile("(?!)")


def text_script_for(label_script: str, text: str, sample: int = 1000) -> str:
    """The label's own script when most of the letters of the text's head are in it, else the dominant script.

    The usual case (the label agrees) costs two quick scans instead of the full census of scripts.
    """
    head = text[:sample]
    own = sum(len(run) for run in _letters_in(label_script).findall(head))
    letters = sum(len(run) for run in _ANY_LETTERS.findall(head))
    return label_script if own and 2 * own >= letters else dominant_script(head)


@functools.lru_cache(maxsize=None)
def written_with(label_script: str) -> frozenset[str]:
    """The Unicode scripts a label's script subtag stands for: Jpan -> Han, Hiragana, Katakana."""
    return frozenset(_WRITTEN_WITH.get(label_script, {label_script}))


def script_agrees(label_script: str, text_script: str) -> bool:
    """True when the text's dominant script is one the label's script is written with (or the text has none)."""
    return text_script in (UNDETERMINED_SCRIPT, label_script) or label_script == UNDETERMINED_SCRIPT or text_script in written_with(label_script)


def label_script_for(text_script: str) -> str:
    """The script subtag a label gets for text in `text_script` (Han text -> Hans)."""
    return {"Hani": "Hans", "Hira": "Jpan", "Kana": "Jpan"}.get(text_script, text_script)


# Languages written in more than one script: a label in the wrong one is relabelled, not dropped.
_OTHER_SCRIPTS = {
    "srp": {"Latn", "Cyrl"}, "hbs": {"Latn", "Cyrl"}, "bos": {"Latn", "Cyrl"}, "uzn": {"Latn", "Cyrl"},
    "kaz": {"Cyrl", "Latn"}, "azj": {"Latn", "Cyrl"}, "tat": {"Cyrl", "Latn"}, "tuk": {"Latn", "Cyrl"},
    "kmr": {"Latn", "Cyrl", "Arab"}, "pan": {"Guru", "Arab"}, "snd": {"Arab", "Deva"}, "uig": {"Arab", "Cyrl", "Latn"},
    "mon": {"Cyrl", "Mong"}, "khk": {"Cyrl", "Mong"}, "zho": {"Hans", "Hant"}, "ron": {"Latn", "Cyrl"},
}  # fmt: skip


def relabel_for_script(label: str, text_script: str) -> str | None:
    """`srp_Cyrl` on Latin text -> `srp_Latn`; None when the language is not written in that script."""
    code = language_code(label)
    if label_script_for(text_script) in _OTHER_SCRIPTS.get(code, ()):
        return make_label(code, label_script_for(text_script))
    return None
