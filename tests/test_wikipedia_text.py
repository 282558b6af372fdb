"""Wikipedia wikitext -> plain text: markup removed, reference sections cut and counted.

Unit tests on wikitext written for these tests, then every real dump in ../shared/data/wikipedia
through the real reader (skipped when that folder is absent).
"""

from __future__ import annotations

import bz2
import io
import re
from collections import Counter

import pytest

import corpus.sources.wikipedia as wikipedia
from corpus.config import Read
from corpus.schema import Document, Drop, Stat
from corpus.sources import multistream, read_file
from corpus.sources.wikipedia import SECTION_HEADINGS, SECTION_KINDS, clean_residue, convert, cut_sections, section_kind
from corpus.statistics import READ_WIKIPEDIA_UNPARSEABLE
from corpus.text import normalise

ALL_KINDS = frozenset(SECTION_KINDS)


def cleaned(text: str) -> str:
    """The residue pass as the reader applies it, before normalisation."""
    return normalise(clean_residue(text))


def text_of(wikitext: str, files=("fichier",), categories=("catégorie",), kinds=ALL_KINDS) -> str:
    return convert(wikitext, frozenset(files), frozenset(categories), kinds)[0]


# --- markup -------------------------------------------------------------------------------------


def test_templates_nested_and_broken():
    assert text_of("{{Infobox town\n| name = Ober {{small|x}}\n| pop = 12}}\nOber is a town.") == "Ober is a town."
    assert text_of("Ober{{efn|a {{b|c}} d}} is {{convert|3|km}} long.") == "Ober is long."
    # An infobox holding a table the parser cannot close: the parser returns it as text, the residue pass removes it.
    broken = "{{Infobox lake\n| area = {|\n| 3 km\n| depth = [[metre|m\n}}\nThe lake is deep."
    assert text_of(broken) == "The lake is deep."


def test_references_all_forms():
    wikitext = (
        'Ober lies on a river.<ref>A book, p. 3.</ref> It is old.<ref name="hist">{{cite book|title=T}}</ref>'
        ' It is small.<ref name=hist /> It is green.<ref name="x"/>\n'
        "Next paragraph.<ref group=n>An unclosed note\nLast paragraph stays."
    )
    assert text_of(wikitext).split("\n") == [
        "Ober lies on a river. It is old. It is small. It is green.", "Next paragraph.", "Last paragraph stays."
    ]  # fmt: skip
    # A ref left open does not swallow the text up to the next ref's end.
    assert text_of("A.<ref>open\nB is kept.<ref>closed</ref> C.") == "A.\nB is kept. C."


def test_tables_removed_text_around_kept():
    wikitext = 'Before.\n{| class="wikitable"\n|+ Caption\n|-\n! Year !! Value\n|-\n| 1990 || 12\n|}\nAfter.'
    assert text_of(wikitext) == "Before.\nAfter."
    # A table left as text (it never closes) goes with its rows.
    assert cleaned("Before.\n{| class=x\n|-\n| a || b\nAfter.") == "Before.\nAfter."


def test_files_and_categories_localised_and_canonical():
    wikitext = (
        "A [[Fichier:Ober.jpg|vignette|Le [[pont]] d'Ober]] b [[File:x.png|thumb|cap]] c [[Image:y.svg]] "
        "d [[Catégorie:Villes]] e [[Category:Towns]] f [[:Catégorie:Villes|villes]] g [[en:Ober]] h "
        "[[Εικόνα:z.jpg|200px|alias of File]] i [[Media:sound.ogg]] j [[Ober|la ville]] k "
        "[[{{chart}}|մինի|435px|Կազմը]] l [[Ober|left bank]] m"
    )
    assert text_of(wikitext) == "A b c d e f g h i j la ville k l left bank m"


def test_tags_magic_words_entities():
    wikitext = (
        "__NOTOC__ A<gallery>\nx.jpg|one\n</gallery> B <math>x^2</math> C&nbsp;D&amp;E &eacute; "
        "<small>small</small> <span style='x'>span</span> __БЕЗ_ОГЛАВЛЕНИЯ__ E&amp;nbsp;F <br/>G"
    )
    assert text_of(wikitext) == "A B C D&E é small span E F\nG"


def test_empty_brackets_cleaned():
    cases = {
        "Ober ({{lang-de|Ober}}) is a town.": "Ober is a town.",
        "Ober ({{IPA|x}}, {{lang|y}}) is a town.": "Ober is a town.",
        "Ober ({{IPA|x}}; born 1950) is a man.": "Ober (born 1950) is a man.",
        "Ober (1950 – {{death date|x}}; ) is a man.": "Ober (1950 –) is a man.",
        "オーバー（{{lang|de|Ober}}）は町である。": "オーバーは町である。",
        "オーバー（{{lang|de|Ober}}、おーばー）は町。": "オーバー（おーばー）は町。",
        "Ober ({{lang|de|Ober}}, ({{audio|x.ogg}})) is a town.": "Ober is a town.",
        "Call main() twice.": "Call main() twice.",
    }
    for wikitext, expected in cases.items():
        assert text_of(wikitext) == expected, wikitext


