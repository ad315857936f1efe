"""Hebbian rules: Oja and Sanger find the principal components; plain Hebb diverges, normalised Hebb converges.

    python -m benchmarks.learning_rules_hebbian

Data: 20,000 samples of a 10-dimensional Gaussian with a known covariance (eigenvalues
5, 3, 1.5, 0.8, 0.5, ... 0.1 along a random orthonormal basis) and a non-zero mean. Reports
|cos| between each learned weight vector and the true component, the norms, and writes
docs/img/learning_rules_hebb.png (weight norm per epoch: plain Hebb against the normalised rule
and Oja's rule). Correctness only, no timing.
"""

from __future__ import annotations

import os

import numpy as np
from threadpoolctl import threadpool_limits

from kanerva.learn import Hebbian, Oja, Sanger

from ._util import markdown_table, write_json

EIG = np.array([5.0, 3.0, 1.5, 0.8, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1])


def data(n=20_000, seed=0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(len(EIG), len(EIG))))
    return rng.normal(size=(n, len(EIG))) * np.sqrt(EIG) @ Q.T + rng.normal(size=len(EIG)), Q.T


def run():
    X, pcs = data()
    rows, out = [], {}
    for alpha in (1.0, 4.0):
        oja = Oja(alpha=alpha, learning_rate=0.005, n_epochs=20, random_state=0).fit(X)
        w = oja.components_[0]
        cos = abs(w @ pcs[0]) / np.linalg.norm(w)
        out[f"oja_alpha{alpha}"] = dict(cos=cos, norm=float(np.linalg.norm(w)), expected_norm=1 / np.sqrt(alpha))
        rows.append([f"Oja α={alpha}", "PC1", f"{cos:.5f}", f"{np.linalg.norm(w):.4f} (1/√α = {1 / np.sqrt(alpha):.4f})"])
    gha = Sanger(n_components=3, learning_rate=0.005, n_epochs=30, random_state=0).fit(X)
    for i, w in enumerate(gha.components_):
        cos = abs(w @ pcs[i]) / np.linalg.norm(w)
        out[f"sanger_pc{i + 1}"] = dict(cos=cos, norm=float(np.linalg.norm(w)))
        rows.append(["Sanger k=3", f"PC{i + 1}", f"{cos:.5f}", f"{np.linalg.norm(w):.4f} (1)"])
    print(markdown_table(["rule", "component", "|cos| with the true component", "‖w‖"], rows))

    common = dict(learning_rate=0.002, learning_rate_decay=1.0, n_epochs=12, random_state=0)
    plain = Hebbian(rule="covariance", normalize="none", **common).fit(X)
    normed = Hebbian(rule="covariance", normalize="l2", **common).fit(X)
    oja = Oja(**common).fit(X)
    growth = plain.weight_norm_history_[1:, 0] / plain.weight_norm_history_[:-1, 0]
    print(f"plain covariance-Hebb: ‖w‖ from {plain.weight_norm_history_[0, 0]:.3g} to "
          f"{plain.weight_norm_history_[-1, 0]:.3g} in {common['n_epochs']} epochs (x{np.median(growth):.3g} per epoch; "
          f"(1 + ηλ₁)^(updates per epoch) = {(1 + 0.002 * 5.0) ** (len(X) / 10):.3g} expected); normalised: |cos| "
          f"{abs(normed.components_[0] @ pcs[0]):.5f}; Oja: ‖w‖ {np.linalg.norm(oja.components_):.4f}")
    out["plain_norms"] = plain.weight_norm_history_[:, 0].tolist()
    out["plain_growth_per_epoch"] = float(np.median(growth))
    out["expected_growth_per_epoch"] = float((1 + 0.002 * 5.0) ** (len(X) / 10))
    out["normalised_cos"] = float(abs(normed.components_[0] @ pcs[0]))
    write_json("learning_rules_hebbian", dict(results=out, load=os.getloadavg()))
    figure(plain, normed, oja)


def figure(plain, normed, oja):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(plain.weight_norm_history_) + 1)
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.semilogy(epochs, plain.weight_norm_history_[:, 0], "o-", label="plain Hebb (covariance rule)")
    ax.semilogy(epochs, normed.weight_norm_history_[:, 0], "s-", label="Hebb + explicit normalisation")
    ax.semilogy(epochs, oja.weight_norm_history_[:, 0], "^-", label="Oja (α = 1)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("‖w‖")
    ax.legend(fontsize=8)
    ax.set_title("Hebbian growth without bound; normalised rules converge", fontsize=9)
    fig.tight_layout()
    fig.savefig("docs/img/learning_rules_hebb.png", dpi=80)


if __name__ == "__main__":
    with threadpool_limits(1):
        run()
