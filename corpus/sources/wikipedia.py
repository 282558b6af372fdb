"""Wikipedia pages-articles XML dumps (bz2, multistream bz2 or plain) -> article Documents.

Parser: the standard library's expat (xml.parsers.expat) with our own handlers,
fed by corpus.sources.compressed in 1 MB slices. Expat never loads external
entities or DTDs here (no handler is set) and never opens a URL;
internal-entity expansion bombs are refused by expat >= 2.4. The handlers keep
only the fields of the current <page> (title, ns, id, redirect, revision
timestamp, model, text), so memory stays at one page; the text of a page larger
than read.max_record_bytes is not kept at all and the page is counted as
read/record_too_large.

Errors: a dump cut inside a <page> (as all the samples are) keeps every
complete page and counts one read/truncated. Malformed XML inside one page
(an invalid byte, a broken tag) counts that page as read/malformed and reading
resumes at the next <page> with a fresh parser, so one bad page does not cost
the rest of a 20 GB dump.

Each <page> gives one record: namespace-0, non-redirect, non-disambiguation
wikitext pages become Documents; the others Drops. Wikitext -> plain text:
sections of references, notes, literature, links and see-also (headings of
20 languages in wikipedia_sections.tsv; read.wikipedia_drop_sections) are cut
from the wikitext and counted as Stats "read_removed_sections|<kind>|<wiki>";
<ref>s are removed by a regex; mwparserfromhell then removes templates, tables,
galleries, math, comments, files/images (the dump's own namespace names and the
English ones), categories and interlanguage links, keeps link labels (or targets)
and puts headings and list items on their own lines. What it could not parse
(an unbalanced template or table comes back as text) is removed after it, with
HTML entities, magic words and brackets left empty by removed templates.

Multistream dumps are split into byte ranges of whole bz2 streams by
corpus/sources/multistream.py; each range is read here by `read_xml`, with the
same conversion.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from importlib import resources
from typing import BinaryIO, Iterator, get_args
from urllib.parse import quote, urlsplit
from xml.parsers import expat

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)

from corpus.config import Read, WikipediaSection
from corpus.schema import WIKIPEDIA, Document, Drop, Stat, new_document
from corpus.sources.records import offset_detail, repaired_encoding, snapshot_from_path
from corpus.sources.compressed import DecompressedStream
from corpus.statistics import (
    READ_EMPTY_TEXT,
    READ_MALFORMED,
    READ_RECORD_TOO_LARGE,
    READ_TRUNCATED,
    READ_WIKIPEDIA_DISAMBIGUATION,
    READ_WIKIPEDIA_NAMESPACE,
    READ_WIKIPEDIA_NOT_WIKITEXT,
    READ_WIKIPEDIA_REDIRECT,
    READ_WIKIPEDIA_UNPARSEABLE,
    STAT_READ_REMOVED_SECTIONS,
    stat_key,
)
from corpus.text import normalise, repair_encoding

_SLICE = 1 << 20
_PAGE_FIELDS = frozenset({"title", "ns", "id", "revision/timestamp", "revision/model", "revision/text"})


class _Site:
    """What the <siteinfo> says: language, article URL prefix, names of the File and Category namespaces."""

    def __init__(self, path: str):
        self.path = path
        self.dbname = ""
        self.base = ""
        self.file_names = {"file", "image", "media"}
        self.category_names = {"category"}

    def add_namespace(self, key: str | None, title: str) -> None:
        title = title.strip().casefold()
        if title and key in ("6", "-2"):
            self.file_names.add(title)
        elif title and key == "14":
            self.category_names.add(title)

    @property
    def dbname_or_path(self) -> str:
        if self.dbname:
            return self.dbname
        m = re.match(r"([a-z][a-z0-9_]*wiki)", self.path.rsplit("/", 1)[-1])
        return m.group(1) if m else ""

    @property
    def lang(self) -> str:
        """The wiki's language code: "en" for enwiki, "zh-yue" for zh_yuewiki."""
        db = self.dbname_or_path
        if db.endswith("wiki"):
            return db[: -len("wiki")].replace("_", "-")
        if self.base:
            return urlsplit(self.base).hostname.split(".")[0]
        return ""

    @property
    def article_prefix(self) -> str:
        if self.base:
            parts = urlsplit(self.base)
            return f"{parts.scheme}://{parts.netloc}/wiki/"
        return f"https://{self.lang}.wikipedia.org/wiki/"

    def snapshot(self) -> str:
        return snapshot_from_path(self.path) or self.dbname_or_path


