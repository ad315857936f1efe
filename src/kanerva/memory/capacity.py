"""Capacity experiments: the published curves of each memory, measured.

One function per memory, shared by ``kanerva memory capacity`` (small defaults, well under a
minute each) and ``benchmarks/memory_capacity.py`` (larger). Each returns a JSON-able dict
with ``rows`` (one per measured point) and a ``summary``; ``progress`` is an optional
tqdm-like object (``total`` attribute and ``update(n)``).

- :func:`hopfield_capacity`: fraction of stored patterns that are fixed points, and recall
  from flipped bits, versus load alpha = P/N (Amit, Gutfreund & Sompolinsky 1985: alpha_c ~
  0.138; about 40% of patterns exactly stable at alpha = 0.14 for N ~ 256, as each bit errs
  with probability Phi(-1/sqrt(alpha))).
- :func:`dam_capacity`: largest P with at least half the stored patterns stable, versus N, for
  F(x) = x^n (Krotov & Hopfield 2016: N^(n-1)) and exp(x) (Demircigil et al. 2017).
- :func:`modern_digits`: one-step retrieval of sklearn's 1,797 digits from cues with 25% of
  the pixels removed, versus beta and stored patterns (Ramsauer et al. 2020).
- :func:`sdm_recall`: SDM recall and signal-to-noise versus stored items and radius, against
  Kanerva's (1988) SNR^2 = M p / (1 + p T (1 + p^2 M)) and its optimum p* = (2 M T)^(-1/3).

Examples
--------
>>> r = hopfield_capacity(dim=64, alphas=[0.05], rules=["pinv"], min_patterns=16)
>>> r["rows"][0]["stable"]
1.0
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..vsa import BSC
from ._base import NotConvergedWarning
from .dense import DenseAssociativeMemory
from .hopfield import RULES, Hopfield
from .modern import ModernHopfield
from .sdm import SparseDistributedMemory, activation_probability, kanerva_optimal_activation, radius_for


class _Quiet:
    """Progress stand-in when none is given."""

    total = 0

    def update(self, n: int = 1) -> None:
        pass


def _start(progress, total: int):
    progress = _Quiet() if progress is None else progress
    progress.total = total
    if hasattr(progress, "refresh"):
        progress.refresh()
    return progress


def _bipolar(rng, p: int, n: int) -> np.ndarray:
    return np.where(rng.random((p, n)) < 0.5, -1, 1).astype(np.int8)


def _flip(rng, x: np.ndarray, fraction: float) -> np.ndarray:
    """Flip exactly round(fraction * N) distinct bits of each row."""
    k = round(fraction * x.shape[1])
    idx = np.argsort(rng.random(x.shape), axis=1)[:, :k]
    out = x.copy()
    np.put_along_axis(out, idx, -np.take_along_axis(out, idx, axis=1), axis=1)
    return out


def _phi(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def hopfield_capacity(dim: int = 256, alphas=None, rules=RULES, noise: float = 0.10,
                      min_patterns: int = 200, seed: int = 0, progress=None) -> dict:
    """Stability and recall versus load for each learning rule (random +-1 patterns).

    Per (rule, alpha): ``stable`` is the fraction of stored patterns that are exact fixed
    points; ``recall_exact`` the fraction of cues with ``noise`` of the bits flipped that settle
    (asynchronously) exactly on their pattern; ``recall_overlap`` the mean final overlap
    m = sigma . xi / N; ``predicted_stable`` is the Gaussian-noise estimate
    (1 - Phi(-1/sqrt(alpha)))^N for the Hebb rule. Patterns are redrawn until at least
    ``min_patterns`` have been measured.
    """
    if alphas is None:  # fine steps around alpha_c, coarse ones up to the pseudo-inverse limit P = N
        alphas = np.round(np.arange(0.02, 0.32, 0.02), 3).tolist() + [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    alphas = list(alphas)
    progress = _start(progress, len(rules) * len(alphas))
    rng = np.random.default_rng(seed)
    rows = []
    for rule in rules:
        for alpha in alphas:
            p = max(1, round(alpha * dim))
            stable, exact, overlap, stuck = [], [], [], 0
            for _ in range(math.ceil(min_patterns / p)):
                xi = _bipolar(rng, p, dim)
                net = Hopfield(dim, rule=rule, seed=int(rng.integers(2**31)))
                net.write(xi)
                stable.append(net.stable(xi))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", NotConvergedWarning)
                    out, info = net.read(_flip(rng, xi, noise), steps=50, mode="async", return_info=True)
                stuck += info.n_failed
                exact.append((out == xi).all(axis=1))
                overlap.append((out.astype(np.int32) * xi).mean(axis=1))
            row = {"rule": rule, "alpha": alpha, "patterns": p, "measured": int(sum(map(len, stable))),
                   "stable": float(np.concatenate(stable).mean()),
                   "recall_exact": float(np.concatenate(exact).mean()),
                   "recall_overlap": float(np.concatenate(overlap).mean()), "not_converged": stuck}
            if rule == "hebb":
                row["predicted_stable"] = (1.0 - _phi(-1.0 / math.sqrt(alpha))) ** dim
            rows.append(row)
            progress.update(1)
    at = [r for r in rows if r["rule"] == "hebb" and abs(r["alpha"] - 0.14) < 1e-9]
    summary = {"hebb_stable_at_0.14": at[0]["stable"] if at else None}
    for rule in rules:
        ok = [r["alpha"] for r in rows if r["rule"] == rule and r["recall_overlap"] >= 0.95]
        summary[f"{rule}_max_alpha_recall_overlap_0.95"] = max(ok) if ok else None
    return {"experiment": "hopfield", "dim": dim, "noise": noise, "rows": rows, "summary": summary}


def _largest_stable(dam: DenseAssociativeMemory, pool_fn, threshold: float, sample: int, cap: int, rng) -> tuple[int, bool]:
    """Largest P (bisection) with >= threshold of (a sample of) the stored patterns stable."""

    def ok(p: int) -> bool:
        dam.patterns_ = pool_fn(p)
        pick = rng.choice(p, size=min(sample, p), replace=False)
        return dam.stable(dam.patterns_[pick]).mean() >= threshold

    lo, hi = 1, 2
    while hi <= cap and ok(hi):
        lo, hi = hi, hi * 2
    if hi > cap:
        return lo, True
    while hi - lo > max(1, lo // 64):  # 1.5% resolution is plenty on a log plot
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return lo, False


def dam_capacity(powers=(2, 3, 4), dims=None, exp_dims=(8, 10, 12, 14, 16), threshold: float = 0.5,
                 sample: int = 100, cap: int = 2**15, seed: int = 0, progress=None) -> dict:
    """Capacity (largest P with >= ``threshold`` of stored patterns stable) versus N.

    Fits log P = a log N + c per power n (theory: a = n - 1, up to the 1/ln N factor; the fit
    of P ln N is reported too), and log P = b N + c for the exponential form.
    """
    dims = dims or {2: [32, 64, 128, 256], 3: [16, 24, 32, 48, 64], 4: [10, 12, 16, 20, 24]}
    grid = [(n, d) for n in powers for d in dims[n]] + [("exp", d) for d in exp_dims]
    progress = _start(progress, len(grid))
    rng = np.random.default_rng(seed)
    rows = []
    for n, d in grid:
        pool = _bipolar(rng, 64, d)

        def pool_fn(p, d=d):
            nonlocal pool
            if len(pool) < p:
                pool = np.concatenate([pool, _bipolar(rng, max(p, 2 * len(pool)) - len(pool), d)])
            return pool[:p]

        dam = DenseAssociativeMemory(d, n=2 if n == "exp" else n, interaction="exp" if n == "exp" else "poly")
        p, capped = _largest_stable(dam, pool_fn, threshold, sample, cap, rng)
        row = {"n": n, "dim": d, "capacity": p, "capped": capped, "capacity_per_dim": p / d}
        if n != "exp":  # Krotov & Hopfield: N^(n-1) / (2 (2n-3)!! ln N)
            row["theory"] = d ** (n - 1) / (2 * math.prod(range(2 * n - 3, 0, -2)) * math.log(d))
        rows.append(row)
        progress.update(1)
    fits = {}
    for n in powers:
        pts = [r for r in rows if r["n"] == n]
        x = np.log([r["dim"] for r in pts])
        y = np.log([r["capacity"] for r in pts])
        fits[str(n)] = {"exponent": float(np.polyfit(x, y, 1)[0]),
                        "exponent_times_ln_n": float(np.polyfit(x, y + np.log(x), 1)[0]), "theory": n - 1}
    pts = [r for r in rows if r["n"] == "exp" and not r["capped"]]
    if len(pts) >= 2:
        fits["exp"] = {"log_capacity_per_unit": float(np.polyfit([r["dim"] for r in pts],
                                                                 np.log([r["capacity"] for r in pts]), 1)[0])}
    return {"experiment": "dam", "threshold": threshold, "rows": rows, "summary": fits}


def digits_patterns() -> tuple[np.ndarray, np.ndarray]:
    """sklearn's bundled 8x8 digits (1,797), each centred and scaled to unit length, and labels."""
    from sklearn.datasets import load_digits

    data = load_digits()
    x = data.data.astype(np.float64)
    x -= x.mean(axis=1, keepdims=True)
    return x / np.linalg.norm(x, axis=1, keepdims=True), data.target


