"""Dense associative memory: polynomial and exponential interaction energies.

Krotov & Hopfield (2016), "Dense associative memory for pattern recognition", NeurIPS:
energy E = -sum_mu F(xi^mu . sigma) and the update (their eq. 3)

    sigma_i <- sign sum_mu [F(xi_i^mu + sum_{j != i} xi_j^mu sigma_j) - F(-xi_i^mu + sum_{j != i} xi_j^mu sigma_j)].

F(x) = x^n stores about N^(n-1) / (2 (2n-3)!! ln N) patterns (n = 2 is the Hebbian Hopfield
network). Demircigil, Heusel, Loewe, Upgang & Vermet (2017), "On a model of associative memory
with huge storage capacity", J. Stat. Phys. 168:288, take F(x) = exp(x): capacity exponential in N.

Computation: with the overlaps m_mu = xi^mu . sigma and b = m_mu - xi_i^mu sigma_i, the two
arguments b +- xi_i^mu are always m_mu and m_mu +- 2. So the drive of a unit is a sum over
patterns of one of four per-pattern numbers chosen by (sigma_i, xi_i^mu), computed once per sweep
(once per flip in asynchronous mode): a sweep costs O(NP) additions, not O(N^2 P) as with two
full products per unit, and no power or exp in the inner loop. The polynomial values are exact
in float64 for the sizes used here; the exponential ones are exp(m_mu - max m - 2) times
constants, so exp never overflows (overlaps reach N, and exp(N) overflows beyond N = 709).

Examples
--------
>>> import kanerva as kv
>>> s = kv.MAP(100, seed=0)
>>> patterns = s.random(200)                               # P = 2N
>>> dam = DenseAssociativeMemory(s, n=3)
>>> dam.write(patterns)
>>> noisy = patterns.copy(); noisy[:, :10] *= -1
>>> float((dam.read(noisy) == patterns).all(axis=1).mean())
1.0
"""

from __future__ import annotations

import numpy as np

from .._kernels.dense import read_async as _read_async
from .._kernels.hopfield import sync_update
from ._base import AssociativeMemory, ReadInfo, positive_int, run_sync

INTERACTIONS = ("poly", "exp")
MAX_POWER = 10_000  # beyond, x^n of overlaps is a winner-take-all: the exponential form


class DenseAssociativeMemory(AssociativeMemory):
    """Krotov-Hopfield dense associative memory on +-1 states (see the module docstring).

    Parameters
    ----------
    space : kv.BSC, kv.MAP or int
        The patterns: BSC or MAP vectors, or +-1 arrays of width ``dim`` (see :class:`Hopfield`).
    n : int
        Power of the polynomial interaction F(x) = x^n (n >= 2); ignored for ``"exp"``.
    interaction : {"poly", "exp"}
        ``"exp"`` is F(x) = exp(x) (Demircigil et al. 2017).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.where(np.random.default_rng(2).random((400, 64)) < 0.5, -1, 1)
    >>> dam = DenseAssociativeMemory(64, interaction="exp")
    >>> dam.write(p)                                    # P = 6.25 N
    >>> cue = p.copy(); cue[:, :6] *= -1
    >>> bool((dam.read(cue) == p).all())
    True
    """

    kind = "dense-associative-memory"

    def __init__(self, space, n: int = 3, interaction: str = "poly"):
        super().__init__(space)
        if interaction not in INTERACTIONS:
            raise ValueError(f"interaction must be 'poly' or 'exp', got {interaction!r}")
        self.interaction = interaction
        self.n = positive_int(n, "n", 2)
        if self.n > MAX_POWER:
            raise ValueError(f"n must be at most {MAX_POWER:,} (use interaction='exp' for a sharper energy), got {n!r}")
        self.patterns_ = np.zeros((0, self.dim), dtype=np.int8)

    def __repr__(self) -> str:
        f = "exp" if self.interaction == "exp" else f"n={self.n}"
        return f"DenseAssociativeMemory({self.patterns!r}, {f}, patterns={len(self)})"

    def write(self, keys, values=None) -> None:
        """Store patterns (one or a batch); auto-associative only (``values`` must be None)."""
        self._mode(values)
        xi, _ = self.patterns.bipolar(keys, "patterns")
        self.patterns_ = np.concatenate([self.patterns_, xi])
        self._stored(len(xi), False)

    def energy(self, states) -> np.ndarray:
        """E = -sum_mu F(xi^mu . sigma), per state (the exp form as -log sum_mu exp(...)).

        >>> dam = DenseAssociativeMemory(4, n=2); dam.write([[1, 1, -1, -1]])
        >>> dam.energy([1, 1, -1, -1])
        -16.0
        """
        s, single = self.patterns.bipolar(states, "states")
        m = s.astype(np.float64) @ self.patterns_.T.astype(np.float64)
        if self.interaction == "exp":
            top = m.max(axis=1, initial=0.0)
            e = -(top + np.log(np.exp(m - top[:, None]).sum(axis=1)))
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                e = -(m**self.n).sum(axis=1)
            if not np.isfinite(e).all():
                raise ValueError(f"the energy overflows float64 at n={self.n} (overlaps up to {int(np.abs(m).max())}, "
                                 f"raised to the power n); read and stable work at any n")
        return float(e[0]) if single else e

    def read(self, cues, *, steps: int | None = None, mode: str = "sync", return_info: bool = False):
        """Update ``cues`` (one pattern or a batch) with eq. 3.

        ``mode="sync"`` updates all units from the same overlaps; ``"async"`` updates units one
        at a time in index order (each sees the flips before it). ``steps``: None runs to a fixed
        point (at most ``max_steps`` sweeps, warning if reached), n runs n sweeps. Returns the
        states in the pattern form, and a :class:`ReadInfo` with ``return_info=True``.

        >>> dam = DenseAssociativeMemory(4, n=3); dam.write([[1, 1, -1, -1]])
        >>> dam.read([1, -1, -1, -1]).tolist()
        [1, 1, -1, -1]
        """
        if mode not in ("sync", "async"):
            raise ValueError(f"mode must be 'sync' or 'async', got {mode!r}")
        limit, strict = self._plan(steps)
        s, single = self.patterns.bipolar(cues, "cues")
        exp_form = self.interaction == "exp"
        if mode == "sync":
            states, info = _read_sync(self.patterns_, s, self.n, exp_form, limit)
        else:
            states, info = s.copy(), ReadInfo.start(len(s))
            xt = np.ascontiguousarray(self.patterns_.T)
            _read_async(xt, states, self.n, exp_form, limit, info.converged, info.steps)
        self._report(info, limit, strict)
        out = self.patterns.from_bipolar(states)
        out = out[0] if single else out
        return (out, info) if return_info else out

    def stable(self, states) -> np.ndarray:
        """Whether each state is a fixed point (one synchronous update changes nothing), (n,).

        >>> dam = DenseAssociativeMemory(4, n=2); dam.write([[1, 1, -1, -1]])
        >>> dam.stable([[1, 1, -1, -1], [1, -1, 1, -1]]).tolist()
        [True, False]
        """
        s, _ = self.patterns.bipolar(states, "states")
        return _read_sync(self.patterns_, s, self.n, self.interaction == "exp", 1)[1].converged

    def _stored_count(self):
        return len(self.patterns_)

    def _state(self):
        return {"patterns": self.patterns_}, {"n": self.n, "interaction": self.interaction}

    @classmethod
    def _from_state(cls, space, arrays, meta):
        dam = cls(space, n=meta["n"], interaction=meta["interaction"])
        patterns = arrays["patterns"]
        if patterns.dtype != np.int8 or patterns.ndim != 2 or patterns.shape[1] != dam.dim:
            raise ValueError(f"patterns must be int8 of shape (P, {dam.dim}), got {patterns.dtype} {patterns.shape}")
        if len(patterns):
            dam.write(dam.patterns.from_bipolar(patterns))
        return dam


