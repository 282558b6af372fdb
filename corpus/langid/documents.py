"""Language decisions for documents: per paragraph (line), then split, trimmed or kept whole.

Web pages in low-resource languages often carry English navigation and
boilerplate; a page may also hold the same text in two languages. Each line is
identified; lines sure of their own language (score >= line_min_score) form
per-language groups, unsure lines (short, names, numbers) join the document's
majority language (most characters). Then, by `paragraphs`:

- "split" (default): every group with at least `min_part_chars` characters
  becomes a document of its own (id = make_id(the record's id, its language));
  smaller groups are removed as lines. A page that gives n parts counts as n
  documents read: its majority part under its source, the n-1 others under
  read|langid/split, so the manifest still reconciles (read = kept + dropped).
- "majority": only the majority group is kept; the other lines are removed.
- "document": one prediction for the whole text, nothing removed.

Before grouping, on a page with Japanese evidence (kana), Han-only lines labelled Chinese
become Japanese (corpus.langid.lines). A minority group made mostly of citation-like lines
(short items, references) is no section of its own, whatever its size: it joins the page
when it is in the page's script and its lines name the page's language as their second
choice (Marathi name lists read as Hindi, Ukrainian names as Russian), else its lines are
removed (English references on a Bengali page). Any other minority group in the page's script keeps
the page's language unless its evidence is strong (score >= split_min_score and its lines do not
name the page's language as their second choice): a weak group joins the page.

Every resulting document then passes the script check (the dominant Unicode
script must be one its label is written in: relabelled where the language is
written in that script too, e.g. srp_Cyrl -> srp_Latn, else dropped as
langid/script_mismatch), takes the script subtag its own characters show where the label's
does not say (a language CLDR does not list) or says too little (Hans or Hant by the characters
only one of them uses), and passes the confidence threshold (langid/low_score).
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Sequence

from corpus.config import LangId
from corpus.langid.identifiers import Identifier, Prediction, predict_distinct
from corpus.lang import script
from corpus.langid.labels import related, setting_for
from corpus.langid.lines import citation_like, could_be_japanese, japanese_page, list_like
from corpus.langid.scripts import dominant_script, relabel_for_script, script_agrees, script_from_text, text_script_for
from corpus.schema import Document, make_id, with_text
from corpus.statistics import (
    LANGID_LOW_SCORE,
    LANGID_SCRIPT_MISMATCH,
    LANGID_SPLIT_PARTS,
    STAT_LANGID_DISAGREEMENTS,
    STAT_LANGID_HAN_RELABELLED,
    STAT_LANGID_LIST_JOINED_LINES,
    STAT_LANGID_LIST_PARTS,
    STAT_LANGID_REMOVED_CHARS,
    STAT_LANGID_REMOVED_LINES,
    STAT_LANGID_SCRIPT_RELABELLED,
    STAT_LANGID_SPLIT_PARTS,
    STAT_LANGID_WEAK_PART_JOINED_LINES,
    STAT_READ,
    relabelling,
    stat_key,
)
from corpus.text import paragraphs

JAPANESE = "jpn_Jpan"
CITATION_WEIGHT = 0.25  # of a citation-like line's characters when the page's majority language is counted


class Decision(NamedTuple):
    doc: Document
    drop: str  # "" when kept, else the drop reason (corpus.statistics.LANGID_*)


def _weighted(preds: Sequence[Prediction], weights: Sequence[int]) -> float:
    total = sum(weights)
    return sum(p.score * w for p, w in zip(preds, weights)) / total if total else 0.0


def _part(doc: Document, lines: list[str], preds: list[Prediction], lang: str, whole: bool, part: int = 0) -> Document:
    """A document of the lines of one language; its score is the character-weighted mean of its own lines.

    The first part keeps the record's id; a further part is the record's part in `lang`."""
    own = [(p, len(line)) for line, p in zip(lines, preds) if p.lang == lang] or [(p, len(line)) for line, p in zip(lines, preds)]
    score = _weighted([p for p, _ in own], [n for _, n in own])
    longest = max(own, key=lambda pn: pn[1])[0]
    decided = max({p.model for p, _ in own}, key=lambda m: sum(n for p, n in own if p.model == m))
    other = next((p.other for p, _ in own if p.other), "")
    text = doc.text if whole else "\n".join(lines)
    changes = dict(lang=lang, lang_score=round(score, 6), lang2=longest.lang2, lang2_score=round(longest.lang2_score, 6), lid_model=decided, lid_other=other)
    doc = doc._replace(**changes)
    if whole:
        return doc
    return with_text(doc._replace(id=make_id(doc.id, lang) if part else doc.id), text)


def _groups(lines: list[str], preds: list[Prediction], line_min_score: float) -> dict[str, list[int]]:
    """Line indices per language, majority language first; unsure and related lines join the majority.

    The majority is the language of most characters of sure lines, those of citation-like lines
    counting CITATION_WEIGHT, so that a page's references do not outweigh its prose (English
    references on a Bengali stub) while a page made of lists still goes by its lists.
    """
    chars: dict[str, float] = {}
    sure = [(line, p) for line, p in zip(lines, preds) if p.score >= line_min_score]
    several = len({p.lang for _, p in sure}) > 1  # only then can citations outweigh the prose
    for line, p in sure:
        chars[p.lang] = chars.get(p.lang, 0) + len(line) * (CITATION_WEIGHT if several and citation_like(line) else 1)
    if not chars:  # no line is sure: the label with the most characters
        for line, p in zip(lines, preds):
            chars[p.lang] = chars.get(p.lang, 0) + len(line)
    majority = max(chars, key=lambda lang: (chars[lang], lang))
    groups: dict[str, list[int]] = {majority: []}
    for i, p in enumerate(preds):
        sure = p.score >= line_min_score and not related(p.lang, majority)
        groups.setdefault(p.lang if sure else majority, []).append(i)
    return groups


class _Groups(dict):
    """Line indices per language, majority first; `lists` names the groups of citation-like lines to remove."""

    def __init__(self, *args):
        super().__init__(*args)
        self.lists: set[str] = set()


class DocumentLanguage:
    """Language ID of documents with one identifier and the `LangId` settings; see the module doc."""

    def __init__(self, identifier: Identifier, config: LangId):
        self.identifier = identifier
        self.config = config

    def identify(self, docs: Sequence[Document]) -> tuple[list[Decision], list[tuple[str, int]]]:
        """Decisions (kept documents and drops) and statistics ("kind|key", amount) for a batch."""
        stats: list[tuple[str, int]] = []
        if self.config.paragraphs == "document":
            preds = self.identifier.predict([d.text for d in docs])
            preds = [self._han_text(doc.text, p, stats) if self._japanese(doc.text, [p]) else p for doc, p in zip(docs, preds)]
            parts = [_part(doc, [doc.text], [p], p.lang, True) for doc, p in zip(docs, preds)]
        else:
            parts = list(self._paragraph_parts(docs, stats))
        return [self._check(part, stats) for part in parts], stats

    def _japanese(self, page: str, preds: list[Prediction]) -> bool:
        """A page with a Chinese label somewhere and the kana of Japanese (measured once per page)."""
        return any(p.lang.startswith("zho_") for p in preds) and japanese_page(page, self.config.japanese_kana_share)

    def _han_text(self, text: str, pred: Prediction, stats: list[tuple[str, int]]) -> Prediction:
        """On a Japanese page, a Chinese label on text that Japanese could have written is Japanese (the page is the evidence)."""
        if pred.lang.startswith("zho_") and could_be_japanese(text):
            stats.append((stat_key(STAT_LANGID_HAN_RELABELLED, relabelling(pred.lang, JAPANESE)), 1))
            return pred._replace(lang=JAPANESE, lang2=pred.lang, lang2_score=pred.score)
        return pred

    def _paragraph_parts(self, docs: Sequence[Document], stats: list[tuple[str, int]]) -> Iterable[Document]:
        lines_of = [paragraphs(doc.text) or [doc.text] for doc in docs]
        preds = iter(predict_distinct(self.identifier, [line for lines in lines_of for line in lines]))
        for doc, lines in zip(docs, lines_of):
            line_preds = [next(preds) for _ in lines]
            if self._japanese(doc.text, line_preds):
                line_preds = [self._han_text(line, p, stats) for line, p in zip(lines, line_preds)]
            groups = self._join_lists(lines, line_preds, _groups(lines, line_preds, self.config.line_min_score), stats)
            for n, (lang, idx) in enumerate(groups.items()):
                chars = sum(len(lines[i]) for i in idx)
                if n and (self.config.paragraphs == "majority" or chars < self.config.min_part_chars or lang in groups.lists):
                    stats += [(stat_key(STAT_LANGID_REMOVED_LINES, lang), len(idx)), (stat_key(STAT_LANGID_REMOVED_CHARS, lang), chars)]
                    continue
                if n:
                    stats += [(stat_key(STAT_READ, LANGID_SPLIT_PARTS), 1), (stat_key(STAT_LANGID_SPLIT_PARTS, lang), 1)]
                whole = len(groups) == 1
                yield _part(doc, [lines[i] for i in idx], [line_preds[i] for i in idx], lang, whole, n)

    def _join_lists(self, lines: list[str], preds: list[Prediction], groups: dict[str, list[int]], stats: list[tuple[str, int]]) -> "_Groups":
        """Minority groups of citation-like lines: joined to the page where it is their likely language, else marked for removal."""
        majority, *others = groups
        out = _Groups({majority: list(groups[majority])})
        page_script = script(majority)
        for lang in others:
            idx = groups[lang]
            part = [lines[i] for i in idx]
            if not list_like(part, self.config.list_share):
                if self._weak(part, [preds[i] for i in idx], majority):
                    out[majority] = sorted(out[majority] + idx)
                    stats += [(stat_key(STAT_LANGID_WEAK_PART_JOINED_LINES, relabelling(lang, majority)), len(idx))]
                else:
                    out[lang] = idx
                continue
            chars = sum(len(line) for line in part)
            second = sum(len(lines[i]) for i in idx if preds[i].lang2 and related(preds[i].lang2, majority))
            if 2 * second >= chars and script_agrees(page_script, dominant_script("\n".join(part))):
                out[majority] = sorted(out[majority] + idx)
                stats += [(stat_key(STAT_LANGID_LIST_JOINED_LINES, relabelling(lang, majority)), len(idx))]
            else:
                out[lang] = idx
                out.lists.add(lang)
                stats += [(stat_key(STAT_LANGID_LIST_PARTS, lang), 1)]
        return out

    def _weak(self, part: list[str], preds: list[Prediction], majority: str) -> bool:
        """A part in the page's script whose own evidence is not strong: its score under split_min_score,
        or half its characters naming the page's language as their second choice."""
        if not script_agrees(script(majority), dominant_script("\n".join(part))):
            return False
        weights = [len(line) for line in part]
        second = sum(n for p, n in zip(preds, weights) if p.lang2 and related(p.lang2, majority))
        return _weighted(preds, weights) < self.config.split_min_score or 2 * second >= sum(weights)

    def _check(self, doc: Document, stats: list[tuple[str, int]]) -> Decision:
        if doc.lid_other:
            stats.append((stat_key(STAT_LANGID_DISAGREEMENTS, doc.lang), 1))
        text_script = text_script_for(script(doc.lang), doc.text)
        if not script_agrees(script(doc.lang), text_script):
            relabelled = relabel_for_script(doc.lang, text_script) if self.config.script_mismatch == "relabel" else None
            if relabelled is None:
                return Decision(doc, LANGID_SCRIPT_MISMATCH)
            stats.append((stat_key(STAT_LANGID_SCRIPT_RELABELLED, relabelling(doc.lang, relabelled)), 1))
            doc = doc._replace(lang=relabelled)
        own = script_from_text(doc.lang, doc.text, text_script)
        if own != doc.lang:
            stats.append((stat_key(STAT_LANGID_SCRIPT_RELABELLED, relabelling(doc.lang, own)), 1))
            doc = doc._replace(lang=own)
        if doc.lang_score < setting_for(self.config.min_score_per_lang, doc.lang, self.config.min_score):
            return Decision(doc, LANGID_LOW_SCORE)
        return Decision(doc, "")
