"""
The sampling bias of mutual information, and its corrections
============================================================

Plug-in estimates of I(S; R) from few trials overestimate it. The Miller–Madow and
Panzeri–Treves corrections remove most of the bias; all estimates converge to the true value
as trials accumulate.
"""

import matplotlib.pyplot as plt
import numpy as np

from kanerva.neuro import mutual_information

rng = np.random.default_rng(2)
P = rng.dirichlet(np.full(12, 0.5), size=4)              # P(response | stimulus), 4 stimuli
H = lambda p: -np.sum(p[p > 0] * np.log2(p[p > 0]))      # noqa: E731
truth = H(P.mean(0)) - np.mean([H(p) for p in P])
print(f"true information {truth:.3f} bits")
sizes, methods = [10, 40, 160], ["plugin", "miller_madow", "panzeri_treves"]
bias = {m: [] for m in methods}
for n in sizes:
    est = {m: [] for m in methods}
    for _ in range(40):
        s = np.repeat(np.arange(4), n)
        r = np.concatenate([rng.choice(12, n, p=p) for p in P])
        for m in methods:
            est[m].append(mutual_information(s, r, m, n_bins=12))
    for m in methods:
        bias[m].append(np.mean(est[m]) - truth)
for m in methods:
    print(f"{m:15s} bias at {sizes} trials per stimulus: " + " ".join(f"{b:+.3f}" for b in bias[m]))

fig, ax = plt.subplots(figsize=(5, 3.5))
for m in methods:
    ax.semilogx(sizes, bias[m], "o-", label=m)
ax.axhline(0, color="k", lw=0.5)
ax.set(xlabel="trials per stimulus", ylabel="bias (bits)")
ax.legend()