class _Pages:
    """expat handlers collecting <siteinfo> into a _Site and each complete <page> as a dict of its fields."""

    def __init__(self, site: _Site, max_bytes: int, base: int):
        self.site = site
        self.max_bytes = max_bytes
        self.base = base  # offset in the decompressed stream of the first byte fed to this parser
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.buffer_size = 1 << 16
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._data
        self.stack: list[str] = []
        self.page: dict | None = None  # the page being read
        self.done: list[dict] = []  # complete pages not yet taken
        self.field: str | None = None
        self.parts: list[str] = []
        self.namespace_key: str | None = None

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)

    def at(self) -> int:
        return self.base + self.parser.CurrentByteIndex

    def _start(self, name: str, attrs: dict) -> None:
        self.stack.append(name)
        depth = len(self.stack)
        if depth == 2 and name == "page":
            self.page = {"offset": self.at(), "too_large": False, "redirect": False}
        elif self.page is not None:
            key = "/".join(self.stack[2:])
            if key == "redirect":
                self.page["redirect"] = True
            elif key in _PAGE_FIELDS:
                self.field, self.parts = key, []
        elif depth >= 3 and self.stack[1] == "siteinfo":
            key = "/".join(self.stack[2:])
            if key in ("dbname", "base", "namespaces/namespace"):
                self.field, self.parts = key, []
                self.namespace_key = attrs.get("key")

    def _data(self, text: str) -> None:
        if self.field is None:
            return
        if self.page is not None and (self.page["too_large"] or self.at() - self.page["offset"] > self.max_bytes):
            self.page["too_large"] = True
            self.parts = []  # never hold more than the cap of one page
            return
        self.parts.append(text)

    def _end(self, name: str) -> None:
        key = "/".join(self.stack[2:])
        self.stack.pop()
        if self.field is not None and key == self.field:
            value = "".join(self.parts)
            self.field, self.parts = None, []
            if self.page is not None:
                self.page[key] = value
            elif key == "dbname":
                self.site.dbname = value.strip()
            elif key == "base":
                self.site.base = value.strip()
            else:
                self.site.add_namespace(self.namespace_key, value)
        elif len(self.stack) == 1 and name == "page" and self.page is not None:
            if self.at() - self.page["offset"] > self.max_bytes:
                self.page["too_large"] = True
            self.done.append(self.page)
            self.page = None

    def take(self) -> list[dict]:
        done, self.done = self.done, []
        return done


def read(stream: BinaryIO, path: str, options: Read = Read()) -> Iterator[Document | Drop | Stat]:
    """Documents of the articles of one pages-articles dump, and Drops for the other pages and the rest."""
    return read_xml(DecompressedStream(stream), path, path, options)


_RESYNC = b"<page>"  # a literal "<" never occurs inside a page's text (it is escaped), only as a tag


