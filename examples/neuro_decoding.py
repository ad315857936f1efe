"""
Decoding a direction from a population: ML, population vector and the Cramér–Rao bound
=======================================================================================

Poisson neurons with von Mises tuning curves report an angle. The maximum-likelihood decoder's
error variance approaches the Cramér–Rao bound 1/I_F as the population grows; the population
vector, optimal only for cosine tuning, stays above it.
"""

import matplotlib.pyplot as plt
import numpy as np

from kanerva.neuro import fisher_information, ml_decode, population_vector, von_mises_tuning

rng = np.random.default_rng(1)
grid = np.linspace(-np.pi, np.pi, 720, endpoint=False)
wrap = lambda a: (a + np.pi) % (2 * np.pi) - np.pi  # noqa: E731
sizes, ml_ratio, pv_ratio = [8, 32, 128], [], []
for N in sizes:
    pref = np.linspace(-np.pi, np.pi, N, endpoint=False)
    f = lambda s, p=pref: von_mises_tuning(np.asarray(s)[:, None], p, kappa=6.0, r_max=40.0, r_0=1.0)  # noqa: E731
    s = rng.uniform(-np.pi, np.pi, 1000)
    counts = rng.poisson(f(s) * 0.05)                     # 50 ms of spikes
    crb = 1.0 / fisher_information([0.0], f, 50.0)[0]
    ml_ratio.append(np.mean(wrap(ml_decode(counts, f, grid, 50.0) - s) ** 2) / crb)
    pv_ratio.append(np.mean(wrap(population_vector(counts, pref) - s) ** 2) / crb)
    print(f"N = {N:3d}: ML variance / CRB = {ml_ratio[-1]:.2f}, population vector / CRB = {pv_ratio[-1]:.2f}")

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.semilogx(sizes, ml_ratio, "o-", label="maximum likelihood")
ax.semilogx(sizes, pv_ratio, "s-", label="population vector")
ax.axhline(1, color="k", ls="--", label="Cramér–Rao bound")
ax.set(xlabel="neurons", ylabel="error variance / CRB")
ax.legend()
