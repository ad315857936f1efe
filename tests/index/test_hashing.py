"""FlyHash and SimHash: the definitions, the packing, and the paper's comparison in small."""

import numpy as np
import pytest

import kanerva as kv
from kanerva.index import ExactIndex, FlyHash, SimHash
from kanerva.index.evaluate import HammingRankingMAP, average_precision, flyhash_map
from kanerva._kernels.bits import unpack


def _reference_fly(fly, x):
    """The definition, written out densely: centre, sum the sampled inputs, keep the top k.

    Summed in kanerva's order (in pairs for small inputs) so that float ties match exactly.
    """
    x = x - x.mean(axis=1, keepdims=True)
    ins, f = fly.inputs, fly.fan_in
    act = np.zeros((x.shape[0], fly.kenyon_cells))
    if fly.input_dim <= 128:
        for p in range(0, f, 2):
            act = act + (x[:, ins[:, p]] + x[:, ins[:, p + 1]] if p + 1 < f else x[:, ins[:, p]])
    else:
        for j in range(f):
            act = act + x[:, ins[:, j]]
    tags = np.zeros_like(act, dtype=np.uint8)
    for r in range(x.shape[0]):
        tags[r, np.argsort(-act[r], kind="stable")[: fly.active]] = 1  # ties: lower cell first
    return tags


@pytest.mark.parametrize("d,cells,fan_in,active,n", [
    (20, 300, 4, 12, 41), (20, 301, 5, 7, 41), (150, 200, 5, 9, 41), (150, 200, 3, 5, 9), (8, 70, 1, 3, 2),
    (30, 2000, 6, 20, 203),  # several groups of 64 rows, a padded tail, split over threads
    (8, 70_000, 3, 4, 70),  # many cells: groups of 56 rows (candidate lists capped at 64 MB)
])
def test_flyhash_matches_its_definition(d, cells, fan_in, active, n):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, d))
    x[: n // 6] = np.round(3 * x[: n // 6])  # integer rows: many ties among the activations
    x[-1] = np.round(x[-1])
    fly = FlyHash(d, kenyon_cells=cells, fan_in=fan_in, active=active, seed=3)
    codes = fly.hash(x)
    assert codes.shape == (n, -(-cells // 64)) and codes.dtype == np.uint64
    assert (unpack(codes, cells) == _reference_fly(fly, x)).all()
    assert (np.bitwise_count(codes).sum(axis=1) == active).all()
    # each cell samples fan_in distinct inputs
    assert all(len(set(row)) == fan_in for row in fly.inputs.tolist())


def test_flyhash_is_deterministic_and_searchable():
    x = np.random.default_rng(1).random((30, 10))
    a, b = FlyHash(10, 640, 3, 8, seed=5), FlyHash(10, 640, 3, 8, seed=5)
    assert (a.hash(x) == b.hash(x)).all()
    assert not (FlyHash(10, 640, 3, 8, seed=6).hash(x) == a.hash(x)).all()
    index = ExactIndex(a.space)
    index.add(a.hash(x))
    dist, ids = index.search(a.hash(x[3] + 1e-9), k=1)
    assert ids[0, 0] == 3 and dist[0, 0] == 0


def test_simhash_is_sign_of_projection_and_collides_with_angle():
    h = SimHash(16, bits=4096, seed=0)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(1, 16))
    assert (unpack(h.hash(x), 4096)[0] == (h.projection @ x[0] > 0)).all()
    y = x + 0.7 * rng.normal(size=(1, 16))
    theta = np.arccos((x @ y.T).item() / np.linalg.norm(x) / np.linalg.norm(y))
    agree = 1 - kv.BSC(4096).hamming(h.hash(x)[0], h.hash(y)[0]) / 4096
    assert abs(agree - (1 - theta / np.pi)) < 0.03  # Charikar: P[agree] = 1 - theta / pi


def test_bad_input():
    fly = FlyHash(8, 64, 3, 4)
    with pytest.raises(ValueError, match=r"shape \(n, 8\)"):
        fly.hash(np.zeros((2, 9)))
    with pytest.raises(ValueError, match="NaN"):
        fly.hash(np.full((1, 8), np.nan))
    with pytest.raises(TypeError, match="real numbers"):
        SimHash(2, 4).hash(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="fan_in"):
        FlyHash(4, 64, fan_in=5)
    with pytest.raises(ValueError, match="active"):
        FlyHash(4, 10, fan_in=2, active=11)
    with pytest.raises(ValueError, match="bits must be an integer >= 1"):
        SimHash(4, 0)


def test_average_precision_by_hand():
    relevant = np.array([[False, True, True, False]])
    assert average_precision(np.array([[1, 2, 0, 3]]), relevant)[0] == 1.0
    assert average_precision(np.array([[0, 3, 1, 2]]), relevant)[0] == pytest.approx((1 / 3 + 2 / 4) / 2)


def test_fly_beats_simhash_on_digits_at_k16():
    # the paper's shape on a fast subset: 800 digits, 200 queries, 4,000 Kenyon cells
    from sklearn.datasets import load_digits

    data = load_digits().data[:800]
    r = flyhash_map(ks=(16,), kenyon_cells=4000, n_queries=200, package=False, data=data)
    fly, sim = r["map"]["flyhash"][0], r["map"]["simhash"][0]
    assert fly > 0.5 and sim < 0.35 and fly > 1.7 * sim


def test_map_task_rewards_better_codes():
    data = np.random.default_rng(3).normal(size=(300, 6))
    task = HammingRankingMAP(data, n_queries=60)
    perfect = SimHash(6, 1024, seed=1).hash(data)
    assert task.score(perfect) > task.score(SimHash(6, 2, seed=1).hash(data)) + 0.2
    with pytest.raises(ValueError, match="one code per point"):
        task.score(perfect[:10])
