import warnings

import numpy as np
import pytest

from kanerva.memory import Hopfield, NotConvergedWarning


def random_patterns(p, n, seed=0):
    return np.random.default_rng(seed).choice(np.array([-1, 1], dtype=np.int8), size=(p, n))


def flip(patterns, fraction, seed=1):
    rng = np.random.default_rng(seed)
    out = patterns.copy()
    k = round(fraction * patterns.shape[1])
    for row in out:
        row[rng.choice(len(row), k, replace=False)] *= -1
    return out


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_hebb_low_load_recalls_from_ten_percent_noise(mode):
    n = 256
    patterns = random_patterns(12, n)  # alpha = 0.047
    net = Hopfield(n)
    net.write(patterns)
    out = net.read(flip(patterns, 0.10), mode=mode)
    assert (out == patterns).all(axis=1).mean() >= 0.9


def test_hebb_overload_loses_patterns():
    n = 256
    patterns = random_patterns(77, n)  # alpha = 0.3, far beyond 0.138
    net = Hopfield(n)
    net.write(patterns)
    assert net.stable(patterns).mean() < 0.05


def test_pinv_every_pattern_is_a_fixed_point_below_n():
    n = 128
    patterns = random_patterns(100, n)  # alpha = 0.78: Hebb and Storkey lose them
    for rule, expect_all in [("pinv", True), ("hebb", False)]:
        net = Hopfield(n, rule=rule)
        net.write(patterns)
        assert net.stable(patterns).all() == expect_all


def test_storkey_holds_more_than_hebb():
    n = 200
    patterns = random_patterns(36, n)  # alpha = 0.18
    fractions = {}
    for rule in ("hebb", "storkey"):
        net = Hopfield(n, rule=rule)
        net.write(patterns)
        fractions[rule] = net.stable(patterns).mean()
    assert fractions["storkey"] > fractions["hebb"] + 0.3


def test_storkey_incremental_equals_batch():
    patterns = random_patterns(10, 50)
    a, b = Hopfield(50, rule="storkey"), Hopfield(50, rule="storkey")
    a.write(patterns)
    for p in patterns:
        b.write(p)
    np.testing.assert_allclose(a.weights(), b.weights())


def test_factored_field_equals_dense_weights():
    patterns = random_patterns(20, 64)
    states = random_patterns(5, 64, seed=3)
    for rule in ("hebb", "pinv"):
        net = Hopfield(64, rule=rule)
        net.write(patterns)
        np.testing.assert_allclose(net.field(states), states @ net.weights(), atol=1e-9)


def dense_step(patterns, states):
    """(N W sigma, the states after one synchronous step) by the dense definition, in exact
    integers: W = X^T X without self-coupling, and a zero field keeps the state."""
    xf, sf = patterns.astype(np.float64), states.astype(np.float64)
    h = sf @ (xf.T @ xf) - len(patterns) * sf
    return h, np.where(h > 0, 1, np.where(h < 0, -1, states))


