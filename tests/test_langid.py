"""Language ID: labels in one convention, backends, the ensemble rule, paragraphs, scripts, thresholds, `corpus langid`."""

import subprocess
import sys

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

import pipelines.records  # noqa: F401
from corpus.config import LangId
from corpus.langid import EnsembleIdentifier, FastTextIdentifier, HeliportIdentifier, Prediction, macrolanguage, normalise_heliport, normalise_label, related, setting_for
from corpus.langid.documents import DocumentLanguage
from corpus.statistics import LANGID_LOW_SCORE, LANGID_SCRIPT_MISMATCH
from corpus.langid.identifiers import combine
from corpus.langid.scripts import dominant_script, relabel_for_script
from corpus.schema import COMMONCRAWL, new_document
from pipelines.langid import IdentifyLanguage

# Lines written for this project that lid.176 alone gets wrong (measured: hrv_Latn, ita_Latn, arb_Arab).
BOSNIAN = "Molimo vas da provjerite da li je obrazac potpisan prije nego što ga vratite."
SWAHILI = "Tuonane wiki ijayo!"
EGYPTIAN = "مش كده يا جدعان، خلوها على الله"

SWAHILI_PAGE = [
    "Asubuhi kulikuwa na baridi, lakini kufikia mchana jua lilikuwa limepasha joto ngazi za ofisi ya mji.",
    "Sign in to your account | Subscribe to our newsletter for the latest news and special offers from our partners",
    "Wakulima wa kijiji walikusanyika sokoni kuuza mahindi, maharage na ndizi kwa bei nzuri mwaka huu.",
    "Watoto walicheza mpira uwanjani hadi jioni, kisha wakarudi nyumbani kula chakula cha jioni pamoja na familia.",
]
ENGLISH_PAGE = [
    "The ferry leaves the harbour at seven and reaches the island before the fog lifts over the bay.",
    "Fishermen sell their catch on the pier while gulls circle above the boats and the market fills up.",
    "In the afternoon the wind turns and the small sailing boats return to the bay one after another.",
]


@pytest.fixture(scope="module")
def fasttext():
    return FastTextIdentifier()


@pytest.fixture(scope="module")
def ensemble(fasttext):
    return EnsembleIdentifier(fasttext, HeliportIdentifier())


def web(text, url="https://example.org/page"):
    return new_document(source=COMMONCRAWL, text=text, url=url)


def test_fasttext_labels_normalise_to_iso639_3_and_script():
    assert normalise_label("__label__fr") == "fra_Latn"
    assert normalise_label("__label__ru") == "rus_Cyrl"
    assert normalise_label("__label__ja") == "jpn_Jpan"
    assert normalise_label("__label__sw") == "swh_Latn"  # macrolanguage swa -> its one written member
    assert normalise_label("__label__am") == "amh_Ethi"
    assert normalise_label("__label__als") == "gsw_Latn"  # Wikipedia code for Alemannic
    assert normalise_label("__label__sh") == "hbs_Latn"
    assert normalise_label("__label__fra_Latn") == "fra_Latn"  # GlotLID/OpenLID labels pass through


def test_heliport_labels_normalise_to_the_same_convention():
    assert normalise_heliport("swa") == normalise_label("__label__sw") == "swh_Latn"
    assert normalise_heliport("eng") == "eng_Latn"
    assert normalise_heliport("hbs") == "hbs_Latn"  # heliport knows only the macrolanguage: it stays one
    assert normalise_heliport("hbsbos") == "bos_Latn"
    assert normalise_heliport("ara") == "ara_Arab"
    assert normalise_heliport("cmn") == normalise_label("__label__zh") == "zho_Hans"
    assert normalise_heliport("und") == "und_Zyyy"


