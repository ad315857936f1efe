"""kanerva.learn: estimators with the scikit-learn contract.

- :class:`NGramClassifier` — hypervector n-gram classifier (language identification).
- :class:`SpatialPooler` — the HTM spatial pooler (binary input -> sparse distributed
  representation), with the SDR arithmetic of :mod:`kanerva.learn.sdr`
  (:func:`false_match_probability`, :func:`random_sdrs`, :func:`overlap`).

The spatial pooler imports scikit-learn, so it is loaded on first use: ``import kanerva.learn``
for the n-gram classifier stays as quick as it was.
"""

from importlib import import_module

from .ngram_classifier import NGramClassifier

_LAZY = {
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
