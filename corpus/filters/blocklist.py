"""The blocklist rule: pages of listed domains or URLs, and pages full of listed words, are dropped.

Shaped as the other rules: one small unit whose thresholds are parameters, answering
keep or a drop reason (`blocklist`, `blocklist_url`, `blocklist_terms`), with its
measured values as signals. The lists are plain text (one domain, URL, or word or
phrase per line; `#` comments), as UT1's `domains` and `urls` files: the short lists
shipped in corpus/filters/blocklist/ (written for this project, CC0), and any files
given by path in the configuration.

- A domain matches itself and its subdomains (example.com blocks m.example.com).
- A URL entry (UT1's `urls`: host and path, no scheme, e.g. `example.com/videos/`)
  matches that host with or without `www.` and every page under that path.
- A word in a script written with spaces matches whole words, case-insensitively
  (phrases too: "free spins"); a word in a script without spaces (Chinese,
  Japanese, Thai) or in Hangul (Korean writes compounds and particles onto the
  noun: 카지노사이트에서) matches as a substring.
- A page is dropped for its words when it has at least `min_matches` of them AND
  they cover at least `min_char_ratio` of its characters, so a news article that
  mentions a term once, or a long page that mentions it a few times, stays; or when
  it has at least `min_terms` DISTINCT listed terms, which a long spam page has
  however low their share (an article about gambling names one or two).
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Iterable, NamedTuple
from urllib.parse import urlsplit

import regex

from corpus.text import is_unspaced

REASON = "blocklist"
BUILTIN_DOMAINS = "domains.txt"
BUILTIN_WORDS = "words.txt"
BUILTIN_HOST_WORDS = "host_words.txt"
URL_REASON = "blocklist_url"
TERMS_REASON = "blocklist_terms"
_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+")  # as corpus.filters.measures: words without punctuation
_HANGUL = regex.compile(r"\p{Hangul}")


def _as_substring(word: str) -> bool:
    """Entries found as substrings: any with a letter of a script written without spaces (also mixed
    ones such as "av在线"), and Korean ones (particles and compounds attach to the noun)."""
    return any(map(is_unspaced, word)) or _HANGUL.search(word) is not None


class Matches(NamedTuple):
    """Listed words found in a text."""

    count: int  # occurrences
    chars: int  # characters they cover
    terms: int  # distinct entries among them


def parse_lines(text: str) -> list[str]:
    """The entries of a list file: stripped, lower-cased, without comments and blank lines."""
    return [line.strip().lower() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def builtin(name: str) -> str:
    """The text of a list shipped in corpus/filters/blocklist/."""
    return (resources.files("corpus.filters") / "blocklist" / name).read_text(encoding="utf-8")


def url_host(url: str) -> str:
    """A URL's host name, lower-cased, without port, credentials or trailing dot ("" if none)."""
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:  # a malformed URL (e.g. a bad IPv6 literal) has no host we can trust
        return ""
    return host.rstrip(".")


def _index(items: list[str], item: str, start: int) -> int:
    """The next place of `item` in `items` from `start`, -1 if none."""
    try:
        return items.index(item, start)
    except ValueError:
        return -1


def url_place(url: str) -> tuple[str, str]:
    """(host without "www.", path with query) of a URL or of a UT1 `urls` entry, lower-cased; ("", "") if no host."""
    host = url_host(url).removeprefix("www.")
    if not host:
        return "", ""
    try:
        parts = urlsplit(url if "//" in url else "//" + url)
    except ValueError:
        return "", ""
    path = parts.path or "/"
    return host, (path + "?" + parts.query if parts.query else path).lower()


def _under(path: str, prefix: str) -> bool:
    """`path` is `prefix` or below it (example.com/videos lists /videos/1 and /videos?id=1, not /videos2)."""
    if not path.startswith(prefix):
        return False
    return len(path) == len(prefix) or prefix.endswith(("/", "?", "=")) or path[len(prefix)] in "/?&#"


