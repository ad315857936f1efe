"""kanerva.learn: estimators with the scikit-learn contract.

- :class:`NGramClassifier` — hypervector n-gram classifier (language identification).
- Learning rules that build representations without labels: :class:`Hebbian`, :class:`Oja`,
  :class:`Sanger` (principal components), :class:`CompetitiveLearning`,
  :class:`SelfOrganizingMap`, :class:`SparseCoding` (with :func:`sparse_encode`: ISTA, FISTA,
  LCA; :func:`whiten_images`), :class:`RBM` (CD-k, PCD, AIS of log Z) and
  :class:`BoltzmannMachine`.
- :class:`SpatialPooler` — the HTM spatial pooler (binary input -> sparse distributed
  representation), with the SDR arithmetic of :mod:`kanerva.learn.sdr`
  (:func:`false_match_probability`, :func:`random_sdrs`, :func:`overlap`).

The learning rules and the spatial pooler import scikit-learn and scipy, so they are loaded on
first use: ``import kanerva.learn`` for the n-gram classifier stays as quick as it was.
"""

from importlib import import_module

from .ngram_classifier import NGramClassifier

_LAZY = {
    "Hebbian": "hebbian", "Oja": "hebbian", "Sanger": "hebbian",
    "CompetitiveLearning": "competitive",
    "SelfOrganizingMap": "som",
    "SparseCoding": "sparse_coding", "whiten_images": "sparse_coding", "image_patches": "sparse_coding",
    "sparse_encode": "sparse_inference", "sparse_objective": "sparse_inference",
    "RBM": "rbm",
    "ais_log_partition": "rbm_partition", "exact_log_partition": "rbm_partition",
    "BoltzmannMachine": "boltzmann",
    "fit_gabor": "gabor",
    "SpatialPooler": "spatial_pooler",
    "false_match_probability": "sdr", "random_sdrs": "sdr", "overlap": "sdr",
}

__all__ = ["NGramClassifier", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
