"""Text classification by letter n-gram hypervectors: class profiles, then perceptron passes.

The model (Joshi, Halseth & Kanerva 2016, "Language geometry using random indexing"; retraining
as in AdaptHD, Imani et al. 2019, and OnlineHD, Hernandez-Cano et al. 2021):

1. Class profiles by bundling: ``P_c = sum_g count_c(g) HV(g)`` over the n-grams of the class's
   training text (counted, then projected once: :mod:`kanerva.encoders.ngrams`). The class
   vectors start as ``W_c = P_c / |P_c|`` (cosine classification).
2. Retraining, in two stages. (a) Online perceptron passes (``epochs``) in the limit where n-gram
   vectors are orthogonal (``HV(g) . HV(h) = D [g = h]``, the limit D -> infinity): each training
   example (a sentence-sized chunk, ``x = sum_g k(g) HV(g)``) whose true class does not beat its
   best rival by ``margin`` (cosine units, ``|x|`` taken as ``sqrt(D) |k|``) adds ``step * x / |x|``
   to the true class and subtracts it from the rival. In that limit every class vector is a
   weighted bundle ``W_c = sum_g a_gc HV(g)`` and a pass only touches the weights ``a``, so it
   costs no D-dimensional work; the class hypervectors are then made, once, as those weighted
   bundles. (b) Batch perceptron passes in hypervector space (``hv_epochs``), exact at finite D:
   every example is scored with the real class vectors, the mistakes' ``x / |x|`` are summed into
   a direction ``U``, and ``W += step * U`` with the step that minimizes the training hinge loss
   on a grid (a line search); they correct the cross-talk between n-gram vectors.
3. Inference never re-encodes: the score of a text is linear in its n-gram counts, so the
   table ``T[g, c] = HV(g) . W_c`` is precomputed and a text's scores are the sum of the rows of
   its n-grams. N-grams never seen in training are left out of the text's vector: their vectors
   are random with respect to every class and add only cross-talk noise.

The D-dimensional work sweeps the vocabulary in blocks of n-grams, in the real feature rows of the
space (:meth:`~kanerva.vsa.Space.to_features`, dot products ``D`` times the similarity): byte
lookups on the packed bits where the space has a packed image (:meth:`~kanerva.vsa.Space.packed_space`:
BSC, and MAP, whose vectors are the bipolar image of BSC ones; :mod:`kanerva._kernels.projection`),
feature rows and BLAS otherwise (HRR, FHRR, or any other model). Memory stays
``O(block x D + V x classes)``; the online passes run on the n-gram x class table.
"""

from __future__ import annotations

import time
import os
from contextlib import contextmanager

import numpy as np

from .. import io
from .._kernels import ngram_scores as K
from .._kernels.bits import thread_pool
from .._kernels.ngram_counts import CodeTable
from .._kernels.projection import bit_table, weighted_bundle
from ..encoders.ngram_counts import recode
from ..encoders.ngrams import CountsSum, NGramEncoder, check_ngram, decode_codes, merge_counts, split_text
from ..parallel import LocalExecutor
from ..vsa import MODELS
from . import ngram_files
from ._sklearn import ClassifierContract, check_fitted
from .hypervector_passes import hv_pass
from .ngram_chunks import LocatedChunk, PreparedChunk, Scorer, count_and_locate, count_chunk

_BLOCK = 4096  # n-gram rows per feature block
MAX_DIM = 1 << 24  # a block of n-gram vectors is _BLOCK x dim bits (8 GB at this bound)


# ---- the estimator -------------------------------------------------------------------------------


