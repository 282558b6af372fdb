"""The langlinks.sql.gz reader: rows of MediaWiki INSERT statements, streamed, with counted drops."""

import gzip
import io

from corpus.demo.wiki import langlinks_sql
from corpus.schema import Drop
from corpus.sources.langlinks import (
    LANGLINKS_MALFORMED,
    LANGLINKS_TRUNCATED,
    LANGLINKS_UNKNOWN_WIKI,
    LangLink,
    read,
    wiki_lang_from_path,
)

ROWS = [
    (12, "fr", "Pont de l'Aster"),
    (12, "ru", "Мост через Астер"),
    (40, "de", 'Ein "Zitat" mit \\ Schrägstrich'),
    (41, "ja", "橋"),
    (50, "zh-yue", "Line\nbreak"),
]


def _read(data: bytes, path="dumps/frwiki-20990101-langlinks.sql.gz"):
    return list(read(io.BytesIO(data), path))


def test_reads_every_row_with_escapes_unescaped():
    items = _read(gzip.compress(langlinks_sql("fr", ROWS, rows_per_insert=2).encode()))
    assert items == [LangLink("fr", pid, lang, title) for pid, lang, title in sorted(ROWS)]


def test_wiki_from_file_name_or_dump_header():
    assert wiki_lang_from_path("x/zh_yuewiki-latest-langlinks.sql.gz") == "zh-yue"
    items = _read(langlinks_sql("sw", ROWS[:1]).encode(), path="renamed.sql")  # plain, named by its header
    assert items == [LangLink("sw", 12, "fr", "Pont de l'Aster")]


def test_malformed_rows_are_counted_and_the_rest_kept():
    sql = "-- Database: enwiki\nINSERT INTO `langlinks` VALUES (1,'fr','A'),(oops,'de'),(2,'de','B');\n"
    items = _read(sql.encode(), path="enwiki-20990101-langlinks.sql")
    assert [i for i in items if isinstance(i, LangLink)] == [LangLink("en", 1, "fr", "A"), LangLink("en", 2, "de", "B")]
    assert [i.reason for i in items if isinstance(i, Drop)] == [LANGLINKS_MALFORMED]


def test_truncated_file_keeps_what_came_before_and_counts_the_rest():
    rows = [(page, "de", f"Seite {page} über die Brücke {page * 7919 % 1000}") for page in range(1, 2001)]
    data = gzip.compress(langlinks_sql("fr", rows, rows_per_insert=50).encode())
    items = _read(data[: len(data) * 2 // 3])
    links = [i for i in items if isinstance(i, LangLink)]
    assert 0 < len(links) < len(rows) and links == [LangLink("fr", *row) for row in sorted(rows)[: len(links)]]
    assert items[-1].reason == LANGLINKS_TRUNCATED


def test_a_dump_that_does_not_name_its_wiki_is_one_drop():
    items = _read(b"INSERT INTO `langlinks` VALUES (1,'fr','A');\n", path="links.sql")
    assert [i.reason for i in items] == [LANGLINKS_UNKNOWN_WIKI]
