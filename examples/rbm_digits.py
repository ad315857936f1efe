"""
An RBM dreams digits
====================

A restricted Boltzmann machine with 64 hidden units trained by persistent contrastive divergence
on MNIST digits (dynamic binarization: a fresh Bernoulli sample of the grey levels each time);
its test log-likelihood is measured with annealed importance sampling of log Z (a short
schedule of 500 betas here; the benchmark uses 14,500), and Gibbs chains
started from noise produce digit-like samples.
"""

import matplotlib.pyplot as plt
import numpy as np

from kanerva.datasets import binarize, load_mnist
from kanerva.learn import RBM

train, _ = load_mnist("train")
test, _ = load_mnist("test")
X = (train[:2000].reshape(2000, -1) / 255.0).astype(np.float32)
X_test = binarize(test[:300], random_state=0).reshape(300, -1).astype(np.float64)

rbm = RBM(n_components=64, learning_rate=0.02, learning_rate_end=0.002, persistent=True, n_epochs=5,
          dynamic_binarization=True, ais_betas=500, ais_runs=16, random_state=0).fit(X)
ll = rbm.log_likelihood(X_test)
print(f"test log p(v) = {ll.mean:.1f} nats (log Z by {ll.method}: {ll.log_z:.1f}, "
      f"+-3 s.e. [{ll.log_z_low:.1f}, {ll.log_z_high:.1f}])")

samples = rbm.sample(8, n_steps=300, random_state=0, return_probabilities=True)
fig, axes = plt.subplots(2, 8, figsize=(8, 2.2))
for ax, img in zip(axes[0], X_test[:8]):
    ax.imshow(img.reshape(28, 28), cmap="gray_r")
for ax, img in zip(axes[1], samples):
    ax.imshow(img.reshape(28, 28), cmap="gray_r")
for ax in axes.ravel():
    ax.axis("off")
axes[0, 0].set_title("test digits (binarized)", fontsize=8, loc="left")
axes[1, 0].set_title("samples: 300 Gibbs steps from noise", fontsize=8, loc="left")
fig.tight_layout()
