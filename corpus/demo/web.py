"""CommonCrawl-shaped WET and WARC files for the demo, written with warcio.

Records are built deterministically: fixed dates, record ids derived from content,
gzip members from warcio's zlib compressor (header mtime 0).
"""

from __future__ import annotations

import hashlib
import html
import struct
import uuid
import zlib
from io import BytesIO
from typing import NamedTuple

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.demo.texts import LANGS

# Boilerplate lines per language; languages without an entry use English ones.
NAV = {
    "eng_Latn": ["Home", "News", "Local", "Weather", "Food", "Contact"],
    "rus_Cyrl": ["Главная", "Новости", "Город", "Погода", "Кухня", "Контакты"],
    "fra_Latn": ["Accueil", "Actualités", "Région", "Météo", "Cuisine", "Contact"],
    "deu_Latn": ["Startseite", "Nachrichten", "Region", "Wetter", "Küche", "Kontakt"],
    "spa_Latn": ["Inicio", "Noticias", "Local", "El tiempo", "Cocina", "Contacto"],
}
COOKIE = {
    "eng_Latn": ["We use cookies to improve your experience. Accept cookies", "Accept all cookies | Manage preferences"],
    "rus_Cyrl": ["Мы используем файлы cookie. Принять", "Принять все cookie | Настройки"],
    "fra_Latn": ["Ce site utilise des cookies. Accepter", "Tout accepter | Paramétrer les cookies"],
    "deu_Latn": ["Diese Website verwendet Cookies. Akzeptieren", "Alle akzeptieren | Einstellungen"],
    "spa_Latn": ["Utilizamos cookies para mejorar su experiencia. Aceptar", "Aceptar todas | Configurar"],
}
FOOTER = {
    "eng_Latn": ["© {year} {site}. All rights reserved.", "Privacy policy | Terms of use | Contact us", "Share: Facebook | Twitter | Email"],
    "rus_Cyrl": ["© {year} {site}. Все права защищены.", "Политика конфиденциальности | Контакты", "Поделиться: ВКонтакте | Telegram"],
    "fra_Latn": ["© {year} {site}. Tous droits réservés.", "Mentions légales | Politique de confidentialité", "Partager : Facebook | Twitter"],
    "deu_Latn": ["© {year} {site}. Alle Rechte vorbehalten.", "Impressum | Datenschutz | Kontakt", "Teilen: Facebook | Twitter | E-Mail"],
    "spa_Latn": ["© {year} {site}. Todos los derechos reservados.", "Aviso legal | Política de privacidad", "Compartir: Facebook | Twitter"],
}
DATE_LABEL = {
    "eng_Latn": "Published: {d}", "rus_Cyrl": "Опубликовано: {d}", "fra_Latn": "Publié le {d}",
    "deu_Latn": "Veröffentlicht am {d}", "spa_Latn": "Publicado el {d}",
}

TLD = {
    "eng_Latn": ["com", "org", "co.uk", "net"], "rus_Cyrl": ["ru"], "fra_Latn": ["fr"],
    "deu_Latn": ["de"], "spa_Latn": ["es"], "swh_Latn": ["co.tz", "co.ke"], "ukr_Cyrl": ["com.ua"],
    "arb_Arab": ["com.eg"], "hin_Deva": ["co.in"], "jpn_Jpan": ["jp"], "zho_Hans": ["cn"],
    "tha_Thai": ["co.th"], "amh_Ethi": ["com.et"], "ell_Grek": ["gr"],
}
SITE_WORDS = ["river", "valley", "market", "daily", "town", "harbour", "green", "north", "old",
              "bridge", "hill", "field", "kitchen", "garden", "rail", "library", "lake", "post"]
SITE_KINDS = ["news", "times", "life", "notes", "journal", "blog", "guide", "herald", "post"]
SECTIONS = ["news", "life", "food", "travel", "local", "culture", "blog", "article"]


class Page(NamedTuple):
    """One web page of the demo: the text as a WET record carries it, and its parts for HTML."""

    url: str
    lang: str  # primary language (project code)
    cc_langs: str  # WARC-Identified-Content-Language, e.g. "swa,eng"
    title: str
    date: str  # WARC-Date
    site: str
    header: tuple[str, ...]  # boilerplate lines before the content
    paragraphs: tuple[str, ...]  # main content
    footer: tuple[str, ...]  # boilerplate lines after the content

    @property
    def wet_text(self) -> str:
        return "\n".join((self.title,) + self.header + self.paragraphs + self.footer)


