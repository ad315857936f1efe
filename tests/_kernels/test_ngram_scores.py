"""The row-summing kernels of the n-gram classifier (explicit 8-lane vectors) against plain numpy."""

import numpy as np
import pytest

from kanerva._kernels import ngram_scores as K
from kanerva._kernels.rowsum import sum_rows

CLASSES = [1, 2, 7, 8, 9, 16, 21, 24, 25, 33, 40]


def _data(n_classes, seed, n_rows=40, n_examples=30, dtype=np.float32):
    rng = np.random.default_rng(seed)
    table = (rng.standard_normal((n_rows, n_classes)) * 3).astype(dtype)
    sizes = rng.integers(0, 12, n_examples)
    sizes[[0, 5]] = 0  # empty examples
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    rows = rng.integers(-1, n_rows, bounds[-1]).astype(np.int32)
    rows[rows.size // 2:][:6] = -1  # a run of unseen n-grams
    if bounds[4] > bounds[3]:
        rows[bounds[3]:bounds[4]] = -1  # an example of unseen n-grams only
    rows[bounds[7]:bounds[8]] = rows[bounds[7]]  # repeated rows
    labels = rng.integers(0, n_classes, n_examples)
    return rows, bounds, labels, table


def _sums(rows, bounds, table, dtype):
    out = np.zeros((bounds.size - 1, table.shape[1]), dtype=dtype)
    for e in range(bounds.size - 1):
        for r in rows[bounds[e]:bounds[e + 1]]:
            if r >= 0:
                out[e] = (out[e] + table[r]).astype(dtype)  # in row order, numpy's promotion
    return out


def _online_ref(rows, bounds, labels, order, table, scale, step, margin):
    wrong = 0
    for e in order:
        rs = [r for r in rows[bounds[e]:bounds[e + 1]] if r >= 0]
        if not rs:
            continue
        sq = float(sum(v * v for v in np.bincount(rs)))
        scores = _sums(rows, bounds[e:e + 2], table, np.float64)[0]
        y = labels[e]
        others = [c for c in range(table.shape[1]) if c != y]
        if not others:
            rival, best = -1, -np.inf
        else:
            rival = max(others, key=lambda c: (scores[c], -c))
            best = scores[rival]
        if (scores[y] - best) / (np.sqrt(sq) * scale) >= margin:
            continue
        wrong += 1
        w = step * scale / np.sqrt(sq)
        for r in rows[bounds[e]:bounds[e + 1]]:
            if r >= 0:
                table[r, y] = table[r, y] + w
                table[r, rival] = table[r, rival] - w
    return wrong


@pytest.mark.parametrize("n_classes", CLASSES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_score_examples_exact(n_classes, dtype):
    rows, bounds, _, table = _data(n_classes, n_classes, dtype=dtype)
    scores, sq = K.score_examples(rows, bounds, table)
    np.testing.assert_array_equal(scores, _sums(rows, bounds, table, np.float64))
    counts = [np.bincount(rows[a:b][rows[a:b] >= 0], minlength=1) for a, b in zip(bounds[:-1], bounds[1:])]
    np.testing.assert_array_equal(sq, [float((c.astype(np.int64) ** 2).sum()) for c in counts])


@pytest.mark.parametrize("n_classes", CLASSES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_best_classes_exact(n_classes, dtype):
    rows, bounds, _, table = _data(n_classes, 100 + n_classes, dtype=dtype)
    sums = _sums(rows, bounds, table, np.float32)  # float32 running sums, as the kernel
    known = [bool((rows[a:b] >= 0).any()) for a, b in zip(bounds[:-1], bounds[1:])]
    np.testing.assert_array_equal(K.best_classes(rows, bounds, table), np.where(known, np.argmax(sums, axis=1), -1))


def test_best_classes_ties_first():
    table = np.ones((3, 21), np.float32)
    rows = np.array([0, 1, 2, -1, -1], np.int32)
    assert K.best_classes(rows, np.array([0, 2, 4, 4, 5]), table).tolist() == [0, 0, -1, -1]  # no known row: -1


@pytest.mark.parametrize("n_classes", CLASSES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_online_pass_exact(n_classes, dtype):
    rows, bounds, labels, table = _data(n_classes, 200 + n_classes, dtype=dtype)
    order = np.random.default_rng(n_classes).permutation(bounds.size - 1)
    mine, ref = table.copy(), table.copy()
    total = 0
    for _ in range(3):  # later passes see the updated table
        got = K.online_pass(rows, bounds, labels, order, mine, 2.0, 0.5, 0.3)
        assert got == _online_ref(rows, bounds, labels, order, ref, 2.0, 0.5, 0.3)
        np.testing.assert_array_equal(mine, ref)
        total += got
    assert total > 0 or n_classes == 1  # updates happened (one class: no rival, never)


def test_online_pass_given_sqnorms():
    rows, bounds, labels, table = _data(21, 7)
    order = np.arange(bounds.size - 1)[::-1].copy()
    a, b = table.copy(), table.copy()
    sq = K.example_sqnorms(rows, bounds, table.shape[0])
    assert K.online_pass(rows, bounds, labels, order, a, 3.0, 1.0, 0.5, sq) == \
        K.online_pass(rows, bounds, labels, order, b, 3.0, 1.0, 0.5)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("n_classes", [8, 21, 24, 33])
def test_sum_rows_strided_rows_and_overwrite(n_classes):
    rng = np.random.default_rng(3)
    table = rng.standard_normal((10, n_classes)).astype(np.float32)
    rows = rng.integers(-1, 10, 40)[::2]  # int64, strided
    out = np.full(n_classes, np.nan)
    sum_rows(rows, 2, 15, table, out)
    np.testing.assert_array_equal(out, _sums(rows[2:15], np.array([0, 13]), table, np.float64)[0])
    sum_rows(rows, 4, 4, table, out)  # empty range: zeros
    assert not out.any()


def test_layouts():
    rows, bounds, labels, table = _data(21, 11)
    ref = _sums(rows, bounds, table, np.float64)
    fortran = np.asfortranarray(table)
    np.testing.assert_array_equal(K.score_examples(rows, bounds, fortran)[0], ref)
    np.testing.assert_array_equal(K.best_classes(rows[::-1][::-1], bounds, fortran),
                                  K.best_classes(rows, bounds, table))
    ints = np.arange(40 * 9).reshape(40, 9) % 7 - 3
    np.testing.assert_array_equal(K.score_examples(rows, bounds, ints)[0], _sums(rows, bounds, ints, np.float64))
    with pytest.raises(ValueError, match="C-contiguous"):
        K.online_pass(rows, bounds, labels, np.arange(bounds.size - 1), fortran, 1.0, 1.0, 0.1)
    strided = np.repeat(rows, 2)[::2]  # not contiguous: copied
    a, b = table.copy(), table.copy()
    order = np.arange(bounds.size - 1)
    assert K.online_pass(strided, bounds, labels, order, a, 1.0, 1.0, 0.1) == \
        K.online_pass(rows, bounds, labels, order, b, 1.0, 1.0, 0.1)
    np.testing.assert_array_equal(a, b)
