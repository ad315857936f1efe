"""scikit-learn's regressor contract for the estimators of kanerva.neuro, without its base classes.

``get_params``/``set_params``, a parameter ``repr``, the estimator tags and a default ``score``
(R²), so ``clone``, ``cross_val_score`` and ``check_estimator`` work. Not inheriting
``sklearn.base.BaseEstimator`` keeps scikit-learn's own methods (metadata routing and their
docstrings) out of kanerva's API pages; scikit-learn is imported only when it is asked for tags.

Examples
--------
>>> class Model(RegressorContract):
...     def __init__(self, alpha=1.0):
...         self.alpha = alpha
>>> Model(alpha=2.0), Model().set_params(alpha=3.0).get_params()
(Model(alpha=2.0), {'alpha': 3.0})
"""

from __future__ import annotations

import inspect

import numpy as np


class RegressorContract:
    """Parameters from ``__init__``, a ``repr`` of those changed, regressor tags, R² ``score``."""

    _estimator_type = "regressor"

    @classmethod
    def _get_param_names(cls) -> list[str]:
        params = inspect.signature(cls.__init__).parameters.values()
        return sorted(p.name for p in params if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict:
        """The constructor parameters, by name."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set constructor parameters; an unknown name raises ValueError."""
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}; valid: {', '.join(valid)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = bool(value == default) and type(value) is type(default)
            except (TypeError, ValueError):
                same = False
            if not same:
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def score(self, X, y, sample_weight=None) -> float:
        """Coefficient of determination R² of ``predict(X)`` against ``y``."""
        y = np.asarray(y, dtype=float)
        w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        pred = self.predict(X)
        mean = np.average(y, weights=w)
        total = np.sum(w * (y - mean) ** 2)
        resid = np.sum(w * (y - pred) ** 2)
        return float(1.0 - resid / total) if total > 0 else (1.0 if resid == 0 else 0.0)

    def __sklearn_tags__(self):
        from sklearn.utils import RegressorTags, Tags, TargetTags

        return Tags(estimator_type="regressor", target_tags=TargetTags(required=True), transformer_tags=None,
                    regressor_tags=RegressorTags(), classifier_tags=None)
