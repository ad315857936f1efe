"""Binary hashes for similarity search: FlyHash and SimHash, output as packed bits.

FlyHash (Dasgupta, Stevens & Navlakha 2017, "A neural algorithm for a fundamental computing
problem", Science 358:793): the fly's olfactory circuit as a locality-sensitive hash. Each input
is centred (its own mean subtracted, as the projection neurons do); each of ``m`` Kenyon cells
sums a fixed random set of ``fan_in`` inputs (a sparse binary expansion, ``m`` >> ``d``); the
anterior paired lateral neuron's winner-take-all keeps the ``active`` most excited cells as the
tag, a binary vector of length ``m`` with ``active`` ones.

SimHash (Charikar 2002, "Similarity estimation techniques from rounding algorithms"):
``h(x) = sign(R x)`` with Gaussian ``R`` of ``bits`` rows; two vectors at angle theta agree on
each bit with probability ``1 - theta / pi``.

Both are :class:`~kanerva.index.Hasher` s: ``hash(X)`` returns packed codes, uint64 (n,
code_words), in the BSC layout (bit ``b`` of a code is bit ``b % 64`` of word ``b // 64``), so
they are vectors of ``hasher.space`` (``kv.BSC(hasher.bits)``), searchable by Hamming distance:
:class:`kanerva.index.HashIndex` stores and searches them.

Examples
--------
>>> import numpy as np
>>> from kanerva.index import FlyHash
>>> fly = FlyHash(input_dim=8, kenyon_cells=64, fan_in=3, active=4, seed=0)
>>> codes = fly.hash(np.random.default_rng(0).random((5, 8)))
>>> codes.shape, np.bitwise_count(codes).sum(axis=1).tolist()
((5, 1), [4, 4, 4, 4, 4])
"""

from __future__ import annotations

import numba
import numpy as np

from .._kernels.bits import n_words, pack, thread_pool
from .._kernels.flyhash import fly_hash as _fly_kernel
from ..vsa import BSC
from ._base import Hasher
from ._input import as_matrix, positive_int


_PAIRED_MAX_DIM = 128  # up to this input width activations are summed in pairs (fixed order, see the tests)
_GROUP_ROWS = 64  # rows hashed together: their transposed inputs (d x 64 doubles, 32 KB at d = 64) stay in L1


