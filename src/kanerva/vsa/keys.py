"""Keyed deterministic randomness: (seed, key) -> the same random words everywhere.

A key (str or int) is hashed with BLAKE2b under the space's seed (a stable hash, unlike
Python's salted ``hash``), and the hash starts a SplitMix64 stream (Steele, Lea & Flood
2014): word ``i`` of the stream is ``mix(h + (i + 1) * GOLDEN)``. The stream is a pure
function of (seed, key, i), computed with wrapping uint64 arithmetic, so any number of keys
is expanded in one vectorized numpy pass and every process, machine and Dask worker draws
identical vectors.

A public module: a model of one's own (a :class:`~kanerva.vsa.Space` subclass) draws its keyed
vectors from the same streams in its ``_from_hashes``, and other layers (random indexing, LSH)
seed themselves with them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _key_bytes(key: object) -> bytes:
    # bool is an int subclass; refuse it rather than silently treating True as 1
    if isinstance(key, str):
        return b"s" + key.encode("utf-8")
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return b"i" + str(int(key)).encode("ascii")
    raise TypeError(f"a key must be a str or an int, got {type(key).__name__}: {key!r}")


def key_list(key) -> tuple[list, bool]:
    """The keys of ``key`` as a list, and whether it was one key: a str or an int is one key; a
    list, tuple, range or 1-d array of them a batch. Anything else is a TypeError (bytes would
    be read as one key per byte, a set's order changes from run to run, a float is not exact).

    >>> key_list("peso"), key_list(["a", 3])
    ((['peso'], True), (['a', 3], False))
    """
    if isinstance(key, (str, int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return [key], True
    if isinstance(key, np.ndarray):
        if key.ndim != 1 or key.dtype.kind not in "iuU":
            raise TypeError(f"an array of keys must be 1-d ints or strings, got {key.dtype} of shape {key.shape}")
        return key.tolist(), False
    if isinstance(key, (list, tuple, range)):
        keys = list(key)
        if not all(type(k) is str for k in keys):  # the common case checked in one cheap pass
            for k in keys:
                _key_bytes(k)  # each one a str or an int
        return keys, False
    kind = type(key).__name__
    hint = {"bytes": "decode them to a str", "bytearray": "decode them to a str", "set": "pass a sorted list",
            "frozenset": "pass a sorted list", "dict": "pass a list of its keys", "float": "use an int or a str"}
    raise TypeError(f"a key must be a str or an int, or a list/tuple/array of them, got {kind}: {key!r:.60}"
                    + (f" ({hint[kind]})" if kind in hint else ""))


def key_hashes(seed: int, keys: Iterable[object]) -> np.ndarray:
    """Stable 64-bit hashes of ``keys`` under ``seed``.

    Examples
    --------
    >>> h = key_hashes(0, ["peso", 7])
    >>> h.dtype, h.shape
    (dtype('uint64'), (2,))
    >>> bool(key_hashes(0, ["peso"])[0] == h[0]), bool(key_hashes(1, ["peso"])[0] == h[0])
    (True, False)
    """
    salt = int(seed).to_bytes(16, "little", signed=True)
    out = [
        int.from_bytes(hashlib.blake2b(_key_bytes(k), digest_size=8, key=salt).digest(), "little")
        for k in keys
    ]
    return np.array(out, dtype=np.uint64)


def mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64 output function, in place on a uint64 array (returns it).

    >>> mix(np.array([1, 2], dtype=np.uint64)).tolist() == mix(np.array([1, 2], dtype=np.uint64)).tolist()
    True
    >>> len(set(mix(np.arange(1000, dtype=np.uint64)).tolist()))   # a bijection of uint64
    1000
    """
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


def stream(hashes: np.ndarray, n_words: int) -> np.ndarray:
    """The first ``n_words`` words of the SplitMix64 stream of each hash: shape (len(hashes), n_words).

    Examples
    --------
    >>> w = stream(key_hashes(3, ["a", "b"]), 4)
    >>> w.shape, w.dtype
    ((2, 4), dtype('uint64'))
    >>> bool((stream(key_hashes(3, ["b"]), 4)[0] == w[1]).all())
    True
    """
    hashes = np.asarray(hashes, dtype=np.uint64)
    steps = np.arange(1, n_words + 1, dtype=np.uint64) * GOLDEN
    z = hashes[:, None] + steps[None, :]
    return mix(z)


def uniform01(words: np.ndarray) -> np.ndarray:
    """Two uniforms in the open interval (0, 1) from each uint64 word (its two 32-bit halves).

    Shape (..., n) -> (..., 2n), float64.

    >>> u = uniform01(stream(key_hashes(0, ["u"]), 500))
    >>> u.shape, bool(0 < u.min() and u.max() < 1), round(float(u.mean()), 1)
    ((1, 1000), True, 0.5)
    """
    # explicit halves (not a uint32 view) so the result does not depend on byte order
    halves = np.empty(words.shape[:-1] + (2 * words.shape[-1],), dtype=np.float64)
    halves[..., 0::2] = words & np.uint64(0xFFFFFFFF)
    halves[..., 1::2] = words >> np.uint64(32)
    return (halves + 0.5) * (1.0 / 4294967296.0)
