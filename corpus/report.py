"""The human report of a release: report.html with PNG plots, from the manifest alone.

The page references its plots by relative path (report/*.png), so it opens from
a local folder in any browser, without a server. Every statistic a stage puts
in manifest["stats"] is shown as a table; the plots cover the language
distribution before and after rebalancing, the drop funnel, dedup rates,
document lengths, tokenizer fertility, and bitext when the release has it.
"""

from __future__ import annotations

import html
import io
from typing import Any, Callable, Mapping

import matplotlib

matplotlib.use("Agg")  # files only, never a window
from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)

from corpus.manifest import Manifest  # noqa: E402
from corpus.release import PLOTS_DIR, REPORT, bitext_files, held_back_sentence, over_max_epochs, reconciles  # noqa: E402
from corpus.schema import BUCKETS  # noqa: E402
from corpus.statistics import (  # noqa: E402
    STAGE_DEDUP,
    STAGE_FILTER,
    STAGE_LANGID,
    STAGE_READ,
    STAT_BITEXT_SCORE,
    STAT_DOC_LENGTH,
    parse_drop_reason,
    subkey,
)

# The order documents meet the stages; a stage not listed here comes after them.
STAGE_ORDER = (STAGE_READ, STAGE_LANGID, STAGE_FILTER, STAGE_DEDUP)
PLOTTED_STATS = (STAT_DOC_LENGTH, STAT_BITEXT_SCORE)  # kinds drawn as plots (or listed elsewhere)


