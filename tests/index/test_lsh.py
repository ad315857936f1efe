"""p-stable L2 LSH and asymmetric LSH for maximum inner product search."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from kanerva.index import AsymmetricLSH, L2Hash, L2LSH
from kanerva.index.alsh import l2_alsh, sign_alsh, simple_lsh


def test_l2lsh_hash_is_the_p_stable_formula():
    h = L2Hash(5, hashes_per_table=3, tables=2, width=1.5, seed=1)
    x = np.random.default_rng(0).normal(size=(4, 5))
    expected = np.floor((x @ h.a.T + h.b) / 1.5).reshape(4, 2, 3)
    assert (h.values(x) == expected).all()
    assert ((0 <= h.b) & (h.b < 1.5)).all()
    keys = h.hash(x)
    assert keys.shape == (4, 2) and keys.dtype == np.uint64
    y = x.copy()
    y[1] = x[0]
    assert (h.hash(y)[1] == keys[0]).all()  # equal values, equal bucket keys


def test_l2lsh_collisions_fall_with_distance():
    lsh = L2Hash(20, hashes_per_table=1, tables=400, width=4.0, seed=2)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 20))
    rates = []
    for c in (0.5, 2.0, 8.0):
        step = rng.normal(size=(1, 20))
        y = x + c * step / np.linalg.norm(step)
        rates.append((lsh.hash(x) == lsh.hash(y)).mean())
    assert rates[0] > rates[1] > rates[2]
    assert abs(rates[0] - 0.90) < 0.06  # p(c=0.5, r=4) = 0.900 (Datar et al. 2004, eq. 1)


def test_l2lsh_recall_against_brute_force():
    data = load_digits().data
    rng = np.random.default_rng(0)
    q = data[rng.choice(len(data), 50, replace=False)] + rng.normal(scale=0.5, size=(50, 64))
    lsh = L2LSH(64, hashes_per_table=8, tables=24, width=60.0, seed=0)
    lsh.add(data)
    dist, ids = lsh.search(q, k=5)
    true = np.argsort(((q[:, None] - data[None]) ** 2).sum(-1), axis=1)[:, :5]
    recall = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(ids, true)])
    n_cand = np.mean([len(c) for c in lsh.candidates(q)])
    assert recall > 0.75 and n_cand < 0.1 * len(data)  # 0.85 from ~6% of the points
    found = ids >= 0
    assert np.allclose(dist[found], np.linalg.norm(data[ids[found]] - np.repeat(q, 5, 0)[found.ravel()], axis=1))


def test_transforms_turn_mips_into_neighbour_search():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 10)) * rng.uniform(0.1, 4, size=(200, 1))
    q = rng.normal(size=(20, 10))
    ip = q @ x.T
    # Simple-LSH: the cosine of the transforms is exactly q.x / (|q| max|x|)
    p, tq = simple_lsh(x, q)
    cos = (tq @ p.T) / np.linalg.norm(tq, axis=1, keepdims=True)
    mx = np.linalg.norm(x, axis=1).max()
    assert np.allclose(cos, ip / np.linalg.norm(q, axis=1, keepdims=True) / mx)
    # L2-ALSH: |Q(q) - P(x)|^2 = 1 + m/4 - 2 q.x' / |q| + |x'|^(2^(m+1)), x' = U x / max|x|
    m, U = 3, 0.83
    p, tq = l2_alsh(x, q, m=m, U=U)
    d2 = ((tq[:, None] - p[None]) ** 2).sum(-1)
    xs = x * U / mx
    expected = 1 + m / 4 - 2 * (q @ xs.T) / np.linalg.norm(q, axis=1, keepdims=True) + (xs**2).sum(1) ** (2 ** m)
    assert np.allclose(d2, expected)
    assert (np.argmin(d2, axis=1) == np.argmax(ip, axis=1)).mean() > 0.9
    # Sign-ALSH: the transformed items have nearly equal norms, so cosine ~ inner product
    p, tq = sign_alsh(x, q)
    norms = np.linalg.norm(p, axis=1)
    assert norms.max() / norms.min() < 1.3
    assert (np.argmax(tq @ (p / norms[:, None]).T, axis=1) == np.argmax(ip, axis=1)).mean() > 0.9


@pytest.mark.parametrize("method,kwargs,bound", [
    ("simple", {"bits": 64, "candidates": 100}, 0.6),
    ("sign", {"bits": 64, "candidates": 100}, 0.6),
    ("l2", {"tables": 16, "hashes_per_table": 16, "width": 2.5}, 0.3),
])
def test_alsh_recall_against_exact_mips(method, kwargs, bound):
    data = load_digits().data
    perm = np.random.default_rng(0).permutation(len(data))
    items, queries = data[perm[:1500]], data[perm[1500:1600]]
    mips = AsymmetricLSH(64, method=method, seed=0, **kwargs)
    mips.add(items)
    ips, ids = mips.search(queries, k=10)
    true = np.argsort(-(queries @ items.T), axis=1, kind="stable")[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, true)])
    assert recall > bound  # random 100 candidates of 1,500 would give about 0.07
    found = ids >= 0
    assert np.allclose(ips[found], (queries[:, None] * items[np.where(found, ids, 0)]).sum(-1)[found])


def test_bad_input():
    with pytest.raises(ValueError, match="method"):
        AsymmetricLSH(4, method="cosine")
    with pytest.raises(ValueError, match="empty"):
        AsymmetricLSH(4).search(np.zeros(4), 1)
    mips = AsymmetricLSH(4)
    mips.add(np.eye(4))
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        mips.search(np.zeros(3), 1)
    with pytest.raises(ValueError, match="between 1 and the 4"):
        mips.search(np.zeros(4), 5)
    with pytest.raises(ValueError, match="empty"):
        L2LSH(3).search(np.zeros(3), 1)
    with pytest.raises(ValueError, match="width"):
        L2LSH(3, width=0)


@pytest.mark.parametrize("method", ["simple", "sign", "l2"])
def test_alsh_adds_in_steps_like_at_once(method):
    rng = np.random.default_rng(5)
    items = rng.normal(size=(300, 8)) * rng.uniform(0.1, 3, size=(300, 1))
    order = np.argsort(np.linalg.norm(items, axis=1))  # the largest norm comes last: a rehash
    kw = {"tables": 8, "hashes_per_table": 4} if method == "l2" else {"candidates": 40}
    once, steps = AsymmetricLSH(8, method=method, **kw), AsymmetricLSH(8, method=method, **kw)
    once.add(items[order], ids=order)
    for part in np.array_split(order, 4):
        steps.add(items[part], ids=part)
    q = rng.normal(size=(10, 8))
    for a, b in zip(once.search(q, k=5), steps.search(q, k=5)):
        np.testing.assert_array_equal(a, b)
