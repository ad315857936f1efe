"""
A resonator network factorizes a bound product
==============================================

A scene is the binding of a colour, a shape, a position and a size, each drawn from its own
codebook: 30^4 = 810,000 possible scenes at D = 2,000 dimensions. A resonator network
(Frady, Kent, Olshausen & Sommer 2020) starts each factor's estimate as the superposition of its
whole codebook and refines them in turn, unbinding the others' estimates from the scene; it
wanders while the estimates are mixtures, then locks onto the four factors at once (the
figure), after on the order of a hundred iterations, where a codebook search would test all
810,000 combinations.
"""

import matplotlib.pyplot as plt
import numpy as np

import kanerva as kv
from kanerva.structures import Resonator

space = kv.MAP(2_000, seed=3)
names = ["colour", "shape", "position", "size"]
codebooks = [kv.Codebook(space, [f"{name}{i}" for i in range(30)]) for name in names]
truth = [cb.symbols[i] for cb, i in zip(codebooks, (7, 21, 2, 14))]
scene = codebooks[0][truth[0]]
for cb, symbol in zip(codebooks[1:], truth[1:]):
    scene = space.bind(scene, cb[symbol])

net = Resonator(codebooks)
print(f"search space: {net.search_space:,} combinations at D = {space.dim:,}")
found, info = net.factorize(scene, return_info=True)
print("factors:", found, "| right:", list(found) == truth)
print(f"settled after {int(info.steps[0])} iterations; similarity of the product to the scene "
      f"{info.similarity[0]:.3f}")

path = net.trace(scene)
fig, ax = plt.subplots(figsize=(6, 4))
for f, (name, cb) in enumerate(zip(names, codebooks)):
    sims = [abs(space.similarity(step[f], cb[truth[f]])) for step in path]
    ax.plot(range(1, len(path) + 1), sims, "o-", ms=3, label=name)
ax.set(xlabel="iteration", ylabel="|similarity| of the estimate to the true factor",
       title=f"Resonator convergence ({net.search_space:,} combinations, D = {space.dim:,})")
ax.set_ylim(0, 1.05)
ax.legend()
