"""Resonator networks factorize bound products in every model (small problems, seconds)."""

import numpy as np
import pytest

import kanerva as kv
from kanerva.structures import Resonator


def problem(model, dim, sizes, n, seed=0):
    s = kv.MODELS[model](dim, seed=seed)
    cbs = [kv.Codebook(s, [f"{f}{i}" for i in range(m)]) for f, m in zip("xyzw", sizes)]
    idx = np.random.default_rng(seed).integers(0, sizes, size=(n, len(sizes)))
    comp = cbs[0].vectors[idx[:, 0]]
    for f in range(1, len(sizes)):
        comp = s.bind(comp, cbs[f].vectors[idx[:, f]])
    return s, cbs, idx, comp


@pytest.mark.parametrize("model", ["bsc", "map", "fhrr"])
@pytest.mark.parametrize("weights", ["outer", "ols"])
def test_converges_to_the_factors(model, weights):
    s, cbs, idx, comp = problem(model, 1024, (15, 15, 15), 40)   # M = 3,375 at D = 1,024
    got, info = Resonator(cbs, weights=weights).factor_indices(comp)
    assert (got == idx).all()
    assert info.all_converged and info.steps.max() < 30
    np.testing.assert_allclose(info.similarity, 1.0, atol=1e-5)


def test_hrr_needs_more_dimensions_but_works():
    s, cbs, idx, comp = problem("hrr", 2048, (8, 8, 8), 20)
    got, info = Resonator(cbs).factor_indices(comp)
    assert (got == idx).all(1).mean() >= 0.95


def test_search_space_far_beyond_what_one_pass_decodes():
    # M = 40^3 = 64,000 combinations at D = 1,000: a single unbind-and-cleanup pass from the
    # superposition (the first step) gets few right; the iterated network gets nearly all
    s, cbs, idx, comp = problem("map", 1000, (40, 40, 40), 60, seed=1)
    one, _ = Resonator(cbs).factor_indices(comp, steps=1)
    got, info = Resonator(cbs).factor_indices(comp)
    assert (one == idx).all(1).mean() < 0.5
    assert (got == idx).all(1).mean() >= 0.95


def test_symbols_single_and_batch():
    s, cbs, idx, comp = problem("map", 512, (5, 6), 3)
    net = Resonator(cbs)
    assert net.search_space == 30
    assert net.factorize(comp[0]) == (f"x{idx[0, 0]}", f"y{idx[0, 1]}")
    answers, info = net.factorize(comp, return_info=True)
    assert answers == [(f"x{i}", f"y{j}") for i, j in idx] and info.converged.shape == (3,)


def test_bad_input():
    s = kv.MAP(256, seed=0)
    cb = kv.Codebook(s, ["a", "b"])
    with pytest.raises(ValueError, match="at least 2"):
        Resonator([cb])
    with pytest.raises(ValueError, match="different spaces"):
        Resonator([cb, kv.Codebook(kv.BSC(256), ["c"])])
    with pytest.raises(TypeError, match="Codebook"):
        Resonator([cb, s.random(3)])
    with pytest.raises(ValueError, match="weights"):
        Resonator([cb, cb], weights="lsq")
    net = Resonator([cb, cb])
    with pytest.raises(TypeError, match="dtype"):
        net.factorize(kv.HRR(256).random())
    with pytest.raises(ValueError, match="shape"):
        net.factorize(kv.MAP(128).random())
    with pytest.raises(ValueError, match="steps"):
        net.factorize(s.random(), steps=0)
