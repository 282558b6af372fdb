"""Language-ID benchmark: accuracy per language and backend, the ensemble rule, and throughput.

    .venv/bin/python -m benchmarks.langid

Accuracy on (a) sentences written for this project (benchmarks/data/lid_sentences.tsv,
67 languages, one line under 30 characters each: its own "short" row) and (b) paragraphs
of the real Wikipedia dump excerpts in ../shared/data, labelled by their wiki's language
(skipped when that folder is absent). A label counts as right when it is the language or
its macrolanguage (the policy in corpus/langid/labels.py); `strict` counts exact labels only.

Throughput: lines per second of each backend on the same web-like lines (the demo texts
and the authored sentences), and of the build's language-ID stage (IdentifyLanguage on the
DirectRunner, fastText backend) against calling fastText directly on the same lines.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from corpus.langid import EnsembleIdentifier, FastTextIdentifier, HeliportIdentifier, Prediction
from corpus.langid.identifiers import combine
from corpus.langid.labels import macrolanguage

HERE = Path(__file__).parent
SENTENCES = HERE / "data" / "lid_sentences.tsv"
SHARED = HERE.parent.parent / "shared" / "data" / "wikipedia"
WIKIS = {"bn": "ben_Beng", "el": "ell_Grek", "hy": "hye_Armn", "ja": "jpn_Jpan", "mr": "mar_Deva", "uk": "ukr_Cyrl", "vi": "vie_Latn", "en": "eng_Latn"}
THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 1.01)


def authored() -> list[tuple[str, str]]:
    rows = [line.rstrip("\n").split("\t") for line in SENTENCES.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(lang, text) for lang, text in rows]


def wikipedia(per_wiki: int = 150) -> list[tuple[str, str]]:
    """Paragraphs of 40+ characters from each real dump excerpt, labelled by the wiki's language."""
    if not SHARED.is_dir():
        return []
    from corpus.schema import Document
    from corpus.sources import read_file

    rows = []
    for path in sorted(SHARED.glob("*.xml.bz2")):
        lang = WIKIS[path.name[:2]]
        found = 0
        with open(path, "rb") as f:
            for item in read_file("wikipedia", f, str(path)):
                if not isinstance(item, Document):
                    continue
                for para in item.text.split("\n"):
                    if len(para) >= 40 and found < per_wiki:
                        rows.append((lang, para))
                        found += 1
                if found >= per_wiki:
                    break
    return rows


def right(pred: str, gold: str, strict: bool = False) -> bool:
    return pred == gold or (not strict and pred == macrolanguage(gold) != gold)


def fusion(fast: Prediction, heli: Prediction) -> Prediction:
    """The alternative rule: the more confident of the two answers."""
    chosen = combine(fast, heli)
    return fast if fast.score >= heli.score and chosen.model == "heliport" else chosen


def accuracy(golds: list[str], preds: list[str], strict: bool = False) -> dict:
    per: dict[str, list[int]] = {}
    for gold, pred in zip(golds, preds):
        per.setdefault(gold, []).append(right(pred, gold, strict))
    per_lang = {lang: sum(v) / len(v) for lang, v in sorted(per.items())}
    return {"macro": sum(per_lang.values()) / len(per_lang), "micro": sum(map(sum, per.values())) / len(golds), "per_lang": per_lang}


def evaluate(rows, fast_preds, heli_preds) -> dict:
    golds = [g for g, _ in rows]
    systems = {"fasttext": [p.lang for p in fast_preds], "heliport": [p.lang for p in heli_preds]}
    for t in THRESHOLDS:
        systems[f"ensemble@{t}"] = [(combine(f, h) if f.score < t else f).lang for f, h in zip(fast_preds, heli_preds)]
        systems[f"fusion@{t}"] = [(fusion(f, h) if f.score < t else f).lang for f, h in zip(fast_preds, heli_preds)]
    out = {}
    for name, preds in systems.items():
        out[name] = accuracy(golds, preds)
        out[name]["strict_macro"] = accuracy(golds, preds, strict=True)["macro"]
        short = [i for i, (_, text) in enumerate(rows) if len(text) < 30]
        if short:
            out[name]["short"] = accuracy([golds[i] for i in short], [preds[i] for i in short])["micro"]
    return out


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
    return lines + [text for _, text in authored()]


def _documents(start: int, count: int, lines: list[str]):
    from corpus.schema import COMMONCRAWL, new_document

    return [new_document(source=COMMONCRAWL, url=f"https://example.org/{i}", text="\n".join(lines[(i * 7 + k) % len(lines)] for k in range(8))) for i in range(start, start + count)]


