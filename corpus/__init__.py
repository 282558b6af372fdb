"""The corpus builder's domain: plain Python over records, no Apache Beam here."""
