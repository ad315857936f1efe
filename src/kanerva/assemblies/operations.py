"""The operations of the assembly calculus, each a short schedule of firing rounds
(Papadimitriou et al. 2020, PNAS 117:14464-14472, "The Assembly Calculus").

- :func:`project`: an assembly (or a stimulus) fires into an area for a few rounds, with the
  area's recurrence; a new assembly forms there, and its support stops growing (Theorem 1;
  for ``beta >= 0.05`` at ``n = 10^5, k = 317, p = 0.01`` in their simulations).
- :func:`reciprocal_project`: as project, with synapses back from the new assembly to the source
  area, so that firing the copy recalls the original.
- :func:`associate`: two assemblies in one area fire together (driven by their sources); their
  overlap grows, so each comes to recall part of the other.
- :func:`merge`: two assemblies in two areas form one assembly in a third, wired both ways to each.
- :func:`complete`: firing a fraction of an assembly, with the area's recurrence, recovers the
  rest (pattern completion).

Examples
--------
>>> from kanerva.assemblies import Brain
>>> brain = Brain(p=0.05, seed=0)
>>> brain.add_stimulus("s", k=25)
>>> brain.add_area("A", n=1_000, k=25, beta=0.2)
>>> x = project(brain, "s", "A", rounds=15)
>>> recalled, fraction = complete(brain, "A", 0.4, rounds=5, rng=0)
>>> fraction > 0.8
True
"""

from __future__ import annotations

import numpy as np

from .._checks import positive_int
from .brain import Brain


def overlap(a, b) -> int:
    """Neurons in both firing sets ``a`` and ``b``.

    Examples
    --------
    >>> overlap([1, 2, 3], np.array([3, 4, 1]))
    2
    """
    return int(np.intersect1d(np.asarray(a), np.asarray(b)).size)


def project(brain: Brain, source: str, target: str, rounds: int = 10) -> np.ndarray:
    """Project ``source`` (a stimulus, or an area whose assembly stays as it is) into ``target``:
    one round of ``source -> target``, then ``rounds - 1`` of ``source + target -> target``.

    Returns the assembly formed in ``target`` (its firing neurons).

    Examples
    --------
    >>> brain = Brain(p=0.05, seed=0)
    >>> brain.add_stimulus("s", k=20)
    >>> brain.add_area("A", n=1_000, k=20)
    >>> len(project(brain, "s", "A", rounds=5)), len(brain.area("A").support_history)
    (20, 5)
    """
    rounds = positive_int(rounds, "rounds")
    brain.fire({target: [source]})
    for _ in range(rounds - 1):
        brain.fire({target: [source, target]})
    return brain.area(target).winners.copy()


def reciprocal_project(brain: Brain, stimulus: str, source: str, target: str, rounds: int = 10) -> np.ndarray:
    """Copy the assembly of ``source`` (kept firing by ``stimulus``) into ``target`` with
    synapses both ways: ``target`` hears ``source`` and itself, ``source`` hears its stimulus,
    itself and ``target``. Returns the assembly of ``target``.

    Examples
    --------
    >>> brain = Brain(p=0.05, seed=0)
    >>> brain.add_stimulus("s", k=50)
    >>> for name in "AB":
    ...     brain.add_area(name, n=2_000, k=50, beta=0.1)
    >>> x = project(brain, "s", "A", rounds=10)
    >>> y = reciprocal_project(brain, "s", "A", "B", rounds=30)
    >>> x = brain.area("A").winners.copy()
    >>> brain.fire({"A": ["B"]}, plasticity=False)   # the copy alone recalls the original
    >>> overlap(brain.area("A").winners, x) > 40          # of 50
    True
    """
    rounds = positive_int(rounds, "rounds")
    brain.fire({target: [source]})
    for _ in range(rounds - 1):
        brain.fire({target: [source, target], source: [stimulus, source, target]})
    return brain.area(target).winners.copy()


def associate(brain: Brain, first: tuple[str, str], second: tuple[str, str], target: str,
              rounds: int = 10) -> np.ndarray:
    """Fire two assemblies into ``target`` together, ``rounds`` times. ``first`` and ``second``
    are (stimulus, area) pairs: each area's assembly is kept firing by its stimulus. The
    assemblies they project to in ``target`` come to overlap (association).

    Returns the assembly in ``target`` while both fire.
    """
    rounds = positive_int(rounds, "rounds")
    (sa, a), (sb, b) = first, second
    for _ in range(rounds):
        brain.fire({a: [sa, a], b: [sb, b], target: [a, b, target]})
    return brain.area(target).winners.copy()


def merge(brain: Brain, first: tuple[str, str], second: tuple[str, str], target: str,
          rounds: int = 10) -> np.ndarray:
    """Merge the assemblies of two areas into one assembly in ``target`` with synapses to and
    from both: ``target`` hears both areas and itself, each area hears its stimulus, itself and
    ``target``. ``first`` and ``second`` are (stimulus, area) pairs. Returns the merged assembly.
    """
    rounds = positive_int(rounds, "rounds")
    (sa, a), (sb, b) = first, second
    brain.fire({a: [sa], b: [sb]})
    brain.fire({a: [sa, a], b: [sb, b], target: [a, b]})
    for _ in range(rounds - 1):
        brain.fire({a: [sa, a, target], b: [sb, b, target], target: [a, b, target]})
    return brain.area(target).winners.copy()


def complete(brain: Brain, area: str, fraction: float, rounds: int = 5, rng=None,
             plasticity: bool = False) -> tuple[np.ndarray, float]:
    """Pattern completion: fire a random ``fraction`` of the current assembly of ``area``, then
    let the area fire into itself for ``rounds`` rounds (without plasticity by default, so the
    read leaves the synapses as they were).

    Returns the final firing set and the fraction of the original assembly it contains.
    """
    if not isinstance(fraction, (float, int)) or not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
    rounds = positive_int(rounds, "rounds")
    a = brain.area(area)
    original = a.winners.copy()
    if len(original) == 0:
        raise ValueError(f"area {area!r} has no assembly to complete")
    rng = np.random.default_rng(rng)
    size = max(1, int(round(fraction * len(original))))
    brain.set_winners(area, rng.choice(original, size=size, replace=False))
    for _ in range(rounds):
        brain.fire({area: [area]}, plasticity=plasticity)
    return a.winners.copy(), overlap(a.winners, original) / len(original)
