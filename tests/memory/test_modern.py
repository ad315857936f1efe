import numpy as np
import pytest
from sklearn.datasets import load_digits

from kanerva.memory import ModernHopfield, NotConvergedWarning, attention


def digits_patterns():
    x = load_digits().data.astype(np.float64)
    x -= x.mean(axis=1, keepdims=True)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_retrieves_digits_from_partial_cues():
    patterns = digits_patterns()[:500]
    rng = np.random.default_rng(0)
    mask = rng.random(patterns.shape) >= 0.25  # 25% of the pixels removed
    mem = ModernHopfield(64, beta=100.0)
    mem.write(patterns)
    out = mem.read(patterns * mask, steps=1)
    hits = np.argmax(out @ patterns.T, axis=1) == np.arange(len(patterns))
    assert hits.mean() > 0.9
    # a low beta gives a metastable average instead of the stored image
    blurred = ModernHopfield(64, beta=1.0)
    blurred.write(patterns)
    blurred_hits = np.argmax(blurred.read(patterns * mask, steps=1) @ patterns.T, axis=1) == np.arange(len(patterns))
    assert blurred_hits.mean() < 0.1


def test_read_is_attention():
    rng = np.random.default_rng(1)
    k, v, q = rng.standard_normal((20, 8)), rng.standard_normal((20, 3)), rng.standard_normal((5, 8))
    mem = ModernHopfield(8, beta=1 / np.sqrt(8))
    mem.write(k, v)
    np.testing.assert_allclose(mem.read(q), attention(q, k, v))
    scores = np.exp(q @ k.T / np.sqrt(8))
    np.testing.assert_allclose(attention(q, k, v), (scores / scores.sum(1, keepdims=True)) @ v)


def test_huge_beta_does_not_overflow():
    mem = ModernHopfield(4, beta=1e6)
    mem.write(np.eye(4))
    assert np.isfinite(mem.read(np.array([0.9, 0.1, 0, 0]))).all()


def test_iterative_read_reports_limit():
    mem = ModernHopfield(16, beta=0.5)
    mem.write(np.random.default_rng(2).standard_normal((10, 16)))
    mem.max_steps = 1
    with pytest.warns(NotConvergedWarning):
        _, info = mem.read(np.ones(16), tol=0.0, return_info=True)
    assert not info.all_converged


def test_iterating_lowers_the_energy_to_a_fixed_point():
    # E = -lse(beta, X^T xi) + 1/2 xi^T xi decreases under the update (Ramsauer et al., Theorem 1)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((30, 16))
    mem = ModernHopfield(16, beta=0.3)
    mem.write(x)

    def energy(xi):
        s = 0.3 * (xi @ x.T)
        top = s.max(axis=1, keepdims=True)
        return -(top[:, 0] + np.log(np.exp(s - top).sum(axis=1))) / 0.3 + 0.5 * (xi**2).sum(axis=1)

    cues = rng.standard_normal((5, 16))
    one, settled = mem.read(cues, steps=1), mem.read(cues)
    assert (energy(settled) <= energy(one) + 1e-9).all() and (energy(one) <= energy(cues) + 1e-9).all()
    np.testing.assert_allclose(mem.read(settled, steps=1), settled, atol=1e-5)


def test_bad_input():
    mem = ModernHopfield(3)
    with pytest.raises(ValueError, match="empty"):
        mem.read(np.ones(3))
    mem.write(np.eye(3))
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        mem.read(np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        mem.read(np.array([np.nan, 0, 0]))
    with pytest.raises(ValueError, match="auto-associative"):
        mem.write(np.eye(3), np.eye(3))
    hetero = ModernHopfield(3)
    with pytest.raises(ValueError, match="3 keys but 2 values"):
        hetero.write(np.eye(3), np.ones((2, 5)))
    with pytest.raises(ValueError, match="beta"):
        ModernHopfield(3, beta=-1.0)


def test_float32_patterns_stay_float32():
    mem = ModernHopfield(4, beta=2.0)
    mem.write(np.eye(4, dtype=np.float32))
    assert mem.read(np.ones(4)).dtype == np.float32
    mem64 = ModernHopfield(4)
    mem64.write(np.eye(4, dtype=int))
    assert mem64.read(np.ones(4, dtype=np.float32)).dtype == np.float64
