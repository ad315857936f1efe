"""Hopfield network: +-1 states, three learning rules, synchronous and asynchronous recall.

Hopfield (1982), "Neural networks and physical systems with emergent collective computational
abilities", PNAS 79:2554. States sigma in {-1, +1}^N evolve by sigma_i <- sign(sum_j w_ij sigma_j)
(eq. 1 there), which never raises the energy E = -1/2 sigma^T W sigma under asynchronous
updates (one unit at a time); synchronous updates (all units at once) may end in a 2-cycle.

Learning rules (patterns xi^mu as the rows of Xi, P of them; self-couplings w_ii = 0 always):

- ``"hebb"``: W = (1/N) sum_mu xi^mu xi^mu^T. Capacity alpha_c = P/N ~ 0.138 (Amit, Gutfreund &
  Sompolinsky 1985, PRL 55:1530); all patterns exact only for P <~ N / (4 ln N) (McEliece et al.
  1987). Stored as the patterns, not an N x N matrix: the synchronous field is
  (Xi^T (Xi sigma) - P sigma) / N, which costs 2NP per cue instead of N^2 (P < N/2 is all a
  Hebbian net can hold anyway); the overlaps Xi sigma come from XOR + popcount on packed bits
  (NP/64 word operations). The product Xi^T (Xi sigma) is done by table lookups: for 8 cues
  and each group of 5 patterns the 32 signed sums of their overlaps form a table, and each unit
  adds one table row per group (P/5 8-lane int32 adds per unit and 8 cues instead of P
  multiply-adds per unit and cue; exact; see ``_hebb_kernel``). Asynchronous reads build W
  once per call.
- ``"storkey"``: Storkey (1997), "Increasing the capacity of a Hopfield network without
  sacrificing functionality", ICANN: w_ij += (1/N)(xi_i xi_j - xi_i h_ji - h_ij xi_j) with
  h_ij = sum_{k != i, j} w_ik xi_k; local, incremental, capacity about 0.2 N.
- ``"pinv"``: projection (pseudo-inverse) rule, Personnaz, Guyon & Dreyfus (1985);
  W = Xi^T (Xi Xi^T)^+ Xi with the diagonal removed (Kanter & Sompolinsky 1987). Every pattern
  is a fixed point while P < N (its field is (1 - w_ii) xi_i with w_ii ~ P/N < 1).

Examples
--------
>>> import kanerva as kv
>>> s = kv.MAP(200, seed=0)                    # patterns are MAP vectors (int8 +-1); kv.BSC works too
>>> patterns = s.random(10)
>>> net = Hopfield(s, rule="hebb")
>>> net.write(patterns)
>>> noisy = patterns.copy(); noisy[:, :20] *= -1          # 10% of the bits flipped
>>> bool((net.read(noisy) == patterns).all())
True
>>> len(net)
10
"""

from __future__ import annotations

import numpy as np

from .._kernels import bits as _bits
from .._kernels.hopfield import SENTINEL as _SENTINEL
from .._kernels.hopfield import async_update as _async_dense
from .._kernels.hopfield import hebb_step as _hebb_kernel
from .._kernels.hopfield import storkey_update as _storkey_update
from .._kernels.hopfield import sync_update
from .._kernels.hopfield import table_offsets as _table_offsets
from ._base import AssociativeMemory, ReadInfo, run_sync

RULES = ("hebb", "storkey", "pinv")
MODES = ("sync", "async")
_EXACT_F32 = 2**24  # float32 adds integers exactly below this
_GROUP = 5  # patterns per table lookup of the Hebbian step (32-entry tables: all in L1)