def test_residue_pass_on_text_the_parser_gave_up_on():
    assert cleaned("A [[B|c]] d [[e]] f ]] g [[File:h.jpg|thumb|i [[j]]]] k") == "A c d e f g k"
    assert cleaned("A {{open\nB }} C") == "A C" and cleaned("A {{never closed\nB") == "A\nB"
    assert cleaned("A<ref name=x\nB</ref> C") == "A\nB C"
    assert cleaned("A\n[[Fichier:x.jpg|thumb|never [[closed]]\nB") == "A\nB"
    assert cleaned("A\n|Файл:Flag of X (1918, 1991).svg|\nB") == "A\nB"
    assert cleaned("Ratio 3:4 here; see http://example.org/a.png") == "Ratio 3:4 here; see http://example.org/a.png"


# --- trailing sections --------------------------------------------------------------------------


def test_section_kinds_by_language():
    cases = {
        "References": "references", "See also": "see_also", "External links": "external_links",
        "Further reading": "further_reading", "Notes": "notes", "Bibliography": "bibliography",
        "Sources": "sources", "Notes and references": "notes", "'''Bibliographie'''": "bibliography",
        "Einzelnachweise": "references", "Véase también": "see_also", "Примечания": "notes", "参考文献": "bibliography",
        "Ligações externas": "external_links", "Collegamenti esterni": "external_links", "المراجع": "references",
        "बाहरी कड़ियाँ": "external_links", "외부 링크": "external_links", "脚注": "references", "出典・脚注": "sources",
        "তথ্যসূত্র": "references", "Παραπομπές": "references", "Արտաքին հղումներ": "external_links",
        "बाह्य दुवे": "external_links", "Див. також": "see_also", "Джерела та література": "sources",
        "Tham khảo": "references", "Xem thêm": "see_also", "संदर्भ आणि नोंदी": "references",
        "[[See also]]:": "see_also",
    }  # fmt: skip
    for heading, kind in cases.items():
        assert section_kind(heading) == kind, heading
    for heading in ("History", "Economy", "Notes on the text", "Literature and art", "注目", ""):
        assert section_kind(heading) is None, heading


