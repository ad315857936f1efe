"""What differs per model, as Space methods: real features, packed images, gathered binds.

Every test runs over every model in ``kv.MODELS``; code above ``kanerva.vsa`` relies on exactly
these laws instead of asking for a model by name.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kanerva as kv
from kanerva.vsa import Space

MODELS = sorted(kv.MODELS)
EXACT = {"bsc", "map"}  # integer algebra: results bit for bit


def space(model, dim=300, seed=3):
    return kv.MODELS[model](kv.MODELS[model].round_dim(dim), seed=seed)


def unit(s, n):
    """n vectors of ``s`` with unit norm (normalize's output; HRR's random vectors are only close)."""
    return s.normalize(s.accumulate(s.random(n)[:, None]))


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("dim", [1, 63, 64, 300])
def test_feature_dot_products_are_dim_times_similarity(model, dim):
    s = space(model, dim)
    a, b = unit(s, 5), unit(s, 7)
    fa, fb = s.to_features(a), s.to_features(b)
    assert fa.dtype == np.float32 and fa.shape == (5, s.feature_dim)
    dim = s.dim  # the nearest dimension the model takes (MBAT, VTB: a square; SBC: whole blocks)
    assert s.feature_dim == (2 * dim if s.dtype.kind == "c" else dim)
    expected = dim * np.asarray(s.similarity(a, b))
    if model in EXACT:  # integer dot products (the similarity itself is a rounded ratio)
        np.testing.assert_array_equal(fa @ fb.T, np.round(expected))
        np.testing.assert_allclose(fa @ fb.T, expected, atol=1e-9 * dim)
    else:
        np.testing.assert_allclose(fa @ fb.T, expected, atol=1e-3 * dim)
    assert s.to_features(a[0]).shape == (1, s.feature_dim)  # one vector: one row


@pytest.mark.parametrize("model", MODELS)
def test_features_fill_a_buffer_without_allocating(model):
    s = space(model)
    x = s.random(4)
    buffer = np.full(4 * s.feature_dim + 9, np.nan, dtype=np.float32)
    out = s.to_features(x, out=buffer)
    assert out.shape == (4, s.feature_dim) and np.shares_memory(out, buffer)
    np.testing.assert_array_equal(out, s.to_features(x))
    assert np.isnan(buffer[4 * s.feature_dim :]).all()
    for bad in (np.empty(4 * s.feature_dim - 1, np.float32), np.empty(4 * s.feature_dim), [0.0] * 10_000):
        with pytest.raises(ValueError, match="out must be"):
            s.to_features(x, out=bad)
    with pytest.raises(TypeError, match="dtype"):
        s.to_features(np.zeros((4,) + s.shape, np.int16))  # a vector of no model here


@pytest.mark.parametrize("model", MODELS)
def test_from_features_inverts_to_features(model):
    s = space(model)
    v = s.random(6)
    acc = s.from_features(s.to_features(v))
    np.testing.assert_allclose(acc, s.accumulate(v[:, None]), rtol=1e-6, atol=1e-6)
    back = s.normalize(acc)
    if model in EXACT:
        np.testing.assert_array_equal(back, v)
    else:  # HRR: the unit vector of v (normalize rescales); FHRR: v itself
        np.testing.assert_allclose(back, s.bundle(v[:, None]), atol=1e-6)


@pytest.mark.parametrize("model", MODELS)
@given(seed=st.integers(0, 2**31), weights=st.lists(st.integers(-5, 5), min_size=1, max_size=9))
def test_from_features_is_linear(model, seed, weights):
    """A weighted sum of feature rows is the features of the weighted bundle's accumulator."""
    s = space(model, 200, seed)
    xs = s.random(len(weights))
    w = np.array(weights)
    acc = s.from_features(w.astype(np.float64) @ s.to_features(xs).astype(np.float64))
    np.testing.assert_allclose(acc, s.accumulate(xs, weights=w), atol=1e-5)
    if model in EXACT:  # the same accumulator, so the same vector (ties break by its float bytes)
        exact = s.accumulate(xs, weights=w).astype(acc.dtype)
        np.testing.assert_array_equal(acc, exact)
        np.testing.assert_array_equal(s.normalize(acc), s.normalize(exact))


