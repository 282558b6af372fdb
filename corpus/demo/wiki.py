"""MediaWiki-shaped dumps for the demo: pages-articles XML (bz2) and langlinks SQL (gzip)."""

from __future__ import annotations

import bz2
import gzip
import hashlib
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

EXPORT_NS = "http://www.mediawiki.org/xml/export-0.11/"

# Localised namespace names where we know them; English canonical names elsewhere.
NS_NAMES = {
    "en": {1: "Talk", 2: "User", 3: "User talk", 4: "Wikipedia", 6: "File", 10: "Template", 14: "Category"},
    "ru": {1: "Обсуждение", 2: "Участник", 3: "Обсуждение участника", 4: "Википедия", 6: "Файл", 10: "Шаблон", 14: "Категория"},
    "fr": {1: "Discussion", 2: "Utilisateur", 3: "Discussion utilisateur", 4: "Wikipédia", 6: "Fichier", 10: "Modèle", 14: "Catégorie"},
    "de": {1: "Diskussion", 2: "Benutzer", 3: "Benutzer Diskussion", 4: "Wikipedia", 6: "Datei", 10: "Vorlage", 14: "Kategorie"},
    "es": {1: "Discusión", 2: "Usuario", 3: "Usuario discusión", 4: "Wikipedia", 6: "Archivo", 10: "Plantilla", 14: "Categoría"},
    "uk": {1: "Обговорення", 2: "Користувач", 3: "Обговорення користувача", 4: "Вікіпедія", 6: "Файл", 10: "Шаблон", 14: "Категорія"},
    "sw": {1: "Majadiliano", 2: "Mtumiaji", 3: "Majadiliano ya mtumiaji", 4: "Wikipedia", 6: "Picha", 10: "Kigezo", 14: "Jamii"},
}
SITENAME = {"en": "Wikipedia", "ru": "Википедия", "uk": "Вікіпедія", "ar": "ويكيبيديا", "hi": "विकिपीडिया",
            "ja": "Wikipedia", "zh": "Wikipedia", "th": "วิกิพีเดีย", "am": "ውክፔዲያ", "el": "Βικιπαίδεια"}


def ns_name(wiki: str, ns: int) -> str:
    return NS_NAMES.get(wiki, NS_NAMES["en"]).get(ns, NS_NAMES["en"][ns])


class WikiPage(NamedTuple):
    title: str  # full title, with namespace prefix if any
    ns: int
    page_id: int
    rev_id: int
    parent_id: int
    timestamp: str
    contributor: str
    contributor_id: int
    comment: str
    text: str
    redirect: str = ""  # target title for redirects


def mw_sha1(text: str) -> str:
    """MediaWiki's revision sha1: the SHA-1 of the text in base 36, 31 digits."""
    n = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(31, "0")


