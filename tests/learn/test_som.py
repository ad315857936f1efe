"""Competitive learning and the self-organizing map: ordered maps, errors, grids, adjacency."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from kanerva.learn import CompetitiveLearning, SelfOrganizingMap
from kanerva.learn.som import adjacency, grid_positions


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


def _ordered(som):
    """Adjacent units much closer in data space than units in general (an ordered map)."""
    W = som.weights_.reshape(-1, som.weights_.shape[-1])
    d = np.sqrt(((W[:, None] - W[None]) ** 2).sum(-1))
    adj = adjacency(som.positions_, som.topology)
    return d[adj].mean() / d[~np.eye(len(W), dtype=bool)].mean()


@pytest.mark.parametrize("kw", [dict(), dict(training="online"), dict(topology="hexagonal"),
                                dict(neighborhood="bubble"), dict(init="random", training="online")])
def test_som_orders_a_uniform_square(kw):
    X = np.random.default_rng(0).random((1000, 2))
    som = SelfOrganizingMap(8, 8, n_epochs=10, sigma_end=1.0, random_state=0, **kw).fit(X)
    assert som.quantization_error(X) < 0.07
    assert som.topographic_error(X) < 0.1
    assert _ordered(som) < 0.35


def test_predict_winner_transform_agree():
    X = np.random.default_rng(1).random((200, 3))
    som = SelfOrganizingMap(4, 5, random_state=0).fit(X)
    flat = som.predict(X)
    rc = som.winner(X)
    np.testing.assert_array_equal(rc[:, 0] * 5 + rc[:, 1], flat)
    np.testing.assert_array_equal(np.argmin(som.transform(X), axis=1), flat)
    assert som.winner(X[0]) == tuple(rc[0])
    assert som.distance_map().shape == (4, 5)


def _hand_built(topology, weights):
    som = SelfOrganizingMap(2, 2, topology=topology, n_epochs=1, random_state=0).fit(np.zeros((4, 1)) + np.arange(4)[:, None])
    som.weights_ = np.asarray(weights, dtype=float).reshape(2, 2, 1)
    return som


def test_topographic_error_hexagonal_and_diagonal_conventions():
    # units: 0=(0,0) 1=(0,1) 2=(1,0) 3=(1,1); sample at 0 is closest to unit 0, second-closest to unit 3
    rect = _hand_built("rectangular", [0.0, 10.0, 20.0, 0.5])
    assert rect.topographic_error([[0.0]], diagonal=True) == 0.0  # (0,0)-(1,1): diagonal neighbours
    assert rect.topographic_error([[0.0]], diagonal=False) == 1.0
    hexa = _hand_built("hexagonal", [0.0, 10.0, 20.0, 0.5])
    assert hexa.topographic_error([[0.0]]) == 1.0  # (0,0) at x=0 and (1,1) at x=1.5: not neighbours
    hexa = _hand_built("hexagonal", [10.0, 0.0, 0.5, 20.0])
    assert hexa.topographic_error([[0.0]]) == 0.0  # (0,1) at x=1 and (1,0) at x=0.5: neighbours


def test_distance_map_is_the_mean_distance_to_neighbours():
    som = _hand_built("rectangular", [0.0, 1.0, 3.0, 7.0])
    u = som.distance_map(diagonal=False)
    assert u[0, 0] == pytest.approx((1.0 + 3.0) / 2)
    assert u[1, 1] == pytest.approx((6.0 + 4.0) / 2)


@given(st.integers(1, 7), st.integers(1, 7), st.sampled_from(["rectangular", "hexagonal"]))
def test_grid_neighbour_counts(rows, cols, topology):
    pos = grid_positions(rows, cols, topology)
    adj = adjacency(pos, topology)
    assert np.array_equal(adj, adj.T) and not adj.diagonal().any()
    counts = adj.sum(1).reshape(rows, cols)
    full = 6 if topology == "hexagonal" else 8
    assert counts.max() <= full
    if rows >= 3 and cols >= 3:
        assert counts[1:-1, 1:-1].min() == full  # every interior unit has all its neighbours


def test_som_bad_input():
    X = np.random.default_rng(0).random((20, 2))
    with pytest.raises(ValueError, match="at least one unit"):
        SelfOrganizingMap(0, 5).fit(X)
    with pytest.raises(ValueError, match="topology"):
        SelfOrganizingMap(topology="triangular").fit(X)
    X[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        SelfOrganizingMap(3, 3).fit(X)


def test_competitive_learning_finds_the_clusters():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [4, 0], [0, 4], [4, 4]], dtype=float)
    X = np.concatenate([c + rng.normal(0, 0.2, (150, 2)) for c in centres])
    cl = CompetitiveLearning(n_clusters=4, random_state=3).fit(X)
    found = cl.cluster_centers_[np.argsort(cl.cluster_centers_ @ [1, 10])]
    np.testing.assert_allclose(found, centres, atol=0.25)
    assert cl.predict([[3.9, 4.1]])[0] == cl.predict([[4.0, 4.0]])[0]
    assert cl.transform(X).shape == (600, 4) and cl.win_counts_.sum() == 600
    with pytest.raises(ValueError, match="n_clusters=700 is larger"):
        CompetitiveLearning(n_clusters=700).fit(X)
