"""Spam that word lists miss: page-level signals of adult, gambling and SEO doorway pages.

A spam page often looks like an article: a text copied from an honest site, a web
template, under a title that sells porn or lottery tips, served from a host made up
for the purpose. Counting listed words in the whole text misses it, so these rules
look where the spam shows:

- `title_terms` (drop `spam_title`): listed words (the blocklist's word lists) in the
  page's head: its title, its first lines (a WET record has no title field: its first
  line is the HTML title) and the words of its URL (host and path: a page's slug is its
  title); and the host words (blocklist/host_words.txt: "sex", ordinary in a text, names
  an adult site in sex369.example) as whole words of its host name.
- `title_repetition` (drop `keyword_title`): occurrences of the most repeated keyword
  in the head's titles and headings; a keyword-stuffed head repeats its phrase on
  every line ("88号鑫利达集团", "返回88号鑫利达集团", "88号鑫利达集团为您...").
- `doorway_host` (drop `doorway_host`): parts of the URL that look machine-made
  (random or numeric subdomain labels, random registered names and file names,
  hyphen-stuffed keyword labels, a file type that is not a page): a doorway network serves its pages from
  4g.qzx7k2w.cn/k3j9xq2m7p.xml; an honest site has at most one such part (a numeric
  blog id, an opaque file name).
- `placeholder_phrases` (drop `placeholder_text`): the footer and filler phrases of
  a web template left unedited ("Company name All rights reserved", the lipsum
  generator's "predefined chunks"); the C4 rule on "lorem ipsum" covers the filler itself.
- `link_line_ratio` (drop `link_lists`): the share of the page's characters in short
  lines without a sentence mark (menus, link lists, tag clouds).

Each is a plain function of the text or URL (cheap: the head is a few lines, the URL
one string), with its threshold in corpus.config.FilterRules.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import unquote

import regex

from corpus.filters.blocklist import Blocklist, url_host
from corpus.lang import UNSPACED_CHARACTERS

HEAD_LINES = 3  # lines of text after the title that make the page's head
HEAD_SHORT_WORDS = 15  # a head line with fewer words is a title or heading, not a paragraph
HEAD_SHORT_UNSPACED_CHARS = 60  # ... in a script without spaces, at most this many characters
# A link-list line: fewer words than this (a menu item, a link, a tag), or in a script without spaces
# at most this many characters ("首页", "网站导航"), and no sentence mark at its end.
LINK_LINE_WORDS = 4
LINK_LINE_UNSPACED_CHARS = 10
TITLE_REASON = "spam_title"
REPETITION_REASON = "keyword_title"
DOORWAY_REASON = "doorway_host"
PLACEHOLDER_REASON = "placeholder_text"
LINK_LIST_REASON = "link_lists"

# Second-level labels under a country code that are part of the suffix (example.com.cn, example.co.uk).
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "co", "ac", "or", "ne", "go", "gob", "mil", "info", "biz"})
_RUNS = regex.compile(r"[a-z]+|[0-9]+")
# File types that are not web pages: a page of text under such a name (4g.example.cn/k3j9xq2m7p.xml) is
# made to pass for a sitemap or a feed. The build's readers take HTML responses and WET conversions only.
_NOT_PAGE_EXTENSIONS = frozenset({"xml", "txt", "json", "js", "css", "jpg", "jpeg", "png", "gif"})
_VOWELS = frozenset("aeiou")  # y is left out: random labels have it as often as a consonant
_VOWELS_Y = frozenset("aeiouy")
# Consonant pairs common inside words of English, German, French, Spanish, Italian, Dutch, the
# Scandinavian languages, Polish and Czech written in ASCII, pinyin and romanised Russian or Japanese
# (schwarz, pflicht, svensk, zhong, szkola, vladimir).
_COMMON_PAIRS = frozenset(
    "bl br ch ck cl cr ct cz dl dr dv dz fl fr ft gh gl gn gr gt hl hm hr ht hw kh kl kn kr ld lf lg lk lm lp lt lv "
    "mb mn mp nc nd nf ng nk nt nv nz ph pf pl pr pt rb rc rd rf rg rk rl rm rn rp rt rv rz "
    "sc sh sk sl sm sn sp st sv sw sz th tl tr tz vl vr wh wr zd zh zn".split()
)
_UNSPACED_LETTER = regex.compile("[" + "".join(UNSPACED_CHARACTERS.values()) + "]")  # as corpus.text.is_unspaced
_WORD = regex.compile(r"[\p{L}\p{N}]+")
_LETTERS_OR_DIGITS = regex.compile(r"\p{L}+|\p{N}+")  # a URL's words: runs of letters, runs of digits
_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")
# A line that ends a sentence (as the C4 line rule): a menu item or a link does not.
_SENTENCE_END = regex.compile(r"[\p{Sentence_Terminal}][\p{Pf}\p{Pe}\"'’”»]*$")
# Template text nobody writes on purpose: the free-template footer with its placeholder company, and the
# lipsum.com generator's own description copied with the filler.
_PLACEHOLDERS = regex.compile(  # matched in the lower-cased text
    r"company\s+name\.?\s+all\s+rights\s+reserved|repeat\s+predefined\s+chunks|dummy\s+text\s+of\s+the\s+printing"
)


def head_lines(title: str, text: str) -> list[str]:
    """The title and the first HEAD_LINES lines of the text, each distinct line once (a page repeats its title as a heading)."""
    lines = [title, *text.split("\n", HEAD_LINES)[:HEAD_LINES]]
    return list(dict.fromkeys(line for line in lines if line))


def host_words(url: str) -> str:
    """The words of a URL's host name, letters apart from digits ("free-porn-tube.example" -> "free porn tube
    example", "sex369.example" -> "sex 369 example")."""
    return " ".join(_LETTERS_OR_DIGITS.findall(url_host(url)))


