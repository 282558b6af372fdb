"""Parallel sentence mining for Translation Language Modelling, in plain Python.

    sentences.py   sentence splitting per script
    lexical.py     the embedded lexical encoder and its Dice lexicon
    encoders.py    the encoder interface; optional LaBSE / LASER
    score.py       ratio-margin scoring, k-NN in both directions, global mining
    align.py       monotonic DP alignment inside a document pair
    filters.py     pair filters, each with a counted reason
    candidates.py  candidate document pairs: Wikipedia titles, web URL language markers
    mine.py        one document pair: split, encode, align, filter

pipelines/bitext.py wires these into Beam.
"""
