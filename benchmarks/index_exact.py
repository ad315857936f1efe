"""Exact Hamming search: kanerva's fused top-k kernel against faiss, usearch and bhv, one run.

    python -m benchmarks.index_exact [--quick] [--threads 2]

Three workloads (issue 5): 100,000 stored 10,000-bit vectors searched by queries in batches of
100 and one query at a time (k = 10), and 10,000 stored 8,192-bit vectors with 1,000 queries
(k = 1, against bhv's ``closest``). Every peer gets the same packed data, the same number of
threads, and its results are checked against kanerva's (distances must agree).
Also: numpy's ``bitwise_count`` pipeline and the kernel's achieved GB/s against this machine's
streaming bandwidth (``numpy.sum`` over 2 GB). Writes benchmarks/results/index_exact.json.
"""

from __future__ import annotations

import argparse

import faiss
import numba
import numpy as np
from usearch.index import MetricKind
from usearch.index import search as usearch_search

import kanerva as kv
from kanerva.index import ExactIndex
from kanerva._kernels.bits import hamming_topk

from ._util import best_time, markdown_table, write_json


def random_rows(rng, n: int, bits: int) -> np.ndarray:
    return rng.integers(0, 2**64, size=(n, bits // 64), dtype=np.uint64)


def near_queries(rng, db: np.ndarray, n: int, flip: float = 0.2) -> np.ndarray:
    """Queries near stored rows (a fraction ``flip`` of bits changed), so top-k is meaningful."""
    base = db[rng.integers(0, db.shape[0], n)]
    noise = np.packbits(rng.random((n, base.shape[1] * 64)) < flip, axis=1, bitorder="little")
    return base ^ noise.view(np.uint64)


def stream_bandwidth() -> float:
    x = np.ones(2**28, dtype=np.uint64)  # 2 GB
    return x.nbytes / best_time(lambda: x.sum(), repeat=3)


def numpy_topk(q, db, k):
    d = np.bitwise_count(q[:, None, :] ^ db[None]).sum(-1, dtype=np.int32)
    return np.sort(d, axis=1)[:, :k]


def measure(name, fn, n_queries, repeat, check=None):
    out = {}
    t = best_time(lambda: out.setdefault("r", fn()), repeat=repeat)
    if check is not None:
        check(out["r"])
    return {"peer": name, "seconds": t, "queries_per_s": n_queries / t}


def run(quick: bool, threads: int) -> dict:
    numba.set_num_threads(threads)
    faiss.omp_set_num_threads(threads)
    rng = np.random.default_rng(0)
    results = {"threads": threads, "workloads": {}}
    n_big = 20_000 if quick else 100_000
    db = random_rows(rng, n_big, 10_048)[:, :157].copy()  # 10,048 bits: faiss needs bytes; 157 words
    db[:, -1] &= np.uint64((1 << 16) - 1)  # exactly 10,000 bits, padding zero
    db_u8 = db.view(np.uint8)[:, :1250].copy()  # faiss / usearch: the same 10,000 bits as 1,250 bytes
    index = faiss.IndexBinaryFlat(10_000)
    index.add(db_u8)
    q = near_queries(rng, db, 100)
    q[:, -1] &= np.uint64((1 << 16) - 1)
    q_u8 = q.view(np.uint8)[:, :1250].copy()
    ref = hamming_topk(q, db, 10)[0]
    exact = ExactIndex(kv.BSC(10_000))
    exact.add(db)

    def same(dist):
        dist = np.asarray(dist, dtype=np.int64).reshape(-1, ref.shape[1])
        assert (dist == ref[: len(dist)]).all(), "peer disagrees with kanerva"

    for label, n, rep in (("batch of 100", 100, 3), ("one at a time", 20, 1)):
        rows = []
        if n == 100:
            rows.append(measure("kanerva hamming_topk", lambda: hamming_topk(q, db, 10)[0], n, rep, same))
            rows.append(measure("kanerva ExactIndex.search", lambda: exact.search(q, 10)[0], n, rep, same))
            rows.append(measure("faiss IndexBinaryFlat", lambda: index.search(q_u8, 10)[0], n, rep, same))
            rows.append(measure("usearch exact Hamming", lambda: usearch_search(
                db_u8, q_u8, 10, MetricKind.Hamming, exact=True, threads=threads).distances, n, rep, same))
            small = q[:5]  # numpy's pipeline is slow: measured on 5 queries and a 20,000-row slice
            t = best_time(lambda: numpy_topk(small, db[:20_000], 10), repeat=1)
            rows.append({"peer": "numpy bitwise_count pipeline", "seconds": t,
                         "queries_per_s": 5 / t * 20_000 / n_big})
        else:
            rows.append(measure("kanerva hamming_topk", lambda: np.concatenate(
                [hamming_topk(q[i : i + 1], db, 10)[0] for i in range(n)]), n, rep, same))
            rows.append(measure("kanerva ExactIndex.search", lambda: np.concatenate(
                [exact.search(q[i], 10)[0] for i in range(n)]), n, rep, same))
            rows.append(measure("faiss IndexBinaryFlat", lambda: np.concatenate(
                [index.search(q_u8[i : i + 1], 10)[0] for i in range(n)]), n, rep, same))
            rows.append(measure("usearch exact Hamming", lambda: np.concatenate(
                [usearch_search(db_u8, q_u8[i : i + 1], 10, MetricKind.Hamming, exact=True,
                                threads=threads).distances for i in range(n)]), n, rep, same))
        if n == 20:  # one query at a time reads the whole collection per query
            for r in rows:
                r["GB_per_s"] = r["queries_per_s"] * db.nbytes / 1e9
        results["workloads"][f"{n_big:,} x 10,000 bits, {label}"] = rows

    # bhv: 10,000 stored x 8,192 bits, 1,000 queries, nearest one
    from bhv.native import NativePackedBHV as BHV

    n_q = 200 if quick else 1_000
    db8 = random_rows(rng, 10_000, 8_192)
    q8 = near_queries(rng, db8, n_q)
    bdb = [BHV.from_bytes(r.tobytes()) for r in db8]
    bq = [BHV.from_bytes(r.tobytes()) for r in q8]
    nearest = hamming_topk(q8, db8, 1)[1][:, 0]

    def same_ids(ids):
        assert (np.asarray(ids) == nearest).all(), "bhv disagrees with kanerva"

    index8 = faiss.IndexBinaryFlat(8_192)
    index8.add(db8.view(np.uint8))
    rows = [
        measure("kanerva hamming_topk", lambda: hamming_topk(q8, db8, 1)[1][:, 0], n_q, 3, same_ids),
        measure("kanerva hamming_topk, 1 thread", lambda: hamming_topk(q8, db8, 1, threads=1)[1][:, 0], n_q, 3, same_ids),
        measure("bhv closest (C++, 1 thread)", lambda: [x.closest(bdb) for x in bq], n_q, 1, same_ids),
        measure("faiss IndexBinaryFlat", lambda: index8.search(q8.view(np.uint8), 1)[1][:, 0], n_q, 3),
    ]
    results["workloads"][f"10,000 x 8,192 bits, {n_q:,} queries"] = rows
    results["stream_bandwidth_GB_per_s_one_thread"] = stream_bandwidth() / 1e9
    results["kernel"] = kernel_check(db, q, threads)
    return results


def kernel_check(db, q, threads: int) -> dict:
    """Does LLVM vectorize the xor-popcount loop, and how fast is it on one thread?"""
    from kanerva._kernels.bits import _topk_scan

    fresh = numba.njit(nogil=True)(_topk_scan.py_func)  # cached code cannot be inspected: recompile
    dist, idx = np.full((1, 10), 2**31 - 1, dtype=np.int32), np.full((1, 10), -1, dtype=np.int64)
    fresh(q[:1], db[:100], dist, idx, 0)
    asm = "".join(fresh.inspect_asm().values())
    out = {"vpshufb_in_asm": "vpshufb" in asm, "vpsadbw_in_asm": "vpsadbw" in asm}
    numba.set_num_threads(1)
    hot = db[:256]  # 320 KB: stays in L2, so this is the arithmetic rate
    t = best_time(lambda: hamming_topk(q[:1], hot, 10, threads=1), repeat=200)
    out["one_thread_L2_GB_per_s"] = hot.nbytes / t / 1e9
    t = best_time(lambda: hamming_topk(q[:1], db, 10, threads=1), repeat=5)
    out["one_thread_streaming_GB_per_s"] = db.nbytes / t / 1e9
    numba.set_num_threads(threads)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller collection (20,000 rows)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    results = run(args.quick, args.threads)
    for name, rows in results["workloads"].items():
        base = rows[0]["queries_per_s"]
        print(f"\n### {name} ({results['threads']} threads)\n")
        gbs = "GB_per_s" in rows[0]
        print(markdown_table(["method", "queries/s"] + (["GB/s read"] if gbs else []) + ["kanerva / peer"],
                             [[r["peer"], f"{r['queries_per_s']:,.0f}"] + ([f"{r['GB_per_s']:.1f}"] if gbs else [])
                              + [f"{base / r['queries_per_s']:.2f}"] for r in rows]))
    print(f"\nstreaming bandwidth (numpy sum, 1 thread): {results['stream_bandwidth_GB_per_s_one_thread']:.1f} GB/s")
    k = results["kernel"]
    print(f"kernel, 1 thread: {k['one_thread_L2_GB_per_s']:.1f} GB/s from L2, {k['one_thread_streaming_GB_per_s']:.1f} GB/s "
          f"streaming from RAM; AVX2 popcount (vpshufb/vpsadbw) in the compiled loop: "
          f"{k['vpshufb_in_asm'] and k['vpsadbw_in_asm']}")
    path = write_json("index_exact" + ("_quick" if args.quick else ""), results)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