def read_xml(data: DecompressedStream, path: str, where: str, options: Read) -> Iterator[Document | Drop | Stat]:
    """`path` names the file in Documents, `where` in Drop details (a multistream range names its bytes)."""
    site = _Site(path)
    drop_sections = frozenset(options.wikipedia_drop_sections)
    pages = _Pages(site, options.max_record_bytes, 0)
    chunk, chunk_start = data.read(_SLICE), 0  # chunk_start: offset of chunk[0] in the decompressed stream
    while True:
        final = not chunk
        try:
            pages.feed(chunk, final)
            error = None
        except expat.ExpatError as e:
            error = e
        for page in pages.take():
            yield from page_records(page, site, site.snapshot(), path, where, drop_sections)
        if error is None:
            if final:
                break
            chunk, chunk_start = data.read(_SLICE), chunk_start + len(chunk)
            continue
        failed_at = pages.base + max(pages.parser.ErrorByteIndex, 0)
        at = pages.page["offset"] if pages.page is not None else failed_at
        if final:  # the data ended inside an element: cut short
            yield Drop(READ_TRUNCATED, "", WIKIPEDIA, offset_detail(where, at, str(error)))
            break
        # One broken page: look for the next <page> after the error and go on from there with a fresh parser.
        rest = chunk[max(failed_at - chunk_start, 0) :]
        rest_start = chunk_start + len(chunk) - len(rest)
        while (found := rest.find(_RESYNC)) < 0:
            more = data.read(_SLICE)
            if not more:
                break
            keep = rest[-(len(_RESYNC) - 1) :]
            rest_start += len(rest) - len(keep)
            rest = keep + more
        if found < 0:
            reason = READ_TRUNCATED if data.error is not None else READ_MALFORMED
            yield Drop(reason, "", WIKIPEDIA, offset_detail(where, at, str(error)))
            break
        yield Drop(READ_MALFORMED, "", WIKIPEDIA, offset_detail(where, at, str(error)))
        prefix = b"<mediawiki>"
        pages = _Pages(site, options.max_record_bytes, rest_start + found - len(prefix))
        chunk, chunk_start = prefix + rest[found:], pages.base


def page_records(
    page: dict, site: _Site, snapshot: str, path: str, where: str, drop_sections=frozenset()
) -> Iterator[Document | Drop | Stat]:
    """The Document of one <page> with a Stat per kind of section removed from it, or the Drop saying
    why there is no Document."""
    title = page.get("title", "").strip()
    ns = page.get("ns", "").strip()
    offset = page["offset"]
    detail = offset_detail(where, offset, title)
    if page["too_large"]:
        yield Drop(READ_RECORD_TOO_LARGE, "", WIKIPEDIA, detail)
        return
    if ns != "0":
        yield Drop(READ_WIKIPEDIA_NAMESPACE, "", WIKIPEDIA, offset_detail(where, offset, f"ns={ns}"))
        return
    wikitext = page.get("revision/text", "")
    if page["redirect"] or wikitext.lstrip()[:9].upper() == "#REDIRECT":
        yield Drop(READ_WIKIPEDIA_REDIRECT, "", WIKIPEDIA, detail)
        return
    model = page.get("revision/model", "").strip()
    if model and model != "wikitext":
        yield Drop(READ_WIKIPEDIA_NOT_WIKITEXT, "", WIKIPEDIA, detail)
        return
    if is_disambiguation(wikitext):
        yield Drop(READ_WIKIPEDIA_DISAMBIGUATION, "", WIKIPEDIA, detail)
        return
    repaired = repair_encoding(wikitext)  # before the parser: normalise() would drop C1 controls of mojibake
    try:
        text, removed = convert(repaired, site.file_names, site.category_names, drop_sections)
    except Exception as e:  # the parser is robust, but a pathological page must not stop the file
        yield Drop(READ_WIKIPEDIA_UNPARSEABLE, "", WIKIPEDIA, f"{detail} {type(e).__name__}")
        return
    if not text:
        yield Drop(READ_EMPTY_TEXT, "", WIKIPEDIA, detail)
        return
    for kind, amount in Counter(removed).items():
        yield Stat(stat_key(STAT_READ_REMOVED_SECTIONS, kind, site.lang), amount)
    if repaired is not wikitext:
        yield repaired_encoding(WIKIPEDIA)
    page_id = page.get("id", "").strip()
    yield new_document(
        source=WIKIPEDIA,
        text=text,
        url=site.article_prefix + quote(title.replace(" ", "_"), safe="/:@!$&'()*+,;=-._~"),
        title=title,
        source_lang=site.lang,
        date=page.get("revision/timestamp", "").strip(),
        snapshot=snapshot,
        page_id=int(page_id) if page_id.isdigit() else 0,
        input_file=path,
        locator=f"page {page_id}" if page_id else str(offset),  # page ids are unique in a dump
    )