def dump_xml(wiki: str, pages: list[WikiPage]) -> str:
    """The pages-articles XML of one wiki, in the MediaWiki export-0.11 format."""
    dbname = f"{wiki}wiki"
    out = [
        f'<mediawiki xmlns="{EXPORT_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{EXPORT_NS} http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="{wiki}">',
        "  <siteinfo>",
        f"    <sitename>{escape(SITENAME.get(wiki, 'Wikipedia'))}</sitename>",
        f"    <dbname>{dbname}</dbname>",
        f"    <base>https://{wiki}.wikipedia.org/wiki/{escape(MAIN_PAGE.get(wiki, 'Main_Page'))}</base>",
        "    <generator>MediaWiki 1.44.0-wmf.1</generator>",
        "    <case>first-letter</case>",
        "    <namespaces>",
        '      <namespace key="-2" case="first-letter">Media</namespace>',
        '      <namespace key="-1" case="first-letter">Special</namespace>',
        '      <namespace key="0" case="first-letter" />',
    ]
    for key in (1, 2, 3, 4, 6, 10, 14):
        out.append(f'      <namespace key="{key}" case="first-letter">{escape(ns_name(wiki, key))}</namespace>')
    out += ["    </namespaces>", "  </siteinfo>"]
    for p in pages:
        text_bytes = len(p.text.encode("utf-8"))
        out += [
            "  <page>",
            f"    <title>{escape(p.title)}</title>",
            f"    <ns>{p.ns}</ns>",
            f"    <id>{p.page_id}</id>",
        ]
        if p.redirect:
            out.append(f"    <redirect title={quoteattr(p.redirect)} />")
        out += [
            "    <revision>",
            f"      <id>{p.rev_id}</id>",
            f"      <parentid>{p.parent_id}</parentid>",
            f"      <timestamp>{p.timestamp}</timestamp>",
            "      <contributor>",
            f"        <username>{escape(p.contributor)}</username>",
            f"        <id>{p.contributor_id}</id>",
            "      </contributor>",
            f"      <comment>{escape(p.comment)}</comment>",
            "      <origin>%d</origin>" % p.rev_id,
            "      <model>wikitext</model>",
            "      <format>text/x-wiki</format>",
            f'      <text bytes="{text_bytes}" sha1="{mw_sha1(p.text)}" xml:space="preserve">{escape(p.text)}</text>',
            f"      <sha1>{mw_sha1(p.text)}</sha1>",
            "    </revision>",
            "  </page>",
        ]
    out.append("</mediawiki>")
    return "\n".join(out) + "\n"


MAIN_PAGE = {"en": "Main_Page", "ru": "Заглавная_страница", "fr": "Wikipédia:Accueil_principal",
             "de": "Wikipedia:Hauptseite", "es": "Wikipedia:Portada"}


def write_xml_bz2(path: str, wiki: str, pages: list[WikiPage]) -> None:
    with open(path, "wb") as fh:
        fh.write(bz2.compress(dump_xml(wiki, pages).encode("utf-8"), 9))


def sql_quote(s: str) -> str:
    """Quote a string as mysqldump does: backslash escapes for \\ ' " and control characters."""
    rep = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\x00": "\\0", "\x1a": "\\Z"}
    return "'" + "".join(rep.get(c, c) for c in s) + "'"


def langlinks_sql(wiki: str, rows: list[tuple[int, str, str]], rows_per_insert: int = 3) -> str:
    """A langlinks table dump as the Wikimedia dumps ship it (MariaDB mysqldump)."""
    db = f"{wiki}wiki"
    head = f"""-- MySQL dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: 10.64.0.1    Database: {db}
-- ------------------------------------------------------
-- Server version	10.6.17-MariaDB-log

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `langlinks`
--

DROP TABLE IF EXISTS `langlinks`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8 */;
CREATE TABLE `langlinks` (
  `ll_from` int(8) unsigned NOT NULL DEFAULT 0,
  `ll_lang` varbinary(35) NOT NULL DEFAULT '',
  `ll_title` varbinary(255) NOT NULL DEFAULT '',
  PRIMARY KEY (`ll_from`,`ll_lang`),
  KEY `ll_lang` (`ll_lang`,`ll_title`)
) ENGINE=InnoDB DEFAULT CHARSET=binary ROW_FORMAT=COMPRESSED;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `langlinks`
--

/*!40000 ALTER TABLE `langlinks` DISABLE KEYS */;
"""
    inserts = []
    rows = sorted(rows)
    for i in range(0, len(rows), rows_per_insert):
        chunk = rows[i : i + rows_per_insert]
        values = ",".join(f"({f},{sql_quote(l)},{sql_quote(t)})" for f, l, t in chunk)
        inserts.append(f"INSERT INTO `langlinks` VALUES {values};\n")
    tail = """/*!40000 ALTER TABLE `langlinks` ENABLE KEYS */;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2099-01-01  0:00:00
"""
    return head + "".join(inserts) + tail


def write_sql_gz(path: str, text: str) -> None:
    with open(path, "wb") as fh:
        fh.write(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