def record_id(*parts: str) -> str:
    """A deterministic WARC-Record-ID."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).digest()
    return f"<urn:uuid:{uuid.UUID(bytes=h[:16], version=4)}>"


def _ip(url: str) -> str:
    h = hashlib.md5(url.encode()).digest()
    return f"{h[0] % 200 + 20}.{h[1]}.{h[2]}.{h[3] % 250 + 1}"


def _warcinfo(writer: WARCWriter, filename: str, date: str, fields: list[tuple[str, str]]):
    body = "".join(f"{k}: {v}\r\n" for k, v in fields).encode("utf-8")
    return writer.create_warc_record(
        "", "warcinfo", payload=BytesIO(body), length=len(body),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date, "WARC-Filename": filename,
                           "WARC-Record-ID": record_id("warcinfo", filename)},
    )


def _warcinfo_fields(snapshot: str, kind: str) -> list[tuple[str, str]]:
    return [
        ("Software-Info", "corpus-demo/0.1 (synthetic CommonCrawl-shaped sample)"),
        ("Extracted-Date", "Thu, 01 Jan 2099 00:00:00 GMT") if kind == "wet" else ("hostname", "crawler-demo-0"),
        ("robots", "checked via crawler-commons 1.4"),
        ("isPartOf", snapshot),
        ("operator", "Corpus builder demo"),
        ("description", f"Demo {kind.upper()} file; every text in it was written for the corpus builder."),
        ("publisher", "Corpus builder demo"),
        ("format", "WARC File Format 1.1" if kind == "warc" else "WARC File Format 1.0"),
    ]


def write_wet(path: str, filename: str, snapshot: str, pages: list[Page], refers_to: dict[str, str]) -> None:
    """Write `pages` as one CommonCrawl WET file: warcinfo, then one conversion record a page."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        info_id = record_id("warcinfo", filename)
        writer.write_record(_warcinfo(writer, filename, "2099-01-01T00:00:00Z", _warcinfo_fields(snapshot, "wet")))
        for page in pages:
            body = page.wet_text.encode("utf-8")
            rec = writer.create_warc_record(
                page.url, "conversion", payload=BytesIO(body), length=len(body),
                warc_content_type="text/plain",
                warc_headers_dict={
                    "WARC-Target-URI": page.url,
                    "WARC-Date": page.date,
                    "WARC-Record-ID": record_id("conversion", page.url, page.date),
                    "WARC-Refers-To": refers_to.get(page.url) or record_id("response", page.url, page.date),
                    "WARC-Warcinfo-ID": info_id,
                    "WARC-Identified-Content-Language": page.cc_langs,
                },
            )
            writer.write_record(rec)


# ---------------------------------------------------------------- HTML
_STYLE = """body{font-family:Georgia,serif;margin:0;color:#222}
nav ul{list-style:none;display:flex;gap:1em}.cookie{position:fixed;bottom:0;background:#333;color:#fff}
aside{float:right;width:28%}article p{line-height:1.5}"""
_SCRIPT = """window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}
gtag('js',new Date());document.addEventListener('DOMContentLoaded',function(){var b=document.querySelector('.cookie button');
if(b){b.onclick=function(){document.cookie='consent=1;path=/';b.parentNode.remove()}}});"""