def test_every_kind_has_headings_in_every_required_language():
    rows = [
        line.split("\t")
        for line in wikipedia.resources.files("corpus.sources").joinpath("wikipedia_sections.tsv").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    langs = "en ja bn el hy mr uk vi fr de es ru zh pt it ar hi ko".split()
    have = {(kind, lang) for kind, lang, _ in rows}
    assert {(k, lang) for k in SECTION_KINDS for lang in langs} <= have
    headings = [h.strip().casefold() for kind, _, names in rows if kind != "and" for h in names.split(" | ")]
    same_lang = Counter((kind, lang) for kind, lang, _ in rows)
    assert max(same_lang.values()) == 1  # one line per kind and language
    by_heading: dict[str, set] = {}
    for kind, _, names in rows:
        for h in names.split(" | "):
            by_heading.setdefault(h.strip().casefold(), set()).add(kind)
    assert all(len(kinds) == 1 for h, kinds in by_heading.items() if "and" not in kinds)  # one kind per heading
    assert set(headings) <= set(SECTION_HEADINGS)


ARTICLE = """'''Ober''' is a town.
== History ==
Founded long ago.
=== Literature ===
Poets lived here.
== See also ==
* [[Unter]]
== Notes ==
{{notelist}}
=== Footnotes ===
{{reflist}}
== External links ==
* [http://example.org Site]
[[Category:Towns]]"""


def test_trailing_sections_cut_and_counted():
    rest, removed = cut_sections(ARTICLE, ALL_KINDS)
    assert removed == ["see_also", "notes", "references", "external_links"]
    assert text_of(ARTICLE) == "Ober is a town.\nHistory\nFounded long ago.\nLiterature\nPoets lived here."
    assert cut_sections(ARTICLE, frozenset({"external_links"}))[1] == ["external_links"]
    assert cut_sections(ARTICLE, frozenset()) == (ARTICLE, [])
    # A top-level one goes wherever it is; a deeper one before other sections stays.
    middle = "Intro.\n== References ==\n{{reflist}}\n=== Web ===\n* x\n== Economy ==\nTrade.\n=== Notes ===\n* n\n== Sport ==\n"
    assert cut_sections(middle, ALL_KINDS) == ("Intro.\n== Economy ==\nTrade.\n== Sport ==\n", ["references", "notes"])
    # A hatnote whose link is removed leaves no stray "See also" line.
    assert text_of("== Births ==\n''See also [[:Category:Births]]''\n* A, writer\n") == "Births\nA, writer"
    assert cut_sections("No headings.", ALL_KINDS) == ("No headings.", [])
    # A "Literature" subsection right before "See also" is not a bibliography: only "See also" goes.
    rest, removed = cut_sections("Intro.\n== Culture ==\n=== Literature ===\nPoems.\n== See also ==\n* [[A]]", ALL_KINDS)
    assert removed == ["see_also"] and rest.endswith("Poems.\n")


def wiki_dump(pages: list[tuple[str, str]], close: bool = True) -> bytes:
    head = (
        '<mediawiki xml:lang="fr"><siteinfo><dbname>frwiki</dbname><namespaces>'
        '<namespace key="6" case="first-letter">Fichier</namespace>'
        '<namespace key="14" case="first-letter">Catégorie</namespace></namespaces></siteinfo>\n'
    )
    body = "".join(
        f"<page><title>{title}</title><ns>0</ns><id>{i}</id><revision><timestamp>2024-01-01T00:00:00Z</timestamp>"
        f"<text>{text.replace('&', '&amp;').replace('<', '&lt;')}</text></revision></page>\n"
        for i, (title, text) in enumerate(pages, start=1)
    )
    return (head + body + ("</mediawiki>\n" if close else "")).encode()


FRENCH = (
    "{{Infobox Commune}}'''Ober''' ({{Prononciation|x}}) est une commune.<ref>Insee</ref>"
    "[[Fichier:Ober.jpg|vignette|Mairie]]\n== Histoire ==\nAncienne.\n"
    "== Notes et références ==\n{{Références}}\n== Voir aussi ==\n* [[Unter]]\n[[Catégorie:Commune]]"
)


def stat_sums(out) -> Counter:
    sums = Counter()
    for r in out:
        if isinstance(r, Stat):
            sums[r.key] += r.amount
    return sums


def records(data: bytes, options: Read = Read()):
    out = list(read_file("wikipedia", io.BytesIO(data), "frwiki-20240101-pages-articles.xml", options))
    docs = [r for r in out if isinstance(r, Document)]
    return docs, [r for r in out if isinstance(r, Drop)], stat_sums(out)


def test_reader_yields_clean_text_and_section_stats():
    docs, drops, stats = records(wiki_dump([("Ober", FRENCH), ("Unter", "Unter est un village.")]))
    assert [d.text for d in docs] == ["Ober est une commune.\nHistoire\nAncienne.", "Unter est un village."]
    assert drops == [] and stats == {"read_removed_sections|references|fr": 1, "read_removed_sections|see_also|fr": 1}
    docs, _, stats = records(wiki_dump([("Ober", FRENCH)]), Read(wikipedia_drop_sections=[]))
    assert stats == {} and docs[0].text.endswith("Voir aussi\nUnter")


def test_a_page_the_parser_fails_on_is_a_counted_drop(monkeypatch):
    def fail(text):
        raise RecursionError("too deep")

    monkeypatch.setattr(wikipedia.mwparserfromhell, "parse", fail)
    docs, drops, stats = records(wiki_dump([("Ober", FRENCH)]))
    assert docs == [] and [d.reason for d in drops] == [READ_WIKIPEDIA_UNPARSEABLE] and "RecursionError" in drops[0].detail
    assert stats == {}


def test_multistream_pieces_get_the_same_cleaning(tmp_path):
    pages = [(f"Ober {i}", FRENCH) for i in range(6)]
    head, body = wiki_dump([]).split(b"</siteinfo>\n")
    streams = [bz2.compress(head + b"</siteinfo>\n")]
    offsets = [len(streams[0])]
    for i in range(0, 6, 2):
        one = wiki_dump(pages[i : i + 2], close=False).split(b"</siteinfo>\n", 1)[1]
        streams.append(bz2.compress(one))
        offsets.append(offsets[-1] + len(streams[-1]))
    streams.append(bz2.compress(b"</mediawiki>\n"))
    dump = tmp_path / "frwiki-20240101-pages-articles-multistream.xml.bz2"
    dump.write_bytes(b"".join(streams))
    pieces = multistream.plan_pieces(offsets[:-1], dump.stat().st_size, target_bytes=1)
    assert len(pieces) == 3
    out = []
    for piece in pieces:
        with open(dump, "rb") as f:
            out += list(read_file("wikipedia", f, dump.name, Read(), piece))
    docs = [r for r in out if isinstance(r, Document)]
    assert [d.text for d in docs] == ["Ober est une commune.\nHistoire\nAncienne."] * 6
    assert sum(r.amount for r in out if isinstance(r, Stat)) == 12


# --- every real dump ----------------------------------------------------------------------------

# Markup that must not reach the text. File/category prefixes: English, plus each dump's own names.
RESIDUE = {
    "template": r"\{\{|\}\}",
    "table": r"\{\||\|\}",
    "ref": r"<ref|</ref",
    "link": r"\[\[|\]\]",
    "file": r"\b(?:File|Image|Category):",
    "image option": r"\|\s*(?:thumb|upright|\d+px)\b",
    "entity": r"&(?:[A-Za-z]{2,8}|#\d{2,7}|#x[0-9A-Fa-f]{2,6});",
    "empty brackets": r"(?<![A-Za-z0-9_])\(\s*[,;]?\s*\)|（\s*[,;、，]?\s*）",
    "html tag": r"</?(?:div|span|small|center|br|sup|sub|gallery|math|table|tr|td)\b[^>]*>",
    "magic word": r"__[A-Z]{4,}__",
}
# The usual trailing headings of the sample wikis, independent of the reader's table.
TRAILING_HEADINGS = {
    "bn": ["তথ্যসূত্র", "বহিঃসংযোগ", "আরও দেখুন"],
    "el": ["Παραπομπές", "Εξωτερικοί σύνδεσμοι", "Δείτε επίσης"],
    "en": ["References", "External links", "See also", "Further reading"],
    "hy": ["Ծանոթագրություններ", "Արտաքին հղումներ", "Տես նաև"],
    "ja": ["脚注", "外部リンク", "関連項目", "参考文献"],
    "mr": ["संदर्भ", "बाह्य दुवे", "हे सुद्धा पहा"],
    "uk": ["Примітки", "Посилання", "Див. також"],
    "vi": ["Tham khảo", "Liên kết ngoài", "Xem thêm"],
}
WIKI_DUMPS = [
    "bnwiki-truncated-100k.xml.bz2", "elwiki-truncated-100k.xml.bz2", "enwiki-wp2txt-excerpt.xml.bz2",
    "hywiki-truncated-100k.xml.bz2", "jawiki-truncated-100k.xml.bz2", "jawiki-wp2txt-excerpt.xml.bz2",
    "mrwiki-truncated-100k.xml.bz2", "ukwiki-truncated-100k.xml.bz2", "viwiki-truncated-100k.xml.bz2",
]  # fmt: skip


def namespace_names(dump_path) -> list[str]:
    """The File (6) and Category (14) namespace names of a dump, from its <siteinfo>."""
    with bz2.open(dump_path, "rt", encoding="utf-8") as f:
        head = f.read(20_000)
    return re.findall(r'<namespace key="(?:6|14)"[^>]*>([^<]+)</namespace>', head)


@pytest.mark.parametrize("name", WIKI_DUMPS)
def test_real_dump_text_has_no_markup(shared_data, wikipedia_records, name):
    path = shared_data / "wikipedia" / name
    assert path.exists(), f"{name} missing from {shared_data}/wikipedia"
    out = wikipedia_records(name)
    docs = [r for r in out if isinstance(r, Document)]
    stats = stat_sums(out)
    # Every sample dump is cut inside a page: the file is named as damaged, once.
    assert stats.pop(f"damaged_files|{path}|read/truncated") == 1
    stats.pop("read_repaired_encoding|wikipedia", None)  # a stray C1 control in bnwiki (tests/test_clean.py)
    assert len(docs) >= 100
    # A namespace name starting a word ("চিত্র:" but not the end of "চলচ্চিত্র :", "film :").
    names = "|".join(re.escape(n) for n in namespace_names(path))
    patterns = dict(RESIDUE, namespaces=rf"(?:^|[\s\[|])(?:{names})\s*:")
    residue = Counter()
    for doc in docs:
        residue.update({kind for kind, pattern in patterns.items() if re.search(pattern, doc.text)})
        residue["any"] += any(re.search(p, doc.text) for p in patterns.values())
    assert residue["any"] <= 0.005 * len(docs), residue
    lang = name.split("wiki")[0]
    # Reference sections are gone: no document ends with one of its wiki's usual trailing headings
    # followed by a list, and the reader counted what it removed.
    headings = set(TRAILING_HEADINGS[lang])
    left = [d.title for d in docs if any(line in headings for line in d.text.split("\n")[-30:])]
    assert len(left) <= 0.005 * len(docs), left
    assert sum(stats.values()) >= len(docs) / 2 and all(k.startswith("read_removed_sections|") and k.endswith(f"|{lang}") for k in stats)
