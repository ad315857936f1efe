"""
Hebbian learning finds the principal components
===============================================

Plain Hebbian learning (Δw = η y x) strengthens the weight along the direction of largest variance
and grows without bound; normalising the weight after each step, or Oja's decay term, keeps it
finite and leaves it on the first principal component. Sanger's rule finds the next ones, in order.
"""

import matplotlib.pyplot as plt
import numpy as np

from kanerva.learn import Hebbian, Oja, Sanger

rng = np.random.default_rng(0)
basis, _ = np.linalg.qr(rng.normal(size=(5, 5)))
X = rng.normal(size=(3000, 5)) * np.sqrt([4.0, 2.0, 1.0, 0.5, 0.2]) @ basis.T  # known components: basis columns

plain = Hebbian(rule="covariance", normalize="none", learning_rate=0.002, learning_rate_decay=1.0,
                n_epochs=10, random_state=0).fit(X)
normed = Hebbian(rule="covariance", learning_rate=0.002, learning_rate_decay=1.0, n_epochs=10, random_state=0).fit(X)
oja = Oja(alpha=4.0, n_epochs=10, random_state=0).fit(X)
gha = Sanger(n_components=3, n_epochs=30, random_state=0).fit(X)

print(f"plain Hebb: |w| grew from {plain.weight_norm_history_[0, 0]:.3g} to {plain.weight_norm_history_[-1, 0]:.3g}")
print(f"Oja (alpha=4): |cos| with PC1 = {abs(oja.components_[0] @ basis[:, 0]) / np.linalg.norm(oja.components_):.4f}, "
      f"|w| = {np.linalg.norm(oja.components_):.3f} (1/sqrt(alpha) = 0.5)")
for i, w in enumerate(gha.components_):
    print(f"Sanger component {i + 1}: |cos| with PC{i + 1} = {abs(w @ basis[:, i]):.4f}")

fig, ax = plt.subplots(figsize=(5, 3.2))
epochs = np.arange(1, 11)
ax.semilogy(epochs, plain.weight_norm_history_[:, 0], "o-", label="plain Hebb")
ax.semilogy(epochs, normed.weight_norm_history_[:, 0], "s-", label="Hebb, normalised")
ax.semilogy(epochs, oja.weight_norm_history_[:, 0], "^-", label="Oja, alpha = 4")
ax.set_xlabel("epoch")
ax.set_ylabel("|w|")
ax.legend()
fig.tight_layout()
