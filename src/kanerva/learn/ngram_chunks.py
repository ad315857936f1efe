"""Training chunks of the n-gram classifier: the map tasks of a fit and the prepared examples.

Module-level functions, so that they travel to Dask workers (:mod:`kanerva.parallel`): counting a
chunk of texts (:func:`count_chunk`), or counting it and recording where its n-grams occur
(:func:`count_and_locate`) so that a retrained fit reads the corpus once; the examples as
vocabulary rows (:class:`PreparedChunk`); turning texts into vocabulary rows for inference
(:class:`Scorer`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._kernels import ngram_scores as K
from .._kernels.ngram_counts import CodeTable
from ..encoders.ngram_counts import Occurrences
from ..encoders.ngrams import Alphabet, NGramCounts, codepoints, count_codepoints, letter_ids, ngram_codes
from ..encoders.text_codepoints import CodePointTexts


def chunk_texts(item) -> tuple[int, list[str] | CodePointTexts]:
    """``(class index, texts)`` of a chunk item: a list of texts, texts already normalized
    (:class:`CodePointTexts`), or an object with ``read()``."""
    label, source = item
    if isinstance(source, CodePointTexts):
        return label, source
    return label, (source.read() if hasattr(source, "read") else list(source))


def count_chunk(item, sizes: tuple[int, ...]) -> tuple[int, NGramCounts, int]:
    """Map step of counting: (class index, n-gram counts, characters) of one chunk."""
    label, texts = chunk_texts(item)
    cps, offsets = codepoints(texts)
    return label, count_codepoints(cps, offsets, sizes), int(cps.size)


@dataclass
class LocatedChunk:
    """A chunk counted for training: its counts, and where its n-grams occur (to become the
    examples' vocabulary rows once the vocabulary is known, without reading the chunk again;
    None for a chunk whose class had its examples already when it was sent)."""

    label: int
    counts: NGramCounts
    n_chars: int
    occurrences: Occurrences | None
    n_examples: int


def count_and_locate(item, settings: tuple[tuple[int, ...], int]) -> LocatedChunk:
    """Map step of a retrained fit: counts and occurrences of one chunk in one pass. An item
    ``(label, texts, False)`` wants its counts only."""
    sizes, example_ngrams = settings
    label, texts = chunk_texts(item[:2])
    cps, offsets = codepoints(texts)
    if len(item) > 2 and not item[2]:
        return LocatedChunk(label, count_codepoints(cps, offsets, sizes), int(cps.size), None, 0)
    counts, occ = count_codepoints(cps, offsets, sizes, occurrences=True)
    row_offsets = np.zeros(occ.text_rows.size + 1, dtype=np.int64)
    np.cumsum(occ.text_rows, out=row_offsets[1:])
    n_examples = K.group_examples(row_offsets, example_ngrams).size - 1
    return LocatedChunk(label, counts, int(cps.size), occ, n_examples)


@dataclass
class Scorer:
    """Turns texts into vocabulary rows (what inference sums table rows over)."""

    alphabet: Alphabet
    sizes: tuple[int, ...]
    vocabulary: np.ndarray

    def __post_init__(self):
        self.codes = CodeTable(self.vocabulary)

    def rows(self, texts) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary rows (-1: unseen n-gram) of the n-grams of ``texts``, and offsets per text."""
        cps, offsets = codepoints(texts)
        ids, id_offsets = letter_ids(cps, offsets, self.alphabet)
        codes, code_offsets = ngram_codes(ids, id_offsets, self.sizes, len(self.alphabet))
        return self.codes.lookup(codes), code_offsets


@dataclass
class PreparedChunk:
    """Training examples as vocabulary rows: example i is ``rows[bounds[i]:bounds[i+1]]``."""

    label: int
    rows: np.ndarray
    bounds: np.ndarray
    labels: np.ndarray | None = None

    def __post_init__(self):
        if self.labels is None:
            self.labels = np.full(self.bounds.size - 1, self.label, dtype=np.int64)