def page_html(page: Page, charset_meta: str | None, related: list[str]) -> str:
    """A realistic article page: head with script/style, nav, cookie banner, sidebar, article, footer."""
    e = html.escape
    lang = page.lang
    nav = NAV.get(lang, NAV["eng_Latn"])
    cookie = COOKIE.get(lang, COOKIE["eng_Latn"])
    foot = FOOTER.get(lang, FOOTER["eng_Latn"])
    meta = f'<meta charset="{charset_meta}">\n' if charset_meta else ""
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{LANG_HTML[lang]}">',
        "<head>",
        meta + f"<title>{e(page.title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>\n{_STYLE}\n</style>",
        '<script async src="/static/js/analytics.js"></script>',
        f"<script>\n{_SCRIPT}\n</script>",
        "</head>",
        "<body>",
        f'<header><a class="logo" href="/">{e(page.site)}</a>',
        "<nav><ul>" + "".join(f'<li><a href="/{s}/">{e(n)}</a></li>' for s, n in zip(SECTIONS, nav)) + "</ul></nav>",
        "</header>",
        f'<div class="cookie" id="cookie-banner"><p>{e(cookie[0])}</p><button>OK</button></div>',
        '<aside class="sidebar"><h3>' + e(nav[1]) + "</h3><ul>"
        + "".join(f'<li><a href="/{SECTIONS[i % len(SECTIONS)]}/{i}.html">{e(r)}</a></li>' for i, r in enumerate(related))
        + "</ul></aside>",
        "<main>",
        "<article>",
        f"<h1>{e(page.title)}</h1>",
    ]
    for i, p in enumerate(page.paragraphs):
        out.append(f"<p>{e(p)}</p>")
    out += [
        "</article>",
        "</main>",
        "<footer>",
        "<ul>" + "".join(f"<li>{e(x)}</li>" for x in foot[1].split(" | ")) + "</ul>",
        f"<p>{e(foot[0].format(year=2098, site=page.site)).replace('©', '&copy;')}</p>",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


LANG_HTML = {"eng_Latn": "en", "rus_Cyrl": "ru", "fra_Latn": "fr", "deu_Latn": "de", "spa_Latn": "es",
             "swh_Latn": "sw", "ukr_Cyrl": "uk", "arb_Arab": "ar", "hin_Deva": "hi", "jpn_Jpan": "ja",
             "zho_Hans": "zh-CN", "tha_Thai": "th", "amh_Ethi": "am", "ell_Grek": "el"}


class WarcItem(NamedTuple):
    """One fetch in a WARC file: an HTML page or another response."""

    url: str
    date: str
    status: str  # "200 OK", "301 Moved Permanently"
    headers: tuple[tuple[str, str], ...]  # HTTP response headers (without Content-Length)
    body: bytes
    charset: str  # declared or detected charset for the metadata record ("" if not text)
    lang: str  # project language code ("" if not text)


def tiny_png() -> bytes:
    """A valid 2x2 RGB PNG."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes([200, 60, 40, 40, 90, 200]) for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def tiny_pdf(text: str) -> bytes:
    """A minimal one-page PDF showing `text` (ASCII)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def write_warc(path: str, filename: str, snapshot: str, items: list[WarcItem]) -> dict[str, str]:
    """Write request/response/metadata triples; returns {url: response WARC-Record-ID}."""
    ids = {}
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        info_id = record_id("warcinfo", filename)
        writer.write_record(_warcinfo(writer, filename, "2099-01-01T00:00:00Z", _warcinfo_fields(snapshot, "warc")))
        for it in items:
            host = it.url.split("/")[2]
            pathq = "/" + it.url.split("/", 3)[3] if it.url.count("/") >= 3 else "/"
            resp_id = record_id("response", it.url, it.date)
            ids[it.url] = resp_id
            ip = _ip(it.url)
            req_headers = StatusAndHeaders(f"GET {pathq} HTTP/1.1", [
                ("Host", host),
                ("User-Agent", "CCBot/2.0 (https://commoncrawl.org/faq/)"),
                ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                ("Accept-Language", "en-US,en;q=0.5"),
                ("If-Modified-Since", "Wed, 31 Dec 2098 12:00:00 GMT"),
                ("Accept-Encoding", "br,gzip"),
                ("Connection", "Keep-Alive"),
            ], is_http_request=True)
            req = writer.create_warc_record(it.url, "request", payload=BytesIO(b""), length=0,
                                            http_headers=req_headers, warc_headers_dict={
                                                "WARC-Date": it.date, "WARC-Record-ID": record_id("request", it.url, it.date),
                                                "WARC-IP-Address": ip, "WARC-Warcinfo-ID": info_id,
                                                "WARC-Concurrent-To": resp_id})
            headers = list(it.headers) + [("Content-Length", str(len(it.body)))]
            resp_http = StatusAndHeaders(it.status, headers, protocol="HTTP/1.1")
            ctype = dict(it.headers).get("Content-Type", "application/octet-stream").split(";")[0]
            resp = writer.create_warc_record(it.url, "response", payload=BytesIO(it.body), length=len(it.body),
                                             http_headers=resp_http, warc_headers_dict={
                                                 "WARC-Date": it.date, "WARC-Record-ID": resp_id,
                                                 "WARC-IP-Address": ip, "WARC-Warcinfo-ID": info_id,
                                                 "WARC-Identified-Payload-Type": ctype})
            writer.write_record(req)
            writer.write_record(resp)
            meta_lines = [f"fetchTimeMs: {50 + int(hashlib.md5(it.url.encode()).hexdigest()[:3], 16) % 900}"]
            if it.charset:
                meta_lines.append(f"charset-detected: {it.charset}")
            if it.lang:
                meta_lines.append('languages-cld2: {"reliable":true,"text-bytes":%d,"languages":[{"code":"%s","code-iso-639-3":"%s","text-covered":0.97,"score":900.0,"name":"%s"}]}'
                                  % (len(it.body), LANGS[it.lang].wiki, LANGS[it.lang].cc, it.lang))
            meta = ("\r\n".join(meta_lines) + "\r\n").encode("utf-8")
            writer.write_record(writer.create_warc_record(
                it.url, "metadata", payload=BytesIO(meta), length=len(meta),
                warc_content_type="application/warc-fields",
                warc_headers_dict={"WARC-Date": it.date, "WARC-Record-ID": record_id("metadata", it.url, it.date),
                                   "WARC-Warcinfo-ID": info_id, "WARC-Concurrent-To": resp_id}))
    return ids
