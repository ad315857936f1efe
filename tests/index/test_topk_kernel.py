"""The shared Hamming top-k kernel equals a stable sort of the full distance matrix."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kanerva._kernels import bits as _bits


def _brute(q, db, k):
    d = _bits.hamming_matrix(q, db)
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(d, order, 1), order


@given(n=st.integers(1, 12), m=st.integers(1, 80), words=st.integers(1, 4), k=st.integers(1, 80),
       dup=st.booleans(), seed=st.integers(0, 10**6))
def test_equals_brute_force_with_ties(n, m, words, k, dup, seed):
    rng = np.random.default_rng(seed)
    db = rng.integers(0, 2**64, size=(m, words), dtype=np.uint64)
    if dup:  # many equal rows: ties must go to the smaller row number
        db = db[rng.integers(0, max(1, m // 4), size=m)]
    q = rng.integers(0, 2**64, size=(n, words), dtype=np.uint64)
    k = min(k, m)
    d, i = _bits.hamming_topk(q, db, k)
    bd, bi = _brute(q, db, k)
    assert d.dtype == np.int32 and i.dtype == np.int64
    assert (d == bd).all() and (i == bi).all()


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_threaded_chunks_merge_exactly(threads, monkeypatch):
    monkeypatch.setattr(_bits, "_PARALLEL_MIN_WORDS", 0)  # force the chunked path on small data
    rng = np.random.default_rng(1)
    db = rng.integers(0, 2**64, size=(2000, 3), dtype=np.uint64)
    db[1500] = db[10]  # a tie across chunks
    q = np.concatenate([db[[10, 7]], rng.integers(0, 2**64, size=(5, 3), dtype=np.uint64)])
    d, i = _bits.hamming_topk(q, db, 7, threads=threads)
    bd, bi = _brute(q, db, 7)
    assert (d == bd).all() and (i == bi).all()
    assert i[0, :2].tolist() == [10, 1500]


def test_reads_a_memory_map(tmp_path):
    rng = np.random.default_rng(2)
    db = rng.integers(0, 2**64, size=(300, 2), dtype=np.uint64)
    path = tmp_path / "rows.u64"
    db.tofile(path)
    mm = np.memmap(path, dtype=np.uint64, mode="r", shape=db.shape)
    q = db[[5, 9]]
    d, i = _bits.hamming_topk(q, mm, 3)
    assert i[:, 0].tolist() == [5, 9] and d[:, 0].tolist() == [0, 0]


def test_bad_arguments():
    db = np.zeros((4, 2), dtype=np.uint64)
    with pytest.raises(ValueError, match="k must be an integer between 1 and the 4"):
        _bits.hamming_topk(db[:1], db, 5)
    with pytest.raises(ValueError, match="k must be"):
        _bits.hamming_topk(db[:1], db, 0)
    with pytest.raises(ValueError, match="same number of words"):
        _bits.hamming_topk(np.zeros((1, 3), dtype=np.uint64), db, 1)