def _png(fig: Figure) -> bytes:
    sink = io.BytesIO()
    fig.savefig(sink, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return sink.getvalue()


def _figure(width: float = 9.0, height: float = 4.0) -> tuple[Figure, Any]:
    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def _languages_by_size(manifest: Manifest) -> list[str]:
    langs = manifest.languages
    return sorted((lang for lang, v in langs.items() if v.kept), key=lambda lang: -langs[lang].kept_chars)


def plot_languages(manifest: Manifest) -> bytes | None:
    langs = _languages_by_size(manifest)
    if not langs:
        return None
    values = manifest.languages
    fig, ax = _figure(max(6.0, 0.6 * len(langs)))
    x = range(len(langs))
    ax.bar([i - 0.2 for i in x], [max(1, values[lang].kept_chars) for lang in langs], 0.4, label="kept (before rebalancing)")
    ax.bar([i + 0.2 for i in x], [max(1, values[lang].written_chars) for lang in langs], 0.4, label="written (after rebalancing)")
    ax.set_yscale("log")
    ax.set_xticks(list(x), langs, rotation=60, ha="right")
    ax.set_ylabel("characters (log scale)")
    ax.set_title("Language distribution before and after rebalancing")
    ax.legend()
    return _png(fig)


def funnel(manifest: Manifest) -> list[tuple[str, int, int]]:
    """(stage, documents dropped there, documents left after it), in the order of the flow."""
    dropped: dict[str, int] = {}
    for reason, count in manifest.documents.dropped.items():
        stage = parse_drop_reason(reason)[0]
        dropped[stage] = dropped.get(stage, 0) + count
    order = [s for s in STAGE_ORDER if s in dropped] + sorted(set(dropped) - set(STAGE_ORDER))
    left = manifest.documents.read
    steps = []
    for stage in order:
        left -= dropped[stage]
        steps.append((stage, dropped[stage], left))
    return steps


def plot_funnel(manifest: Manifest) -> bytes | None:
    steps = funnel(manifest)
    labels = ["read"] + [f"after {stage}" for stage, _, _ in steps] + ["written (rebalanced)"]
    counts = [manifest.documents.read] + [left for _, _, left in steps] + [manifest.documents.written]
    fig, ax = _figure(8, 0.5 * len(labels) + 1.5)
    bars = ax.barh(labels[::-1], counts[::-1], color=["#4c72b0"] + ["#55a868"] * (len(labels) - 2) + ["#4c72b0"])
    ax.bar_label(bars, [f"{c:,}" for c in counts[::-1]], padding=3)
    ax.set_xlabel("documents")
    ax.set_title("Documents through the stages")
    ax.margins(x=0.15)
    return _png(fig)


def dedup_rates(manifest: Manifest) -> dict[str, dict[str, float]]:
    """Per language: the share of documents each dedup reason removed, of those that reached dedup."""
    rates = {}
    for lang, v in manifest.languages.items():
        dedup = {reason: n for reason, n in v.dropped.items() if parse_drop_reason(reason)[0] == STAGE_DEDUP}
        reached = v.kept + sum(dedup.values())
        if reached:
            rates[lang] = {reason: n / reached for reason, n in sorted(dedup.items())}
    return rates


def plot_dedup(manifest: Manifest) -> bytes | None:
    rates = dedup_rates(manifest)
    langs = [lang for lang in _languages_by_size(manifest) if lang in rates]
    reasons = sorted({r for v in rates.values() for r in v})
    if not langs or not reasons:
        return None
    fig, ax = _figure(max(6.0, 0.6 * len(langs)))
    bottom = [0.0] * len(langs)
    for reason in reasons:
        heights = [100 * rates[lang].get(reason, 0.0) for lang in langs]
        ax.bar(langs, heights, bottom=bottom, label=reason)
        bottom = [b + h for b, h in zip(bottom, heights)]
    ax.set_ylabel("% of documents removed")
    ax.set_title("Duplicates removed per language")
    ax.tick_params(axis="x", rotation=60)
    ax.legend()
    return _png(fig)


def _histograms(rows: list[tuple[tuple[str, ...], int]]) -> dict[str, dict[float, int]]:
    """(group..., bucket) -> count, as {group: {bucket: count}}."""
    found: dict[str, dict[float, int]] = {}
    for (*group, bucket), count in rows:
        try:
            found.setdefault(subkey(*group), {})[float(bucket)] = count
        except ValueError:
            continue
    return found


def plot_lengths(manifest: Manifest) -> bytes | None:
    hist = _histograms(manifest.stat_rows(STAT_DOC_LENGTH))
    if not hist:
        return None
    fig, ax = _figure(9, 4.5)
    for lang in sorted(hist, key=lambda lang: -sum(hist[lang].values())):
        buckets = sorted(hist[lang])
        total = sum(hist[lang].values())
        ax.plot(buckets, [hist[lang][b] / total for b in buckets], marker="o", markersize=3, label=lang)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("document length in characters (power-of-two buckets)")
    ax.set_ylabel("share of the language's documents")
    ax.set_title("Document lengths per language (kept documents)")
    ax.legend(fontsize="small", ncol=2)
    return _png(fig)


def plot_fertility(manifest: Manifest) -> bytes | None:
    table = manifest.tokenizer.get("fertility") or {}
    if not table:
        return None
    langs = sorted(table, key=lambda lang: table[lang]["fertility"])
    fig = Figure(figsize=(max(6.0, 0.6 * len(langs)), 6))
    top, bottom = fig.subplots(2, 1, sharex=True)
    colours = ["#dd8452" if table[lang]["per"] == "char" else "#4c72b0" for lang in langs]
    top.bar(langs, [table[lang]["fertility"] for lang in langs], color=colours)
    top.set_ylabel("tokens per word\n(orange: per character)")
    top.set_title("Tokenizer fertility on held-out text")
    bottom.bar(langs, [100 * table[lang]["byte_fallback_share"] for lang in langs], color="#c44e52")
    bottom.set_ylabel("% byte-fallback tokens")
    bottom.tick_params(axis="x", rotation=60)
    return _png(fig)


def bitext_pairs(manifest: Manifest) -> dict[str, int]:
    """Sentence pairs per language pair, from the bitext files' row counts."""
    pairs: dict[str, int] = {}
    for path, rows in bitext_files(manifest).items():
        pair = path.split("/")[1]
        pairs[pair] = pairs.get(pair, 0) + rows
    return pairs


def bitext_scores(manifest: Manifest) -> dict[float, int]:
    """The score histogram of all pairs ("<pair>|<bucket>" -> count, summed over pairs)."""
    total: dict[float, int] = {}
    for buckets in _histograms(manifest.stat_rows(STAT_BITEXT_SCORE)).values():
        for bucket, count in buckets.items():
            total[bucket] = total.get(bucket, 0) + count
    return dict(sorted(total.items()))


def plot_bitext(manifest: Manifest, most: int = 25) -> bytes | None:
    pairs = bitext_pairs(manifest)
    scores = bitext_scores(manifest)
    if not pairs and not scores:
        return None
    fig = Figure(figsize=(12, 6))
    left, right = fig.subplots(1, 2)
    names = sorted(pairs, key=lambda p: (-pairs[p], p))[:most][::-1]
    left.barh(names, [pairs[p] for p in names])
    left.set_title(f"Sentence pairs per language pair ({len(names)} largest of {len(pairs)})")
    left.tick_params(axis="y", labelsize="small")
    if scores:
        buckets = list(scores)
        width = min(b - a for a, b in zip(buckets, buckets[1:])) if len(buckets) > 1 else 0.1
        right.bar(buckets, list(scores.values()), width=0.9 * width, align="edge")
    right.set_title("Pair scores, all pairs")
    right.set_xlabel("score (bucket lower bound)")
    right.set_ylabel("pairs")
    return _png(fig)


PLOTS: tuple[tuple[str, str, Callable[[Manifest], bytes | None]], ...] = (
    ("languages.png", "Language distribution before and after rebalancing", plot_languages),
    ("funnel.png", "Drop funnel per stage", plot_funnel),
    ("dedup.png", "Dedup rates per language", plot_dedup),
    ("lengths.png", "Document length distributions", plot_lengths),
    ("fertility.png", "Tokenizer fertility per language", plot_fertility),
    ("bitext.png", "Bitext pairs and scores", plot_bitext),
)


def _html_table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(f'{c:,}' if isinstance(c, int) else str(c))}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _stats_tables(manifest: Manifest) -> list[str]:
    """One table per kind of statistic that a stage recorded; keys split on '|' into columns."""
    parts = []
    for kind, values in manifest.stats.items():
        if kind in PLOTTED_STATS or not values:
            continue
        rows = [[*parts, amount] for parts, amount in manifest.stat_rows(kind)]
        width = max(len(r) for r in rows)
        rows = [r[:-1] + [""] * (width - len(r)) + [r[-1]] for r in rows]
        parts.append(f"<h3>{html.escape(kind)}</h3>" + _html_table([f"key {i + 1}" for i in range(width - 1)] + ["amount"], rows))
    return parts


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { max-width: 100%; display: block; margin: 0.5em 0 1.5em; }
.bad { color: #b00; font-weight: bold; }
"""


def render(manifest: Manifest | Mapping[str, Any], samples: list[Mapping[str, str]] = ()) -> dict[str, bytes]:
    """report.html and its PNG plots, as {relative path: bytes}; `samples`: examples of what each rule
    removed ({"reason", "lang", "text"})."""
    manifest = Manifest.of(manifest)
    files: dict[str, bytes] = {}
    docs = manifest.documents
    name = manifest.config["name"]
    status = "reconciles" if reconciles(manifest) else '<span class="bad">DOES NOT RECONCILE</span>'
    body = [
        f"<h1>{html.escape(name)}: release report</h1>",
        f"<p>{docs.read:,} documents read, {docs.kept:,} kept, {sum(docs.dropped.values()):,} dropped, "
        f"{docs.written:,} written after rebalancing; the manifest {status} (read = kept + dropped). "
        f"{len(manifest.shards)} shards.</p>",
    ]
    for filename, title, plot in PLOTS:
        png = plot(manifest)
        if png is None:
            continue
        path = f"{PLOTS_DIR}/{filename}"
        files[path] = png
        body.append(f'<h2>{html.escape(title)}</h2><img src="{path}" alt="{html.escape(title)}">')
    langs = manifest.languages
    body.append("<h2>Languages</h2>")
    summary = manifest.rebalancing
    if summary:
        body.append(f"<p>Most copies of one document: {summary.max_copies} (max_epochs {summary.max_epochs}).</p>")
    held = held_back_sentence(manifest)
    if held:
        body.append(f"<p>{html.escape(held[0].upper() + held[1:])}.</p>")
    over = over_max_epochs(manifest)
    if over:
        body.append(f'<p class="bad">{html.escape(over)}</p>')
    body.append(
        _html_table(
            ["language", "kept", "kept chars", "rate", "epochs", "written", "written chars", "most copies", "held back"],
            [
                [lang, v.kept, v.kept_chars, f"{v.rate:.3f}", f"{v.epochs:.2f}", v.written, v.written_chars,
                 v.max_copies, "yes" if v.held_back else ""]
                for lang, v in sorted(langs.items(), key=lambda kv: -kv[1].kept_chars)
            ],
        )
    )
    body.append("<h2>Dropped documents</h2>")
    body.append(_html_table(["reason", "documents"], [[r, n] for r, n in sorted(docs.dropped.items(), key=lambda kv: -kv[1])]))
    if samples:
        body.append("<h2>What the rules removed: examples</h2>")
        body.append(_html_table(["reason", "language", "text (its opening)"],
                                [[s["reason"], s["lang"], s["text"]] for s in sorted(samples, key=lambda s: (s["reason"], s["lang"], s["text"]))]))
    quality = {lang: v.quality for lang, v in manifest.languages.items() if v.quality}
    if quality:
        body.append("<h2>Content quality: kept documents per bucket</h2>")
        columns = [*BUCKETS, "unscored"]
        body.append(_html_table(["language", *columns], [[lang, *(q.get(c, 0) for c in columns)] for lang, q in sorted(quality.items())]))
    fertility = manifest.tokenizer.get("fertility") or {}
    if fertility:
        sample = manifest.tokenizer.get("sample", {})
        body.append("<h2>Tokenizer</h2>")
        body.append(
            _html_table(
                ["language", "sample share", "fertility", "per", "tokens per char", "byte-fallback share", "held-out chars"],
                [
                    [lang, f"{sample.get(lang, {}).get('share', 0):.3f}", f"{f['fertility']:.3f}", f["per"],
                     f"{f['tokens_per_char']:.3f}", f"{f['byte_fallback_share']:.4f}", f["heldout_chars"]]
                    for lang, f in sorted(fertility.items())
                ],
            )
        )
    tables = _stats_tables(manifest)
    if tables:
        body.append("<h2>Statistics of the stages</h2>")
        body += tables
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(name)}: release report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    files[REPORT] = page.encode("utf-8")
    return files
