"""Bit projections of packed rows against the unpacked +-1 numpy products."""

import numpy as np
import pytest

from kanerva._kernels import projection
from kanerva._kernels.bits import n_words, pack
from kanerva._kernels.projection import bipolar_rows, bit_table, weighted_bundle

# (rows, dim, classes): dim not a multiple of 64 or 8, rows not a multiple of the block, C = 1
CASES = [(1, 100, 1), (1, 64, 21), (37, 1000, 21), (300, 100, 1), (513, 130, 8), (64, 7, 3), (2, 1, 21)]


def _rows(v, dim, seed=0):
    rng = np.random.default_rng(seed)
    b = rng.integers(0, 2, (v, dim))
    return pack(b), 1.0 - 2.0 * b


def _rel(x, ref):
    return np.linalg.norm(x - ref) / max(np.linalg.norm(ref), 1e-300)


@pytest.mark.parametrize("v, dim, c", CASES)
def test_integer_bundle_is_exact(v, dim, c):
    rng = np.random.default_rng(v + dim + c)
    bits, f = _rows(v, dim, seed=1)
    counts = (rng.pareto(1.2, (v, c)) * 5 * (rng.random((v, c)) < 0.3)).astype(np.int64)
    out = weighted_bundle(bits, counts, dim)
    assert out.dtype == np.int64 and out.shape == (c, dim)
    np.testing.assert_array_equal(out, counts.T.astype(np.float64) @ f)


@pytest.mark.parametrize("v, dim, c", CASES)
def test_real_bundle_and_table_match_numpy(v, dim, c):
    rng = np.random.default_rng(v * dim + c)
    bits, f = _rows(v, dim, seed=2)
    a = rng.standard_normal((v, c)) + 1.0  # not centred: the bundle is a difference of big sums
    w = weighted_bundle(bits, a, dim)
    assert w.dtype == np.float64 and w.shape == (c, dim)
    assert _rel(w, a.T @ f) < 2e-6
    vectors = rng.standard_normal((c, dim))
    t = bit_table(bits, vectors, dim)
    assert t.dtype == np.float32 and t.shape == (v, c)
    assert _rel(t, f @ vectors.T) < 2e-6


def test_several_blocks(monkeypatch):
    """Rows spread over blocks (flushes of the histograms, rebuilt tables); big integer sums."""
    monkeypatch.setattr(projection, "_BLOCK_ROWS", 256)
    rng = np.random.default_rng(3)
    bits, f = _rows(1000, 200, seed=4)
    counts = rng.integers(0, 2**20, (1000, 21))  # sums beyond 2**24: float32 would round
    counts[:, 0] = 2**40  # per-class sums beyond 2**31: int64 histograms
    np.testing.assert_array_equal(weighted_bundle(bits, counts, 200), counts.T.astype(object) @ f.astype(int))
    a = rng.standard_normal((1000, 21))
    assert _rel(weighted_bundle(bits, a, 200), a.T @ f) < 2e-6
    vectors = rng.standard_normal((21, 200))
    assert _rel(bit_table(bits, vectors, 200), f @ vectors.T) < 2e-6


def test_zero_weights_bool_weights_and_padding_bits():
    bits, f = _rows(50, 100, seed=5)
    assert not weighted_bundle(bits, np.zeros((50, 4)), 100).any()
    assert not weighted_bundle(bits, np.zeros((50, 4), dtype=np.int64), 100).any()
    assert not bit_table(bits, np.zeros((4, 100)), 100).any()
    mask = np.random.default_rng(6).random((50, 2)) < 0.5
    np.testing.assert_array_equal(weighted_bundle(bits, mask, 100), mask.T.astype(int) @ f)
    dirty = bits.copy()
    dirty[:, -1] |= np.uint64(1) << np.uint64(63)  # padding bits are ignored, not read as dimensions
    vectors = np.random.default_rng(7).standard_normal((3, 100))
    np.testing.assert_array_equal(bit_table(dirty, vectors, 100), bit_table(bits, vectors, 100))
    np.testing.assert_array_equal(weighted_bundle(dirty, mask, 100), weighted_bundle(bits, mask, 100))


@pytest.mark.parametrize("v, dim, c", CASES)
def test_bipolar_rows_are_the_signs(v, dim, c):
    bits, f = _rows(v, dim, seed=8)
    np.testing.assert_array_equal(bipolar_rows(bits, dim), f.astype(np.float32))
    buffer = np.full(v * dim + 5, np.nan, dtype=np.float32)
    out = bipolar_rows(bits, dim, out=buffer[: v * dim].reshape(v, dim))
    assert np.shares_memory(out, buffer) and np.isnan(buffer[v * dim :]).all()
    np.testing.assert_array_equal(out, f)
    dirty = bits.copy()
    dirty[:, -1] |= ~np.uint64(0) ^ ((np.uint64(1) << np.uint64(dim % 64)) - np.uint64(1)) if dim % 64 else 0
    np.testing.assert_array_equal(bipolar_rows(dirty, dim), f)  # padding bits never read


def test_no_rows():
    bits = np.zeros((0, n_words(100)), np.uint64)
    assert weighted_bundle(bits, np.zeros((0, 3), np.int64), 100).tolist() == [[0] * 100] * 3
    assert bit_table(bits, np.ones((3, 100)), 100).shape == (0, 3)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda b: weighted_bundle(b.astype(np.int64), np.ones((4, 2)), 100), "uint64"),
        (lambda b: weighted_bundle(b, np.ones((4, 2)), 200), "shape"),
        (lambda b: weighted_bundle(b[0], np.ones((4, 2)), 100), "shape"),
        (lambda b: weighted_bundle(b, np.ones((3, 2)), 100), "weights"),
        (lambda b: weighted_bundle(b, np.ones(4), 100), "weights"),
        (lambda b: weighted_bundle(b, np.ones((4, 2), complex), 100), "weights"),
        (lambda b: weighted_bundle(b, np.ones((4, 2)), 0), "dim"),
        (lambda b: bit_table(b, np.ones((2, 99)), 100), "vectors"),
        (lambda b: bit_table(b, np.ones((2, 100), complex), 100), "vectors"),
        (lambda b: bit_table(b, np.ones((2, 100)), 100.0), "dim"),
        (lambda b: bipolar_rows(b, 200), "shape"),
        (lambda b: bipolar_rows(b, 100, out=np.empty((4, 100))), "float32"),
        (lambda b: bipolar_rows(b, 100, out=np.empty((4, 99), np.float32)), "float32"),
    ],
)
def test_bad_input(call, match):
    bits, _ = _rows(4, 100)
    with pytest.raises(ValueError, match=match):
        call(bits)
