"""Language-ID benchmark: per-language precision and recall on real text, thresholds calibrated, throughput.

    python -m benchmarks.langid          (also run by `python -m benchmarks`)

Labelled items, built at run time (third-party text is never stored in the repository):
- `authored`: sentences written for this project (benchmarks/data/lid_sentences.tsv, 67 languages);
- `wikipedia`: paragraphs of the real dump excerpts in ../shared/data/wikipedia, text from the
  project's own reader, labelled by the wiki's language where the paragraph's writing proves it:
  its dominant script is the language's, Vietnamese paragraphs carry Vietnamese letters, Ukrainian
  ones Ukrainian letters and no Russian-only ones (the other lines of a page are references,
  quotes and names in other languages);
- `commoncrawl`: lines of the real WET excerpt with a fifth or more of their letters in kana,
  labelled Japanese (kana are written for Japanese only). CommonCrawl's own language field is
  the output of its identifier (CLD2), not a declaration by the page, and is not used;
- `django`, `django_paragraphs`, `spacy`: real sentences in ~90 languages from PyPI wheels read at run
  time (benchmarks/langid_devset.py): Django's human translations of its messages (one message, or
  four joined as a paragraph), including the close pairs hrv/bos/srp, ind/zsm, nob/nno/dan, hin/mar,
  rus/ukr/bel, spa/ast/glg, cat; the same from Sphinx's and Weblate's translations (`sphinx`,
  `weblate` and their `_paragraphs`); and spaCy's example sentences. Never Tatoeba or UDHR text (reserved).
The real sets are skipped when ../shared/data is absent (the wheel sets when PyPI cannot be reached). Every item is assigned by a hash of its
page (url or title; the sentence for authored items; the English message for Django's) to the development split, where thresholds
are chosen, or to the test split, where the figures are reported.

Each item goes through the build's own decision (corpus.langid.documents.DocumentLanguage: script
check, thresholds) with the predictions of fastText, heliport, or their ensemble at a threshold.
`ensemble_former` is the ensemble with the former rule for related answers (their macrolanguage) at
the same threshold: what the most-specific rule (corpus.langid.labels.more_specific) changed.
Macro accuracy (sentences: SENTENCE_SETS; paragraphs: PARAGRAPH_SETS) is the strict recall averaged over gold languages.
Strict: an answer is right only when it is the gold label; lenient: the gold label's macrolanguage
is right too (hrv_Latn gold, hbs_Latn answered). Recall of a language = right and kept / its items;
precision = items of the language / kept answers naming it (its label; leniently its macrolanguage's too). Calibration on the development split: the
ensemble threshold maximising the macro F1 (lenient) over the languages of MIN_ITEMS development
items or more, if it beats the former default by more than MIN_GAIN; then per label with at least MIN_ITEMS
development items the `min_score` maximising its F1 (ties go to the default). The chosen values
are the defaults of corpus/config.py; corpus/langid/calibration.json keeps the test figures for
the dataset card.

Real pages: the language-ID stage on the first PAGES_PER_FILE pages of each real sample, counting split parts, list
parts removed, list lines joined to their page, weak parts joined to their page and Han lines relabelled,
with the page rules and with them off (list_share and japanese_kana_share above 1, split_min_score 0).

Throughput: lines per second of each backend on the same web-like lines (the demo texts and the
authored sentences), and of the build's stage (IdentifyLanguage on the DirectRunner) against
calling fastText directly on the same lines: on the real pages (their lines repeat as a crawl's do)
and on synthetic pages of 8 lines drawn from 1,126 distinct lines (a line repeats ~70 times, so
predict_distinct skips most of a batch's lines: that favours the stage with larger batches).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import regex

from benchmarks.boilerplate import even_pages
from corpus.config import LangId
from corpus.langid import EnsembleIdentifier, FastTextIdentifier, HeliportIdentifier, Prediction
from corpus.langid.documents import DocumentLanguage
from corpus.langid.identifiers import combine
from corpus.lang import script
from corpus.langid.labels import macrolanguage
from corpus.langid.scripts import dominant_script, script_agrees
from corpus.statistics import parse_drop_reason, parse_stat_key

HERE = Path(__file__).parent
SENTENCES = HERE / "data" / "lid_sentences.tsv"


def _shared_data() -> Path:
    """../shared/data beside the project (or beside a folder holding its checkouts); CORPUS_SHARED_DATA overrides."""
    if os.environ.get("CORPUS_SHARED_DATA"):
        return Path(os.environ["CORPUS_SHARED_DATA"])
    return next((p / "shared" / "data" for p in HERE.parent.parents if (p / "shared" / "data").is_dir()), HERE.parent.parent / "shared" / "data")


SHARED = _shared_data()
CALIBRATION = HERE.parent / "corpus" / "langid" / "calibration.json"
WIKIS = {"bn": "ben_Beng", "el": "ell_Grek", "hy": "hye_Armn", "ja": "jpn_Jpan", "mr": "mar_Deva", "uk": "ukr_Cyrl", "vi": "vie_Latn", "en": "eng_Latn"}
ENSEMBLE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)
MIN_SCORES = tuple(round(0.05 * i, 2) for i in range(19))  # 0.0 .. 0.9
MIN_ITEMS = 40  # development items of a label before it gets its own min_score
MIN_GAIN = 0.005  # development macro F1 a new ensemble threshold must gain: about one item of a language of 200
PER_WIKI, PER_PAGE, MIN_LETTERS = 500, 8, 20
# Its odd conversion records (positions 1, 3, 5, ...) are reserved for independent evaluation: never read them.
RESERVED_HALF_WET = "CC-MAIN-2020-50-excerpt.warc.wet.gz"
PAGES_PER_FILE = 150  # the first pages of each file: the Wikipedia reader takes most of the time
WET_LINES = 300
BEFORE = {"ensemble_threshold": 0.9, "min_score": 0.5}  # the defaults before calibration

_LETTER = regex.compile(r"\p{L}")
_KANA = regex.compile(r"[\p{Script=Hiragana}\p{Script=Katakana}]")
_VIETNAMESE = regex.compile(r"[ăâđêôơưạảãàáặẳẵằắậẩẫầấẹẻẽèéệểễềếịỉĩìíọỏõòóộổỗồốợởỡờớụủũùúựửữừứỵỷỹỳý]", regex.I)
_UKRAINIAN, _RUSSIAN_ONLY = regex.compile(r"[іїєґ]", regex.I), regex.compile(r"[ыэъё]", regex.I)


def split_of(key: str) -> str:
    """`dev` or `test`, by a hash of the item's page: paragraphs of one page never straddle the splits."""
    return "dev" if hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()[0] % 2 == 0 else "test"


