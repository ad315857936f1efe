"""Resonator networks: operational capacity against alternating least squares and codebook
search (Kent, Frady, Sommer & Olshausen 2020, "Resonator networks, 2", Neural Computation
32:2332-2388), and against torchhd's ``resonator`` on the same problems.

    python -m benchmarks.structures_resonator --part capacity   # accuracies: no lock needed
    flock /tmp/kanerva-bench.lock python -m benchmarks.structures_resonator --part speed
    python -m benchmarks.structures_resonator --quick           # both, N <= 1000 only

Problem: three bipolar codebooks (MAP) of K vectors each, a composite ``s = x (.) y (.) z``;
search space M = K^3. Operational capacity: the largest M factored with 99% accuracy, with at
most 0.001 M iterations (Kent et al.'s protocol, at least 50 here), found by sweeping K with
200 problems per point (100 for ALS) and interpolating the K at which accuracy last crosses
0.99. Peers:

- alternating least squares (ALS; Kent et al. section 3): coefficients over each codebook,
  solved in turn by least squares with the others fixed, decoded by the largest coefficient;
- codebook search: the exact maximum of <s, x (.) y (.) z> over all M combinations (always right
  at these N, but M N operations per problem: its cost, not its accuracy, is what limits it);
- torchhd 5.8.4 ``torchhd.resonator`` (MAP only; simultaneous updates, sign with 0 at ties),
  iterated from ``torchhd.multiset`` of each codebook to a fixed point, same problems.

Everything runs on one thread (OpenBLAS and torch), so the times compare the algorithms.
Writes benchmarks/results/structures_resonator.json and docs/img/structures_resonator_capacity.png.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import kanerva as kv  # noqa: E402
from kanerva.structures import Resonator  # noqa: E402

from ._util import markdown_table, write_json  # noqa: E402

IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
TRIALS = 100
# Kent et al.'s measured operational capacities (spencerkent/resonator-networks,
# operational_capacity.yaml): codebook size K at 99% accuracy, 3 factors, by N
PUBLISHED = {"resonator (OP)": {1500: 79, 1750: 104, 2000: 128, 2250: 150},
             "ALS": {1500: 23.7, 1750: 25.5, 2000: 28, 2250: 30}}


def problems(dim: int, k: int, trials: int, seed: int = 0):
    s = kv.MAP(dim, seed=seed)
    cbs = [kv.Codebook(s, [f"{f}{i}" for i in range(k)]) for f in "xyz"]
    idx = np.random.default_rng(seed).integers(0, k, size=(trials, 3))
    comp = s.bind(s.bind(cbs[0].vectors[idx[:, 0]], cbs[1].vectors[idx[:, 1]]), cbs[2].vectors[idx[:, 2]])
    return cbs, idx, comp


def max_steps(k: int) -> int:
    return max(50, k**3 // 1000)


def run_resonator(cbs, idx, comp):
    net = Resonator(cbs, max_steps=max_steps(len(cbs[0])))
    t = time.perf_counter()
    got, info = net.factor_indices(comp)
    return (got == idx).all(1).mean(), time.perf_counter() - t, float(info.steps.mean())


def run_als(cbs, idx, comp, iters: int = 100, tol: float = 1e-4):
    """ALS over codebook coefficients, batched over problems."""
    X = [cb.vectors.astype(np.float64) for cb in cbs]           # (K, N)
    s = comp.astype(np.float64)                                  # (B, N)
    B, K = s.shape[0], X[0].shape[0]
    coef = [np.full((B, K), 1.0 / K) for _ in range(3)]
    est = [c @ x for c, x in zip(coef, X)]                        # (B, N)
    t = time.perf_counter()
    last = np.full(B, np.inf)
    for _ in range(iters):
        for f in range(3):
            d = np.prod([est[g] for g in range(3) if g != f], axis=0)     # (B, N)
            A = np.matmul(X[f][None] * (d * d)[:, None, :], X[f].T) + 1e-9 * np.eye(K)   # X^T D^2 X
            rhs = (d * s) @ X[f].T                                                         # X^T D s
            coef[f] = np.linalg.solve(A, rhs[..., None])[..., 0]
            est[f] = coef[f] @ X[f]
        loss = ((s - est[0] * est[1] * est[2]) ** 2).mean(axis=1)
        if np.all(np.abs(last - loss) <= tol * np.maximum(loss, 1e-12)):
            break
        last = loss
    got = np.stack([np.argmax(np.abs(c), axis=1) for c in coef], axis=1)
    return (got == idx).all(1).mean(), time.perf_counter() - t, None


def run_search(cbs, idx, comp):
    """Exact codebook search: <s, x (.) y (.) z> for every combination."""
    X = [cb.vectors.astype(np.float32) for cb in cbs]
    t = time.perf_counter()
    got = []
    for s in comp.astype(np.float32):
        xy = (X[0][:, None, :] * X[1][None, :, :] * s).reshape(-1, s.shape[0])   # (K^2, N)
        flat = np.argmax(xy @ X[2].T)
        i, rest = divmod(int(flat), len(X[1]) * len(X[2]))
        j, l = divmod(rest, len(X[2]))
        got.append((i, j, l))
    return (np.array(got) == idx).all(1).mean(), time.perf_counter() - t, None


def run_torchhd(cbs, idx, comp):
    import torch
    import torchhd

    torch.set_num_threads(1)
    domains = torch.from_numpy(np.stack([cb.vectors for cb in cbs]).astype(np.float32)).as_subclass(torchhd.MAPTensor)
    s = torch.from_numpy(comp.astype(np.float32)).as_subclass(torchhd.MAPTensor)
    t = time.perf_counter()
    est = torchhd.multiset(domains).unsqueeze(0).expand(len(s), 3, -1).clone()
    steps = 0
    for steps in range(1, max_steps(len(cbs[0])) + 1):
        new = torchhd.resonator(s, est, domains)
        if torch.equal(new, est):
            break
        est = new
    got = torch.stack([(est[:, f] @ domains[f].T).abs().argmax(-1) for f in range(3)], 1).numpy()
    return (got == idx).all(1).mean(), time.perf_counter() - t, float(steps)


def capacity(method, dim: int, ks, trials: int = TRIALS) -> tuple[float, list]:
    """Sweep K upwards until accuracy falls below 0.9; the K of the last downward crossing of
    0.99 (linear interpolation), which is less sensitive to one unlucky point than the first."""
    rows = []
    for k in ks:
        cbs, idx, comp = problems(dim, k, trials, seed=k)
        acc, secs, steps = method(cbs, idx, comp)
        rows.append((k, float(acc), secs, steps))
        print(f"    N={dim} K={k:4d} M={k**3:>9,} accuracy {acc:.3f}  {secs:6.2f} s", flush=True)
        if acc < 0.9:
            break
    crossing = float(rows[0][0])
    for (k0, a0, *_), (k1, a1, *_) in zip(rows, rows[1:]):
        if a0 >= 0.99 > a1:
            crossing = k0 + (a0 - 0.99) / (a0 - a1) * (k1 - k0)
    if rows[-1][1] >= 0.99:
        crossing = float(rows[-1][0])
    return crossing, rows


def grid(start: int, stop: int, ratio: float = 1.12) -> list[int]:
    out = [start]
    while out[-1] < stop:
        out.append(max(out[-1] + 1, int(round(out[-1] * ratio))))
    return out


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    part = argv[argv.index("--part") + 1] if "--part" in argv else "all"
    if part not in ("all", "capacity", "speed"):
        raise SystemExit("--part must be capacity or speed")
    results = {}
    if part in ("all", "capacity"):
        results.update(capacity_part([500, 1000] if quick else [500, 1000, 1500, 2000]))
    if part in ("all", "speed"):
        results.update(speed_part([(1000, 30), (1000, 40)] if quick else [(1000, 30), (1000, 40), (1500, 60), (2000, 90)]))
    results["load_average"] = os.getloadavg()
    print(f"\nload average {results['load_average']}")
    name = "structures_resonator" + ("_quick" if quick else "") + ("" if part == "all" else "_" + part)
    write_json(name, results)
    if "capacity" in results:
        plot(results, PUBLISHED)


def capacity_part(dims) -> dict:
    results = {"capacity": {}}
    rows = []
    for dim in dims:
        print(f"## N = {dim}", flush=True)
        k_res, sweep_res = capacity(run_resonator, dim, grid(max(8, dim // 40), dim // 5), trials=2 * TRIALS)
        k_als, sweep_als = capacity(run_als, dim, grid(5, dim // 20))
        results["capacity"][dim] = {"resonator": k_res, "als": k_als, "sweep_resonator": sweep_res,
                                    "sweep_als": sweep_als}
        pub = PUBLISHED["resonator (OP)"].get(dim), PUBLISHED["ALS"].get(dim)
        rows.append([dim, f"{k_res:.1f} ({k_res ** 3:,.0f})", f"{pub[0]}" if pub[0] else "-",
                     f"{k_als:.1f} ({k_als ** 3:,.0f})", f"{pub[1]}" if pub[1] else "-",
                     f"{(k_res / k_als) ** 3:,.0f}x"])
    print("\n## Operational capacity (K at 99% accuracy, M = K^3 in brackets)\n")
    table = markdown_table(["N", "resonator (ours)", "resonator (Kent et al.)", "ALS (ours)", "ALS (Kent et al.)",
                            "M ratio"], rows)
    print(table)
    return results


def speed_part(points) -> dict:
    """torchhd and codebook search, side by side on the same problems."""
    results = {"torchhd": {}, "search": {}}
    side = []
    for dim, k in points:
        cbs, idx, comp = problems(dim, k, TRIALS, seed=7)
        ours = run_resonator(cbs, idx, comp)
        theirs = run_torchhd(cbs, idx, comp)
        search = run_search(cbs[:], idx[:10], comp[:10])
        results["torchhd"][f"{dim}x{k}"] = {"ours": ours, "torchhd": theirs}
        results["search"][f"{dim}x{k}"] = search
        per = lambda r, n=TRIALS: r[1] / n * 1e3  # noqa: E731
        side.append([dim, f"{k} ({k ** 3:,})", f"{ours[0]:.2f} / {per(ours):.1f} ms", f"{theirs[0]:.2f} / {per(theirs):.1f} ms",
                     f"{per(theirs) / per(ours):.1f}x", f"{search[0]:.2f} / {per(search, 10):.0f} ms",
                     f"{per(search, 10) / per(ours):.0f}x"])
        print(side[-1], flush=True)
    print("\n## Same problems: accuracy / time per problem\n")
    side_table = markdown_table(["N", "K (M)", "kanerva Resonator", "torchhd resonator", "torchhd / ours",
                                 "codebook search", "search / ours"], side)
    print(side_table)
    return results


def plot(results, published) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5.5, 4))
    dims = sorted(results["capacity"])
    ax.plot(dims, [results["capacity"][d]["resonator"] ** 3 for d in dims], "o-", label="resonator (kanerva)")
    ax.plot(dims, [results["capacity"][d]["als"] ** 3 for d in dims], "s-", label="ALS (kanerva)")
    for name, marker in (("resonator (OP)", "x"), ("ALS", "+")):
        pts = sorted(published[name].items())
        ax.plot([d for d, _ in pts], [k**3 for _, k in pts], marker, color="k", label=f"{name}, Kent et al. 2020")
    ax.set_yscale("log")
    ax.set_xlabel("dimension N")
    ax.set_ylabel("search space M solved at 99%")
    ax.set_title("Operational capacity, 3 factors")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(IMG / "structures_resonator_capacity.png", dpi=120)


if __name__ == "__main__":
    main(sys.argv[1:])
