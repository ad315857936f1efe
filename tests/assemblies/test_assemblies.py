"""Assembly calculus at small n: the k-cap, convergence of projection, completion, association,
merge, reciprocal projection; exact sampling of the never-fired neurons; bad input."""

import copy

import numpy as np
import pytest

from kanerva.assemblies import Brain, associate, complete, merge, overlap, project, reciprocal_project
from kanerva.assemblies._synapses import Synapses, bernoulli_rows
from kanerva.assemblies.brain import k_cap


def brain_with(areas="A", n=2_000, k=50, p=0.05, beta=0.1, seed=0, stimuli="s"):
    brain = Brain(p=p, seed=seed)
    for s in stimuli:
        brain.add_stimulus(s, k)
    for a in areas:
        brain.add_area(a, n, k, beta)
    return brain


def dense_projection(n, k, p, beta, rounds, seed):
    """The model written out with every synapse up front (the test's own reference)."""
    rng = np.random.default_rng(seed)
    w = (rng.random((n, n)) < p).astype(np.float64)
    np.fill_diagonal(w, 0.0)
    stim = rng.binomial(k, p, size=n).astype(np.float64)
    fired = np.zeros(n, dtype=bool)
    winners = np.zeros(0, dtype=np.int64)
    for t in range(rounds):
        total = stim + (w[winners].sum(axis=0) if t else 0.0)
        new = k_cap(total, k, rng)
        stim[new] *= 1 + beta
        if t:
            w[np.ix_(winners, new)] *= 1 + beta
        winners = new
        fired[new] = True
    return int(fired.sum())


def test_projection_converges_and_fires_exactly_k():
    brain = brain_with()
    brain.fire({"A": ["s"]})
    for _ in range(24):
        brain.fire({"A": ["s", "A"]})
        assert len(brain.area("A").winners) == 50 and len(np.unique(brain.area("A").winners)) == 50
    history = brain.area("A").support_history
    assert history[-1] == history[-10]          # the support has stopped growing
    assert 50 < history[-1] < 5 * 50            # a few k, far below n


@pytest.mark.parametrize("beta", [0.1, 0.01])
def test_synapses_drawn_on_first_firing_simulate_the_dense_model(beta):
    ours, dense = [], []
    for seed in range(6):
        brain = brain_with(n=1_500, k=40, beta=beta, seed=seed)
        project(brain, "s", "A", rounds=20)
        ours.append(brain.area("A").support)
        dense.append(dense_projection(1_500, 40, 0.05, beta, 20, seed + 100))
    spread = np.std(dense) + np.std(ours) + 1
    assert abs(np.mean(ours) - np.mean(dense)) < 2 * spread, (ours, dense)


def test_less_plasticity_means_more_support():
    final = []
    for beta in (0.2, 0.01):
        brain = brain_with(n=20_000, k=100, p=0.02, beta=beta)
        project(brain, "s", "A", rounds=25)
        final.append(brain.area("A").support)
    assert final[1] > 1.5 * final[0]


def test_pattern_completion_from_a_fraction():
    brain = brain_with(beta=0.1)
    project(brain, "s", "A", rounds=20)
    weights = brain._synapses["A", "A"].weights.copy()
    _, recovered = complete(copy.deepcopy(brain), "A", 0.4, rounds=5, rng=0)
    assert recovered > 0.85
    assert np.array_equal(brain._synapses["A", "A"].weights, weights)   # completion leaves the synapses alone


def test_association_raises_the_overlap():
    brain = brain_with(areas="ABC", stimuli=["sA", "sB"])
    project(brain, "sA", "A", 10)
    project(brain, "sB", "B", 10)
    for name in "AB":
        brain.fire({"C": [name]})
        for _ in range(9):
            brain.fire({name: ["s" + name, name], "C": [name, "C"]})

    def alone(name):
        b = copy.deepcopy(brain)
        b.fire({name: ["s" + name]}, plasticity=False)
        b.fire({"C": [name]}, plasticity=False)
        return b.area("C").winners

    before = overlap(alone("A"), alone("B"))
    associate(brain, ("sA", "A"), ("sB", "B"), "C", rounds=10)
    after = overlap(alone("A"), alone("B"))
    assert after >= before + 5, (before, after)


