"""
The f–I curve of a leaky integrate-and-fire neuron
==================================================

A population of LIF neurons, each held at its own constant current, is simulated with
:func:`kanerva.neuro.simulate`; the rates from their spike trains fall on the analytic curve
r = 1/(t_ref + τ ln((RI + E_L − V_reset)/(RI + E_L − V_th))) (the simulator integrates the
membrane and the threshold crossing exactly, so the agreement is to rounding).
"""

import matplotlib.pyplot as plt
import numpy as np

from kanerva.neuro import LIF, lif_rate, simulate

I = np.linspace(1.0, 10.0, 60)                     # nA; rheobase is (V_th − E_L)/R = 1.5 nA
run = simulate(LIF(n=I.size), 1000.0, 0.1, current=I)
sim = np.array([1000 * (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 else 0.0 for t in run.trains()])
theory = lif_rate(I)
above = theory > 0
print(f"max relative error above rheobase: {np.max(np.abs(sim[above] / theory[above] - 1)):.1e}")
print(f"rate at 5 nA: simulated {sim[np.argmin(abs(I - 5))]:.2f} Hz, analytic {theory[np.argmin(abs(I - 5))]:.2f} Hz")

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(I, theory, "k-", label="analytic")
ax.plot(I[::3], sim[::3], "o", label="simulated")
ax.set(xlabel="current (nA)", ylabel="rate (Hz)", title="LIF f–I curve")
ax.legend()
