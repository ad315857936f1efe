"""Learning a rule by example (Kanerva 2000, "Large patterns make great symbols: an example
of learning from example", in Wermter & Sun (eds.), Hybrid Neural Systems, LNCS 1778).

A relation is a bundle of its name and its role-filler bindings,
``mother_of(x, y) = [MOTHER_OF + MOTHER (x) x + CHILD (x) y]``. One instance of a rule is a
mapping between two such vectors: for "x is the mother of y and y is the father of z, so x is
the grandmother of z",

    A = [mother_of(x, y) + father_of(y, z)],   C = grandmother_of(x, z),   M = C (x) A^-1,

so that ``M (x) A = C``. Each example's mapping also carries terms that belong to its own
people, but the terms that say how roles map to roles (``GRANDMOTHER (x) MOTHER^-1``, ...)
are the same in every example: averaging (bundling) the mappings of more examples keeps those
and averages the particular people away, and the averaged mapping, applied to the antecedent
of people it never saw, gives a vector ever more similar to the right consequent.

Examples
--------
>>> import kanerva as kv
>>> curve = grandmother_rule(kv.MAP(10_000, seed=1), n_examples=(1, 20), n_test=10)
>>> curve.similarity[1] > curve.similarity[0], curve.accuracy
(True, [0.0, 1.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..encoders import Codebook
from ..vsa import Space

ROLES = {
    "mother_of": ("mother", "child"),
    "father_of": ("father", "child"),
    "grandmother_of": ("grandmother", "grandchild"),
}


def relation(space: Space, names: Codebook, rel: str, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``[REL + ROLE1 (x) first + ROLE2 (x) second]`` for one of :data:`ROLES`.

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.BSC(10_000, seed=0)
    >>> names = Codebook(s, ["mother_of", "mother", "child"])
    >>> ann, bob = s.random(key="ann"), s.random(key="bob")
    >>> r = relation(s, names, "mother_of", ann, bob)
    >>> round(s.similarity(s.unbind(r, names["mother"]), ann), 1)
    0.5
    """
    role1, role2 = ROLES[rel]
    return space.bundle([names[rel], space.bind(names[role1], first), space.bind(names[role2], second)])


def learn_mapping(space: Space, antecedents: np.ndarray, consequents: np.ndarray, acc=None) -> np.ndarray:
    """Add the mappings ``C_k (x) A_k^-1`` of example pairs to the raw sum ``acc``.

    Normalize the result (``space.normalize``) to get the rule; keep the raw sum to go on
    learning from more examples without losing any.

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.FHRR(10_000, seed=0)
    >>> a, c = s.random(2), s.random(2)
    >>> rule = s.normalize(learn_mapping(s, a[1:], c[1:], acc=learn_mapping(s, a[:1], c[:1])))
    >>> bool(s.similarity(apply_rule(s, rule, a[0]), c[0]) > 0.5)
    True
    """
    return space.accumulate(space.unbind(consequents, antecedents), acc=acc)


def apply_rule(space: Space, rule: np.ndarray, antecedent: np.ndarray) -> np.ndarray:
    """The consequent the rule maps ``antecedent`` to: ``rule (x) antecedent``.

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.MAP(10_000, seed=0)
    >>> a, c = s.random(key="a"), s.random(key="c")
    >>> s.similarity(apply_rule(s, s.unbind(c, a), a), c)
    1.0
    """
    return space.bind(rule, antecedent)


@dataclass
class RuleCurve:
    """How the learned rule improves with the number of examples averaged.

    Attributes
    ----------
    n_examples : list of int
    similarity : list of float
        Mean similarity of the rule's answer to the right consequent, on people never seen.
    accuracy : list of float
        Fraction of test cases whose answer, unbound with GRANDMOTHER and cleaned up among
        all people, names the right grandmother.
    """

    n_examples: list[int]
    similarity: list[float]
    accuracy: list[float]


def grandmother_rule(space: Space, n_examples=(1, 2, 3, 5, 10, 20, 40), n_test: int = 20,
                     n_people: int = 300, seed: int = 0) -> RuleCurve:
    """Learn "mother of + father of -> grandmother of" from growing numbers of examples.

    Training and test triples (x, y, z) are drawn without overlap from ``n_people`` keyed
    people (``seed`` fixes the draw); the test cases use only people no example used.
    """
    counts = sorted({int(k) for k in n_examples})
    if not counts or counts[0] < 1:
        raise ValueError(f"n_examples must be positive integers, got {n_examples!r}")
    if 3 * (counts[-1] + n_test) > n_people:
        raise ValueError(f"{n_people} people are too few for {counts[-1]} examples and {n_test} tests "
                         f"(each needs 3 different people)")
    names = Codebook(space, list(ROLES) + sorted({r for pair in ROLES.values() for r in pair}))
    people = Codebook(space, [f"person{i}" for i in range(n_people)])
    triples = np.random.default_rng(seed).permutation(n_people)[: 3 * (counts[-1] + n_test)].reshape(-1, 3)

    def encode(triple):
        x, y, z = people.vectors[triple]
        antecedent = space.bundle([relation(space, names, "mother_of", x, y), relation(space, names, "father_of", y, z)])
        return antecedent, relation(space, names, "grandmother_of", x, z)

    train = [encode(t) for t in triples[: counts[-1]]]
    test = [encode(t) for t in triples[counts[-1]:]]
    test_a, test_c = np.stack([a for a, _ in test]), np.stack([c for _, c in test])
    grandmothers = [people.symbols[t[0]] for t in triples[counts[-1]:]]

    acc, done, sims, accs = None, 0, [], []
    for k in counts:
        batch = train[done:k]
        acc = learn_mapping(space, np.stack([a for a, _ in batch]), np.stack([c for _, c in batch]), acc=acc)
        done = k
        answers = apply_rule(space, space.normalize(acc), test_a)
        sims.append(float(np.mean(np.diagonal(space.similarity(answers, test_c)))))
        # GRANDMOTHER is the left factor of its binding: it comes off on the left (the same as
        # unbind in the commutative models; MBAT and VTB need the side)
        named = people.cleanup(space.bind(space.inverse(names["grandmother"]), answers))
        accs.append(float(np.mean([n == g for n, g in zip(named, grandmothers)])))
    return RuleCurve(counts, sims, accs)