def modern_digits(betas=(1, 3, 10, 30, 100, 300, 1000), counts=(100, 300, 1000, 1797),
                  removed: float = 0.25, seed: int = 0, progress=None) -> dict:
    """One-step retrieval of stored digits from cues with ``removed`` of the pixels zeroed.

    ``accuracy``: the stored pattern nearest to the output is the cue's own image;
    ``label_accuracy``: it shows the right digit; ``cosine``: mean cosine(output, original).
    """
    x, labels = digits_patterns()
    rng = np.random.default_rng(seed)
    progress = _start(progress, len(betas) * len(counts))
    rows = []
    for count in counts:
        idx = rng.permutation(len(x))[:count]
        stored = x[idx]
        cues = stored * (rng.random(stored.shape) >= removed)
        for beta in betas:
            mem = ModernHopfield(stored.shape[1], beta=float(beta))
            mem.write(stored)
            out = mem.read(cues, steps=1)
            nearest = np.argmax(out @ stored.T, axis=1)
            cos = np.einsum("nd,nd->n", out, stored) / np.maximum(np.linalg.norm(out, axis=1), 1e-300)
            rows.append({"beta": beta, "patterns": count, "accuracy": float(np.mean(nearest == np.arange(count))),
                         "label_accuracy": float(np.mean(labels[idx][nearest] == labels[idx])),
                         "cosine": float(cos.mean())})
            progress.update(1)
    best = {str(c): max((r for r in rows if r["patterns"] == c), key=lambda r: r["accuracy"]) for c in counts}
    return {"experiment": "modern", "removed": removed, "rows": rows,
            "summary": {c: {"beta": r["beta"], "accuracy": r["accuracy"]} for c, r in best.items()}}


