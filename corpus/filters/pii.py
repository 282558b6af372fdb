"""PII masking: e-mail addresses, phone numbers and public IP addresses replaced by tokens.

Applied to kept documents at the end of the filter step (filters.pii). Each item is
replaced by a token a user can search for, Dolma's convention:

    |||EMAIL_ADDRESS|||   |||PHONE_NUMBER|||   |||IP_ADDRESS|||

The patterns are conservative: a false mask destroys good text (a date, a year, an
ISBN, a version number, a row of a numeric table), a missed one leaves a contact
detail that was already public on the web page. So:
  * e-mail: ASCII local part @ domain labels . a top-level domain of letters; not an
    image name ("logo@2x.png");
  * IP: dotted quads and IPv6 addresses that Python's ipaddress reads, and only global
    ones (as datatrove does: 192.168.1.1 in a router manual is nobody's address);
    not after a version or section word ("version 2.4.1.3"), not four one-digit
    numbers ("1.2.3.4", a section number; the public resolvers 1.1.1.1, 8.8.8.8 are
    nobody's either);
  * phone: an international number ("+" and a country code, 8-15 digits in groups),
    a North American one with its separators ((555) 123-4567, 555-123-4567,
    555.123.4567), or any number of 7-15 digits right after a phone label ("Tel:",
    "Phone", "Fax", "Телефон", "电话", "☎", ...). A bare run of digits is never masked:
    without a label or a "+" it is as likely a ticket, an order or a table.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter

EMAIL = "email"
PHONE = "phone"
IP = "ip"
KINDS = (EMAIL, PHONE, IP)
TOKENS = {EMAIL: "|||EMAIL_ADDRESS|||", PHONE: "|||PHONE_NUMBER|||", IP: "|||IP_ADDRESS|||"}

# Top-level "domains" that are file extensions: "icon@2x.png" is an image, not an address.
_FILE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "css", "js", "pdf", "mp3", "mp4"})
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24}))(?![A-Za-z0-9-])"
)
_AT = re.compile("@")
_DOTTED = re.compile(r"\.\d{1,3}\.\d{1,3}\.\d")  # a cheap hint of a dotted quad: the scan stops at dots only
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d|\w)")
_COLONS = re.compile(r":[0-9A-Fa-f]{0,4}:")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\w)")
# Words after which a dotted quad is a version or a section ("v2.4.1.3", "Version 10.0.1.2", "§ 4.1.2.3").
_NUMBERING_WORD = re.compile(r"(?:\b(?:v|ver|version|release|build|firmware|section|sec|chapter|rule|art)\.?|[§#])\s*$", re.IGNORECASE)

_PLUS_NUMBER = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,5})){2,6}(?![\w+]|[.-]\d)")
# North American numbers: the area code starts with 2-9; the two separators agree.
_NORTH_AMERICAN = re.compile(
    r"(?<![\w+(.-])(?:1[-. ]?)?(?:\([2-9]\d\d\) ?\d{3}[-. ]|[2-9]\d\d([-.])\d{3}\1)\d{4}(?![\w-]|\.\d)"
)
# Phone labels: words (not inside a longer word: "iPhone", "Hotel") and Chinese/Japanese words and symbols.
_PHONE_WORDS = (
    r"tel|tlf|t[ée]l[ée]phone|telefon[eo]?|tel[ée]fono|phone|fax|mobile?|mob|cell|handy|hotline|whatsapp|call(?: us)?"
    r"|тел|телефон|факс|моб"
)
_PHONE_SIGNS = r"電話|电话|手机|手機|传真|傳真|热线|熱線|专线|專線|携帯|☎|📞|℡"
# A number after a label: digits with spaces, brackets, dots and dashes; "/" only inside ("030/1234567").
_NUMBER = r"(\+?\(?\d(?:[\d ().\-－]|/(?=\d)){5,22}\d)(?![\w-]|\.\d)"
_LABELLED = re.compile(
    rf"(?:(?<![^\W\d_])(?:{_PHONE_WORDS})|{_PHONE_SIGNS})(?:[ .]?(?:no|nr|number|numéro|номер|号码|號碼|番号)\.?)?\s*[:：.]?\s*"
    + _NUMBER,
    re.IGNORECASE,
)
_ANY_LABEL = re.compile(f"{_PHONE_WORDS}|{_PHONE_SIGNS}")  # on lower-cased text
_LABEL_REACH = 40  # characters between a label's start and its number ("Telephone number (office): ")
_DIGIT_RUN = re.compile(r"\d[\d ().\-－/]{5,22}\d")
# Numbers listed after a labelled one ("Tel: 916384284 / 934280595", one per line).
_NEXT_NUMBER = re.compile(r"\s*(?:[/,;、]|or|ou|oder|o|или|或)?\s*" + _NUMBER)


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _phone_end(text: str, start: int, end: int) -> int | None:
    """The end of a phone number of 7-15 digits at text[start:end], cutting off numbers that follow
    it after a space ("021-54098575 54098577"); None if there is none."""
    number = text[start:end]
    while _digits(number) > 15 and " " in number:
        number = number[: number.rindex(" ")].rstrip(" (.-/")
    return start + len(number) if 7 <= _digits(number) <= 15 and number[-1].isdigit() else None


def _is_global_ip(candidate: str) -> bool:
    try:
        return ipaddress.ip_address(candidate).is_global
    except ValueError:
        return False


class _Masker:
    """Finds the items of one text; `spans` are (start, end, kind), non-overlapping, in order."""

    def __init__(self, text: str):
        self.text = text
        self.spans: list[tuple[int, int, str]] = []

    def add(self, start: int, end: int, kind: str) -> None:
        if not any(start < e and s < end for s, e, _ in self.spans):
            self.spans.append((start, end, kind))

    def emails(self) -> None:
        text = self.text
        for at in _AT.finditer(text):  # the pattern is tried only around each "@": most texts have none
            i = at.start()
            for m in _EMAIL.finditer(text, max(0, i - 65), min(len(text), i + 256)):
                if m.group(2).lower() not in _FILE_EXTENSIONS:
                    self.add(*m.span(), EMAIL)

    def ips(self) -> None:
        text = self.text
        for hint in _DOTTED.finditer(text):
            for m in _IPV4.finditer(text, max(0, hint.start() - 3), min(len(text), hint.end() + 5)):
                octets = m.group().split(".")
                if all(len(o) == 1 for o in octets) or _NUMBERING_WORD.search(text, max(0, m.start() - 12), m.start()):
                    continue
                if _is_global_ip(m.group()):
                    self.add(*m.span(), IP)
        for hint in _COLONS.finditer(text):  # an IPv6 address has two colons with at most 4 hex digits between
            for m in _IPV6.finditer(text, max(0, hint.start() - 5), min(len(text), hint.end() + 42)):
                candidate = m.group()
                if len([g for g in candidate.split(":") if g]) >= 3 and _is_global_ip(candidate):
                    self.add(*m.span(), IP)

    def phones(self) -> None:
        text = self.text
        # The one pass over every character: runs of 7+ digits; the phone patterns are tried around them only.
        runs = [m.span() for m in _DIGIT_RUN.finditer(text) if _digits(m.group()) >= 7]
        for start, end in runs:
            reach = max(0, start - _LABEL_REACH)
            if _ANY_LABEL.search(text[reach:start].lower()):  # a quick look for a label before the precise pattern
                for m in _LABELLED.finditer(text, reach, min(len(text), end + 2)):
                    self.labelled(m)
        if "+" in text:
            for m in _PLUS_NUMBER.finditer(text):
                if 8 <= _digits(m.group()) <= 15:
                    self.add(*m.span(), PHONE)
        for start, end in runs:
            for m in _NORTH_AMERICAN.finditer(text, max(0, start - 3), min(len(text), end + 2)):
                self.add(*m.span(), PHONE)

    def labelled(self, label: re.Match) -> None:
        """The number after a phone label, and the numbers listed after it."""
        start, end = label.span(1)
        while (end := _phone_end(self.text, start, end)) is not None:
            self.add(start, end, PHONE)
            following = _NEXT_NUMBER.match(self.text, end)
            if not following:
                break
            start, end = following.span(1)


def mask_pii(text: str) -> tuple[str, Counter[str]]:
    """The text with e-mail addresses, phone numbers and public IP addresses replaced by TOKENS, and
    how many of each kind were replaced (`text` itself when none)."""
    masker = _Masker(text)
    masker.emails()  # first: an address's digits are no phone number
    masker.ips()
    masker.phones()
    if not masker.spans:
        return text, Counter()
    out, end = [], 0
    for start, stop, kind in sorted(masker.spans):
        out += (text[end:start], TOKENS[kind])
        end = stop
    out.append(text[end:])
    return "".join(out), Counter(kind for _, _, kind in masker.spans)
