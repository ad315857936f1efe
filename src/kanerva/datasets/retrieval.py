"""The associative retrieval task of Ba, Hinton, Mnih, Leibo & Ionescu (2016), section 4.1.

A sequence holds K letter-digit pairs with distinct letters, then ``??``, then one of the letters;
the answer is the digit that followed that letter: ``c9k8j3f1??c`` -> 9. With K = 4 (the paper's
example, 11 symbols) the splits have the paper's sizes: 100,000 train, 10,000 validation and
20,000 test sequences. Each split comes from its own stream of a seeded generator
(``numpy.random.SeedSequence((seed, split))``), so the same seed gives the same sequences on every
machine and the splits do not share a stream.

Symbols are coded 0-25 (a-z), 26-35 (0-9) and 36 (``?``); targets are the digit 0-9.
"""

from __future__ import annotations

import numpy as np

VOCABULARY = "abcdefghijklmnopqrstuvwxyz0123456789?"
"""The 37 symbols of the task, in code order."""

SPLIT_SIZES = {"train": 100_000, "valid": 10_000, "test": 20_000}
_SPLIT_INDEX = {"train": 0, "valid": 1, "test": 2}
_QUERY = 36


def associative_retrieval(n: int, pairs: int = 4, seed=0):
    """``n`` sequences of the associative retrieval task.

    Parameters
    ----------
    n : int
        Number of sequences.
    pairs : int
        K, the number of letter-digit pairs (1 to 26).
    seed : int, sequence of ints, or numpy.random.SeedSequence

    Returns
    -------
    tokens : ndarray of int64, shape (n, 2 * pairs + 3)
    targets : ndarray of int64, shape (n,), the digit 0-9

    Examples
    --------
    >>> tokens, targets = associative_retrieval(2, pairs=4, seed=0)
    >>> tokens.shape, decode_retrieval(tokens[:1])[0][-3:-1]
    ((2, 11), '??')
    >>> s = decode_retrieval(tokens[:1])[0]
    >>> int(s[s.index(s[-1]) + 1]) == int(targets[0])
    True
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be an integer >= 0, got {n!r}")
    if isinstance(pairs, bool) or not isinstance(pairs, (int, np.integer)) or not 1 <= pairs <= 26:
        raise ValueError(f"pairs must be an integer from 1 to 26 (distinct letters), got {pairs!r}")
    rng = np.random.default_rng(seed)
    letters = np.argsort(rng.random((n, 26)), axis=1)[:, :pairs]  # distinct letters per sequence
    digits = rng.integers(0, 10, size=(n, pairs))
    which = rng.integers(0, pairs, size=n)
    tokens = np.empty((n, 2 * pairs + 3), dtype=np.int64)
    tokens[:, 0 : 2 * pairs : 2] = letters
    tokens[:, 1 : 2 * pairs : 2] = 26 + digits
    tokens[:, 2 * pairs] = tokens[:, 2 * pairs + 1] = _QUERY
    rows = np.arange(n)
    tokens[:, -1] = letters[rows, which]
    return tokens, digits[rows, which].astype(np.int64)


def load_associative_retrieval(split: str = "train", pairs: int = 4, seed: int = 0):
    """One split of the task with the paper's sizes (100,000 / 10,000 / 20,000).

    Parameters
    ----------
    split : {"train", "valid", "test"}
    pairs : int
        K letter-digit pairs per sequence (4 in the paper's example ``c9k8j3f1??c``).
    seed : int
        The same seed gives the same three splits; each split has its own generator stream.

    Returns
    -------
    tokens : ndarray of int64, shape (n, 2 * pairs + 3)
    targets : ndarray of int64, shape (n,)

    Examples
    --------
    >>> x, y = load_associative_retrieval("valid")
    >>> x.shape, y.shape, int(x.max()) <= 36
    ((10000, 11), (10000,), True)
    """
    if split not in SPLIT_SIZES:
        raise ValueError(f"split must be one of {tuple(SPLIT_SIZES)}, got {split!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    stream = np.random.SeedSequence((int(seed), _SPLIT_INDEX[split]))
    return associative_retrieval(SPLIT_SIZES[split], pairs=pairs, seed=stream)


def decode_retrieval(tokens) -> list[str]:
    """The sequences as strings, e.g. ``'c9k8j3f1??c'``.

    >>> decode_retrieval([[2, 35, 36, 36, 2]])
    ['c9??c']
    """
    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or tokens.size and (tokens.min() < 0 or tokens.max() >= len(VOCABULARY)):
        raise ValueError("tokens must be a 2-D array of symbol codes 0-36")
    return ["".join(VOCABULARY[t] for t in row) for row in tokens]
