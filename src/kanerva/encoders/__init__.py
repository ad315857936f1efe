"""Encoders into a Space: keyed symbols (Codebook), letter n-grams (NGramEncoder), random indexing."""

from .codebook import Codebook
from .ngrams import NGramEncoder, next_letter
from .random_indexing import RandomIndexing

__all__ = ["Codebook", "NGramEncoder", "next_letter", "RandomIndexing"]
