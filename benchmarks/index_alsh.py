"""Maximum inner product search: asymmetric LSH recall against exact MIPS, and L2 LSH recall.

    python -m benchmarks.index_alsh [--quick]

Items: 1,500 of sklearn's digits (vectors of varied norms), queries: the other 297. Recall@10
of each method's top 10 against the exact top 10 by inner product
(``ExactIndex(metric="ip")``), with the mean number of candidates re-ranked per query. The sign
methods rank all items by the Hamming distance of 64-bit SimHash codes of the transformed
vectors and re-rank the best 100; L2-ALSH re-ranks the union of its buckets. A random sample of
100 candidates would find 100 / 1,500 = 6.7% of the true top 10. Writes
benchmarks/results/index_alsh.json.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits

from kanerva.index import AsymmetricLSH, ExactIndex, L2LSH

from ._util import markdown_table, write_json


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(a[a >= 0]) & set(b)) / len(b) for a, b in zip(found, truth)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer settings")
    args = parser.parse_args()
    data = load_digits().data
    perm = np.random.default_rng(0).permutation(len(data))
    items, queries = data[perm[:1500]], data[perm[1500:]]
    exact = ExactIndex(metric="ip", dim=64)
    exact.add(items)
    t = time.perf_counter()
    _, truth = exact.search(queries, 10)
    t_exact = time.perf_counter() - t
    settings = [("simple", {"bits": 64, "candidates": 100}), ("sign", {"bits": 64, "candidates": 100})]
    settings += [("l2", {"tables": 16, "hashes_per_table": K, "width": 2.5}) for K in ((12, 16) if args.quick else (8, 12, 16, 20))]
    rows, out = [], {"exact_seconds": t_exact, "n_items": len(items), "n_queries": len(queries), "methods": []}
    for method, kw in settings:
        t = time.perf_counter()
        mips = AsymmetricLSH(64, method=method, seed=0, **kw)
        mips.add(items)
        _, ids = mips.search(queries, 10)
        elapsed = time.perf_counter() - t
        if method == "l2":
            cands = np.mean([len(c) for c in mips.hasher.candidates(mips._transform(items[:0], queries)[1])])
        else:
            cands = kw["candidates"]
        r = recall(ids, truth)
        out["methods"].append({"method": method, **kw, "recall_at_10": r, "mean_candidates": float(cands), "seconds": elapsed})
        rows.append([method, ", ".join(f"{k}={v}" for k, v in kw.items()), f"{r:.3f}", f"{cands:.0f}"])
    print("\n### Maximum inner product search on digits (recall@10 against exact MIPS)\n")
    print(markdown_table(["method", "settings", "recall@10", "candidates re-ranked"], rows))

    # Euclidean neighbours with p-stable LSH (not MIPS): noisy copies of digits as queries
    rng = np.random.default_rng(0)
    q = data[rng.choice(len(data), 200, replace=False)] + rng.normal(scale=0.5, size=(200, 64))
    true_nn = np.argsort(((q[:, None] - data[None]) ** 2).sum(-1), axis=1)[:, :5]
    rows = []
    for K, L, r in ((8, 24, 60.0), (6, 24, 50.0), (4, 16, 30.0)):
        lsh = L2LSH(64, hashes_per_table=K, tables=L, width=r, seed=0)
        lsh.add(data)
        _, ids = lsh.search(q, 5)
        cands = np.mean([len(c) for c in lsh.candidates(q)])
        rec = recall(ids, true_nn)
        out.setdefault("l2lsh", []).append({"K": K, "L": L, "r": r, "recall_at_5": rec, "mean_candidates": float(cands)})
        rows.append([K, L, r, f"{rec:.3f}", f"{cands:.0f}"])
    print("\n### Euclidean 5-NN with p-stable L2 LSH on digits (200 noisy queries, 1,797 points)\n")
    print(markdown_table(["K (hashes/table)", "L (tables)", "r (width)", "recall@5", "candidates"], rows))
    print("wrote", write_json("index_alsh" + ("_quick" if args.quick else ""), out))


if __name__ == "__main__":
    main()
