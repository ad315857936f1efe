"""Text classification by letter n-gram hypervectors: class profiles, then perceptron passes.

The model (Joshi, Halseth & Kanerva 2016; retraining as in Imani et al. 2019, "A framework for
collaborative learning in secure high-dimensional space", and OnlineHD, Hernandez-Cane et al. 2021):

1. Class profiles by bundling: ``P_c = sum_g count_c(g) HV(g)`` over the n-grams of the class's
   training text (counted, then projected once: :mod:`kanerva.encoders.ngrams`). The class
   vectors start as ``W_c = P_c / |P_c|`` (cosine classification).
2. Retraining in hypervector space: each pass scores every training example (a sentence-sized
   chunk, vector ``x = sum_g k(g) HV(g)``) and, for each example whose true class does not beat its
   best rival by ``margin`` (in units of ``|x|``, with ``|x|`` taken as ``sqrt(D) |k|``), adds
   ``x / |x|`` to the true class and subtracts it from the rival. The pass's updates are summed
   (a batch perceptron, so a pass is a map-reduce) into a direction ``U`` (unit Frobenius norm),
   and the step is chosen by a line search: a second map-reduce evaluates the training hinge
   loss ``sum max(0, margin - margin_i)`` at every step of a grid (0, 2^-12 .. 4) and
   ``W += step * U`` takes the best; training stops when no step helps.
3. Inference never re-encodes: the score of a text is linear in its n-gram counts, so the
   table ``T[g, c] = HV(g) . W_c`` is precomputed and a text's scores are the sum of the rows of
   its n-grams. N-grams never seen in training are left out of the text's vector: their vectors
   are random with respect to every class and add only cross-talk noise.

All vector arithmetic runs on real feature rows (:mod:`.hypervector_features`) in blocks of
n-grams, so memory stays ``O(block x D + V x classes)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ..encoders.ngrams import (Alphabet, NGramCounts, NGramEncoder, check_ngram, codepoints,
                               decode_codes, letter_ids, merge_counts, ngram_codes)
from ..parallel import LocalExecutor
from ..vsa import MODELS
from . import _ngram_kernels as K
from .hypervector_features import feature_dim, real_features

_BLOCK = 4096  # n-gram rows per feature block
_NATIVE_BYTES = 1 << 30  # n-gram vectors kept in memory during a fit up to this size
STEPS = np.concatenate([[0.0], 2.0 ** -np.arange(12, -3, -1)])  # line-search grid, 0 and 2^-12 .. 4


# ---- map tasks (module level: they travel to Dask workers) -------------------------------------


def chunk_texts(item) -> tuple[int, list[str]]:
    """``(class index, texts)`` of a chunk item: a list of texts, or an object with ``read()``."""
    label, source = item
    return label, (source.read() if hasattr(source, "read") else list(source))


def count_chunk(item, sizes: tuple[int, ...]) -> tuple[int, NGramCounts, int]:
    """Map step of counting: (class index, n-gram counts, characters) of one chunk."""
    label, texts = chunk_texts(item)
    cps, offsets = codepoints(texts)
    alphabet = Alphabet.from_codepoints(cps)
    ids, id_offsets = letter_ids(cps, offsets, alphabet)
    codes, _ = ngram_codes(ids, id_offsets, sizes, len(alphabet))
    unique, counts = np.unique(codes, return_counts=True)
    return label, NGramCounts(alphabet, unique, counts.astype(np.int64)), int(cps.size)


@dataclass
class Scorer:
    """What a worker needs to turn texts into vocabulary rows and score them."""

    alphabet: Alphabet
    sizes: tuple[int, ...]
    vocabulary: np.ndarray
    table: np.ndarray | None = None
    table_dim: int = 1
    direction: np.ndarray | None = None
    margin: float = 0.0
    example_ngrams: int = 200

    def __post_init__(self):
        self.codes = K.CodeTable(self.vocabulary)

    def rows(self, texts) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary rows (-1: unseen n-gram) of the n-grams of ``texts``, and offsets per text."""
        cps, offsets = codepoints(texts)
        ids, id_offsets = letter_ids(cps, offsets, self.alphabet)
        codes, code_offsets = ngram_codes(ids, id_offsets, self.sizes, len(self.alphabet))
        return self.codes.lookup(codes), code_offsets


