"""The index protocol, checked once for every index (and the hasher protocol for every hasher).

Each case builds an index and the vectors it stores. The same checks run on all of them: ids
(default, explicit, duplicates refused), search shapes and dtypes for one query and a batch,
scores that are the index's metric of the returned vectors and sorted the way
``larger_is_better`` says, the k rule, remove, an empty index, save -> load -> same answers.
"""

import numpy as np
import pytest

import kanerva as kv
from kanerva.index import (AsymmetricLSH, ExactIndex, FlyHash, Hasher, HashIndex, Index, L2Hash, L2LSH, SimHash)
from kanerva.io import ModelFileError

DIM = 24


def real(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, DIM)) * rng.uniform(0.5, 2.0, size=(n, 1))


CASES = {  # name: (factory(tmp_path), vectors(n, seed))
    "exact-bsc": (lambda p: ExactIndex(kv.BSC(200, seed=1)), lambda n, s: kv.BSC(200, seed=1).random(key=[f"{s}/{i}" for i in range(n)])),
    "exact-map": (lambda p: ExactIndex(kv.MAP(200, seed=1)), lambda n, s: kv.MAP(200, seed=1).random(key=[f"{s}/{i}" for i in range(n)])),
    "exact-hrr": (lambda p: ExactIndex(kv.HRR(200, seed=1)), lambda n, s: kv.HRR(200, seed=1).random(key=[f"{s}/{i}" for i in range(n)])),
    "exact-fhrr": (lambda p: ExactIndex(kv.FHRR(100, seed=1)), lambda n, s: kv.FHRR(100, seed=1).random(key=[f"{s}/{i}" for i in range(n)])),
    "exact-mbat": (lambda p: ExactIndex(kv.MBAT(196, seed=1)), lambda n, s: kv.MBAT(196, seed=1).random(key=[f"{s}/{i}" for i in range(n)])),
    "exact-vtb": (lambda p: ExactIndex(kv.VTB(196, seed=1)), lambda n, s: kv.VTB(196, seed=1).random(key=[f"{s}/{i}" for i in range(n)])),
    "exact-sbc": (lambda p: ExactIndex(kv.SBC(208, seed=1)), lambda n, s: kv.SBC(208, seed=1).random(key=[f"{s}/{i}" for i in range(n)])),
    "exact-cosine": (lambda p: ExactIndex(metric="cosine", dim=DIM), real),
    "exact-ip": (lambda p: ExactIndex(metric="ip", dim=DIM), real),
    "exact-mmap": (lambda p: ExactIndex(kv.BSC(200, seed=1), path=p / "mm.idx"),
                   lambda n, s: kv.BSC(200, seed=1).random(key=[f"{s}/{i}" for i in range(n)])),
    "l2lsh": (lambda p: L2LSH(DIM, hashes_per_table=2, tables=12, width=6.0, seed=1), real),
    "alsh-simple": (lambda p: AsymmetricLSH(DIM, method="simple", bits=64, candidates=30), real),
    "alsh-sign": (lambda p: AsymmetricLSH(DIM, method="sign", bits=64, candidates=30), real),
    "alsh-l2": (lambda p: AsymmetricLSH(DIM, method="l2", tables=12, hashes_per_table=2), real),
    "hash-flyhash": (lambda p: HashIndex(FlyHash(DIM, kenyon_cells=1_000, fan_in=4, active=24)), real),
    "hash-simhash": (lambda p: HashIndex(SimHash(DIM, bits=128)), real),
    "hash-flyhash-cosine": (lambda p: HashIndex(FlyHash(DIM, kenyon_cells=1_000, fan_in=4, active=24), rerank="cosine",
                                                candidates=20), real),
    "hash-simhash-euclidean": (lambda p: HashIndex(SimHash(DIM, bits=128), rerank="euclidean", candidates=20), real),
}
NAMES = sorted(CASES)
EXACT = {n for n in NAMES if n.startswith("exact")}


