"""The faults found by probing as a careless user and as an attacker (issue 14), one test each.

File and index faults are in tests/test_io.py and tests/index/test_integrity.py; generated faults
(file mutations, non-finite and extreme values through every operation) in
tests/test_hostile_input.py.
"""

import warnings

import numpy as np
import pytest

import kanerva as kv
from kanerva.index import ExactIndex, L2LSH
from kanerva.memory import (CleanupMemory, DenseAssociativeMemory, FastWeights, Hopfield, ModernHopfield,
                            SparseDistributedMemory)

DENSE = [kv.HRR(64, seed=1), kv.FHRR(64, seed=1)]


@pytest.mark.parametrize("s", DENSE, ids=repr)
def test_nan_in_float_vectors_is_refused_by_every_operation(s):
    x, y = s.random(key="x"), s.random(key="y")
    bad = x.copy()
    bad[3] = np.nan
    inf = x.copy()
    inf[5] = np.inf
    for v in (bad, inf):
        for op in (lambda v: s.similarity(v, y), lambda v: s.similarity(y, v), lambda v: s.bind(v, y),
                   lambda v: s.unbind(v, y), lambda v: s.permute(v), lambda v: s.inverse(v), lambda v: s.bundle([v, y]),
                   lambda v: s.accumulate(np.stack([v, y])), lambda v: s.power(v, 0.5),
                   lambda v: s.nearest(v[None], np.stack([x, y])), lambda v: s.normalize(v.astype(np.complex128)),
                   lambda v: kv.Codebook(s, ["x", "y"]).cleanup(v)):
            with pytest.raises(ValueError, match="NaN or infinite"):
                op(v)
    mem = CleanupMemory(s)
    mem.write(np.stack([x, y]))
    with pytest.raises(ValueError, match="NaN or infinite"):
        mem.read(bad)
    index = ExactIndex(s)
    with pytest.raises(ValueError, match="NaN or infinite"):
        index.add(bad)
    index.add(x)
    with pytest.raises(ValueError, match="NaN or infinite"):
        index.search(bad)


def test_keys_are_str_int_or_ordered_sequences_of_them():
    s = kv.BSC(64, seed=0)
    assert s.random(key=["a", "b"]).shape == (2, 1)
    assert s.random(key=np.array([3, 4])).shape == (2, 1)
    assert (s.random(key=range(2)) == s.random(key=[0, 1])).all()
    for bad, hint in ((b"ab", "decode"), ({"a", "b"}, "sorted list"), (1.5, "int or a str"), (True, "bool"),
                      ([1, 2.5], "float"), ({"a": 1}, "keys"), (np.array([[1, 2]]), "1-d")):
        with pytest.raises(TypeError, match=hint):
            s.random(key=bad)


def test_accumulators_and_weights_that_would_overflow_are_refused():
    for s in (kv.MAP(8, seed=0), kv.BSC(8, seed=0)):
        xs = s.random(3)
        with pytest.raises(ValueError, match="overflow"):
            s.accumulate(xs, weights=np.array([2**62, 2**62, 1]))
        with pytest.raises(ValueError, match="too large"):
            s.accumulate(xs, acc=np.full(8, 2**62, dtype=np.int64))
        exact = s.accumulate(xs, weights=np.array([2**40, -(2**40), 3]))  # large but exact
        assert np.abs(exact).max() <= 2**41 + 3
    m = kv.MAP(10)
    with pytest.raises(ValueError, match="10 entries in the last axis"):
        m.normalize(np.zeros(7))
    with pytest.raises(TypeError, match="numbers"):
        m.normalize(np.array(["a"] * 10))


