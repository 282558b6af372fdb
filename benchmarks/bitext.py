"""Bitext mining quality: precision and recall of mined pairs on parallel documents written for the project.

Documents: the sentence-aligned demo articles (corpus/demo/texts/topic_*.txt), one
document per article and language. Each target document is perturbed: distractor
sentences from the same language's pool (corpus/demo/texts/<lang>.txt) are mixed in
(one for every two real sentences), one real sentence is deleted, and two adjacent
sentences are swapped. A mined pair is right when it is exactly a planted pair
(strict: a 1-2 bead counts as wrong); recall is over the planted pairs left in both
documents.

Methods, all with the embedded lexical encoder:
- dp-align: the pipeline's method (corpus.bitext.mine.mine_document_pair) inside each
  document pair, with the lexicon re-estimated from a first pass;
- global margin: every sentence of one language against every sentence of the other
  (corpus.bitext.score.mine_global), ratio margin >= 1.05.

Also: the sentence splitter (rules) against pysbd, on the same articles' paragraphs.

    .venv/bin/python -m benchmarks.bitext
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from corpus.bitext.filters import pair_drop_reason
from corpus.bitext.lexical import LexicalEncoder, estimate_lexicon, normalise_rows
from corpus.bitext.mine import confident_pairs, joiner, mine_document_pair
from corpus.bitext.score import mine_global
from corpus.bitext.sentences import split_sentences
from corpus.config import Bitext
from corpus.demo.texts import load_pools, load_topics
from corpus.schema import BitextPair, new_document

HERE = Path(__file__).parent
RESULTS = HERE / "results"
PAIRS = [("eng_Latn", "fra_Latn"), ("eng_Latn", "deu_Latn"), ("eng_Latn", "rus_Cyrl"), ("eng_Latn", "hin_Deva"), ("eng_Latn", "jpn_Jpan"), ("eng_Latn", "swh_Latn")]
PYSBD_CODES = {"eng_Latn": "en", "fra_Latn": "fr", "deu_Latn": "de", "spa_Latn": "es", "rus_Cyrl": "ru", "hin_Deva": "hi",
               "jpn_Jpan": "ja", "zho_Hans": "zh", "arb_Arab": "ar", "amh_Ethi": "am", "ell_Grek": "el"}


def perturbed(sentences: list[str], pool: list[str], rng: random.Random) -> list[str]:
    """Distractors mixed in, one sentence deleted, two adjacent sentences swapped."""
    out = list(sentences)
    del out[rng.randrange(len(out))]
    i = rng.randrange(len(out) - 1)
    out[i], out[i + 1] = out[i + 1], out[i]
    for distractor in rng.sample(pool, max(1, len(sentences) // 2)):
        out.insert(rng.randrange(len(out) + 1), distractor)
    return out


def documents(lang1: str, lang2: str, seed: int = 0, perturb: bool = True):
    """[(doc1, doc2, gold pairs)] for every article written in both languages."""
    rng = random.Random(f"{seed}/{lang1}/{lang2}")
    pool = list(load_pools()[lang2])
    out = []
    for slug, versions in sorted(load_topics().items()):
        if lang1 in versions and lang2 in versions:
            s1, s2 = list(versions[lang1].sentences), list(versions[lang2].sentences)
            t2 = perturbed(s2, pool, rng) if perturb else s2
            gold = {(a, b) for a, b in zip(s1, s2) if b in t2}
            doc1 = new_document(source="wikipedia", text="\n".join(s1), title=versions[lang1].title)._replace(lang=lang1)
            doc2 = new_document(source="wikipedia", text="\n".join(t2), title=versions[lang2].title)._replace(lang=lang2)
            out.append((doc1, doc2, gold))
    return out


def score(found: set, gold: set) -> dict:
    right = len(found & gold)
    precision = right / len(found) if found else 1.0
    recall = right / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(found), "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def evaluate_pair(lang1: str, lang2: str, config: Bitext, perturb: bool = True) -> dict:
    docs = documents(lang1, lang2, perturb=perturb)
    gold = set().union(*(g for _, _, g in docs))
    # dp-align, as the pipeline runs it: first pass, Dice lexicon, second pass, filters.
    confident = [p for d1, d2, _ in docs for p in confident_pairs(d1, d2, config)]
    lexicon = estimate_lexicon(confident, lang1, lang2, config.lexicon_min_dice, config.lexicon_min_count, config.lexicon_per_token)
    started = time.perf_counter()
    mined = [p for d1, d2, _ in docs for p in mine_document_pair(d1, d2, "bench", config, lexicon) if isinstance(p, BitextPair)]
    dp = {(p.src_text, p.tgt_text) if p.src_lang == lang1 else (p.tgt_text, p.src_text) for p in mined}
    dp_seconds = time.perf_counter() - started
    # global margin over all sentences of the pair, same encoder and lexicon, same filters.
    started = time.perf_counter()
    s1 = [s for d, _, _ in docs for s in split_sentences(d.text, lang1)]
    s2 = [s for _, d, _ in docs for s in split_sentences(d.text, lang2)]
    x = normalise_rows(LexicalEncoder(config.dim).encode_raw(s1, lang1))
    y = normalise_rows(LexicalEncoder(config.dim, lexicon).encode_raw(s2, lang2))
    glob = {(s1[i], s2[j]) for i, j, m in mine_global(x, y, config.k, config.min_score) if not pair_drop_reason(s1[i], s2[j], m, config)}
    global_seconds = time.perf_counter() - started
    return {
        "documents": len(docs), "gold_pairs": len(gold), "sentences": [len(s1), len(s2)], "lexicon_entries": len(lexicon),
        "dp_align": {**score(dp, gold), "seconds": round(dp_seconds, 3)},
        "global_margin": {**score(glob, gold), "seconds": round(global_seconds, 3)},
    }


def splitter_comparison() -> dict:
    """Exact-split accuracy per article paragraph and speed: our rules vs pysbd (when installed)."""
    cases = [(lang, joiner(lang).join(v.sentences), list(v.sentences)) for vs in load_topics().values() for lang, v in vs.items()]
    result = {}
    started = time.perf_counter()
    right = sum(split_sentences(text, lang) == gold for lang, text, gold in cases)
    result["rules"] = {"paragraphs": len(cases), "exact": right, "seconds": round(time.perf_counter() - started, 4)}
    try:
        import pysbd
    except ImportError:
        result["pysbd"] = "not installed (pip install 'corpus-builder[bitext-bench]')"
        return result
    covered = [(lang, text, gold) for lang, text, gold in cases if lang in PYSBD_CODES]
    segmenters = {lang: pysbd.Segmenter(language=PYSBD_CODES[lang], clean=False) for lang in {c[0] for c in covered}}
    started = time.perf_counter()
    right = sum([s.strip() for s in segmenters[lang].segment(text)] == gold for lang, text, gold in covered)
    result["pysbd"] = {"paragraphs": len(covered), "exact": right, "seconds": round(time.perf_counter() - started, 4),
                       "languages_missing": sorted({c[0] for c in cases} - set(PYSBD_CODES))}
    rules_covered = sum(split_sentences(text, lang) == gold for lang, text, gold in covered)
    result["rules_on_pysbd_languages"] = {"paragraphs": len(covered), "exact": rules_covered}
    return result


def main() -> None:
    config = Bitext()
    pairs = {f"{a}-{b}": evaluate_pair(a, b, config) for a, b in PAIRS}
    clean = {f"{a}-{b}": evaluate_pair(a, b, config, perturb=False) for a, b in PAIRS}
    result = {"config": config.model_dump(), "pairs": pairs, "unperturbed": clean, "splitter": splitter_comparison()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bitext.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Bitext mining quality (embedded lexical encoder)",
        "",
        "Demo articles written for the project; target side perturbed (distractors mixed in, one sentence",
        "deleted, two swapped). Strict: only exact planted 1-1 pairs count as right. `python -m benchmarks.bitext`.",
        "",
        "| pair | docs | gold | dp-align P | dp-align R | dp-align F1 | global P | global R | global F1 | unperturbed dp-align P / R |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in pairs.items():
        dp, gl, cl = r["dp_align"], r["global_margin"], clean[name]["dp_align"]
        lines.append(f"| {name} | {r['documents']} | {r['gold_pairs']} | {dp['precision']} | {dp['recall']} | {dp['f1']} "
                     f"| {gl['precision']} | {gl['recall']} | {gl['f1']} | {cl['precision']} / {cl['recall']} |")
    sp = result["splitter"]
    lines += ["", "Sentence splitting, exact split of each article paragraph:", "",
              f"- rules: {sp['rules']['exact']}/{sp['rules']['paragraphs']} paragraphs, {sp['rules']['seconds']} s"]
    if isinstance(sp.get("pysbd"), dict):
        p = sp["pysbd"]
        lines.append(f"- pysbd: {p['exact']}/{p['paragraphs']} paragraphs of the languages it supports "
                     f"(rules on the same: {sp['rules_on_pysbd_languages']['exact']}), {p['seconds']} s; "
                     f"no support for {', '.join(p['languages_missing'])}")
    (HERE / "bitext.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
