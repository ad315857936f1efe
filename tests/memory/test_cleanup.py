import numpy as np
import pytest

import kanerva as kv
from kanerva.memory import CleanupMemory


@pytest.mark.parametrize("model", ["bsc", "map", "hrr", "fhrr"])
def test_cleans_up_a_bound_query(model):
    s = kv.MODELS[model](2_000, seed=1)
    cb = kv.Codebook(s, ["name", "money", "usa", "mexico", "dollar", "peso"])
    mem = CleanupMemory(cb)
    us = s.bundle(np.stack([s.bind(cb["name"], cb["usa"]), s.bind(cb["money"], cb["dollar"]), cb["peso"]]))
    answer = s.unbind(us, cb["money"])
    assert mem.symbols(mem.read(answer)) == "dollar"


def test_iteration_settles_on_the_dominant_item():
    s = kv.MAP(1_000, seed=0)
    cb = kv.Codebook(s, list("abcdefgh"))
    mem = CleanupMemory(cb, beta=20.0)
    x = s.bundle(cb.encode(["a", "a", "b", "c"]))
    out, info = mem.read(np.stack([x, cb["d"]]), steps=10, return_info=True)
    assert mem.symbols(out) == ["a", "d"]
    assert info.all_converged


def test_bad_input():
    with pytest.raises(TypeError, match="Codebook"):
        CleanupMemory(["a"])
    mem = CleanupMemory(kv.Codebook(kv.BSC(64), ["a"]))
    with pytest.raises(ValueError, match="another dimension"):
        mem.read(kv.BSC(128).random())
    with pytest.raises(ValueError, match="symbols only"):
        mem.write(["b"], ["c"])
