"""Dense associative memory: polynomial and exponential interaction energies.

Krotov & Hopfield (2016), "Dense associative memory for pattern recognition", NeurIPS:
energy E = -sum_mu F(xi^mu . sigma) and the update (their eq. 3)

    sigma_i <- sign sum_mu [F(xi_i^mu + sum_{j != i} xi_j^mu sigma_j) - F(-xi_i^mu + sum_{j != i} xi_j^mu sigma_j)].

F(x) = x^n stores about N^(n-1) / (2 (2n-3)!! ln N) patterns (n = 2 is the Hebbian Hopfield
network). Demircigil, Heusel, Loewe, Upgang & Vermet (2017), "On a model of associative memory
with huge storage capacity", J. Stat. Phys. 168:288, take F(x) = exp(x): capacity exponential in N.

Computation: with the overlaps m_mu = xi^mu . sigma and b = m_mu - xi_i^mu sigma_i, the two
arguments are b +- xi_i^mu, so one unit costs O(P), a sweep O(NP) (not O(N^2 P) as with two full
products per unit). The polynomial difference is xi_i^mu ((b + 1)^n - (b - 1)^n), exact in float64
for the sizes used here; the exponential difference is compared as log-sum-exp values shifted
by max_mu m_mu + 2, so exp never overflows (overlaps reach N, and exp(N) overflows beyond
N = 709).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> patterns = rng.choice([-1, 1], size=(200, 100)).astype(np.int8)   # P = 2N
>>> dam = DenseAssociativeMemory(100, n=3)
>>> dam.write(patterns)
>>> noisy = patterns.copy(); noisy[:, :10] *= -1
>>> float((dam.read(noisy) == patterns).all(axis=1).mean())
1.0
"""

from __future__ import annotations

import numba
import numpy as np

from ._base import AssociativeMemory, ReadInfo, as_bipolar, positive_int, report, step_limit


