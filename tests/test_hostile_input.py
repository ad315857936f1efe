"""Generated faults: mutated files of every kind, and non-finite or extreme values through every
public operation of every model, memory, index and hasher.

A mutated file either loads as the same object or is refused with :class:`kanerva.io.ModelFileError`,
within bounded time and memory; a crafted file (settings or arrays replaced, the checksum made
valid again, as an attacker would) is refused or loads as an object whose operations work or fail
with the library's errors. A value that is NaN, infinite or too large for an operation is refused
with a ValueError or TypeError that says so: never a numpy warning, never a non-finite result.

The examples are bounded for CI (KANERVA_HYPOTHESIS_EXAMPLES, 40 by default); run a longer
campaign with KANERVA_HYPOTHESIS_EXAMPLES=2000.
"""

import time
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kanerva as kv
from kanerva import io
from kanerva.index import AsymmetricLSH, ExactIndex, FlyHash, HashIndex, L2Hash, L2LSH, SimHash
from kanerva.learn import NGramClassifier
from kanerva.memory import (CleanupMemory, DenseAssociativeMemory, FastWeights, Hopfield, ModernHopfield,
                            SparseDistributedMemory)

LIBRARY_ERRORS = (ValueError, TypeError, KeyError)
MAX_SECONDS, MAX_BYTES = 5.0, 200 << 20


def _filled(obj, kind):
    rng = np.random.default_rng(0)
    if kind == "memory":
        s = obj.space
        x = s.random(6) if s is not None else (rng.choice([-1, 1], size=(6, obj.dim)) * 1.0)
        if obj.pattern_kind == "binary" and s is None:
            x = x.astype(np.int8)
        obj.write(x)
    elif kind == "index":
        space = getattr(obj, "space", None)
        obj.add(space.random(12) if space is not None else rng.normal(size=(12, 16)))
    elif kind == "classifier":
        obj.fit(["the cat sat on the mat", "a dog in the fog", "le chat est sur le tapis", "un chien dans le brouillard"],
                ["en", "en", "fr", "fr"])
    return obj


def _probe(obj, kind):
    """One operation of the object (what a user does after loading it)."""
    rng = np.random.default_rng(1)
    if kind == "memory":
        s = obj.space
        cue = s.random() if s is not None else rng.choice([-1, 1], size=obj.dim).astype(
            np.int8 if obj.pattern_kind == "binary" else np.float64)
        obj.read(cue, steps=1 if obj.settles else None)
    elif kind == "index":
        space = getattr(obj, "space", None)
        obj.search(space.random() if space is not None else rng.normal(size=16), k=1)
    elif kind == "classifier":
        obj.predict(["the chat sat", "un dog"])
        obj.decision_function(["a mat"])
    elif obj.input_dim <= 10**6:  # a crafted but consistent hasher may want inputs too wide to make here
        obj.hash(rng.normal(size=(2, obj.input_dim)))


OBJECTS = {
    "hopfield": (lambda: Hopfield(kv.MAP(32), rule="storkey"), "memory"),
    "dam": (lambda: DenseAssociativeMemory(32, n=3), "memory"),
    "modern": (lambda: ModernHopfield(kv.HRR(32), beta=0.5), "memory"),
    "sdm": (lambda: SparseDistributedMemory(kv.BSC(64), locations=100, activation=0.1), "memory"),
    "fastweights": (lambda: FastWeights(16), "memory"),
    "cleanup": (lambda: CleanupMemory(kv.FHRR(32), beta=5.0), "memory"),
    "exact": (lambda: ExactIndex(kv.BSC(100)), "index"),
    "exact-ip": (lambda: ExactIndex(metric="ip", dim=16), "index"),
    "l2lsh": (lambda: L2LSH(16, hashes_per_table=2, tables=3), "index"),
    "alsh": (lambda: AsymmetricLSH(16, method="sign", bits=32, candidates=5), "index"),
    "hash-index": (lambda: HashIndex(FlyHash(16, kenyon_cells=200, fan_in=3, active=8), rerank="cosine"), "index"),
    "flyhash": (lambda: FlyHash(16, kenyon_cells=100, fan_in=3, active=5), "hasher"),
    "simhash": (lambda: SimHash(16, bits=40), "hasher"),
    "l2hash": (lambda: L2Hash(16, hashes_per_table=2, tables=3), "hasher"),
    "ngram-classifier": (lambda: NGramClassifier(dim=256, epochs=1, example_ngrams=5), "classifier"),
}
_SAVED: dict = {}


def saved(name, tmp_path_factory):
    if name not in _SAVED:
        factory, kind = OBJECTS[name]
        obj = _filled(factory(), kind)
        path = tmp_path_factory.mktemp("saved") / f"{name}.kanerva"
        obj.save(path)
        _SAVED[name] = (type(obj), kind, path.read_bytes())
    return _SAVED[name]


