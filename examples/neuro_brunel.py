"""
Brunel's network: synchronous regular and asynchronous irregular states
=======================================================================

A sparse random network of excitatory and inhibitory LIF neurons (Brunel 2000), here 1,000
neurons with J scaled up tenfold so that C_E·J matches the published 10,000-neuron network.
Weak inhibition (g = 3) gives the synchronous regular state; stronger inhibition (g = 5) the
asynchronous irregular one, whose rate the mean-field theory predicts.
"""

import matplotlib.pyplot as plt

from kanerva.neuro import brunel2000, brunel_rate, network_state, simulate

fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, g in zip(axes, (3.0, 5.0)):
    run = simulate(brunel2000(g, 2.0, n=1_000, J=1.0, seed=3), 300.0, 0.1)
    st = network_state(run, t_start=100.0)
    theory = brunel_rate(g, 2.0, C_E=80, J=1.0)
    print(f"g = {g}: {st['label']}, rate {st['rate']:.0f} Hz (mean field {theory:.0f} Hz), "
          f"CV {st['cv']:.2f}, synchrony {st['synchrony']:.2f}")
    sel = (run.spike_units < 60) & (run.spike_times > 200)
    ax.plot(run.spike_times[sel], run.spike_units[sel], "k.", ms=2)
    ax.set(title=f"g = {g}, ν_ext/ν_thr = 2: {st['label']}", xlabel="time (ms)")
axes[0].set_ylabel("neuron")
