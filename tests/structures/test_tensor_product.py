"""Tensor product representations: exact unbinding with independent roles, cross-talk without."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kanerva as kv
from kanerva.structures import TensorProduct, UnknownSymbolError
from kanerva.structures.tensor_product import dual_basis, tensor_bind

FILLERS = [f"f{i}" for i in range(50)]


def codebooks(model, n_roles, role_dim=24):
    cls = kv.MODELS[model]  # MBAT, VTB: 25 = 5^2 dimensions; SBC: two blocks of 16
    fillers = kv.Codebook(cls(cls.round_dim(128), seed=3), FILLERS)
    roles = kv.Codebook(cls(cls.round_dim(role_dim), seed=4), [f"r{i}" for i in range(n_roles)])
    return fillers, roles


@given(st.sampled_from(sorted(kv.MODELS)), st.integers(1, 18), st.integers(0, 2**31))
def test_unbinding_is_exact_with_independent_roles(model, n_roles, seed):
    fillers, roles = codebooks(model, n_roles)  # random roles, n <= 18 in 24-32 dimensions: independent
    tpr = TensorProduct(fillers, roles)
    assert tpr.exact
    rng = np.random.default_rng(seed)
    chosen = rng.integers(0, len(FILLERS), size=n_roles)
    pairs = {f"r{i}": FILLERS[j] for i, j in enumerate(chosen)}
    t = tpr.encode(pairs)
    for i, j in enumerate(chosen):
        # the filler comes back exactly: no cross-talk from the other n - 1 pairs
        np.testing.assert_allclose(tpr.unbind(t, f"r{i}"), tpr.filler_features[j], atol=1e-6 * n_roles)
    assert tpr.decode(t) == pairs


def test_more_roles_than_dimensions_is_approximate():
    fillers, roles = codebooks("hrr", 60, role_dim=16)
    tpr = TensorProduct(fillers, roles)
    assert not tpr.exact
    pairs = [(f"r{i}", FILLERS[i % 50]) for i in range(60)]
    t = tpr.encode(pairs)
    errors = [np.linalg.norm(tpr.unbind(t, r) - tpr.filler_features[fillers.index(f)]) for r, f in pairs]
    assert min(errors) > 1e-3  # cross-talk: no filler comes back exactly
    small = TensorProduct(fillers, kv.Codebook(kv.HRR(16, seed=4), [f"r{i}" for i in range(4)]))
    few = small.encode([(f"r{i}", FILLERS[i]) for i in range(4)])
    assert all(np.allclose(small.unbind(few, f"r{i}"), small.filler_features[i], atol=1e-5) for i in range(4))


def test_dual_basis_inverts_non_orthogonal_roles():
    rng = np.random.default_rng(0)
    roles = rng.normal(size=(5, 7)) + 3.0  # correlated, still independent
    u, exact = dual_basis(roles)
    assert exact
    np.testing.assert_allclose(roles @ u.T, np.eye(5), atol=1e-9)
    assert not dual_basis(np.vstack([roles, roles[:1] + roles[1:2]]))[1]


def test_binding_raises_the_order_and_nested_structures_unbind():
    fillers, roles = codebooks("map", 2)
    tpr = TensorProduct(fillers, roles)
    inner = tpr.encode({"r0": "f1", "r1": "f2"})
    outer = tpr.encode([("r0", inner), ("r1", tpr.encode({"r0": "f3", "r1": "f4"}))])
    assert inner.shape == (128, 24) and outer.shape == (128, 24, 24)
    assert tpr.read(tpr.unbind(outer, "r1"), "r0") == "f3"
    assert tpr.read(tpr.unbind(outer, "r0"), "r1") == "f2"
    assert tensor_bind(np.ones((2, 3, 4)), np.ones(5)).shape == (2, 3, 4, 5)


def test_bad_input():
    fillers, roles = codebooks("hrr", 3)
    tpr = TensorProduct(fillers, roles)
    t = tpr.encode({"r0": "f0"})
    with pytest.raises(UnknownSymbolError, match="role 'nope'"):
        tpr.read(t, "nope")
    with pytest.raises(UnknownSymbolError, match="filler 'zz'"):
        tpr.bind("zz", "r0")
    with pytest.raises(ValueError, match="shape"):
        tpr.unbind(np.zeros((5, 24)), "r0")
    bad = t.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        tpr.read(bad, "r0")
    with pytest.raises(TypeError, match="dtype int8"):  # a MAP vector is not an HRR filler
        tpr.bind(kv.MAP(128).random(), "r0")
    with pytest.raises(ValueError, match="not a filler"):
        tpr.read(tpr.encode([("r0", t)]), "r0")
    with pytest.raises(ValueError, match="at least one"):
        tpr.encode({})
    with pytest.raises(TypeError, match="Codebook"):
        TensorProduct(fillers, np.eye(3))
    with pytest.raises(ValueError, match="order"):
        tpr.encode([("r0", "f1"), ("r1", t)])
