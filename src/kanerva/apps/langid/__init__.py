"""Language identification from letter n-gram hypervectors (Joshi, Halseth & Kanerva 2015,
"Language recognition using random indexing").

The corpus contract is a directory of ``<label>.txt`` (or ``.txt.gz``) files, UTF-8, one text per
line; :mod:`kanerva.apps.langid.corpus` reads it and locates the shipped 21-language corpus.
"""
