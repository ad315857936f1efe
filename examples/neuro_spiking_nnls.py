"""
A spiking network that solves non-negative least squares
========================================================

Integrate-and-fire neurons whose voltages are the negative gradient of ‖b − A r‖² fire only
when a spike lowers the error (Barrett, Denève & Machens 2013); their filtered spike trains
settle on the solution of ``scipy.optimize.nnls``. The same network explains away: of two
causes that share a feature, the one not present stays silent (Moreno-Bote & Drugowitsch 2015).
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import nnls

from kanerva.neuro import SpikingQP, causal_inference_qp, simulate

rng = np.random.default_rng(0)
A = rng.random((12, 6)); b = rng.random(12)
x = nnls(A, b)[0]
net = SpikingQP(A.T @ A, A.T @ b, copies=64)
run = simulate(net, 300.0, 0.1, record=["r_mean"])
r = net.estimate(run.traces["r_mean"][1000:].mean(0))
print("scipy nnls:", np.round(x, 3))
print("network:   ", np.round(r, 3))
print(f"relative error {np.linalg.norm(r - x) / np.linalg.norm(x):.3f}, "
      f"mean rate {run.rates().mean():.1f} Hz over {net.n} neurons")

U = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])      # two causes sharing the middle feature
Q, c = causal_inference_qp(U, U[:, 0], alpha=0.05)       # only cause 1 is present
cause = SpikingQP(Q, c, copies=32)
out = simulate(cause, 200.0, 0.1, record=["r_mean"])
print("explaining away: inferred", np.round(cause.estimate(out.traces["r_mean"][500:].mean(0)), 3),
      "from feedforward drive", np.round(c, 2))

fig, ax = plt.subplots(figsize=(6, 3.5))
sel = run.spike_units % 64 < 8                           # 8 neurons of each variable
ax.plot(run.spike_times[sel], run.spike_units[sel] // 64 + (run.spike_units[sel] % 64) / 10, "k.", ms=2)
ax.set(xlabel="time (ms)", ylabel="variable", title="spikes of 8 neurons per variable")
