"""Tensor products against HRR: exact recovery at a size that grows, against cross-talk at a
size that does not (Smolensky 1990; Plate 1995).

    python -m benchmarks.structures_tpr          # about a minute

A record of n (role, filler) pairs, every filler read back and cleaned up against 1,000 fillers.
TPR: fillers of 64 dimensions bound to roles of 64 dimensions, a 64 x 64 = 4,096-number
structure, unbound with the dual basis of the roles (exact while n <= 64, the roles then being
linearly independent). HRR: the same pairs bound by circular convolution and bundled into one
vector of D = 4,096 numbers (the same size) and of D = 64 (the size of one filler, which HRR
keeps at every depth). Deterministic (fixed seeds). Writes
benchmarks/results/structures_tpr.json and docs/img/structures_tpr_vs_hrr.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import kanerva as kv
from kanerva.structures import TensorProduct

from ._util import markdown_table, write_json

IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
N_FILLERS = 1_000


def tpr_readback(n: int, d_filler: int = 64, d_role: int = 64, seed: int = 0):
    fillers = kv.Codebook(kv.HRR(d_filler, seed=seed), [f"f{i}" for i in range(N_FILLERS)])
    roles = kv.Codebook(kv.HRR(d_role, seed=seed + 1), [f"r{i}" for i in range(n)])
    tpr = TensorProduct(fillers, roles)
    chosen = np.random.default_rng(seed + n).integers(0, N_FILLERS, size=n)
    t = tpr.encode([(f"r{i}", f"f{j}") for i, j in enumerate(chosen)])
    got = np.stack([tpr.unbind(t, f"r{i}") for i in range(n)])
    truth = tpr.filler_features[chosen]
    cos = np.einsum("nd,nd->n", got, truth) / (np.linalg.norm(got, axis=1) * np.linalg.norm(truth, axis=1))
    unit = tpr.filler_features / np.linalg.norm(tpr.filler_features, axis=1, keepdims=True)
    right = np.argmax(got @ unit.T, axis=1) == chosen
    return float(cos.mean()), float(right.mean()), tpr.exact, t.size


def hrr_readback(n: int, dim: int, seed: int = 0):
    s = kv.HRR(dim, seed=seed)
    fillers = kv.Codebook(s, [f"f{i}" for i in range(N_FILLERS)])
    roles = s.random(key=[f"r{i}" for i in range(n)])
    chosen = np.random.default_rng(seed + n).integers(0, N_FILLERS, size=n)
    record = s.bundle(s.bind(roles, fillers.vectors[chosen]))
    got = s.unbind(record, roles)
    cos = np.asarray(s.similarity(got, fillers.vectors[chosen])).diagonal()
    right = np.array([c == f"f{j}" for c, j in zip(fillers.cleanup(got), chosen)])
    return float(cos.mean()), float(right.mean()), record.size


def main(argv: list[str]) -> None:
    ns = [1, 2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 192, 256]
    rows, out = [], {"n": ns, "tpr": [], "hrr4096": [], "hrr64": []}
    for n in ns:
        tpr = tpr_readback(n)
        big, small = hrr_readback(n, 4096), hrr_readback(n, 64)
        out["tpr"].append(tpr[:2])
        out["hrr4096"].append(big[:2])
        out["hrr64"].append(small[:2])
        rows.append([n, f"{tpr[0]:.3f} / {tpr[1]:.0%}" + (" (exact)" if tpr[2] else ""),
                     f"{big[0]:.3f} / {big[1]:.0%}", f"{small[0]:.3f} / {small[1]:.0%}"])
        print(rows[-1], flush=True)
    table = markdown_table(["pairs n", "TPR 64 x 64 (4,096 numbers)", "HRR D = 4,096", "HRR D = 64"], rows)
    print("\nmean cosine of the unbound filler to the true one / fillers read back right (of 1,000 candidates)\n")
    print(table)
    depth = [[k, f"{64 * 64 ** k:,}", "4,096"] for k in (1, 2, 3)]
    print("\n" + markdown_table(["depth (roles bound in turn)", "TPR numbers (64 x 64^depth)", "HRR numbers"], depth))
    write_json("structures_tpr", out)
    plot(out)


def plot(out) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for key, label in (("tpr", "TPR 64 x 64"), ("hrr4096", "HRR D = 4096"), ("hrr64", "HRR D = 64")):
        values = np.array(out[key])
        axes[0].plot(out["n"], values[:, 0], "o-", label=label)
        axes[1].plot(out["n"], values[:, 1], "o-", label=label)
    for ax, title in zip(axes, ("cosine of unbound to true filler", "fillers read back (1,000 candidates)")):
        ax.axvline(64, color="grey", ls=":", lw=1)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("bound pairs n")
        ax.set_title(title)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(IMG / "structures_tpr_vs_hrr.png", dpi=120)


if __name__ == "__main__":
    main(sys.argv[1:])