def _drive_terms(m: np.ndarray, n: int, exp_form: bool) -> tuple[np.ndarray, np.ndarray]:
    """(a, K) with drive_i = sum_mu xi_i^mu a_mu - sigma_i K, for overlaps m (..., P).

    With b = m_mu - xi_i^mu sigma_i the arguments b +- xi_i^mu are m_mu and m_mu +- 2, and
    summing the four cases gives a_mu = (F(m + 2) - F(m - 2)) / 2 and
    K = sum_mu (F(m + 2) - 2 F(m) + F(m - 2)) / 2. For exp every F is scaled by
    exp(-(max m + 2)), which keeps the signs and never overflows. For x^n the overlaps are divided
    by a power of two per cue when (max |m| + 2)^n would overflow (a large n): exact scaling, the
    same signs; below that the arithmetic is unscaled (exact integers where float64 holds them).
    """
    if exp_form:
        e = np.exp(m - (m.max(axis=-1, keepdims=True) + 2.0))
        return e * np.sinh(2.0), e.sum(axis=-1) * (np.cosh(2.0) - 1.0)
    scale = poly_scale(np.abs(m).max(axis=-1, keepdims=True, initial=0.0), n)
    m, two = m / scale, 2.0 / scale
    up, mid, down = (m + two) ** n, m**n, (m - two) ** n
    return 0.5 * (up - down), 0.5 * (up - 2.0 * mid + down).sum(axis=-1)


def poly_scale(top, n: int):
    """1 where (top + 2)^n fits float64 comfortably, else the power of two at or above top + 2
    (dividing by it is exact, and keeps every (m +- 2)^n below 2^n finite).

    >>> float(poly_scale(np.array(100.0), 3)), float(poly_scale(np.array(100.0), 1000))
    (1.0, 128.0)
    """
    top = np.asarray(top, dtype=np.float64) + 2.0
    big = n * np.log2(top) > 1000.0
    return np.where(big, 2.0 ** np.ceil(np.log2(top)), 1.0)


def _read_sync(x: np.ndarray, s: np.ndarray, n: int, exp_form: bool, limit: int) -> tuple[np.ndarray, ReadInfo]:
    # all units from the same overlaps: one (cues, P) x (P, N) product per step
    xf = x.astype(np.float64)

    def step(cur, rows):
        a, k = _drive_terms(cur @ xf.T, n, exp_form)
        return sync_update(cur, a @ xf, per_row=k)

    return run_sync(s, step, limit)
