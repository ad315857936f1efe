"""The HTM spatial pooler: binary input -> sparse distributed representation (Cui, Ahmad &
Hawkins 2017, "The HTM spatial pooler - a neocortical algorithm for online sparse distributed
coding", Frontiers in Computational Neuroscience 11:111; the numpy port people ask for of
htm.core's ``SpatialPooler``, whose wheels do not install on current Python).

Each of the ``n_columns`` columns has a *potential pool*: a random fraction ``potential_pct`` of
the inputs within ``potential_radius`` of the column's centre (all inputs without topology),
each with a permanence in [0, 1]; a synapse is connected when its permanence reaches
``syn_perm_connected``. For an input x (bits):

1. overlap: connected synapses on active inputs, ``o_i = sum_j x_j [p_ij >= connected]``
   (Cui et al. eq. 3);
2. boosting: ``o_i * b_i`` with ``b_i = exp(-boost_strength (a_i - target))``, ``a_i`` the
   column's active duty cycle (a moving average of its activity over ``duty_cycle_period``
   inputs) and ``target`` the sparsity (eq. 7): rarely active columns are favoured, so every
   column takes part;
3. k-winners-take-all (global inhibition): the ``k = round(sparsity * n_columns)`` columns with
   the largest boosted overlaps are active (exactly k, ties to the lower column, unless
   ``stimulus_threshold`` removes winners whose overlap is below it);
4. learning (eq. 5): the synapses of active columns move towards the input, ``+active_inc`` on
   active inputs and ``-inactive_dec`` on the others, clipped to [0, 1]; each column keeps at
   least ``stimulus_threshold`` connected synapses; columns whose overlap duty cycle falls below
   ``min_pct_overlap_duty_cycle`` of the best one have all their permanences raised by a tenth
   of ``syn_perm_connected`` (htm.core's "bump up weak columns").

The output SDRs have the properties of :mod:`kanerva.learn.sdr`: similar inputs give
overlapping SDRs, unrelated ones almost none. On MNIST digits with htm.core's example settings
and a linear classifier on the SDRs, ``benchmarks/structures_htm.py`` reproduces its ~95%.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = (rng.random((200, 100)) < 0.2).astype(np.uint8)
>>> sp = SpatialPooler(n_columns=256, sparsity=0.05, random_state=0).fit(X)
>>> sdr = sp.transform(X[:3])
>>> sdr.shape, sdr.sum(axis=1).tolist()                 # exactly k = 13 columns active
((3, 256), [13, 13, 13])
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data


class SpatialPooler(TransformerMixin, BaseEstimator):
    """HTM spatial pooler with global inhibition. See the module docstring.

    Parameters
    ----------
    n_columns : int or tuple of int
        Number of columns, or their grid (e.g. ``(64, 64)``) for topological potential pools.
    sparsity : float
        Fraction of columns active (htm.core's ``localAreaDensity``); ``k = round(sparsity *
        n_columns)``, between 1 and ``n_columns``.
    n_active : int, optional
        k itself (htm.core's ``numActiveColumnsPerInhArea``); overrides ``sparsity``, which then
        only sets the boosting target ``k / n_columns``.
    input_shape : tuple of int, optional
        Grid of the inputs (e.g. ``(28, 28)``); default flat. Its product must equal the number
        of features.
    potential_radius : int, optional
        Chebyshev radius (in input cells) of the neighbourhood a column's potential pool is drawn
        from, around the input cell its centre maps to; default: every input.
    potential_pct : float
        Fraction of the neighbourhood in the potential pool.
    syn_perm_connected, syn_perm_active_inc, syn_perm_inactive_dec : float
        Connection threshold and learning increments of the permanences.
    stimulus_threshold : int
        Minimum overlap of an active column (0: always exactly k active).
    boost_strength : float
        0 disables boosting.
    duty_cycle_period : int
        Inputs over which the duty cycles average.
    min_pct_overlap_duty_cycle : float
        Columns below this fraction of the largest overlap duty cycle get their permanences bumped.
    n_epochs : int
        Passes over the training data in :meth:`fit`.
    threshold : float
        An input feature is an active bit where it is greater than this (binary input: 0.5).
    random_state : int, Generator or None
        Seeds the potential pools, the permanences and the order of the samples.

    Attributes
    ----------
    permanences_ : ndarray (n_columns, pool) float32
        Permanences of each column's potential synapses (0 in the padding of short pools).
    potential_ : ndarray (n_columns, pool) int32
        Input index of each potential synapse.
    pool_mask_ : ndarray (n_columns, pool) bool
        Which entries of ``potential_`` are synapses (pools near an edge are smaller).
    boost_factors_, active_duty_cycles_, overlap_duty_cycles_ : ndarray (n_columns,)
    n_active_ : int
        k, the number of active columns.
    n_iter_ : int
        Inputs learned from.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> X = (rng.random((100, 64)) < 0.25).astype(float)
    >>> sp = SpatialPooler(n_columns=128, sparsity=0.1, boost_strength=2.0, random_state=0)
    >>> sdr = sp.fit_transform(X)
    >>> int(sdr[0].sum()), bool((sp.boost_factors_ > 0).all())
    (13, True)
    """

    def __init__(self, n_columns=2048, *, sparsity=0.02, n_active=None, input_shape=None, potential_radius=None,
                 potential_pct=0.5, syn_perm_connected=0.1, syn_perm_active_inc=0.05,
                 syn_perm_inactive_dec=0.008, stimulus_threshold=0, boost_strength=0.0,
                 duty_cycle_period=1000, min_pct_overlap_duty_cycle=0.001, n_epochs=1,
                 threshold=0.5, random_state=None):
        self.n_columns = n_columns
        self.sparsity = sparsity
        self.n_active = n_active
        self.input_shape = input_shape
        self.potential_radius = potential_radius
        self.potential_pct = potential_pct
        self.syn_perm_connected = syn_perm_connected
        self.syn_perm_active_inc = syn_perm_active_inc
        self.syn_perm_inactive_dec = syn_perm_inactive_dec
        self.stimulus_threshold = stimulus_threshold
        self.boost_strength = boost_strength
        self.duty_cycle_period = duty_cycle_period
        self.min_pct_overlap_duty_cycle = min_pct_overlap_duty_cycle
        self.n_epochs = n_epochs
        self.threshold = threshold
        self.random_state = random_state

    # ---- scikit-learn -------------------------------------------------------------------

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []  # the output is bits (uint8), whatever the input
        return tags

    def fit(self, X, y=None):
        """Initialise the columns and learn from every sample, ``n_epochs`` times."""
        X = self._bits(X, reset=True)
        self._initialise(X.shape[1])
        return self._learn(X, self.n_epochs)

    def partial_fit(self, X, y=None):
        """Learn from the samples once more (initialising on the first call)."""
        first = not hasattr(self, "permanences_")
        X = self._bits(X, reset=first)
        if first:
            self._initialise(X.shape[1])
        return self._learn(X, 1)

    def transform(self, X):
        """The SDR of each sample: (n_samples, n_columns) uint8, k ones per row (fewer only where
        ``stimulus_threshold`` removes weak winners). No learning."""
        check_is_fitted(self, "permanences_")
        X = self._bits(X, reset=False)
        connected = self._connected_matrix()
        out = np.zeros((X.shape[0], self._n_cols), dtype=np.uint8)
        for start in range(0, X.shape[0], 1024):
            overlaps = X[start:start + 1024].astype(np.float32) @ connected.T
            rows = self._winners(overlaps)
            out[start:start + 1024][rows] = 1
        return out

    # ---- set-up -----------------------------------------------------------------------------

    def _check_params(self, n_features: int) -> None:
        cols = self.n_columns if isinstance(self.n_columns, tuple) else (self.n_columns,)
        if not cols or any(isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c < 1 for c in cols):
            raise ValueError(f"n_columns must be a positive integer or a tuple of them, got {self.n_columns!r}")
        self._col_shape = tuple(int(c) for c in cols)
        self._n_cols = int(np.prod(self._col_shape))
        if not isinstance(self.sparsity, (float, int, np.floating)) or not 0 < self.sparsity <= 1:
            raise ValueError(f"sparsity must be in (0, 1], got {self.sparsity!r}")
        if self.n_active is None:
            k = int(round(self.sparsity * self._n_cols))
            if not 1 <= k <= self._n_cols:
                raise ValueError(f"sparsity {self.sparsity} of {self._n_cols} columns gives k = {k} active columns; "
                                 f"k must be between 1 and n_columns = {self._n_cols}")
        else:
            k = self.n_active
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= self._n_cols:
                raise ValueError(f"n_active (k) must be an integer between 1 and n_columns = {self._n_cols}, got {k!r}")
        self.n_active_ = int(k)
        self._target = self.n_active_ / self._n_cols
        shape = (n_features,) if self.input_shape is None else tuple(self.input_shape)
        if int(np.prod(shape)) != n_features:
            raise ValueError(f"input_shape {shape} has {int(np.prod(shape))} cells, but X has {n_features} features")
        self._in_shape = shape
        if self.potential_radius is not None:
            if isinstance(self.potential_radius, bool) or not isinstance(self.potential_radius, (int, np.integer)) \
                    or self.potential_radius < 0:
                raise ValueError(f"potential_radius must be a non-negative integer or None, got {self.potential_radius!r}")
            if len(self._col_shape) != len(shape):
                raise ValueError(f"topological potential pools need a column grid with as many axes as the input "
                                 f"grid: n_columns {self._col_shape} vs input_shape {shape}")
        for name in ("potential_pct", "syn_perm_connected", "syn_perm_active_inc", "syn_perm_inactive_dec",
                     "min_pct_overlap_duty_cycle"):
            value = getattr(self, name)
            if not isinstance(value, (float, int, np.floating)) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {value!r}")
        if self.potential_pct == 0:
            raise ValueError("potential_pct must be > 0: every column needs a potential pool")
        if not isinstance(self.boost_strength, (float, int, np.floating)) or not 0 <= self.boost_strength < np.inf:
            raise ValueError(f"boost_strength must be finite and >= 0, got {self.boost_strength!r}")
        for name in ("duty_cycle_period", "n_epochs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if isinstance(self.stimulus_threshold, bool) or not isinstance(self.stimulus_threshold, (int, np.integer)) \
                or self.stimulus_threshold < 0:
            raise ValueError(f"stimulus_threshold must be an integer >= 0, got {self.stimulus_threshold!r}")

    def _initialise(self, n_features: int) -> None:
        self._check_params(n_features)
        rng = np.random.default_rng(self.random_state)
        pools = [self._pool(c, rng) for c in range(self._n_cols)]
        width = max(len(p) for p in pools)
        self.potential_ = np.zeros((self._n_cols, width), dtype=np.int32)
        self.pool_mask_ = np.zeros((self._n_cols, width), dtype=bool)
        for c, pool in enumerate(pools):
            self.potential_[c, :len(pool)] = pool
            self.pool_mask_[c, :len(pool)] = True
        # half the potential synapses start connected, uniformly above the threshold; the rest below
        connected = rng.random(self.potential_.shape) < 0.5
        above = rng.uniform(self.syn_perm_connected, 1.0, self.potential_.shape)
        below = rng.uniform(0.0, self.syn_perm_connected, self.potential_.shape)
        perms = np.where(connected, above, below).astype(np.float32)
        self.permanences_ = np.where(self.pool_mask_, perms, np.float32(0))
        self._raise_to_threshold(np.arange(self._n_cols))
        n = self._n_cols
        self.boost_factors_ = np.ones(n)
        self.active_duty_cycles_ = np.zeros(n)
        self.overlap_duty_cycles_ = np.zeros(n)
        self.min_overlap_duty_cycles_ = np.zeros(n)
        self.n_iter_ = 0
        self._rng = rng

    def _pool(self, column: int, rng) -> np.ndarray:
        """Input indices of one column's potential pool (htm.core's initMapPotential_)."""
        n_inputs = int(np.prod(self._in_shape))
        if self.potential_radius is None:
            hood = np.arange(n_inputs)
        else:  # the column's centre on the input grid, then the cells within the radius
            col = np.unravel_index(column, self._col_shape)
            centre = [int((c + 0.5) * d / cd) for c, d, cd in zip(col, self._in_shape, self._col_shape)]
            r = int(self.potential_radius)
            ranges = [np.arange(max(0, c - r), min(d, c + r + 1)) for c, d in zip(centre, self._in_shape)]
            grid = np.meshgrid(*ranges, indexing="ij")
            hood = np.ravel_multi_index([g.ravel() for g in grid], self._in_shape)
        size = max(1, int(round(len(hood) * self.potential_pct)))
        return np.sort(rng.choice(hood, size=size, replace=False))

    # ---- the algorithm ----------------------------------------------------------------------

    def _connected_matrix(self) -> np.ndarray:
        dense = np.zeros((self._n_cols, int(np.prod(self._in_shape))), dtype=np.float32)
        rows = np.broadcast_to(np.arange(self._n_cols)[:, None], self.potential_.shape)
        on = self.pool_mask_ & (self.permanences_ >= self.syn_perm_connected)
        dense[rows[on], self.potential_[on]] = 1.0
        return dense

    def _winners(self, overlaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column indices of the active columns of a batch of overlaps (n, n_columns)."""
        boosted = overlaps * self.boost_factors_ if self.boost_strength > 0 else overlaps
        k = self.n_active_
        # k largest boosted overlaps, ties to the lower column: a stable sort of the negation
        top = np.argsort(-boosted, axis=1, kind="stable")[:, :k]
        rows = np.broadcast_to(np.arange(overlaps.shape[0])[:, None], top.shape)
        if self.stimulus_threshold > 0:
            keep = np.take_along_axis(overlaps, top, axis=1) >= self.stimulus_threshold
            return rows[keep], top[keep]
        return rows.ravel(), top.ravel()

    def _learn(self, X: np.ndarray, epochs: int):
        period_max = int(self.duty_cycle_period)
        connected_at = np.float32(self.syn_perm_connected)
        inc, dec = np.float32(self.syn_perm_active_inc), np.float32(self.syn_perm_inactive_dec)
        bump = np.float32(self.syn_perm_connected / 10.0)
        for _ in range(epochs):
            for i in self._rng.permutation(X.shape[0]):
                x = X[i]
                self.n_iter_ += 1
                inputs = x[self.potential_] & self.pool_mask_                       # (n_cols, pool)
                overlaps = np.count_nonzero(inputs & (self.permanences_ >= connected_at), axis=1)
                _, active = self._winners(overlaps[None].astype(np.float64))
                # Hebbian step on the winners' potential synapses (eq. 5)
                perms = self.permanences_[active]
                perms += np.where(inputs[active], inc, -dec) * self.pool_mask_[active]
                np.clip(perms, 0.0, 1.0, out=perms)
                self.permanences_[active] = perms
                self._raise_to_threshold(active)
                # duty cycles, weak columns, boosting
                period = min(period_max, self.n_iter_)
                decay = (period - 1) / period
                self.overlap_duty_cycles_ *= decay
                self.overlap_duty_cycles_ += (overlaps > 0) / period
                self.active_duty_cycles_ *= decay
                self.active_duty_cycles_[active] += 1.0 / period
                weak = self.overlap_duty_cycles_ < self.min_overlap_duty_cycles_
                if weak.any():
                    self.permanences_[weak] = np.minimum(self.permanences_[weak] + bump * self.pool_mask_[weak], 1.0)
                if self.boost_strength > 0:
                    self.boost_factors_ = np.exp((self._target - self.active_duty_cycles_) * self.boost_strength)
                if self.n_iter_ % 50 == 0:  # htm.core's update period
                    self.min_overlap_duty_cycles_[:] = self.min_pct_overlap_duty_cycle * self.overlap_duty_cycles_.max()
        return self

    def _raise_to_threshold(self, columns: np.ndarray) -> None:
        """Give every column in ``columns`` at least ``stimulus_threshold`` connected synapses by
        raising all its permanences together (htm.core's raisePermanencesToThreshold)."""
        need = int(self.stimulus_threshold)
        if need == 0 or len(columns) == 0:
            return
        perms = self.permanences_[columns]
        ranked = np.sort(np.where(self.pool_mask_[columns], perms, -1.0), axis=1)[:, ::-1]
        nth = ranked[:, min(need, ranked.shape[1]) - 1]
        lift = np.maximum(np.float32(self.syn_perm_connected) - nth, 0.0).astype(np.float32)
        if lift.any():
            self.permanences_[columns] = np.minimum(perms + lift[:, None] * self.pool_mask_[columns], 1.0)

    def _bits(self, X, reset: bool) -> np.ndarray:
        X = validate_data(self, X, reset=reset, dtype=[np.float64, np.float32, np.int64, np.int32, np.uint8, bool])
        if not isinstance(self.threshold, (float, int, np.floating)) or not np.isfinite(self.threshold):
            raise ValueError(f"threshold must be a finite number, got {self.threshold!r}")
        return np.asarray(X > self.threshold)
