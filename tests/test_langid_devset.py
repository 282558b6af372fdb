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
