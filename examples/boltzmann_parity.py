"""
Hidden units let a Boltzmann machine learn parity
=================================================

Three-bit even parity has the same means and pairwise correlations as three fair coins, so a
Boltzmann machine without hidden units (an Ising model) learns the uniform distribution. With four
hidden units, learning by the clamped ("wake") and free ("sleep") phases of Hinton & Sejnowski
captures it.
"""

import matplotlib.pyplot as plt
import numpy as np

from kanerva.learn import BoltzmannMachine

X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]] * 25)
ising = BoltzmannMachine(n_hidden=0, sampling="exact", n_updates=300, random_state=0).fit(X)
hidden = BoltzmannMachine(n_hidden=4, n_chains=300, n_sweeps=3, random_state=0).fit(X)
print(f"fully visible: KL = {ising.kl_divergence(X):.3f} nats (log 2 = 0.693)")
print(f"4 hidden units: KL = {hidden.kl_divergence(X):.3f} nats")

labels = [format(i, "03b") for i in range(8)]
fig, ax = plt.subplots(figsize=(5.5, 3))
ax.bar(np.arange(8) - 0.2, ising.visible_distribution(), 0.4, label="no hidden units")
ax.bar(np.arange(8) + 0.2, hidden.visible_distribution(), 0.4, label="4 hidden units")
ax.set_xticks(range(8), labels)
ax.set_ylabel("p(v)")
ax.legend(fontsize=8)
fig.tight_layout()