class Hopfield(AssociativeMemory):
    """A Hopfield network of ``dim`` +-1 units (see the module docstring).

    Parameters
    ----------
    space : kv.BSC, kv.MAP or int
        The patterns: vectors of a BSC space (packed bits, bit b is the state 1 - 2b) or of a MAP
        space (int8 +-1), or, for an int ``dim``, +-1 arrays of that width. The number of units
        is the dimension.
    rule : {"hebb", "storkey", "pinv"}
        Learning rule.
    seed : int
        Seeds the unit order of asynchronous updates (reads are deterministic).

    Examples
    --------
    >>> import numpy as np
    >>> net = Hopfield(64, rule="pinv")
    >>> p = np.where(np.random.default_rng(1).random((20, 64)) < 0.5, -1, 1)
    >>> net.write(p)
    >>> bool((net.read(p, steps=1) == p).all())      # P < N: every pattern is a fixed point
    True
    """

    kind = "hopfield"

    def __init__(self, space, rule: str = "hebb", seed: int = 0):
        super().__init__(space)
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
        self.rule = rule
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an integer, got {seed!r}")
        self.seed = int(seed)
        self._keep(np.zeros((0, self.dim), dtype=np.int8))
        self._weights = np.zeros((self.dim, self.dim)) if rule == "storkey" else None
        self._cinv = None  # pinv: (Xi Xi^T)^+
        self._diag = None  # pinv: w_ii before removal

    def __repr__(self) -> str:
        return f"Hopfield({self.patterns!r}, rule={self.rule!r}, patterns={len(self)})"

    # ---- learning -----------------------------------------------------------------------

    def write(self, keys, values=None) -> None:
        """Store patterns (one or a batch); auto-associative only (``values`` must be None)."""
        self._mode(values)
        xi, _ = self.patterns.bipolar(keys, "patterns")
        if not len(xi):
            return
        self._keep(np.concatenate([self.patterns_, xi]))
        self._stored(len(xi), False)
        if self.rule == "storkey":
            self._storkey(xi.astype(np.float64))
        elif self.rule == "pinv":
            x = self.patterns_.astype(np.float64)
            self._cinv = np.linalg.pinv(x @ x.T, hermitian=True)
            self._diag = np.einsum("mi,mn,ni->i", x, self._cinv, x)

    def _keep(self, patterns: np.ndarray) -> None:
        self.patterns_ = patterns  # +-1 int8 (P, dim), whatever form they were written in
        self._xf = patterns.astype(np.float32 if patterns.size < _EXACT_F32 else np.float64)  # for BLAS (exact)
        self._bits = _pack_signs(patterns)
        self._offsets = None  # Hebbian step tables, built at the first read

    def _storkey(self, xi: np.ndarray) -> None:
        for x in xi:
            _storkey_update(self._weights, x, self._weights @ x)

    def weights(self) -> np.ndarray:
        """The dense coupling matrix W (dim, dim), zero diagonal.

        >>> net = Hopfield(3); net.write([[1, -1, 1]])
        >>> (net.weights() * 3).round().astype(int).tolist()
        [[0, -1, 1], [-1, 0, -1], [1, -1, 0]]
        """
        if self.rule == "storkey":
            return self._weights.copy()
        x = self.patterns_.astype(np.float64)
        w = x.T @ (self._cinv @ x) if self.rule == "pinv" and len(x) else x.T @ x / self.dim
        np.fill_diagonal(w, 0.0)
        return w

    # ---- recall -------------------------------------------------------------------------

    def field(self, states) -> np.ndarray:
        """Local fields h = W sigma for states in the pattern form, (n, dim) float.

        >>> net = Hopfield(4); net.write([[1, 1, -1, -1]])
        >>> net.field([[1, 1, -1, -1]]).tolist()
        [[0.75, 0.75, -0.75, -0.75]]
        """
        s, _ = self.patterns.bipolar(states, "states")
        return self._field(s) / (self.dim if self.rule == "hebb" else 1.0)

    def _drive(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray | float]:
        """(g, d) with field = g - d * s: the coupling product and the removed self-coupling.

        Hebb: N times the field, exact integers (only its sign matters for updates).
        """
        if self.rule == "storkey":
            return s @ self._weights, 0.0
        x = self._xf
        # overlaps Xi sigma from packed bits: N - 2 * Hamming distance, 64 units per popcount
        # instead of one multiply-add each (the same integers BLAS gives, exactly)
        overlaps = (self.dim - 2 * _bits.hamming_matrix(_pack_signs(s), self._bits)).astype(x.dtype)
        if self.rule == "hebb":
            return overlaps @ x, float(len(self))
        if len(self) == 0:
            return np.zeros(s.shape), 0.0
        return (overlaps.astype(np.float64) @ self._cinv) @ x.astype(np.float64), self._diag

    def _field(self, s: np.ndarray) -> np.ndarray:
        g, d = self._drive(s)
        return g - d * s

    def stable(self, states) -> np.ndarray:
        """Whether each state is a fixed point of one synchronous update, (n,) bool.

        >>> net = Hopfield(4); net.write([[1, 1, -1, -1]])
        >>> net.stable([[1, 1, -1, -1], [1, -1, 1, -1]]).tolist()
        [True, False]
        """
        s, _ = self.patterns.bipolar(states, "states")
        h = self._field(s)
        return ~((h * s < 0).any(axis=1))

    def energy(self, states) -> np.ndarray:
        """E = -1/2 sigma^T W sigma for each state (n,), or a float for one state.

        >>> net = Hopfield(4); net.write([[1, 1, -1, -1]])
        >>> net.energy([1, 1, -1, -1]), net.energy([1, -1, 1, -1])
        (-1.5, 0.5)
        """
        s, single = self.patterns.bipolar(states, "states")
        e = -0.5 * np.einsum("ni,ni->n", s.astype(np.float64), self._field(s) / (self.dim if self.rule == "hebb" else 1.0))
        return float(e[0]) if single else e

    def read(self, cues, *, steps: int | None = None, mode: str = "sync", return_info: bool = False):
        """Run the network from ``cues`` (one pattern or a batch).

        Parameters
        ----------
        cues : patterns in the network's form
        steps : int, optional
            None: until a fixed point (at most ``max_steps``, warning if it is reached); n:
            n synchronous updates, or n asynchronous sweeps over all units in random order.
        mode : {"sync", "async"}
        return_info : bool
            Also return a :class:`ReadInfo` (per-cue ``converged`` flags and ``steps``).

        Returns
        -------
        states : patterns like ``cues``
            The states reached. A unit with zero field keeps its state.

        Examples
        --------
        >>> net = Hopfield(4); net.write([[1, 1, -1, -1]])
        >>> net.read([1, 1, 1, -1], mode="async").tolist()
        [1, 1, -1, -1]
        """
        if mode not in MODES:
            raise ValueError(f"mode must be 'sync' or 'async', got {mode!r}")
        limit, strict = self._plan(steps)
        s, single = self.patterns.bipolar(cues, "cues")
        if mode == "sync":
            states, info = self._read_sync(s, limit)
        else:
            order = np.random.default_rng(self.seed).permuted(np.tile(np.arange(self.dim), (limit, 1)), axis=1)
            states, info = s.copy(), ReadInfo.start(len(s))
            _async_dense(self.weights(), states, order.astype(np.int64), info.converged, info.steps)
        self._report(info, limit, strict)
        out = self.patterns.from_bipolar(states)
        out = out[0] if single else out
        return (out, info) if return_info else out

    def _read_sync(self, s: np.ndarray, limit: int) -> tuple[np.ndarray, ReadInfo]:
        if self.rule == "hebb" and len(self) * self.dim < _SENTINEL:
            return run_sync(s, self._hebb_step, limit)
        return run_sync(s, lambda cur, rows: sync_update(cur, *self._drive(cur)), limit)

    def _hebb_step(self, cur: np.ndarray, rows=None) -> tuple[np.ndarray, np.ndarray]:
        """One synchronous Hebbian update by table lookups (exact int32; see :func:`_hebb_kernel`)."""
        if self._offsets is None:
            p, n = self.patterns_.shape
            self._offsets = np.empty((-(-n // 8) * 8, max(1, -(-p // _GROUP))), np.int32)
            _table_offsets(self.patterns_, _GROUP, self._offsets)
        b, n = cur.shape
        b8, n8 = -(-b // 8) * 8, self._offsets.shape[0]
        ham = _bits.hamming_matrix(self._bits, _pack_signs(cur))  # (P, B)
        if (b8, n8) == (b, n) and cur.flags.c_contiguous:
            states = cur
        else:
            states = np.ones((b8, n8), np.int8)
            states[:b, :n] = cur
        out = np.empty((b8, n8), np.int8)
        moved = np.zeros(b8 * 8, np.int32)
        _hebb_kernel(self._offsets, ham, self.dim, _GROUP, states, out, moved)
        return (out if out.shape == cur.shape else out[:b, :n]), moved.reshape(b8, 8)[:b].any(axis=1)

    # ---- files --------------------------------------------------------------------------

    def _stored_count(self):
        return len(self.patterns_)

    def _state(self):
        arrays = {"patterns": self.patterns_}
        if self.rule == "storkey":
            arrays["weights"] = self._weights
        return arrays, {"rule": self.rule, "seed": self.seed}

    @classmethod
    def _from_state(cls, space, arrays, meta):
        dim = space.dim if hasattr(space, "dim") else space  # checked against the arrays before allocating
        patterns = arrays["patterns"]
        if patterns.dtype != np.int8 or patterns.ndim != 2 or patterns.shape[1] != dim \
                or not np.isin(patterns, (-1, 1)).all():
            raise ValueError(f"patterns must be +-1 int8 of shape (P, {dim}), got {patterns.dtype} {patterns.shape}")
        if meta["rule"] == "storkey":
            w = arrays["weights"]
            if w.shape != (dim, dim) or w.dtype != np.float64 or not np.isfinite(w).all():
                raise ValueError(f"weights must be finite float64 of shape ({dim}, {dim}), got {w.dtype} {w.shape}")
        net = cls(space, rule=meta["rule"], seed=meta["seed"])
        if net.rule == "storkey":
            net._keep(patterns)
            net._weights = w.copy()
        elif len(patterns):
            net.write(net.patterns.from_bipolar(patterns))
        return net


def _pack_signs(s: np.ndarray) -> np.ndarray:
    """The -1 units of +-1 states (n, N) as set bits of zero-padded uint64 words (the kv.BSC layout).

    np.packbits straight into the word buffer: several times faster than ``_bits.pack``'s
    general path for a batch of cues.
    """
    n, d = s.shape
    out = np.zeros((n, _bits.n_words(d) * 8), dtype=np.uint8)
    out[:, :-(-d // 8)] = np.packbits(s < 0, axis=-1, bitorder="little")
    return out.view("<u8")
