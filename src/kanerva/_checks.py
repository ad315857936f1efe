"""Input checks shared by every layer (kept here so no layer imports another for them)."""

from __future__ import annotations

import numpy as np


def positive_int(value, name: str, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum``, or a ValueError naming ``name``.

    >>> positive_int(3, "k")
    3
    >>> positive_int(True, "k")
    Traceback (most recent call last):
    ...
    ValueError: k must be an integer >= 1, got True
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)
