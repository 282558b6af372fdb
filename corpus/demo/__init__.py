"""Embedded demo inputs: small, deterministic, CommonCrawl- and Wikipedia-shaped sample files.

    from corpus.demo import write_demo_inputs
    paths = write_demo_inputs(out_dir)   # {"wet": [...], "warc": [...], "wikipedia": [...], "langlinks": [...]}

All text comes from ``corpus/demo/texts/`` and was written for this project.
"""

from corpus.demo.generate import write_demo_inputs
from corpus.demo.texts import LANGS, load_pools, load_topics

__all__ = ["write_demo_inputs", "LANGS", "load_pools", "load_topics"]
