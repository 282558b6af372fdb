"""Real sentences in many languages for the language-ID benchmark, read from PyPI wheels at run time.

Nothing here is stored in the repository: the wheels are downloaded (never installed or imported)
into ~/.cache/corpus-builder-benchmarks, and their text is read from the zip.

- `django`: the human translations of Django's messages (its locale/<code>/LC_MESSAGES/*.po files,
  ~95 locales): whole messages of MIN_LETTERS letters or more, placeholders and markup removed,
  labelled by the locale (hr -> hrv_Latn, bs -> bos_Latn, sr -> srp_Cyrl, sr_Latn -> srp_Latn, id ->
  ind_Latn, ms -> zsm_Latn, ast, gl, ca, nb, da, hi, mr, ru, uk, be, ...: most of the issue's close
  pairs). Untranslated (empty, fuzzy or equal to the English) messages are skipped, and a message
  whose dominant script is not its language's. Items of one English message (its translations in
  every locale) share a split, so no sentence is tuned on in one language and reported in another.
  `django_paragraphs`: JOINED messages of one locale and one split on one line (all of them, not only
  the first PER_LANGUAGE), the length of a short web paragraph.
- `sphinx`, `sphinx_paragraphs`: the same from the human translations of Sphinx's messages
  (sphinx/locale/<code>/LC_MESSAGES/sphinx.po, ~60 locales): more items for most languages, and
  languages Django has too few messages in (Sinhala, Kaqchikel, Cantonese).
- `weblate`, `weblate_paragraphs`: the same from Weblate's own translations (weblate/locale/<code>/
  LC_MESSAGES/django*.po, ~120 locales; constructed, historic and regional ones skipped).
- `spacy`: the example sentences of spaCy's language folders (a few per language).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable

import regex

from corpus.lang import language_code, make_label, script
from corpus.langid.labels import normalise_label
from corpus.langid.scripts import dominant_script, label_script_for, script_agrees

CACHE = Path.home() / ".cache" / "corpus-builder-benchmarks"
DJANGO_WHEEL = "django==5.2.19"  # the newest release the index offers; its .po files are the text
SPHINX_WHEEL = "sphinx==8.2.3"  # its .po files are the text
WEBLATE_WHEEL = "weblate==5.14.3"  # its .po files: 120 locales, Occitan, Pashto, Uyghur, Chuvash among them
SPACY_WHEEL = "spacy==3.8.18"  # the same wheel benchmarks/quality.py reads
MIN_LETTERS = 25  # a shorter message is a word or a menu entry
PER_LANGUAGE = 200  # messages per locale at most (Django has ~300-600 translated ones per locale)
JOINED = 4  # messages per paragraph item: about the length of a short web paragraph

# Locales that repeat another locale's language (regional spellings of one written standard), or
# name a language by a code the build labels otherwise.
SKIPPED = {"ar_DZ", "en_AU", "en_GB", "es_AR", "es_CO", "es_MX", "es_VE", "pt_BR"}
SKIPPED |= {"ca@valencia", "de_DE", "en_DE", "en_FR", "en_HK", "fr_FR", "hi_IN", "pt_PT", "sr_RS", "zh_HK", "zh_TW.Big5"}  # Sphinx's
LABELS = {"sr_Latn": "srp_Latn", "zh_Hans": "zho_Hans", "zh_Hant": "zho_Hant", "uz": "uzn_Latn", "tk": "tuk_Latn"}
LABELS |= {"sr@latin": "srp_Latn", "zh_CN": "zho_Hans", "zh_TW": "zho_Hant", "cak": "cak_Latn"}  # Sphinx's
# Weblate's: constructed, historic and placeholder languages, regional variants, transliterations.
SKIPPED |= {"afh", "ang", "ar_LY", "ars", "bar", "be_Latn", "ber", "bn_BD", "bnt", "chn", "enm", "hi_Latn", "ksh", "lzh", "mrh", "pa_PK", "peo", "qpv", "ro_MD", "sai", "tlh", "tok"}
LABELS |= {"yue_Hant": "yue_Hant"}

_PLACEHOLDER = regex.compile(r"%\([^)]*\)[a-z]|%[sdrif]|\{[^}]*\}|<[^>]+>|&[a-z]+;|\\[nt]")
_LETTER = regex.compile(r"\p{L}")
_SPACES = regex.compile(r"\s+")


def wheel(requirement: str, pattern: str) -> Path | None:
    """The wheel in the cache, downloaded from PyPI when absent; None when it cannot be had."""
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(pattern))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", requirement, "-d", str(CACHE)], check=False, capture_output=True)
        found = sorted(CACHE.glob(pattern))
    return found[-1] if found else None


def _unquote(line: str) -> str:
    try:
        return ast.literal_eval(line.strip())
    except (ValueError, SyntaxError):
        return ""


def po_messages(text: str) -> list[tuple[str, str]]:
    """(English message, translation) of a .po file; plural forms give their first form; fuzzy ones are skipped."""
    out = []
    for block in text.split("\n\n"):
        fuzzy = "#, fuzzy" in block
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if line.startswith(("msgid ", "msgstr ", "msgstr[0] ", "msgid_plural ", "msgstr[1] ", "msgctxt ")):
                current, _, rest = line.partition(" ")
                fields[current] = _unquote(rest)
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
        source, target = fields.get("msgid", ""), fields.get("msgstr", fields.get("msgstr[0]", ""))
        if source and target and not fuzzy and target != source:
            out.append((source, target))
    return out


def clean(message: str) -> str:
    return _SPACES.sub(" ", _PLACEHOLDER.sub(" ", message)).strip()


def label_of(locale: str) -> str:
    return LABELS.get(locale) or normalise_label(locale)


def django_items(split_of: Callable[[str], str]) -> list[dict]:
    """Translated Django messages (po_items); [] when the wheel cannot be had."""
    path = wheel(DJANGO_WHEEL, "[dD]jango-*.whl")
    return po_items(path, "django", split_of) if path else []


def sphinx_items(split_of: Callable[[str], str]) -> list[dict]:
    """Translated Sphinx messages (po_items); [] when the wheel cannot be had."""
    path = wheel(SPHINX_WHEEL, "sphinx-*.whl")
    return po_items(path, "sphinx", split_of) if path else []


def weblate_items(split_of: Callable[[str], str]) -> list[dict]:
    """Translated Weblate messages (po_items); [] when the wheel cannot be had."""
    path = wheel(WEBLATE_WHEEL, "weblate-*.whl")
    return po_items(path, "weblate", split_of) if path else []


def po_items(path: Path, set_name: str, split_of: Callable[[str], str]) -> list[dict]:
    """The translated messages of a wheel's locale/<code>/LC_MESSAGES/*.po files as items {gold, text, set, split},
    split by their English message, and paragraphs of JOINED messages of one split (set `set_name`_paragraphs)."""
    per_locale: dict[str, dict[str, str]] = {}
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if not name.endswith(".po") or "/locale/" not in name:
                continue
            locale = name.split("/locale/")[1].split("/")[0]
            if locale in SKIPPED or locale == "en":
                continue
            found = per_locale.setdefault(locale, {})
            for source, target in po_messages(zf.read(name).decode("utf-8", errors="replace")):
                text = clean(target)
                if len(_LETTER.findall(text)) >= MIN_LETTERS and clean(source) != text:
                    found.setdefault(source, text)
    items = []
    for locale, messages in sorted(per_locale.items()):
        gold = label_of(locale)
        kept = [(source, text) for source, text in messages.items() if script_agrees(script(gold), dominant_script(text))]
        for source, text in kept[:PER_LANGUAGE]:
            items.append({"gold": gold, "text": text, "set": set_name, "split": split_of(source)})
        for split in ("dev", "test"):  # paragraphs: JOINED messages of one split, one line
            texts = [text for source, text in kept if split_of(source) == split]
            for start in range(0, len(texts) - JOINED + 1, JOINED):
                items.append({"gold": gold, "text": " ".join(texts[start : start + JOINED]), "set": f"{set_name}_paragraphs", "split": split})
    return items


def spacy_items(split_of: Callable[[str], str]) -> list[dict]:
    """spaCy's example sentences as items {gold, text, set, split}; [] when the wheel cannot be had."""
    path = wheel(SPACY_WHEEL, "spacy-*.whl")
    if path is None:
        return []
    items = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            parts = name.split("/")
            if len(parts) != 4 or parts[:2] != ["spacy", "lang"] or parts[3] != "examples.py" or parts[2] == "xx":
                continue
            for node in ast.walk(ast.parse(zf.read(name).decode("utf-8"))):
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "sentences":
                    sentences = [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                    label, text_script = normalise_label(parts[2]), dominant_script(" ".join(sentences))
                    if not script_agrees(script(label), text_script):  # lid.176's guess of a script (grc_Cprt)
                        label = make_label(language_code(label), label_script_for(text_script))
                    items += [{"gold": label, "text": clean(s), "set": "spacy", "split": split_of(s)} for s in sentences if len(_LETTER.findall(s)) >= 10]
    return items
