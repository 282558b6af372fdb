"""The judged development set of web pages (benchmarks/data/quality_*) and the benchmark that reads it.

The real pages' rows must name records that exist, at the positions the rubric counts; the
reserved (odd) half of CC-MAIN-2020-50-excerpt may be read for counting but is never judged.
"""

import json

import pytest

from benchmarks import quality
from benchmarks.quality import CATEGORIES, DEV, LABELS, RESERVED_WET, WRITTEN, Page, check_page, read_dev, read_written


def test_dev_set_parses_and_every_row_is_a_valid_judgment():
    pages = read_dev()
    assert len(pages) >= 250
    for page in pages:
        assert page.label in LABELS and page.category in CATEGORIES, page.key
        assert quality.LANG_CODE.match(page.lang), page.key
        assert page.record_id.startswith("<urn:uuid:") and page.url.startswith("http"), page.key
        assert page.note, f"{page.key}: a judgment says why"
    assert len({p.record_id for p in pages}) == len(pages)
    assert len({p.key for p in pages}) == len(pages)
    # Both ends of the scale and spam of both kinds are represented.
    assert {p.label for p in pages} == set(LABELS)
    assert {"adult", "gambling", "doorway"} <= {p.category for p in pages}


def test_only_even_positions_of_the_reserved_wet_are_judged():
    wet = [p for p in read_dev() if p.source == RESERVED_WET]
    assert len(wet) == 159  # every even conversion record of its 318
    assert all(p.position % 2 == 0 for p in wet)
    assert sorted(p.position for p in wet) == list(range(0, 318, 2))


def test_a_judgment_outside_the_rubric_is_refused():
    good = Page(RESERVED_WET, 4, "<urn:uuid:x>", "http://a.example", "eng_Latn", 2, "article")
    check_page(good)
    for bad, why in [
        (good._replace(position=5), "odd position"),
        (good._replace(label=4), "label"),
        (good._replace(category="spam"), "category"),
        (good._replace(lang="en"), "lang"),
    ]:
        with pytest.raises(ValueError, match=why):
            check_page(bad)


@pytest.fixture
def commoncrawl():
    """The real web files beside the project (looked for upwards, as the benchmarks do); skip when absent."""
    if not quality.COMMONCRAWL_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return quality.COMMONCRAWL_DATA


def test_rows_match_the_records_of_the_real_files(commoncrawl):
    pages = read_dev()
    for name in sorted({p.source for p in pages}):
        path = commoncrawl / name
        positions = quality.record_positions(path)
        for page in (p for p in pages if p.source == name):
            assert page.position < len(positions), page.key
            assert positions[page.position][0] == page.record_id, page.key
    wet = quality.record_positions(commoncrawl / RESERVED_WET)
    assert len(wet) == 318  # conversion records only: the warcinfo record is not counted


def test_written_pages_are_the_mix_the_rubric_describes():
    pages, docs = read_written()
    lines = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines()]
    assert len(pages) == len(docs) == len(lines)
    junk = [p for p in pages if p.label <= 1]
    good = [p for p in pages if p.label >= 2]
    assert 25 <= len(junk) <= 40 and len(good) >= 10
    assert len({p.lang for p in junk}) >= 7  # several languages of spam
    assert {"adult", "gambling", "doorway", "lorem", "navigation"} <= {p.category for p in junk}
    for page, doc, line in zip(pages, docs, lines):
        assert doc.record_id == page.record_id and doc.url == line["url"] and doc.title == line["title"]
        assert doc.text.startswith(line["title"]), "a page's text starts with its title, as a WET text does"


def test_benchmark_runs_on_the_written_pages():
    pages, docs = read_written()
    by_record = {d.record_id: [d] for d in docs}
    results, outcomes = quality.evaluate(pages, by_record, {}, runs=1)
    assert set(results) == set(quality.variants())
    for name, entry in results.items():
        written = entry["sets"]["written"]
        assert written["pages"] == len(pages) and written["good"] == sum(p.good for p in pages)
        assert written["kept_good"] <= min(written["kept"], written["good"])
        assert entry["cost"]["documents_read"] == len(docs) and entry["cost"]["filter_cpu_ms_per_document"] > 0
        for page in pages:
            outcome = outcomes[name][page.key]
            # A kept page names its language; a dropped one names the stage and rule that dropped it.
            if outcome.kept:
                assert outcome.langs and not outcome.reason, page.key
            else:
                assert outcome.reason.split("/")[0] in ("read", "langid", "filter"), page.key
    # The built-in blocklist is measured by switching it off: never more junk kept with it than without.
    assert results["default"]["sets"]["written"]["kept_label_0"] <= results["no_blocklist"]["sets"]["written"]["kept_label_0"]
    text = quality.markdown({"target": quality.TARGET, "notes": [], "runs": 1, "variants": results}, pages, outcomes)
    assert "| default, written |" in text and "Junk the default variant keeps" in text


def test_real_part_is_skipped_cleanly_without_the_data(tmp_path, monkeypatch):
    monkeypatch.setattr(quality, "COMMONCRAWL_DATA", tmp_path)
    pages, docs, read_drops, notes = quality.load_pages()
    assert pages and all(p.source == quality.WRITTEN_SOURCE for p in pages)
    assert len(notes) == 1 and RESERVED_WET in notes[0] and "skipped" in notes[0]
    assert read_drops == {} and set(docs) == {p.record_id for p in pages}


def test_dev_file_is_tab_separated_with_its_header():
    header = DEV.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert header == quality.DEV_COLUMNS
