"""
Izhikevich's seven firing patterns
==================================

One two-variable model, seven published parameter sets (Izhikevich 2003): regular spiking,
intrinsically bursting, chattering, fast spiking, low-threshold spiking, thalamo-cortical
(a rebound burst after inhibition) and resonator (damped subthreshold ringing).
"""

import matplotlib.pyplot as plt
import numpy as np

from kanerva.neuro import IZHIKEVICH_PARAMS, Izhikevich, simulate

dt, T = 0.25, 300.0
steps = int(T / dt)
step = np.zeros(steps); step[int(20 / dt):] = 10.0
rebound = np.full(steps, -10.0); rebound[int(150 / dt):] = 0.0
kick = np.zeros(steps); kick[int(20 / dt):int(21 / dt)] = 2.0
inputs = {"RS": step, "IB": step, "CH": step, "FS": step, "LTS": step, "TC": rebound, "RZ": kick}

fig, axes = plt.subplots(len(inputs), 1, figsize=(6, 9), sharex=True)
for ax, (name, I) in zip(axes, inputs.items()):
    run = simulate(Izhikevich.pattern(name, v0=-63.0 if name == "TC" else None), T, dt, current=I, record=["vm"])
    isi = np.diff(run.spike_times)
    first = f", first ISI {isi[0]:.1f} ms" if isi.size else ""
    print(f"{name:4s} {IZHIKEVICH_PARAMS[name]}: {run.spike_times.size} spikes{first}")
    ax.plot(run.t, run.traces["vm"][:, 0], lw=0.8)
    ax.set_ylabel(name)
axes[-1].set_xlabel("time (ms)")
