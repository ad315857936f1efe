import numpy as np
import pytest

from kanerva.memory import FastWeights, retrieval_demo


def test_retrieves_values_of_recent_keys():
    _, _, _, acc = retrieval_demo(pairs=30, dim=256, seed=0)
    assert acc >= 0.95


def test_decay_forgets_the_oldest_pairs():
    fw, keys, values, _ = retrieval_demo(pairs=200, dim=128, decay=0.9, seed=1)
    answers = np.argmax(fw.read(keys) @ values.T, axis=1) == np.arange(200)
    assert answers[-20:].mean() > 0.9 > answers[:20].mean()


def test_batch_write_equals_sequential_rule():
    rng = np.random.default_rng(0)
    h = rng.standard_normal((5, 6))
    fw = FastWeights(6, decay=0.9, rate=0.3)
    fw.write(h)
    a = np.zeros((6, 6))
    for x in h:
        a = 0.9 * a + 0.3 * np.outer(x, x)
    np.testing.assert_allclose(fw.A_, a)


def test_inner_loop_cleans_up_a_noisy_pattern():
    rng = np.random.default_rng(2)
    patterns = rng.choice([-1.0, 1.0], size=(3, 100))
    fw = FastWeights(100, decay=0.95, rate=0.5)
    fw.write(patterns)  # +-1 hidden states, as tanh units near saturation
    cue = patterns[0].copy()
    cue[:25] *= -1  # 25% wrong
    settled = fw.read(cue * 0.3, steps=5)
    assert np.mean(np.sign(settled) == patterns[0]) > 0.95
    assert np.mean(np.sign(cue) == patterns[0]) == 0.75


def test_bad_input():
    with pytest.raises(ValueError, match="decay"):
        FastWeights(4, decay=1.5)
    fw = FastWeights(4)
    with pytest.raises(ValueError, match="empty"):
        fw.read(np.ones(4))
    with pytest.raises(ValueError, match="2 keys but 3 values"):
        fw.write(np.ones((2, 4)), np.ones((3, 4)))
    fw.write(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        fw.read(np.ones(5))
    with pytest.raises(ValueError, match="steps"):
        fw.read(np.ones(4), steps=-1)