def _examples(item, scorer: Scorer) -> PreparedChunk:
    if isinstance(item, PreparedChunk):
        return item
    label, texts = chunk_texts(item)
    rows, offsets = scorer.rows(texts)
    return PreparedChunk(label, rows, K.group_examples(offsets, scorer.example_ngrams))


def epoch_chunk(item, scorer: Scorer):
    """Map step of a perceptron pass: (rows, summed updates on those rows, mistakes, examples)."""
    ex = _examples(item, scorer)
    scores, sqnorms = K.score_examples(ex.rows, ex.bounds, scorer.table)
    norms = np.sqrt(sqnorms * scorer.table_dim)
    delta = np.zeros((scorer.table.shape[0], scorer.table.shape[1]), dtype=np.float64)
    labels = np.full(ex.bounds.size - 1, ex.label, dtype=np.int64)
    wrong = K.perceptron_delta(ex.rows, ex.bounds, labels, scores, norms, scorer.margin, delta)
    touched = np.flatnonzero(delta.any(axis=1))
    return touched, delta[touched], wrong, int((sqnorms > 0).sum())


def line_chunk(item, scorer: Scorer):
    """Map step of the line search: hinge losses and errors of one chunk for every step size."""
    ex = _examples(item, scorer)
    labels = np.full(ex.bounds.size - 1, ex.label, dtype=np.int64)
    return K.line_losses(ex.rows, ex.bounds, labels, scorer.table, scorer.direction, scorer.table_dim,
                         STEPS, scorer.margin)


@dataclass
class PreparedChunk:
    """A chunk already turned into vocabulary rows (in-memory training reuses it every pass)."""

    label: int
    rows: np.ndarray
    bounds: np.ndarray


# ---- the estimator -------------------------------------------------------------------------------