def pipeline_vs_direct(fast: FastTextIdentifier, documents: int = 10000, repeat: int = 3) -> dict:
    """The build's language-ID stage (DirectRunner, fastText backend) vs fastText.predict on the same lines.

    Documents are made inside the pipeline (Beam's Create of large records costs more than the
    stage itself); the stage's cost is the run with IdentifyLanguage minus the same run without it.
    """
    import apache_beam as beam

    import pipelines.records  # noqa: F401
    from corpus.config import LangId
    from corpus.langid.documents import DocumentLanguage
    from pipelines.langid import IdentifyLanguage

    lines = web_lines()
    docs = _documents(0, documents, lines)
    all_lines = [line for d in docs for line in d.text.split("\n")]
    config = LangId(identifier="fasttext", batch_size=1024)
    chunks = [(i, 500) for i in range(0, documents, 500)]

    def run(with_stage: bool) -> None:
        with beam.Pipeline() as p:
            made = p | beam.Create(chunks) | beam.FlatMap(lambda c: _documents(c[0], c[1], lines))
            if with_stage:
                made, _ = made | IdentifyLanguage(config)
            made | beam.Map(lambda d: None)

    def best(fn) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return min(times)

    decider = DocumentLanguage(fast, config)
    direct = best(lambda: fast._model.predict(all_lines, k=2))
    in_corpus = best(lambda: [decider.identify(docs[i : i + 1024]) for i in range(0, len(docs), 1024)])
    stage = best(lambda: run(True)) - best(lambda: run(False))
    return {
        "documents": documents, "lines": len(all_lines),
        "direct_lines_per_s": len(all_lines) / direct,
        "corpus_lines_per_s": len(all_lines) / in_corpus, "corpus_ratio": in_corpus / direct,
        "pipeline_lines_per_s": len(all_lines) / stage, "ratio": stage / direct,
    }  # fmt: skip


def main() -> None:
    fast, heli = FastTextIdentifier(), HeliportIdentifier()
    sets = {"authored": authored(), "wikipedia": wikipedia()}
    results: dict = {"accuracy": {}, "throughput": {}}
    for name, rows in sets.items():
        if not rows:
            continue
        texts = [t for _, t in rows]
        results["accuracy"][name] = evaluate(rows, fast.predict(texts), heli.predict(texts))
        results["accuracy"][name]["languages"] = len({g for g, _ in rows})
        results["accuracy"][name]["items"] = len(rows)
    lines = web_lines() * 20
    ensemble = EnsembleIdentifier(fast, heli)
    speeds = lines_per_second({"fasttext": fast.predict, "heliport": heli.predict, "ensemble": ensemble.predict, "fasttext_raw": lambda ls: fast._model.predict(ls, k=2)}, lines)
    results["throughput"].update({f"{name}_lines_per_s": speed for name, speed in speeds.items()})
    results["throughput"]["ensemble_vs_fasttext"] = results["throughput"]["fasttext_lines_per_s"] / results["throughput"]["ensemble_lines_per_s"]
    results["throughput"]["lines"] = len(lines)
    results["throughput"]["asked_heliport"] = sum(p.score < ensemble.threshold for p in fast.predict(lines)) / len(lines)
    results["pipeline"] = pipeline_vs_direct(fast)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "langid.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (HERE / "langid.md").write_text(markdown(results))
    print(markdown(results))


def markdown(r: dict) -> str:
    out = ["# Language-ID benchmark", "", "`.venv/bin/python -m benchmarks.langid`; full figures in results/langid.json.", ""]
    systems = ["fasttext", "heliport"] + [f"ensemble@{t}" for t in THRESHOLDS] + [f"fusion@{t}" for t in THRESHOLDS]
    out += ["## Accuracy (right = the language or its macrolanguage; strict = exact label)", ""]
    out += ["| set | system | macro | micro | strict macro | short lines (<30 chars) |", "|---|---|---|---|---|---|"]
    for name, acc in r["accuracy"].items():
        for s in systems:
            a = acc[s]
            short = f"{a['short']:.3f}" if "short" in a else "-"
            out.append(f"| {name} ({acc['languages']} langs, {acc['items']} items) | {s} | {a['macro']:.3f} | {a['micro']:.3f} | {a['strict_macro']:.3f} | {short} |")
    out += ["", "## Per language (authored set; Wikipedia rows marked w)", "", "| language | fastText | heliport | ensemble@0.9 |", "|---|---|---|---|"]
    for name, acc in r["accuracy"].items():
        for lang in acc["fasttext"]["per_lang"]:
            mark = " (w)" if name == "wikipedia" else ""
            out.append(f"| {lang}{mark} | " + " | ".join(f"{acc[s]['per_lang'][lang]:.2f}" for s in ("fasttext", "heliport", "ensemble@0.9")) + " |")
    t, p = r["throughput"], r["pipeline"]
    out += ["", "## Throughput (same lines, 2 shared cores)", "", "| what | lines/s | ratio |", "|---|---|---|"]
    out.append(f"| fastText backend (normalised labels) | {t['fasttext_lines_per_s']:,.0f} | 1.00 |")
    out.append(f"| heliport backend | {t['heliport_lines_per_s']:,.0f} | {t['fasttext_lines_per_s'] / t['heliport_lines_per_s']:.2f} |")
    out.append(f"| ensemble@0.9 ({t['asked_heliport']:.0%} of lines ask heliport) | {t['ensemble_lines_per_s']:,.0f} | {t['ensemble_vs_fasttext']:.2f} |")
    out.append(f"| fastText predict on the lines of {p['documents']} documents, direct | {p['direct_lines_per_s']:,.0f} | 1.00 |")
    out.append(f"| paragraph-level decisions (corpus.langid.DocumentLanguage, no Beam) | {p['corpus_lines_per_s']:,.0f} | {p['corpus_ratio']:.2f} |")
    out.append(f"| build stage IdentifyLanguage on the DirectRunner (run minus the same run without it) | {p['pipeline_lines_per_s']:,.0f} | {p['ratio']:.2f} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