def bounded_load(cls, path):
    """Load ``path`` with cls, within MAX_SECONDS and MAX_BYTES of new allocations."""
    tracemalloc.start()
    t = time.perf_counter()
    try:
        return cls.load(path)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert time.perf_counter() - t < MAX_SECONDS and peak < MAX_BYTES, (time.perf_counter() - t, peak)


FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)


@pytest.mark.parametrize("name", sorted(OBJECTS))
@FUZZ
@given(data=st.data())
def test_flipped_bits_and_truncation_are_refused(name, data, tmp_path_factory):
    cls, kind, raw = saved(name, tmp_path_factory)
    path = tmp_path_factory.mktemp("bad") / "m.kanerva"
    bad = bytearray(raw)
    if data.draw(st.booleans(), label="truncate"):
        bad = bad[: data.draw(st.integers(0, len(raw) - 1), label="length")]
    else:
        for at in data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=4), label="bytes"):
            bad[at] ^= 1 << data.draw(st.integers(0, 7), label="bit")
    path.write_bytes(bytes(bad))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            bounded_load(cls, path)
        except io.ModelFileError:
            return
    assert bytes(bad) == raw, "a damaged file loaded"


HOSTILE_VALUES = st.sampled_from([10**12, 2**63, -1, -(10**15), 0, 1.5, float("inf"), "x", None, [], {}, True, [1],
                                  {"a": 1}, "../../etc/passwd", 10**400])


def _all_bits_set(arr):
    """``arr`` with every bit set: the largest unsigned values, -1 for signed ones, NaN for floats."""
    out = np.array(arr, copy=True)
    out.view(np.uint8)[...] = 0xFF
    return out


def _paths(meta, prefix=()):
    for key, value in meta.items():
        yield prefix + (key,)
        if isinstance(value, dict):
            yield from _paths(value, prefix + (key,))


def _replaced(meta, path, value):
    out = dict(meta)
    if len(path) == 1:
        out[path[0]] = value
    else:
        out[path[0]] = _replaced(out[path[0]], path[1:], value)
    return out


@pytest.mark.parametrize("name", sorted(OBJECTS))
@FUZZ
@given(data=st.data())
def test_crafted_headers_and_arrays_are_refused_or_work(name, data, tmp_path_factory):
    cls, kind, raw = saved(name, tmp_path_factory)
    d = tmp_path_factory.mktemp("crafted")
    (d / "orig").write_bytes(raw)
    kind_name, version = (cls.kind, cls.version) if hasattr(cls, "kind") else ("ngram-classifier", 2)
    arrays, meta = io.load(d / "orig", kind_name, version)
    if arrays and data.draw(st.booleans(), label="array"):
        key = data.draw(st.sampled_from(sorted(arrays)), label="which")
        arrays = {**arrays, key: data.draw(st.sampled_from([
            np.zeros(0), np.zeros((3, 3), np.float32), np.full((2, 2), np.nan), np.array(7, np.int64),
            _all_bits_set(arrays[key]),
            np.zeros((10**4, 2), np.int8), np.zeros(arrays[key].shape[:-1] + (1,), arrays[key].dtype)
            if arrays[key].ndim else np.zeros(1)]), label="replacement")}
    else:
        path = data.draw(st.sampled_from(list(_paths(meta))), label="setting")
        meta = _replaced(meta, path, data.draw(HOSTILE_VALUES, label="value"))
    try:
        io.save(d / "bad", kind_name, version, arrays, meta)
    except (ValueError, TypeError, OverflowError):
        return  # not even a writable file (e.g. an integer JSON cannot hold): nothing to load
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            obj = bounded_load(cls, d / "bad")
        except io.ModelFileError:
            return
        try:
            _probe(obj, kind)  # it loaded: it must work, or fail with a library error
        except LIBRARY_ERRORS:
            pass


BAD_FLOATS = st.sampled_from([np.nan, np.inf, -np.inf, 1e300, -1e300, 3e38, 1e200])


def _with_bad(x, data):
    x = np.array(x, dtype=np.result_type(x.dtype, np.float64) if x.dtype.kind not in "fc" else x.dtype)
    flat = x.reshape(-1)
    for at in data.draw(st.lists(st.integers(0, flat.size - 1), min_size=1, max_size=3), label="positions"):
        with np.errstate(over="ignore"):  # 1e300 in a float32 vector is inf: also a value to refuse
            flat[at] = data.draw(BAD_FLOATS, label="value")
    return x


def _finite(out):
    for arr in out if isinstance(out, tuple) else (out,):
        arr = np.asarray(arr)
        if arr.dtype.kind in "fc":
            assert np.isfinite(arr).all(), "a non-finite result"


DENSE_SPACES = [kv.HRR(32, seed=2), kv.FHRR(32, seed=2), kv.MBAT(36, seed=2), kv.VTB(36, seed=2),
                kv.SBC(32, seed=2)]