def authored() -> list[dict]:
    rows = [line.rstrip("\n").split("\t") for line in SENTENCES.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [{"gold": lang, "text": text, "set": "authored", "split": split_of(text)} for lang, text in rows]


def proven(gold: str, text: str) -> bool:
    """The paragraph's writing shows the wiki's language (see the module doc)."""
    if not script_agrees(script(gold), dominant_script(text)):
        return False
    if gold == "vie_Latn":
        return bool(_VIETNAMESE.search(text))
    if gold == "ukr_Cyrl":
        return bool(_UKRAINIAN.search(text)) and not _RUSSIAN_ONLY.search(text)
    return True


def read_pages() -> list:
    """The first PAGES_PER_FILE pages of each real Wikipedia and WET sample, read by the project's readers ([] when absent)."""
    if not SHARED.is_dir():
        return []
    from corpus.schema import Document
    from corpus.sources import read_file

    docs = []
    inputs = [("wikipedia", p) for p in sorted((SHARED / "wikipedia").glob("*.xml.bz2"))]
    inputs += [("wet", p) for p in sorted((SHARED / "commoncrawl").glob("*.warc.wet.gz"))]
    for kind, path in inputs:
        if path.name == RESERVED_HALF_WET:  # its even records only
            docs += [page for _, page in sorted(even_pages(path).items())][:PAGES_PER_FILE]
            continue
        with open(path, "rb") as f:
            docs += list(itertools.islice((item for item in read_file(kind, f, str(path)) if isinstance(item, Document)), PAGES_PER_FILE))
    return docs


def wheel_items() -> list[dict]:
    """Real sentences from PyPI wheels (benchmarks/langid_devset.py), split by their English message or sentence."""
    from benchmarks.langid_devset import django_items, spacy_items, sphinx_items, weblate_items

    return django_items(split_of) + sphinx_items(split_of) + weblate_items(split_of) + spacy_items(split_of)


SENTENCE_SETS, PARAGRAPH_SETS = ("authored", "django", "sphinx", "weblate", "spacy"), ("wikipedia", "django_paragraphs", "sphinx_paragraphs", "weblate_paragraphs")


def items_per_language(items: list[dict]) -> dict[str, dict[str, list[int]]]:
    """Items of each gold language: {"sentences"|"paragraphs": [dev, test]}."""
    out: dict[str, dict[str, list[int]]] = {}
    for item in items:
        kind = "sentences" if item["set"] in SENTENCE_SETS else "paragraphs" if item["set"] in PARAGRAPH_SETS else "other"
        counts = out.setdefault(item["gold"], {"sentences": [0, 0], "paragraphs": [0, 0], "other": [0, 0]})
        counts[kind][item["split"] == "test"] += 1
    return dict(sorted(out.items()))


def by_kind(items: list[dict], decided: list, thresholds: dict[str, float]) -> dict[str, float]:
    """Macro accuracy (strict recall: right label and kept, averaged over gold languages) of sentences and of paragraphs."""
    out = {}
    for kind, sets in (("sentences", SENTENCE_SETS), ("paragraphs", PARAGRAPH_SETS)):
        sel = [n for n, item in enumerate(items) if item["set"] in sets]
        per = scores([items[n] for n in sel], [decided[n] for n in sel], BEFORE["min_score"], thresholds, True)
        out[kind] = {"macro_accuracy": macro(per, "recall"), "macro_f1": macro(per, "f1"), "languages": len([v for v in per.values() if v["items"]])}
    return out


def real_items(pages: list) -> list[dict]:
    """Wikipedia paragraphs labelled by their wiki where proven, and WET lines written with kana."""
    items, per_wiki, wet = [], {}, 0
    for doc in pages:
        if doc.source == "wikipedia":
            gold = WIKIS[Path(doc.input_file).name[:2]]
            taken = 0
            for para in doc.text.split("\n"):
                if per_wiki.get(gold, 0) >= PER_WIKI or taken >= PER_PAGE:
                    break
                if len(_LETTER.findall(para)) >= MIN_LETTERS and proven(gold, para):
                    items.append({"gold": gold, "text": para, "set": "wikipedia", "split": split_of(doc.title)})
                    per_wiki[gold] = per_wiki.get(gold, 0) + 1
                    taken += 1
        else:
            for line in doc.text.split("\n"):
                letters = len(_LETTER.findall(line))
                if wet < WET_LINES and letters >= MIN_LETTERS and 5 * len(_KANA.findall(line)) >= letters:
                    items.append({"gold": "jpn_Jpan", "text": line, "set": "commoncrawl", "split": split_of(doc.url)})
                    wet += 1
    return items


class _Cached:
    """Recorded predictions as an identifier, so that each system runs through the build's own decision."""

    name = "cached"

    def __init__(self, texts: list[str], preds: list[Prediction]):
        self.by_text = dict(zip(texts, preds))

    def predict(self, texts):
        return [self.by_text[t] for t in texts]


def decide(texts: list[str], preds: list[Prediction]) -> list[tuple[str, float, str]]:
    """(label, score, drop reason) per one-line document, every threshold at 0 (applied later)."""
    from corpus.schema import COMMONCRAWL, new_document

    decider = DocumentLanguage(_Cached(texts, preds), LangId(min_score=0.0, min_score_per_lang={}))
    out = []
    for start in range(0, len(texts), 512):
        decisions, _ = decider.identify([new_document(source=COMMONCRAWL, text=t) for t in texts[start : start + 512]])
        out += [(d.lang, d.lang_score, why) for d, why in decisions]
    return out


def right(pred: str, gold: str, strict: bool) -> bool:
    return pred == gold or (not strict and pred == macrolanguage(gold) != gold)


def scores(items: list[dict], decided: list[tuple[str, float, str]], min_score: float, per_lang: dict[str, float], strict: bool) -> dict:
    """Per language: items, recall (of its items, right and kept) and precision (of the kept answers naming it).

    Strict: an answer names a language by its exact label. Lenient: the macrolanguage's label names
    each member too (an `ara_Arab` answer counts for arb_Arab and for arz_Arab items alike).
    """
    gold_n, gold_ok, named_n, named_ok = {}, {}, {}, {}
    kept = []
    for item, (label, score, why) in zip(items, decided):
        gold = item["gold"]
        gold_n[gold] = gold_n.get(gold, 0) + 1
        if not why and score >= per_lang.get(label, min_score):
            kept.append((gold, label))
            gold_ok[gold] = gold_ok.get(gold, 0) + right(label, gold, strict)
    langs = set(gold_n) | {label for _, label in kept}
    members: dict[str, list[str]] = {}  # label -> the languages it names
    for lang in langs:
        members.setdefault(lang, []).append(lang)
        if not strict and macrolanguage(lang) != lang:
            members.setdefault(macrolanguage(lang), []).append(lang)
    for gold, label in kept:
        for lang in members.get(label, [label]):
            named_n[lang] = named_n.get(lang, 0) + 1
            named_ok[lang] = named_ok.get(lang, 0) + (gold == lang)
    out = {}
    for lang in sorted(langs):
        p = named_ok.get(lang, 0) / named_n[lang] if named_n.get(lang) else None
        r = gold_ok.get(lang, 0) / gold_n[lang] if gold_n.get(lang) else None
        f = 2 * p * r / (p + r) if p and r else 0.0
        out[lang] = {"items": gold_n.get(lang, 0), "answered": named_n.get(lang, 0), "precision": p, "recall": r, "f1": f}
    return out


def macro(per: dict, key: str) -> float:
    values = [v[key] if v[key] is not None else 0.0 for v in per.values() if v["items"]]
    return sum(values) / len(values) if values else 0.0


def calibrate(items, decided, default: float) -> dict[str, float]:
    """Per label with MIN_ITEMS development items: the min_score of the best F1 (lenient), ties to the default,
    where it gains more than MIN_GAIN over the default."""
    per_lang = {}
    golds = {}
    for item in items:
        golds[item["gold"]] = golds.get(item["gold"], 0) + 1
    for lang, n in sorted(golds.items()):
        if n < MIN_ITEMS:
            continue
        # Only the items of the language and the answers naming it bear on its F1.
        names = {lang, macrolanguage(lang)}
        near = [n for n, (item, (label, _, _)) in enumerate(zip(items, decided)) if item["gold"] == lang or label in names]
        sub_items, sub_decided = [items[n] for n in near], [decided[n] for n in near]
        f1 = {t: scores(sub_items, sub_decided, default, {lang: t}, strict=False)[lang]["f1"] for t in MIN_SCORES}
        best = max(f1.values())
        chosen = min((t for t in MIN_SCORES if f1[t] >= best - 1e-9), key=lambda t: (abs(t - default), t))
        if best - f1[default] > MIN_GAIN:  # a language's own value only where it earns more than noise
            per_lang[lang] = chosen
    return per_lang


def ensemble_preds(fast: list[Prediction], heli: list[Prediction], threshold: float, specific: bool = True) -> list[Prediction]:
    return [combine(f, h, specific) if f.score < threshold else f for f, h in zip(fast, heli)]


def evaluate(items: list[dict], fast: list[Prediction], heli: list[Prediction]) -> dict:
    """Thresholds chosen on the development split, figures on the test split, for each system."""
    texts = [i["text"] for i in items]
    dev = [n for n, i in enumerate(items) if i["split"] == "dev"]
    test = [n for n, i in enumerate(items) if i["split"] == "test"]
    pick = lambda seq, idx: [seq[n] for n in idx]  # noqa: E731
    decided = {"fasttext": decide(texts, fast), "heliport": decide(texts, heli)}
    for t in ENSEMBLE_THRESHOLDS:
        decided[f"ensemble@{t}"] = decide(texts, ensemble_preds(fast, heli, t))
    dev_items, test_items = pick(items, dev), pick(items, test)
    # Languages of MIN_ITEMS development items or more: on one to three items per language the
    # macro F1 of the whole set moves with single sentences (see benchmarks/langid.md).
    golds = [i["gold"] for i in dev_items]
    enough = {g for g in golds if golds.count(g) >= MIN_ITEMS}
    sweep = {}
    for t in ENSEMBLE_THRESHOLDS:
        per = scores(dev_items, pick(decided[f"ensemble@{t}"], dev), BEFORE["min_score"], {}, False)
        sweep[t] = macro({lang: v for lang, v in per.items() if lang in enough}, "f1")
    # The former default stays unless another threshold beats it by more than MIN_GAIN.
    best = max(sweep.values())
    threshold = BEFORE["ensemble_threshold"]
    if best - sweep[threshold] > MIN_GAIN:
        threshold = min((t for t in ENSEMBLE_THRESHOLDS if sweep[t] >= best - 1e-9), key=lambda t: (abs(t - threshold), t))
    # The former rule for related answers (their macrolanguage), at the same threshold: what the specific rule changed.
    for t in {threshold, BEFORE["ensemble_threshold"]}:
        decided[f"ensemble_former@{t}"] = decide(texts, ensemble_preds(fast, heli, t, specific=False))
    systems = {"fasttext": "fasttext", "heliport": "heliport", "ensemble_former": f"ensemble_former@{threshold}", "ensemble": f"ensemble@{threshold}"}
    out = {"ensemble_threshold_sweep_dev_macro_f1": sweep, "ensemble_threshold": threshold, "calibrated_languages": sorted(enough), "systems": {}}
    for name, key in systems.items():
        per_lang = calibrate(dev_items, pick(decided[key], dev), BEFORE["min_score"])
        before_key = f"{name}@{BEFORE['ensemble_threshold']}" if name.startswith("ensemble") else key
        result = {"min_score_per_lang": per_lang}
        for when, k, thresholds in (("before", before_key, {}), ("after", key, per_lang)):
            for strict in (True, False):
                per = scores(test_items, pick(decided[k], test), BEFORE["min_score"], thresholds, strict)
                result[f"{when}_{'strict' if strict else 'lenient'}"] = {
                    "macro_precision": macro(per, "precision"), "macro_recall": macro(per, "recall"), "macro_f1": macro(per, "f1"), "per_lang": per}
            result[f"{when}_by_kind"] = by_kind(test_items, pick(decided[k], test), thresholds)
        out["systems"][name] = result
    counts = {}
    for item in items:
        key = (item["set"], item["split"])
        counts[f"{key[0]}/{key[1]}"] = counts.get(f"{key[0]}/{key[1]}", 0) + 1
    out["items"] = dict(sorted(counts.items()))
    out["languages"] = len({i["gold"] for i in items})
    return out


def third_opinion(items: list[dict], fast: list[Prediction], heli: list[Prediction], threshold: float) -> dict:
    """lingua-language-detector (75 languages, its models inside its wheel) asked where the ensemble's two
    models disagree (fastText unsure, heliport naming an unrelated language): fastText's answer where lingua
    names a language related to it, else heliport's as now. Macro accuracy at min_score 0.5 on both splits,
    and lingua's time on the lines it is asked against fastText's on all lines ({} when lingua is absent)."""
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        return {}
    from corpus.langid.labels import normalise_heliport, related

    texts = [i["text"] for i in items]
    ensemble = ensemble_preds(fast, heli, threshold)
    asked = [n for n, p in enumerate(ensemble) if p.model == "heliport"]  # the disagreements
    started = time.perf_counter()
    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    answers = detector.detect_languages_in_parallel_of([texts[n] for n in asked])
    lingua_seconds = time.perf_counter() - started
    fasttext = FastTextIdentifier()
    fast_seconds = min(_timed(lambda: fasttext.predict(texts)) for _ in range(3))
    third = list(ensemble)
    for n, language in zip(asked, answers):
        if language is not None and related(normalise_heliport(language.iso_code_639_3.name.lower()), fast[n].lang):
            third[n] = fast[n]._replace(model="lingua", other=heli[n].lang)
    out = {"asked_share": len(asked) / len(items), "load_seconds": load_seconds,
           "cost_vs_fasttext": (fast_seconds + lingua_seconds) / fast_seconds}  # fmt: skip
    for split in ("dev", "test"):
        idx = [n for n, i in enumerate(items) if i["split"] == split]
        sub = [items[n] for n in idx]
        for name, preds in (("ensemble", ensemble), ("ensemble+lingua", third)):
            out[f"{split}/{name}"] = by_kind(sub, decide([texts[n] for n in idx], [preds[n] for n in idx]), {})
    return out


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def page_counts(pages: list, identifier) -> dict:
    """The stage on every real page, with the page rules and with them off: what is split, removed, joined, relabelled."""
    from corpus.text import paragraphs

    lines = sorted({line for doc in pages for line in (paragraphs(doc.text) or [doc.text])})
    cached = _Cached(lines, identifier.predict(lines))
    out = {}
    for name, config in (("rules", LangId()), ("rules_off", LangId(list_share=1.01, japanese_kana_share=1.01, split_min_score=0.0))):
        decider = DocumentLanguage(cached, config)
        totals: dict = {"pages": len(pages), "documents": 0, "by_source": {}}
        for start in range(0, len(pages), 256):
            decisions, stats = decider.identify(pages[start : start + 256])
            for doc, why in decisions:
                source = doc.source if doc.source != "wikipedia" else Path(doc.input_file).name[:2] + "wiki"
                row = totals["by_source"].setdefault(source, {})
                key = f"{doc.lang}{'' if not why else ' (dropped: ' + parse_drop_reason(why)[1] + ')'}"
                row[key] = row.get(key, 0) + 1
                totals["documents"] += 1
            for key, amount in stats:
                kind = parse_stat_key(key)[0]
                totals[kind] = totals.get(kind, 0) + amount
        out[name] = totals
    out["thresholds"] = threshold_changes(pages, cached)
    return out


def _decided(pages: list, identifier, config: LangId) -> dict:
    decider = DocumentLanguage(identifier, config)
    found = {}
    for start in range(0, len(pages), 256):
        for doc, why in decider.identify(pages[start : start + 256])[0]:
            found[(doc.id, doc.lang)] = (why, doc)
    return found


def threshold_changes(pages: list, cached) -> dict:
    """The per-language min_score on real pages: the decisions it changes against min_score 0.5 everywhere,
    and the scores of the documents whose label has a raised threshold (what it could drop)."""
    calibrated = LangId()
    per_lang, flat = _decided(pages, cached, calibrated), _decided(pages, cached, calibrated.model_copy(update={"min_score_per_lang": {}}))
    changed = [{"lang": key[1], "calibrated": per_lang[key][0] or "kept", "flat_0.5": why or "kept", "score": round(doc.lang_score, 3),
                "second": doc.lang2, "page": doc.url or doc.title, "start": doc.text[:120]}
               for key, (why, doc) in flat.items() if per_lang[key][0] != why]  # fmt: skip
    raised = {lang: value for lang, value in calibrated.min_score_per_lang.items() if value > calibrated.min_score}
    scores: dict = {}
    for (_, lang), (_, doc) in flat.items():
        if lang in raised:
            scores.setdefault(lang, []).append(round(doc.lang_score, 3))
    return {"documents": len(flat), "changed": changed, "raised": raised,
            "raised_scores": {lang: {"documents": len(v), "under_threshold": sum(x < raised[lang] for x in v), "min": min(v)} for lang, v in scores.items()}}  # fmt: skip


def commit() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "corpus", "pipelines", "benchmarks/langid.py"], cwd=HERE.parent, capture_output=True, text=True).stdout.strip()
        return rev + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def lines_per_second(backends: dict, lines: list[str], repeat: int = 7) -> dict[str, float]:
    """Best of `repeat` runs of each, interleaved so that a busy moment of the shared machine hits all alike."""
    best = {name: float("inf") for name in backends}
    for _ in range(repeat):
        for name, fn in backends.items():
            started = time.perf_counter()
            fn(lines)
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: len(lines) / seconds for name, seconds in best.items()}