def check_one_step(net, states, want):
    """One synchronous read gives ``want``, and a cue counts as converged iff it did not move."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotConvergedWarning)
        got, info = net.read(states, steps=1, return_info=True)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(info.converged, (want == states).all(axis=1))


@pytest.mark.parametrize("dim", [10, 64, 100, 131])
@pytest.mark.parametrize("p", [1, 2, 12])
def test_packed_overlaps_and_sync_step_equal_the_dense_definition(dim, p):
    # overlaps come from popcounts of packed bits (dims not a multiple of 64 leave padding);
    # the step must still be sign(W sigma), keeping the state where the field is exactly zero
    # (frequent at small dim and few patterns, where fields are small integers)
    patterns = random_patterns(p, dim, seed=p)
    states = np.concatenate([random_patterns(200, dim, seed=7), patterns])
    net = Hopfield(dim)
    net.write(patterns)
    g, d = net._drive(states)
    xf = patterns.astype(np.float64)
    np.testing.assert_array_equal(g, (states @ xf.T) @ xf)
    h, want = dense_step(patterns, states)
    check_one_step(net, states, want)
    if p == 2:
        assert (h == 0).any()  # ties were exercised


def test_sync_update_equals_the_sign_of_the_field():
    from kanerva._kernels.hopfield import sync_update

    rng = np.random.default_rng(0)
    cur = random_patterns(50, 33, seed=5)
    per_unit, per_row = rng.integers(-2, 3, 33).astype(np.float64), rng.integers(-2, 3, 50) * 0.5
    for dtype in (np.float32, np.float64):
        g = rng.integers(-4, 5, cur.shape).astype(dtype)  # many exact zeros of the field
        g[0, :4] = [np.nan, np.inf, -np.inf, 0.0]
        g[1] = 100 * cur[1]  # a row that stays
        h = g.astype(np.float64) - (per_unit[None, :] + per_row[:, None]) * cur
        want = np.where(h > 0, 1, np.where(h < 0, -1, cur))
        new, moved = sync_update(cur, g, per_unit, per_row)
        np.testing.assert_array_equal(new, want)
        np.testing.assert_array_equal(moved, (want != cur).any(axis=1))
        assert (h == 0).any() and not moved.all()


def test_async_energy_never_increases():
    n = 100
    net = Hopfield(n)
    net.write(random_patterns(20, n))
    cues = random_patterns(30, n, seed=5)
    out = net.read(cues, mode="async")
    assert (net.energy(out) <= net.energy(cues) + 1e-12).all()
    assert net.stable(out).all()


def test_non_convergence_is_reported():
    # two units coupled negatively, both +1: synchronous updates flip both forever (a 2-cycle)
    net = Hopfield(2)
    net.write([[1, -1]])
    net.max_steps = 5
    with pytest.warns(NotConvergedWarning, match="did not reach a fixed point within 5 steps"):
        out, info = net.read([[1, 1], [1, -1]], return_info=True)
    assert info.converged.tolist() == [False, True]
    assert info.steps.tolist() == [5, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an explicit number of steps is what was asked for: no warning
        _, info = net.read([[1, 1]], steps=5, return_info=True)
    assert info.converged.tolist() == [False]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, info = net.read([[1, 1]], steps=5, mode="async", return_info=True)  # async settles
    assert info.all_converged


def test_bad_input():
    net = Hopfield(8)
    with pytest.raises(ValueError, match="empty"):
        net.read(np.ones(8))
    with pytest.raises(ValueError, match=r"\+1/-1 only \(\+-1 arrays of width 8\)"):
        net.write(np.zeros((2, 8)))
    with pytest.raises(ValueError, match=r"shape \(n, 8\)"):
        net.write(np.ones((2, 7)))
    net.write(np.ones((1, 8)))
    with pytest.raises(ValueError, match=r"shape \(n, 8\)"):
        net.read(np.ones(9))
    with pytest.raises(ValueError, match=r"\+1/-1"):
        net.read(np.full(8, 0.5))
    with pytest.raises(ValueError, match="mode"):
        net.read(np.ones(8), mode="parallel")
    with pytest.raises(ValueError, match="rule"):
        Hopfield(8, rule="oja")
    with pytest.raises(ValueError, match="auto-associative"):
        net.write(np.ones((1, 8)), np.ones((1, 8)))
    with pytest.raises(ValueError, match="steps"):
        net.read(np.ones(8), steps=0)


def test_storkey_matches_the_published_sum():
    # w_ij += (1/N)(xi_i xi_j - xi_i h_ji - h_ij xi_j), h_ij = sum_{k != i, j} w_ik xi_k, by loops
    n = 7
    patterns = random_patterns(4, n, seed=9).astype(float)
    w = np.zeros((n, n))
    for x in patterns:
        h = np.array([[sum(w[i, k] * x[k] for k in range(n) if k not in (i, j)) for j in range(n)] for i in range(n)])
        w = w + (np.outer(x, x) - x[:, None] * h.T - h * x[None, :]) / n
        np.fill_diagonal(w, 0.0)
    net = Hopfield(n, rule="storkey")
    net.write(patterns.astype(np.int8))
    np.testing.assert_allclose(net.weights(), w, atol=1e-12)


@pytest.mark.parametrize("dim", [10, 64, 100, 131, 1024])
@pytest.mark.parametrize("p", [1, 2, 7, 8, 9, 37, 102, 200])
def test_table_lookup_step_equals_the_dense_definition(dim, p):
    # the Hebbian sync step by table lookups (groups of patterns, 8-cue blocks, padded dims and
    # cues) must give exactly sign(W sigma) with zero field keeping the state, and the same
    # states as the BLAS path over several steps
    from kanerva._kernels.hopfield import sync_update
    from kanerva.memory._base import run_sync

    patterns = random_patterns(p, dim, seed=p)
    if p >= 9:  # repeated and negated patterns: overlaps of +-dim (the int32 extremes of a table)
        patterns[1], patterns[2] = patterns[0], -patterns[0]
    cues = random_patterns(61, dim, seed=dim)
    states = np.concatenate([cues, flip(patterns[: min(p, 20)], 0.1, seed=p), patterns[:3]])
    net = Hopfield(dim)
    net.write(patterns)
    h, want = dense_step(patterns, states)
    check_one_step(net, states, want)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotConvergedWarning)
        new, moved = net._hebb_step(np.asfortranarray(states[1:]))  # a non-contiguous batch
        np.testing.assert_array_equal(new, want[1:])
        np.testing.assert_array_equal(moved, (want[1:] != states[1:]).any(axis=1))
        many, info = net.read(states, steps=4, return_info=True)
        blas, binfo = run_sync(states, lambda cur, rows: sync_update(cur, *net._drive(cur)), 4)
    np.testing.assert_array_equal(many, blas)
    np.testing.assert_array_equal(info.steps, binfo.steps)
    if dim <= 64 and p == 2:
        assert (h == 0).any()  # ties were exercised


def test_table_lookup_step_single_cue():
    net = Hopfield(100)
    patterns = random_patterns(9, 100, seed=4)
    net.write(patterns)
    assert (net.read(patterns[3], steps=1) == net.read(patterns[3:4], steps=1)[0]).all()
    assert net.read(patterns[3], steps=1).shape == (100,)