SPACE_OPS = {
    "bind": lambda s, v, y: s.bind(v, y), "unbind": lambda s, v, y: s.unbind(y, v),
    "similarity": lambda s, v, y: s.similarity(v, y), "permute": lambda s, v, y: s.permute(v, 3),
    "inverse": lambda s, v, y: s.inverse(v), "bundle": lambda s, v, y: s.bundle([v, y]),
    "accumulate": lambda s, v, y: s.accumulate(np.stack([v, y])), "power": lambda s, v, y: s.power(v, 0.5),
    "nearest": lambda s, v, y: s.nearest(v[None], np.stack([y, y])), "normalize": lambda s, v, y: s.normalize(v),
}


@pytest.mark.parametrize("space", DENSE_SPACES, ids=repr)
@pytest.mark.parametrize("op", sorted(SPACE_OPS))
@FUZZ
@given(data=st.data())
def test_non_finite_and_huge_values_in_every_algebra_operation(space, op, data):
    v = _with_bad(space.random(key="v"), data)
    if v.dtype != space.dtype and op != "normalize":
        with np.errstate(over="ignore", invalid="ignore"):  # SBC's integer indices: NaN casts to anything
            v = v.astype(space.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            out = SPACE_OPS[op](space, v, space.random(key="y"))
        except (ValueError, TypeError, NotImplementedError):  # the last: power in a model without one
            return
    _finite(out)


def _real_memories():
    return {"modern": ModernHopfield(8, beta=1.0), "fastweights": FastWeights(8),
            "modern-hrr": ModernHopfield(kv.HRR(8), beta=1.0), "fastweights-hrr": FastWeights(kv.HRR(8)),
            "hopfield": Hopfield(8), "dam": DenseAssociativeMemory(8, interaction="exp"),
            "sdm": SparseDistributedMemory(8, locations=40)}


@pytest.mark.parametrize("name", sorted(_real_memories()))
@FUZZ
@given(data=st.data())
def test_non_finite_and_huge_values_in_every_memory_operation(name, data):
    mem = _real_memories()[name]
    rng = np.random.default_rng(3)
    good = mem.space.random(4) if mem.space is not None else rng.choice([-1.0, 1.0], size=(4, 8))
    bad = _with_bad(good, data)
    if mem.space is not None:
        with np.errstate(over="ignore"):
            bad = bad.astype(mem.space.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if data.draw(st.booleans(), label="write the bad patterns"):
            try:
                mem.write(bad)
            except (ValueError, TypeError):
                assert len(mem) == 0  # refused as a whole
                return
            try:
                out = mem.read(good)
            except (ValueError, TypeError):  # accepted, but too large to read against: said so
                return
        else:
            mem.write(good)
            try:
                out = mem.read(bad)
            except (ValueError, TypeError):
                return
    _finite(out)


def _indexes():
    return {"exact-ip": ExactIndex(metric="ip", dim=8), "exact-cosine": ExactIndex(metric="cosine", dim=8),
            "exact-hrr": ExactIndex(kv.HRR(8)), "l2lsh": L2LSH(8, hashes_per_table=2, tables=2),
            "alsh": AsymmetricLSH(8, method="simple", bits=16, candidates=4),
            "alsh-l2": AsymmetricLSH(8, method="l2", tables=2, hashes_per_table=2),
            "hash-index": HashIndex(SimHash(8, bits=32), rerank="euclidean", candidates=4)}


@pytest.mark.parametrize("name", sorted(_indexes()))
@FUZZ
@given(data=st.data())
def test_non_finite_and_huge_values_in_every_index_operation(name, data):
    index = _indexes()[name]
    space = getattr(index, "space", None)
    good = space.random(6) if space is not None else np.random.default_rng(4).normal(size=(6, 8))
    bad = _with_bad(good, data)
    if space is not None:
        with np.errstate(over="ignore"):
            bad = bad.astype(space.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if data.draw(st.booleans(), label="add the bad vectors"):
            try:
                index.add(bad)
            except (ValueError, TypeError):
                assert len(index) == 0  # refused as a whole
                return
            try:
                out = index.search(good, k=2)
            except (ValueError, TypeError):  # accepted, but too large to score against: said so
                return
        else:
            index.add(good)
            try:
                out = index.search(bad, k=2)
            except (ValueError, TypeError):
                return
    scores = out[0][out[1] >= 0]
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("hasher", [FlyHash(8, kenyon_cells=50, fan_in=3, active=4), SimHash(8, bits=20),
                                    L2Hash(8, hashes_per_table=2, tables=2)], ids=lambda h: type(h).__name__)
@FUZZ
@given(data=st.data())
def test_non_finite_and_huge_values_in_every_hasher(hasher, data):
    bad = _with_bad(np.random.default_rng(5).normal(size=(3, 8)), data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            codes = hasher.hash(bad)
        except (ValueError, TypeError):
            return
    assert codes.dtype == np.uint64