@pytest.fixture
def case(request, tmp_path):
    factory, vectors = CASES[request.param]
    return request.param, factory(tmp_path), vectors


def score_of(name, index, query, vector):
    """The index's score of one stored vector for one query, computed from the definitions."""
    if index.metric == "hamming":
        if isinstance(index, HashIndex):
            a, b = index.hasher.hash(query), index.hasher.hash(vector)
            return float(np.bitwise_count(a ^ b).sum())
        return float(np.bitwise_count(query ^ vector).sum())
    if isinstance(index, ExactIndex) and index.space is not None:
        return float(index.space.similarity(query, vector))
    q, v = np.asarray(query, float), np.asarray(vector, float)
    if index.metric == "cosine":
        return float(q @ v / (np.linalg.norm(q) * np.linalg.norm(v)))
    if index.metric == "ip":
        return float(q @ v)
    return float(np.linalg.norm(q - v))


@pytest.mark.parametrize("case", NAMES, indirect=True)
def test_search_returns_the_metric_best_first(case):
    name, index, vectors = case
    assert isinstance(index, Index) and isinstance(index.larger_is_better, bool) and index.metric
    data = vectors(60, 0)
    index.add(data)
    assert len(index) == 60 and index.ids.tolist() == list(range(60))
    queries = np.concatenate([data[:3], vectors(5, 9)])
    scores, ids = index.search(queries, k=4)
    assert scores.shape == ids.shape == (8, 4) and scores.dtype == np.float64 and ids.dtype == np.int64
    for q, row_s, row_i in zip(queries, scores, ids):
        found = row_i >= 0
        assert set(row_i[found]) <= set(range(60))
        assert np.all(row_s[~found] == index.worst_score)
        direction = -1 if index.larger_is_better else 1
        assert np.all(direction * np.diff(row_s[found]) >= -1e-9)
        for s, i in zip(row_s[found], row_i[found]):
            assert s == pytest.approx(score_of(name, index, q, data[i]), rel=1e-4, abs=1e-4)
    if name in EXACT:  # exact: the brute-force ranking
        for q, row_s in zip(queries, scores):
            ref = np.array([score_of(name, index, q, v) for v in data])
            best = np.sort(ref)[::-1][:4] if index.larger_is_better else np.sort(ref)[:4]
            np.testing.assert_allclose(row_s, best, rtol=1e-4, atol=1e-4)
    if index.metric != "ip":  # a stored vector is its own nearest neighbour (not so for inner products)
        assert (ids[:3, 0] == [0, 1, 2]).all()


@pytest.mark.parametrize("case", NAMES, indirect=True)
def test_one_query_gives_one_row(case):
    _, index, vectors = case
    data = vectors(10, 0)
    index.add(data)
    scores, ids = index.search(data[4], k=2)
    assert scores.shape == ids.shape == (1, 2)


@pytest.mark.parametrize("case", NAMES, indirect=True)
def test_ids_default_explicit_and_refused(case):
    _, index, vectors = case
    data = vectors(8, 0)
    index.add(data[:3], ids=[10, 20, 30])
    index.add(data[3:5])  # the next free numbers, after the largest id
    assert index.ids.tolist() == [10, 20, 30, 31, 32]
    with pytest.raises(ValueError, match="already in the index"):
        index.add(data[5:6], ids=[20])
    with pytest.raises(ValueError, match="duplicates"):
        index.add(data[5:7], ids=[7, 7])
    with pytest.raises(ValueError, match="2 ids for 1 vectors"):
        index.add(data[5:6], ids=[1, 2])
    with pytest.raises(TypeError, match="integers"):
        index.add(data[5:6], ids=[1.5])
    assert len(index) == 5