@pytest.mark.parametrize("model", MODELS)
def test_from_features_refuses_bad_rows(model):
    s = space(model)
    good = s.to_features(s.random(2))
    with pytest.raises(ValueError, match="last axis"):
        s.from_features(good[:, :-1])
    with pytest.raises(ValueError, match="NaN"):
        s.from_features(np.where(np.arange(s.feature_dim) == 3, np.nan, good))
    with pytest.raises(TypeError, match="real"):
        s.from_features(good.astype(np.complex64))


@pytest.mark.parametrize("model", MODELS)
def test_packed_space_holds_the_same_vectors_as_bits(model):
    s = space(model, 130, 11)
    packed = s.packed_space()
    if packed is None:
        return  # no packed image (real or complex elements): learners take the feature path
    assert isinstance(packed, kv.BSC) and packed.dim == s.dim and packed.packed_space() == packed
    keys = ["a", "b", 7]
    np.testing.assert_array_equal(s.to_features(s.random(key=keys)), packed.to_features(packed.random(key=keys)))


def test_packed_spaces_of_the_four_models():
    assert kv.BSC(64, seed=2).packed_space() == kv.BSC(64, seed=2)
    assert kv.MAP(64, seed=2).packed_space() == kv.BSC(64, seed=2)
    assert kv.HRR(64).packed_space() is None and kv.FHRR(64).packed_space() is None


def reference_gather(s, tables, index):
    """The definition, one row at a time: bind the picked entries from the last table to the first."""
    out = []
    for row in index:
        picked = [tables[j][i] for j, i in reversed(list(enumerate(row))) if i >= 0]
        v = s.identity() if not picked else picked[0]
        for p in picked[1:]:
            v = s.bind(v, p)
        out.append(v)
    return np.stack(out)


@pytest.mark.parametrize("model", MODELS)
@given(seed=st.integers(0, 2**31), data=st.data())
def test_bind_gather_equals_binding_the_picked_entries(model, seed, data):
    s = space(model, 200, seed)
    sizes = data.draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
    tables = [s.permute(s.random(m), j) for j, m in enumerate(sizes)]
    n = data.draw(st.integers(0, 12))
    index = np.array([[data.draw(st.integers(-1, m - 1)) for m in sizes] for _ in range(n)],
                     dtype=np.int64).reshape(n, len(sizes))
    got = s.bind_gather(tables, index)
    assert got.shape == (n,) + s.shape and got.dtype == s.dtype
    generic = Space.bind_gather(s, tables, index)  # the generic path (BSC overrides it)
    if model in EXACT:
        np.testing.assert_array_equal(got, generic)
        if n:
            np.testing.assert_array_equal(got, reference_gather(s, tables, index))
    else:
        np.testing.assert_allclose(got, generic, atol=1e-5)
        if n:
            np.testing.assert_allclose(got, reference_gather(s, tables, index), atol=1e-5)


@pytest.mark.parametrize("model", MODELS)
def test_bind_gather_of_stacked_tables_and_the_identity(model):
    s = space(model)
    tables = np.stack([s.random(4), s.random(4)])  # one array (k, m, *shape)
    out = s.bind_gather(tables, [[-1, -1], [2, -1], [1, 3]])
    assert np.allclose(out[0], s.identity())
    assert np.array_equal(out[1], tables[0][2])
    assert np.allclose(out[2], s.bind(tables[1][3], tables[0][1]), atol=1e-5)


@pytest.mark.parametrize("model", MODELS)
def test_bind_gather_refuses_bad_input(model):
    s = space(model)
    t = s.random(3)
    with pytest.raises(ValueError, match="index entries"):
        s.bind_gather([t], [[3]])
    with pytest.raises(ValueError, match="index entries"):
        s.bind_gather([t, t], [[0, -2]])
    with pytest.raises(ValueError, match="one entry per table"):
        s.bind_gather([t, t], [[0]])
    with pytest.raises(ValueError, match="one entry per table"):
        s.bind_gather([t], [[0.0]])
    with pytest.raises(TypeError, match="tables"):
        s.bind_gather([], np.zeros((1, 0), np.int64))
    with pytest.raises(TypeError, match="dtype"):
        s.bind_gather([np.zeros((3,) + s.shape, np.int16)], [[0]])