def path_words(url: str) -> str:
    """The words of a URL's path, without its query (a page's slug: "/caipiao/2750.html" -> "caipiao 2750 html")."""
    after_host = url.split("?", 1)[0].split("#", 1)[0].split("//", 1)[-1]
    return " ".join(_LETTERS_OR_DIGITS.findall(unquote(after_host.partition("/")[2]).lower()))


def title_terms(blocklist: Blocklist, head: list[str], url: str) -> int:
    """Listed words in the head and the URL's host and path, and the words that mark a spam site in its host name."""
    found = blocklist.word_matches("\n".join([*head, host_words(url), path_words(url)])).count
    return found + sum(word in blocklist.host_words for word in host_words(url).split())


def title_repetition(head: list[str]) -> int:
    """Occurrences of the most repeated keyword in the head's short lines (titles, headings, menu items;
    not paragraphs): a word of 4+ letters or, in a script without spaces, a run of 4 characters."""
    counts: dict[str, int] = {}
    for line in head:
        unspaced = _UNSPACED_LETTER.search(line) is not None  # also "88号鑫利达集团": alike keys on every line
        if (len(line) > HEAD_SHORT_UNSPACED_CHARS) if unspaced else (line.count(" ") >= HEAD_SHORT_WORDS):
            continue
        lowered = line.lower()
        if unspaced:
            letters = _NOT_WORD.sub("", lowered)
            keys = [letters[i : i + 4] for i in range(len(letters) - 3)]
        else:
            keys = [word for word in _WORD.findall(lowered) if len(word) >= 4]
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return max(counts.values(), default=0)


def _uncommon_pairs(letters: str) -> int:
    """Adjacent consonants that rarely meet in a word of a Latin-script language or in pinyin (fj, dk, zp);
    a doubled letter (addict) and a final -s (books, items) are common."""
    return sum(
        1
        for a, b in zip(letters, letters[1:])
        if a not in _VOWELS_Y and b not in _VOWELS_Y and a != b and b != "s" and a + b not in _COMMON_PAIRS
    )


def _random_label(part: str, numeric: bool) -> bool:
    """A host label or file name that no one chose to read: letters and digits interleaved
    (qzx7k2w, k3j9xq2m7p), letters without a vowel (trqmbx) or with consonants that do not meet
    in words (fjadkuv: fj, dk, kv), or with `numeric` a long number (728416 as a subdomain)."""
    if len(part) < 5 or not part.isascii() or not part.isalnum():
        return False
    if part.isdigit():
        return numeric
    runs = _RUNS.findall(part)
    if len(runs) >= 4:
        return True
    letters = "".join(run for run in runs if run.isalpha())
    vowels = sum(c in _VOWELS for c in letters)
    if vowels == 0:
        return len(letters) >= 4  # an initialism is shorter (bbc, cnki)
    if len(runs) == 3 and vowels < 0.3 * len(letters):  # 7kwyqezj35, tqbmwx2e; not code4lib
        return True
    return _uncommon_pairs(letters) >= 2


