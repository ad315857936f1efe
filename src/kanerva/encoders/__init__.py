"""Encoders: symbols, levels, n-grams and projections into a Space."""

from .codebook import Codebook
from .ngrams import NGramEncoder, next_letter
from .random_indexing import RandomIndexing

__all__ = ["Codebook", "NGramEncoder", "next_letter", "RandomIndexing"]
