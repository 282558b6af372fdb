"""Apache Beam wiring: PTransforms over corpus/ functions, and the pipeline entry points."""