@pytest.mark.parametrize("case", NAMES, indirect=True)
def test_k_rule_and_empty_index(case):
    _, index, vectors = case
    data = vectors(5, 0)
    with pytest.raises(ValueError, match="empty"):
        index.search(data[0], k=1)
    index.add(data)
    for bad in (0, 6, True, 2.0):
        with pytest.raises(ValueError, match="between 1 and the 5"):
            index.search(data[0], k=bad)
    assert index.search(data[0], k=5)[1].shape == (1, 5)


@pytest.mark.parametrize("case", NAMES, indirect=True)
def test_remove(case):
    _, index, vectors = case
    data = vectors(30, 0)
    index.add(data, ids=np.arange(30) * 2)
    index.remove([0, 8, 58])
    assert len(index) == 27 and not {0, 8, 58} & set(index.ids.tolist())
    _, ids = index.search(data, k=5)
    assert not {0, 8, 58} & set(ids.ravel().tolist())
    assert index.search(data[1], k=1)[1][0, 0] in (2, -1) or index.metric == "ip"
    with pytest.raises(KeyError, match="not in the index"):
        index.remove([8])
    index.add(data[:1])
    assert index.ids[-1] == 59  # past the largest id ever given (58, removed): not reused


@pytest.mark.parametrize("case", NAMES, indirect=True)
def test_save_load_same_answers(case, tmp_path):
    _, index, vectors = case
    data = vectors(40, 0)
    index.add(data, ids=np.arange(40) + 100)
    index.remove([105])
    path = tmp_path / "index.kanerva"
    index.save(path)
    back = type(index).load(path)
    assert len(back) == len(index) and (back.ids == index.ids).all()
    assert back.metric == index.metric and back.larger_is_better == index.larger_is_better
    queries = vectors(6, 3)
    for a, b in zip(index.search(queries, k=3), back.search(queries, k=3)):
        np.testing.assert_array_equal(a, b)
    back.add(data[5])
    assert back.ids[-1] == 140
    raw = path.read_bytes()
    (tmp_path / "cut").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ModelFileError):
        type(index).load(tmp_path / "cut")


@pytest.mark.parametrize("case", NAMES, indirect=True)
def test_vectors_of_the_wrong_width_are_refused(case):
    name, index, vectors = case
    index.add(vectors(3, 0))
    wrong = kv.BSC(64).random(2) if name.startswith("exact") and index.space is not None else np.ones((2, DIM + 1))
    with pytest.raises((TypeError, ValueError), match="shape|dimension|dtype"):
        index.search(wrong, k=1)


HASHERS = {
    "flyhash": lambda: FlyHash(DIM, kenyon_cells=300, fan_in=5, active=20, seed=3),
    "simhash": lambda: SimHash(DIM, bits=100, seed=3),
    "l2hash": lambda: L2Hash(DIM, hashes_per_table=3, tables=5, width=2.0, seed=3),
}


@pytest.mark.parametrize("name", sorted(HASHERS))
def test_hashers_share_one_call_one_form_and_files(name, tmp_path):
    h = HASHERS[name]()
    assert isinstance(h, Hasher) and h.comparison in ("hamming", "buckets")
    x = real(7, 1)
    codes = h.hash(x)
    assert codes.dtype == np.uint64 and codes.shape == (7, h.code_words)
    np.testing.assert_array_equal(h.hash(x[2]), codes[2:3])  # one vector: one row
    h.save(tmp_path / "h")
    back = type(h).load(tmp_path / "h")
    np.testing.assert_array_equal(back.hash(x), codes)
    assert repr(back) == repr(h)
    with pytest.raises(ValueError, match="shape"):
        h.hash(np.ones((2, DIM + 1)))
    with pytest.raises(ValueError, match="NaN"):
        h.hash(np.full((1, DIM), np.nan))
    other = SimHash(4, bits=8) if name != "simhash" else FlyHash(4, kenyon_cells=10, fan_in=2, active=2)
    other.save(tmp_path / "other")
    with pytest.raises(ModelFileError, match="expected"):
        type(h).load(tmp_path / "other")
