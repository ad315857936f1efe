"""scikit-learn's classifier contract without importing scikit-learn.

:class:`~kanerva.learn.ngram_classifier.NGramClassifier` keeps the contract --
``get_params``/``set_params``, ``score``, the estimator tags -- so ``clone``,
``cross_val_score`` and ``GridSearchCV`` work with it, but it does not inherit
``sklearn.base.BaseEstimator``: importing scikit-learn takes about 2 s on the project's machine
(it imports scipy.stats), which every ``kanerva langid predict`` paid before it read a line.
scikit-learn is imported only when scikit-learn itself asks for the tags, or to raise its
``NotFittedError``.

Examples
--------
>>> class Model(ClassifierContract):
...     def __init__(self, dim=10, seed=0):
...         self.dim, self.seed = dim, seed
>>> Model(dim=20)
Model(dim=20)
>>> Model().set_params(seed=3).get_params()
{'dim': 10, 'seed': 3}
"""

from __future__ import annotations

import inspect

import numpy as np


class ClassifierContract:
    """``get_params``, ``set_params``, ``score`` (accuracy), a parameter ``repr`` and the tags of
    a scikit-learn classifier, for a class whose ``__init__`` stores its keyword arguments."""

    _estimator_type = "classifier"  # what scikit-learn < 1.6 reads instead of the tags

    @classmethod
    def _get_param_names(cls) -> list[str]:
        params = inspect.signature(cls.__init__).parameters.values()
        return sorted(p.name for p in params if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict:
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{key}", v) for key, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params):
        valid = self._get_param_names()
        nested: dict[str, dict] = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}; valid parameters: "
                                 f"{', '.join(valid)}")
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{name}={value!r}" for name, value in self.get_params(deep=False).items()
                   if not _same(value, defaults.get(name, inspect.Parameter.empty))]
        return f"{type(self).__name__}({', '.join(changed)})"

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy of ``predict(X)`` against ``y`` (weighted by ``sample_weight``)."""
        right = self.predict(X) == np.asarray(y)
        return float(np.average(right, weights=sample_weight))

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True), transformer_tags=None,
                    regressor_tags=None, classifier_tags=ClassifierTags())


def _same(value, default) -> bool:
    try:
        return bool(value == default) and type(value) is type(default)
    except (TypeError, ValueError):  # arrays and the like: shown
        return False


def check_fitted(estimator, attribute: str) -> None:
    """Raise scikit-learn's ``NotFittedError`` (a ValueError) unless ``estimator`` has ``attribute``."""
    if not hasattr(estimator, attribute):
        from sklearn.exceptions import NotFittedError

        raise NotFittedError(f"This {type(estimator).__name__} instance is not fitted yet: call fit before using it")