class NGramClassifier(ClassifierContract):
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
        Online perceptron passes in the orthogonal limit (0 = plain centroids).
    hv_epochs : int
        Batch perceptron passes in hypervector space, with a line search, after them.
    step : float
        Step of an online update (class vectors start at unit norm).
    margin : float
        An example is updated while its true class wins by less than this (cosine units).
    example_ngrams : int
        About this many n-grams make one training example (sentence-sized chunks).
    min_count : int
        N-grams seen fewer times in training are left out of the vocabulary;
        ``vocabulary_coverage_`` tells what share of the training n-grams it keeps.
    max_examples : int
        Most training examples kept per class for the retraining passes (bounds memory: about
        ``4 * example_ngrams`` bytes each): whole chunks are kept while their class has fewer;
        ``n_examples_`` tells how many were used (0 without retraining: ``epochs = hv_epochs = 0``).

    Attributes
    ----------
    fit_timings_ : dict
        Where the last fit spent its time, per step: ``{"count": ..., "vocabulary": ...,
        "examples": ..., "retrain": ..., "project": ..., "hv_passes": ...}`` (the steps it ran),
        each ``{"wall_s", "cpu_s"}``; CPU seconds are this process's, all its threads (a
        cluster's workers are not counted). ``count`` (reading, normalizing and counting the
        corpus) grows with the corpus; ``project`` (the class vectors and the n-gram x class
        table) with the vocabulary and ``dim``; ``examples`` and ``retrain`` with the retraining
        examples, at most ``max_examples`` per class.

    Examples
    --------
    >>> X = ["the cat is on the mat", "where is the dog", "le chat est sur le tapis", "où est le chien"]
    >>> clf = NGramClassifier(dim=2_000, epochs=2, example_ngrams=20).fit(X, ["en", "en", "fr", "fr"])
    >>> clf.predict(["the chat", "le chien"]).tolist()
    ['en', 'fr']
    """

    def __init__(self, model="bsc", dim=10_000, ngram=(3, 4), seed=0, epochs=5, hv_epochs=0, step=0.02,
                 margin=0.05, example_ngrams=200, min_count=1, max_examples=100_000):
        self.model = model
        self.dim = dim
        self.ngram = ngram
        self.seed = seed
        self.epochs = epochs
        self.hv_epochs = hv_epochs
        self.step = step
        self.max_examples = max_examples
        self.margin = margin
        self.example_ngrams = example_ngrams
        self.min_count = min_count

    # ---- fitting ------------------------------------------------------------------------------

    def fit(self, X, y, chunk_size: int = 20_000):
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

    def fit_chunks(self, chunks, classes, executor=None, progress=None):
        """Fit from chunk items ``(class index, texts or an object with read())``.

        ``chunks`` is a sequence, or a callable that returns a fresh iterable of the same chunks
        (streaming: only the chunks in flight are in memory). The corpus is read once: counting
        the n-grams of a chunk also records where they occur (:class:`LocatedChunk`), a map-reduce
        over the chunks, exact on any executor (results are folded in chunk order). Once the
        vocabulary is known, the occurrences become the examples' vocabulary rows (4 bytes per
        n-gram; at most ``max_examples`` per class) and the retraining passes run here.
        """
        self.check_params()
        self.__dict__.pop("_scorer_cache", None)  # a refit must not use the old vocabulary
        self._profiles = None
        executor = executor or LocalExecutor()
        source = chunks if callable(chunks) else (lambda: chunks)
        self.classes_ = np.asarray(classes)
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"a classifier needs at least two labels, got {[str(c) for c in self.classes_]}")
        sizes = check_ngram(self.ngram)

        retrain = self.epochs + self.hv_epochs > 0
        kept = np.zeros(n_classes, dtype=np.int64)
        located: list[LocatedChunk] = []

        def add(acc, result):
            if retrain:  # keep the chunk's occurrences while its class wants more examples
                chunk = result
                if kept[chunk.label] < self.max_examples:
                    kept[chunk.label] += chunk.n_examples
                    located.append(chunk)
                result = (chunk.label, chunk.counts, chunk.n_chars)
            label, counts, n_chars = result
            acc[label].add(counts)
            self.n_chars_ += n_chars
            return acc

        def items():
            # a chunk is located while its class may still want examples: ``kept`` only grows,
            # so a chunk sent without occurrences is one that ``add`` would not keep (exact on
            # any executor, however far ahead of the folding it sends chunks)
            for label, texts in source():
                yield label, texts, bool(kept[label] < self.max_examples)

        self.n_chars_ = 0
        self.fit_timings_ = {}
        if retrain:  # one pass over the corpus: counts and occurrences together
            task, shared, chunk_items = count_and_locate, (sizes, self.example_ngrams), items()
        else:
            task, shared, chunk_items = count_chunk, sizes, source()
        with self._timed("count"):
            sums = executor.map_reduce(task, chunk_items, add, [CountsSum() for _ in range(n_classes)],
                                       shared=shared, progress=progress)
            per_class = [total.result() for total in sums]
        for c, counts in enumerate(per_class):
            if counts is None or counts.codes.size == 0:
                raise ValueError(f"label {str(self.classes_[c])!r} has no text with letters to learn from")
        with self._timed("vocabulary"):
            self._set_vocabulary(per_class)
        self.history_ = []
        if retrain:
            with self._timed("examples"):
                codes = CodeTable(self.vocabulary_)

                def lookup(chunk_codes, alphabet):
                    return codes.lookup(recode(chunk_codes, alphabet, self.alphabet_))

                examples = self._examples(located, lookup)
                self.n_examples_ = examples.bounds.size - 1
            with self._timed("retrain"):
                weights = self._online(examples) if self.epochs > 0 else None
            with self._timed("project"):
                self._centroids(weights)
            if self.hv_epochs:
                with self._timed("hv_passes"):
                    for _ in range(self.hv_epochs):
                        result = hv_pass(self.table_, self.class_vectors_, examples, self.margin,
                                         self.space_.feature_dim, self._feature_blocks)
                        self.history_.append(result.updated)
                        if not result.moved:
                            break
                        self.class_vectors_, self.table_ = result.class_vectors, result.table
        else:
            self.n_examples_ = 0  # a centroid model keeps no retraining examples
            with self._timed("project"):
                self._centroids()
        return self

    @contextmanager
    def _timed(self, step: str):
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            yield
        finally:
            self.fit_timings_[step] = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}

    def _examples(self, located: list[LocatedChunk], lookup) -> PreparedChunk:
        """All kept chunks' examples as vocabulary rows, written into one array chunk by chunk
        (each chunk's occurrences are dropped once turned into rows)."""
        total = sum(int(c.occurrences.text_rows.sum()) for c in located)
        rows = np.empty(total, dtype=np.int32)
        bounds, labels, start = [np.zeros(1, dtype=np.int64)], [], 0
        located.reverse()
        while located:
            chunk = located.pop()
            part, offsets = chunk.occurrences.rows(lookup, out=rows[start:])
            cuts = K.group_examples(offsets, self.example_ngrams)
            bounds.append(cuts[1:] + start)
            labels.append(np.full(cuts.size - 1, chunk.label, dtype=np.int64))
            start += part.size
        labels = np.concatenate(labels) if labels else np.zeros(0, np.int64)
        return PreparedChunk(-1, rows, np.concatenate(bounds), labels)

    def _online(self, ex: PreparedChunk) -> np.ndarray:
        """Online perceptron passes in the orthogonal limit; returns the weights ``a`` (V x C)
        of the class vectors as bundles of n-gram vectors, ``W_c = sum_g a_gc HV(g)``."""
        scale = np.sqrt(self.space_.feature_dim)
        counts = self.class_counts_.astype(np.float64)
        table = (scale * counts / np.linalg.norm(counts, axis=0)).astype(np.float32)
        rng = np.random.default_rng(self.seed)
        n = ex.bounds.size - 1
        sqnorms = K.example_sqnorms(ex.rows, ex.bounds, table.shape[0])  # the same in every pass
        for _ in range(self.epochs):
            updated = K.online_pass(ex.rows, ex.bounds, ex.labels, rng.permutation(n), table, scale,
                                    self.step, self.margin, sqnorms)
            self.history_.append(updated / max(n, 1))
        return table / scale**2

    def check_params(self):
        """Raise ValueError naming the first bad setting (``fit`` checks them too; this lets a
        caller fail before it reads a corpus). Returns the classifier.

        >>> NGramClassifier(dim=0).check_params()
        Traceback (most recent call last):
        ...
        ValueError: dim must be an integer between 1 and 16,777,216, got 0
        """
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, got {self.model!r}")
        for name in ("epochs", "hv_epochs", "example_ngrams", "min_count", "max_examples"):
            v = getattr(self, name)
            low = 0 if name.endswith("epochs") else 1
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {v!r}")
        if isinstance(self.dim, bool) or not isinstance(self.dim, (int, np.integer)) or not 1 <= self.dim <= MAX_DIM:
            raise ValueError(f"dim must be an integer between 1 and {MAX_DIM:,}, got {self.dim!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")
        for name in ("step", "margin"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
                raise ValueError(f"{name} must be a non-negative number, got {v!r}")
        check_ngram(self.ngram)
        return self

    def _set_vocabulary(self, per_class):
        total = merge_counts(per_class)
        keep = total.counts >= self.min_count
        # the share of the training n-grams (occurrences) the vocabulary keeps: low on small corpora
        self.vocabulary_coverage_ = float(total.counts[keep].sum() / max(int(total.counts.sum()), 1))
        self.alphabet_ = total.alphabet
        self.vocabulary_ = total.codes[keep]
        if self.vocabulary_.size == 0:
            raise ValueError(f"no n-gram is seen {self.min_count} times: lower min_count")
        counts = np.zeros((self.vocabulary_.size, len(per_class)), dtype=np.int64)
        for c, part in enumerate(per_class):
            codes = part.to_alphabet(self.alphabet_)
            pos = np.searchsorted(self.vocabulary_, codes)
            pos = np.minimum(pos, max(self.vocabulary_.size - 1, 0))
            hit = self.vocabulary_[pos] == codes
            counts[pos[hit], c] = part.counts[hit]
        # most frequent n-grams first: the passes read table rows at random, and the hot rows
        # then share cache lines (rows are found through a hash table, so any order works)
        hot = np.argsort(-counts.sum(axis=1), kind="stable")
        self.vocabulary_ = self.vocabulary_[hot]
        self.class_counts_ = counts[hot]

    @property
    def space_(self):
        return MODELS[self.model](self.dim, seed=self.seed)

    def _vector_space(self):
        """The space whose vectors are made and projected: the packed image of the model's space
        where it has one (MAP: the BSC vectors of the same seed, whose bits are MAP's signs), so
        the projections run on packed bits; the model's space otherwise."""
        space = self.space_
        packed = space.packed_space()
        return space if packed is None else packed

    def _vector_blocks(self, rows=None):
        """(row indices, n-gram vectors) of the vocabulary, made block by block on every sweep.

        Not kept between sweeps: remaking a block costs less than first touching the pages of
        one array for the whole vocabulary (364 MB at the langid defaults, measured slower on
        this VM), and memory stays ``O(block x D)``.
        """
        make = self._block_maker()
        rows = np.arange(self.vocabulary_.size) if rows is None else rows
        for start in range(0, rows.size, _BLOCK):
            part = rows[start : start + _BLOCK]
            yield part, make(part)

    def _block_maker(self):
        space = self._vector_space()
        encoder = NGramEncoder(space, self.ngram)
        letters = encoder.letter_vectors(self.alphabet_.letters)

        def make(part):
            sizes, ids = decode_codes(self.vocabulary_[part], len(self.alphabet_))
            return encoder.vectors_from_ids(letters, sizes, ids)

        return make

    def _packed_sweep(self, kernel):
        """``kernel(part, bits)`` for every block of the vocabulary's packed BSC vectors, run on
        the shared kernel threads (the compiled kernels release the GIL); results in block order,
        so what is folded from them does not depend on the number of threads."""
        make = self._block_maker()
        parts = [np.arange(a, min(a + _BLOCK, self.vocabulary_.size)) for a in range(0, self.vocabulary_.size, _BLOCK)]
        return thread_pool().map(lambda part: kernel(part, make(part)), parts)

    def _feature_blocks(self, rows=None):
        """(row indices, float32 feature rows) of the vocabulary's n-gram vectors, in blocks."""
        space = self._vector_space()
        # one feature buffer for all blocks: no page faults from allocating them block by block
        # (each block's rows are used before the next block overwrites them)
        buffer = np.empty(_BLOCK * space.feature_dim, dtype=np.float32)
        for part, vectors in self._vector_blocks(rows):
            yield part, space.to_features(vectors, out=buffer)

    def _centroids(self, weights=None):
        """The class vectors: the normalized profiles (plain centroids), or the weighted bundles
        ``weights.T @ HV``; then the n-gram x class table."""
        if weights is None:
            self.class_vectors_ = self.profiles_ / np.linalg.norm(self.profiles_, axis=1, keepdims=True)
        else:
            self._profiles = None  # made on first use: a retrained model does not need them
            self.class_vectors_ = self._bundles(weights)
        self._make_table()

    @property
    def profiles_(self) -> np.ndarray:
        """Class profiles ``P_c = sum_g count_c(g) HV(g)`` (classes x feature dim), the exact
        bundles of each class's training n-grams; made from the counts on first use."""
        check_fitted(self, "class_counts_")
        if getattr(self, "_profiles", None) is None:
            self._profiles = self._bundles(self.class_counts_)
        return self._profiles

    def _bundles(self, weights: np.ndarray) -> np.ndarray:
        """``weights.T @ HV`` (classes x feature dim, float64) over the vocabulary's n-gram vectors;
        exact for integer weights (the profiles)."""
        out = np.zeros((weights.shape[1], self.space_.feature_dim), dtype=np.float64)
        if self.space_.packed_space() is not None:  # byte lookups on the packed bits
            for block in self._packed_sweep(lambda part, bits: weighted_bundle(bits, weights[part], self.dim)):
                out += block
            return out
        for part, feats in self._feature_blocks():
            out += weights[part].T.astype(np.float64) @ feats.astype(np.float64)
        return out

    def _make_table(self):
        table = np.empty((self.vocabulary_.size, len(self.classes_)), dtype=np.float32)
        if self.space_.packed_space() is not None:
            def fill(part, bits):
                table[part] = bit_table(bits, self.class_vectors_, self.dim)

            for _ in self._packed_sweep(fill):
                pass
        else:
            w = self.class_vectors_.T.astype(np.float32)
            for part, feats in self._feature_blocks():
                table[part] = feats @ w
        self.table_ = table

    def _scorer(self):
        return Scorer(self.alphabet_, check_ngram(self.ngram), self.vocabulary_)

    # ---- files -------------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted classifier to ``path`` (:mod:`kanerva.io`: atomic, checksummed, no
        pickle; the format is in :mod:`kanerva.learn.ngram_files`)."""
        if not hasattr(self, "table_"):
            raise ValueError("the classifier is not fitted: fit it before saving")
        params = self.get_params()
        params["ngram"] = list(check_ngram(params["ngram"]))
        state = ngram_files.SavedState(self.classes_, self.alphabet_, self.vocabulary_, self.table_,
                                       self.class_vectors_, self.class_counts_, self.history_, self.n_chars_)
        arrays, meta = ngram_files.state_file(params, state)
        io.save(path, ngram_files.KIND, ngram_files.VERSION, arrays, meta)

    @classmethod
    def load(cls, path: str | os.PathLike) -> NGramClassifier:
        """Read a classifier written by :meth:`save` (or a langid model of format 2). Foreign,
        other-version, corrupt or inconsistent files raise :class:`kanerva.io.ModelFileError`.

        Examples
        --------
        >>> import os, tempfile
        >>> clf = NGramClassifier(dim=500, epochs=1).fit(["the cat sat", "le chat noir"], ["en", "fr"])
        >>> path = os.path.join(tempfile.mkdtemp(), "clf.kanerva")
        >>> clf.save(path)
        >>> NGramClassifier.load(path).predict(["the hat"]).tolist()
        ['en']
        """
        arrays, meta = ngram_files.read_file(path)
        try:
            clf = cls(**ngram_files.settings_of(meta)).check_params()
            state = ngram_files.checked_state(arrays, meta, clf.space_.feature_dim, check_ngram(clf.ngram))
        except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
            raise io.ModelFileError(f"{path}: not a valid n-gram classifier file ({exc})") from None
        clf._restore(state)
        return clf

    def _restore(self, state: ngram_files.SavedState) -> None:
        self.classes_ = state.classes
        self.alphabet_ = state.alphabet
        self.vocabulary_ = state.vocabulary
        self.table_ = state.table
        self.class_vectors_ = state.class_vectors
        self.class_counts_ = state.class_counts
        self.history_ = state.history
        self.n_chars_ = state.n_chars
        self._profiles = None

    # ---- inference ---------------------------------------------------------------------------------

    def _rows(self, texts: list[str]):
        if not hasattr(self, "_scorer_cache"):
            self._scorer_cache = self._scorer()
        return self._scorer_cache.rows(texts)

    def decision_function(self, X) -> np.ndarray:
        """Scores (n_texts, n_classes): ``x . W_c / |x|``; 0 for texts with no known n-gram."""
        scores, sqnorms = self._scores(X)
        norms = np.sqrt(sqnorms * self.space_.feature_dim)
        return np.divide(scores, norms[:, None], out=np.zeros_like(scores), where=norms[:, None] > 0)

    def _scores(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Summed table rows (n, classes) and squared count norms (n,) of the texts, in batches of
        at most ``PIECE_CHARS`` characters; a longer text from its count vector (see
        :meth:`_long_counts`)."""
        texts = _check_texts(X)
        check_fitted(self, "table_")
        scores = np.zeros((len(texts), len(self.classes_)), dtype=np.float64)
        sqnorms = np.zeros(len(texts), dtype=np.float64)
        for part in _batches(texts):
            if isinstance(part, int):
                counts = self._long_counts(texts[part])
                scores[part], sqnorms[part] = self._count_scores(counts), float((counts.astype(np.float64) ** 2).sum())
            else:
                rows, offsets = self._rows(texts[part])
                scores[part], sqnorms[part] = K.score_examples(rows, offsets, self.table_)
        return scores, sqnorms

    def _long_counts(self, text: str) -> np.ndarray:
        """How often each vocabulary n-gram occurs in a text longer than ``PIECE_CHARS``, counted
        piece by piece (:func:`~kanerva.encoders.ngrams.split_text`): memory bounded by a piece
        and the vocabulary, not the text. The n-grams that span a cut (a few per million
        characters) are left out."""
        counts = np.zeros(self.vocabulary_.size, dtype=np.int64)
        for piece in split_text(text, PIECE_CHARS):
            rows, _ = self._rows([piece])
            counts += np.bincount(rows[rows >= 0], minlength=counts.size)
        return counts

    def _count_scores(self, counts: np.ndarray) -> np.ndarray:
        out = np.zeros(len(self.classes_), dtype=np.float64)
        for start in range(0, counts.size, _BLOCK * 16):  # float64 blocks of the table, not all of it
            block = slice(start, start + _BLOCK * 16)
            out += counts[block].astype(np.float64) @ self.table_[block].astype(np.float64)
        return out

    def similarity(self, X) -> np.ndarray:
        """Cosine similarity of each text's vector to each class vector (n_texts, n_classes), with
        ``|x|`` taken as ``sqrt(D) |k|`` (exact as D grows; at small D it can leave [-1, 1])."""
        return self.decision_function(X) / np.linalg.norm(self.class_vectors_, axis=1)

    def predict(self, X) -> np.ndarray:
        """Labels of the texts: the class with the highest score (no norm needed for the argmax);
        the first class for a text with no n-gram the model has seen (see :meth:`predict_index`)."""
        index = self.predict_index(X)  # checks that the model is fitted
        return self.classes_[np.maximum(index, 0)]

    def predict_index(self, X) -> np.ndarray:
        """Index into ``classes_`` of each text's label, -1 for a text none of whose n-grams the
        model has seen (no letters, or only a script absent from training): evaluation counts
        those as unlabelled, where ``predict`` must name a class."""
        texts = _check_texts(X)
        check_fitted(self, "table_")
        out = np.empty(len(texts), dtype=np.int64)
        for part in _batches(texts):
            if isinstance(part, int):
                counts = self._long_counts(texts[part])
                out[part] = int(np.argmax(self._count_scores(counts))) if counts.any() else -1
            else:
                rows, offsets = self._rows(texts[part])
                out[part] = K.best_classes(rows, offsets, self.table_)
        return out


PIECE_CHARS = 1 << 22
"""Texts are scored in batches of at most this many characters, and a longer text piece by piece:
the memory of inference is bounded, whatever the input (a 50 MB line took 1.85 GB in one piece;
a batch of 4 M characters takes about 150 MB, and batches much smaller than that cost speed)."""


def _batches(texts: list[str]):
    """Slices of consecutive texts of at most ``PIECE_CHARS`` characters in all, and the index (an
    int) of each text longer than that on its own."""
    if sum(map(len, texts)) <= PIECE_CHARS:  # the common case, without a loop in Python
        if texts:
            yield slice(0, len(texts))
        return
    start, total = 0, 0
    for i, text in enumerate(texts):
        n = len(text)
        if n > PIECE_CHARS or total + n > PIECE_CHARS:
            if i > start:
                yield slice(start, i)
            start, total = i, 0
            if n > PIECE_CHARS:
                yield i
                start = i + 1
                continue
        total += n
    if start < len(texts):
        yield slice(start, len(texts))


def _check_texts(X) -> list[str]:
    if isinstance(X, str):
        raise TypeError("X must be a sequence of texts, got a single str (wrap it in a list)")
    texts = list(X.tolist() if isinstance(X, np.ndarray) else X)
    if not all(type(t) is str for t in texts):  # the common case in one cheap pass
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"text {i} is {type(t).__name__}, expected str")
    return texts
