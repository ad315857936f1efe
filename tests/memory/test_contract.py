"""The memory protocol, checked once for every memory on every pattern form it takes.

Each case is (memory factory, pattern form): a kv space or an int dim (plain arrays). The same
checks run on all of them: shapes for one cue and a batch, recall, auto/hetero association, len,
ReadInfo, the meaning of ``steps``, the convergence warning, save -> load -> same answers, an empty
memory, and clear errors for patterns of the wrong form.
"""

import warnings

import numpy as np
import pytest

import kanerva as kv
from kanerva.io import ModelFileError
from kanerva.memory import (AssociativeMemory, CleanupMemory, DenseAssociativeMemory, FastWeights, Hopfield,
                            ModernHopfield, NotConvergedWarning, ReadInfo, SparseDistributedMemory)

FORMS = {
    "bsc": kv.BSC(128, seed=5),
    "map": kv.MAP(128, seed=5),
    "hrr": kv.HRR(256, seed=5),
    "fhrr": kv.FHRR(128, seed=5),
    "mbat": kv.MBAT(256, seed=5),
    "vtb": kv.VTB(256, seed=5),
    "sbc": kv.SBC(256, seed=5),
    "int": 128,
}
BINARY, ANY_SPACE = ("bsc", "map", "int"), ("bsc", "map", "hrr", "fhrr", "mbat", "vtb", "sbc")

MEMORIES = {  # name: (factory, forms it takes)
    "hopfield-hebb": (lambda s: Hopfield(s, rule="hebb"), BINARY),
    "hopfield-storkey": (lambda s: Hopfield(s, rule="storkey"), BINARY),
    "hopfield-pinv": (lambda s: Hopfield(s, rule="pinv"), BINARY),
    "dam-poly": (lambda s: DenseAssociativeMemory(s, n=3), BINARY),
    "dam-exp": (lambda s: DenseAssociativeMemory(s, interaction="exp"), BINARY),
    "modern": (lambda s: ModernHopfield(s, beta=0.1), ANY_SPACE + ("int",)),
    "sdm": (lambda s: SparseDistributedMemory(s, locations=2_000, activation=0.05), BINARY),
    "fastweights": (lambda s: FastWeights(s), ANY_SPACE + ("int",)),
    "cleanup": (lambda s: CleanupMemory(s), ANY_SPACE),
    "cleanup-beta": (lambda s: CleanupMemory(s, beta=20.0), ANY_SPACE),
}


def MEMORIES_SETTLE(name):
    """Memories whose steps=None runs dynamics that must settle (the others read directly)."""
    return name not in ("cleanup", "fastweights")


CASES = [(m, f) for m, (_, forms) in MEMORIES.items() for f in forms]
ID = [f"{m}-{f}" for m, f in CASES]


def make(name, form):
    return MEMORIES[name][0](FORMS[form])


def patterns(mem, n, seed=0):
    """n random patterns in the memory's form (plain arrays: +-1, as floats for real memories)."""
    if mem.space is not None:
        return mem.space.random(key=[f"p{seed}/{i}" for i in range(n)])
    x = np.random.default_rng(seed).choice(np.array([-1, 1], dtype=np.int8), size=(n, mem.dim))
    return x if mem.pattern_kind == "binary" else x.astype(np.float64)


def corrupt(mem, x, seed=1):
    """Cues that are ``x`` damaged: 10% of the bits flipped (binary forms), or a third of a random
    vector bundled in (HRR, FHRR)."""
    rng = np.random.default_rng(seed)
    s = mem.space
    if isinstance(s, kv.SBC):  # a fifth of the blocks point at another unit
        return np.where(rng.random(x.shape) < 0.2, s.random(len(x)), x).astype(x.dtype)
    if s is not None and s.packed_space() is None:
        noise = s.random(len(x))
        return s.normalize(s.accumulate(np.stack([x, noise], axis=1), weights=[1.0, 0.5]))
    flips = rng.random((len(x), mem.dim)) < 0.1
    if isinstance(s, kv.BSC):
        return s.bind(x, s.from_bits(flips))
    return np.where(flips, -x, x).astype(x.dtype)


