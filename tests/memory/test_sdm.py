import numpy as np
import pytest

import kanerva as kv
from kanerva.memory import SparseDistributedMemory, activation_probability, radius_for
from kanerva._kernels import bits as _bits


def noisy(space, x, fraction, seed=0):
    rng = np.random.default_rng(seed)
    bits = space.to_bits(x)
    k = round(fraction * space.dim)
    for row in bits:
        row[rng.choice(space.dim, k, replace=False)] ^= 1
    return space.from_bits(bits)


def test_recovers_items_from_noisy_addresses():
    s = kv.BSC(256, seed=0)
    # p = 0.01 is Kanerva's optimum (2 M T)^(-1/3) for M = 4,000, T = 50
    sdm = SparseDistributedMemory(s, locations=4_000, radius=radius_for(256, 0.01))
    items = s.random(key=[f"item{i}" for i in range(50)])
    sdm.write(items)
    cues = noisy(s, items, 0.10)
    once = sdm.read(cues, steps=1)
    settled, info = sdm.read(cues, return_info=True)
    assert s.similarity(once, items).diagonal().mean() > 0.97  # cue similarity is 0.8
    assert (settled == items).all(axis=1).mean() > 0.95
    assert info.all_converged and info.steps.max() <= 5


def test_hetero_association_and_capacity_limit():
    s = kv.BSC(128, seed=2)
    keys = s.random(key=[f"k{i}" for i in range(60)])
    values = s.random(key=[f"v{i}" for i in range(60)])
    small = SparseDistributedMemory(s, locations=3_000, activation=0.02)
    small.write(keys, values)
    exact = (small.read(keys) == values).all(axis=1).mean()
    assert exact > 0.9
    crowded = SparseDistributedMemory(s, locations=3_000, activation=0.02)
    many = s.random(key=[f"m{i}" for i in range(2_000)])
    crowded.write(many, s.random(key=[f"w{i}" for i in range(2_000)]))
    assert s.similarity(crowded.read(many[:60]), s.random(key=[f"w{i}" for i in range(60)])).diagonal().mean() < 0.8


def test_radius_activates_the_binomial_fraction():
    s = kv.BSC(256, seed=1)
    r = radius_for(256, 0.05)
    sdm = SparseDistributedMemory(s, locations=20_000, radius=r)
    counts = [len(a) for a in sdm.active(s.random(key=list(range(50))))]
    expected = activation_probability(256, r) * 20_000
    assert abs(np.mean(counts) / expected - 1) < 0.1


def test_activation_fraction_gives_exact_counts_of_the_nearest():
    s = kv.BSC(100, seed=3)
    sdm = SparseDistributedMemory(s, locations=1_000, activation=0.03)
    x = s.random(key=["a", "b"])
    dist = _bits.hamming_matrix(x, sdm.addresses_)
    for row, act in zip(dist, sdm.active(x)):
        assert len(act) == 30
        assert row[act].max() <= np.sort(row)[29]


def test_counters_saturate_instead_of_wrapping():
    s = kv.BSC(64, seed=0)
    sdm = SparseDistributedMemory(s, locations=50, activation=1.0, counter_dtype="int8")
    x = s.random(key="x")
    sdm.write(np.repeat(x[None], 300, axis=0))
    assert sdm.counters_.max() == 127 and sdm.counters_.min() == -127
    assert (sdm.read(x) == x).all()


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
def test_counter_kernels_equal_row_by_row_numpy(dtype):
    # the vectorized kernels (saturating add, eight rows per pass) against the plain definition,
    # with counters started near and at the limits (loaded files may even hold -128 for int8)
    from kanerva._kernels.sdm import add_rows as _add_rows
    from kanerva._kernels.sdm import sum_rows as _sum_rows

    rng = np.random.default_rng(0)
    info = np.iinfo(dtype)
    m, d = 40, 77
    counters = rng.integers(info.min, info.max, (m, d), endpoint=True).astype(dtype)
    counters[:5] = rng.choice([info.min, info.min + 1, -info.max + 1, info.max - 1, info.max], (5, d))
    counts = [0, 1, 7, 8, 9, 17, 40]  # active sets around the 8-row unroll, repeats included
    indices = np.concatenate([rng.integers(0, m, k) for k in counts]).astype(np.int64)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    bipolar = rng.choice(np.array([-1, 1], np.int8), (len(counts), d))

    want = counters.astype(np.int64)
    for a in range(len(counts)):
        for j in indices[indptr[a]:indptr[a + 1]]:
            want[j] = np.clip(want[j] + bipolar[a], -info.max, info.max)
    got = counters.copy()
    _add_rows(got, indptr, indices, bipolar, -info.max)
    np.testing.assert_array_equal(got, want)

    sums = np.zeros((len(counts), d), np.int32)
    _sum_rows(counters, indptr, indices, sums)
    want_sums = [counters[indices[indptr[a]:indptr[a + 1]]].astype(np.int64).sum(0) for a in range(len(counts))]
    np.testing.assert_array_equal(sums, np.array(want_sums).astype(np.int32))  # int32 wraps, like the kernel


def test_default_radius_follows_one_over_sqrt_m():
    s = kv.BSC(1_000, seed=0)
    sdm = SparseDistributedMemory(s, locations=400)
    assert sdm.radius == radius_for(1_000, 0.05)


