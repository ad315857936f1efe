"""HTM spatial pooler: exactly k winners, learning, boosting, topology, the estimator contract;
SDR false-match probability against sampling."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.estimator_checks import parametrize_with_checks

from kanerva.learn.sdr import false_match_probability, overlap, random_sdrs
from kanerva.learn.spatial_pooler import SpatialPooler


@parametrize_with_checks([SpatialPooler(n_columns=64, sparsity=0.1, random_state=0)])
def test_scikit_learn_contract(estimator, check):
    check(estimator)


@settings(max_examples=15)
@given(st.integers(16, 300), st.floats(0.01, 0.5), st.integers(0, 2**31), st.floats(0.05, 0.6))
def test_exactly_k_columns_are_active(n_columns, sparsity, seed, density):
    k = int(round(sparsity * n_columns))
    if k < 1:
        return
    rng = np.random.default_rng(seed)
    X = (rng.random((30, 50)) < density).astype(np.uint8)
    sp = SpatialPooler(n_columns=n_columns, sparsity=sparsity, boost_strength=1.0, random_state=seed).fit(X)
    assert sp.n_active_ == k
    assert (sp.transform(X).sum(axis=1) == k).all()
    assert (sp.transform(np.zeros((2, 50))).sum(axis=1) == k).all()  # even for an empty input


def test_stimulus_threshold_drops_weak_winners():
    rng = np.random.default_rng(0)
    X = (rng.random((50, 100)) < 0.1).astype(np.uint8)
    sp = SpatialPooler(n_columns=200, sparsity=0.1, stimulus_threshold=3, random_state=0).fit(X)
    sdr = sp.transform(X)
    overlaps = X @ sp._connected_matrix().T
    assert (sdr.sum(axis=1) <= 20).all() and (overlaps[sdr == 1] >= 3).all()
    assert (sp.transform(np.zeros((1, 100))).sum() == 0)
    # every column keeps at least stimulus_threshold connected synapses
    assert ((sp.permanences_ >= sp.syn_perm_connected).sum(axis=1) >= 3).all()


def test_learning_makes_sdrs_robust_to_noise():
    rng = np.random.default_rng(1)
    prototypes = (rng.random((10, 200)) < 0.1).astype(np.uint8)
    X = np.repeat(prototypes, 20, axis=0)
    noisy = prototypes.copy()
    noisy[rng.random(noisy.shape) < 0.03] ^= 1
    untrained = SpatialPooler(n_columns=400, sparsity=0.05, potential_pct=0.8, random_state=0).fit(X[:1])
    before = overlap(untrained.transform(prototypes), untrained.transform(noisy))
    sp = SpatialPooler(n_columns=400, sparsity=0.05, potential_pct=0.8, random_state=0).fit(X)
    clean, dirty = sp.transform(prototypes), sp.transform(noisy)
    after = overlap(clean, dirty)
    others = overlap(clean, np.roll(clean, 1, axis=0))
    assert after.mean() > before.mean()            # learning raised noise robustness
    assert after.min() > 2 * others.max()          # a noisy digit is nearer its own SDR than any other


def test_boosting_spreads_activity_over_the_columns():
    rng = np.random.default_rng(2)
    X = (rng.random((400, 60)) < 0.15).astype(np.uint8)
    used = []
    for boost in (0.0, 10.0):
        sp = SpatialPooler(n_columns=300, sparsity=0.05, boost_strength=boost, duty_cycle_period=100,
                           random_state=0).fit(X)
        used.append((sp.active_duty_cycles_ > 0).sum())
    assert used[1] > used[0]


def test_topological_pools_stay_within_the_radius():
    sp = SpatialPooler(n_columns=(10, 10), input_shape=(20, 20), potential_radius=2, potential_pct=0.5,
                       random_state=0).fit(np.zeros((2, 400)))
    rows, cols = np.divmod(sp.potential_, 20)
    for c in range(100):
        cy, cx = np.divmod(c, 10)
        centre = (int((cy + 0.5) * 2), int((cx + 0.5) * 2))
        mask = sp.pool_mask_[c]
        assert (np.abs(rows[c][mask] - centre[0]) <= 2).all() and (np.abs(cols[c][mask] - centre[1]) <= 2).all()
        assert 1 <= mask.sum() <= 13  # half of at most 25 cells


def test_partial_fit_continues_learning():
    rng = np.random.default_rng(3)
    X = (rng.random((20, 40)) < 0.2).astype(np.uint8)
    sp = SpatialPooler(n_columns=64, sparsity=0.1, random_state=0).partial_fit(X)
    first = sp.permanences_.copy()
    sp.partial_fit(X)
    assert sp.n_iter_ == 40 and not np.array_equal(first, sp.permanences_)


def test_bad_input():
    X = np.zeros((5, 10))
    with pytest.raises(ValueError, match="n_active \\(k\\) must be an integer between 1 and n_columns = 10, got 11"):
        SpatialPooler(n_columns=10, n_active=11).fit(X)           # k larger than n
    with pytest.raises(ValueError, match="sparsity"):
        SpatialPooler(n_columns=10, sparsity=2.0).fit(X)
    with pytest.raises(ValueError, match="k = 0"):
        SpatialPooler(n_columns=10, sparsity=0.01).fit(X)
    with pytest.raises(ValueError, match="NaN|infinity"):
        SpatialPooler(n_columns=10, sparsity=0.2).fit(np.full((3, 10), np.nan))
    with pytest.raises(ValueError, match="input_shape"):
        SpatialPooler(n_columns=10, sparsity=0.2, input_shape=(3, 3)).fit(X)
    with pytest.raises(ValueError, match="axes"):
        SpatialPooler(n_columns=10, sparsity=0.2, input_shape=(2, 5), potential_radius=1).fit(X)
    sp = SpatialPooler(n_columns=10, sparsity=0.2).fit(X)
    with pytest.raises(ValueError, match="features"):
        sp.transform(np.zeros((2, 11)))
    with pytest.raises(ValueError, match="n_columns"):
        SpatialPooler(n_columns=0).fit(X)
    with pytest.raises(ValueError, match="potential_pct"):
        SpatialPooler(n_columns=10, sparsity=0.2, potential_pct=0).fit(X)


@pytest.mark.parametrize("n, a, theta, s", [(256, 16, 4, None), (256, 16, 3, None), (128, 20, 8, 12)])
def test_false_match_probability_matches_sampling(n, a, theta, s):
    rng = np.random.default_rng(0)
    stored = random_sdrs(n, a if s is None else s, 1, rng)[0]
    trials = random_sdrs(n, a, 40_000, rng)
    observed = (overlap(trials, stored) >= theta).mean()
    p = false_match_probability(n, a, theta, s)
    assert abs(observed - p) < 5 * np.sqrt(p * (1 - p) / 40_000) + 1e-4, (observed, p)


def test_false_match_probability_bad_input():
    with pytest.raises(ValueError, match="cannot exceed n"):
        false_match_probability(10, 11, 2)
    with pytest.raises(ValueError, match="theta"):
        false_match_probability(100, 5, 6)
    with pytest.raises(ValueError, match="different sizes"):
        overlap(np.ones(3), np.ones(4))
