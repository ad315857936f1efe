"""Sparse coding of natural images: Gabor-like atoms, and the side-by-side with scikit-learn.

    python -m benchmarks.learning_rules_sparse --part atoms                            # atoms + Gabor fits (PNG)
    flock /tmp/kanerva-bench.lock python -m benchmarks.learning_rules_sparse --part peer   # timings

Images: kanerva.datasets.load_natural_images() — scikit-learn's two photographs and
scikit-image's five photographs and three textures, grey, 400 x 400 — whitened by
Olshausen & Field's filter f·exp(−(f/f₀)⁴), f₀ = 0.39 × 400 cycles/picture. Patches 12 x 12,
mean removed; 144 atoms (a complete basis), λ = 1.0 on unit-variance images.

atoms: trains SparseCoding (FISTA inference, BCD dictionary step) with and without homeostasis,
fits a 2-D Gabor to every atom (kanerva.learn.fit_gabor) and reports the share of good fits
(r² ≥ 0.8), the spread of orientations (counts around 0/45/90/135° and the resultant length of
2θ: 0 for orientations spread evenly, 1 for one orientation) and of spatial frequencies, and the
envelope size (localized: √(σx σy) below a quarter of the patch); writes
docs/img/learning_rules_sparse_atoms.png.

peer: (1) SparseCoding against MiniBatchDictionaryLearning on the same patches: each trained for
1, 2, 4, 8 epochs, every dictionary scored by the same exact encoder on held-out patches (the
objective ½‖x − aD‖² + λ‖a‖₁, per patch), and the time each needs to reach the worse of the two
final objectives. (2) Inference on a fixed dictionary: our LCA and FISTA against SparseCoder
(lasso_cd and lasso_lars, scikit-learn's Lasso underneath) and our compiled coordinate descent
("cd") — the time to reach the objective scikit-learn reaches. One thread each; times are CPU seconds (the work done, whatever else the
shared machine runs).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from kanerva.datasets import load_natural_images
from kanerva.learn import SparseCoding, fit_gabor, image_patches, sparse_encode, sparse_objective, whiten_images

from ._util import markdown_table, write_json

PATCH, ATOMS, LAM = 12, 144, 1.0


def patches(n, seed):
    images, _ = load_natural_images()
    p = image_patches(whiten_images(images), PATCH, n, random_state=seed)
    return p - p.mean(axis=1, keepdims=True)


def gabor_stats(atoms):
    fits = [fit_gabor(a.reshape(PATCH, PATCH)) for a in atoms]
    r2 = np.array([f.r2 for f in fits])
    good = r2 >= 0.8
    theta = np.array([f.theta for f in fits])[good]
    freq = np.array([f.frequency for f in fits])[good]
    size = np.array([np.sqrt(f.sigma_x * f.sigma_y) for f in fits])[good]  # geometric mean of the envelope
    hist = np.histogram(np.degrees(theta), bins=[0, 22.5, 67.5, 112.5, 157.5, 180])[0]
    orient = [int(hist[0] + hist[4]), int(hist[1]), int(hist[2]), int(hist[3])]  # around 0, 45, 90, 135 degrees
    resultant = float(np.abs(np.mean(np.exp(2j * theta)))) if len(theta) else float("nan")
    params = [[round(v, 4) for v in f] for f in fits]
    return dict(fits=params, good_share=float(good.mean()), r2_median=float(np.median(r2)), orientation_bins_0_45_90_135=orient,
                orientation_resultant=resultant, freq_quartiles=np.percentile(freq, [25, 50, 75]).tolist() if len(freq) else [],
                envelope_sigma_median=float(np.median(size)) if len(size) else float("nan"),
                localized_share=float(np.mean(size < PATCH / 4)) if len(size) else 0.0), fits


def part_atoms(args):
    X = patches(args.n_patches, 0)
    out, figs = {}, {}
    for name, homeo in (("plain", 0.0), ("homeostasis", 0.02)):
        t = time.process_time()
        sc = SparseCoding(ATOMS, alpha=LAM, n_epochs=args.epochs, max_inference_iter=100, homeostasis=homeo,
                          random_state=0).fit(X)
        t_fit = time.process_time() - t
        t = time.process_time()
        stats, fits = gabor_stats(sc.components_)
        stats.update(train_seconds=t_fit, fit_seconds=time.process_time() - t,
                     usage_cv=float(sc.usage_.std() / sc.usage_.mean()), mean_active=float(sc.usage_.mean()),
                     objective=sc.objective_history_.tolist())
        out[name] = stats
        figs[name] = (sc.components_, fits)
        print(name, {k: v for k, v in stats.items() if k not in ("objective", "fits")}, flush=True)
    rows = [[n, f"{s['good_share']:.0%}", f"{s['r2_median']:.2f}", s["orientation_bins_0_45_90_135"],
             f"{s['orientation_resultant']:.2f}", "/".join(f"{q:.2f}" for q in s["freq_quartiles"]),
             f"{s['localized_share']:.0%}", f"{s['usage_cv']:.2f}", f"{s['train_seconds']:.0f}"] for n, s in out.items()]
    print(markdown_table(["run", "good Gabor fits (r² ≥ 0.8)", "median r²", "orientations 0/45/90/135°",
                          "orientation resultant", "frequency quartiles (c/px)", "localized (√(σx σy) < 3 px)",
                          "usage CV", "train s"], rows))
    write_json("learning_rules_sparse_atoms", dict(n_patches=args.n_patches, epochs=args.epochs, patch=PATCH,
                                                 atoms=ATOMS, lam=LAM, results=out, load=os.getloadavg()))
    _figure(*figs["homeostasis"])


def _figure(atoms, fits):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    order = np.argsort([-f.r2 for f in fits])
    fig, axes = plt.subplots(12, 12, figsize=(7, 7))
    for ax, i in zip(axes.ravel(), order):
        a = atoms[i].reshape(PATCH, PATCH)
        ax.imshow(a, cmap="gray", vmin=-np.abs(a).max(), vmax=np.abs(a).max())
        ax.axis("off")
    fig.suptitle("144 atoms learned from whitened natural images (sorted by Gabor fit r²)", fontsize=9)
    fig.tight_layout()
    fig.savefig("docs/img/learning_rules_sparse_atoms.png", dpi=80)


def _heldout_objective(D, X_test):
    a = sparse_encode(X_test, D, LAM, method="fista", max_iter=2000, tol=1e-8)
    return float(sparse_objective(X_test, a, D, LAM).mean())


def part_peer(args):
    from sklearn.decomposition import MiniBatchDictionaryLearning, SparseCoder

    X, X_test = patches(args.n_patches, 0), patches(2000, 1)
    curves = {"kanerva": [], "sklearn": []}
    for epochs in (1, 2, 4, 8):
        t = time.process_time()
        ours = SparseCoding(ATOMS, alpha=LAM, n_epochs=epochs, max_inference_iter=100, random_state=0).fit(X)
        curves["kanerva"].append((time.process_time() - t, _heldout_objective(ours.components_, X_test)))
        t = time.process_time()
        theirs = MiniBatchDictionaryLearning(ATOMS, alpha=LAM, max_iter=epochs, batch_size=256, random_state=0,
                                             transform_algorithm="lasso_cd").fit(X)
        curves["sklearn"].append((time.process_time() - t, _heldout_objective(theirs.components_, X_test)))
        print(epochs, curves["kanerva"][-1], curves["sklearn"][-1], flush=True)
    target = max(curves["kanerva"][-1][1], curves["sklearn"][-1][1])
    reach = {k: next((t for t, o in c if o <= target), float("nan")) for k, c in curves.items()}
    rows = [[f"{e} epochs", f"{ko:.4f} ({kt:.1f} s)", f"{so:.4f} ({st:.1f} s)"]
            for e, (kt, ko), (st, so) in zip((1, 2, 4, 8), curves["kanerva"], curves["sklearn"])]
    print(markdown_table(["training", "SparseCoding objective (time)", "MiniBatchDictionaryLearning objective (time)"], rows))
    print(f"time to held-out objective {target:.4f}: kanerva {reach['kanerva']:.1f} s, sklearn {reach['sklearn']:.1f} s, "
          f"speed-up {reach['sklearn'] / reach['kanerva']:.2f}x")

    # inference on a fixed dictionary
    D = ours.components_
    Y = X_test[:1000]
    inf_rows, inf = [], {}
    for algo in ("lasso_cd", "lasso_lars"):
        coder = SparseCoder(D, transform_algorithm=algo, transform_alpha=LAM)
        t = time.process_time()
        codes = coder.transform(Y)
        inf[algo] = dict(seconds=time.process_time() - t, objective=float(sparse_objective(Y, codes, D, LAM).mean()))
    target_inf = max(v["objective"] for v in inf.values())
    sparse_encode(Y[:2], D, LAM, method="cd")  # compile the kernel outside the timing
    # LCA and FISTA: the fewest iterations that reach the target; CD (which stops each row on its
    # own): the loosest tolerance that does
    settings = {m: [dict(max_iter=i, tol=0.0) for i in (25, 50, 100, 200, 400, 800, 1600, 3200)] for m in ("lca", "fista")}
    settings["cd"] = [dict(max_iter=10_000, tol=t) for t in (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10)]
    for method, tries in settings.items():
        for kw in tries:
            t = time.process_time()
            codes, used = sparse_encode(Y, D, LAM, method=method, return_n_iter=True, **kw)
            elapsed = time.process_time() - t
            obj = float(sparse_objective(Y, codes, D, LAM).mean())
            if obj <= target_inf * (1 + 1e-6):
                break
        inf[method] = dict(seconds=elapsed, objective=obj, iterations=used, tol=kw["tol"])
    base = inf["lasso_cd"]["seconds"]
    for name, v in inf.items():
        inf_rows.append([name, f"{v['objective']:.6f}", f"{v['seconds']:.3f}", f"{base / v['seconds']:.2f}x",
                         v.get("iterations", "")])
    print("1,000 held-out patches, the SparseCoding dictionary (144 x 144), λ = 1")
    print(markdown_table(["inference", "mean objective", "seconds", "speed-up vs lasso_cd", "iterations (CD: sweeps, most of any row)"], inf_rows))
    write_json("learning_rules_sparse_peer", dict(curves=curves, target=target, time_to_target=reach, inference=inf,
                                                load=os.getloadavg()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["atoms", "peer", "all"], default="all")
    parser.add_argument("--n-patches", type=int, default=30_000)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with threadpool_limits(1):
        parts = {"atoms": part_atoms, "peer": part_peer}
        for part in parts if args.part == "all" else [args.part]:
            parts[part](args)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