class NGramClassifier(ClassifierMixin, BaseEstimator):
    """Letter n-gram hypervector classifier (scikit-learn contract). See the module docstring.

    Parameters
    ----------
    model : {"bsc", "map", "hrr", "fhrr"}
    dim : int
        Dimension of the hypervectors.
    ngram : int or tuple of int
        N-gram sizes (a mixture when several).
    seed : int
        Seed of the space (letter vectors are keyed by letter).
    epochs : int
        Retraining passes after the centroids (0 = plain centroids).
    margin : float
        An example is updated while its true class wins by less than this (cosine units).
    example_ngrams : int
        About this many n-grams make one training example (sentence-sized chunks).
    min_count : int
        N-grams seen fewer times in training are left out of the vocabulary.

    Examples
    --------
    >>> X = ["the cat is on the mat", "where is the dog", "le chat est sur le tapis", "où est le chien"]
    >>> clf = NGramClassifier(dim=2_000, epochs=2, example_ngrams=20).fit(X, ["en", "en", "fr", "fr"])
    >>> clf.predict(["the chat", "le chien"]).tolist()
    ['en', 'fr']
    """

    def __init__(self, model="bsc", dim=10_000, ngram=(3, 4), seed=0, epochs=10,
                 margin=0.05, example_ngrams=200, min_count=1):
        self.model = model
        self.dim = dim
        self.ngram = ngram
        self.seed = seed
        self.epochs = epochs
        self.margin = margin
        self.example_ngrams = example_ngrams
        self.min_count = min_count

    # ---- fitting ------------------------------------------------------------------------------

    def fit(self, X, y, chunk_size: int = 5_000):
        """Fit on texts ``X`` with labels ``y`` (in memory; see :meth:`fit_chunks` for corpora)."""
        texts = _check_texts(X)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(texts):
            raise ValueError(f"y must be one label per text: {len(texts)} texts, y of shape {y.shape}")
        classes, index = np.unique(y, return_inverse=True)
        order = np.argsort(index, kind="stable")
        starts = np.searchsorted(index[order], np.arange(len(classes) + 1))
        chunks = []
        for c in range(len(classes)):
            mine = [texts[i] for i in order[starts[c] : starts[c + 1]]]
            chunks += [(c, mine[i : i + chunk_size]) for i in range(0, len(mine), chunk_size)]
        return self.fit_chunks(chunks, classes)

    def fit_chunks(self, chunks, classes, executor=None, progress=None, cache: bool = True):
        """Fit from chunk items ``(class index, texts or an object with read())``.

        ``chunks`` is a sequence, or a callable that returns a fresh iterable of the same chunks
        for every pass (streaming: only the chunks in flight are in memory). Counting and the
        centroids are a map-reduce over the chunks, exact on any executor; each retraining pass
        is another map-reduce (the batch perceptron) over the same chunks. With ``cache`` and a
        local executor, the chunks' vocabulary rows are kept in memory between passes (memory
        grows with the corpus); otherwise every pass reads the chunks again (bounded memory).
        The result is the same bit for bit either way.
        """
        self._check_params()
        executor = executor or LocalExecutor()
        source = chunks if callable(chunks) else (lambda: chunks)
        self.classes_ = np.asarray(classes)
        n_classes = len(self.classes_)
        sizes = check_ngram(self.ngram)

        def add(acc, result):
            label, counts, n_chars = result
            acc[label] = counts if acc[label] is None else merge_counts([acc[label], counts])
            self.n_chars_ += n_chars
            return acc

        self.n_chars_ = 0
        per_class = executor.map_reduce(count_chunk, source(), add, [None] * n_classes, shared=sizes,
                                        progress=progress)
        for c, counts in enumerate(per_class):
            if counts is None or counts.codes.size == 0:
                raise ValueError(f"label {self.classes_[c]!r} has no text with letters to learn from")
        self._set_vocabulary(per_class)
        self._centroids()
        scorer = self._scorer()
        if cache and isinstance(executor, LocalExecutor) and self.epochs > 0:
            prepared = [_prepare(scorer, item) for item in source()]
            source = lambda: prepared  # noqa: E731
        self.history_ = []
        for _ in range(self.epochs):
            scorer.table = self.table_
            delta, wrong, n = self._epoch(executor, source(), scorer, progress)
            self.history_.append(wrong / max(n, 1))
            if wrong == 0:
                break
            direction_w, scorer.direction = self._direction(delta)
            losses, _ = executor.map_reduce(line_chunk, source(), _add_pair,
                                            (np.zeros(STEPS.size), np.zeros(STEPS.size, np.int64)),
                                            shared=scorer, progress=progress)
            step = STEPS[int(np.argmin(losses))]
            if step == 0.0:
                break
            self.class_vectors_ = self.class_vectors_ + step * direction_w
            self.table_ = (self.table_ + np.float32(step) * scorer.direction).astype(np.float32)
        self._native = None
        return self

    def _check_params(self):
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, got {self.model!r}")
        for name in ("epochs", "example_ngrams", "min_count"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < (0 if name == "epochs" else 1):
                raise ValueError(f"{name} must be a {'non-negative' if name == 'epochs' else 'positive'} integer, got {v!r}")
        check_ngram(self.ngram)

    def _set_vocabulary(self, per_class):
        total = merge_counts(per_class)
        keep = total.counts >= self.min_count
        self.alphabet_ = total.alphabet
        self.vocabulary_ = total.codes[keep]
        counts = np.zeros((self.vocabulary_.size, len(per_class)), dtype=np.int64)
        for c, part in enumerate(per_class):
            codes = part.to_alphabet(self.alphabet_)
            pos = np.searchsorted(self.vocabulary_, codes)
            pos = np.minimum(pos, max(self.vocabulary_.size - 1, 0))
            hit = self.vocabulary_[pos] == codes
            counts[pos[hit], c] = part.counts[hit]
        if self.vocabulary_.size == 0:
            raise ValueError(f"no n-gram is seen {self.min_count} times: lower min_count")
        self.class_counts_ = counts

    @property
    def space_(self):
        return MODELS[self.model](self.dim, seed=self.seed)

    def _feature_blocks(self, rows=None):
        """(row indices, float32 feature rows) of the vocabulary's n-gram vectors, in blocks.

        The n-gram vectors are made once per fit and kept while they fit in ``_NATIVE_BYTES``
        (BSC: D/8 bytes each; MAP vectors are the bipolar image of BSC vectors of the same
        seed, so MAP uses the packed BSC ones); beyond that they are rebuilt block by block.
        """
        space = self.space_
        if space.name == "map":
            space = MODELS["bsc"](self.dim, seed=self.seed)
        encoder = NGramEncoder(space, self.ngram)
        letters = encoder.letter_vectors(self.alphabet_.letters)
        native = getattr(self, "_native", None)
        keep = self.vocabulary_.size * space.bytes_per_vector <= _NATIVE_BYTES

        def build(part):
            sizes, ids = decode_codes(self.vocabulary_[part], len(self.alphabet_))
            return encoder.vectors_from_ids(letters, sizes, ids)

        if keep and native is None:
            native = np.empty((self.vocabulary_.size,) + space.shape, dtype=space.dtype)
            for start in range(0, self.vocabulary_.size, _BLOCK):
                native[start : start + _BLOCK] = build(np.arange(start, min(start + _BLOCK, native.shape[0])))
            self._native = native
        rows = np.arange(self.vocabulary_.size) if rows is None else rows
        for start in range(0, rows.size, _BLOCK):
            part = rows[start : start + _BLOCK]
            yield part, real_features(space, native[part] if keep else build(part))

    def _centroids(self):
        profiles = np.zeros((len(self.classes_), feature_dim(self.space_)), dtype=np.float64)
        # float32 products of integer counts are exact while every partial sum stays below 2**24
        exact32 = self.class_counts_.sum(axis=0).max() < 2**24 and self.model in ("bsc", "map")
        for part, feats in self._feature_blocks():
            counts = self.class_counts_[part].T
            if exact32:
                profiles += counts.astype(np.float32) @ feats
            else:
                profiles += counts.astype(np.float64) @ feats.astype(np.float64)
        self.profiles_ = profiles
        self.class_vectors_ = profiles / np.linalg.norm(profiles, axis=1, keepdims=True)
        self._make_table()

    def _make_table(self):
        table = np.empty((self.vocabulary_.size, len(self.classes_)), dtype=np.float32)
        w = self.class_vectors_.T.astype(np.float32)
        for part, feats in self._feature_blocks():
            table[part] = feats @ w
        self.table_ = table

    def _scorer(self):
        return Scorer(self.alphabet_, check_ngram(self.ngram), self.vocabulary_,
                      table=getattr(self, "table_", None), table_dim=feature_dim(self.space_),
                      margin=self.margin, example_ngrams=self.example_ngrams)

    def _epoch(self, executor, chunks, scorer, progress):
        delta = np.zeros_like(self.table_, dtype=np.float64)
        state = {"wrong": 0, "n": 0}

        def add(acc, result):
            rows, values, wrong, n = result
            acc[rows] += values
            state["wrong"] += wrong
            state["n"] += n
            return acc

        delta = executor.map_reduce(epoch_chunk, chunks, add, delta, shared=scorer, progress=progress)
        return delta, state["wrong"], state["n"]

    def _direction(self, delta):
        """The update ``sum x / |x|`` of a pass as class vectors (scaled to unit Frobenius norm)
        and as its n-gram x class table."""
        touched = np.flatnonzero(delta.any(axis=1))
        update = np.zeros_like(self.class_vectors_)
        for part, feats in self._feature_blocks(touched):
            update += delta[part].T.astype(np.float32) @ feats
        update /= max(np.linalg.norm(update), 1e-300)
        table = np.empty_like(self.table_)
        w = update.T.astype(np.float32)
        for part, feats in self._feature_blocks():
            table[part] = feats @ w
        return update, table

    # ---- inference ---------------------------------------------------------------------------------

    def _rows(self, X):
        check_is_fitted(self, "table_")
        if not hasattr(self, "_scorer_cache"):
            self._scorer_cache = self._scorer()
        return self._scorer_cache.rows(_check_texts(X))

    def decision_function(self, X) -> np.ndarray:
        """Scores (n_texts, n_classes): ``x . W_c / |x|``; 0 for texts with no known n-gram."""
        rows, offsets = self._rows(X)
        scores, sqnorms = K.score_examples(rows, offsets, self.table_)
        norms = np.sqrt(sqnorms * feature_dim(self.space_))
        return np.divide(scores, norms[:, None], out=np.zeros_like(scores), where=norms[:, None] > 0)

    def similarity(self, X) -> np.ndarray:
        """Cosine similarity of each text's vector to each class vector (n_texts, n_classes)."""
        return self.decision_function(X) / np.linalg.norm(self.class_vectors_, axis=1)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


def _prepare(scorer: Scorer, item) -> PreparedChunk:
    return _examples(item, scorer)


def _add_pair(acc, result):
    return acc[0] + result[0], acc[1] + result[1]


def _check_texts(X) -> list[str]:
    if isinstance(X, str):
        raise TypeError("X must be a sequence of texts, got a single str (wrap it in a list)")
    texts = list(X.tolist() if isinstance(X, np.ndarray) else X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"text {i} is {type(t).__name__}, expected str")
    return texts
