"""
A self-organizing map of colours
================================

A 16 x 16 Kohonen map trained on random RGB colours: neighbouring units come to hold similar
colours, so the grid shows a smooth colour map; the U-matrix (mean distance of each unit to its
neighbours) shows where the map stretches.
"""

import matplotlib.pyplot as plt
import numpy as np

from kanerva.learn import SelfOrganizingMap

colours = np.random.default_rng(0).random((1000, 3))
for topology in ("rectangular", "hexagonal"):
    som = SelfOrganizingMap(16, 16, topology=topology, n_epochs=10, sigma_end=1.0, random_state=0).fit(colours)
    print(f"{topology}: quantization error {som.quantization_error(colours):.3f}, "
          f"topographic error {som.topographic_error(colours):.3f}")

print("pure red lands on unit", som.winner([1.0, 0.0, 0.0]))
fig, (a, b) = plt.subplots(1, 2, figsize=(7, 3.4))
a.imshow(np.clip(som.weights_, 0, 1))
a.set_title("unit colours (hexagonal grid drawn square)", fontsize=9)
b.imshow(som.distance_map(), cmap="bone_r")
b.set_title("U-matrix", fontsize=9)
for ax in (a, b):
    ax.axis("off")
fig.tight_layout()