def test_merge_wires_both_ways():
    brain = brain_with(areas="ABC", stimuli=["sA", "sB"])
    merged = merge(brain, ("sA", "A"), ("sB", "B"), "C", rounds=30)
    x = brain.area("A").winners.copy()
    b = copy.deepcopy(brain)
    b.fire({"C": ["A"]}, plasticity=False)           # A alone recalls much of the merged assembly
    assert overlap(b.area("C").winners, merged) > 25
    brain.fire({"A": ["C"]}, plasticity=False)       # and the merged assembly recalls A's
    assert overlap(brain.area("A").winners, x) > 40


def test_reciprocal_projection_recalls_the_source():
    brain = brain_with(areas="AB")
    project(brain, "s", "A", rounds=10)
    reciprocal_project(brain, "s", "A", "B", rounds=30)
    x = brain.area("A").winners.copy()
    brain.fire({"A": ["B"]}, plasticity=False)
    assert overlap(brain.area("A").winners, x) > 40


def test_synapses_rows_and_hebbian_updates():
    rng = np.random.default_rng(0)
    rows = bernoulli_rows(400, 5_000, 0.02, rng, exclude=np.arange(400))
    assert abs(np.mean([len(r) for r in rows]) - 100) < 3
    assert all(i not in r for i, r in enumerate(rows))   # no autapses
    syn = Synapses(5_000, 5_000)
    syn.add(np.arange(400), rows)
    fired = np.array([3, 7])
    before = syn.input(fired)
    expected = np.zeros(5_000)
    for i in fired:
        expected[rows[i]] += 1
    np.testing.assert_array_equal(before, expected)
    target = rows[3][0]
    syn.strengthen(fired, np.array([target]), 1.5)
    assert syn.weight(3, target) == 1.5 and syn.weight(3, rows[3][1]) == 1.0 and syn.weight(999, 0) == 0.0


def test_k_cap_breaks_ties_at_random_or_for_the_preferred():
    rng = np.random.default_rng(0)
    picks = {int(k_cap(np.array([1.0, 1.0, 1.0, 0.0]), 1, rng)[0]) for _ in range(300)}
    assert picks == {0, 1, 2}
    prefer = np.array([False, True, False])
    assert all(k_cap(np.array([1.0, 1.0, 1.0]), 1, rng, prefer=prefer)[0] == 1 for _ in range(20))
    assert len(k_cap(np.arange(5.0), 5, rng)) == 5


def test_bad_input():
    with pytest.raises(ValueError, match="cannot exceed"):
        Brain().add_area("A", n=10, k=11)                    # k larger than n
    with pytest.raises(ValueError, match="probability"):
        Brain(p=1.5)
    with pytest.raises(ValueError, match="ties"):
        Brain(ties="first")
    brain = brain_with(areas="AB")
    with pytest.raises(ValueError, match="no assembly"):
        brain.fire({"A": ["B"]})
    with pytest.raises(KeyError, match="'Z'"):
        brain.fire({"Z": ["s"]})
    with pytest.raises(KeyError, match="'t'"):
        brain.fire({"A": ["t"]})
    with pytest.raises(ValueError, match="already taken"):
        brain.add_area("s", 10, 2)
    with pytest.raises(ValueError, match="fraction"):
        complete(brain, "A", 1.5)
    with pytest.raises(ValueError, match="beta"):
        brain.add_area("C", 100, 10, beta=float("nan"))
    with pytest.raises(ValueError, match="non-empty"):
        brain.fire({"A": []})
    brain.fire({"A": ["s"]})
    with pytest.raises(ValueError, match="fired"):
        brain.set_winners("A", [1999])
