"""The algebra against torchhd 5.8.4 (and bhv for BSC bundling), side by side in one run.

    python -m benchmarks.core [--quick]

One thread each (torch, numba and numpy's BLAS limited to one thread); D = 10,000.
Prints a markdown table of times and ratios and writes benchmarks/results/core.json.
"""

from __future__ import annotations

import argparse

import numba
import threadpoolctl
import numpy as np
import torch
import torchhd

import kanerva as kv

from ._util import best_time, markdown_table, write_json

D = 10_000
TORCHHD_NAME = {"bsc": "BSC", "map": "MAP", "hrr": "HRR", "fhrr": "FHRR"}


def bandwidth_bytes_per_s(nbytes: int = 50_000_000) -> float:
    """Copy bandwidth (bytes moved, read + write) of this machine, one thread."""
    src = np.ones(nbytes // 8, dtype=np.uint64)
    dst = np.empty_like(src)
    t = best_time(lambda: np.copyto(dst, src), repeat=5)
    return 2 * src.nbytes / t


def torchhd_similarity_time(q, x, chunk: int, model: str) -> float:
    """torchhd similarity of all queries, measured on a few chunks and scaled (it is linear)."""
    fn = torchhd.hamming_similarity if model == "bsc" else torchhd.cosine_similarity
    n_chunks = max(1, min(3, q.shape[0] // chunk))
    t = best_time(lambda: [fn(q[i * chunk:(i + 1) * chunk], x) for i in range(n_chunks)], repeat=1, warmup=0)
    return t * q.shape[0] / (n_chunks * chunk)


def run(quick: bool) -> dict:
    torch.set_num_threads(1)
    numba.set_num_threads(1)
    threadpoolctl.threadpool_limits(1)  # numpy's BLAS too
    n = 2_000 if quick else 10_000
    n_queries, n_stored = (200, 2_000) if quick else (1_000, 10_000)
    rows, results = [], {}
    bw = bandwidth_bytes_per_s()
    for model in ["bsc", "map", "hrr", "fhrr"]:
        s = kv.MODELS[model](D, seed=0)
        x, y = s.random(n), s.random(n)
        tx = torchhd.random(n, D, TORCHHD_NAME[model])
        ty = torchhd.random(n, D, TORCHHD_NAME[model])
        r = {}
        r["bind"] = (best_time(lambda: s.bind(x, y)), best_time(lambda: torchhd.bind(tx, ty)))
        r["bundle"] = (best_time(lambda: s.bundle(x)),
                       best_time(lambda: torchhd.normalize(torchhd.multiset(tx)), repeat=3))
        q, stored = s.random(n_queries), s.random(n_stored)
        tq, tstored = torchhd.random(n_queries, D, TORCHHD_NAME[model]), torchhd.random(n_stored, D, TORCHHD_NAME[model])
        chunk = 5 if model == "bsc" else n_queries
        r["similarity"] = (best_time(lambda: s.similarity(q, stored), repeat=3),
                           torchhd_similarity_time(tq, tstored, chunk, model))
        bytes_ours = s.bytes_per_vector
        bytes_peer = tx[0].element_size() * D
        for op, (ours, peer) in r.items():
            label = {"bind": f"bind {n:,} pairs", "bundle": f"bundle {n:,} into one",
                     "similarity": f"similarity {n_queries:,} x {n_stored:,}"}[op]
            rows.append([model.upper(), label, f"{ours * 1e3:.2f}", f"{peer * 1e3:.1f}", f"{peer / ours:.1f}x"])
        results[model] = {op: {"kanerva_s": o, "torchhd_s": p, "ratio": p / o} for op, (o, p) in r.items()}
        results[model]["bytes_per_vector"] = {"kanerva": bytes_ours, "torchhd": bytes_peer}
        if model == "bsc":
            s_bsc_bytes = bytes_ours
    # bhv (packed C++) bundles at its fixed 8,192 bits: compare at the same width
    from bhv.native import NativePackedBHV

    s8 = kv.BSC(8192, seed=0)
    x8 = s8.random(n)
    hv = [NativePackedBHV.rand() for _ in range(n)]
    ours8, bhv8 = best_time(lambda: s8.bundle(x8)), best_time(lambda: NativePackedBHV.majority(hv))
    rows.append(["BSC", f"bundle {n:,} x 8,192 bits (vs bhv)", f"{ours8 * 1e3:.2f}", f"{bhv8 * 1e3:.2f} (bhv)", f"{bhv8 / ours8:.2f}x"])
    results["bsc"]["bundle_8192_vs_bhv"] = {"kanerva_s": ours8, "bhv_s": bhv8}
    # keyed randomness in bulk
    n_keys = 20_000 if quick else 100_000
    keys = [f"symbol-{i}" for i in range(n_keys)]
    for model in ["bsc", "map"]:
        s = kv.MODELS[model](D, seed=0)
        t_ours = best_time(lambda: s.random(key=keys), repeat=1)
        t_peer = best_time(lambda: torchhd.random(n_keys, D, TORCHHD_NAME[model]), repeat=1)
        rows.append([model.upper(), f"codebook of {n_keys:,} keyed symbols", f"{t_ours * 1e3:.0f}",
                     f"{t_peer * 1e3:.0f} (unkeyed)", f"{t_peer / t_ours:.2f}x"])
        results[model]["codebook"] = {"n": n_keys, "kanerva_s": t_ours, "torchhd_unkeyed_s": t_peer}
    table = markdown_table(["model", "operation (D = 10,000)", "kanerva ms", "torchhd ms", "speed-up"], rows)
    byte_rows = [[m.upper(), results[m]["bytes_per_vector"]["kanerva"], results[m]["bytes_per_vector"]["torchhd"]]
                 for m in ["bsc", "map", "hrr", "fhrr"]]
    bsc_bind = results["bsc"]["bind"]
    bytes_ratio = results["bsc"]["bytes_per_vector"]["torchhd"] / results["bsc"]["bytes_per_vector"]["kanerva"]
    extra = (f"\nBSC bind moves {3 * n * s_bsc_bytes / 1e6:.1f} MB (read a, b; write the result): "
             f"{3 * n * s_bsc_bytes / bsc_bind['kanerva_s'] / 1e9:.1f} GB/s effective, against a measured copy "
             f"bandwidth of {bw / 1e9:.1f} GB/s (large copies; the operands partly sit in cache). torchhd moves "
             f"{bytes_ratio:.1f}x as many bytes (one byte per bit), so if both ran at the same bandwidth the "
             f"speed-up would be {bytes_ratio:.1f}x; measured: {bsc_bind['ratio']:.1f}x.")
    print(table)
    print()
    print(markdown_table(["model", "bytes/vector kanerva", "bytes/vector torchhd"], byte_rows))
    print(extra)
    write_json("core_quick" if quick else "core", {"results": results, "bandwidth_bytes_per_s": bw})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    run(parser.parse_args().quick)


if __name__ == "__main__":
    main()