def kanerva_snr(locations: int, items: int, p: float) -> float:
    """Kanerva's signal-to-noise ratio of a read at a written address, sqrt(M p / (1 + p T (1 + p^2 M))).

    >>> round(kanerva_snr(1_000_000, 10_000, 0.001), 1)
    6.9
    """
    return math.sqrt(locations * p / (1.0 + p * items * (1.0 + p * p * locations)))


def sdm_recall(dim: int = 256, locations: int = 2_000, items=(25, 100, 400),
               probabilities=None, noise: float = 0.10, seed: int = 0, progress=None) -> dict:
    """SDM recall and SNR versus stored items T and activation radius r (auto-association).

    Per (T, r): ``snr`` measured as mean/std of the bit evidence sum_k C_k(bit) * bipolar(bit) at
    the written addresses, beside Kanerva's ``snr_theory``; ``bit_accuracy`` at the written
    addresses and ``noisy_bit_accuracy`` from cues with ``noise`` of the bits flipped (one read).
    The summary compares, per T, the radius with the best measured SNR to Kanerva's optimum.
    """
    probabilities = np.geomspace(1e-3, 0.3, 10) if probabilities is None else probabilities
    radii = sorted({radius_for(dim, float(p)) for p in probabilities})
    space = BSC(dim, seed=seed)
    rng = np.random.default_rng(seed)
    progress = _start(progress, len(items) * len(radii))
    rows, summary = [], {}
    for t in items:
        data = space.random(key=[f"sdm-item/{i}" for i in range(t)])
        bits = space.to_bits(data)
        flips = np.argsort(rng.random(bits.shape), axis=1)[:, : round(noise * dim)]
        noisy_bits = bits.copy()
        np.put_along_axis(noisy_bits, flips, 1 - np.take_along_axis(bits, flips, axis=1), axis=1)
        cues = space.from_bits(noisy_bits)
        for r in radii:
            sdm = SparseDistributedMemory(space, locations=locations, radius=r, counter_dtype="int16", seed=seed)
            sdm.write(data)
            with warnings.catch_warnings():  # small radii leave some addresses with no location: measured
                warnings.filterwarnings("ignore", "[0-9]+ of [0-9]+ addresses activate no location", RuntimeWarning)
                evidence = sdm.read_sums(data) * (1 - 2 * bits.astype(np.int32))
                noisy_read = space.to_bits(sdm.read(cues, steps=1))
            p = activation_probability(dim, r)
            snr = float(evidence.mean() / evidence.std()) if evidence.std() > 0 else float("inf")
            rows.append({"items": t, "radius": r, "p": p, "snr": snr, "snr_theory": kanerva_snr(locations, t, p),
                         "bit_accuracy": float(np.mean(evidence > 0) + 0.5 * np.mean(evidence == 0)),
                         "noisy_bit_accuracy": float(np.mean(noisy_read == bits))})
            progress.update(1)
        mine = [row for row in rows if row["items"] == t]
        best = max(mine, key=lambda row: row["snr"])
        p_star = kanerva_optimal_activation(locations, t)
        summary[str(t)] = {"best_radius": best["radius"], "best_p": best["p"], "kanerva_p": p_star,
                           "kanerva_radius": radius_for(dim, p_star),
                           "best_noisy_radius": max(mine, key=lambda row: row["noisy_bit_accuracy"])["radius"]}
    return {"experiment": "sdm", "dim": dim, "locations": locations, "noise": noise, "rows": rows, "summary": summary}


def format_table(result: dict) -> str:
    """The rows of a result as an aligned text table, then the summary as JSON.

    >>> print(format_table({"rows": [{"a": 1, "b": 0.5}], "summary": {}}))
    a    b
    1  0.5
    summary: {}
    """
    import json

    rows = result["rows"]
    cols = list(dict.fromkeys(k for r in rows for k in r))
    cells = [[f"{r[c]:.4g}" if isinstance(r.get(c), float) else str(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
    lines.append("summary: " + json.dumps(result["summary"]))
    return "\n".join(lines)


EXPERIMENTS = {"hopfield": hopfield_capacity, "dam": dam_capacity, "modern": modern_digits, "sdm": sdm_recall}
