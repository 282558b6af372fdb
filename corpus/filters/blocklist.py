"""The blocklist rule: pages of listed domains, and pages full of listed words, are dropped.

Shaped as the other rules: one small unit whose thresholds are parameters, answering
keep or the drop reason `blocklist`, with its measured values as signals. The lists
are plain text (one domain, or one word or phrase, per line; `#` comments), as
UT1's domain files: the short lists shipped in corpus/filters/blocklist/ (written
for this project, CC0), and any files given by path in the configuration.

- A domain matches itself and its subdomains (example.com blocks m.example.com).
- A word in a script written with spaces matches whole words, case-insensitively
  (phrases too: "free spins"); a word in a script without spaces (Chinese,
  Japanese, Thai) matches as a substring.
- A page is dropped for its words only when it has at least `min_matches` of them
  AND they cover at least `min_char_ratio` of its characters, so a news article
  that mentions a term once, or a long page that mentions it a few times, stays.
"""

from __future__ import annotations

from importlib import resources
from typing import Iterable, NamedTuple
from urllib.parse import urlsplit

import regex

from corpus.text import is_unspaced

REASON = "blocklist"
BUILTIN_DOMAINS = "domains.txt"
BUILTIN_WORDS = "words.txt"
_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+")  # as corpus.filters.measures: words without punctuation


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


class Blocklist:
    """Listed domains and words, with the lookups the rule needs."""

    def __init__(self, domains: Iterable[str], words: Iterable[str]):
        # UT1 lists may hold IP addresses or "www." forms; a host is looked up with all its parent domains.
        self.domains = frozenset(d.strip().lower().rstrip(".").removeprefix("*.") for d in domains if d.strip())
        spaced: dict[int, set[tuple[str, ...]]] = {}
        unspaced: list[str] = []
        for word in {w.strip().lower() for w in words if w.strip()}:
            if is_unspaced(word):
                unspaced.append(word)
            else:
                tokens = tuple(_TOKEN.findall(word))
                if tokens:
                    spaced.setdefault(len(tokens), set()).add(tokens)
        self.phrases = spaced  # n tokens -> phrases of n tokens, looked up in the text's n-grams
        # A text none of whose tokens starts a phrase (the usual page) has no match: one set test, no n-gram loop.
        self._first_tokens = frozenset(phrase[0] for phrases in spaced.values() for phrase in phrases)
        # Likewise one character of each unspaced word in its own script (caseless, so the same in the text
        # and in text.lower()): a text with none of them has no match.
        marks = [next((c for c in word if is_unspaced(c)), None) for word in unspaced]
        self._unspaced_marks = frozenset(marks) if None not in marks else None
        # Longest first, so an entry that contains another counts once.
        self._unspaced = regex.compile("|".join(map(regex.escape, sorted(unspaced, key=len, reverse=True)))) if unspaced else None

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

    def word_matches(self, text: str, tokens: list[str] | None = None) -> tuple[int, int]:
        """Occurrences of listed words in a text, and the characters they cover.

        `tokens`: the text's lower-cased words without punctuation, when the caller has them.
        """
        count = chars = 0
        if self.phrases:
            tokens = _TOKEN.findall(text.lower()) if tokens is None else tokens
        if self.phrases and not self._first_tokens.isdisjoint(tokens):
            for n, phrases in self.phrases.items():
                for i in range(len(tokens) - n + 1):
                    gram = tuple(tokens[i : i + n])
                    if gram in phrases:
                        count += 1
                        chars += sum(map(len, gram)) + n - 1
        if self._unspaced is not None and (self._unspaced_marks is None or not self._unspaced_marks.isdisjoint(text)):
            for match in self._unspaced.finditer(text.lower()):
                count += 1
                chars += len(match.group())
        return count, chars


class BlocklistRule(NamedTuple):
    """Drop a page of a listed domain, or one with at least `min_matches` listed words covering
    at least `min_char_ratio` of its characters."""

    blocklist: Blocklist
    min_matches: int
    min_char_ratio: float
    reason: str = REASON

    def judge_url(self, url: str) -> str | None:
        """The drop reason when the page's domain is listed (cheap: checked before anything else)."""
        return self.reason if self.blocklist.listed_domain(url) else None

    def judge_text(self, text: str, tokens: list[str] | None = None) -> tuple[dict[str, float], str | None]:
        """The signals (matches, their share of the characters) and the drop reason, None to keep."""
        count, chars = self.blocklist.word_matches(text, tokens)
        ratio = chars / len(text) if text else 0.0
        signals = {"blocklist_matches": float(count), "blocklist_char_ratio": round(ratio, 4)}
        if count >= self.min_matches and ratio >= self.min_char_ratio:
            return signals, self.reason
        return signals, None
