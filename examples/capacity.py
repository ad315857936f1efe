"""
How many items fit in one hypervector
=====================================

Read-back errors of a set, a sequence and a hash table as they grow, in each of the four models.
Each structure is one hypervector; past its capacity the cleanup starts to confuse items.

Other settings come from the command line (dimension, sizes, number of symbols)::

    python examples/capacity.py [dim] [sizes, comma-separated] [number of symbols]
    python examples/capacity.py 10000 50,100,200,400 1000   # the table in docs/benchmarks/structures.md
"""

import sys

import numpy as np

import kanerva as kv
from kanerva.structures import HashTable, Sequence, Set

dim = int(sys.argv[1]) if len(sys.argv) > 1 else 2_048
sizes = [int(n) for n in sys.argv[2].split(",")] if len(sys.argv) > 2 else [10, 20]
n_symbols = int(sys.argv[3]) if len(sys.argv) > 3 else 200

print(f"D = {dim}, {n_symbols} symbols; errors = wrong members (set), wrong items (sequence), wrong values (table)")
for name, model in kv.MODELS.items():
    space = model(model.round_dim(dim), seed=3)  # MBAT, VTB: the nearest square; SBC: whole blocks
    symbols = kv.Codebook(space, [f"s{i}" for i in range(n_symbols)])
    values = kv.Codebook(space, [f"v{i}" for i in range(n_symbols)])
    rng = np.random.default_rng(0)
    cells = []
    for n in sizes:
        members = [f"s{i}" for i in sorted(rng.choice(n_symbols, n, replace=False))]
        set_errors = len(set(Set(symbols, members).members()) ^ set(members))
        items = [f"s{i}" for i in rng.integers(0, n_symbols, n)]
        seq_errors = sum(a != b for a, b in zip(Sequence(symbols, items).items(), items))
        truth = dict(zip(members, (f"v{i}" for i in rng.integers(0, n_symbols, n))))
        table = HashTable(symbols, values, truth)
        table_errors = sum(table.lookup(k)[0][0] != v for k, v in truth.items())
        cells.append(f"n={n}: {set_errors}/{seq_errors}/{table_errors}")
    print(f"{name.upper():5s} " + "  ".join(cells))