def test_macrolanguage_policy():
    assert macrolanguage("bos_Latn") == macrolanguage("hrv_Latn") == "hbs_Latn"
    assert macrolanguage("arz_Arab") == macrolanguage("apc_Arab") == "ara_Arab"
    assert macrolanguage("zsm_Latn") == macrolanguage("ind_Latn") == "msa_Latn"
    assert macrolanguage("nno_Latn") == "nor_Latn" and macrolanguage("pes_Arab") == "fas_Arab"
    assert related("bos_Latn", "hbs_Latn") and related("arz_Arab", "arb_Arab") and not related("eng_Latn", "fra_Latn")
    # A setting named for the macrolanguage covers its members; a member's own setting wins.
    assert setting_for({"hbs_Latn": 0.2}, "bos_Latn", 0.5) == 0.2
    assert setting_for({"hbs_Latn": 0.2, "bos_Latn": 0.3}, "bos_Latn", 0.5) == 0.3
    assert setting_for({}, "bos_Latn", 0.5) == 0.5


def test_every_lid176_label_gets_a_distinct_code(fasttext):
    labels = fasttext._model.get_labels()
    codes = {normalise_label(label) for label in labels}
    assert len(codes) == len(labels) == 176
    assert all("_" in code and len(code.split("_")[1]) == 4 for code in codes)


def test_fasttext_predicts_in_batches_with_second_label(fasttext):
    texts = [
        "The library opens at nine in the morning and closes late on Thursdays.",
        "Библиотека открывается в девять утра и закрывается поздно по четвергам.",
        "La bibliothèque ouvre à neuf heures du matin et ferme tard le jeudi.",
        "図書館は朝九時に開き、木曜日は遅くまで開いています。",
    ]
    predictions = fasttext.predict(texts)
    assert [p.lang for p in predictions] == ["eng_Latn", "rus_Cyrl", "fra_Latn", "jpn_Jpan"]
    assert all(0.5 < p.score <= 1.0 and p.lang2 and p.lang2 != p.lang and p.model == "fasttext" for p in predictions)


def test_each_distinct_line_is_predicted_once_with_the_same_answers(fasttext):
    from corpus.langid.identifiers import predict_distinct

    asked = []

    class Counting:
        def predict(self, texts):
            asked.append(list(texts))
            return fasttext.predict(texts)

    lines = [SWAHILI, "Home", BOSNIAN, "Home", SWAHILI, "Contact"]
    assert predict_distinct(Counting(), lines) == fasttext.predict(lines)
    assert asked == [[SWAHILI, "Home", BOSNIAN, "Contact"]]


def test_ensemble_rule_on_constructed_cases():
    sure = Prediction("eng_Latn", 0.95, "fra_Latn", 0.01, "fasttext")
    unsure = Prediction("ita_Latn", 0.25, "eng_Latn", 0.13, "fasttext")
    assert combine(unsure, Prediction("und_Zyyy", 0.0, "", 0.0, "heliport")) == unsure  # heliport has no answer
    agreed = combine(unsure, Prediction("ita_Latn", 0.6, "", 0.0, "heliport"))
    assert (agreed.lang, agreed.score, agreed.model, agreed.other) == ("ita_Latn", 0.6, "ensemble", "")
    family = combine(Prediction("hrv_Latn", 0.4, "hbs_Latn", 0.3, "fasttext"), Prediction("hbs_Latn", 0.5, "", 0.0, "heliport"))
    assert (family.lang, family.model, family.other) == ("hrv_Latn", "ensemble", "hbs_Latn")  # the member, not the macrolanguage
    fallback = combine(unsure, Prediction("swh_Latn", 0.55, "", 0.0, "heliport"))
    assert (fallback.lang, fallback.lang2, fallback.model, fallback.other) == ("swh_Latn", "ita_Latn", "heliport", "ita_Latn")

    class Fixed:  # real predictions recorded above, so the threshold logic is tested on its own
        def __init__(self, preds):
            self.preds, self.asked = preds, []

        def predict(self, texts):
            self.asked += list(texts)
            return [self.preds[t] for t in texts]

    fast = Fixed({"a": sure, "b": unsure})
    heli = Fixed({t: Prediction("swh_Latn", 0.55, "", 0.0, "heliport") for t in "ab"})
    out = EnsembleIdentifier(fast, heli, threshold=0.9).predict(["a", "b"])
    assert [p.lang for p in out] == ["eng_Latn", "swh_Latn"] and heli.asked == ["b"]  # the confident line is not asked
    EnsembleIdentifier(fast, heli, threshold=0.9, per_lang={"eng_Latn": 1.01}).predict(["a"])
    assert heli.asked == ["b", "a"]


