"""Fano factor, CV and the spike-triggered average: kanerva.neuro against elephant, same inputs.

    .venv-neuro/bin/python -m benchmarks.neuro_spikestats
    .venv-neuro/bin/python -m benchmarks.neuro_spikestats --quick

elephant 1.2.1 takes neo.SpikeTrain / neo.AnalogSignal objects (quantities); they are built
before the clock starts, kanerva takes plain arrays (ms). Cases:
- Fano factor of spike counts over 1,000 Poisson trains of equal duration (20 Hz, 10 s):
  elephant.statistics.fanofactor vs kanerva.neuro.fano_factor (one window per train).
- CV of the ISIs of each of 1,000 trains: elephant.statistics.cv(isi(st)) per train vs
  kanerva.neuro.cv([train]) per train (both std/mean with ddof = 0).
- STA: 200 s of white noise sampled at 1 kHz, spikes of an LNP neuron on the sample grid,
  a 100 ms window before each spike: elephant.sta.spike_triggered_average (window
  [−100 ms, 0), the samples before the spike) vs kanerva.neuro.spike_triggered_average over
  lags −100..−1 ms, the same samples.
Times: best of 3 (after a warm-up), one thread.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from ._util import best_time, markdown_table, write_json  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n_trains, dur, sta_s = (200, 5_000.0, 20.0) if args.quick else (1_000, 10_000.0, 200.0)
    import elephant
    import neo
    import quantities as pq
    from elephant.sta import spike_triggered_average as e_sta
    from elephant.statistics import cv as e_cv
    from elephant.statistics import fanofactor as e_fano
    from elephant.statistics import isi as e_isi

    from kanerva.neuro import cv, fano_factor, poisson_train, spike_triggered_average

    trains = poisson_train(20.0, dur, n=n_trains, seed=0)
    sts = [neo.SpikeTrain(t * pq.ms, t_start=0 * pq.ms, t_stop=dur * pq.ms) for t in trains]
    rows, out = [], {}

    f_k = fano_factor(trains, t_stop=dur)
    f_e = float(e_fano(sts))
    t_k = best_time(lambda: fano_factor(trains, t_stop=dur), repeat=3)
    t_e = best_time(lambda: e_fano(sts), repeat=3)
    rows.append(["Fano factor", f"{n_trains} trains", f"{f_k:.6f}", f"{f_e:.6f}", f"{t_k * 1e3:.2f}", f"{t_e * 1e3:.2f}", f"{t_e / t_k:.1f}"])
    out["fano"] = {"kanerva": f_k, "elephant": f_e, "kanerva_s": t_k, "elephant_s": t_e}

    c_k = np.array([cv([t]) for t in trains])
    c_e = np.array([float(e_cv(e_isi(st))) for st in sts])
    t_k = best_time(lambda: [cv([t]) for t in trains], repeat=3)
    t_e = best_time(lambda: [e_cv(e_isi(st)) for st in sts], repeat=3)
    rows.append(["CV per train", f"{n_trains} trains", f"mean {c_k.mean():.6f}", f"max |Δ| {np.abs(c_k - c_e).max():.1e}",
                 f"{t_k * 1e3:.2f}", f"{t_e * 1e3:.2f}", f"{t_e / t_k:.1f}"])
    out["cv"] = {"kanerva_mean": float(c_k.mean()), "max_abs_diff": float(np.abs(c_k - c_e).max()),
                 "kanerva_s": t_k, "elephant_s": t_e}

    rng = np.random.default_rng(1)
    T = int(sta_s * 1000)
    s = rng.normal(size=T)
    k = np.exp(-np.arange(60) / 10.0) * np.sin(np.arange(60) / 6.0)
    p = np.minimum(0.02 * np.exp(np.convolve(s, k)[:T]), 1.0)
    spikes = np.flatnonzero(rng.random(T) < p).astype(float)          # ms, on the sample grid
    sig = neo.AnalogSignal(s[:, None], units="mV", sampling_rate=1 * pq.kHz, t_start=0 * pq.ms)
    st = neo.SpikeTrain(spikes * pq.ms, t_start=0 * pq.ms, t_stop=T * pq.ms)
    run_k = lambda: spike_triggered_average(s, spikes, 1.0, (-100.0, -1.0))  # noqa: E731
    run_e = lambda: e_sta(sig, st, (-100 * pq.ms, 0 * pq.ms))  # noqa: E731
    a_k = run_k()[1]
    a_e = np.asarray(run_e()).ravel()
    t_k = best_time(run_k, repeat=3)
    t_e = best_time(run_e, repeat=3, warmup=0)
    corr = float(np.corrcoef(a_k[::-1][:60], k)[0, 1])
    rows.append(["STA", f"{spikes.size} spikes, {T} samples", f"corr with filter {corr:.3f}",
                 f"max |Δ| {np.abs(a_k - a_e).max():.1e}", f"{t_k * 1e3:.2f}", f"{t_e * 1e3:.2f}", f"{t_e / t_k:.1f}"])
    out["sta"] = {"spikes": int(spikes.size), "max_abs_diff": float(np.abs(a_k - a_e).max()), "filter_corr": corr,
                  "kanerva_s": t_k, "elephant_s": t_e}

    load = os.getloadavg()
    print(f"elephant {elephant.__version__} vs kanerva.neuro; load average {load[0]:.2f}")
    print(markdown_table(["measure", "input", "kanerva", "elephant (or Δ)", "kanerva ms", "elephant ms",
                          "elephant / kanerva"], rows))
    write_json("neuro_spikestats" + ("_quick" if args.quick else ""),
               {"elephant": elephant.__version__, "load_average": load, **out})


if __name__ == "__main__":
    main()
