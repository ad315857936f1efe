"""Self-organizing maps: kanerva.learn.SelfOrganizingMap against MiniSom 2.3.6, one thread each.

    flock /tmp/kanerva-bench.lock python -m benchmarks.learning_rules_som

Same data, grid, epochs, start σ and initialisation (PCA) on both sides. MiniSom trains online
(``train(data, epochs * n, random_order=True)``), with its default asymptotic decay of σ and η
(σ ends near σ₀/3) and with linear decay of σ to 1 and η to 0; ours online (exponential decay of
σ to 1 and η to 0.01; a compiled loop) and batch (Kohonen's batch map, σ to 1).
Quantization error (QE) and topographic error (TE) are computed for every map by the same
function (ours: a sample counts as an error when its two best units are not neighbours, diagonals
counting on rectangular grids — MiniSom's own convention there); MiniSom's own TE is listed beside
it. Train times are the best of 3, in CPU seconds (one thread each: the work done, whatever
else the shared machine runs).

Writes benchmarks/results/learning_rules_som.json and docs/img/learning_rules_som_maps.png
(the ordered maps of the uniform square and of colours).
"""

from __future__ import annotations

import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from kanerva.learn import SelfOrganizingMap

from ._util import markdown_table, write_json


def _datasets():
    rng = np.random.default_rng(0)
    return {"square": rng.random((5000, 2)), "colours": rng.random((5000, 3))}


def _evaluate(weights, X, topology):
    som = SelfOrganizingMap(weights.shape[0], weights.shape[1], topology=topology, n_epochs=1).fit(X[:10])
    som.weights_ = weights
    return som.quantization_error(X), som.topographic_error(X)


def _best(fn, repeat=3):
    """Best CPU time of 3 (one thread each, so CPU time is the work done on a busy machine)."""
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t)
    return best, out


def run(grid=20, epochs=10):
    from minisom import MiniSom

    rows, results, maps = [], {}, {}
    for data_name, X in _datasets().items():
        for topology in ("rectangular", "hexagonal"):
            sigma = grid / 2

            for label, decay in (("MiniSom online", {}),
                                 ("MiniSom online, σ→1", dict(sigma_decay_function="linear_decay_to_one",
                                                             decay_function="linear_decay_to_zero"))):
                def minisom():
                    m = MiniSom(grid, grid, X.shape[1], sigma=sigma, learning_rate=0.5, topology=topology,
                                random_seed=0, **decay)  # noqa: B023
                    m.pca_weights_init(X)
                    m.train(X, epochs * len(X), random_order=True)
                    return m

                t, m = _best(minisom)
                qe_m, te_m = _evaluate(m.get_weights(), X, topology)
                own_te = float(m.topographic_error(X))
                if not decay:
                    t_mini = t
                case = f"{data_name}/{topology}"
                results.setdefault(case, {})[label] = dict(seconds=t, qe=qe_m, te=te_m, te_own=own_te)
                rows.append([case, label, f"{t:.2f}", f"{t_mini / t:.2f}x", f"{qe_m:.4f}", f"{te_m:.3f} ({own_te:.3f})"])
            for training in ("online", "batch"):
                est = SelfOrganizingMap(grid, grid, topology=topology, sigma=sigma, sigma_end=1.0, learning_rate=0.5,
                                        learning_rate_end=0.01, n_epochs=epochs, training=training, init="pca",
                                        random_state=0)
                t_ours, fitted = _best(lambda: est.fit(X))  # noqa: B023
                qe, te = fitted.quantization_error(X), fitted.topographic_error(X)
                results[case][training] = dict(seconds=t_ours, qe=qe, te=te, speedup=t_mini / t_ours)
                rows.append([case, f"kanerva {training}", f"{t_ours:.2f}", f"{t_mini / t_ours:.2f}x", f"{qe:.4f}", f"{te:.3f}"])
                if training == "batch" and topology == "rectangular":
                    maps[data_name] = fitted.weights_.copy()
            print(*rows[-4:], sep="\n", flush=True)
    print(f"\n{grid} x {grid} grid, 5,000 samples, {epochs} epochs, one thread")
    print(markdown_table(["data/grid", "implementation", "train s", "speed-up vs MiniSom", "QE", "TE (MiniSom's own)"], rows))
    write_json("learning_rules_som", dict(grid=grid, epochs=epochs, n=5000, results=results, load=os.getloadavg()))
    _figure(maps, _datasets())


def _figure(maps, data):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 4.3))
    W = maps["square"]
    a.scatter(*data["square"][:1500].T, s=2, color="0.75")
    a.plot(W[:, :, 0], W[:, :, 1], "k-", lw=0.7)
    a.plot(W[:, :, 0].T, W[:, :, 1].T, "k-", lw=0.7)
    a.set_title("20 x 20 map of the uniform square (batch, 10 epochs)", fontsize=9)
    a.set_aspect("equal")
    b.imshow(np.clip(maps["colours"], 0, 1))
    b.set_title("20 x 20 map of random RGB colours", fontsize=9)
    b.axis("off")
    fig.tight_layout()
    fig.savefig("docs/img/learning_rules_som_maps.png", dpi=80)


def main():
    print(f"load average before: {os.getloadavg()}")
    with threadpool_limits(1):
        run()
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
