"""
Sparse coding learns strokes; NMF learns parts
==============================================

On whitened natural-image patches, sparse coding (Olshausen & Field 1996) learns localized,
oriented, bandpass atoms like simple-cell receptive fields. On digits, with the same number of
atoms, it learns strokes that add and subtract, while scikit-learn's non-negative matrix
factorisation (which kanerva calls rather than rewrites) learns additive parts.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import NMF

from kanerva.datasets import load_mnist, load_natural_images
from kanerva.learn import SparseCoding, fit_gabor, image_patches, whiten_images

images, names = load_natural_images("sklearn", size=256)
patches = image_patches(whiten_images(images), 8, 2000, random_state=0)
patches -= patches.mean(axis=1, keepdims=True)
natural = SparseCoding(n_components=20, alpha=1.0, n_epochs=3, max_inference_iter=50, random_state=0).fit(patches)
r2 = np.array([fit_gabor(a.reshape(8, 8)).r2 for a in natural.components_[:10]])
print(f"natural images ({', '.join(names)}): {np.mean(r2 >= 0.8):.0%} of 10 atoms fit a Gabor with r2 >= 0.8")

digits, _ = load_mnist("train")
X = digits[:800].reshape(800, -1) / 255.0
strokes = SparseCoding(n_components=20, alpha=0.5, n_epochs=3, max_inference_iter=50, random_state=0).fit(X)
parts = NMF(n_components=20, init="nndsvda", max_iter=400, tol=1e-2, random_state=0).fit(X)
print(f"digits: sparse coding uses {np.mean(strokes.transform(X[:200]) != 0):.0%} of its atoms per digit; "
      f"NMF's parts are non-negative: {bool((parts.components_ >= 0).all())}")

fig, axes = plt.subplots(3, 10, figsize=(9, 3))
r2 = np.r_[r2, np.zeros(10)]
for ax, atom in zip(axes[0], natural.components_[np.argsort(-r2)]):
    ax.imshow(atom.reshape(8, 8), cmap="gray")
for ax, atom in zip(axes[1], strokes.components_):
    ax.imshow(atom.reshape(28, 28), cmap="RdBu_r", vmin=-np.abs(atom).max(), vmax=np.abs(atom).max())
for ax, atom in zip(axes[2], parts.components_):
    ax.imshow(atom.reshape(28, 28), cmap="gray_r")
for ax in axes.ravel():
    ax.axis("off")
axes[0, 0].set_title("natural-image atoms", fontsize=8, loc="left")
axes[1, 0].set_title("sparse coding on digits (strokes)", fontsize=8, loc="left")
axes[2, 0].set_title("NMF on digits (parts)", fontsize=8, loc="left")
fig.tight_layout()
