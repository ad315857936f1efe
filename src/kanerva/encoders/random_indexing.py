"""Random indexing: word vectors from the contexts words occur in (Kanerva, Kristoferson &
Holst 2000, "Random indexing of text samples for latent semantic analysis", Proc. 22nd
Cognitive Science Society; Sahlgren 2005, "An introduction to random indexing"; Sahlgren,
Holst & Kanerva 2008, "Permutations as a means to encode order in word space").

Every context (a neighbouring word, or a whole document) has a fixed sparse ternary *index
vector*: ``dim`` entries of which ``nonzeros`` (e.g. 10 of 2,000) are +1 or -1 at random,
drawn from (seed, key) so that the same word gets the same index vector in every process. A
word's *context vector* is the sum of the index vectors of the contexts it occurs in, so words
used alike come out similar (cosine), without ever building the words x contexts matrix: the
dimension stays fixed however many contexts there are. With ``order=True`` the index vector
of the neighbour at offset o is rotated by o before it is added (Sahlgren et al. 2008), so
"x before y" and "y before x" add different vectors.

Examples
--------
>>> text = [s.split() for s in ["the cat drinks milk", "the dog drinks water",
...         "a cat eats fish", "a dog eats meat", "the car needs fuel", "a car needs oil"]]
>>> ri = RandomIndexing(dim=2_000, nonzeros=10, window=2, seed=0).fit(text)
>>> ri.similarity("cat", "dog") > ri.similarity("cat", "car")
True
>>> ri.index_vectors(["cat"]).shape, int(abs(ri.index_vectors(["cat"])).sum())
((1, 2000), 10)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from ..vsa import keys as _keys
from ..vsa.dense import cosine_matrix


def tokenize(line: str) -> list[str]:
    """Lower-case words of ``line`` (runs of letters and apostrophes).

    Examples
    --------
    >>> tokenize("The cat's milk, on Monday.")
    ['the', "cat's", 'milk', 'on', 'monday']
    """
    return re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", line.lower())


class RandomIndexing:
    """Context vectors of words by random indexing.

    Parameters
    ----------
    dim : int
        Dimension of the index and context vectors (e.g. 2,000).
    nonzeros : int
        Non-zero (+1 or -1) entries per index vector (even, e.g. 10: half +1, half -1).
    window : int or None
        Contexts are the words up to ``window`` positions to each side; None: the contexts
        are the documents (Kanerva, Kristoferson & Holst 2000).
    order : bool
        Rotate a neighbour's index vector by its offset (word order; window contexts only).
    seed : int
        Seed of the index vectors (a word's index vector depends only on (seed, word)).
    stopwords : iterable of str
        Words that are neither counted as contexts nor given context vectors ("frequent
        stopwords should be ignored").

    Attributes
    ----------
    vocabulary_ : dict
        Word -> row of :attr:`vectors_`, in order of first occurrence.
    vectors_ : ndarray (n_words, dim), float32
        The context vectors.
    counts_ : ndarray (n_words,), int64
        Occurrences of each word.

    Examples
    --------
    >>> docs = [["red", "apple"], ["green", "apple"], ["red", "car"], ["green", "car"]]
    >>> ri = RandomIndexing(dim=1_000, window=1, seed=0).fit(docs)
    >>> round(ri.similarity("red", "green"), 2), ri.similarity("red", "apple")
    (1.0, 0.0)
    >>> ri.most_similar("red", k=1)
    [('green', 1.0)]
    """

    def __init__(self, dim: int = 2_000, nonzeros: int = 10, window: int | None = 2, order: bool = False,
                 seed: int = 0, stopwords: Iterable[str] = ()):
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 2:
            raise ValueError(f"dim must be an integer >= 2, got {dim!r}")
        if isinstance(nonzeros, bool) or not isinstance(nonzeros, (int, np.integer)) or not 0 < nonzeros <= dim:
            raise ValueError(f"nonzeros must be an integer in 1..dim={dim}, got {nonzeros!r}")
        if window is not None and (isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1):
            raise ValueError(f"window must be a positive integer or None (document contexts), got {window!r}")
        if order and window is None:
            raise ValueError("order=True needs word contexts (a window), not document contexts")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an integer, got {seed!r}")
        self.dim, self.nonzeros, self.window, self.order, self.seed = int(dim), int(nonzeros), window, order, int(seed)
        self.stopwords = frozenset(stopwords)

    # ---- index vectors -------------------------------------------------------------------

    def index_positions(self, keys: Sequence) -> tuple[np.ndarray, np.ndarray]:
        """Positions (n, nonzeros) and signs (n, nonzeros) of the index vectors of ``keys``.

        Positions are distinct within a row; the first half of the signs is +1, the rest -1
        (so every index vector sums to 0 when ``nonzeros`` is even).
        """
        keys = list(keys)
        if not keys:
            return np.empty((0, self.nonzeros), np.int64), np.empty((0, self.nonzeros), np.int8)
        k = self.nonzeros
        draws = 4 * k + 8  # candidates; duplicates among them are skipped
        words = _keys.stream(_keys.key_hashes(self.seed, ["random-indexing"] + keys)[1:], -(-draws // 2))
        cand = np.floor(_keys.uniform01(words)[:, :draws] * self.dim).astype(np.int64)
        positions = np.empty((len(keys), k), dtype=np.int64)
        for i, row in enumerate(cand):
            distinct = list(dict.fromkeys(row.tolist()))[:k]
            if len(distinct) < k:  # only when nonzeros is close to dim: fill from the rest, in order
                distinct += [p for p in range(self.dim) if p not in set(distinct)][: k - len(distinct)]
            positions[i] = distinct
        signs = np.where(np.arange(k) < (k + 1) // 2, 1, -1).astype(np.int8)
        return positions, np.broadcast_to(signs, positions.shape).copy()

    def index_vectors(self, keys: Sequence) -> np.ndarray:
        """Dense index vectors (n, dim), int8 in {-1, 0, +1}."""
        positions, signs = self.index_positions(keys)
        out = np.zeros((len(positions), self.dim), dtype=np.int8)
        np.put_along_axis(out, positions, signs, axis=1)
        return out

    # ---- learning --------------------------------------------------------------------------

    def fit(self, documents: Iterable[Sequence[str]]) -> "RandomIndexing":
        """Learn context vectors from ``documents``, each a sequence of tokens (words)."""
        docs = self._tokens(documents)
        vocabulary: dict[str, int] = {}
        ids = [np.array([vocabulary.setdefault(w, len(vocabulary)) for w in d], dtype=np.int64) for d in docs]
        if not vocabulary:
            raise ValueError("no words to learn from: the documents are empty (or all stopwords)")
        words = list(vocabulary)
        counts = np.bincount(np.concatenate(ids), minlength=len(words)).astype(np.int64)
        acc = np.zeros((len(words), self.dim), dtype=np.int32)
        if self.window is None:
            pos, sgn = self.index_positions([f"document:{i}" for i in range(len(ids))])
            for i, d in enumerate(ids):
                np.add.at(acc, (d[:, None], pos[i][None, :]), sgn[i][None, :])
        else:
            pos, sgn = self.index_positions(words)
            for d in ids:
                for offset in [o for o in range(-self.window, self.window + 1) if o]:
                    if abs(offset) >= len(d):
                        continue
                    target = d[max(0, -offset): len(d) - max(0, offset)]
                    context = d[max(0, offset): len(d) + min(0, offset)]
                    shifted = (pos[context] + offset) % self.dim if self.order else pos[context]
                    np.add.at(acc, (target[:, None], shifted), sgn[context])
        self.vocabulary_, self.counts_, self.vectors_ = vocabulary, counts, acc.astype(np.float32)
        return self

    def _tokens(self, documents) -> list[list[str]]:
        if isinstance(documents, str):
            raise TypeError("documents must be a sequence of token lists (e.g. [text.split()]), not one string")
        docs = []
        for i, doc in enumerate(documents):
            if isinstance(doc, str) or not all(isinstance(t, str) for t in doc):
                raise TypeError(f"document {i} must be a sequence of str tokens (e.g. line.split()), got {doc!r:.60}")
            docs.append([t for t in doc if t not in self.stopwords])
        return docs

    # ---- queries ---------------------------------------------------------------------------

    def _row(self, word: str) -> int:
        vocab = getattr(self, "vocabulary_", None)
        if vocab is None:
            raise ValueError("the model is not fitted yet: call fit(documents) first")
        try:
            return vocab[word]
        except (KeyError, TypeError):
            raise KeyError(f"word {word!r} did not occur in the training text (or is a stopword)") from None

    def vector(self, word: str) -> np.ndarray:
        """The context vector of ``word`` (dim,)."""
        row = self._row(word)
        return self.vectors_[row]

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of the context vectors of two words."""
        return float(cosine_matrix(self.vector(a)[None], self.vector(b)[None])[0, 0])

    def most_similar(self, word: str, k: int = 5, min_count: int = 1) -> list[tuple[str, float]]:
        """The ``k`` words most similar to ``word`` (itself excluded) as (word, cosine)."""
        row = self._row(word)
        sims = cosine_matrix(self.vectors_[row][None], self.vectors_)[0]
        sims[row] = -np.inf
        sims[self.counts_ < min_count] = -np.inf
        order = np.argsort(-sims, kind="stable")[:k]
        words = list(self.vocabulary_)
        return [(words[i], float(sims[i])) for i in order if np.isfinite(sims[i])]



def group_agreement(model: RandomIndexing, groups: dict[str, Sequence[str]]) -> dict:
    """How well context vectors reproduce known groups of words used alike.

    Returns the fraction of words whose nearest neighbour (cosine, among all the words of
    ``groups``) is in their own group, and the mean cosine within and between groups.

    Examples
    --------
    >>> text = [s.split() for s in ["the cat drinks milk", "the dog drinks water",
    ...         "a cat eats fish", "a dog eats meat", "the car needs fuel", "a bus needs oil"]]
    >>> ri = RandomIndexing(dim=2_000, window=1, seed=0).fit(text)
    >>> group_agreement(ri, {"pets": ["cat", "dog"], "vehicles": ["car", "bus"]})["nearest_in_group"]
    1.0
    """
    words = [w for members in groups.values() for w in members]
    labels = np.array([g for g, members in groups.items() for _ in members])
    if len(words) < 2 or len(set(words)) != len(words):
        raise ValueError("groups must hold at least two words in all, each word in one group only")
    sims = cosine_matrix(*(2 * [np.stack([model.vector(w) for w in words])])).astype(np.float64)
    np.fill_diagonal(sims, -np.inf)
    same = labels[:, None] == labels[None, :]
    off_diagonal = ~np.eye(len(words), dtype=bool)
    return {
        "nearest_in_group": float(np.mean(labels[np.argmax(sims, axis=1)] == labels)),
        "mean_within": float(sims[same & off_diagonal].mean()) if (same & off_diagonal).any() else float("nan"),
        "mean_between": float(sims[~same].mean()) if (~same).any() else float("nan"),
    }
