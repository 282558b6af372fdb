from corpus.langid import LanguageIdentifier, normalise_label


def test_labels_normalise_to_iso639_3_and_script():
    assert normalise_label("__label__fr") == "fra_Latn"
    assert normalise_label("__label__ru") == "rus_Cyrl"
    assert normalise_label("__label__ja") == "jpn_Jpan"
    assert normalise_label("__label__sw") == "swh_Latn"
    assert normalise_label("__label__am") == "amh_Ethi"
    assert normalise_label("__label__als") == "gsw_Latn"  # Wikipedia code for Alemannic
    assert normalise_label("__label__fra_Latn") == "fra_Latn"  # GlotLID/OpenLID labels pass through


def test_every_lid176_label_gets_a_distinct_code():
    model = LanguageIdentifier()
    labels = model._model.get_labels()
    codes = {normalise_label(label) for label in labels}
    assert len(codes) == len(labels) == 176
    assert all("_" in code and len(code.split("_")[1]) == 4 for code in codes)


def test_real_model_predicts_in_batches_with_second_label():
    model = LanguageIdentifier()
    texts = [
        "The library opens at nine in the morning and closes late on Thursdays.",
        "Библиотека открывается в девять утра и закрывается поздно по четвергам.",
        "La bibliothèque ouvre à neuf heures du matin et ferme tard le jeudi.",
        "図書館は朝九時に開き、木曜日は遅くまで開いています。",
    ]
    predictions = model.predict(texts)
    assert [p.lang for p in predictions] == ["eng_Latn", "rus_Cyrl", "fra_Latn", "jpn_Jpan"]
    assert all(0.5 < p.score <= 1.0 and p.lang2 and p.lang2 != p.lang for p in predictions)
