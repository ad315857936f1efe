import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kanerva as kv
from kanerva.structures import DirectedGraph, Pair, UnknownSymbolError, pair

SPACES = {name: model(model.round_dim(8_192), seed=11) for name, model in kv.MODELS.items()}
CODEBOOKS = {name: kv.Codebook(s, [f"w{i}" for i in range(60)]) for name, s in SPACES.items()}


def test_pairs_are_ordered(words, space):
    a, b = words["w1"], words["w2"]
    assert abs(space.similarity(pair(space, a, b), pair(space, b, a))) < 0.05
    # (a, a) does not collapse to the identity as a XOR a would
    assert abs(space.similarity(pair(space, a, a), space.identity())) < 0.05
    p = Pair(words, "w1", "w2")
    assert p.second_given("w1") == "w2" and p.first_given("w2") == "w1"
    q = Pair(words, "w2", "w1")
    assert q.second_given("w2") == "w1" and q.first_given("w1") == "w2"


def test_pair_of_equal_elements(words):
    p = Pair(words, "w5", "w5")
    assert p.second_given("w5") == "w5" and p.first_given("w5") == "w5"


def random_graph(n_nodes, n_edges, seed):
    rng = np.random.default_rng(seed)
    edges = set()
    while len(edges) < n_edges:
        u, v = rng.integers(0, n_nodes, size=2)
        if u != v:  # self-loops: see test_self_loops
            edges.add((f"w{u}", f"w{v}"))
    return sorted(edges)


def test_graph_successors_predecessors_and_edges(words):
    edges = random_graph(15, 30, seed=1)
    g = DirectedGraph(words, edges)
    for i in range(15):
        node = f"w{i}"
        succ = [f"w{j}" for j in range(60) if (node, f"w{j}") in edges]
        pred = [f"w{j}" for j in range(60) if (f"w{j}", node) in edges]
        assert g.successors(node) == succ
        assert g.predecessors(node) == pred
        assert g.neighbours(node) == list(dict.fromkeys(succ + pred))
    for u in range(15):
        for v in range(15):
            assert g.has_edge(f"w{u}", f"w{v}") == ((f"w{u}", f"w{v}") in edges)
    assert len(g) == 30


@settings(max_examples=15)
@given(st.sampled_from(sorted(SPACES)), st.integers(0, 10_000), st.integers(1, 40))
def test_any_small_graph_is_recovered(model, seed, n_edges):
    edges = random_graph(12, n_edges, seed)
    g = DirectedGraph(CODEBOOKS[model], edges)
    recovered = {(u, v) for u in (f"w{i}" for i in range(12)) for v in g.successors(u)}
    assert recovered == set(edges)


def test_edges_keep_their_direction(words):
    g = DirectedGraph(words, [("w1", "w2"), ("w2", "w3")])
    assert g.has_edge("w1", "w2") and not g.has_edge("w2", "w1")
    assert g.successors("w2") == ["w3"] and g.predecessors("w2") == ["w1"]


@pytest.mark.parametrize("model", ["bsc", "map", "hrr", "fhrr"])
def test_self_loops(model):
    cb = CODEBOOKS[model]
    g = DirectedGraph(cb, [("w1", "w1"), ("w1", "w2"), ("w3", "w1")])
    assert g.has_edge("w1", "w1") and not g.has_edge("w2", "w2") and not g.has_edge("w3", "w3")
    assert g.successors("w1") == ["w1", "w2"] and g.predecessors("w1") == ["w1", "w3"]


def test_graph_grows_edge_by_edge(words):
    g = DirectedGraph(words)
    assert g.successors("w1") == [] and not g.has_edge("w1", "w2")
    g.add_edge("w1", "w2")
    g.add_edge("w1", "w3")
    assert g.successors("w1") == ["w2", "w3"] and g.predecessors("w3") == ["w1"]
    np.testing.assert_allclose(g.acc, DirectedGraph(words, [("w1", "w2"), ("w1", "w3")]).acc, rtol=1e-5, atol=1e-6)  # float models sum in float32 blocks


def test_bad_input(words, space, other_spaces):
    g = DirectedGraph(words, [("w1", "w2")])
    with pytest.raises(ValueError, match=r"\(source, target\) tuple"):
        g.add_edges([("w1", "w2", "w3")])
    with pytest.raises(UnknownSymbolError, match="node 'mars'"):
        g.successors("mars")
    with pytest.raises(UnknownSymbolError, match="second 'mars'"):
        Pair(words, "w1", "mars")
    for other in other_spaces:
        with pytest.raises((TypeError, ValueError), match="another (model|dimension)"):
            g.add_edge("w1", other.random())
        with pytest.raises((TypeError, ValueError), match="another (model|dimension)"):
            Pair(words, other.random(), "w1")
    with pytest.raises(ValueError, match="empty"):
        DirectedGraph(words).vector
