"""kanerva.learn: estimators with the scikit-learn contract."""

from .ngram_classifier import NGramClassifier

__all__ = ["NGramClassifier"]