def web_lines() -> list[str]:
    demo = sorted((HERE.parent / "corpus" / "demo" / "texts").glob("*_*.txt"))
    lines = [line for path in demo for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines + [item["text"] for item in authored()]


def _documents(start: int, count: int, lines: list[str]):
    from corpus.schema import COMMONCRAWL, new_document

    return [new_document(source=COMMONCRAWL, url=f"https://example.org/{i}", text="\n".join(lines[(i * 7 + k) % len(lines)] for k in range(8))) for i in range(start, start + count)]


_STAGE_DOCS: list = []  # the documents the timed pipelines read, by slice: Beam's Create of large records costs more than the stage


def _stage_docs(chunk: tuple[int, int]) -> list:
    return _STAGE_DOCS[chunk[0] : chunk[0] + chunk[1]]


def _cpu_median(fns: dict, repeat: int) -> dict[str, dict[str, float]]:
    """Median CPU and wall seconds of each of `fns` over `repeat` interleaved rounds.

    CPU time of this process (every thread of the in-process runner included) is the cost; it leaves
    out the time the 2 shared cores spend on other processes, which made wall-clock differences swing
    from 1.1x to 4.3x between rounds of the same run."""
    times: dict[str, list] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            cpu, wall = time.process_time(), time.perf_counter()
            fn()
            times[name].append((time.process_time() - cpu, time.perf_counter() - wall))
    return {name: {"cpu_s": statistics.median(t[0] for t in ts), "wall_s": statistics.median(t[1] for t in ts)} for name, ts in times.items()}


def pipeline_vs_direct(fast: FastTextIdentifier, docs: list, repeat: int = 3) -> dict:
    """The build's language-ID stage (DirectRunner, fastText backend) vs fastText.predict on the same lines.

    The stage's cost is the run with IdentifyLanguage minus the same run without it; every figure is
    the median CPU time of `repeat` interleaved rounds (_cpu_median)."""
    import apache_beam as beam

    import pipelines.records  # noqa: F401
    from corpus.config import LangId
    from corpus.langid.documents import DocumentLanguage
    from corpus.text import paragraphs
    from pipelines.langid import IdentifyLanguage

    _STAGE_DOCS[:] = docs
    all_lines = [line for d in docs for line in (paragraphs(d.text) or [d.text])]
    config = LangId(identifier="fasttext")
    chunks = [(i, 100) for i in range(0, len(docs), 100)]

    def run(with_stage: bool) -> None:
        with beam.Pipeline() as p:
            made = p | beam.Create(chunks) | beam.FlatMap(_stage_docs)
            if with_stage:
                made = (made | IdentifyLanguage(config)).kept
            made | beam.Map(lambda d: None)

    decider = DocumentLanguage(fast, config)
    step = config.batch_size
    t = _cpu_median({
        "direct": lambda: fast._model.predict([line.replace("\n", " ") for line in all_lines], k=2),
        "corpus": lambda: [decider.identify(docs[i : i + step]) for i in range(0, len(docs), step)],
        "with_stage": lambda: run(True), "without_stage": lambda: run(False),
    }, repeat)  # fmt: skip
    direct, in_corpus = t["direct"]["cpu_s"], t["corpus"]["cpu_s"]
    stage = t["with_stage"]["cpu_s"] - t["without_stage"]["cpu_s"]
    _STAGE_DOCS.clear()
    return {
        "documents": len(docs), "lines": len(all_lines), "distinct_lines": len(set(all_lines)), "repeat": repeat, "seconds": t,
        "direct_lines_per_s": len(all_lines) / direct,
        "corpus_lines_per_s": len(all_lines) / in_corpus, "corpus_ratio": in_corpus / direct,
        "pipeline_lines_per_s": len(all_lines) / stage, "ratio": stage / direct,
        "wall_ratio": (t["with_stage"]["wall_s"] - t["without_stage"]["wall_s"]) / t["direct"]["wall_s"],
    }  # fmt: skip


def main(throughput: bool = True) -> dict:
    from benchmarks.suite_tools import machine

    started = time.perf_counter()
    fast, heli = FastTextIdentifier(), HeliportIdentifier()
    pages = read_pages()
    items = authored() + real_items(pages) + wheel_items()
    texts = [i["text"] for i in items]
    results: dict = {"command": "python -m benchmarks.langid", "commit": commit(), "machine": machine()}
    results["calibration"] = evaluate(items, fast.predict(texts), heli.predict(texts))
    results["items_per_language"] = items_per_language(items)
    results["real_sets"] = bool(pages)
    results["third_opinion"] = third_opinion(items, fast.predict(texts), heli.predict(texts), results["calibration"]["ensemble_threshold"])
    if pages:
        chosen = results["calibration"]
        results["pages"] = page_counts(pages, EnsembleIdentifier(fast, heli, chosen["ensemble_threshold"]))
    if throughput:
        lines = web_lines() * 20
        ensemble = EnsembleIdentifier(fast, heli, results["calibration"]["ensemble_threshold"])
        speeds = lines_per_second({"fasttext": fast.predict, "heliport": heli.predict, "ensemble": ensemble.predict}, lines)
        results["throughput"] = {f"{name}_lines_per_s": speed for name, speed in speeds.items()}
        results["throughput"]["ensemble_vs_fasttext"] = results["throughput"]["fasttext_lines_per_s"] / results["throughput"]["ensemble_lines_per_s"]
        results["throughput"]["lines"] = len(lines)
        results["throughput"]["asked_heliport"] = sum(p.score < ensemble.threshold for p in fast.predict(lines)) / len(lines)
        if pages:  # real pages: their lines repeat as a real crawl's do (boilerplate), not more
            results["pipeline"] = pipeline_vs_direct(fast, pages)
        results["pipeline_synthetic"] = pipeline_vs_direct(fast, _documents(0, 10000, web_lines()), repeat=3)
    results["seconds"] = round(time.perf_counter() - started, 1)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "langid.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (HERE / "langid.md").write_text(markdown(results))
    if pages:  # the card's figures come from the real sets only; without them the shipped file stays
        CALIBRATION.write_text(json.dumps(card_data(results), indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(markdown(results))
    return results


def card_data(r: dict) -> dict:
    """What the dataset card needs (corpus/langid/calibration.json): thresholds and test-split figures per system."""
    cal = r["calibration"]
    systems = {}
    for name, result in cal["systems"].items():
        strict, lenient = result["after_strict"]["per_lang"], result["after_lenient"]["per_lang"]
        systems[name] = {
            lang: {"items": v["items"], "precision_strict": _round(v["precision"]), "recall_strict": _round(v["recall"]),
                   "precision_lenient": _round(lenient[lang]["precision"]), "recall_lenient": _round(lenient[lang]["recall"])}
            for lang, v in strict.items() if v["items"]
        }  # fmt: skip
    return {
        "benchmark": f"{r['command']} (benchmarks/langid.md)", "commit": r["commit"], "date": r["machine"]["date"],
        "split": "test", "items": cal["items"],
        "thresholds": {"ensemble_threshold": cal["ensemble_threshold"], "min_score_per_lang": cal["systems"]["ensemble"]["min_score_per_lang"]},
        "systems": systems,
    }  # fmt: skip


def _round(x):
    return None if x is None else round(x, 3)


def _third_opinion_md(t: dict) -> list[str]:
    """The section on lingua as a third opinion (none when lingua was not installed)."""
    if not t:
        return []
    out = ["", "## A third opinion where fastText and heliport disagree: lingua-language-detector", "",
           f"Asked on {t['asked_share']:.1%} of the items (fastText unsure, heliport naming an unrelated language); fastText's answer "
           f"where lingua names a language related to it, else heliport's. Macro accuracy at min_score 0.5 (F1 in brackets). "
           f"Cost: fastText on all items plus lingua on those asked = {t['cost_vs_fasttext']:.1f}x fastText alone, "
           f"after {t['load_seconds']:.0f} s to load lingua's models.", "",
           "| split | system | sentences | paragraphs |", "|---|---|---|---|"]  # fmt: skip
    for split in ("dev", "test"):
        for name in ("ensemble", "ensemble+lingua"):
            k = t[f"{split}/{name}"]
            out.append(f"| {split} | {name} | {k['sentences']['macro_accuracy']:.3f} ({k['sentences']['macro_f1']:.3f}) | {k['paragraphs']['macro_accuracy']:.3f} ({k['paragraphs']['macro_f1']:.3f}) |")
    return out


def _pr(v: dict) -> str:
    fmt = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
    return f"{fmt(v['precision'])} / {fmt(v['recall'])}"


def markdown(r: dict) -> str:
    from benchmarks.suite_tools import machine_line

    cal = r["calibration"]
    out = ["# Language-ID benchmark", "", f"`{r['command']}` at commit {r['commit']}, {r['seconds']} s; full figures in results/langid.json.", "",
           machine_line(r["machine"]), ""]  # fmt: skip
    out += ["## Items", "", "| set / split | items |", "|---|---|"] + [f"| {k} | {v} |" for k, v in cal["items"].items()]
    per = r.get("items_per_language") or {}
    if per:
        with_test = {k: sum(1 for v in per.values() if v[k][1]) for k in ("sentences", "paragraphs")}
        out += ["", f"Items per language, development / test split (languages with test items: sentences {with_test['sentences']}, paragraphs {with_test['paragraphs']}; "
                "other: the CommonCrawl lines).", "", "| language | sentences | paragraphs | other |", "|---|---|---|---|"]  # fmt: skip
        out += [f"| {lang} | " + " | ".join(f"{v[k][0]} / {v[k][1]}" for k in ("sentences", "paragraphs", "other")) + " |" for lang, v in per.items()]
    out += ["", f"{cal['languages']} languages. Real sets present: {'yes' if r['real_sets'] else 'no (../shared/data absent: authored sentences only)'}.", ""]
    out += ["## Thresholds chosen on the development split", "",
            "| ensemble threshold | " + " | ".join(str(t) for t in cal["ensemble_threshold_sweep_dev_macro_f1"]) + " |",
            "|---|" + "---|" * len(cal["ensemble_threshold_sweep_dev_macro_f1"]),
            f"| dev macro F1 (lenient, min_score 0.5; the {len(cal['calibrated_languages'])} languages of {MIN_ITEMS}+ dev items) | " + " | ".join(f"{v:.3f}" for v in cal["ensemble_threshold_sweep_dev_macro_f1"].values()) + " |",
            "", f"Chosen ensemble threshold: {cal['ensemble_threshold']} (was {BEFORE['ensemble_threshold']}; another value must gain more than {MIN_GAIN}).", "",
            "| system | min_score per label (default 0.5; labels with 40+ development items) |", "|---|---|"]  # fmt: skip
    for name, result in cal["systems"].items():
        chosen = ", ".join(f"{k} {v}" for k, v in result["min_score_per_lang"].items()) or "none differs from 0.5"
        out.append(f"| {name} | {chosen} |")
    out += ["", "## Test split: macro precision / recall / F1, before and after calibration", "",
            "Before: ensemble threshold 0.9, min_score 0.5 everywhere. After: the thresholds above.", "",
            "| system | strict before | strict after | lenient before | lenient after |", "|---|---|---|---|---|"]  # fmt: skip
    for name, result in cal["systems"].items():
        cells = [f"{result[k]['macro_precision']:.3f} / {result[k]['macro_recall']:.3f} / {result[k]['macro_f1']:.3f}"
                 for k in ("before_strict", "after_strict", "before_lenient", "after_lenient")]  # fmt: skip
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += ["", "## Test split: macro accuracy of sentences and of paragraphs", "",
            f"Sentences: the sets {', '.join(SENTENCE_SETS)}; paragraphs: {', '.join(PARAGRAPH_SETS)}. Macro accuracy: the share of a language's "
            "items given its exact label and kept, averaged over languages (strict recall); F1 beside it.", "",
            "| system | sentences before | sentences after | paragraphs before | paragraphs after |", "|---|---|---|---|---|"]  # fmt: skip
    for name, result in cal["systems"].items():
        cells = [f"{result[w + '_by_kind'][k]['macro_accuracy']:.3f} (F1 {result[w + '_by_kind'][k]['macro_f1']:.3f}, {result[w + '_by_kind'][k]['languages']} languages)"
                 for k in ("sentences", "paragraphs") for w in ("before", "after")]  # fmt: skip
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += ["", "## Test split per language: precision / recall after calibration", "",
            "Strict counts only the exact label; lenient also the gold language's macrolanguage. "
            "Rows are gold languages with test items (n); a language of few items (authored: 1 to 3) says little on its own.", "",
            "| language | n | fastText strict | fastText lenient | heliport strict | heliport lenient | ensemble strict | ensemble lenient | ensemble before (strict) | ensemble, former related rule (strict) |",
            "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    systems = cal["systems"]
    for lang, v in systems["ensemble"]["after_strict"]["per_lang"].items():
        if not v["items"]:
            continue
        cells = [_pr(systems[s][k]["per_lang"][lang]) for s in ("fasttext", "heliport", "ensemble") for k in ("after_strict", "after_lenient")]
        cells.append(_pr(systems["ensemble"]["before_strict"]["per_lang"][lang]))
        cells.append(_pr(systems["ensemble_former"]["after_strict"]["per_lang"][lang]))
        out.append(f"| {lang} | {v['items']} | " + " | ".join(cells) + " |")
    out += _third_opinion_md(r.get("third_opinion") or {})
    if "pages" in r:
        out += ["", "## Real pages through the stage (ensemble, calibrated)", "",
                f"The first {PAGES_PER_FILE} pages of each Wikipedia and WET sample, split mode. `rules off`: list_share and japanese_kana_share above 1, split_min_score 0 "
                "(the citation weight in the page's majority stays).", "",
                "| | pages | documents out | split parts | list parts removed | list lines joined to their page | weak-part lines joined to their page | Han lines relabelled Japanese | lines removed |",
                "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for name, t in ((k, r["pages"][k]) for k in ("rules", "rules_off")):
            out.append(f"| {name.replace('_', ' ')} | {t['pages']} | {t['documents']} | {t.get('langid_split_parts', 0)} | {t.get('langid_list_parts', 0)} | "
                       f"{t.get('langid_list_joined_lines', 0)} | {t.get('langid_weak_part_joined_lines', 0)} | {t.get('langid_han_relabelled', 0)} | {t.get('langid_removed_lines', 0)} |")  # fmt: skip
        out += ["", "| source | documents with the rules (rules off), by label; top 6 |", "|---|---|"]
        rules, off = r["pages"]["rules"]["by_source"], r["pages"]["rules_off"]["by_source"]
        for source in sorted(rules):
            top = sorted(set(rules[source]) | set(off.get(source, {})), key=lambda k: -rules[source].get(k, 0) - off.get(source, {}).get(k, 0))[:6]
            out.append(f"| {source} | " + ", ".join(f"{k} {rules[source].get(k, 0)} ({off.get(source, {}).get(k, 0)})" for k in top) + " |")
    if "pages" in r and "thresholds" in r["pages"]:
        th = r["pages"]["thresholds"]
        out += ["", "## Per-language thresholds on the real pages", "",
                f"The {th['documents']} documents of the real pages above (calibrated ensemble) decided with the calibrated `min_score_per_lang` "
                f"and with 0.5 everywhere: {len(th['changed'])} decisions differ.", ""]  # fmt: skip
        if th["changed"]:
            out += ["| label | calibrated | min_score 0.5 | score | second label | page | text starts |", "|---|---|---|---|---|---|---|"]
            out += [f"| {c['lang']} | {c['calibrated']} | {c['flat_0.5']} | {c['score']} | {c['second']} | {c['page'][:60]} | {c['start'][:60].replace('|', ' ').replace(chr(10), ' / ')} |" for c in th["changed"]]
        raised = ", ".join(f"{lang} {value}" for lang, value in th["raised"].items())
        out += ["", f"Raised thresholds ({raised}): documents of those labels on the real pages, how many score under the threshold, lowest score.", "",
                "| label | documents | under its threshold | lowest score |", "|---|---|---|---|"]  # fmt: skip
        out += [f"| {lang} | {v['documents']} | {v['under_threshold']} | {v['min']} |" for lang, v in th["raised_scores"].items()]
        missing = sorted(set(th["raised"]) - set(th["raised_scores"]))
        if missing:
            out += ["", f"No document of {', '.join(missing)} on the real pages: its threshold is checked on the development text only."]
    if "throughput" in r:
        t = r["throughput"]
        out += ["", "## Throughput (same lines, 2 shared cores)", "", "| what | lines/s | ratio |", "|---|---|---|"]
        out.append(f"| fastText backend (normalised labels) | {t['fasttext_lines_per_s']:,.0f} | 1.00 |")
        out.append(f"| heliport backend | {t['heliport_lines_per_s']:,.0f} | {t['fasttext_lines_per_s'] / t['heliport_lines_per_s']:.2f} |")
        out.append(f"| ensemble@{cal['ensemble_threshold']} ({t['asked_heliport']:.0%} of lines ask heliport) | {t['ensemble_lines_per_s']:,.0f} | {t['ensemble_vs_fasttext']:.2f} |")
        out += ["", "| language-ID stage vs fastText on the same lines (median CPU time of interleaved rounds) | documents | lines (distinct) | lines/s | ratio | wall-clock ratio |",
                "|---|---|---|---|---|---|"]  # fmt: skip
        for name, p in (("real pages", r.get("pipeline")), ("synthetic pages of repeated lines", r["pipeline_synthetic"])):
            if not p:
                continue
            size = f"{p['documents']} | {p['lines']} ({p['distinct_lines']})"
            out.append(f"| {name}: fastText predict, direct | {size} | {p['direct_lines_per_s']:,.0f} | 1.00 | |")
            out.append(f"| {name}: corpus.langid.DocumentLanguage, no Beam | {size} | {p['corpus_lines_per_s']:,.0f} | {p['corpus_ratio']:.2f} | |")
            out.append(f"| {name}: build stage IdentifyLanguage, DirectRunner (run minus the same run without it) | {size} | {p['pipeline_lines_per_s']:,.0f} | {p['ratio']:.2f} | {p['wall_ratio']:.2f} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    main(throughput="--no-throughput" not in sys.argv[1:])
