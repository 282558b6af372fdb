"""The bitext development set (benchmarks/data/bitext_dev/): parallel articles written for the
project, laid out as linked Wikipedia articles with distractor sentences and perturbed order.

Each file holds one article: a sentence-aligned block per language ("[code] Title", line N
translates line N of the English block) and, per language, "[code extra]" sentences on the
same topic that translate nothing (distractors). For a language pair (English, X) and a seed:

- English side: every English sentence but one (deleted: its X sentence has no partner),
  the English distractors inserted at random places;
- X side: every X sentence but another one, the X distractors inserted at random places,
  two pairs of neighbours swapped and one sentence moved to a random place;
- both sides written as paragraphs of 2-5 sentences, as an article is.

The shuffled variant puts the X side's sentences in a random order (robustness to order).

Gold: the 1-1 pairs of sentences present on both sides. A mined pair is right when it is
exactly a gold pair (a 1-2 bead counts as wrong).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import NamedTuple

from corpus.lang import sentence_joiner
from corpus.schema import Document, new_document

DEV_DIR = Path(__file__).parent / "data" / "bitext_dev"
_BLOCK = re.compile(r"^\[([a-z]{3}_[A-Z][a-z]{3})( extra)?\]\s*(.*)$")


class Article(NamedTuple):
    slug: str
    titles: dict[str, str]  # lang -> title
    sentences: dict[str, list[str]]  # lang -> aligned sentences
    extra: dict[str, list[str]]  # lang -> distractors


def load_articles(folder: Path = DEV_DIR) -> list[Article]:
    articles = []
    for path in sorted(folder.glob("*.txt")):
        titles, sentences, extra = {}, {}, {}
        current = None
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = _BLOCK.match(line)
            if m:
                lang, is_extra, title = m.groups()
                current = extra.setdefault(lang, []) if is_extra else sentences.setdefault(lang, [])
                if not is_extra:
                    titles[lang] = title
                continue
            current.append(line)
        english = sentences["eng_Latn"]
        for lang, lines in sentences.items():
            if len(lines) != len(english):
                raise ValueError(f"{path.name}: {lang} has {len(lines)} sentences, English {len(english)}")
        articles.append(Article(path.stem, titles, sentences, extra))
    return articles


def languages(articles: list[Article]) -> list[str]:
    return sorted({lang for a in articles for lang in a.sentences} - {"eng_Latn"})


def _paragraphs(sentences: list[str], lang: str, rng: random.Random) -> str:
    out, i = [], 0
    while i < len(sentences):
        n = rng.randint(2, 5)
        out.append(sentence_joiner(lang).join(sentences[i : i + n]))
        i += n
    return "\n".join(out)


def _insert(sentences: list[str], extra: list[str], rng: random.Random) -> list[str]:
    out = list(sentences)
    for sentence in extra:
        out.insert(rng.randrange(len(out) + 1), sentence)
    return out


def layout(article: Article, lang: str, seed: int = 0, shuffle: bool = False) -> tuple[Document, Document, set[tuple[str, str]]]:
    """(English document, X document, gold pairs) for one article and language; with `shuffle`,
    the X side's sentences (distractors included) in a random order instead of the perturbed one."""
    rng = random.Random(f"{seed}/{article.slug}/{lang}")
    english, other = article.sentences["eng_Latn"], article.sentences[lang]
    n = len(english)
    gone_en, gone_x = rng.sample(range(n), 2)
    en = [s for i, s in enumerate(english) if i != gone_en]
    x = [s for i, s in enumerate(other) if i != gone_x]
    for _ in range(2):  # two pairs of neighbours swapped
        i = rng.randrange(len(x) - 1)
        x[i], x[i + 1] = x[i + 1], x[i]
    moved = x.pop(rng.randrange(len(x)))  # one sentence moved elsewhere
    x.insert(rng.randrange(len(x) + 1), moved)
    en = _insert(en, article.extra.get("eng_Latn", []), rng)
    x = _insert(x, article.extra.get(lang, []), rng)
    if shuffle:
        rng.shuffle(x)
    gold = {(english[i], other[i]) for i in range(n) if i not in (gone_en, gone_x)}
    doc_en = new_document(source="wikipedia", text=_paragraphs(en, "eng_Latn", rng), title=article.titles["eng_Latn"])
    doc_x = new_document(source="wikipedia", text=_paragraphs(x, lang, rng), title=article.titles[lang])
    return doc_en._replace(lang="eng_Latn"), doc_x._replace(lang=lang), gold


def documents(articles: list[Article], lang: str, seeds=(0,), shuffle: bool = False) -> list[tuple[Document, Document, set]]:
    return [layout(a, lang, seed, shuffle) for seed in seeds for a in articles if lang in a.sentences]
