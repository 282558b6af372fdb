"""The language-ID benchmark's reader of .po translations (benchmarks/langid_devset.py), on a file written here."""

from benchmarks.langid_devset import clean, po_messages

PO = '''# A translation file written for this test.
msgid ""
msgstr ""
"Language: hr\\n"

msgid "The file you uploaded was empty."
msgstr "Datoteka koju ste poslali bila je prazna."

#, fuzzy
msgid "Enter a valid value."
msgstr "Unesite ispravnu vrijednost."

msgid "Ensure this value has at most %(limit_value)d character."
msgid_plural "Ensure this value has at most %(limit_value)d characters."
msgstr[0] "Osigurajte da ova vrijednost ima najviše %(limit_value)d znak."
msgstr[1] "Osigurajte da ova vrijednost ima najviše %(limit_value)d znaka."

msgid ""
"A long message "
"on two lines."
msgstr ""
"Duga poruka "
"u dva retka."

msgid "Untranslated."
msgstr ""

msgid "Same."
msgstr "Same."
'''


def test_po_messages_keep_translated_entries_only():
    found = dict(po_messages(PO))
    assert found == {
        "The file you uploaded was empty.": "Datoteka koju ste poslali bila je prazna.",
        "Ensure this value has at most %(limit_value)d character.": "Osigurajte da ova vrijednost ima najviše %(limit_value)d znak.",
        "A long message on two lines.": "Duga poruka u dva retka.",
    }  # the header, the fuzzy, the untranslated and the unchanged entries are left out


def test_clean_removes_placeholders_and_markup():
    assert clean("Osigurajte da ova vrijednost ima najviše %(limit_value)d znak.") == "Osigurajte da ova vrijednost ima najviše znak."
    assert clean("<b>Pozor</b>: {name} je %s\\n obrisan") == "Pozor : je obrisan"


def _po(pairs: list[tuple[str, str]]) -> str:
    return "\n\n".join(f'msgid "{source}"\nmsgstr "{target}"' for source, target in pairs) + "\n"


def test_po_items_read_every_locale_of_a_wheel_with_one_split_per_english_message(tmp_path):
    import zipfile

    from benchmarks.langid import split_of
    from benchmarks.langid_devset import po_items

    english = [f"Message number {n} about the saved settings of a project" for n in range(12)]
    croatian = [f"Poruka broj {n} o spremljenim postavkama jednog projekta" for n in range(12)]
    slovak = [f"Správa číslo {n} o uložených nastaveniach jedného projektu" for n in range(12)]
    path = tmp_path / "app-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("app/locale/hr/LC_MESSAGES/django.po", _po(list(zip(english, croatian))))
        zf.writestr("app/locale/sk/LC_MESSAGES/django.po", _po(list(zip(english, slovak))))
        zf.writestr("app/locale/en_GB/LC_MESSAGES/django.po", _po([(e, e + " (GB)") for e in english]))  # a regional variant: skipped
    items = po_items(path, "app", split_of)
    sentences = [i for i in items if i["set"] == "app"]
    assert {i["gold"] for i in items} == {"hrv_Latn", "slk_Latn"}
    assert len(sentences) == 24
    split_by_text = {i["text"]: i["split"] for i in sentences}
    for n in range(12):  # a message's translations share its split: none is tuned on in one language and reported in another
        assert split_by_text[croatian[n]] == split_by_text[slovak[n]] == split_of(english[n])
    for item in (i for i in items if i["set"] == "app_paragraphs"):  # a paragraph joins messages of its own split only
        parts = [t for t in croatian + slovak if t in item["text"]]
        assert len(parts) == 4 and all(split_by_text[t] == item["split"] for t in parts)
