"""Language decisions for documents: per paragraph (line), then split, trimmed or kept whole.

Web pages in low-resource languages often carry English navigation and
boilerplate; a page may also hold the same text in two languages. Each line is
identified; lines sure of their own language (score >= line_min_score) form
per-language groups, unsure lines (short, names, numbers) join the document's
majority language (most characters). Then, by `paragraphs`:

- "split" (default): every group with at least `min_part_chars` characters
  becomes a document of its own (id = make_id(source, url or title, part text));
  smaller groups are removed as lines. A page that gives n parts counts as n
  documents read: its majority part under its source, the n-1 others under
  read|langid/split, so the manifest still reconciles (read = kept + dropped).
- "majority": only the majority group is kept; the other lines are removed.
- "document": one prediction for the whole text, nothing removed.

Every resulting document then passes the script check (the dominant Unicode
script must be one its label is written in: relabelled where the language is
written in that script too, e.g. srp_Cyrl -> srp_Latn, else dropped as
langid/script_mismatch) and the confidence threshold (langid/low_score).
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Sequence

from corpus.config import LangId
from corpus.langid.identifiers import Identifier, Prediction
from corpus.langid.labels import related, script, setting_for
from corpus.langid.scripts import relabel_for_script, script_agrees, text_script_for
from corpus.schema import Document, make_id, with_text
from corpus.text import paragraphs

SPLIT_PARTS = "langid/split"  # the read-statistics key of the extra parts of split documents


class Decision(NamedTuple):
    doc: Document
    drop: str  # "" when kept, else the reason's "why" under the stage "langid"


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
    """Line indices per language, majority language first; unsure and related lines join the majority."""
    chars: dict[str, int] = {}
    for line, p in zip(lines, preds):
        if p.score >= line_min_score:
            chars[p.lang] = chars.get(p.lang, 0) + len(line)
    if not chars:  # no line is sure: the label with the most characters
        for line, p in zip(lines, preds):
            chars[p.lang] = chars.get(p.lang, 0) + len(line)
    majority = max(chars, key=lambda lang: (chars[lang], lang))
    groups: dict[str, list[int]] = {majority: []}
    for i, p in enumerate(preds):
        sure = p.score >= line_min_score and not related(p.lang, majority)
        groups.setdefault(p.lang if sure else majority, []).append(i)
    return groups


class DocumentLanguage:
    """Language ID of documents with one identifier and the `LangId` settings; see the module doc."""

    def __init__(self, identifier: Identifier, config: LangId):
        self.identifier = identifier
        self.config = config

    def identify(self, docs: Sequence[Document]) -> tuple[list[Decision], list[tuple[str, int]]]:
        """Decisions (kept documents and drops) and statistics ("kind|key", amount) for a batch."""
        stats: list[tuple[str, int]] = []
        if self.config.paragraphs == "document":
            parts = [_part(doc, [doc.text], [p], p.lang, True) for doc, p in zip(docs, self.identifier.predict([d.text for d in docs]))]
        else:
            parts = list(self._paragraph_parts(docs, stats))
        return [self._check(part, stats) for part in parts], stats

    def _paragraph_parts(self, docs: Sequence[Document], stats: list[tuple[str, int]]) -> Iterable[Document]:
        lines_of = [paragraphs(doc.text) or [doc.text] for doc in docs]
        preds = iter(self.identifier.predict([line for lines in lines_of for line in lines]))
        for doc, lines in zip(docs, lines_of):
            line_preds = [next(preds) for _ in lines]
            groups = _groups(lines, line_preds, self.config.line_min_score)
            for n, (lang, idx) in enumerate(groups.items()):
                chars = sum(len(lines[i]) for i in idx)
                if n and (self.config.paragraphs == "majority" or chars < self.config.min_part_chars):
                    stats += [(f"langid_removed_lines|{lang}", len(idx)), (f"langid_removed_chars|{lang}", chars)]
                    continue
                if n:
                    stats += [(f"read|{SPLIT_PARTS}", 1), (f"langid_split_parts|{lang}", 1)]
                whole = len(groups) == 1
                yield _part(doc, [lines[i] for i in idx], [line_preds[i] for i in idx], lang, whole, n)

    def _check(self, doc: Document, stats: list[tuple[str, int]]) -> Decision:
        if doc.lid_other:
            stats.append((f"langid_disagreements|{doc.lang}", 1))
        text_script = text_script_for(script(doc.lang), doc.text)
        if not script_agrees(script(doc.lang), text_script):
            relabelled = relabel_for_script(doc.lang, text_script) if self.config.script_mismatch == "relabel" else None
            if relabelled is None:
                return Decision(doc, "script_mismatch")
            stats.append((f"langid_script_relabelled|{doc.lang}>{relabelled}", 1))
            doc = doc._replace(lang=relabelled)
        if doc.lang_score < setting_for(self.config.min_score_per_lang, doc.lang, self.config.min_score):
            return Decision(doc, "low_score")
        return Decision(doc, "")
