"""Space: the one interface every hypervector model implements.

A space holds the model and its settings (``dim``, ``seed``); vectors are plain numpy arrays,
batch-first, with the vector in the last axis (``space.shape``: ``(dim,)``, or packed words for
BSC). Everything above ``kanerva.vsa`` is written once against this interface.

Operations (Kanerva 2009, "Hyperdimensional computing", Cognitive Computation 1:139-159):
bind (multiplication: dissimilar to its arguments, invertible, distributes over bundling),
bundle (addition: similar to its arguments), permute (a fixed rotation of the dimensions),
similarity, and keyed random vectors.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from .._checks import positive_int
from . import keys as _keys


_QUIET = np.errstate(over="ignore", invalid="ignore", divide="ignore")
"""Float overflow inside an operation whose result is checked (``_finite``) raises the library's
error instead of also printing numpy's warning."""

MAX_DIM = 2**31 - 1
"""The largest dimension a space takes (one MAP vector of it is 2 GB)."""


class Space(ABC):
    """A hypervector model of dimension ``dim``; subclasses fill in the algebra.

    Parameters
    ----------
    dim : int
        Number of dimensions (>= 1).
    seed : int
        Seed of the space's randomness; ``random(key=...)`` depends only on (seed, key).
    """

    name: str = "space"
    dtype: np.dtype

    def __init__(self, dim: int, seed: int = 0):
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or not 1 <= dim <= MAX_DIM:
            raise ValueError(f"dim must be an integer between 1 and {MAX_DIM:,}, got {dim!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an integer, got {seed!r}")
        if not -(2**63) <= seed < 2**63:
            raise ValueError(f"seed must fit in 64 bits, got {seed!r}")
        self.dim = int(dim)
        self.seed = int(seed)
        self._rng = np.random.default_rng(np.random.SeedSequence([self.seed & (2**63 - 1), 1]))
        self._tie_weights = None

    # ---- description --------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """Storage shape of one vector."""
        return (self.dim,)

    @property
    def bytes_per_vector(self) -> int:
        return int(np.prod(self.shape)) * np.dtype(self.dtype).itemsize

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dim={self.dim}, seed={self.seed})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and (self.dim, self.seed) == (other.dim, other.seed)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.dim, self.seed))

    @classmethod
    def round_dim(cls, dim: int) -> int:
        """The dimension nearest to ``dim`` that this model takes (``dim`` itself for most;
        MBAT and VTB need a perfect square, SBC a multiple of its block size)."""
        return int(dim)

    def config(self) -> dict:
        """Settings that rebuild this space with :func:`kanerva.vsa.space_from_config`."""
        return {"model": self.name, "dim": self.dim, "seed": self.seed}

    # ---- randomness -----------------------------------------------------------------------

    def random(self, n: int | None = None, key=None) -> np.ndarray:
        """Random vectors: one (``n=None``), a batch of ``n``, or the vector(s) of ``key``.

        ``key`` is a str or an int (one vector) or an ordered sequence of them (a list, tuple,
        range or array: a batch); the same (seed, key) gives the same vector in every process.
        Bytes, floats, bools and unordered collections (sets, dicts) are refused.
        """
        if key is not None:
            if n is not None:
                raise ValueError("give either n or key, not both")
            keys, single = _keys.key_list(key)
            if not keys:
                raise ValueError("key is an empty sequence: no vectors to draw")
            vectors = self._from_hashes(_keys.key_hashes(self.seed, keys))
            return vectors[0] if single else vectors
        if n is None:
            return self._from_hashes(self._fresh_hashes(1))[0]
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a non-negative integer, got {n!r}")
        return self._from_hashes(self._fresh_hashes(int(n)))

    def _fresh_hashes(self, n: int) -> np.ndarray:
        return self._rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)

    @abstractmethod
    def _from_hashes(self, hashes: np.ndarray) -> np.ndarray:
        """Vectors (len(hashes), *shape) expanded from 64-bit hashes by the keyed stream."""

    def tiebreak(self, acc: np.ndarray) -> np.ndarray:
        """Tie-breaking vectors for accumulators ``acc`` (..., dim): one pseudo-random vector
        per accumulator, derived from its contents.

        Deterministic (the same accumulator always normalizes the same way), yet different
        bundles get independent tie-breakers. A single fixed tie vector would be a common
        component of every even-sized bundle, so binding two bundles would cancel it and leave
        a spurious identity term (it breaks "the dollar of Mexico" with two-field records).
        """
        acc = np.asarray(acc)
        wide = np.complex128 if np.iscomplexobj(acc) else (np.float64 if acc.dtype.kind == "f" else np.int64)
        rows = np.ascontiguousarray(acc, dtype=wide).reshape(-1, acc.shape[-1])
        raw = rows.view(np.uint64)
        if self._tie_weights is None or self._tie_weights.shape[0] != raw.shape[1]:
            self._tie_weights = _keys.stream(_keys.key_hashes(self.seed, ["kanerva:ties"]), raw.shape[1])[0]
        hashes = _keys.mix((raw * self._tie_weights).sum(axis=1, dtype=np.uint64))
        return self._from_hashes(hashes).reshape(acc.shape[:-1] + self.shape)

    # ---- algebra ----------------------------------------------------------------------------

    @abstractmethod
    def bind(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Bind (multiply) ``a`` and ``b``; broadcasts over batch axes."""

    def unbind(self, c: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Recover ``a`` from ``c = bind(a, b)`` (exact where the model allows)."""
        return self.bind(c, self.inverse(b))

    @abstractmethod
    def inverse(self, a: np.ndarray) -> np.ndarray:
        """The inverse of ``a`` under binding."""

    @abstractmethod
    def identity(self) -> np.ndarray:
        """The identity of binding: ``bind(a, identity()) == a``."""

    def bundle(self, xs, weights=None) -> np.ndarray:
        """Superpose the vectors ``xs`` ``(..., n, *shape)`` into one per batch, normalized back
        into the space. ``weights`` (n,) scale the arguments (a multiset).
        """
        return self.normalize(self.accumulate(xs, weights))

    @abstractmethod
    def accumulate(self, xs, weights=None, acc: np.ndarray | None = None) -> np.ndarray:
        """The raw (unnormalized) sum of ``xs`` over their second-to-last axis, added to
        ``acc`` when given. Sums of accumulators are exact, so bundling in several steps loses
        no counts: ``normalize(accumulate(b, acc=accumulate(a)))`` equals ``bundle(a + b)``.
        """

    @abstractmethod
    def normalize(self, acc: np.ndarray) -> np.ndarray:
        """Map a raw accumulator back into the space."""

    @abstractmethod
    def permute(self, x: np.ndarray, shift: int = 1) -> np.ndarray:
        """Rotate the dimensions by ``shift`` (``-shift`` undoes it)."""

    @abstractmethod
    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray | float:
        """1 for identical, about 0 for unrelated, -1 for opposite.

        One vector against one gives a float; a batch against one vector gives (n,);
        two batches give the pairwise (n, m) matrix.
        """

    def nearest(self, queries: np.ndarray, vectors: np.ndarray, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` rows of ``vectors`` most similar to each query, best first.

        Returns (similarities (n, k), row indices (n, k)); ties go to the lower row. ``k`` must
        be between 1 and the number of rows (as in every index of :mod:`kanerva.index`). BSC
        overrides this with the fused packed-bit top-k kernel (no similarity matrix).
        """
        queries = self.check(queries, "queries", batch=True)
        vectors = self.check(vectors, "vectors", batch=True)
        k = _check_k(k, vectors.shape[0])
        sims = np.asarray(self.similarity(queries, vectors))
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(sims, top, axis=1), top

    def power(self, x: np.ndarray, r: float) -> np.ndarray:
        """Fractional binding ``x ** r`` (FHRR and HRR)."""
        raise NotImplementedError(f"{type(self).__name__} has no fractional power; use FHRR or HRR")

    def bind_gather(self, tables, index) -> np.ndarray:
        """Bind, per output row, one entry picked from each of several tables.

        ``out[r] = bind(tables[k-1][index[r, k-1]], ..., tables[0][index[r, 0]])`` for ``k``
        tables, skipping the factors whose index is -1 (a row with only -1 is the identity). The
        factors are bound from the last table to the first, which fixes the float rounding of
        HRR and FHRR. The n-grams of :mod:`kanerva.encoders.ngrams` are this with table ``j``
        the letters permuted ``j`` times; BSC overrides it with one fused XOR pass.

        Parameters
        ----------
        tables : sequence of k arrays ``(m_j, *shape)``, or one array ``(k, m, *shape)``
        index : int array (n, k), entries in [-1, m_j)

        Returns
        -------
        ndarray ``(n, *shape)``

        Examples
        --------
        >>> import kanerva as kv
        >>> s = kv.MAP(64, seed=0)
        >>> letters = s.random(3)
        >>> out = s.bind_gather([letters, s.permute(letters)], [[0, 2], [1, -1]])
        >>> bool((out[0] == s.bind(s.permute(letters[2]), letters[0])).all()), bool((out[1] == letters[1]).all())
        (True, True)
        """
        tables, index = self._check_gather(tables, index)
        out = np.empty((index.shape[0],) + self.shape, dtype=self.dtype)
        live = index >= 0
        patterns, group = np.unique(live, axis=0, return_inverse=True)
        for p, pattern in enumerate(patterns):
            rows = np.flatnonzero(group.reshape(-1) == p)
            cols = np.flatnonzero(pattern)[::-1]
            if not cols.size:
                out[rows] = self.identity()
                continue
            vec = tables[cols[0]][index[rows, cols[0]]]
            for j in cols[1:]:
                vec = self.bind(vec, tables[j][index[rows, j]])
            out[rows] = vec
        return out

    def _check_gather(self, tables, index) -> tuple[list[np.ndarray], np.ndarray]:
        if isinstance(tables, np.ndarray) and tables.ndim == len(self.shape) + 2:
            tables = list(tables)
        if isinstance(tables, np.ndarray) or not isinstance(tables, (list, tuple)) or not tables:
            raise TypeError("tables must be a non-empty sequence of batches of vectors (m, *shape)")
        tables = [self.check(t, f"tables[{j}]", batch=True) for j, t in enumerate(tables)]
        index = np.asarray(index)
        if index.dtype.kind not in "iu" or index.ndim != 2 or index.shape[1] != len(tables):
            raise ValueError(f"index must be an integer array (n, {len(tables)}): one entry per table, "
                             f"got dtype {index.dtype}, shape {index.shape}")
        index = index.astype(np.int64, copy=False)
        sizes = np.array([len(t) for t in tables], dtype=np.int64)
        if index.size and ((index < -1).any() or (index >= sizes).any()):
            raise ValueError(f"index entries must be -1 (skip) or a row of their table (sizes {sizes.tolist()})")
        return tables, index

    # ---- real features ------------------------------------------------------------------

    @property
    def feature_dim(self) -> int:
        """Width of a real feature row (:meth:`to_features`): ``dim`` (FHRR: ``2 * dim``)."""
        return self.dim

    def to_features(self, x, out: np.ndarray | None = None) -> np.ndarray:
        """Vectors as real float32 rows (n, feature_dim) whose dot products are ``dim`` times their
        similarities: ``to_features(a) @ to_features(b).T == dim * similarity(a, b)``.

        Learning rules that add and score vectors (centroids, perceptrons) run on these rows as
        dense matrix products. BSC: ``1 - 2 bit`` (the MAP image); MAP: as is; HRR: ``sqrt(dim)
        x`` (exact for unit vectors, which ``normalize`` gives; random HRR vectors have norm 1
        up to O(1/sqrt(dim))); FHRR: ``[cos, sin]``. A single vector gives (1, feature_dim).
        ``out``: a C-contiguous float32 buffer of at least n * feature_dim entries, filled and
        returned as an (n, feature_dim) view (no allocation).

        Examples
        --------
        >>> import kanerva as kv
        >>> s = kv.FHRR(64, seed=0)
        >>> a, b = s.random(2)
        >>> f = s.to_features(np.stack([a, b]))
        >>> f.shape, bool(np.isclose(f[0] @ f[1], s.dim * s.similarity(a, b), atol=1e-3))
        ((2, 128), True)
        """
        rows = self.check(x, "vectors")
        rows = rows.reshape((-1,) + self.shape)
        n, width = rows.shape[0], self.feature_dim
        if out is None:
            view = np.empty((n, width), dtype=np.float32)
        elif not (isinstance(out, np.ndarray) and out.dtype == np.float32 and out.flags.c_contiguous
                  and out.flags.writeable and out.size >= n * width):
            raise ValueError(f"out must be a writeable C-contiguous float32 array of at least {n} x {width} "
                             f"entries, got {type(out).__name__} {getattr(out, 'dtype', '')} {getattr(out, 'shape', '')}")
        else:
            view = out.reshape(-1)[: n * width].reshape(n, width)
        with np.errstate(over="ignore", invalid="ignore"):
            self._fill_features(rows, view)
        # scaling can overflow float32 (a finite 3e38 times sqrt(dim)); float input only
        if rows.dtype.kind in "fc" and not np.isfinite(np.add.reduce(view.reshape(-1), dtype=np.float64)):
            raise ValueError(f"vectors hold values too large for {self!r} features (they overflow float32)")
        return view

    def from_features(self, rows) -> np.ndarray:
        """The raw accumulator (what :meth:`normalize` takes) of real feature rows (..., feature_dim).

        The inverse of :meth:`to_features` and linear: a weighted sum of feature rows maps to the
        accumulator of the same weighted sum of the vectors (``accumulate(xs, weights)``), so
        ``normalize(from_features(w @ to_features(xs)))`` bundles ``xs`` with weights ``w``. The
        accumulator is float64 (complex128 for FHRR), so where its sums tie, :meth:`normalize`
        breaks them as for any float accumulator.

        Examples
        --------
        >>> import kanerva as kv
        >>> s = kv.BSC(100, seed=1)
        >>> v = s.random(key="x")
        >>> bool((s.normalize(s.from_features(s.to_features(v)))[0] == v).all())
        True
        """
        rows = np.asarray(rows)
        if rows.dtype.kind not in "biuf":
            raise TypeError(f"feature rows must be real numbers, got dtype {rows.dtype}")
        if rows.ndim < 1 or rows.shape[-1] != self.feature_dim:
            raise ValueError(f"feature rows of {self!r} have {self.feature_dim} entries in the last axis, "
                             f"got shape {rows.shape}")
        rows = rows.astype(np.float64, copy=False)
        if not np.isfinite(rows).all():
            raise ValueError("feature rows contain NaN or inf")
        return self._from_features(rows)

    @abstractmethod
    def _fill_features(self, rows: np.ndarray, out: np.ndarray) -> None:
        """Write the features of checked vectors ``rows`` ``(n, *shape)`` into ``out`` (n, feature_dim)."""

    @abstractmethod
    def _from_features(self, rows: np.ndarray) -> np.ndarray:
        """The accumulator of finite float64 feature rows (..., feature_dim)."""

    def packed_space(self) -> Space | None:
        """The BSC space whose packed vectors are this space's vectors under bit b -> 1 - 2b, or None.

        BSC: itself; MAP: ``BSC(dim, seed)`` (MAP's vectors are the bipolar image of BSC's of the
        same seed); HRR, FHRR: None. Code that can work on packed bits (byte-lookup projections,
        popcounts) uses it instead of asking for a model by name.

        Examples
        --------
        >>> import kanerva as kv
        >>> kv.MAP(64, seed=3).packed_space(), kv.HRR(64).packed_space()
        (BSC(dim=64, seed=3), None)
        """
        return None

    # ---- checking input ------------------------------------------------------------------

    def check(self, x, name: str = "vector", batch: bool | None = None, *, values: bool = True) -> np.ndarray:
        """Return ``x`` as an array of this space, or raise a clear TypeError/ValueError.

        ``batch=True`` requires ``(n, *shape)``, ``False`` requires ``shape``, None accepts any
        number of leading axes. ``values=False`` skips the pass over float input that screens
        for NaN and inf: for operations that check their own float result (``_finite``), which
        any NaN or inf of the input reaches (sums, elementwise and matrix products). Other value
        checks (±1, padding bits) always run.
        """
        if not isinstance(x, np.ndarray):
            if isinstance(x, (list, tuple)) and x and all(isinstance(v, np.ndarray) for v in x):
                x = np.stack([self.check(v, name) for v in x])
            else:
                raise TypeError(
                    f"{name} must be a numpy array of {self!r} (dtype {np.dtype(self.dtype)}, "
                    f"shape (..., {', '.join(map(str, self.shape))})), got {type(x).__name__}"
                )
        if x.dtype != self.dtype:
            raise TypeError(
                f"{name} has dtype {x.dtype}, but {self!r} vectors are {np.dtype(self.dtype)} "
                f"(a vector of another model?)"
            )
        k = len(self.shape)
        if x.shape[x.ndim - k :] != self.shape or x.ndim < k:
            raise ValueError(
                f"{name} has shape {x.shape}, but {self!r} vectors have shape {self.shape} "
                f"in the last axis (a vector of another dimension, or of another model?)"
            )
        if batch is True and x.ndim != k + 1:
            raise ValueError(f"{name} must be a batch of shape (n, {self.shape[-1]}), got {x.shape}")
        if batch is False and x.ndim != k:
            raise ValueError(f"{name} must be one vector of shape {self.shape}, got {x.shape}")
        if values or x.dtype.kind not in "fc":
            self._check_values(x, name)
        return x

    def _check_values(self, x: np.ndarray, name: str) -> None:
        """Model-specific value checks (finite floats, padding bits, ...)."""

    def _check_pair(self, a, b, *, values: bool = True) -> tuple[np.ndarray, np.ndarray]:
        return self.check(a, "first argument", values=values), self.check(b, "second argument", values=values)

    def _check_stack(self, xs, *, values: bool = True) -> np.ndarray:
        if isinstance(xs, np.ndarray):
            xs = self.check(xs, "bundle input", values=values)
            if xs.ndim == len(self.shape):
                raise ValueError("bundle needs a batch of vectors (n, dim), got a single vector")
        else:
            xs = list(xs)
            if not xs:
                raise ValueError("cannot bundle an empty sequence of vectors")
            xs = np.stack([self.check(v, f"bundle input {i}", batch=False, values=values) for i, v in enumerate(xs)])
        if xs.shape[-len(self.shape) - 1] == 0:
            raise ValueError("cannot bundle an empty batch of vectors")
        return xs

    def _check_weights(self, weights, n: int) -> np.ndarray | None:
        if weights is None:
            return None
        w = np.asarray(weights)
        if w.shape != (n,):
            raise ValueError(f"weights must have shape ({n},) to match the {n} vectors, got {w.shape}")
        if not np.issubdtype(w.dtype, np.number) or np.issubdtype(w.dtype, np.complexfloating):
            raise TypeError(f"weights must be real numbers, got dtype {w.dtype}")
        if not np.all(np.isfinite(w)):
            raise ValueError("weights contain NaN or inf")
        if w.dtype.kind in "iu" and w.size and float(np.abs(w.astype(np.float64)).sum()) >= _INT_SUM_LIMIT:
            raise ValueError("integer weights too large: the weighted sums would overflow int64 "
                             "(pass float weights, or smaller ones)")
        return w

    def _check_acc(self, acc, like_shape: tuple[int, ...]) -> np.ndarray:
        acc = self._accumulator(acc)
        if acc.shape != like_shape:
            raise ValueError(f"accumulator has shape {acc.shape}, expected {like_shape}")
        return acc

    def _accumulator(self, acc) -> np.ndarray:
        """A raw accumulator (what :meth:`normalize` takes): numbers, ``dim`` in the last axis,
        finite, and integer counts far enough from the int64 limits that adding to them is exact."""
        acc = np.asarray(acc)
        if acc.dtype == object or not np.issubdtype(acc.dtype, np.number) and acc.dtype != bool:
            raise TypeError(f"an accumulator of {self!r} must be numbers, got dtype {acc.dtype}")
        if acc.ndim == 0 or acc.shape[-1] != self.dim:
            raise ValueError(f"an accumulator of {self!r} has {self.dim} entries in the last axis, got shape {acc.shape}")
        if acc.dtype.kind in "fc" and not np.isfinite(acc).all():
            raise ValueError("the accumulator contains NaN or infinite values")
        if acc.dtype.kind in "iu" and acc.size and float(np.abs(acc.astype(np.float64)).max()) >= _INT_SUM_LIMIT:
            raise ValueError("the accumulator's counts are too large for exact int64 sums")
        return acc


_INT_SUM_LIMIT = 2.0**62  # integer sums stay exact in int64 below this


def _check_k(k, n: int) -> int:
    """``k`` checked against the ``n`` vectors searched (the index family's rule: k <= n)."""
    if n == 0:
        raise ValueError("no vectors to search")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise ValueError(f"k must be an integer between 1 and the {n} vectors searched, got {k!r}")
    return int(k)


def pairwise(a: np.ndarray, b: np.ndarray, fn) -> np.ndarray | float:
    """Apply the matrix similarity ``fn(A (n,d), B (m,d)) -> (n,m)`` with the Space shapes rule."""
    a2 = a.reshape(-1, a.shape[-1]) if a.ndim > 1 else a[None]
    b2 = b.reshape(-1, b.shape[-1]) if b.ndim > 1 else b[None]
    s = fn(a2, b2)
    if a.ndim == 1 and b.ndim == 1:
        return s[0, 0].item()
    if a.ndim == 1:
        return s[0]
    if b.ndim == 1:
        return s[:, 0]
    return s


def as_shift(shift) -> int:
    if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
        raise TypeError(f"shift must be an integer, got {shift!r}")
    return int(shift)
