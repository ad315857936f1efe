import numpy as np
import pytest

import kanerva as kv
from kanerva.memory import CleanupMemory


@pytest.mark.parametrize("model", sorted(kv.MODELS))
def test_cleans_up_a_bound_query(model):
    s = kv.MODELS[model](kv.MODELS[model].round_dim(2_000), seed=1)
    cb = kv.Codebook(s, ["name", "money", "usa", "mexico", "dollar", "peso"])
    mem = CleanupMemory.from_codebook(cb)
    us = s.bundle(np.stack([s.bind(cb["name"], cb["usa"]), s.bind(cb["money"], cb["dollar"]), cb["peso"]]))
    answer = s.bind(s.inverse(cb["money"]), us)  # MONEY is the left factor (matters for MBAT, VTB)
    assert mem.symbols(mem.read(answer)) == "dollar"
    np.testing.assert_array_equal(mem.read(answer), cb["dollar"])


def test_iteration_settles_on_the_dominant_item():
    s = kv.MAP(1_000, seed=0)
    cb = kv.Codebook(s, list("abcdefgh"))
    mem = CleanupMemory.from_codebook(cb, beta=20.0)
    x = s.bundle(cb.encode(["a", "a", "b", "c"]))
    out, info = mem.read(np.stack([x, cb["d"]]), steps=10, return_info=True)
    assert mem.symbols(out) == ["a", "d"]
    assert info.all_converged


def test_unlabelled_items_and_labels_survive_a_file(tmp_path):
    s = kv.FHRR(256, seed=2)
    mem = CleanupMemory.from_codebook(kv.Codebook(s, ["x", 7]))
    mem.write(s.random(key="anonymous"))
    assert mem.labels_ == ["x", 7, None]
    mem.save(tmp_path / "c")
    back = CleanupMemory.load(tmp_path / "c")
    assert back.labels_ == ["x", 7, None]
    assert back.symbols(s.random(key=[7, "anonymous"])) == [7, None]


def test_bad_input():
    with pytest.raises(TypeError, match="Space"):
        CleanupMemory(["a"])
    with pytest.raises(TypeError, match="Codebook"):
        CleanupMemory.from_codebook(kv.BSC(64))
    mem = CleanupMemory.from_codebook(kv.Codebook(kv.BSC(64), ["a"]))
    with pytest.raises(ValueError, match="another dimension"):
        mem.read(kv.BSC(128).random())
    with pytest.raises(ValueError, match="auto-associative"):
        mem.write(kv.BSC(64).random(), kv.BSC(64).random())
    with pytest.raises(ValueError, match="beta"):
        CleanupMemory(kv.BSC(64), beta=-1)
