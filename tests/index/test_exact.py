"""ExactIndex: exact results, stable ids, files (in RAM and memory-mapped), clear errors."""

import numpy as np
import pytest

import kanerva as kv
from kanerva.index import ExactIndex, _store
from kanerva.io import ModelFileError
from kanerva._kernels.bits import hamming_matrix


def _brute_hamming(q, db, k):
    d = hamming_matrix(q, db)
    o = np.argsort(d, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(d, o, 1), o


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(_store, "BLOCK_BYTES", 1000)  # many blocks: exercises the streaming merge
    monkeypatch.setattr(_store, "RAM_BLOCK_BYTES", 1000)


@pytest.mark.parametrize("blocks", [False, True])
def test_bsc_equals_brute_force(blocks, request):
    if blocks:
        request.getfixturevalue("small_blocks")
    s = kv.BSC(300, seed=1)
    db = s.random(500)
    db[250] = db[40]  # a tie: the earlier one first
    index = ExactIndex(s)
    index.add(db, ids=np.arange(500) * 3 + 7)
    q = np.concatenate([db[[40, 3]], s.random(8)])
    dist, ids = index.search(q, k=6)
    bd, bo = _brute_hamming(q, db, 6)
    assert (dist == bd).all() and (ids == bo * 3 + 7).all()
    assert ids[0, :2].tolist() == [40 * 3 + 7, 250 * 3 + 7]


@pytest.mark.parametrize("blocks", [False, True])
@pytest.mark.parametrize("metric", ["cosine", "ip"])
def test_dense_equals_brute_force(metric, blocks, request):
    if blocks:
        request.getfixturevalue("small_blocks")
    rng = np.random.default_rng(0)
    db = rng.normal(size=(400, 12)) * rng.uniform(0.2, 5, size=(400, 1))
    q = rng.normal(size=(9, 12))
    index = ExactIndex(metric=metric, dim=12)
    index.add(db)
    sims, ids = index.search(q, k=5)
    if metric == "cosine":
        ref = (q / np.linalg.norm(q, axis=1, keepdims=True)) @ (db / np.linalg.norm(db, axis=1, keepdims=True)).T
    else:
        ref = q @ db.T
    order = np.argsort(-ref, axis=1, kind="stable")[:, :5]
    assert (ids == order).all()
    assert np.allclose(sims, np.take_along_axis(ref, order, 1), rtol=1e-4, atol=1e-4)
    assert (np.diff(sims, axis=1) <= 0).all()


def test_dense_ties_go_to_the_first_added():
    index = ExactIndex(metric="ip", dim=2)
    index.add(np.array([[1.0, 0.0]] * 6 + [[2.0, 0.0]]))
    _, ids = index.search(np.array([1.0, 0.0]), k=3)
    assert ids.tolist() == [[6, 0, 1]]


@pytest.mark.parametrize("model", [kv.MAP, kv.HRR, kv.FHRR])
def test_dense_spaces_rank_like_their_similarity(model):
    s = model(256, seed=2)
    db = s.random(60)
    q = s.random(3)
    index = ExactIndex(s)
    index.add(db)
    sims, ids = index.search(q, k=4)
    ref = s.similarity(q, db)
    assert (ids == np.argsort(-ref, axis=1, kind="stable")[:, :4]).all()
    if model is not kv.HRR:  # unit-modulus / +-1 vectors: cosine is the space's similarity
        assert np.allclose(sims, np.take_along_axis(ref, ids, 1), atol=1e-5)


def test_ids_stable_across_add_remove_save_load(tmp_path, small_blocks):
    s = kv.BSC(200, seed=3)
    v = s.random(50)
    index = ExactIndex(s)
    index.add(v[:20])                       # ids 0..19
    index.add(v[20:30], ids=range(100, 110))
    index.remove([3, 100, 7])
    index.add(v[30:35])                     # continue after the largest id: 110..114
    assert len(index) == 32
    assert index.ids[-5:].tolist() == [110, 111, 112, 113, 114]
    assert (index.vectors([104, 5]) == v[[24, 5]]).all()
    path = tmp_path / "ix.kanerva"
    index.save(path)
    back = ExactIndex.load(path)
    assert (back.ids == index.ids).all() and (back.vectors() == index.vectors()).all()
    d1, i1 = index.search(v[:10], 5)
    d2, i2 = back.search(v[:10], 5)
    assert (d1 == d2).all() and (i1 == i2).all()
    back.add(v[35:36])
    assert back.ids[-1] == 115
    _, ids = back.search(v[3], 1)
    assert ids[0, 0] != 3  # removed stays removed


def test_memory_mapped_index(tmp_path, small_blocks):
    rng = np.random.default_rng(4)
    path = tmp_path / "big.idx"
    index = ExactIndex(metric="ip", dim=8, path=path)
    data = rng.normal(size=(300, 8)).astype(np.float32)
    for chunk in np.array_split(data, 7):  # grows the file several times
        index.add(chunk)
    index.remove(np.arange(0, 300, 3))
    index.save()
    files = sorted(p.name for p in tmp_path.glob("big.idx.vectors*"))
    assert files == ["big.idx.vectors.1"]  # the compacted generation; the old one went with the save
    assert (tmp_path / files[0]).stat().st_size == 200 * 8 * 4
    back = ExactIndex.load(path)
    assert isinstance(back._store.rows(), np.memmap)
    keep = np.setdiff1d(np.arange(300), np.arange(0, 300, 3))
    assert (back.ids == keep).all() and np.array_equal(back.vectors(), data[keep])
    sims, ids = back.search(data[:4], 3)
    ref = data[:4] @ data[keep].T
    assert (ids == keep[np.argsort(-ref, axis=1, kind="stable")[:, :3]]).all()
    back.add(data[:2], ids=[1000, 1001])
    back.save()
    again = ExactIndex.load(path)
    assert len(again) == 202 and again.ids[-1] == 1001
    copy = tmp_path / "copy.idx"  # saving a mapped index elsewhere copies its vectors file
    again.save(copy)
    assert np.array_equal(ExactIndex.load(copy).vectors(), again.vectors())
    with pytest.raises(ValueError, match="already exists"):  # never overwrite silently
        ExactIndex(metric="ip", dim=8, path=path)


def test_bad_input(tmp_path):
    s = kv.BSC(128, seed=0)
    index = ExactIndex(s)
    with pytest.raises(ValueError, match="empty"):
        index.search(s.random(), 1)
    index.add(s.random(5))
    with pytest.raises(ValueError, match="shape"):
        index.search(kv.BSC(256).random(), 1)
    with pytest.raises(TypeError, match="dtype"):
        index.search(np.zeros(2, dtype=np.float32), 1)
    with pytest.raises(ValueError, match="k must be an integer between 1 and the 5"):
        index.search(s.random(), 6)
    with pytest.raises(ValueError, match="already in the index"):
        index.add(s.random(1), ids=[2])
    with pytest.raises(ValueError, match="duplicates"):
        index.add(s.random(2), ids=[50, 50])
    with pytest.raises(ValueError, match="2 ids for 3"):
        index.add(s.random(3), ids=[60, 61])
    with pytest.raises(KeyError, match="not in the index"):
        index.remove([99])
    dense = ExactIndex(metric="cosine", dim=4)
    with pytest.raises(ValueError, match=r"shape \(4,\) or \(n, 4\)"):
        dense.add(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        dense.add(np.full((1, 4), np.inf))
    with pytest.raises(ValueError, match="metric"):
        ExactIndex(metric="l1", dim=3)
    with pytest.raises(ValueError, match="not both"):
        ExactIndex(s, metric="ip", dim=3)
    with pytest.raises(ValueError, match="give save\\(\\) a path"):
        index.save()


def test_corrupt_files(tmp_path):
    s = kv.BSC(64)
    index = ExactIndex(s)
    index.add(s.random(4))
    path = tmp_path / "ix"
    index.save(path)
    raw = path.read_bytes()
    (tmp_path / "trunc").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ModelFileError):
        ExactIndex.load(tmp_path / "trunc")
    (tmp_path / "junk").write_bytes(b"not an index at all")
    with pytest.raises(ModelFileError):
        ExactIndex.load(tmp_path / "junk")
    with pytest.raises(ModelFileError, match="no such file"):
        ExactIndex.load(tmp_path / "missing")
    mapped = ExactIndex(s, path=tmp_path / "m")
    mapped.add(s.random(4))
    mapped.save()
    with open(tmp_path / "m.vectors", "r+b") as f:
        f.truncate(8)  # the vectors file lost rows
    with pytest.raises(ModelFileError, match="bytes"):
        ExactIndex.load(tmp_path / "m")


def test_dense_query_batches_are_split_without_changing_results(monkeypatch):
    from kanerva.index import _topk

    rng = np.random.default_rng(5)
    db, q = rng.normal(size=(50, 6)), rng.normal(size=(23, 6))
    index = ExactIndex(metric="ip", dim=6)
    index.add(db)
    whole = index.search(q, 4)
    monkeypatch.setattr(_topk, "_SCORES_PER_PASS", 120)  # 2 queries per pass
    split = index.search(q, 4)
    assert (whole[1] == split[1]).all() and np.allclose(whole[0], split[0])


def test_empty_batches():
    from kanerva.index import FlyHash, SimHash

    assert FlyHash(8, 64, 3, 4).hash(np.zeros((0, 8))).shape == (0, 1)
    assert SimHash(8, 70).hash(np.zeros((0, 8))).shape == (0, 2)
