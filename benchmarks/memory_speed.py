"""Associative memories: kanerva.memory against torchhd.memory, side by side, one thread each.

    python -m benchmarks.memory_speed            # all cases, table + benchmarks/results/memory_speed.json
    python -m benchmarks.memory_speed --quick    # smaller sizes

Every (case, implementation) runs in its own fresh process, so the peak resident memory it adds
(ru_maxrss after the run minus before it, with data built and libraries imported) is its own.
Both sides get one thread (torch.set_num_threads(1), numba.set_num_threads(1)). Times are the
best of several runs after a warm-up (numba compiled, caches warm).

Cases (equal sizes on both sides):
- hopfield: write P patterns, one synchronous update of B cues. torchhd.memory.hopfield (the
  function: builds W = X^T X each call) and torchhd.memory.Hopfield (the module: W kept).
- dam-exp: one synchronous update with F = exp (Demircigil et al.), which is what
  torchhd.memory.modern_hopfield computes.
- attention: modern Hopfield retrieval softmax(beta q K^T) V vs torchhd.memory.attention.
- sdm: write T items, read B items, same radius (torchhd derives it from p with binom.ppf).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import warnings

import numpy as np

from ._util import best_time, markdown_table, write_json

CASES = {
    "hopfield-a0.036": dict(kind="hopfield", n=1024, p=37, b=1000),
    "hopfield-a0.1": dict(kind="hopfield", n=1024, p=102, b=1000),
    "dam-exp": dict(kind="dam", n=256, p=2000, b=100),
    "attention": dict(kind="attention", n=256, p=10_000, b=1000),
    "sdm": dict(kind="sdm", n=1000, m=20_000, t=1000, b=1000, prob=0.005),
}
QUICK = {"hopfield-a0.036": dict(n=512, p=18, b=300), "hopfield-a0.1": dict(n=512, p=51, b=300),
         "dam-exp": dict(n=128, p=500, b=50), "attention": dict(n=128, p=2000, b=300),
         "sdm": dict(n=512, m=5000, t=300, b=300)}
IMPLS = {"hopfield": ["kanerva", "torchhd.hopfield", "torchhd.Hopfield"], "dam": ["kanerva", "torchhd.modern_hopfield"],
         "attention": ["kanerva", "torchhd.attention"], "sdm": ["kanerva", "torchhd.SparseDistributed"]}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _data(cfg):
    rng = np.random.default_rng(0)
    n = cfg["n"]
    if cfg["kind"] in ("hopfield", "dam"):
        x = np.where(rng.random((cfg["p"], n)) < 0.5, -1, 1).astype(np.int8)
        cues = x[rng.integers(0, cfg["p"], cfg["b"])].copy()
        flips = rng.random(cues.shape) < 0.1
        cues[flips] *= -1
        return x, cues
    if cfg["kind"] == "attention":
        k = rng.standard_normal((cfg["p"], n)).astype(np.float32)
        return k, (k[: cfg["b"]] + 0.5 * rng.standard_normal((cfg["b"], n))).astype(np.float32)
    return None, None


def _warm() -> None:
    """Load every compiled kernel and the torch allocator on tiny inputs, before any baseline."""
    import torch
    import torchhd

    import kanerva as kv
    from kanerva.memory import DenseAssociativeMemory, Hopfield, ModernHopfield, SparseDistributedMemory

    x = np.array([[1, -1, 1, -1], [1, 1, -1, -1]], dtype=np.int8)
    for mem in (Hopfield(4), DenseAssociativeMemory(4, interaction="exp"), ModernHopfield(4)):
        data = x if not isinstance(mem, ModernHopfield) else x.astype(np.float32)
        mem.write(data)
        mem.read(data, steps=1)
    s = kv.BSC(64)
    sdm = SparseDistributedMemory(s, locations=10, radius=30)
    sdm.write(s.random(2))
    sdm.read(s.random(2), steps=1)
    tx = torch.from_numpy(x.astype(np.float32))
    torchhd.memory.hopfield(tx, tx), torchhd.memory.modern_hopfield(tx, tx), torchhd.memory.attention(tx, tx, tx)


def run_one(case: str, impl: str, cfg: dict) -> dict:
    """Time one implementation on one case (in this process) and measure its added peak memory."""
    import numba
    import torch

    torch.set_num_threads(1)
    numba.set_num_threads(1)
    warnings.simplefilter("ignore")
    _warm()
    x, cues = _data(cfg)
    kind = cfg["kind"]
    if kind == "hopfield":
        if impl == "kanerva":
            from kanerva.memory import Hopfield

            def fn():
                net = Hopfield(cfg["n"])
                net.write(x)
                return net.read(cues, steps=1)
        else:
            import torchhd

            tx, tq = torch.from_numpy(x.astype(np.float32)), torch.from_numpy(cues.astype(np.float32))
            if impl == "torchhd.hopfield":
                def fn():
                    return torchhd.memory.hopfield(tq, tx).sign().numpy()
            else:
                def fn():
                    mem = torchhd.memory.Hopfield(cfg["n"])
                    mem.write(tx)
                    return mem.read(tq).sign().numpy()
    elif kind == "dam":
        if impl == "kanerva":
            from kanerva.memory import DenseAssociativeMemory

            dam = DenseAssociativeMemory(cfg["n"], interaction="exp")
            dam.write(x)

            def fn():
                return dam.read(cues, steps=1)
        else:
            import torchhd

            tx, tq = torch.from_numpy(x.astype(np.float32)), torch.from_numpy(cues.astype(np.float32))

            def fn():
                return torchhd.memory.modern_hopfield(tq, tx).sign().numpy()
    elif kind == "attention":
        beta = 1.0 / np.sqrt(cfg["n"])
        if impl == "kanerva":
            from kanerva.memory import ModernHopfield

            mem = ModernHopfield(cfg["n"], beta=beta)
            mem.write(x)

            def fn():
                return mem.read(cues, steps=1)  # one update, as attention
        else:
            import torchhd

            tk, tq = torch.from_numpy(x), torch.from_numpy(cues)

            def fn():
                return torchhd.memory.attention(tq, tk, tk, beta=beta).numpy()
    else:
        return _run_sdm(impl, cfg)
    before = _rss_mb()
    out = fn()
    peak = _rss_mb() - before
    seconds = best_time(fn, repeat=5, warmup=0)
    return {"seconds": seconds, "peak_mb": peak, "checksum": _checksum(out)}


def _run_sdm(impl: str, cfg: dict) -> dict:
    import torch

    import kanerva as kv
    from kanerva.memory import SparseDistributedMemory

    n, m = cfg["n"], cfg["m"]
    s = kv.BSC(n, seed=0)
    items = s.random(key=[f"item{i}" for i in range(cfg["t"])])
    reads = items[: cfg["b"]]
    # the same location addresses on both sides, so the answers can be compared bit for bit
    ours = SparseDistributedMemory(s, locations=m, activation=None, radius=None)
    from scipy.stats import binom

    radius = int(binom.ppf(cfg["prob"], n, 0.5))
    if impl == "kanerva":
        def build():
            sdm = SparseDistributedMemory(s, locations=m, radius=radius, counter_dtype="int8")
            sdm.write(items)
            return sdm
    else:
        import torchhd

        keys = torch.from_numpy(1.0 - 2.0 * s.to_bits(ours.addresses_).astype(np.float32))
        t_items = torch.from_numpy(1.0 - 2.0 * s.to_bits(items).astype(np.float32))
        t_reads = t_items[: cfg["b"]]

        def build():
            sdm = torchhd.memory.SparseDistributed(m, n, n, p=cfg["prob"])
            sdm.keys.data = keys
            sdm.values.data.zero_()  # torchhd leaves values uninitialized (empty)
            sdm.write(t_items, t_items)
            return sdm
    before = _rss_mb()
    sdm = build()
    peak = _rss_mb() - before
    write_s = best_time(build, repeat=5, warmup=0)
    if impl == "kanerva":
        def read():
            return s.to_bits(sdm.read(reads, steps=1))  # one read, as torchhd
    else:
        def read():
            return (sdm.read(t_reads).sign() < 0).numpy().astype(np.uint8)
    read_s = best_time(read, repeat=5, warmup=1)
    return {"seconds": write_s + read_s, "write_seconds": write_s, "read_seconds": read_s, "peak_mb": peak,
            "radius": radius, "checksum": _checksum(read())}


def _checksum(out) -> str:
    """Sum of the answer, to see at a glance that both sides computed the same thing."""
    return f"{float(np.asarray(out, dtype=np.float64).sum()):.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--worker", nargs=2, metavar=("CASE", "IMPL"), help=argparse.SUPPRESS)
    ap.add_argument("--cases", nargs="*", default=list(CASES))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    configs = {c: {**CASES[c], **(QUICK[c] if args.quick else {})} for c in CASES}
    if args.worker:
        case, impl = args.worker
        print(json.dumps(run_one(case, impl, configs[case])))
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "NUMBA_NUM_THREADS": "1"}
    results, table = [], []
    for case in args.cases:
        cfg = configs[case]
        got = {}
        # the machine is shared: alternate the implementations over several rounds and keep
        # each one's best, so a burst of load elsewhere does not decide a ratio
        for _ in range(args.rounds):
            for impl in IMPLS[cfg["kind"]]:
                cmd = [sys.executable, "-m", "benchmarks.memory_speed", "--worker", case, impl]
                proc = subprocess.run(cmd + (["--quick"] if args.quick else []), capture_output=True, text=True,
                                      check=True, env=env)
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                if impl not in got or r["seconds"] < got[impl]["seconds"]:
                    got[impl] = r
        ours = got["kanerva"]["seconds"]
        for impl, r in got.items():
            speedup = r["seconds"] / ours
            results.append({"case": case, **cfg, "impl": impl, **r, "kanerva_speedup": speedup})
            table.append([case, impl, f"{r['seconds'] * 1e3:.1f}", f"{r['peak_mb']:.0f}",
                          "1.0" if impl == "kanerva" else f"{speedup:.1f}x", r["checksum"]])
    print(markdown_table(["case", "implementation", "ms", "peak MB added", "kanerva faster by", "checksum"], table))
    write_json("memory_speed" + ("_quick" if args.quick else ""), {"threads": 1, "results": results})


if __name__ == "__main__":
    main()
