"""Hypervector algebra: four models behind one interface (:class:`Space`)."""

import numpy as np

from .bsc import BSC
from .dense import DenseSpace
from .fhrr import FHRR
from .hrr import HRR
from .map import MAP
from .space import Space

MODELS: dict[str, type[Space]] = {"bsc": BSC, "map": MAP, "hrr": HRR, "fhrr": FHRR}


def space_from_config(config: dict) -> Space:
    """Rebuild a space from :meth:`Space.config`.

    >>> space_from_config({"model": "map", "dim": 64, "seed": 3})
    MAP(dim=64, seed=3)
    """
    if not isinstance(config, dict):
        raise ValueError(f"a space's settings are a dict, got {type(config).__name__}")
    name = config.get("model")
    if not isinstance(name, str) or name.lower() not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {sorted(MODELS)}")
    dim, seed = config.get("dim"), config.get("seed", 0)
    for key, value in (("dim", dim), ("seed", seed)):  # exact ints: a float would be truncated silently
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"a space's {key} must be an integer, got {value!r}")
    try:
        return MODELS[name.lower()](dim, seed=seed)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad space settings {config!r}: {exc}") from None


__all__ = ["BSC", "MAP", "HRR", "FHRR", "Space", "DenseSpace", "MODELS", "space_from_config"]
