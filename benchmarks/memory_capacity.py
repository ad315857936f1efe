"""The published capacity curves of the associative memories, at benchmark sizes.

    python -m benchmarks.memory_capacity                 # all six runs, about 3 minutes on 2 cores
    python -m benchmarks.memory_capacity hopfield sdm    # some of them

Runs the same library code as ``kanerva memory capacity`` (kanerva.memory.capacity) with larger
sizes, prints each table, writes benchmarks/results/memory_capacity.json and the figures
docs/img/memory_<name>.png.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from kanerva.memory.capacity import dam_capacity, format_table, hopfield_capacity, modern_digits, sdm_recall
from kanerva.memory.plots import plot

from ._util import write_json

IMG = Path(__file__).resolve().parent.parent / "docs" / "img"

RUNS = {
    # N = 256 is where "about 40% of the patterns are fixed points at alpha = 0.14" holds
    "hopfield": lambda: hopfield_capacity(dim=256, min_patterns=1_000),
    # Hebb alone at larger N: the recall transition sharpens at alpha_c while the fraction of
    # exactly stable patterns at a fixed alpha falls (each of the N bits errs independently)
    "hopfield_hebb_512": lambda: hopfield_capacity(dim=512, rules=["hebb"], min_patterns=1_000),
    "hopfield_hebb_1024": lambda: hopfield_capacity(dim=1024, rules=["hebb"], min_patterns=600,
                                                    alphas=np.round(np.arange(0.04, 0.25, 0.02), 3)),
    "dam": lambda: dam_capacity(dims={2: [64, 128, 256, 512, 1024], 3: [16, 24, 32, 48, 64, 96, 128],
                                      4: [10, 12, 16, 20, 24, 32, 40]},
                                exp_dims=(8, 10, 12, 14, 16, 18), sample=200, cap=2**17),
    "modern": lambda: modern_digits(betas=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)),
    "sdm": lambda: sdm_recall(dim=256, locations=10_000, items=(50, 200, 800, 3200),
                              probabilities=np.geomspace(3e-4, 0.3, 16)),
}


def main(names: list[str]) -> None:
    unknown = set(names) - set(RUNS)
    if unknown:
        raise SystemExit(f"unknown experiment(s) {sorted(unknown)}; choose from {sorted(RUNS)}")
    IMG.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in names or RUNS:
        t = time.perf_counter()
        result = RUNS[name]()
        result["seconds"] = round(time.perf_counter() - t, 1)
        print(f"## {name} ({result['seconds']} s)\n{format_table(result)}\n", flush=True)
        plot(result, IMG / f"memory_{name}.png")
        out[name] = result
    write_json("memory_capacity" if not names else "memory_capacity_" + "_".join(names), {"experiments": out})


if __name__ == "__main__":
    main(sys.argv[1:])