def nearest(mem, out, stored):
    """Index of the stored pattern each output is most similar to."""
    if mem.space is not None:
        return np.argmax(np.asarray(mem.space.similarity(out, stored)).reshape(len(out), -1), axis=1)
    a, b = np.asarray(out, float), np.asarray(stored, float)
    return np.argmax((a / np.linalg.norm(a, axis=1, keepdims=True)) @ b.T, axis=1)


def shape_of(mem):
    return tuple(mem.space.shape) if mem.space is not None else (mem.dim,)


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_is_a_memory_and_recalls_from_noisy_cues(name, form):
    mem = make(name, form)
    assert isinstance(mem, AssociativeMemory)
    stored = patterns(mem, 6)
    mem.write(stored)
    out = mem.read(corrupt(mem, stored))
    assert out.shape == (6,) + shape_of(mem)
    if mem.space is not None:
        assert out.dtype == mem.space.dtype
        mem.space.check(out)  # a valid vector of the space
    elif mem.pattern_kind == "binary":
        assert out.dtype == np.int8
    assert (nearest(mem, out, stored) == np.arange(6)).all()


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_one_cue_and_a_batch(name, form):
    mem = make(name, form)
    stored = patterns(mem, 5)
    mem.write(stored)
    cues = corrupt(mem, stored)
    batch, info = mem.read(cues, return_info=True)
    one, one_info = mem.read(cues[2], return_info=True)
    assert one.shape == shape_of(mem)
    if one.dtype == np.float64:  # plain real rows and MBAT's float64 matrices: BLAS may round a batch differently
        np.testing.assert_allclose(one, batch[2], rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_array_equal(one, batch[2])
    assert isinstance(info, ReadInfo) and info.converged.shape == info.steps.shape == (5,)
    assert info.converged.dtype == bool and info.steps.dtype.kind == "i"
    assert one_info.converged.shape == (1,)


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_len_counts_every_write(name, form):
    mem = make(name, form)
    assert len(mem) == 0
    stored = patterns(mem, 7)
    mem.write(stored[:4])
    mem.write(stored[4])  # one pattern
    mem.write(stored[5:])
    assert len(mem) == 7


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_hetero_association_or_a_clear_refusal(name, form):
    mem = make(name, form)
    keys = patterns(mem, 5, seed=2)
    if not mem.hetero:
        with pytest.raises(ValueError, match="auto-associative"):
            mem.write(keys, patterns(mem, 5, seed=3))
        return
    values = patterns(mem, 5, seed=3)
    if isinstance(mem, ModernHopfield):  # values are real arrays of any width
        values = np.random.default_rng(3).standard_normal((5, 3))
    mem.write(keys, values)
    out, info = mem.read(keys, return_info=True)
    assert info.all_converged
    if isinstance(mem, ModernHopfield):
        assert out.shape == (5, 3)
        assert np.abs(out - values).max() < 0.05
    else:
        assert out.shape == (5,) + shape_of(mem)
        assert (nearest(mem, out, values) == np.arange(5)).all()
    with pytest.raises(ValueError, match="key -> value"):
        mem.write(keys)  # the first write fixed the mode
    with pytest.raises(ValueError, match="one lookup"):
        mem.read(keys, steps=3)


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_auto_memory_refuses_values_later(name, form):
    mem = make(name, form)
    mem.write(patterns(mem, 3))
    with pytest.raises(ValueError, match="auto-associative"):
        mem.write(patterns(mem, 3), patterns(mem, 3, seed=4))


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_steps_has_one_meaning(name, form):
    mem = make(name, form)
    stored = patterns(mem, 5)
    mem.write(stored)
    cues = corrupt(mem, stored)
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="steps"):
            mem.read(cues, steps=bad)
    if mem.direct_read:
        out, info = mem.read(cues, steps=0, return_info=True)
        assert (info.steps == 0).all() and out.shape == (5,) + shape_of(mem)
    else:
        with pytest.raises(ValueError, match="no direct read"):
            mem.read(cues, steps=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NotConvergedWarning)  # an explicit n never warns
        _, info = mem.read(cues, steps=1, return_info=True)
    assert (info.steps <= 1).all()
    settled, info = mem.read(cues, return_info=True)  # None: to a fixed point, or the direct read
    assert info.all_converged and (info.steps <= mem.max_steps).all()
    if not mem.settles:
        np.testing.assert_array_equal(settled, mem.read(cues, steps=0))
        return
    again, _ = mem.read(settled, steps=1, return_info=True)
    if mem.pattern_kind == "binary" or isinstance(mem, CleanupMemory):
        np.testing.assert_array_equal(again, settled)  # a fixed point stays put