def test_lines_fasttext_mislabels_are_right_by_default(fasttext, ensemble):
    """Bosnian, Swahili and Egyptian Arabic lines: right, or the closest individual language a model names
    (heliport names only the macrolanguages hbs and ara: fastText's member is the more specific label)."""
    assert LangId().identifier == "ensemble"
    texts = [BOSNIAN, SWAHILI, EGYPTIAN]
    alone = [p.lang for p in fasttext.predict(texts)]
    assert alone[0] != "bos_Latn" and alone[1] != "swh_Latn" and alone[2] != "arz_Arab"
    decided = ensemble.predict(texts)
    assert decided[0].lang in ("bos_Latn", "hrv_Latn", "srp_Latn", "srp_Cyrl")
    assert decided[1].lang == "swh_Latn"
    assert decided[2].lang in ("arz_Arab", "arb_Arab")
    assert all(p.other for p in decided)  # the models disagreed: the other label is kept


def test_english_navigation_is_split_off_a_swahili_page(ensemble):
    page = web("\n".join(SWAHILI_PAGE))
    decisions, stats = DocumentLanguage(ensemble, LangId()).identify([page])
    kept = [d for d, why in decisions if not why]
    assert [d.lang for d in kept] == ["swh_Latn"]
    assert "Sign in" not in kept[0].text and SWAHILI_PAGE[0] in kept[0].text and SWAHILI_PAGE[3] in kept[0].text
    # The page keeps its record's id (it is the record read); its text, and so its text hash, changed.
    assert kept[0].id == page.id and kept[0].text_hash != page.text_hash and kept[0].n_chars == len(kept[0].text)
    assert ("langid_removed_lines|eng_Latn", 1) in stats  # a small part: removed as lines, counted


def test_bilingual_page_splits_into_parts_that_count_as_read(ensemble):
    page = web("\n".join(SWAHILI_PAGE[:1] + ENGLISH_PAGE + SWAHILI_PAGE[2:]))
    decisions, stats = DocumentLanguage(ensemble, LangId()).identify([page])
    kept = {d.lang: d for d, why in decisions if not why}
    assert set(kept) == {"swh_Latn", "eng_Latn"}
    assert kept["eng_Latn"].text == "\n".join(ENGLISH_PAGE) and len({d.id for d in kept.values()}) == 2
    assert ("read|langid/split", 1) in stats  # one page read, two documents out: the manifest still reconciles
    decisions, _ = DocumentLanguage(ensemble, LangId(paragraphs="majority")).identify([page])
    larger = max(kept, key=lambda lang: kept[lang].n_chars)
    assert [d.lang for d, why in decisions] == [larger]  # majority mode keeps the larger part only


def test_script_check_relabels_or_drops(fasttext):
    assert dominant_script("Ово је текст на ћирилици") == "Cyrl" and dominant_script("12 + 34") == "Zyyy"
    assert relabel_for_script("srp_Cyrl", "Latn") == "srp_Latn" and relabel_for_script("hin_Deva", "Latn") is None

    class Says:  # an identifier that is sure of one label, to exercise the check on real text
        name = "fixed"

        def __init__(self, lang):
            self.lang = lang

        def predict(self, texts):
            return [Prediction(self.lang, 0.9, "", 0.0, self.name) for _ in texts]

    latin = web("Ovo je rečenica napisana latinicom, kako se često piše na internetu u Srbiji.")
    (doc, why), = DocumentLanguage(Says("srp_Cyrl"), LangId()).identify([latin])[0]
    assert (doc.lang, why) == ("srp_Latn", "")
    (doc, why), = DocumentLanguage(Says("hin_Deva"), LangId()).identify([latin])[0]
    assert why == LANGID_SCRIPT_MISMATCH
    (doc, why), = DocumentLanguage(Says("srp_Cyrl"), LangId(script_mismatch="drop")).identify([latin])[0]
    assert why == LANGID_SCRIPT_MISMATCH