# --- disambiguation pages -----------------------------------------------------------------------

# Disambiguation pages are marked only by a template (which carries __DISAMBIG__ on the wiki, not in
# the dump). Names of the main disambiguation templates of large and of the sample wikis, casefolded;
# any template named "... disambiguation" counts too (English has dozens: "hndis", "geodis", ...).
DISAMBIGUATION_TEMPLATES = frozenset(
    {
        "disambiguation", "disambig", "disamb", "dab", "dbig", "hndis", "geodis", "numberdis", "mathdab",
        "begriffsklärung", "homonymie", "desambiguación", "desambiguacion", "disambigua", "desambiguação",
        "desambig", "dp", "ujednoznacznienie", "неоднозначность", "многозначность", "неоднозначність",
        "aimai", "曖昧さ回避", "消歧义", "消歧義", "förgrening", "trang định hướng", "định hướng",
        "αποσαφήνιση", "দ্ব্যর্থতা নিরসন", "բազմիմաստություն", "निःसंदिग्धीकरण", "توضيح", "anlam ayrımı",
        "ابهام‌زدایی", "동음이의", "rozcestník", "täsmennyssivu", "egyért", "pekerside", "flertydig",
        "פירושונים",
    }
)  # fmt: skip
_TEMPLATE_NAME = re.compile(r"\{\{\s*([^{}|<>\n]+?)\s*(?=\||\}\})")


def is_disambiguation(wikitext: str) -> bool:
    """Whether a page is a disambiguation page: a disambiguation template or the __DISAMBIG__ magic word."""
    if "__DISAMBIG__" in wikitext:
        return True
    for match in _TEMPLATE_NAME.finditer(wikitext):
        name = match.group(1).replace("_", " ").casefold()
        name = name.split(":", 1)[1].strip() if name.startswith(("template:", "vorlage:", "modèle:")) else name
        if name in DISAMBIGUATION_TEMPLATES or name.endswith(" disambiguation"):
            return True
    return False


# --- reference sections -------------------------------------------------------------------------

SECTION_KINDS = get_args(WikipediaSection)


def _load_section_headings() -> tuple[dict[str, str], re.Pattern]:
    """{casefolded heading: kind} and the pattern of the joining words, from wikipedia_sections.tsv."""
    headings: dict[str, str] = {}
    joins: list[str] = []
    for line in resources.files("corpus.sources").joinpath("wikipedia_sections.tsv").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, _lang, names = line.split("\t")
        words = [" ".join(w.split()).casefold() for w in names.split(" | ") if w.strip()]
        if kind == "and":
            joins = words
        else:
            assert kind in SECTION_KINDS, kind
            for word in words:
                headings.setdefault(word, kind)
    symbols = "".join(re.escape(w) for w in joins if len(w) == 1 and not w.isalnum())
    spelled = "|".join(re.escape(w) for w in sorted(joins, key=len, reverse=True) if w.isalnum() or len(w) > 1)
    return headings, re.compile(rf"\s*[{symbols}]\s*|\s+(?:{spelled})\s+")


SECTION_HEADINGS, _HEADING_JOINS = _load_section_headings()
_HEADING_LINE = re.compile(r"^(={1,6})(.+?)\1[ \t]*(?:<!--.*?-->[ \t]*)*$", re.M)
_HEADING_MARKUP = re.compile(r"<!--.*?-->|\{\{[^{}]*\}\}|<[^<>]*>|'{2,}|\[\[(?:[^\[\]|]*\|)?|\]\]")