def _terms(inputs: np.ndarray, d: int, paired: bool) -> np.ndarray:
    """(m, T, 2) index pairs whose left-to-right sum is each cell's activation (d: the zero input).

    Paired: (x_a + x_b) + (x_c + x_e) + ... (a lone last input pairs with zero); unpaired: each
    input alone, x_a + x_b + x_c + ... from the left. The tests pin this order (bit-exact sums).
    """
    m, f = inputs.shape
    if paired:
        t = np.full((m, -(-f // 2), 2), d, dtype=np.int64)
        t[:, :, 0] = inputs[:, 0::2]
        t[:, : f // 2, 1] = inputs[:, 1::2]
    else:
        t = np.full((m, f, 2), d, dtype=np.int64)
        t[:, :, 0] = inputs
    return t.astype(np.uint16 if d < 2**16 else np.uint32)  # unsigned: no wraparound checks


def _distinct_samples(rng: np.random.Generator, rows: int, population: int, size: int) -> np.ndarray:
    """(rows, size) int32, each row ``size`` distinct numbers below ``population``."""
    out = rng.integers(0, population, size=(rows, size))
    while True:  # redraw rows that repeat a number; cheap when size << population
        s = np.sort(out, axis=1)
        bad = np.flatnonzero((s[:, 1:] == s[:, :-1]).any(axis=1))
        if not bad.size:
            return out.astype(np.int32)
        if size > population // 2:  # dense sampling: a permutation per bad row
            out[bad] = np.stack([rng.permutation(population)[:size] for _ in bad])
        else:
            out[bad] = rng.integers(0, population, size=(bad.size, size))


class FlyHash(Hasher):
    """Fly olfactory hash: centre, sparse binary expansion, winner-take-all (see module).

    Parameters
    ----------
    input_dim : int
        Input width ``d``.
    kenyon_cells : int
        Number of Kenyon cells ``m`` (the code length in bits).
    fan_in : int
        Inputs each Kenyon cell sums (distinct, drawn uniformly; the paper: about 10% of d).
    active : int
        Cells kept by the winner-take-all (the hash length ``k`` of the paper).
    seed : int
        Seed of the wiring.

    Examples
    --------
    >>> import numpy as np
    >>> fly = FlyHash(4, kenyon_cells=40, fan_in=2, active=3, seed=1)
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> bool((fly.hash(x) == fly.hash(2 * x + 5)).all())   # centred, then top-k: scale-free
    True
    """

    kind = "flyhash"

    def __init__(self, input_dim: int, kenyon_cells: int = 20_000, fan_in: int = 6, active: int = 16, seed: int = 0):
        self.input_dim = positive_int(input_dim, "input_dim")
        self.kenyon_cells = positive_int(kenyon_cells, "kenyon_cells")
        self.fan_in = positive_int(fan_in, "fan_in")
        self.active = positive_int(active, "active")
        if self.fan_in > self.input_dim:
            raise ValueError(f"fan_in ({fan_in}) cannot exceed input_dim ({input_dim}): inputs are sampled without repeats")
        if self.active > self.kenyon_cells:
            raise ValueError(f"active ({active}) cannot exceed kenyon_cells ({kenyon_cells})")
        self.seed = positive_int(seed, "seed", 0)
        rng = np.random.default_rng(np.random.SeedSequence([self.seed & (2**63 - 1), 0xF17]))
        self._wire(_distinct_samples(rng, self.kenyon_cells, self.input_dim, self.fan_in))

    def _wire(self, inputs: np.ndarray) -> None:
        self.inputs = inputs
        self._terms = _terms(self.inputs, self.input_dim, self.input_dim <= _PAIRED_MAX_DIM)

    @property
    def bits(self) -> int:
        return self.kenyon_cells

    @property
    def code_words(self) -> int:
        return n_words(self.kenyon_cells)

    @property
    def space(self) -> BSC:
        """The BSC space the codes live in."""
        return BSC(self.kenyon_cells, seed=self.seed)

    def hash(self, X) -> np.ndarray:
        """Packed tags (n, ceil(kenyon_cells / 64)) uint64 of the rows of ``X`` (n, input_dim)."""
        x = as_matrix(X, self.input_dim)
        n = x.shape[0]
        if n == 0:
            return np.zeros((0, n_words(self.kenyon_cells)), dtype=np.uint64)
        x = x - x.mean(axis=1, keepdims=True)
        # fewer rows per group for a few inputs, or for many cells (the candidate lists of a
        # group take rows x cells x 16 bytes: at most 64 MB)
        rows = min(_GROUP_ROWS, -(-n // 4) * 4, max(4, 2**26 // (16 * self.kenyon_cells) // 4 * 4))
        x = np.concatenate([x, np.repeat(x[-1:], -n % rows, axis=0)])  # whole groups of rows
        x = np.concatenate([x, np.zeros((x.shape[0], 1))], axis=1)  # the zero input of lone terms
        out = np.zeros((x.shape[0], n_words(self.kenyon_cells)), dtype=np.uint64)
        groups = x.shape[0] // rows
        chunks = min(numba.get_num_threads(), groups, 1 + n * self.kenyon_cells * self.fan_in // 2_000_000)
        bounds = [rows * (c * groups // chunks) for c in range(chunks + 1)]  # row groups over threads (nogil)
        args = (self._terms, self.active, rows)
        if chunks == 1:
            _fly_kernel(x, *args, out)
        else:
            jobs = [thread_pool().submit(_fly_kernel, x[a:b], *args, out[a:b])
                    for a, b in zip(bounds[:-1], bounds[1:])]
            for job in jobs:
                job.result()
        return out[:n]

    def __repr__(self) -> str:
        return (f"FlyHash(input_dim={self.input_dim}, kenyon_cells={self.kenyon_cells}, "
                f"fan_in={self.fan_in}, active={self.active}, seed={self.seed})")

    def _state(self):
        return {"inputs": self.inputs}, {"input_dim": self.input_dim, "kenyon_cells": self.kenyon_cells,
                                         "fan_in": self.fan_in, "active": self.active, "seed": self.seed}

    @classmethod
    def _from_state(cls, arrays, meta):
        inputs = arrays["inputs"]
        fly = cls(meta["input_dim"], 1, meta["fan_in"], 1, meta["seed"])  # cheap: one cell, rewired below
        cells, active = positive_int(meta["kenyon_cells"], "kenyon_cells"), positive_int(meta["active"], "active")
        if inputs.dtype != np.int32 or inputs.shape != (cells, fly.fan_in) or active > cells:
            raise ValueError(f"wiring of {inputs.dtype} {inputs.shape} for {cells} cells of fan-in {fly.fan_in}")
        if inputs.size and (inputs.min() < 0 or inputs.max() >= fly.input_dim
                            or (np.diff(np.sort(inputs, axis=1), axis=1) == 0).any()):
            raise ValueError("wiring with inputs out of range or repeated within a cell")
        fly.kenyon_cells, fly.active = cells, active
        fly._wire(inputs.copy())
        return fly


class SimHash(Hasher):
    """Signed random projections: bit ``b`` of ``x`` is ``(R x)_b > 0``, R Gaussian.

    Examples
    --------
    >>> import numpy as np
    >>> h = SimHash(3, bits=16, seed=0)
    >>> x = np.array([1.0, -2.0, 0.5])
    >>> bool((h.hash(x) == h.hash(3 * x)).all()), h.hash(x).shape
    (True, (1, 1))
    """

    kind = "simhash"

    def __init__(self, input_dim: int, bits: int, seed: int = 0):
        self.input_dim = positive_int(input_dim, "input_dim")
        self.bits = positive_int(bits, "bits")
        self.seed = positive_int(seed, "seed", 0)
        rng = np.random.default_rng(np.random.SeedSequence([self.seed & (2**63 - 1), 0x5111]))
        self.projection = rng.standard_normal((self.bits, self.input_dim))

    @property
    def code_words(self) -> int:
        return n_words(self.bits)

    @property
    def space(self) -> BSC:
        """The BSC space the codes live in."""
        return BSC(self.bits, seed=self.seed)

    def hash(self, X) -> np.ndarray:
        """Packed signs (n, ceil(bits / 64)) uint64."""
        x = as_matrix(X, self.input_dim)
        return pack(x @ self.projection.T > 0)

    def __repr__(self) -> str:
        return f"SimHash(input_dim={self.input_dim}, bits={self.bits}, seed={self.seed})"

    def _state(self):
        return {"projection": self.projection}, {"input_dim": self.input_dim, "bits": self.bits, "seed": self.seed}

    @classmethod
    def _from_state(cls, arrays, meta):
        d, bits, projection = positive_int(meta["input_dim"], "input_dim"), positive_int(meta["bits"], "bits"), \
            arrays["projection"]
        if projection.dtype != np.float64 or projection.shape != (bits, d) or not np.isfinite(projection).all():
            raise ValueError(f"projection of {projection.dtype} {projection.shape}, expected ({bits}, {d}) floats")
        h = cls(1, 1, meta["seed"])  # small; the stored projection replaces its draw
        h.input_dim, h.bits, h.projection = d, bits, projection.copy()
        return h