class Blocklist:
    """Listed domains, URLs and words, with the lookups the rule needs."""

    def __init__(self, domains: Iterable[str], words: Iterable[str], urls: Iterable[str] = (), host_words: Iterable[str] = ()):
        # Words that name an adult or gambling site as a whole word of its host name (sex369.example), though
        # ordinary in text: corpus.filters.spam counts them with the listed words in a page's head.
        self.host_words = frozenset(w.strip().lower() for w in host_words if w.strip())
        # UT1 lists may hold IP addresses or "www." forms; a host is looked up with all its parent domains.
        self.domains = frozenset(d.strip().lower().rstrip(".").removeprefix("*.") for d in domains if d.strip())
        self.urls: dict[str, list[str]] = {}  # host -> listed path prefixes
        for entry in urls:
            host, path = url_place(entry.strip())
            if host:
                self.urls.setdefault(host, []).append(path)
        spaced: dict[str, set[tuple[str, ...]]] = {}
        unspaced: list[str] = []
        for word in {w.strip().lower() for w in words if w.strip()}:
            if _as_substring(word):
                unspaced.append(word)
            else:
                tokens = tuple(_TOKEN.findall(word))
                if tokens:
                    spaced.setdefault(tokens[0], set()).add(tokens)
        # First token -> the phrases it starts: a text is searched only where such a token occurs.
        self.phrases = {first: sorted(phrases, key=len) for first, phrases in spaced.items()}
        self._first_tokens = frozenset(spaced)
        # One character of each substring entry in its own script (caseless, so the same in the text and in
        # text.lower()): a text with none of them has no match, and is not scanned.
        marks = [next((c for c in word if _as_substring(c)), None) for word in unspaced]
        self._unspaced_marks = frozenset(marks) if None not in marks else None
        # Longest first, so an entry that contains another counts once. The standard library's engine: on
        # an alternation of plain strings it is ~5x faster than `regex` (measured on the real WET pages).
        self._unspaced = re.compile("|".join(map(re.escape, sorted(unspaced, key=len, reverse=True)))) if unspaced else None

    def listed_domain(self, url: str) -> str | None:
        """The listed domain that a URL's host is, or is a subdomain of; None if none is."""
        host = url_host(url)
        if not host or not self.domains:
            return None
        parts = host.split(".")
        for i in range(len(parts)):
            candidate = ".".join(parts[i:])
            if candidate in self.domains:
                return candidate
        return None

    def listed_url(self, url: str) -> str | None:
        """The listed URL (host and path prefix) a page is at or under; None if none."""
        if not self.urls:
            return None
        host, path = url_place(url)
        for prefix in self.urls.get(host, ()):
            if _under(path, prefix):
                return host + prefix
        return None

    def word_matches(self, text: str, tokens: list[str] | None = None) -> Matches:
        """Occurrences of listed words in a text, the characters they cover, and how many distinct ones.

        `tokens`: the text's lower-cased words without punctuation, when the caller has them.
        """
        count = chars = 0
        found: set[object] = set()
        if self.phrases:
            tokens = _TOKEN.findall(text.lower()) if tokens is None else tokens
            # The listed first words the text has (one set operation), then each of their places (list.index
            # scans in C): a page is walked token by token only where a phrase may start.
            for first in self._first_tokens.intersection(tokens):
                i = -1
                while (i := _index(tokens, first, i + 1)) >= 0:
                    for phrase in self.phrases[first]:
                        if tuple(tokens[i : i + len(phrase)]) == phrase:
                            count += 1
                            chars += sum(map(len, phrase)) + len(phrase) - 1
                            found.add(phrase)
        if self._unspaced is not None and (self._unspaced_marks is None or not self._unspaced_marks.isdisjoint(text)):
            for match in self._unspaced.finditer(text.lower()):
                count += 1
                chars += len(match.group())
                found.add(match.group())
        return Matches(count, chars, len(found))


class BlocklistRule(NamedTuple):
    """Drop a page of a listed domain or URL, one with at least `min_matches` listed words covering
    at least `min_char_ratio` of its characters, or one with at least `min_terms` distinct listed words."""

    blocklist: Blocklist
    min_matches: int
    min_char_ratio: float
    min_terms: int | None = None  # None: no rule on distinct terms
    reason: str = REASON

    def judge_url(self, url: str) -> str | None:
        """The drop reason when the page's domain or URL is listed (cheap: checked before anything else)."""
        if self.blocklist.listed_domain(url):
            return self.reason
        return URL_REASON if self.blocklist.listed_url(url) else None

    def judge_text(self, text: str, tokens: list[str] | None = None) -> tuple[dict[str, float], str | None]:
        """The signals (matches, their share of the characters, distinct terms) and the drop reason, None to keep."""
        count, chars, terms = self.blocklist.word_matches(text, tokens)
        ratio = chars / len(text) if text else 0.0
        signals = {"blocklist_matches": float(count), "blocklist_char_ratio": round(ratio, 4), "blocklist_terms": float(terms)}
        if count >= self.min_matches and ratio >= self.min_char_ratio:
            return signals, self.reason
        if self.min_terms is not None and terms >= self.min_terms:
            return signals, TERMS_REASON
        return signals, None
