"""Sparse distributed representations: the arithmetic of overlaps (Ahmad & Hawkins 2016, "How do
neurons operate on sparse distributed representations? A mathematical theory of sparsity,
neurons and active dendrites", arXiv:1601.00720).

An SDR is a binary vector of ``n`` bits with ``a`` of them on (a << n). Two random SDRs share
few bits, so a neuron (a dendritic segment) that samples ``s`` of the on bits of a stored SDR
and fires when at least ``theta`` of them are on recognizes it robustly. The chance that a
random SDR also reaches ``theta`` (a false match) is the hypergeometric tail (their eq. 3,
with the count of their eq. 2)::

    P(false match) = sum_{b=theta}^{s} C(s, b) C(n - s, a - b) / C(n, a)

which falls off steeply with ``n``: already at ``n = 2048, a = 40, theta = 10`` (s = a) it is
about 1.4e-9. :func:`false_match_probability` computes it exactly (Python integers);
``benchmarks/structures_htm.py`` checks it against sampled SDRs.

Examples
--------
>>> p = false_match_probability(n=2048, a=40, theta=10)
>>> 1e-12 < p < 1e-8
True
>>> rng = np.random.default_rng(0)
>>> x, y = random_sdrs(2048, 40, 2, rng)
>>> int(x.sum()), int(overlap(x, y)) < 10
(40, True)
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import positive_int


def false_match_probability(n: int, a: int, theta: int, s: int | None = None) -> float:
    """P(a random ``a``-of-``n`` SDR has at least ``theta`` of ``s`` given on bits).

    Parameters
    ----------
    n : int
        Bits in the SDR.
    a : int
        On bits of the random SDR (``a <= n``).
    theta : int
        Match threshold (``0 <= theta <= s``).
    s : int, optional
        Synapses sampled from the stored SDR (default ``a``: compare two whole SDRs).

    Examples
    --------
    >>> false_match_probability(n=4, a=2, theta=2)       # one of the C(4, 2) = 6 pairs
    0.16666666666666666
    >>> false_match_probability(n=2048, a=40, theta=0)
    1.0
    """
    n = positive_int(n, "n")
    a = positive_int(a, "a", minimum=0)
    s = a if s is None else positive_int(s, "s", minimum=0)
    if a > n:
        raise ValueError(f"a (on bits, {a}) cannot exceed n (bits, {n})")
    if s > n:
        raise ValueError(f"s (sampled synapses, {s}) cannot exceed n (bits, {n})")
    theta = positive_int(theta, "theta", minimum=0)
    if theta > s:
        raise ValueError(f"theta ({theta}) cannot exceed the {s} sampled synapses")
    hits = sum(math.comb(s, b) * math.comb(n - s, a - b) for b in range(theta, min(s, a) + 1))
    return hits / math.comb(n, a)


def random_sdrs(n: int, a: int, size: int, rng=None) -> np.ndarray:
    """``size`` random SDRs (size, n) of dtype bool, each with exactly ``a`` bits on.

    Examples
    --------
    >>> random_sdrs(10, 3, 4, np.random.default_rng(1)).sum(axis=1).tolist()
    [3, 3, 3, 3]
    """
    n, size = positive_int(n, "n"), positive_int(size, "size", minimum=0)
    a = positive_int(a, "a", minimum=0)
    if a > n:
        raise ValueError(f"a (on bits, {a}) cannot exceed n (bits, {n})")
    rng = np.random.default_rng(rng)
    on = np.argsort(rng.random((size, n)), axis=1)[:, :a]
    out = np.zeros((size, n), dtype=bool)
    np.put_along_axis(out, on, True, axis=1)
    return out


def overlap(x: np.ndarray, y: np.ndarray) -> np.ndarray | int:
    """Number of bits on in both ``x`` and ``y`` (broadcast over leading axes).

    Examples
    --------
    >>> overlap(np.array([1, 1, 0, 1]), np.array([0, 1, 0, 1]))
    2
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.shape[-1:] != y.shape[-1:]:
        raise ValueError(f"SDRs of different sizes: {x.shape} and {y.shape}")
    out = np.count_nonzero((x != 0) & (y != 0), axis=-1)
    return int(out) if np.ndim(out) == 0 else out
