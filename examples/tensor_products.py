"""
Tensor products against HRR: exact recovery or constant size
=============================================================

Smolensky's tensor product representation binds a filler to a role by their outer product, so a
record of n pairs is a d_filler x d_role matrix, and with linearly independent roles (n <= d_role)
every filler comes back *exactly* through the dual basis. HRR binds by circular convolution into
a vector of fixed size: cheaper, and it stays that size however deep the structure goes, but each
filler comes back with the cross-talk of the others, growing with the number of pairs.
"""

import matplotlib.pyplot as plt
import numpy as np

import kanerva as kv
from kanerva.structures import TensorProduct

fillers_tpr = kv.Codebook(kv.HRR(32, seed=0), [f"f{i}" for i in range(300)])
hrr = kv.HRR(32 * 32, seed=0)  # the same number of numbers as the 32 x 32 tensor
fillers_hrr = kv.Codebook(hrr, fillers_tpr.symbols)
rng = np.random.default_rng(0)

pairs_n = [1, 4, 16, 32, 48, 64, 96]
curves = {"TPR 32 x 32": [], "HRR D = 1024": []}
for n in pairs_n:
    chosen = rng.integers(0, 300, size=n)
    roles = kv.Codebook(kv.HRR(32, seed=1), [f"r{i}" for i in range(n)])
    tpr = TensorProduct(fillers_tpr, roles)
    t = tpr.encode([(f"r{i}", f"f{j}") for i, j in enumerate(chosen)])
    got = np.stack([tpr.unbind(t, f"r{i}") for i in range(n)])
    truth = tpr.filler_features[chosen]
    cos_tpr = np.mean(np.sum(got * truth, 1) / np.linalg.norm(got, axis=1) / np.linalg.norm(truth, axis=1))
    hrr_roles = hrr.random(key=roles.symbols)
    record = hrr.bundle(hrr.bind(hrr_roles, fillers_hrr.vectors[chosen]))
    cos_hrr = np.mean(np.asarray(hrr.similarity(hrr.unbind(record, hrr_roles), fillers_hrr.vectors[chosen])).diagonal())
    curves["TPR 32 x 32"].append(cos_tpr)
    curves["HRR D = 1024"].append(cos_hrr)
    print(f"n = {n:3d}: TPR {cos_tpr:.3f}{' (exact)' if tpr.exact else ''}   HRR {cos_hrr:.3f}")

fig, ax = plt.subplots(figsize=(6, 4))
for label, ys in curves.items():
    ax.plot(pairs_n, ys, "o-", label=label)
ax.axvline(32, color="grey", ls=":", lw=1)
ax.set(xlabel="bound pairs n", ylabel="cosine of the unbound filler to the true one",
       title="TPR is exact up to d_role pairs; HRR cross-talk grows with n")
ax.legend()