def section_kind(heading: str) -> str | None:
    """The kind of a section heading ("See also" -> "see_also"), None for any other section."""
    key = " ".join(_HEADING_MARKUP.sub("", heading).split()).strip(":：. ").casefold()
    kind = SECTION_HEADINGS.get(key)
    if kind is None and key:
        parts = [p for p in _HEADING_JOINS.split(key) if p]
        if len(parts) > 1 and all(p in SECTION_HEADINGS for p in parts):
            kind = SECTION_HEADINGS[parts[0]]
    return kind


def cut_sections(wikitext: str, kinds) -> tuple[str, list[str]]:
    """The wikitext without its sections of the given kinds, and the kinds removed (in order).

    Removed with their subsections: every section of those kinds, except a bibliography subsection
    (heading level 3 or deeper) followed by other sections: a "Literature" subsection of "Culture" is
    not a bibliography. In the trailing run (from a heading of those kinds to the end, where every later
    heading is of those kinds too or a subsection of one, and none is higher in the outline than the
    first) bibliographies at any level go too. Done on the wikitext, before parsing: reference lists are
    the slowest part to parse.
    """
    if not kinds:
        return wikitext, []
    heads = [(m.start(), len(m.group(1)), section_kind(m.group(2))) for m in _HEADING_LINE.finditer(wikitext)]
    if not heads:
        return wikitext, []
    dropped, open_level = [], None  # open_level: the level of the dropped section being walked through
    for _, level, kind in heads:
        if open_level is not None and level > open_level:
            dropped.append(True)  # a subsection of a dropped section
        elif kind in kinds:
            open_level = level
            dropped.append(True)
        else:
            open_level = None
            dropped.append(False)
    cut, shallowest = len(heads), 99
    for k in range(len(heads) - 1, -1, -1):
        if not dropped[k]:
            break
        _, level, kind = heads[k]
        if kind in kinds and level <= shallowest:
            cut = k
        shallowest = min(shallowest, level)
    keep, removed, pos, k = [], [], 0, 0
    while k < cut:  # sections of those kinds before the trailing run
        start, level, kind = heads[k]
        k += 1
        if kind not in kinds or (level > 2 and kind == "bibliography"):
            continue
        removed.append(kind)
        while k < cut and heads[k][1] > level:
            removed += [heads[k][2]] if heads[k][2] in kinds else []
            k += 1
        keep.append(wikitext[pos:start])
        pos = heads[k][0] if k < len(heads) else len(wikitext)
    removed += [kind for _, _, kind in heads[cut:] if kind in kinds]
    keep.append(wikitext[pos : heads[cut][0] if cut < len(heads) else len(wikitext)])
    return "".join(keep), removed


# --- wikitext -> plain text ---------------------------------------------------------------------

