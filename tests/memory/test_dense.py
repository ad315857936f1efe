import warnings

import numpy as np
import pytest

from kanerva.memory import DenseAssociativeMemory, Hopfield


def random_patterns(p, n, seed=0):
    return np.random.default_rng(seed).choice(np.array([-1, 1], dtype=np.int8), size=(p, n))


def test_n3_stores_more_than_hebb_at_equal_n():
    n = 64
    patterns = random_patterns(60, n)  # alpha ~ 0.94: hopeless for Hebb
    hebb = Hopfield(n)
    hebb.write(patterns)
    dam = DenseAssociativeMemory(n, n=3)
    dam.write(patterns)
    assert hebb.stable(patterns).mean() < 0.1
    assert dam.stable(patterns).mean() > 0.95


def test_n2_is_the_hebbian_hopfield_network():
    patterns = random_patterns(15, 80)
    cues = random_patterns(40, 80, seed=4)
    hebb, dam = Hopfield(80), DenseAssociativeMemory(80, n=2)
    hebb.write(patterns)
    dam.write(patterns)
    np.testing.assert_array_equal(hebb.stable(cues), dam.stable(cues))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one step is not a fixed point: reported, expected here
        np.testing.assert_array_equal(hebb.read(cues, steps=1), dam.read(cues, steps=1))


def test_exponential_form_stores_many_more_patterns_than_units():
    n = 32
    patterns = random_patterns(320, n)  # P = 10 N
    dam = DenseAssociativeMemory(n, interaction="exp")
    dam.write(patterns)
    assert dam.stable(patterns).mean() > 0.95
    cues = patterns.copy()
    cues[:, :3] *= -1
    assert (dam.read(cues, mode="async") == patterns).all(axis=1).mean() > 0.9


def test_exponential_form_is_stable_for_large_overlaps():
    # overlaps of 2,000 would overflow exp(); the shifted log-sum-exp does not
    n = 2000
    patterns = random_patterns(5, n)
    dam = DenseAssociativeMemory(n, interaction="exp")
    dam.write(patterns)
    cues = patterns.copy()
    cues[:, :300] *= -1
    assert (dam.read(cues) == patterns).all()
    assert np.isfinite(dam.energy(patterns)).all()


def test_bad_input():
    with pytest.raises(ValueError, match="interaction"):
        DenseAssociativeMemory(8, interaction="cubic")
    with pytest.raises(ValueError, match="n must be"):
        DenseAssociativeMemory(8, n=1)
    dam = DenseAssociativeMemory(8)
    with pytest.raises(ValueError, match="empty"):
        dam.read(np.ones(8))
    with pytest.raises(ValueError, match=r"\+1/-1"):
        dam.write(np.array([[0, 1] * 4]))
    dam.write(np.ones(8))
    with pytest.raises(ValueError, match=r"shape \(n, 8\)"):
        dam.read(np.ones((2, 6)))
