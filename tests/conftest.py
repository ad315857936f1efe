"""Test settings: deterministic hypothesis runs (same examples every run, no example database)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "kanerva",
    derandomize=True,  # same examples every run: a red CI is a real fault
    database=None,
    deadline=None,  # first calls compile numba kernels
    max_examples=int(os.environ.get("KANERVA_HYPOTHESIS_EXAMPLES", "40")),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("kanerva")
