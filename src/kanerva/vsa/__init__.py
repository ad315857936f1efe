"""Hypervector algebra: seven models behind one interface (:class:`Space`).

The four classic ones (BSC, MAP, HRR, FHRR), matrix binding (MBAT) and vector-derived
transformation binding (VTB), whose bindings do not commute, and sparse block codes (SBC).
"""

import numpy as np

from .bsc import BSC
from .dense import DenseSpace
from .fhrr import FHRR
from .hrr import HRR
from .map import MAP
from .mbat import MBAT
from .sbc import SBC
from .space import Space
from .vtb import VTB

MODELS: dict[str, type[Space]] = {"bsc": BSC, "map": MAP, "hrr": HRR, "fhrr": FHRR, "mbat": MBAT, "vtb": VTB,
                                  "sbc": SBC}


def space_from_config(config: dict) -> Space:
    """Rebuild a space from :meth:`Space.config`.

    >>> space_from_config({"model": "map", "dim": 64, "seed": 3})
    MAP(dim=64, seed=3)
    >>> space_from_config({"model": "sbc", "dim": 1024, "seed": 0, "block_size": 32})
    SBC(dim=1024, seed=0, block_size=32)
    """
    if not isinstance(config, dict):
        raise ValueError(f"a space's settings are a dict, got {type(config).__name__}")
    name = config.get("model")
    if not isinstance(name, str) or name.lower() not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {sorted(MODELS)}")
    dim, seed = config.get("dim"), config.get("seed", 0)
    extra = {key: value for key, value in config.items() if key not in ("model", "dim", "seed")}
    for key, value in (("dim", dim), ("seed", seed), *extra.items()):  # exact ints: a float would be truncated
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"a space's {key} must be an integer, got {value!r}")
    try:
        return MODELS[name.lower()](dim, seed=seed, **extra)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad space settings {config!r}: {exc}") from None


__all__ = ["BSC", "MAP", "HRR", "FHRR", "MBAT", "VTB", "SBC", "Space", "DenseSpace", "MODELS", "space_from_config"]