# Tags whose content is not running text.
_DROP_TAGS = frozenset(
    {
        "ref", "references", "table", "gallery", "math", "chem", "ce", "score", "timeline", "imagemap",
        "graph", "mapframe", "maplink", "templatedata", "templatestyles", "syntaxhighlight", "source",
        "style", "script", "indicator", "categorytree", "inputbox", "section", "hiero", "noinclude",
    }
)  # fmt: skip
_LINE_TAGS = frozenset({"li", "dt", "dd", "br", "p", "div", "tr", "blockquote", "center"})
_INTERLANGUAGE = re.compile(r"^:?[a-z]{2,3}(?:-[a-z]{2,8})*:")
# __NOTOC__ and its localised forms (__БЕЗ_ОГЛАВЛЕНИЯ__): upper case, never ASCII lower case.
_MAGIC_WORD = re.compile(r"__[^\W\da-z][^\Wa-z]*?__")
_CANONICAL_FILE_NAMES = frozenset({"file", "image", "media"})
_CANONICAL_CATEGORY_NAMES = frozenset({"category"})
# A file link under a namespace alias the <siteinfo> does not list ("Εικόνα:", "画像:", "Hình:"): its
# target ends in a media extension, or its label starts with an image option.
_MEDIA = r"\.(?:jpe?g|png|gif|svg|tiff?|webp|xcf|ogg|ogv|oga|opus|webm|mp3|mp4|wav|flac|midi?|pdf|djvu)"
_MEDIA_TARGET = re.compile(_MEDIA + r"\s*$", re.I)
_IMAGE_OPTION = re.compile(
    r"\s*(?:thumb|thumbnail|frame|framed|frameless|border|upright[\s=\d.]*|left|right|center|centre|none|mini|"
    r"miniatur|vignette|мини|миниатюра|мініатюра|մինի|\d*(?:x\d+)?\s*px|alt\s*=[^|]*|link\s*=[^|]*)\s*(?:\||$)"
    r"|(?:[^|\n]{0,30}\|){1,2}\s*\d*(?:x\d+)?\s*px\s*(?:\||$)",  # a size among the first options, in any language
    re.I,
)
# <ref>s go before parsing: a citation that breaks mwparserfromhell (an unclosed tag inside) then cannot
# make it fall back to text for the template or table around it, and there is less to parse.
_REF = re.compile(r"<ref(?:\s[^<>]*?)?/>|<ref(?:\s[^<>]*)?>[^<]*(?:<(?!/?ref\b)[^<]*)*</ref\s*>", re.I)


def wikitext_to_text(wikitext: str, file_names=frozenset({"file", "image"}), category_names=frozenset({"category"})) -> str:
    """Plain text of an article's wikitext, one paragraph (heading, list item) per line."""
    try:
        return convert(wikitext, file_names, category_names)[0]
    except Exception:  # the parser is robust, but a pathological page must not stop the file
        return ""


def convert(
    wikitext: str, file_names=frozenset(), category_names=frozenset(), drop_sections=frozenset()
) -> tuple[str, list[str]]:
    """Plain text of an article's wikitext, and the kinds of the sections removed (in order).

    May raise on pathological input: page_records turns that into a counted Drop.
    """
    file_names = _CANONICAL_FILE_NAMES | set(file_names)
    category_names = _CANONICAL_CATEGORY_NAMES | set(category_names)
    wikitext, removed = cut_sections(wikitext, drop_sections)
    code = mwparserfromhell.parse(_REF.sub("", wikitext))
    out: list[str] = []
    _strip(code, out, file_names, category_names)
    text = clean_brackets(normalise(clean_residue("".join(out), file_names, category_names)))
    if drop_sections:
        text = _drop_stray_headings(text, drop_sections)
    return text, removed


def _drop_stray_headings(text: str, kinds) -> str:
    """Lines that are only a heading of a removed kind: not headings any more (those went with their
    sections) but what remains of a hatnote whose link was removed ("''See also [[:Category:X]]''")."""
    def stray(line: str) -> bool:
        if len(line) > 40:  # longer than any heading of the table: a paragraph
            return False
        kind = section_kind(line)
        return kind in kinds and kind != "bibliography"  # a kept "Literature" subsection keeps its heading

    lines = text.split("\n")
    kept = [line for line in lines if not stray(line)]
    return text if len(kept) == len(lines) else "\n".join(kept)


def _is_file_link(target: str, label, file_names) -> bool:
    prefix = target.lstrip(":").split(":", 1)[0].strip().casefold() if ":" in target else ""
    if prefix in file_names:
        return True
    if label is not None and _IMAGE_OPTION.match(str(label)):
        return True  # also when the target is a template or a broken name
    return bool(prefix and _MEDIA_TARGET.search(target))


