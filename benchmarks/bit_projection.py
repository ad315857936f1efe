"""The packed-bit projections of :mod:`kanerva._kernels.projection` against unpack + BLAS, one run.

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python -m benchmarks.bit_projection [--quick]

V packed rows of ``dim`` bits (the n-gram vectors of the language model: V = 177,777,
dim = 16,384, C = 21 classes by default; ``--quick``: V = 20,000) projected three ways by the
byte-lookup kernels, and the same products by the path they replace: float32 +-1 blocks of 4,096
rows (:func:`~kanerva._kernels.projection.bipolar_rows`) multiplied by OpenBLAS sgemm, in the
same process, one thread each, the best of 2 runs. The integer profiles must be identical; the
float results are compared by their relative Frobenius difference. Prints a markdown table and
writes ``benchmarks/results/bit_projection.json``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402

import numpy as np  # noqa: E402

from kanerva._kernels.bits import n_words  # noqa: E402
from kanerva._kernels.projection import bipolar_rows, bit_table, weighted_bundle  # noqa: E402

from ._util import best_time, markdown_table, write_json  # noqa: E402

BLOCK = 4096  # rows per float32 block of the BLAS path


def run(v: int = 177_777, dim: int = 16_384, c: int = 21, repeat: int = 2) -> dict:
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2**64 - 1, (v, n_words(dim)), dtype=np.uint64, endpoint=True)
    if dim % 64:
        bits[:, -1] &= np.uint64((1 << (dim % 64)) - 1)
    counts = (rng.pareto(1.2, (v, c)) * 3 * (rng.random((v, c)) < 0.15)).astype(np.int64)
    a = counts / np.maximum(np.linalg.norm(counts, axis=1, keepdims=True), 1)
    a += 0.02 * rng.standard_normal((v, c)) * (rng.random((v, c)) < 0.3)
    buffer = np.empty((BLOCK, dim), np.float32)

    def blocks():
        for s in range(0, v, BLOCK):
            rows = min(BLOCK, v - s)
            yield s, bipolar_rows(bits[s : s + rows], dim, out=buffer[:rows])

    def blas_bundles():
        both = np.concatenate([counts, a], axis=1).astype(np.float32)
        return sum(both[s : s + f.shape[0]].T @ f for s, f in blocks()).astype(np.float64)

    def blas_table(w):
        return np.concatenate([f @ w.T.astype(np.float32) for _, f in blocks()])

    def timed(f):
        out = []
        t = best_time(lambda: out.append(f()), repeat=repeat, warmup=0)
        return t, out[-1]

    weighted_bundle(bits[:64], counts[:64], dim), weighted_bundle(bits[:64], a[:64], dim)  # compiled and loaded
    bit_table(bits[:64], np.zeros((c, dim)), dim), bipolar_rows(bits[:64], dim)
    t_p, p = timed(lambda: weighted_bundle(bits, counts, dim))
    t_w, w = timed(lambda: weighted_bundle(bits, a, dim))
    t_t, t = timed(lambda: bit_table(bits, w, dim))
    t_bb, both = timed(blas_bundles)
    t_bt, tb = timed(lambda: blas_table(w))

    def rel(x, y):
        return float(np.linalg.norm(x - y) / np.linalg.norm(y))

    return {
        "settings": {"rows": v, "dim": dim, "classes": c, "repeat": repeat},
        "weighted_bundle_counts_s": t_p, "weighted_bundle_real_s": t_w, "bit_table_s": t_t,
        "blas_bundles_s": t_bb, "blas_table_s": t_bt,
        "profiles_identical": bool((p == both[:c]).all()),
        "weighted_bundle_rel_diff": rel(w, both[c:]), "bit_table_rel_diff": rel(t, tb),
        "speedup_total": (t_bb + t_bt) / (t_p + t_w + t_t),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows instead of 177,777")
    args = parser.parse_args(argv)
    r = run(v=20_000 if args.quick else 177_777)
    print(markdown_table(
        ["product", "kernel (s)", "unpack + BLAS (s)", "ratio", "agreement"],
        [["class profiles counts.T F (int64)", f"{r['weighted_bundle_counts_s']:.2f}", "", "",
          "identical" if r["profiles_identical"] else "DIFFERENT"],
         ["class vectors a.T F (float64)", f"{r['weighted_bundle_real_s']:.2f}", "", "",
          f"{r['weighted_bundle_rel_diff']:.1e}"],
         ["both bundles (one sgemm on the BLAS side)",
          f"{r['weighted_bundle_counts_s'] + r['weighted_bundle_real_s']:.2f}", f"{r['blas_bundles_s']:.2f}",
          f"{r['blas_bundles_s'] / (r['weighted_bundle_counts_s'] + r['weighted_bundle_real_s']):.1f}x", ""],
         ["table F W.T (float32)", f"{r['bit_table_s']:.2f}", f"{r['blas_table_s']:.2f}",
          f"{r['blas_table_s'] / r['bit_table_s']:.1f}x", f"{r['bit_table_rel_diff']:.1e}"],
         ["total", f"{r['weighted_bundle_counts_s'] + r['weighted_bundle_real_s'] + r['bit_table_s']:.2f}",
          f"{r['blas_bundles_s'] + r['blas_table_s']:.2f}", f"{r['speedup_total']:.1f}x", ""]]))
    print(f"wrote {write_json('bit_projection', r)}")


if __name__ == "__main__":
    main()