@pytest.mark.parametrize("name,form", [c for c in CASES if MEMORIES_SETTLE(c[0])],
                         ids=[i for c, i in zip(CASES, ID) if MEMORIES_SETTLE(c[0])])
def test_step_limit_reached_warns(name, form):
    mem = make(name, form)
    stored = patterns(mem, 5)
    mem.write(stored)
    mem.max_steps = 1  # one update from a damaged cue moves it: not yet a fixed point
    with pytest.warns(NotConvergedWarning, match="did not reach a fixed point within 1 steps"):
        _, info = mem.read(corrupt(mem, stored), return_info=True)
    assert not info.all_converged


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_save_load_gives_the_same_answers(name, form, tmp_path):
    mem = make(name, form)
    stored = patterns(mem, 6)
    if mem.hetero and not isinstance(mem, ModernHopfield):
        mem.write(stored[:3], stored[3:])
    else:
        mem.write(stored)
    path = tmp_path / "m.kanerva"
    mem.save(path)
    back = type(mem).load(path)
    assert type(back) is type(mem) and len(back) == len(mem) and repr(back) == repr(mem)
    cues = corrupt(mem, stored)
    np.testing.assert_array_equal(back.read(cues), mem.read(cues))
    (tmp_path / "cut").write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ModelFileError):
        type(mem).load(tmp_path / "cut")


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_empty_memory_says_so(name, form, tmp_path):
    mem = make(name, form)
    with pytest.raises(ValueError, match="empty"):
        mem.read(patterns(mem, 1)[0])
    mem.save(tmp_path / "empty")
    back = type(mem).load(tmp_path / "empty")
    assert len(back) == 0
    with pytest.raises(ValueError, match="empty"):
        back.read(patterns(mem, 1)[0])


@pytest.mark.parametrize("name,form", CASES, ids=ID)
def test_patterns_of_another_form_are_refused_by_name(name, form):
    mem = make(name, form)
    mem.write(patterns(mem, 3))
    other = kv.MAP(64, seed=5).random(2) if form != "map" else kv.BSC(128, seed=5).random(2)
    with pytest.raises((TypeError, ValueError), match=type(mem).__name__):
        mem.read(other)
    with pytest.raises((TypeError, ValueError), match=type(mem).__name__):
        mem.write(other)


@pytest.mark.parametrize("name", sorted(MEMORIES))
def test_forms_a_memory_does_not_take_are_refused(name):
    factory, forms = MEMORIES[name]
    for form, spec in FORMS.items():
        if form not in forms:
            with pytest.raises(TypeError, match="BSC|Space"):
                factory(spec)
    with pytest.raises(TypeError, match="Space or an int dim|kv Space"):
        factory("128")


def test_files_of_another_memory_are_refused(tmp_path):
    fw = FastWeights(8)
    fw.write(np.ones((1, 8)))
    fw.save(tmp_path / "fw")
    with pytest.raises(ModelFileError, match="expected"):
        Hopfield.load(tmp_path / "fw")