class DenseAssociativeMemory(AssociativeMemory):
    """Krotov-Hopfield dense associative memory on +-1 states (see the module docstring).

    Parameters
    ----------
    dim : int
        Number of units N.
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

    def __init__(self, dim: int, n: int = 3, interaction: str = "poly"):
        self.dim = positive_int(dim, "dim", 2)
        if interaction not in ("poly", "exp"):
            raise ValueError(f"interaction must be 'poly' or 'exp', got {interaction!r}")
        self.interaction = interaction
        self.n = positive_int(n, "n", 2)
        self.patterns_ = np.zeros((0, self.dim), dtype=np.int8)

    def __repr__(self) -> str:
        f = "exp" if self.interaction == "exp" else f"n={self.n}"
        return f"DenseAssociativeMemory(dim={self.dim}, {f}, patterns={len(self)})"

    @property
    def _count(self) -> int:
        return len(self.patterns_)

    def write(self, patterns, values=None) -> None:
        """Store +-1 ``patterns`` (P, dim) or (dim,); auto-associative only."""
        if values is not None:
            raise ValueError("a dense associative memory is auto-associative: write(patterns) takes no values")
        xi, _ = as_bipolar(patterns, self.dim, "patterns")
        self.patterns_ = np.concatenate([self.patterns_, xi])

    def energy(self, states) -> np.ndarray:
        """E = -sum_mu F(xi^mu . sigma), per state (the exp form as -log sum_mu exp(...)).

        >>> dam = DenseAssociativeMemory(4, n=2); dam.write([[1, 1, -1, -1]])
        >>> dam.energy([1, 1, -1, -1])
        -16.0
        """
        s, single = as_bipolar(states, self.dim, "states")
        m = s.astype(np.float64) @ self.patterns_.T.astype(np.float64)
        if self.interaction == "exp":
            top = m.max(axis=1, initial=0.0)
            e = -(top + np.log(np.exp(m - top[:, None]).sum(axis=1)))
        else:
            e = -(m**self.n).sum(axis=1)
        return float(e[0]) if single else e

    def read(self, cues, steps: int | None = None, mode: str = "sync", return_info: bool = False):
        """Update ``cues`` (n, dim) or (dim,) with eq. 3 until a fixed point or ``steps``.

        ``mode="sync"`` updates all units from the same overlaps; ``"async"`` updates units one
        at a time in index order (each sees the flips before it). ``steps`` (default 100)
        counts sweeps. Returns the states (int8), and a :class:`ReadInfo` with
        ``return_info=True``; a step limit reached warns with :class:`NotConvergedWarning`.

        >>> dam = DenseAssociativeMemory(4, n=3); dam.write([[1, 1, -1, -1]])
        >>> dam.read([1, -1, -1, -1]).tolist()
        [1, 1, -1, -1]
        """
        s, single = as_bipolar(cues, self.dim, "cues")
        if mode not in ("sync", "async"):
            raise ValueError(f"mode must be 'sync' or 'async', got {mode!r}")
        limit = step_limit(steps, 100)
        states = s.copy()
        info = ReadInfo(np.zeros(len(s), dtype=bool), np.zeros(len(s), dtype=np.int64))
        xt = np.ascontiguousarray(self.patterns_.T)
        _dam_read(xt, states, self.n, self.interaction == "exp", mode == "async", limit, info.converged, info.steps)
        report(info, f"DenseAssociativeMemory.read(mode={mode!r})", limit)
        states = states[0] if single else states
        return (states, info) if return_info else states

    def stable(self, states) -> np.ndarray:
        """Whether each state is a fixed point (one synchronous update changes nothing), (n,).

        >>> dam = DenseAssociativeMemory(4, n=2); dam.write([[1, 1, -1, -1]])
        >>> dam.stable([[1, 1, -1, -1], [1, -1, 1, -1]]).tolist()
        [True, False]
        """
        s, _ = as_bipolar(states, self.dim, "states")
        out = s.copy()
        conv = np.zeros(len(s), dtype=bool)
        xt = np.ascontiguousarray(self.patterns_.T)
        _dam_read(xt, out, self.n, self.interaction == "exp", False, 1, conv, np.zeros(len(s), np.int64))
        return conv

    def _state(self):
        return {"patterns": self.patterns_}, {"dim": self.dim, "n": self.n, "interaction": self.interaction}

    @classmethod
    def _from_state(cls, arrays, meta):
        dam = cls(int(meta["dim"]), n=int(meta["n"]), interaction=meta["interaction"])
        dam.write(arrays["patterns"])
        return dam


@numba.njit(cache=True, nogil=True)
def _unit_drive(xt_i, m, s_i, n, exp_form):
    """Sign-carrying drive of one unit: sum_mu F(b + x) - F(b - x), b = m - x s_i."""
    if exp_form:
        top = -1e300
        for mu in range(m.shape[0]):
            if m[mu] > top:
                top = m[mu]
        shift = top + 2.0
        plus = 0.0
        minus = 0.0
        for mu in range(m.shape[0]):
            x = xt_i[mu]
            b = m[mu] - x * s_i
            plus += np.exp(b + x - shift)
            minus += np.exp(b - x - shift)
        return plus - minus
    drive = 0.0
    for mu in range(m.shape[0]):
        x = xt_i[mu]
        b = m[mu] - x * s_i
        drive += x * ((b + 1.0) ** n - (b - 1.0) ** n)
    return drive


@numba.njit(cache=True, nogil=True, parallel=True)
def _dam_read(xt, states, n, exp_form, asynchronous, limit, converged, steps):
    n_units, n_pat = xt.shape
    for c in numba.prange(states.shape[0]):
        s = states[c]
        m = np.zeros(n_pat)
        for i in range(n_units):
            for mu in range(n_pat):
                m[mu] += xt[i, mu] * s[i]
        new = s.copy()
        for t in range(limit):
            flips = 0
            for i in range(n_units):
                d = _unit_drive(xt[i], m, float(s[i]), n, exp_form)
                v = 1 if d > 0 else (-1 if d < 0 else s[i])
                if v != s[i]:
                    flips += 1
                    if asynchronous:
                        s[i] = v
                        for mu in range(n_pat):
                            m[mu] += 2.0 * v * xt[i, mu]
                new[i] = v
            steps[c] = t + 1
            if flips == 0:
                converged[c] = True
                break
            if not asynchronous:
                for i in range(n_units):
                    if new[i] != s[i]:
                        for mu in range(n_pat):
                            m[mu] += 2.0 * new[i] * xt[i, mu]
                        s[i] = new[i]