def _strip(code, out: list[str], file_names, category_names) -> None:
    for node in code.nodes:
        if isinstance(node, Text):
            out.append(node.value)
        elif isinstance(node, Wikilink):
            target = str(node.title).strip()
            if _is_file_link(target, node.text, file_names):
                continue
            if ":" in target:
                prefix = target.lstrip(":").split(":", 1)[0].strip().casefold()
                if prefix in category_names:
                    continue
                if node.text is None and _INTERLANGUAGE.match(target):
                    continue
            if node.text is not None:
                _strip(node.text, out, file_names, category_names)
            else:
                out.append(target.lstrip(":").split("#", 1)[0] or target)
        elif isinstance(node, Heading):
            out.append("\n")
            _strip(node.title, out, file_names, category_names)
            out.append("\n")
        elif isinstance(node, Tag):
            tag = str(node.tag).strip().lower()
            if tag in _DROP_TAGS:
                continue
            if tag in _LINE_TAGS:
                out.append("\n")
            if node.contents is not None:
                _strip(node.contents, out, file_names, category_names)
            if tag in _LINE_TAGS and tag not in ("li", "dt", "dd", "br"):
                out.append("\n")
        elif isinstance(node, ExternalLink):
            if node.title is not None:
                _strip(node.title, out, file_names, category_names)
        elif isinstance(node, HTMLEntity):
            out.append(node.normalize())
        elif isinstance(node, (Template, Comment, Argument)):
            continue
        # any other node (e.g. a parser-specific one) carries no running text


# --- what the parser leaves --------------------------------------------------------------------
# mwparserfromhell gives up on a construct it cannot close (an infobox with an unbalanced table inside,
# a link missing a bracket) and returns it as text, so its markup reaches the output. These passes take
# it out of the text: each is skipped unless its marker occurs.

_TEMPLATE_BRACES = re.compile(r"\{\{|\}\}")
_TABLE_LINE = re.compile(r"^[ \t]*(\{\||\|\})", re.M)
_TABLE_ROW = re.compile(r"[ \t]*[|!]")
# A file link never closed ("[[File:x.jpg|thumb|caption" and no "]]"): the rest of its line.
_UNCLOSED_FILE = re.compile(r"\[\[[^\[\]|\n]*:[^\[\]|\n]*" + _MEDIA + r"\s*(?:\|[^\n]*)?", re.I)
# A file name left bare by a broken gallery or template ("|File:Flag (1918).svg|"), under any namespace name.
_BARE_FILE = re.compile(r"\|?[^\S\n]*(?<![^\s|])[^\W\d_]+(?: [^\W\d_]+)?:(?!//)[^|\n\[\]:]{1,200}?" + _MEDIA + r"(?=[\s|]|$)[^\S\n]*\|?", re.I)
_INNER_LINK = re.compile(r"\[\[([^\[\]]{0,5000})\]\]")  # a file's caption may hold lines of removed templates
_LEFTOVER_REF = re.compile(r"<ref\b[^\n]*|</ref\s*>", re.I)
_HTML_TAG = re.compile(
    r"</?(?:div|span|small|big|sup|sub|br|center|font|b|i|u|s|p|abbr|blockquote|poem|cite|code|tt|var|em|strong|"
    r"ins|del|strike|mark|q|bdi|bdo|wbr|hr|ul|ol|li|dl|dt|dd|table|tr|td|th|caption|tbody|thead|nowiki|pre|"
    r"onlyinclude|includeonly|noinclude|references|gallery|math|timeline|syntaxhighlight|source|score|section|"
    r"templatestyles|mapframe|chem|ce|hiero|imagemap|graph|indicator|categorytree|inputbox)\b[^<>]*>",
    re.I,
)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# Brackets that held only removed templates (a pronunciation, a transliteration, a date):
# "( ; born 1950)" -> "(born 1950)", "(1950, )" -> "(1950)", "Paris ( , )" -> "Paris".
_BRACKET_LEAD = re.compile(r"([(（])[^\S\n]*(?:[,;:、，；：][^\S\n]*)+")
_BRACKET_TAIL = re.compile(r"[^\S\n]*(?:[,;、，；][^\S\n]*)+([)）])")
_EMPTY_BRACKETS = re.compile(r"(?<![A-Za-z0-9_])[^\S\n]*\([^\S\n]*[)）]|[^\S\n]*（[^\S\n]*[)）]")  # f() stays


