"""
One script, every memory
========================

Store patterns, damage them, recall them. The lines that write and read are the same for every
associative memory in kanerva; only the line that builds the memory changes. The patterns are
vectors of a space (here MAP; ``kv.BSC`` works the same with every memory below), and what a
memory reads back is a vector of that space again.

Run: ``python examples/memory_swap.py [hopfield|dense|modern|sdm|fastweights|cleanup]`` (all of
them by default).
"""

import sys

import numpy as np

import kanerva as kv
from kanerva.memory import (CleanupMemory, DenseAssociativeMemory, FastWeights, Hopfield, ModernHopfield,
                            SparseDistributedMemory)

space = kv.MAP(256, seed=0)
patterns = space.random(key=[f"pattern {i}" for i in range(20)])
rng = np.random.default_rng(1)
noisy = np.where(rng.random(patterns.shape) < 0.15, -patterns, patterns).astype(np.int8)  # 15% flipped

MEMORIES = {  # the one line that changes
    "hopfield": lambda: Hopfield(space),
    "dense": lambda: DenseAssociativeMemory(space, n=3),
    "modern": lambda: ModernHopfield(space, beta=0.05),
    "sdm": lambda: SparseDistributedMemory(space, locations=4_000, activation=0.02),
    "fastweights": lambda: FastWeights(space),
    "cleanup": lambda: CleanupMemory(space),
}


def recall(memory) -> np.ndarray:
    """Write the patterns, read from the noisy cues: the similarity of each read to its pattern."""
    memory.write(patterns)
    recalled = memory.read(noisy)
    return np.diagonal(space.similarity(recalled, patterns))


names = sys.argv[1:] or list(MEMORIES)
cue = np.diagonal(space.similarity(noisy, patterns))
print(f"{len(patterns)} patterns of {space!r}, cues at similarity {cue.mean():.2f}")
results = {}
for name in names:
    sims = recall(MEMORIES[name]())
    results[name] = sims
    print(f"{name:12s} recalled {np.mean(sims == 1.0):5.0%} exactly, mean similarity {sims.mean():.3f}")

if len(results) > 1:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(list(results), [s.mean() for s in results.values()], color="tab:blue", label="after recall")
    ax.axhline(cue.mean(), color="tab:red", linestyle="--", label="noisy cue")
    ax.set_ylabel("similarity to the stored pattern")
    ax.set_ylim(0, 1.3)
    ax.set_title("the same two lines, six memories")
    ax.legend(loc="upper center", ncol=2)
    fig.tight_layout()
