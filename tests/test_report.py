"""The report: well-formed HTML whose plots are real PNG files beside it, readable without a server."""

import io
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from corpus import release, report

VOID = {"meta", "img", "br", "hr", "link", "input"}


class Checker(HTMLParser):
    """Checks that every element is closed in order, and collects image sources and headings."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.images: list[str] = []
        self.headings: list[str] = []
        self.errors: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs)["src"])
        if tag in ("h2", "h3"):
            self._in_heading = True
            self.headings.append("")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()
        if tag in ("h2", "h3"):
            self._in_heading = False

    def handle_data(self, data):
        if self._in_heading:
            self.headings[-1] += data


def check_report(files: dict[str, bytes]) -> Checker:
    page = files[release.REPORT].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert not checker.errors and not checker.open, (checker.errors, checker.open)
    for src in checker.images:
        assert not src.startswith(("http:", "https:", "/")), src  # relative: opens from a folder
        assert src in files, src
    return checker


def open_png(data_or_path) -> tuple[int, int]:
    with Image.open(data_or_path) as image:
        assert image.format == "PNG"
        image.load()
        return image.size


def manifest_with_everything():
    stats = {
        "read|commoncrawl": 120, "dropped|langid/low_score|": 5, "dropped|dedup/exact|eng_Latn": 10,
        "dropped|dedup/near|eng_Latn": 5, "dropped|dedup/near|swh_Latn": 1,
        "kept|eng_Latn": 90, "kept_chars|eng_Latn": 90_000, "kept|swh_Latn": 9, "kept_chars|swh_Latn": 5_000,
        "written|eng_Latn": 60, "written_chars|eng_Latn": 60_000, "written|swh_Latn": 40, "written_chars|swh_Latn": 30_000,
        "doc_length|eng_Latn|512": 30, "doc_length|eng_Latn|1024": 60, "doc_length|swh_Latn|512": 9,
        "bitext_score|eng_Latn-swh_Latn|1.0": 4, "bitext_score|eng_Latn-swh_Latn|1.1": 9,
        "langid|disagreements|eng_Latn": 3,
    }
    shards = [{"path": "bitext/eng_Latn-swh_Latn/part-00000-of-00001.parquet", "lang": "eng_Latn-swh_Latn", "rows": 13, "sha256": ""}]
    tokenizer = {"vocab_size": 1000, "sample": {"eng_Latn": {"share": 0.6}, "swh_Latn": {"share": 0.4}},
                 "fertility": {"eng_Latn": {"per": "word", "fertility": 1.3, "tokens_per_char": 0.25, "byte_fallback_share": 0.0,
                                            "unk_share": 0.0, "heldout_paragraphs": 9, "heldout_chars": 900},
                               "swh_Latn": {"per": "word", "fertility": 1.9, "tokens_per_char": 0.3, "byte_fallback_share": 0.01,
                                            "unk_share": 0.0, "heldout_paragraphs": 3, "heldout_chars": 300}}}
    config = {"name": "t<&>", "rebalance": {"unit": "chars"}}
    return release.assemble_manifest(config, {}, stats, {"eng_Latn": 0.7, "swh_Latn": 6.0}, shards, tokenizer, {})


def test_report_renders_every_plot_and_escapes_names():
    files = report.render(manifest_with_everything())
    checker = check_report(files)
    assert sorted(checker.images) == sorted(f"{release.PLOTS_DIR}/{name}" for name, _, _ in report.PLOTS)
    for src in checker.images:
        width, height = open_png(io.BytesIO(files[src]))
        assert width > 200 and height > 100
    assert "t&lt;&amp;&gt;" in files[release.REPORT].decode()
    assert "langid" in checker.headings  # a stage's own statistics appear as a table of their kind


def test_funnel_and_dedup_rates():
    manifest = manifest_with_everything()
    assert report.funnel(manifest) == [("langid", 5, 115), ("dedup", 16, 99)]
    assert report.dedup_rates(manifest)["eng_Latn"] == {"dedup/exact": 10 / 105, "dedup/near": 5 / 105}


def test_demo_report_opens_from_its_folder(demo):
    out, _, manifest = demo
    page = (out / release.REPORT).read_bytes()
    files = {release.REPORT: page} | {str(p.relative_to(out)): p.read_bytes() for p in (out / release.PLOTS_DIR).glob("*.png")}
    checker = check_report(files)
    expected = {"languages.png", "funnel.png", "dedup.png", "lengths.png", "fertility.png"}
    assert expected <= {Path(src).name for src in checker.images}
    for src in checker.images:
        open_png(out / src)


def test_report_shows_examples_of_what_each_rule_removed_escaped():
    samples = [{"reason": "filter/low_quality", "lang": "eng_Latn", "text": "buy <b>cheap</b> pills now"},
               {"reason": "filter/blocklist", "lang": "zho_Hans", "text": "example spam page"}]
    page = report.render(manifest_with_everything(), samples)[release.REPORT].decode()
    assert "What the rules removed" in page and "filter/low_quality" in page
    assert "buy &lt;b&gt;cheap&lt;/b&gt; pills now" in page and "<b>cheap</b>" not in page
