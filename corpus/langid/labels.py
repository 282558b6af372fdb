"""One language-code convention for every identifier: ISO 639-3 + ISO 15924 script.

`eng_Latn`, `zho_Hans`, `srp_Cyrl`: the convention of NLLB, GlotLID and OpenLID
(whose labels pass through unchanged). lid.176 labels (ISO 639-1 or Wikipedia
codes) and heliport labels (ISO 639-3 without script) are mapped with langcodes
(each language's likely script from CLDR) plus the corrections below.

Macrolanguage policy (see README, "Language identification"):
- membership comes from the IANA language-subtag registry that langcodes ships
  (bos, hrv, srp in hbs; arb, arz, ary, apc in ara; zsm, ind in msa; ...);
- a macrolanguage whose written text is essentially one member is labelled as
  that member by every backend (swa -> swh, est -> ekk, ...; `MACRO_DEFAULT`);
- a macrolanguage code that a model gives without naming a member (heliport's
  `ara`, `hbs`, `msa`) stays the macrolanguage: nothing more is known;
- two labels are *related* when equal, or one is the other's macrolanguage,
  or both are members of one macrolanguage; the ensemble labels related but
  different answers with the most specific of the two (`more_specific`: a member
  over its macrolanguage), and a per-language setting given
  for a macrolanguage applies to all its members (`setting_for`).
"""

from __future__ import annotations

import functools
from importlib import resources

import langcodes

from corpus.lang import UNDETERMINED_SCRIPT, is_label, language_code, make_label, script, without_fasttext_prefix

# Macrolanguages whose written (web) text is essentially one member: every backend names that member.
MACRO_DEFAULT = {
    "swa": "swh", "est": "ekk", "lav": "lvs", "uzb": "uzn", "mon": "khk", "nep": "npi", "ori": "ory",
    "pus": "pbt", "que": "quy", "sqi": "als", "yid": "ydd", "aze": "azj", "grn": "gug", "orm": "gaz",
}  # fmt: skip

# lid.176 uses Wikipedia codes; where its model also knows a macrolanguage's other members
# (arz, nn, id, wuu/yue, mzn), its macrolanguage label stands for the remaining standard member.
_LID176_OVERRIDES = {
    "als": "gsw_Latn",  # Alemannic Wikipedia, not Tosk Albanian
    "azb": "azb_Arab",  # South Azerbaijani is written in Arabic script
    "bh": "bho_Deva",  # Bihari Wikipedia is written in Bhojpuri
    "sh": "hbs_Latn",  # Serbo-Croatian
    "eml": "egl_Latn",  # Emilian-Romagnol
    "zh": "zho_Hans",  # lid.176 "zh" covers both; Simplified is the web majority
    "nah": "nah_Latn",
    "war": "war_Latn",
    "ms": "zsm_Latn",  # Standard Malay (lid.176 has "id" apart)
    "ku": "kmr_Latn",  # Kurmanji, Kurdish in Latin script (lid.176 has "ckb" apart)
    "ar": "arb_Arab",  # Modern Standard Arabic (lid.176 has "arz" apart)
    "fa": "pes_Arab",
    "no": "nob_Latn",  # Bokmål (lid.176 has "nn" apart)
    "ko": "kor_Hang",  # the NLLB/GlotLID spelling
    "xal": "xal_Cyrl",  # Kalmyk is written in Cyrillic
}
# heliport's own codes: sub-varieties written as macrolanguage + member, and a few others.
_HELIPORT_OVERRIDES = {
    "hbs": "hbs", "hbsbos": "bos", "hbshrv": "hrv", "hbssrp": "srp", "msaind": "ind", "msazsm": "zsm",
    "msamalay": "msa", "msamin": "min", "estvro": "vro", "sagb": "sag", "undhtml": "und", "cmn": "zho",
}  # fmt: skip
_SCRIPT_OVERRIDES = {"ile": "Latn", "mwl": "Latn", "cbk": "Latn", "kor": "Hang", "hbs": "Latn", "xal": "Cyrl", "azb": "Arab", "zho": "Hans", "und": "Zyyy", "zxx": "Zyyy"}
UNDETERMINED = "und_Zyyy"


def _alpha3(code: str) -> str:
    return langcodes.Language.get(code, normalize=False).to_alpha3()


