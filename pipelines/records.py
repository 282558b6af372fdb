"""Records travel between Beam stages as schema rows (RowCoder): compact, and portable across runners."""

import apache_beam as beam

from corpus.schema import BitextPair, Document, Drop, Sample
from corpus.sources.langlinks import LangLink

for _record in (Document, BitextPair, Drop, LangLink, Sample):
    beam.coders.registry.register_coder(_record, beam.coders.RowCoder)
