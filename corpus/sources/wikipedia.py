"""Wikipedia pages-articles XML dumps (bz2 or plain) -> article Documents.

Parser: the standard library's xml.etree.ElementTree.XMLPullParser (expat),
fed by corpus.sources.compressed in 1 MB slices. Expat as used by ElementTree
never loads external entities or DTDs and never opens a URL (there is no
resolver at all); internal-entity expansion bombs are refused by expat >= 2.4.
lxml is not needed. Each <page> is processed at its end tag and then dropped
from the tree, so memory stays at one page. A parse error (a dump cut inside a
<page>, as all the samples are) stops the file: every complete page before it
is kept and one Drop read/truncated (or read/malformed, for an error that is
not at the end of the data) counts the rest.

Each <page> gives one record: namespace-0, non-redirect wikitext pages become
Documents; redirects, other namespaces and non-wikitext content models Drops.
Wikitext -> plain text with mwparserfromhell: templates, <ref>s, tables,
galleries, math, comments, files/images, categories and interlanguage links
are removed; link labels (or targets) kept; headings and list items on their
own lines; magic words removed.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator
from urllib.parse import quote, urlsplit
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

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

from corpus.schema import WIKIPEDIA, Document, Drop, new_document
from corpus.sources import (
    READ_EMPTY_TEXT,
    READ_MALFORMED,
    READ_TRUNCATED,
    READ_WIKIPEDIA_NAMESPACE,
    READ_WIKIPEDIA_NOT_WIKITEXT,
    READ_WIKIPEDIA_REDIRECT,
    offset_detail,
    snapshot_from_path,
)
from corpus.sources.compressed import DecompressedStream
from corpus.text import normalise

_SLICE = 1 << 20


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Site:
    """What the <siteinfo> says: language, article URL prefix, names of the File and Category namespaces."""

    def __init__(self, path: str):
        self.path = path
        self.dbname = ""
        self.base = ""
        self.file_names = {"file", "image", "media"}
        self.category_names = {"category"}

    def read(self, siteinfo: Element) -> None:
        for child in siteinfo:
            name = _local(child.tag)
            if name == "dbname":
                self.dbname = (child.text or "").strip()
            elif name == "base":
                self.base = (child.text or "").strip()
            elif name == "namespaces":
                for ns in child:
                    key, title = ns.get("key"), (ns.text or "").strip().casefold()
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


def read(stream: BinaryIO, path: str) -> Iterator[Document | Drop]:
    """Documents of the articles of one pages-articles dump, and Drops for the other pages and the rest."""
    data = DecompressedStream(stream)
    parser = XMLPullParser(events=("start", "end"))
    site = _Site(path)
    snapshot = ""
    root: Element | None = None
    depth = 0
    page_start = 0  # decompressed offset around which the current page started (slice granularity)
    error: Exception | None = None
    while error is None:
        chunk = data.read(_SLICE)
        try:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
        except ParseError as e:
            error = e
        events = []
        try:
            for event in parser.read_events():  # events parsed before an error come first, then it is raised
                events.append(event)
        except ParseError as e:
            error = e
        for event, elem in events:
            if event == "start":
                depth += 1
                if root is None:
                    root = elem
                elif depth == 2 and _local(elem.tag) == "page":
                    page_start = data.position - len(chunk)
                continue
            depth -= 1
            if depth != 1:
                continue
            name = _local(elem.tag)
            if name == "siteinfo":
                site.read(elem)
                snapshot = site.snapshot()
            elif name == "page":
                yield page_record(elem, site, snapshot, path, page_start)
            root.remove(elem)  # keep memory at one page
        if not chunk:
            break
    if error is not None:
        at_end = data.error is not None or not data.read(1)
        reason = READ_TRUNCATED if at_end else READ_MALFORMED
        yield Drop(reason, "", WIKIPEDIA, offset_detail(path, data.position, str(error)))
    elif data.error is not None:  # well-formed XML so far, then the compressed stream broke (cannot happen
        yield Drop(READ_TRUNCATED, "", WIKIPEDIA, offset_detail(path, data.error_offset))  # without an XML error)


def _child_text(elem: Element | None, name: str) -> str:
    if elem is None:
        return ""
    for child in elem:
        if _local(child.tag) == name:
            return child.text or ""
    return ""


def _child(elem: Element, name: str) -> Element | None:
    for child in elem:
        if _local(child.tag) == name:
            return child
    return None


def page_record(page: Element, site: _Site, snapshot: str, path: str, offset: int) -> Document | Drop:
    """The Document of one <page>, or the Drop saying why there is none."""
    title = _child_text(page, "title").strip()
    ns = _child_text(page, "ns").strip()
    detail = offset_detail(path, offset, title)
    if ns != "0":
        return Drop(READ_WIKIPEDIA_NAMESPACE, "", WIKIPEDIA, offset_detail(path, offset, f"ns={ns}"))
    revision = _child(page, "revision")
    wikitext = _child_text(revision, "text")
    if _child(page, "redirect") is not None or wikitext.lstrip()[:9].upper() == "#REDIRECT":
        return Drop(READ_WIKIPEDIA_REDIRECT, "", WIKIPEDIA, detail)
    model = _child_text(revision, "model").strip()
    if model and model != "wikitext":
        return Drop(READ_WIKIPEDIA_NOT_WIKITEXT, "", WIKIPEDIA, detail)
    text = wikitext_to_text(wikitext, site.file_names, site.category_names)
    if not text:
        return Drop(READ_EMPTY_TEXT, "", WIKIPEDIA, detail)
    page_id = _child_text(page, "id").strip()
    return new_document(
        source=WIKIPEDIA,
        text=text,
        url=site.article_prefix + quote(title.replace(" ", "_"), safe="/:@!$&'()*+,;=-._~"),
        title=title,
        source_lang=site.lang,
        date=_child_text(revision, "timestamp").strip(),
        snapshot=snapshot,
        page_id=int(page_id) if page_id.isdigit() else 0,
        input_file=path,
    )


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
