"""Candidate document pairs: which two documents may translate each other.

- Wikipedia: interlanguage links (langlinks) name the article of another wiki;
  both sides are looked up by (wiki language, normalised title).
- The web: pages of one site whose URLs differ only by a language marker
  (path segment /en/ vs /fr/, subdomain en. vs fr., query lang=en, suffix
  page.en.html or page-fr.html); the marker must agree with each page's
  detected language.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from corpus.langid.labels import normalise_label


def title_key(title: str) -> str:
    """A wiki title as MediaWiki compares them: underscores are spaces, the first letter is upper case."""
    title = " ".join(title.replace("_", " ").split())
    return title[:1].upper() + title[1:]


def wiki_lang_code(wiki_lang: str) -> str:
    """The project's code of a wiki's language: "fr" -> "fra_Latn"."""
    return normalise_label(wiki_lang)


# A language marker: two or three letters, optionally with a region ("pt-br", "zh_hans").
_MARKER = r"[a-z]{2,3}(?:[-_][a-z]{2,4})?"
_PATH_SEGMENT = re.compile(rf"^{_MARKER}$", re.I)
_SUFFIX = re.compile(rf"^(?P<stem>.+?)[.\-_](?P<lang>{_MARKER})(?P<ext>\.[a-z0-9]+)?$", re.I)
_QUERY_KEYS = ("lang", "language", "hl", "locale", "lng")


def _marker_code(marker: str) -> str:
    return normalise_label(marker.lower().split("-")[0].split("_")[0])


def url_language_key(url: str, lang: str) -> str | None:
    """The URL with its language marker replaced by a placeholder, when the marker names `lang`.

    Two pages with the same key and different languages are candidate translations.
    None when the URL has no marker or the marker disagrees with the detected language.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    labels = host.split(".")
    found: list[tuple[str, str]] = []  # (where, marker) of every marker that names `lang`
    if len(labels) > 2 and _PATH_SEGMENT.match(labels[0]) and _marker_code(labels[0]) == lang:
        found.append(("host", labels[0]))
    segments = parts.path.split("/")
    for i, seg in enumerate(segments):
        if _PATH_SEGMENT.match(seg) and _marker_code(seg) == lang:
            found.append((f"path{i}", seg))
    m = _SUFFIX.match(segments[-1]) if segments else None
    if m and _marker_code(m.group("lang")) == lang:
        found.append(("suffix", m.group("lang")))
    query = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in query:
        if key.lower() in _QUERY_KEYS and _PATH_SEGMENT.match(value) and _marker_code(value) == lang:
            found.append(("query", value))
    if not found:
        return None
    where, _ = found[0]
    if where == "host":
        host = "{lang}." + ".".join(labels[1:])
    path = parts.path
    if where.startswith("path"):
        segments[int(where[4:])] = "{lang}"
        path = "/".join(segments)
    elif where == "suffix":
        segments[-1] = m.group("stem") + "{lang}" + (m.group("ext") or "")
        path = "/".join(segments)
    q = parts.query
    if where == "query":
        q = urlencode(sorted((k, "{lang}" if k.lower() in _QUERY_KEYS else v) for k, v in query))
    return urlunsplit((parts.scheme.lower(), host, path, q, ""))
