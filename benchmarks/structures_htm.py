"""HTM: the SDR false-match probability against sampling (Ahmad & Hawkins 2016), and MNIST
through the spatial pooler and a linear classifier (htm.core's example, Cui et al. 2017).

    python -m benchmarks.structures_htm            # about 10 minutes on the shared 2 cores
    python -m benchmarks.structures_htm --part sdr
    python -m benchmarks.structures_htm --part mnist

SDR: random a-of-n SDRs are drawn and their overlap with a stored SDR counted; the fraction
reaching theta is compared with the exact hypergeometric tail
(:func:`kanerva.learn.sdr.false_match_probability`).

MNIST: the 8,004 / 1,996 split of :func:`kanerva.datasets.load_mnist`, pixels on where they are
at least the image's mean (htm.core's encoder), the spatial pooler with htm.core's
``py/htm/examples/mnist.py`` parameters (79 x 79 columns, 10% active, potential radius 7,
potential pct 0.1, boost 7, duty cycle period 1,402, stimulus threshold 6, permanence increments
0.14 / 0.02, connected at 0.5), one pass, then scikit-learn's logistic regression on the SDRs
(htm.core uses its own softmax ``Classifier``; both are linear). htm.core reports about 95.6%
with 60,000 training digits; it has no wheel for current Python, so it cannot run here.
Writes benchmarks/results/structures_htm.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from kanerva.datasets import load_mnist  # noqa: E402
from kanerva.learn import SpatialPooler  # noqa: E402
from kanerva.learn.sdr import false_match_probability  # noqa: E402

from ._util import markdown_table, write_json  # noqa: E402

HTM_PARAMS = dict(n_columns=(79, 79), sparsity=0.1, input_shape=(28, 28), potential_radius=7, potential_pct=0.1,
                  boost_strength=7.0, duty_cycle_period=1402, min_pct_overlap_duty_cycle=0.2, stimulus_threshold=6,
                  syn_perm_active_inc=0.14, syn_perm_connected=0.5, syn_perm_inactive_dec=0.02, random_state=0)
CASES = [(256, 16, [2, 3, 4, 5, 6]), (1024, 20, [1, 2, 3, 4]), (2048, 40, [2, 3, 4, 5, 6])]
SAMPLES = 1_000_000


def sampled_false_matches(n: int, a: int, thetas, rng) -> dict:
    stored = np.zeros(n, dtype=bool)
    stored[rng.choice(n, a, replace=False)] = True
    hits = {t: 0 for t in thetas}
    for _ in range(SAMPLES // 10_000):
        on = np.argpartition(rng.random((10_000, n)), a, axis=1)[:, :a]   # a random a-subset per row
        counts = stored[on].sum(axis=1)
        for t in thetas:
            hits[t] += int((counts >= t).sum())
    return {t: hits[t] / SAMPLES for t in thetas}


def sdr_part() -> dict:
    rng = np.random.default_rng(0)
    rows, out = [], []
    for n, a, thetas in CASES:
        seen = sampled_false_matches(n, a, thetas, rng)
        for t in thetas:
            p = false_match_probability(n, a, t)
            se = np.sqrt(p * (1 - p) / SAMPLES)
            rows.append([n, a, t, f"{p:.3e}", f"{seen[t]:.3e}", f"{(seen[t] - p) / se:+.1f}" if se > 0 else "-"])
            out.append({"n": n, "a": a, "theta": t, "formula": p, "sampled": seen[t]})
    print(f"## False matches: formula against {SAMPLES:,} sampled SDRs\n")
    print(markdown_table(["n", "a", "theta", "formula", "sampled", "difference / s.e."], rows))
    big = [[n, a, t, f"{false_match_probability(n, a, t):.1e}"] for n, a, t in
           [(2048, 40, 10), (2048, 40, 20), (4096, 64, 16), (65536, 128, 32)]]
    print("\nFormula only (too rare to sample):\n")
    print(markdown_table(["n", "a", "theta", "P(false match)"], big))
    return {"sdr": out}


def encode(images: np.ndarray) -> np.ndarray:
    x = images.reshape(len(images), -1).astype(np.float32)
    return (x >= x.mean(axis=1, keepdims=True)).astype(np.uint8)


def mnist_part() -> dict:
    images, labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    train, test = encode(images), encode(test_images)
    order = np.random.default_rng(0).permutation(len(train))      # htm.core shuffles the training set
    train, labels = train[order], labels[order]
    rows, out = [], {}

    def linear(x_train, x_test):
        clf = LogisticRegression(max_iter=1000, C=1.0)
        t = time.perf_counter()
        clf.fit(x_train, labels)
        return clf.score(x_test, test_labels), time.perf_counter() - t

    acc, secs = linear(train, test)
    rows.append(["pixels (>= image mean)", 784, "-", f"{acc:.2%}"])
    out["pixels"] = acc
    untrained = SpatialPooler(**HTM_PARAMS).fit(train[:1])      # initial synapses, no learning to speak of
    acc, _ = linear(untrained.transform(train), untrained.transform(test))
    rows.append(["spatial pooler, not trained", 79 * 79, "-", f"{acc:.2%}"])
    out["untrained"] = acc
    sp = SpatialPooler(**HTM_PARAMS)
    t = time.perf_counter()
    sp.fit(train)
    fit = time.perf_counter() - t
    sdr_train, sdr_test = sp.transform(train), sp.transform(test)
    acc, _ = linear(sdr_train, sdr_test)
    active = sdr_test.sum(axis=1)
    rows.append(["spatial pooler, one pass", 79 * 79, f"{fit:.0f} s ({fit / len(train) * 1e3:.1f} ms/digit)", f"{acc:.2%}"])
    out.update({"trained": acc, "fit_seconds": fit, "active_min": int(active.min()), "active_mean": float(active.mean()),
                "active_max": int(active.max())})
    part = sdr_test[:500].astype(np.float32)
    same = part @ part.T                                             # pairwise overlaps
    match = test_labels[:500, None] == test_labels[None, :500]
    off = ~np.eye(500, dtype=bool)
    out["overlap_same"], out["overlap_other"] = float(same[match & off].mean()), float(same[~match].mean())
    print("\n## MNIST (8,004 train / 1,996 test), logistic regression on each representation\n")
    print(markdown_table(["representation", "units", "spatial pooler fit", "test accuracy"], rows))
    print(f"\nactive columns per test digit: {out['active_min']}-{out['active_max']} (mean {out['active_mean']:.0f}, "
          f"k = {sp.n_active_}); mean SDR overlap: same digit {out['overlap_same']:.0f}, "
          f"different digits {out['overlap_other']:.0f}")
    return {"mnist": out}


def main(argv: list[str]) -> None:
    part = argv[argv.index("--part") + 1] if "--part" in argv else "all"
    results = {}
    if part in ("all", "sdr"):
        results.update(sdr_part())
    if part in ("all", "mnist"):
        results.update(mnist_part())
    results["load_average"] = os.getloadavg()
    print(f"\nload average {results['load_average']}")
    write_json("structures_htm" + ("" if part == "all" else "_" + part), results)


if __name__ == "__main__":
    main(sys.argv[1:])
