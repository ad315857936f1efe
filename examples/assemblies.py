"""
Assemblies of neurons: projection converges
===========================================

In the assembly calculus (Papadimitriou, Vempala, Mitropolsky, Collins & Maass 2020) a stimulus
fires into a brain area of n randomly connected neurons; the k with the largest input fire
(the k-cap), and Hebbian plasticity strengthens the synapses from those that fired to those that
fire next. Round after round the firing set changes less, until one set, an *assembly*, fires
every round: the number of neurons that have ever fired (the support) stops growing. The more
plastic the synapses (beta), the sooner and the smaller; without plasticity it keeps growing.
Firing part of the assembly then brings back the rest (pattern completion).
"""

import copy

import matplotlib.pyplot as plt

from kanerva.assemblies import Brain, complete, project

n, k, p, rounds = 20_000, 100, 0.02, 40
fig, ax = plt.subplots(figsize=(6, 4))
for beta in (0.2, 0.1, 0.05, 0.02, 0.0):
    brain = Brain(p=p, seed=0)
    brain.add_stimulus("stimulus", k)
    brain.add_area("A", n, k, beta)
    project(brain, "stimulus", "A", rounds=rounds)
    support = brain.area("A").support_history
    ax.plot(range(1, rounds + 1), [s / k for s in support], label=f"beta = {beta}")
    print(f"beta = {beta:4}: support after 10, 20, 40 rounds = {support[9]}, {support[19]}, {support[39]} neurons")
    if beta == 0.1:
        for fraction in (0.2, 0.5):
            _, recovered = complete(copy.deepcopy(brain), "A", fraction, rounds=5, rng=0)
            print(f"    firing {fraction:.0%} of the assembly recovers {recovered:.0%} of it")
ax.set(xlabel="round t", ylabel="support / k", title=f"Projection into an area (n = {n:,}, k = {k}, p = {p})")
ax.legend()