def clean_residue(text: str, file_names=_CANONICAL_FILE_NAMES, category_names=_CANONICAL_CATEGORY_NAMES) -> str:
    """Markup the parser returned as text removed: templates, tables, links, refs, tags, entities, magic words."""
    if "{{" in text or "}}" in text:
        text = _remove_nested(text, _TEMPLATE_BRACES, "{{")
    if "{|" in text or "|}" in text:
        text = _remove_tables(text)
    if "[[" in text or "]]" in text:
        text = _unlink(text, file_names, category_names)
    if "<" in text:
        text = _HTML_TAG.sub("", _LEFTOVER_REF.sub("", text))
    if ":" in text:
        text = _BARE_FILE.sub("", text)
    for _ in range(2):  # "&amp;nbsp;" in wikitext (an escaped entity) is an editor's slip for "&nbsp;"
        if "&" in text:
            text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if "__" in text:
        text = _MAGIC_WORD.sub("", text)
    return text


def clean_brackets(text: str) -> str:
    """Brackets emptied by removed templates taken out of normalised text (where no invisible mark such
    as a left-to-right mark is left inside them)."""
    if "(" not in text and "（" not in text:
        return text
    cleaned = text
    for _ in range(3):  # "(, ())" empties from the inside out
        before = cleaned
        cleaned = _EMPTY_BRACKETS.sub("", _BRACKET_TAIL.sub(r"\1", _BRACKET_LEAD.sub(r"\1", cleaned)))
        if cleaned == before:
            break
    return cleaned if cleaned == text else normalise(cleaned)


def _remove_nested(text: str, tokens: re.Pattern, opener: str, unclosed_end=None) -> str:
    """Balanced opener...closer spans removed. A closer without an opener goes alone; an opener never
    closed takes the text up to unclosed_end(text, start) (by default the end of its line)."""
    keep: list[str] = []
    depth, pos, start = 0, 0, 0
    for m in tokens.finditer(text):
        if m.group(m.lastindex or 0) == opener:
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth == 0:
            keep.append(text[pos : m.start()])
            pos = m.end()
        else:
            depth -= 1
            if depth == 0:
                keep.append(text[pos:start])
                pos = m.end()
    if depth:
        keep.append(text[pos:start])
        pos = (unclosed_end or _end_of_line)(text, start)
    keep.append(text[pos:])
    return "".join(keep)


def _end_of_line(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _end_of_rows(text: str, start: int) -> int:
    """The end of a table never closed: its first line and the row lines ("|...", "!...") after it."""
    end = _end_of_line(text, start)
    while end < len(text) and _TABLE_ROW.match(text, end + 1):
        end = _end_of_line(text, end + 1)
    return end


def _remove_tables(text: str) -> str:
    """Tables the parser left as text: their lines from "{|" to the matching "|}"."""
    return _remove_nested(text, _TABLE_LINE, "{|", _end_of_rows)


def _unlink(text: str, file_names, category_names) -> str:
    """Links the parser left as text: innermost first, label (or target) kept; files and categories removed."""

    def replace(m: re.Match) -> str:
        target, bar, label = m.group(1).partition("|")
        target = target.strip()
        if _is_file_link(target, label if bar else None, file_names):
            return ""
        if ":" in target:
            prefix = target.lstrip(":").split(":", 1)[0].strip().casefold()
            if prefix in category_names:
                return ""
            if not bar and _INTERLANGUAGE.match(target):
                return ""
        return label if bar else target.lstrip(":").split("#", 1)[0]

    for _ in range(4):  # a caption holding links holds them one level deep, rarely more
        text, n = _INNER_LINK.subn(replace, text)
        if not n:
            break
    if "[[" in text:
        text = _UNCLOSED_FILE.sub("", text)
    return text.replace("[[", "").replace("]]", "")