def test_thresholds_global_and_per_language(fasttext):
    doc = web(SWAHILI_PAGE[0])
    (kept, why), = DocumentLanguage(fasttext, LangId(identifier="fasttext", min_score=0.99)).identify([doc])[0]
    assert why == LANGID_LOW_SCORE and kept.lang == "swh_Latn"
    (kept, why), = DocumentLanguage(fasttext, LangId(identifier="fasttext", min_score=0.99, min_score_per_lang={"swh_Latn": 0.2})).identify([doc])[0]
    assert why == "" and kept.lang2 and kept.lang2_score < kept.lang_score and kept.lid_model == "fasttext"


def test_pipeline_stage_counts_split_parts():
    page = web("\n".join(SWAHILI_PAGE[:1] + ENGLISH_PAGE + SWAHILI_PAGE[2:]))
    with TestPipeline() as p:
        kept, dropped, stats, _ = p | beam.Create([page]) | IdentifyLanguage(LangId())
        assert_that(kept | "Langs" >> beam.Map(lambda d: d.lang), equal_to(["swh_Latn", "eng_Latn"]), label="kept")
        assert_that(stats | "Split" >> beam.Filter(lambda s: s[0].startswith("read|")), equal_to([("read|langid/split", 1)]), label="stats")


def test_corpus_langid_command_prints_what_the_build_decides(tmp_path, capsys):
    from pipelines.cli import run

    file = tmp_path / "lines.txt"
    file.write_text("\n".join([SWAHILI, ENGLISH_PAGE[0], "qqq zzz"]) + "\n", encoding="utf-8")
    assert run(["langid", str(file)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in out[:2]] == ["swh_Latn", "eng_Latn"]
    assert out[2].endswith("\tlangid/low_score") and float(out[1].split("\t")[1]) > 0.5
    run(["langid", str(file), "--model", "fasttext", "--paragraphs"])
    alone = capsys.readouterr().out.splitlines()
    assert alone[0].split("\t")[0] != "swh_Latn" and len(alone) == 3
    # As a user runs it, reading stdin:
    piped = subprocess.run([sys.executable, "-m", "pipelines.cli", "langid", "--model", "heliport"], input=SWAHILI + "\n", capture_output=True, text=True, timeout=120)
    assert piped.stdout.split("\t")[0] == "swh_Latn"


def test_script_check_accepts_japanese_kana_and_han():
    from corpus.langid.scripts import script_agrees, text_script_for

    text = "授業は八時半に始まり、低学年の子どもたちは三時に下校する。"
    assert script_agrees("Jpan", text_script_for("Jpan", text))
    assert script_agrees("Hans", text_script_for("Hans", "今年春天来得很晚，市场上的水果比往年少。"))


# Written for this project: a Japanese page with a kanji-only list, and Swahili pages with a reference block.
JAPANESE_PROSE = [
    "駅前の商店街では、毎朝七時になるとパン屋が店を開け、焼きたてのパンの香りが通りに広がります。",
    "週末には近くの公園で小さな市場が開かれ、地元の農家が野菜や果物を売りに来ています。",
]
KANJI_LIST = ["物理学", "数理物理学", "原子核物理学", "量子力学", "集合論", "天文学", "地球科学", "方言", "人物", "善福院", "有形文化財建造物", "一般国道"]
REFERENCES = [
    "Smith, J. (2004). The history of trade along the coast and the people who lived from it. Oxford University Press.",
    "Brown, A. B. (1998). What the old harbour towns tell us about the weather and the sea, pp. 45-67. London.",
    "Miller, R. (2011). How the markets of the coast were built and who was allowed to sell there, vol. 2, pp. 112-130.",
    "Taylor, K. M. (1987). Boats, winds and the long journeys between the islands. Journal of Maritime History 12: 201-219.",
]


def test_kanji_only_lines_of_a_japanese_page_stay_japanese(fasttext, ensemble):
    assert any(p.lang.startswith("zho_") for p in ensemble.predict(KANJI_LIST))  # alone, some read as Chinese
    page = web("\n".join(JAPANESE_PROSE[:1] + KANJI_LIST + JAPANESE_PROSE[1:]))
    decisions, stats = DocumentLanguage(ensemble, LangId()).identify([page])
    assert [(d.lang, why) for d, why in decisions] == [("jpn_Jpan", "")]
    assert decisions[0][0].text == page.text  # nothing split off or removed
    assert any(key.startswith("langid_han_relabelled|zho_") for key, _ in stats)


def test_a_page_of_kanji_lists_with_some_kana_is_japanese(ensemble):
    page = web("\n".join(KANJI_LIST * 3 + JAPANESE_PROSE[:1]))
    (doc, why), = DocumentLanguage(ensemble, LangId()).identify([page])[0]
    assert (doc.lang, why, doc.text) == ("jpn_Jpan", "", page.text)
    (doc, why), = DocumentLanguage(ensemble, LangId(paragraphs="document")).identify([page])[0]
    assert doc.lang == "jpn_Jpan"


def test_a_chinese_page_quoting_a_japanese_title_stays_chinese(ensemble):
    chinese = ["今年春天来得很晚，市场上的水果比往年少，价格也比去年高了不少。", "这家书店每个周末都会举办读书会，很多学生和老人都来参加讨论。"]
    page = web("\n".join(chinese + ["新作アニメ「となりのトトロ」上映中"]))
    decisions, _ = DocumentLanguage(ensemble, LangId()).identify([page])
    assert [d.lang for d, why in decisions if not why] == ["zho_Hans"]


def test_citation_lines_are_told_from_prose():
    from corpus.langid.lines import citation_like, list_like

    assert all(citation_like(line) for line in REFERENCES + KANJI_LIST + ["Kantei.go.jp, official site of the Prime Minister"])
    assert not any(citation_like(line) for line in SWAHILI_PAGE[:1] + ENGLISH_PAGE + JAPANESE_PROSE)
    assert list_like(REFERENCES, 0.5) and not list_like(ENGLISH_PAGE, 0.5)


def test_a_reference_block_is_not_split_off_as_a_document(ensemble):
    page = web("\n".join(SWAHILI_PAGE[:1] + SWAHILI_PAGE[2:] + REFERENCES))
    assert sum(map(len, REFERENCES)) >= LangId().min_part_chars  # large enough to have been split off
    assert {p.lang for p in ensemble.predict(REFERENCES)} == {"eng_Latn"}
    decisions, stats = DocumentLanguage(ensemble, LangId()).identify([page])
    assert [(d.lang, why) for d, why in decisions] == [("swh_Latn", "")]
    assert "Oxford" not in decisions[0][0].text and ("read|langid/split", 1) not in stats
    assert ("langid_list_parts|eng_Latn", 1) in stats
    # With the list rule off (list_share above 1) the same block becomes an "English" document.
    decisions, _ = DocumentLanguage(ensemble, LangId(list_share=1.01)).identify([page])
    assert sorted(d.lang for d, _ in decisions) == ["eng_Latn", "swh_Latn"]


def test_a_list_read_as_a_close_language_joins_its_page():
    """Ukrainian names read as Russian (second choice Ukrainian) stay on the page; a list in another script is removed."""
    prose = ["Ця сторінка розповідає про відомих письменників дев'ятнадцятого століття та їхні найважливіші твори."] * 3
    names = ["Толстой Лев Миколайович", "Чехов Антон Павлович", "Гоголь Микола Васильович", "Франко Іван Якович"] * 3
    latin = ["Tolstoy, L. (1869). War and Peace. Moscow.", "Chekhov, A. (1904). The Cherry Orchard. Moscow."] * 3

    class Says:  # recorded-style answers: prose Ukrainian, names Russian with Ukrainian second, Latin lines English
        name = "fixed"

        def predict(self, texts):
            return [
                Prediction("ukr_Cyrl", 0.99, "rus_Cyrl", 0.01, "fixed") if t in prose
                else Prediction("rus_Cyrl", 0.8, "ukr_Cyrl", 0.15, "fixed") if t in names
                else Prediction("eng_Latn", 0.9, "deu_Latn", 0.05, "fixed")
                for t in texts
            ]

    page = web("\n".join(prose + names + latin))
    decisions, stats = DocumentLanguage(Says(), LangId()).identify([page])
    (doc, why), = decisions
    assert (doc.lang, why) == ("ukr_Cyrl", "") and doc.text == "\n".join(prose + names)
    assert ("langid_list_joined_lines|rus_Cyrl>ukr_Cyrl", len(names)) in stats and ("langid_list_parts|eng_Latn", 1) in stats


def test_calibrated_thresholds_are_the_config_defaults():
    """The defaults are the values benchmarks/langid.py chose, whose figures the dataset card shows."""
    from corpus.langid import calibration

    chosen = calibration()["thresholds"]
    assert LangId().ensemble_threshold == chosen["ensemble_threshold"]
    assert LangId().min_score_per_lang == chosen["min_score_per_lang"]
    assert EnsembleIdentifier(FastTextIdentifier(), HeliportIdentifier()).threshold == chosen["ensemble_threshold"]


def test_dataset_card_shows_language_id_precision_and_recall_of_the_release_languages():
    from corpus import release
    from corpus.langid import calibration

    stats = {"read|wikipedia": 3, "kept|jpn_Jpan": 2, "kept_chars|jpn_Jpan": 500, "written|jpn_Jpan": 2, "written_chars|jpn_Jpan": 500,
             "kept|fao_Latn": 1, "kept_chars|fao_Latn": 300, "written|fao_Latn": 1, "written_chars|fao_Latn": 300}  # fmt: skip
    config = {"name": "t", "rebalance": {"alpha": 0.3}, "langid": LangId().model_dump()}
    manifest = release.assemble_manifest(config, {}, stats, {}, [], None, {})
    card = release.dataset_card(manifest)
    measured = calibration()["systems"]["ensemble"]["jpn_Jpan"]
    row = next(line for line in card.splitlines() if line.startswith("| jpn_Jpan |") and "precision" not in line and line.count("|") == 7)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells == ["jpn_Jpan", str(measured["items"])] + [f"{measured[k]:.2f}" for k in ("precision_strict", "recall_strict", "precision_lenient", "recall_lenient")]
    assert "| fao_Latn | 0 | not measured |" in card and "differ from the calibrated" not in card
    manifest.config["langid"]["min_score_per_lang"] = {}
    assert "differ from the calibrated" in release.dataset_card(manifest)
    manifest.config["langid"]["model"] = "gs://models/glotlid.bin"
    assert "does not measure" in release.dataset_card(manifest)


def test_reference_marks_read_years_in_any_digits_and_urls():
    from corpus.langid.lines import japanese_page, marks

    assert marks("प्रकाशन वर्ष २००४ में हुआ") == marks("प्रकाशन वर्ष 2004 में हुआ") == 1
    assert marks("more on example.org/page here") == marks("more on www.example.org here") == 1
    assert marks("a plain sentence without any") == 0
    japanese = "これは日本語の文章です。東京都に住んでいます。"
    assert japanese_page(japanese, 0.1)
    assert not japanese_page(japanese + "这们说对发经过还进时间问见", 0.1)  # characters only Chinese writes