def test_bad_input():
    s = kv.BSC(64, seed=0)
    with pytest.raises(TypeError, match="kv.BSC or kv.MAP"):
        SparseDistributedMemory(kv.HRR(64), locations=10)
    with pytest.raises(ValueError, match="either radius or activation"):
        SparseDistributedMemory(s, locations=10, radius=3, activation=0.1)
    with pytest.raises(ValueError, match="activation"):
        SparseDistributedMemory(s, locations=10, activation=1.5)
    sdm = SparseDistributedMemory(s, locations=10, radius=30)
    with pytest.raises(ValueError, match="empty"):
        sdm.read(s.random())
    with pytest.raises(ValueError, match="3 keys but 2 values"):
        sdm.write(s.random(3), s.random(2))
    sdm.write(s.random(2), s.random(2))
    with pytest.raises(ValueError, match="another dimension"):
        sdm.read(kv.BSC(128).random(2))
    with pytest.raises(TypeError, match="dtype"):
        sdm.read(np.ones((2, 1)))


def test_fused_radius_test_equals_the_distance_matrix():
    s = kv.BSC(200, seed=4)
    sdm = SparseDistributedMemory(s, locations=3_000, radius=radius_for(200, 0.05))
    x = s.random(key=list(range(40)))
    dist = _bits.hamming_matrix(x, sdm.addresses_)
    for row, act in zip(dist, sdm.active(x)):
        np.testing.assert_array_equal(act, np.flatnonzero(row <= sdm.radius))


def test_reading_where_no_location_is_active_warns():
    s = kv.BSC(256, seed=0)
    sdm = SparseDistributedMemory(s, locations=100, radius=60)  # p ~ 1e-19: nothing within reach
    sdm.write(s.random(key=["a"]))
    with pytest.warns(RuntimeWarning, match="activate no location"):
        sdm.read(s.random(key=["a"]))


def _reference_hits(x, locations, radius):
    dist = np.bitwise_count(x[:, None, :] ^ locations[None, :, :]).sum(axis=2)
    return [np.flatnonzero(row <= radius) for row in dist]


@pytest.mark.parametrize("dim", [1, 63, 64, 65, 100, 255, 256, 257, 1000, 1024, 1100])
def test_vector_radius_kernel_equals_numpy(dim):
    # the bit-sliced kernel (groups of 256 locations, a partial last group, index lists of the
    # ones or of the zeros padded to 16) against xor + popcount in numpy, at radii 0 to dim + 1
    from kanerva._kernels.sdm import index_lists as _index_lists
    from kanerva._kernels.sdm import slice_locations as _slice_locations
    from kanerva._kernels.sdm import within_radius as _within_radius

    rng = np.random.default_rng(dim)
    words = _bits.n_words(dim)
    tail = np.uint64((1 << (dim % 64)) - 1) if dim % 64 else np.uint64(2**64 - 1)
    for n, m in [(1, 1), (3, 3), (5, 4), (9, 7), (17, 130), (4, 256), (70, 600)]:
        x = rng.integers(0, 2**64, (n, words), dtype=np.uint64)
        locations = rng.integers(0, 2**64, (m, words), dtype=np.uint64)
        x[:, -1] &= tail
        locations[:, -1] &= tail
        locations[0] = x[0]  # distance 0
        x[-1] = 0 if n > 2 else x[-1]  # weight 0
        x[n // 2] = ~np.uint64(0) if n > 2 else x[n // 2]  # weight dim: counts the zeros
        x[:, -1] &= tail
        planes, sums = _slice_locations(locations, dim)
        lists = _index_lists(x, dim)
        for radius in sorted({0, 1, max(0, dim // 2 - 3), dim // 2, dim // 2 + 3, dim - 1, dim, dim + 1}):
            want = _reference_hits(x, locations, radius)
            counts = np.empty(n, dtype=np.int64)
            hits = np.empty((n, m), dtype=np.int64)
            assert _within_radius(planes, sums, m, dim, *lists, radius, m, counts, hits)
            for a in range(n):
                np.testing.assert_array_equal(hits[a, :counts[a]], want[a], err_msg=f"{dim=} {n=} {m=} {radius=}")


def test_radius_hits_overflowing_the_first_guess_are_retried(monkeypatch):
    # locations crowded around one address: far more hits than the cap sized from the expected
    # count, so the kernel reports an overflow and _active_radius retries with the counted maximum
    import kanerva.memory.sdm as sdm_module

    s = kv.BSC(100, seed=5)
    sdm = SparseDistributedMemory(s, locations=203, radius=20)
    x = s.random(key=list(range(11)))
    rng = np.random.default_rng(0)
    crowd = s.from_bits(np.where(rng.random((203, 100)) < 0.05, 1 - s.to_bits(x[3]), s.to_bits(x[3])))
    crowd[150:] = s.random(key=list(range(100, 153)))
    sdm.addresses_ = crowd
    calls = []
    kernel = sdm_module._within_radius
    monkeypatch.setattr(sdm_module, "_within_radius", lambda *args: calls.append(args[9]) or kernel(*args))
    dist = _bits.hamming_matrix(x, crowd)
    active = sdm.active(x)
    assert len(calls) == 2 and calls[0] < 150 <= calls[1]  # a first cap too small, then the retry
    for row, act in zip(dist, active):
        np.testing.assert_array_equal(act, np.flatnonzero(row <= 20))
    assert len(active[3]) >= 150


def test_map_patterns_use_the_bsc_twin_addresses():
    # a MAP memory is the same memory as a BSC one of the same seed, seen through the bipolar map
    bsc, map_ = kv.BSC(128, seed=3), kv.MAP(128, seed=3)
    a = SparseDistributedMemory(bsc, locations=1_000, activation=0.05)
    b = SparseDistributedMemory(map_, locations=1_000, activation=0.05)
    keys = [f"k{i}" for i in range(20)]
    a.write(bsc.random(key=keys))
    b.write(map_.random(key=keys))
    np.testing.assert_array_equal(a.counters_, b.counters_)
    np.testing.assert_array_equal(1 - 2 * bsc.to_bits(a.read(bsc.random(key=keys))).astype(np.int8),
                                  b.read(map_.random(key=keys)))