@functools.lru_cache(maxsize=1)
def macrolanguages() -> dict[str, str]:
    """ISO 639-3 member -> its ISO 639-3 macrolanguage, from the IANA registry inside langcodes."""
    text = (resources.files("langcodes") / "data" / "language-subtag-registry.txt").read_text(encoding="utf-8")
    members = {}
    for record in text.split("\n%%\n"):
        fields = dict(line.split(": ", 1) for line in record.splitlines() if ": " in line and not line.startswith(" "))
        if fields.get("Type") == "language" and "Macrolanguage" in fields:
            try:
                members[_alpha3(fields["Subtag"])] = _alpha3(fields["Macrolanguage"])
            except (LookupError, ValueError):
                continue
    return members


def _likely_script(code3: str) -> str | None:
    """CLDR's likely script of a language; None when CLDR does not list the language (langcodes would guess Latin)."""
    from langcodes.data_dicts import LIKELY_SUBTAGS

    try:
        code = langcodes.Language.get(code3).language
    except (LookupError, ValueError):
        return None
    found = LIKELY_SUBTAGS.get(code)
    return found.split("-")[1] if found and found.count("-") == 2 else None


def _with_script(code3: str) -> str:
    """The member MACRO_DEFAULT names, with its script: its own in CLDR, else its macrolanguage's
    (pus -> pbt_Arab: CLDR knows Pashto, not Southern Pashto, and would guess Latin)."""
    member = MACRO_DEFAULT.get(code3, code3)
    subtag = _SCRIPT_OVERRIDES.get(member) or _likely_script(member) or _likely_script(code3) or _likely_script(macrolanguages().get(member, member))
    return make_label(member, subtag or UNDETERMINED_SCRIPT)


@functools.lru_cache(maxsize=None)
def normalise_label(label: str) -> str:
    """A fastText label: `__label__fr` -> `fra_Latn`; `__label__fra_Latn` passes through."""
    code = without_fasttext_prefix(label)
    if is_label(code):
        return code
    if code in _LID176_OVERRIDES:
        return _LID176_OVERRIDES[code]
    try:
        return _with_script(_alpha3(code))
    except (LookupError, ValueError):
        return make_label(code, UNDETERMINED_SCRIPT)  # unknown code: keep it, with the "undetermined script" subtag


@functools.lru_cache(maxsize=None)
def normalise_heliport(label: str) -> str:
    """A heliport label (ISO 639-3, no script): `swa` -> `swh_Latn`, `hbsbos` -> `bos_Latn`, `ara` -> `ara_Arab`."""
    if label.startswith("fin") and len(label) == 4:  # heliport's Finnish dialect models
        label = "fin"
    return _with_script(_HELIPORT_OVERRIDES.get(label, label))


def macrolanguage(label: str) -> str:
    """The label of its macrolanguage in the same script, or the label itself: `arz_Arab` -> `ara_Arab`."""
    macro = macrolanguages().get(language_code(label))
    return make_label(macro, script(label)) if macro else label


@functools.lru_cache(maxsize=1 << 14)  # asked for most lines of every page; a few hundred label pairs occur
def related(a: str, b: str) -> bool:
    """The same language, or one the macrolanguage of the other, or members of one macrolanguage, in any
    script: heliport's hbs_Latn names Serbo-Croatian on Cyrillic text too (the script comes from the text)."""
    return a == b or (language_code(a) != "und" and language_code(macrolanguage(a)) == language_code(macrolanguage(b)))


def more_specific(fast: str, heli: str) -> str:
    """Of two related labels, the one that names an individual language: the member where the other
    label is its macrolanguage (heliport answers `hbs`, `msa`, `ara` for all their members; lid.176
    `sh` for Serbo-Croatian), heliport's where both name different members (measured better on
    nob/nno; benchmarks/langid.md), and the macrolanguage only where neither names a member. `zho` is
    written Chinese's own label here (STANDARD_MACRO): heliport's zho stands against fastText's wuu."""
    if _names_no_member(heli) and not _names_no_member(fast):
        return fast
    return heli


# Macrolanguage codes the convention uses for the standard written language (zho_Hans is written Mandarin,
# as in NLLB and GlotLID): such a label names an individual language, not "some member".
STANDARD_MACRO = frozenset({"zho"})


@functools.lru_cache(maxsize=1)
def _macrolanguage_codes() -> frozenset[str]:
    return frozenset(macrolanguages().values()) - STANDARD_MACRO


def _names_no_member(label: str) -> bool:
    """A macrolanguage label (hbs_Latn, msa_Latn, ara_Arab): the model did not say which member."""
    return language_code(label) in _macrolanguage_codes()


def setting_for(settings: dict[str, float], label: str, default: float) -> float:
    """A per-language setting: the label's own, else its macrolanguage's (`hbs_Latn` covers bos_Latn), else the default."""
    return settings.get(label, settings.get(macrolanguage(label), default))
