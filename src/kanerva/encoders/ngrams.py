"""Letter n-grams as hypervectors, with the exact count-then-project fast path.

Each letter gets a keyed random vector; an n-gram is the bind of its letters, each permuted by
its distance from the end (Joshi, Halseth & Kanerva 2016, "Language geometry using random
indexing", eq. 1; Rahimi, Kanerva & Rabaey 2016):

    HV(l_1 l_2 ... l_n) = rho^{n-1}(L_1) * rho^{n-2}(L_2) * ... * L_n,   e.g. THE = rr(T) * r(H) * E

and the profile of a text is the sum of the vectors of all its n-grams (a sliding window). The
sum is linear, so ``profile = sum_g count(g) * HV(g)``: counting the n-grams first (integer codes,
a numba kernel) and projecting each distinct n-gram once gives the same profile as encoding
position by position (:meth:`NGramEncoder.encode_direct`, the reference; a test proves it for all
four models: bit for bit for BSC and MAP, up to float32 rounding for HRR and FHRR, whose n-gram
vectors are computed in batches).

Every model keeps the letter order: BSC, MAP and FHRR bind elementwise, so rotating one factor
changes the product, and HRR permutes with a random permutation (a rotation would
commute with circular convolution and make THE = EHT).

Normalization (any script, no transliteration): lowercase, Unicode NFC; letters are the code points
of categories L* and M* (so combining marks and abugida vowel signs stay with their script);
everything else -- digits, punctuation, symbols, whitespace -- is a word boundary, a run of them
collapses into one space, and a text is padded with one space at each end so that word-initial and
word-final n-grams exist. A text without letters has no n-grams.

Examples
--------
>>> import kanerva as kv
>>> enc = NGramEncoder(kv.BSC(1_000, seed=0), ngram=3)
>>> normalize("The 2 cats!")
' the cats '
>>> counts = enc.count(["The cat", "the hat"])
>>> sorted(zip(counts.ngrams(), counts.counts.tolist()))[:3]
[(' ca', 1), (' ha', 1), (' th', 2)]
>>> bool((enc.project(counts) == enc.encode_direct("The cat") + enc.encode_direct("the hat")).all())
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..vsa import Space
from .ngram_counts import (  # noqa: F401  (re-exported: the counting API lives there)
    Alphabet,
    CountsSum,
    NGramCounts,
    check_ngram,
    codepoints,
    count_codepoints,
    decode_codes,
    letter_ids,
    merge_counts,
    ngram_codes,
    normalize,
    split_text,
)


# ---- the encoder -------------------------------------------------------------------------------


class NGramEncoder:
    """Texts -> n-gram hypervectors in ``space`` (any model).

    Parameters
    ----------
    space : Space
    ngram : int or sequence of int
        N-gram size(s); several sizes are a mixture (their vectors are summed together).
    """

    def __init__(self, space: Space, ngram=3):
        if not isinstance(space, Space):
            raise TypeError(f"space must be a kanerva Space, got {type(space).__name__}")
        self.space = space
        self.sizes = check_ngram(ngram)

    def letter_vectors(self, letters: str) -> np.ndarray:
        """Keyed random vectors of ``letters`` (same in every process for the space's seed)."""
        return self.space.random(key=[f"letter:{c}" for c in letters])

    def ngram_vectors(self, ngrams: Sequence[str]) -> np.ndarray:
        """The vector of each n-gram string: bind of its letters, letter i permuted n-i times."""
        if not ngrams:
            return np.empty((0,) + self.space.shape, dtype=self.space.dtype)
        letters = sorted(set("".join(ngrams)))
        table = self.letter_vectors("".join(letters))
        index = {c: i for i, c in enumerate(letters)}
        sizes = np.array([len(g) for g in ngrams])
        ids = np.full((len(ngrams), int(sizes.max())), -1, dtype=np.int64)
        for r, g in enumerate(ngrams):
            ids[r, : len(g)] = [index[c] for c in g]
        return self.vectors_from_ids(table, sizes, ids)

    def vectors_from_ids(self, table: np.ndarray, sizes: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """N-gram vectors from letter ``ids`` (m, max n; row r uses its first ``sizes[r]``): letter
        i of an n-gram permuted n - 1 - i times, all bound (:meth:`Space.bind_gather` over the
        letter ``table`` permuted 0, 1, ... times)."""
        sizes = np.asarray(sizes, dtype=np.int64)
        ids = np.asarray(ids, dtype=np.int64)
        if not len(sizes):
            return np.empty((0,) + self.space.shape, dtype=self.space.dtype)
        width = int(sizes.max())
        index = np.full((len(sizes), width), -1, dtype=np.int64)
        for j in range(width):  # table j (the letters permuted j times) gives letter n - 1 - j
            live = sizes > j
            index[live, j] = ids[live, sizes[live] - 1 - j]
        return self.space.bind_gather([self.space.permute(table, j) for j in range(width)], index)

    def count(self, texts: Sequence[str]) -> NGramCounts:
        """Count the n-grams of ``texts`` (the first half of the fast path)."""
        return count_codepoints(*codepoints(texts), self.sizes)

    def project(self, counts: NGramCounts) -> np.ndarray:
        """``sum_g count(g) * HV(g)``, the raw accumulator (``space.normalize`` makes it a vector)."""
        if counts.codes.size == 0:
            raise ValueError("no n-grams to project (the texts have no letters)")
        sizes, ids = decode_codes(counts.codes, len(counts.alphabet))
        vectors = self.vectors_from_ids(self.letter_vectors(counts.alphabet.letters), sizes, ids)
        return self.space.accumulate(vectors, weights=counts.counts)

    def encode(self, text: str) -> np.ndarray:
        """Profile accumulator of one text by the fast path."""
        return self.project(self.count([text]))

    def encode_direct(self, text: str) -> np.ndarray:
        """Profile accumulator of one text, position by position through the Space API (reference)."""
        stream = normalize(text)
        s = self.space
        grams = []
        for p in range(len(stream)):
            for n in self.sizes:
                if p + n <= len(stream):
                    letters = [s.random(key=f"letter:{c}") for c in stream[p : p + n]]
                    g = s.permute(letters[0], n - 1)
                    for i in range(1, n):
                        g = s.bind(g, s.permute(letters[i], n - 1 - i))
                    grams.append(g)
        if not grams:
            raise ValueError("no n-grams to encode (the text has no letters)")
        return s.accumulate(np.stack(grams))


def next_letter(encoder: NGramEncoder, profile: np.ndarray, prefix: str, k: int | None = None, letters: str | None = None):
    """The letter most likely to follow ``prefix`` according to ``profile``.

    The query ``Q = rho^{n-1}(L_1) * ... * rho(L_{n-1})`` unbound from the profile of (n)-grams
    leaves ``sum_x count(prefix + x) * x`` plus noise; cleanup against the letters finds ``x``
    (Joshi, Halseth & Kanerva 2016). ``profile`` is a vector of the encoder's space; the candidate
    ``letters`` default to the boundary, a..z and the letters of ``prefix``. With ``k``, the top
    ``k`` (letter, similarity) pairs.

    Examples
    --------
    >>> import kanerva as kv
    >>> enc = NGramEncoder(kv.MAP(4_000, seed=1), ngram=3)
    >>> english = "the cat sat on the mat with the other three thin hats then they went there"
    >>> next_letter(enc, enc.space.normalize(enc.encode(english)), "th")
    'e'
    """
    s = encoder.space
    n = len(prefix) + 1
    if not prefix:
        raise ValueError("prefix must have at least one letter")
    given = encoder.letter_vectors(prefix.lower())
    q = s.permute(given[0], n - 1)
    for i in range(1, len(prefix)):
        q = s.bind(q, s.permute(given[i], n - 1 - i))
    answer = s.unbind(s.check(profile, "profile", batch=False), q)
    candidates = sorted(set((letters or " abcdefghijklmnopqrstuvwxyz") + prefix.lower()))
    sims = np.asarray(s.similarity(encoder.letter_vectors("".join(candidates)), answer))
    order = np.argsort(-sims, kind="stable")
    if k is None:
        return candidates[order[0]]
    return [(candidates[i], float(sims[i])) for i in order[:k]]
