"""C4 line rules: each names the lines of a page that are boilerplate, to be removed.

They remove lines, never documents; a page left too short then fails the
length rules. Terminal punctuation is per script (Unicode's Sentence_Terminal
property covers . ! ? । ॥ ။ ። 。 ！ ？ ؟ ۔ ។ and the rest); Thai and Lao write no
sentence-final mark, so that rule does not apply to them.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import regex

_JAVASCRIPT = regex.compile(r"javascript", regex.IGNORECASE)
# C4's policy phrases: cookie banners and the links to terms and privacy pages.
_POLICY = regex.compile(
    r"terms of use|privacy policy|cookie policy|uses cookies|use of cookies|use cookies", regex.IGNORECASE
)
# A sentence mark, then optional closing quotes or brackets (C4 also accepts a line ending in a quote).
_TERMINATED = regex.compile(r"[\p{Sentence_Terminal}][\p{Pf}\p{Pe}\"'’”»]*$|[\"”»]$")
_GREEK_QUESTION = regex.compile(r";[\p{Pf}\p{Pe}\"'’”»]*$")  # U+037E becomes ";" under NFC
# Scripts that end sentences with a space or nothing: the rule does not apply.
NO_SENTENCE_MARK = frozenset({"Thai", "Laoo"})


class LineRule(NamedTuple):
    name: str  # the signal: share of lines this rule removed
    removes: Callable[[str, str], bool]  # (line, script) -> True to remove the line
    # text -> False when no line of the text can be removed (one scan of the page instead of one per line)
    anywhere: Callable[[str], bool] | None = None


def _mentions_javascript(line: str, script: str) -> bool:
    return _JAVASCRIPT.search(line) is not None


def _policy_notice(line: str, script: str) -> bool:
    return _POLICY.search(line) is not None


def _unterminated(line: str, script: str) -> bool:
    if script in NO_SENTENCE_MARK or _TERMINATED.search(line):
        return False
    return not (script == "Grek" and _GREEK_QUESTION.search(line))


# The phrases hold no newline, so a page without one anywhere has no line with one.
JAVASCRIPT_LINES = LineRule("javascript_lines", _mentions_javascript, lambda text: _JAVASCRIPT.search(text) is not None)
POLICY_LINES = LineRule("policy_lines", _policy_notice, lambda text: _POLICY.search(text) is not None)
UNTERMINATED_LINES = LineRule("unterminated_lines", _unterminated)


def split_lines(lines: list[str], script: str, rules: list[LineRule]) -> tuple[list[str], dict[str, list[str]]]:
    """The lines no rule removes, and for each rule that removed some, the lines it removed."""
    removed: dict[str, list[str]] = {}
    kept = []
    for line in lines:
        rule = next((rule for rule in rules if rule.removes(line, script)), None)
        if rule is None:
            kept.append(line)
        else:
            removed.setdefault(rule.name, []).append(line)
    return kept, removed


def remove_lines(lines: list[str], script: str, rules: list[LineRule]) -> tuple[list[str], dict[str, float]]:
    """The lines no rule removes, and for each rule the share of the lines it removed."""
    kept, removed = split_lines(lines, script, rules)
    return kept, {rule.name: len(removed.get(rule.name, ())) / len(lines) for rule in rules}