def doorway_host(url: str) -> int:
    """Parts of the URL that look machine-made: each subdomain label, the registered name, the file name."""
    host = url_host(url)
    if not host or host.replace(".", "").isdigit():  # no host, or an IP address
        return 0
    labels = host.split(".")
    suffix = 2 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 1
    name, subdomains = labels[-suffix - 1], [label for label in labels[: -suffix - 1] if label != "www"]
    found = 0
    # A numbered subdomain (728416.example.com) is made up; a numeric site name (12306.cn, 4399.com) is chosen.
    for label, numeric in [*((label, True) for label in subdomains), (name, False)]:
        pieces = label.split("-")
        if len(pieces) >= 4 or any(_random_label(piece, numeric) for piece in pieces):  # or hyphen-stuffed
            found += 1
    path = url.split("?", 1)[0].split("#", 1)[0]
    after_host = path.split("//", 1)[-1]
    file_name = after_host.rstrip("/").rsplit("/", 1)[-1] if "/" in after_host else ""
    stem, _, extension = file_name.lower().partition(".")
    if any(_random_label(piece, numeric=False) for piece in regex.split(r"[-_]", stem)):
        found += 1
    if extension in _NOT_PAGE_EXTENSIONS:  # a text page served as a sitemap, a feed or an image
        found += 1
    return found


def placeholder_phrases(text: str) -> int:
    """Occurrences of web-template placeholder phrases."""
    lowered = text.lower()
    if "reserved" not in lowered and "chunks" not in lowered and "dummy" not in lowered:  # the usual page: no scan
        return 0
    return len(_PLACEHOLDERS.findall(lowered))


def link_line_ratio(text: str, unspaced: bool) -> float:
    """Characters in short lines without a sentence mark (menu items, links, tags) / all characters.

    `unspaced`: the text is in a script written without spaces (short lines are counted in characters).
    """
    if not text:
        return 0.0
    short = 0
    for line in text.split("\n"):
        if (len(line) <= LINK_LINE_UNSPACED_CHARS) if unspaced else (line.count(" ") + 1 < LINK_LINE_WORDS):
            if not _SENTENCE_END.search(line):
                short += len(line)
    return short / len(text)


class SpamRules(NamedTuple):
    """The page-level spam rules of one language; a None limit switches its rule off."""

    blocklist: Blocklist | None  # None: the blocklist is off for the language, so are its words in the head
    min_title_terms: int | None
    max_title_repetition: int | None
    max_doorway_host: int | None
    max_placeholder_phrases: int | None
    max_link_line_ratio: float | None

    def judge_url(self, url: str) -> tuple[dict[str, float], str | None]:
        """The URL's signal and drop reason: checked before the text is looked at."""
        found = doorway_host(url)
        reason = DOORWAY_REASON if self.max_doorway_host is not None and found > self.max_doorway_host else None
        return {"doorway_host": float(found)}, reason

    def judge_head(self, title: str, text: str, url: str) -> tuple[dict[str, float], str | None]:
        """The head's signals (listed words, keyword repetition) and drop reason: before the document
        rules, so that a spam page is named for what it is."""
        head = head_lines(title, text)
        signals = {"title_repetition": float(title_repetition(head))}
        if self.blocklist is not None:
            signals["title_terms"] = float(title_terms(self.blocklist, head, url))
            if self.min_title_terms is not None and signals["title_terms"] >= self.min_title_terms:
                return signals, TITLE_REASON
        if self.max_title_repetition is not None and signals["title_repetition"] > self.max_title_repetition:
            return signals, REPETITION_REASON
        return signals, None

    def judge_form(self, text: str, unspaced: bool) -> tuple[dict[str, float], str | None]:
        """The template and link-list signals and drop reason: after the document rules, which name
        a lorem-ipsum or a too-short page first."""
        signals = {"placeholder_phrases": float(placeholder_phrases(text)), "link_line_ratio": round(link_line_ratio(text, unspaced), 4)}
        if self.max_placeholder_phrases is not None and signals["placeholder_phrases"] > self.max_placeholder_phrases:
            return signals, PLACEHOLDER_REASON
        if self.max_link_line_ratio is not None and signals["link_line_ratio"] > self.max_link_line_ratio:
            return signals, LINK_LIST_REASON
        return signals, None
