"""Language geometry: how similar the class profiles are, with the languages clustered.

The profile of a language is the bundle of its training n-grams; the heatmap shows the cosine
similarity of every pair of profiles, rows and columns ordered by average-linkage clustering of
``1 - similarity`` (a scipy dendrogram on top), as in Joshi, Halseth & Kanerva (2016), fig. 2.
Needs the ``plot`` extra (matplotlib, scipy); draws with the Agg backend (no display).
"""

from __future__ import annotations

import numpy as np

from ...io import atomic_write
from ...learn.ngram_classifier import NGramClassifier


def profile_similarities(clf: NGramClassifier) -> np.ndarray:
    """Cosine similarity of the class profiles (classes x classes).

    Examples
    --------
    >>> from kanerva.apps.langid.model import train_texts
    >>> clf = train_texts(["the cat", "le chat", "the dog"], ["en", "fr", "en"], dim=500, epochs=0, min_count=1)
    >>> s = profile_similarities(clf)
    >>> s.shape, bool(np.allclose(np.diag(s), 1.0))
    ((2, 2), True)
    """
    p = np.asarray(clf.profiles_, dtype=np.float64)
    p = p / np.linalg.norm(p, axis=1, keepdims=True)
    return p @ p.T


def plot_geometry(clf: NGramClassifier, path) -> list[str]:
    """Write the clustered similarity heatmap to ``path`` (PNG); returns the label order."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from scipy.cluster.hierarchy import dendrogram, linkage
        from scipy.spatial.distance import squareform
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError("plotting needs matplotlib and scipy: pip install 'kanerva[plot]'") from None
    sims = profile_similarities(clf)
    labels = [str(c) for c in clf.classes_]
    if len(labels) < 2:
        raise ValueError("a geometry plot needs a model with at least two labels")
    distance = np.clip(1.0 - sims, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    fig = plt.figure(figsize=(9, 10))
    top = fig.add_axes([0.12, 0.78, 0.7, 0.18])
    order = dendrogram(tree, labels=labels, ax=top, no_labels=True, color_threshold=0)["leaves"]
    top.axis("off")
    ax = fig.add_axes([0.12, 0.08, 0.7, 0.7])
    image = ax.imshow(sims[np.ix_(order, order)], cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(order)), [labels[i] for i in order], rotation=90)
    ax.set_yticks(range(len(order)), [labels[i] for i in order])
    fig.colorbar(image, cax=fig.add_axes([0.85, 0.08, 0.03, 0.7]), label="profile cosine similarity")
    fig.suptitle(f"Language geometry ({clf.model.upper()}, D = {clf.dim}, n-grams {clf.ngram})")
    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=100))  # PNG at exactly ``path``
    plt.close(fig)
    return [labels[i] for i in order]