def test_overflowing_memories_and_indexes_say_so_and_keep_their_state():
    mh = ModernHopfield(4)
    with pytest.raises(ValueError, match="too large"):
        mh.write(np.full((2, 4), 1e300))
    mh.write(np.ones((2, 4)))
    with pytest.raises(ValueError, match="too large"):
        mh.read(np.full(4, 1e308))
    fw = FastWeights(4)
    fw.write(np.ones((1, 4)))
    before = fw.A_.copy()
    with pytest.raises(ValueError, match="overflow"):
        fw.write(np.full((1, 4), 1e200))
    np.testing.assert_array_equal(fw.A_, before)  # nothing was written
    assert len(fw) == 1
    ip = ExactIndex(metric="ip", dim=2)
    with pytest.raises(ValueError, match="float32"):
        ip.add(np.array([[1e39, 0.0]]))
    cos = ExactIndex(metric="cosine", dim=2)
    cos.add(np.array([[1e30, 1e30]]))  # finite in float32, its float32 norm is not
    np.testing.assert_allclose(cos.vectors(), [[2**-0.5, 2**-0.5]], rtol=1e-6)
    lsh = L2LSH(2, hashes_per_table=1, tables=1, width=1.0)
    with pytest.raises(ValueError, match="too large"):
        lsh.add(np.array([[1e300, 1e300]]))


def test_dense_memory_of_a_high_power_reads_and_its_energy_says_it_overflows():
    rng = np.random.default_rng(0)
    p = rng.choice(np.array([-1, 1], dtype=np.int8), size=(20, 64))
    dam = DenseAssociativeMemory(64, n=1000)
    dam.write(p)
    cue = p.copy()
    cue[:, :8] *= -1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for mode in ("sync", "async"):
            assert (dam.read(cue, mode=mode) == p).all()
    with pytest.raises(ValueError, match="overflows float64 at n=1000"):
        dam.energy(p[0])
    small = DenseAssociativeMemory(64, n=3)  # unchanged where nothing overflows: exact integers
    small.write(p)
    assert small.energy(p[0]) == -float(((p[0].astype(float) @ p.T.astype(float)) ** 3).sum())


def test_bad_settings_get_errors_that_name_them():
    with pytest.raises(ValueError, match="beta"):
        CleanupMemory(kv.BSC(64), beta="x")
    with pytest.raises(TypeError, match="seed must be an integer"):
        Hopfield(8, seed="x")
    with pytest.raises(TypeError, match="seed must be an integer"):
        Hopfield(8, seed=1.5)
    with pytest.raises(TypeError, match="seed must be an integer"):
        SparseDistributedMemory(kv.BSC(64), seed=2.0)
    with pytest.raises(TypeError, match="seed"):
        kv.BSC(64, seed=1.5)
    index = ExactIndex(kv.BSC(64))
    with pytest.raises(TypeError, match="integers"):
        index.add(kv.BSC(64).random(1), ids=[1.5])


@pytest.mark.parametrize("memory", [lambda: Hopfield(8), lambda: DenseAssociativeMemory(8, interaction="exp"),
                                    lambda: ModernHopfield(8), lambda: SparseDistributedMemory(8, locations=50),
                                    lambda: FastWeights(8), lambda: CleanupMemory(kv.MAP(8))])
def test_empty_memories_say_so_and_empty_writes_store_nothing(memory):
    mem = memory()
    cue = np.ones(8, dtype=np.int8)
    with pytest.raises(ValueError, match="empty"):
        mem.read(cue)
    with pytest.raises((TypeError, ValueError), match=type(mem).__name__):
        mem.write(np.zeros((0, 9), dtype=np.int8))  # the wrong width, even with no rows
    mem.write(np.ones((0, 8), dtype=np.int8))
    assert len(mem) == 0
    with pytest.raises(ValueError, match="empty"):
        mem.read(cue)
    mem.write(np.ones((1, 8), dtype=np.int8))
    assert len(mem) == 1 and mem.read(cue).shape == (8,)


def test_a_finite_value_whose_features_overflow_float32_is_refused():
    # found by the fuzz campaign: 3e38 is a finite float32, times sqrt(dim) it is not
    for s in (kv.HRR(8, seed=0), kv.MBAT(16, seed=0), kv.VTB(16, seed=0)):
        x = s.random(key="x")
        x.reshape(-1)[0] = np.float32(3e38)
        index = ExactIndex(s)
        index.add(s.random(3))
        with pytest.raises(ValueError, match="too large"):
            index.search(x, k=2)
        with pytest.raises(ValueError, match="too large"):
            s.to_features(x)
