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
wikitext pages become Documents; the others Drops. Wikitext -> plain text with
mwparserfromhell: templates, <ref>s, tables, galleries, math, comments,
files/images, categories and interlanguage links are removed; link labels (or
targets) kept; headings and list items on their own lines; magic words removed.

Multistream dumps are split into byte ranges of whole bz2 streams by
corpus/sources/multistream.py; each range is read here by `read_range`.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator
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

from corpus.config import Read
from corpus.schema import WIKIPEDIA, Document, Drop, new_document
from corpus.sources import (
    READ_EMPTY_TEXT,
    READ_MALFORMED,
    READ_RECORD_TOO_LARGE,
    READ_TRUNCATED,
    READ_WIKIPEDIA_DISAMBIGUATION,
    READ_WIKIPEDIA_NAMESPACE,
    READ_WIKIPEDIA_NOT_WIKITEXT,
    READ_WIKIPEDIA_REDIRECT,
    offset_detail,
    snapshot_from_path,
)
from corpus.sources.compressed import DecompressedStream
from corpus.text import normalise

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


def read(stream: BinaryIO, path: str, options: Read = Read()) -> Iterator[Document | Drop]:
    """Documents of the articles of one pages-articles dump, and Drops for the other pages and the rest."""
    return read_xml(DecompressedStream(stream), path, path, options)


_RESYNC = b"<page>"  # a literal "<" never occurs inside a page's text (it is escaped), only as a tag


def read_xml(data: DecompressedStream, path: str, where: str, options: Read) -> Iterator[Document | Drop]:
    """`path` names the file in Documents, `where` in Drop details (a multistream range names its bytes)."""
    site = _Site(path)
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
            yield page_record(page, site, site.snapshot(), path, where)
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


def page_record(page: dict, site: _Site, snapshot: str, path: str, where: str) -> Document | Drop:
    """The Document of one <page>, or the Drop saying why there is none."""
    title = page.get("title", "").strip()
    ns = page.get("ns", "").strip()
    offset = page["offset"]
    detail = offset_detail(where, offset, title)
    if page["too_large"]:
        return Drop(READ_RECORD_TOO_LARGE, "", WIKIPEDIA, detail)
    if ns != "0":
        return Drop(READ_WIKIPEDIA_NAMESPACE, "", WIKIPEDIA, offset_detail(where, offset, f"ns={ns}"))
    wikitext = page.get("revision/text", "")
    if page["redirect"] or wikitext.lstrip()[:9].upper() == "#REDIRECT":
        return Drop(READ_WIKIPEDIA_REDIRECT, "", WIKIPEDIA, detail)
    model = page.get("revision/model", "").strip()
    if model and model != "wikitext":
        return Drop(READ_WIKIPEDIA_NOT_WIKITEXT, "", WIKIPEDIA, detail)
    if is_disambiguation(wikitext):
        return Drop(READ_WIKIPEDIA_DISAMBIGUATION, "", WIKIPEDIA, detail)
    text = wikitext_to_text(wikitext, site.file_names, site.category_names)
    if not text:
        return Drop(READ_EMPTY_TEXT, "", WIKIPEDIA, detail)
    page_id = page.get("id", "").strip()
    return new_document(
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
_MAGIC_WORD = re.compile(r"__[A-Z]+__")


def wikitext_to_text(wikitext: str, file_names=frozenset({"file", "image"}), category_names=frozenset({"category"})) -> str:
    """Plain text of an article's wikitext, one paragraph (heading, list item) per line."""
    try:
        code = mwparserfromhell.parse(wikitext)
    except Exception:  # the parser is robust, but a pathological page must not stop the file
        return ""
    out: list[str] = []
    _strip(code, out, file_names, category_names)
    return normalise(_MAGIC_WORD.sub("", "".join(out)))


def _strip(code, out: list[str], file_names, category_names) -> None:
    for node in code.nodes:
        if isinstance(node, Text):
            out.append(node.value)
        elif isinstance(node, Wikilink):
            target = str(node.title).strip()
            prefix = target.lstrip(":").split(":", 1)[0].strip().casefold() if ":" in target else ""
            if prefix in file_names or prefix in category_names:
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
