"""kanerva.neuro reproductions: each model against its closed form or paper, with figures.

    python -m benchmarks.neuro_reproduce              # every part (a few minutes), PNGs in docs/img/
    python -m benchmarks.neuro_reproduce --part hh    # one part: lif izh hh brunel poisson info decoding nnls

Prints one table per part and writes benchmarks/results/neuro_reproduce.json. Correctness,
not timing: no lock needed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.optimize import nnls  # noqa: E402

from kanerva import neuro  # noqa: E402

from ._util import RESULTS, markdown_table, stamp, write_json  # noqa: E402

IMG = Path(__file__).resolve().parents[1] / "docs" / "img"


def save(fig, name):
    IMG.mkdir(parents=True, exist_ok=True)
    fig.savefig(IMG / name, dpi=110, bbox_inches="tight")
    plt.close(fig)


def part_lif():
    I = np.linspace(1.5, 20.0, 200)
    run = neuro.simulate(neuro.LIF(n=I.size), 2000.0, 0.1, current=I)
    sim = np.array([1000.0 * (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 else 0.0 for t in run.trains()])
    theory = neuro.lif_rate(I)
    on = theory > 0
    err = float(np.max(np.abs(sim[on] / theory[on] - 1)))
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(I, theory, "k-", lw=2, label="analytic 1/(t_ref + τ ln(...))")
    ax.plot(I[::6], sim[::6], "o", color="C1", ms=4, label="simulated (dt = 0.1 ms)")
    ax.set(xlabel="current (nA)", ylabel="rate (Hz)", title="LIF f–I curve")
    ax.legend()
    save(fig, "neuro_lif_fi.png")
    print(markdown_table(["currents", "max relative error", "rheobase (nA)"],
                         [[f"{I.size} from 1.5 to 20 nA", f"{err:.1e}", "1.5 (R I = V_th − E_L)"]]))
    return {"max_rel_error": err, "n_currents": int(I.size)}


def izh_run(name, I, T, v0=None, dt=0.25):
    run = neuro.simulate(neuro.Izhikevich.pattern(name, v0=v0), T, dt, current=I, record=["vm"])
    return run


def part_izh():
    dt, T = 0.25, 400.0
    steps = int(T / dt)
    step = np.zeros(steps); step[int(20 / dt):] = 10.0
    tc = np.full(steps, -10.0); tc[int(150 / dt):] = 0.0
    rz = np.zeros(steps); rz[int(20 / dt):int(21 / dt)] = 2.0        # a small kick: damped ringing
    specs = {"RS": (step, None), "IB": (step, None), "CH": (step, None), "FS": (step, None),
             "LTS": (step, None), "TC": (tc, -63.0), "RZ": (rz, None)}   # None: from rest
    fig, axes = plt.subplots(7, 1, figsize=(7, 11), sharex=True)
    rows, out = [], {}
    for ax, (name, (I, v0)) in zip(axes, specs.items()):
        run = izh_run(name, I, T, v0=v0, dt=dt)
        isi = np.diff(run.spike_times)
        if name in ("RS", "LTS"):
            stat = f"adaptation (last/first ISI) {isi[-1] / isi[0]:.2f}"
            val = isi[-1] / isi[0]
        elif name == "IB":
            stat = f"burst ISIs {isi[0]:.1f}, {isi[1]:.1f} ms, then tonic {isi[-1]:.1f} ms"
            val = [isi[0], isi[1], isi[-1]]
        elif name == "CH":
            short = isi[isi < 10]
            stat = f"{np.sum(isi >= 10) + 1} bursts, intra-burst ISI {short.mean():.1f} ms, inter-burst {isi[isi >= 10].mean():.1f} ms"
            val = [float(short.mean()), float(isi[isi >= 10].mean())]
        elif name == "FS":
            stat = f"steady rate {1000 / isi[-5:].mean():.0f} Hz, adaptation {isi[-1] / isi[0]:.2f}"
            val = 1000 / isi[-5:].mean()
        elif name == "TC":
            stat = f"rebound burst of {run.spike_times.size} spikes, first {run.spike_times[0] - 150:.1f} ms after release, ISI {isi[0]:.1f} ms"
            val = [int(run.spike_times.size), float(isi[0])]
        else:
            v = run.traces["vm"][:, 0]
            x = v - (-62.5)
            cross = np.flatnonzero((x[:-1] < 0) & (x[1:] >= 0))
            f = 1000.0 / np.diff(run.t[cross][:4]).mean()
            a, b = neuro.IZHIKEVICH_PARAMS["RZ"][:2]
            J = np.array([[0.08 * -62.5 + 5, -1.0], [a * b, -a]])
            f_lin = np.abs(np.linalg.eigvals(J).imag).max() / (2 * np.pi) * 1000
            stat = f"subthreshold ringing {f:.1f} Hz (linearised {f_lin:.1f} Hz)"
            val = [f, f_lin]
        rows.append([name, neuro.IZHIKEVICH_PARAMS[name], stat])
        out[name] = val
        ax.plot(run.t, run.traces["vm"][:, 0], lw=0.8)
        ax.set_ylabel(name)
        ax.set_ylim(-90, 35)
    axes[-1].set_xlabel("time (ms)")
    fig.suptitle("Izhikevich (2003): the seven published patterns")
    save(fig, "neuro_izhikevich.png")
    print(markdown_table(["pattern", "(a, b, c, d)", "measured"], rows))
    return out


def bisect(f, lo, hi, tol=1e-3):
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if f(mid) else (mid, hi)
    return 0.5 * (lo + hi)


def part_hh():
    run = neuro.simulate(neuro.HodgkinHuxley(), 40.0, 0.01, current=np.r_[np.zeros(500), np.full(3500, 10.0)],
                         record=["v", "m", "h", "n"])
    v = run.traces["v"][:, 0]
    amplitude = float(v.max() - (-65.0))
    fires = lambda I, T=200.0, after=0.0: np.sum(neuro.simulate(neuro.HodgkinHuxley(), T, 0.02, current=I).spike_times > after)  # noqa: E731
    rheobase = bisect(lambda I: fires(I) >= 1, 1.0, 4.0, 0.005)
    repetitive = bisect(lambda I: fires(I, 400.0, 200.0) >= 3, 4.0, 9.0, 0.005)
    fig, ax = plt.subplots(2, 1, figsize=(6, 5), sharex=True)
    ax[0].plot(run.t, v, "k")
    ax[0].set(ylabel="V (mV)", title="Hodgkin–Huxley at 6.3 °C, 10 µA/cm² from t = 5 ms")
    for g in ("m", "h", "n"):
        ax[1].plot(run.t, run.traces[g][:, 0], label=g)
    ax[1].set(xlabel="time (ms)", ylabel="gate")
    ax[1].legend(ncol=3)
    save(fig, "neuro_hh.png")
    print(markdown_table(["quantity", "measured", "published"], [
        ["action potential (peak − rest)", f"{amplitude:.1f} mV", "about 100 mV (Hodgkin & Huxley 1952)"],
        ["rheobase, 200 ms step", f"{rheobase:.3f} µA/cm²", "about 2.2–2.3 µA/cm²"],
        ["onset of repetitive firing", f"{repetitive:.3f} µA/cm²", "about 6.2–6.3 (Rinzel & Miller 1980: 6.26)"]]))
    return {"amplitude_mV": amplitude, "rheobase": rheobase, "repetitive_onset": repetitive}


def part_brunel(n=12_500, duration=1000.0):
    points = {"SR": (3.0, 2.0), "AI": (5.0, 2.0), "SI fast": (6.0, 4.0), "SI slow": (4.5, 0.9)}
    fig, axes = plt.subplots(2, 2, figsize=(10, 6))
    rows, out = [], {}
    for ax, (name, (g, nu)) in zip(axes.ravel(), points.items()):
        run = neuro.simulate(neuro.brunel2000(g, nu, n=n, seed=1), duration, 0.1)
        st = neuro.network_state(run, 200.0)
        theory = neuro.brunel_rate(g, nu, C_E=int(0.1 * 0.8 * n))
        tt, pop = run.population_rate(0.5)
        x = pop[tt > 200.0] - pop[tt > 200.0].mean()
        freqs = np.fft.rfftfreq(x.size, 0.5e-3)
        power = np.abs(np.fft.rfft(x)) ** 2
        band = freqs > 5.0
        peak = float(freqs[band][power[band].argmax()])
        rows.append([name, g, nu, f"{st['rate']:.1f}", f"{theory:.1f}", f"{st['cv']:.2f}",
                     f"{st['synchrony']:.3f}", f"{peak:.0f}", st["label"]])
        out[name] = {**st, "g": g, "nu_ratio": nu, "mean_field_rate": theory, "population_peak_hz": peak}
        sel = (run.spike_units < 50) & (run.spike_times > duration - 100.0)
        ax.plot(run.spike_times[sel], run.spike_units[sel], "k.", ms=1.5)
        t, r = run.population_rate(0.5)
        keep = t > duration - 100.0
        ax2 = ax.twinx()
        ax2.plot(t[keep], r[keep], color="C3", lw=0.6, alpha=0.7)
        ax2.set_yticks([])
        ax.set(title=f"{name}: g = {g}, ν_ext/ν_thr = {nu}  ({st['label']}, {st['rate']:.0f} Hz, CV {st['cv']:.2f})",
               xlabel="time (ms)", ylabel="neuron")
        ax.title.set_fontsize(8)
    fig.suptitle(f"Brunel (2000), {n} LIF neurons as published (N_E = 10,000, ε = 0.1, J = 0.1 mV, D = 1.5 ms): 50 neurons, last 100 ms")
    fig.tight_layout()
    save(fig, "neuro_brunel.png")
    print(markdown_table(["point", "g", "ν_ext/ν_thr", "rate Hz", "mean-field Hz", "CV ISI", "χ",
                          "population rhythm Hz", "state"], rows))
    return out


def part_poisson():
    rows, out = [], {}
    for rate, d in [(30.0, 0.0), (30.0, 5.0), (80.0, 5.0)]:
        trains = neuro.poisson_train(rate, 20_000.0, n=200, refractory=d, seed=2)
        c = neuro.cv(trains)
        f = neuro.fano_factor(trains, window=5000.0, t_stop=20_000.0)
        th = 1 - rate * d / 1000.0
        rows.append([f"{rate:g} Hz, d = {d:g} ms", f"{c:.3f}", f"{th:.3f}", f"{f:.3f}", f"{th ** 2:.3f}"])
        out[f"{rate}_{d}"] = {"cv": c, "fano": f, "cv_theory": th, "fano_theory": th ** 2}
    print(markdown_table(["train (200 × 20 s)", "CV", "theory 1 − r d", "Fano (5 s windows)", "theory (1 − r d)²"], rows))
    rng = np.random.default_rng(3)
    k = np.exp(-np.arange(50) / 8.0) * np.sin(np.arange(50) / 5.0)
    s = rng.normal(size=300_000)
    p = np.minimum(0.02 * np.exp(np.convolve(s, k)[:s.size]), 1.0)
    spikes = np.flatnonzero(rng.random(s.size) < p) * 1.0
    lags, sta = neuro.spike_triggered_average(s, spikes, 1.0, (-49.0, 0.0))
    corr = float(np.corrcoef(sta[::-1], k)[0, 1])
    Bs, Bh = neuro.raised_cosine_basis(6, 40), neuro.raised_cosine_basis(6, 60)
    ws, wh = np.array([0.1, 0.3, 0.25, -0.1, -0.15, -0.05]), np.array([-5.0, -2.0, 0.4, 0.3, 0.0, 0.0])
    s2 = rng.normal(size=300_000)
    y, _ = neuro.simulate_glm(np.convolve(s2, Bs @ ws)[:s2.size], np.log(0.03), Bh @ wh, max_rate=1000.0, seed=4)
    glm = neuro.PoissonGLM(alpha=1e-6).fit(neuro.glm_design(s2, y, Bs, Bh), y)
    k_fit, h_fit = Bs @ glm.coef_[:6], Bh @ glm.coef_[6:]
    ck, ch = float(np.corrcoef(k_fit, Bs @ ws)[0, 1]), float(np.corrcoef(h_fit, Bh @ wh)[0, 1])
    fig, ax = plt.subplots(1, 3, figsize=(11, 3))
    ax[0].plot(-lags, sta / np.abs(sta).max(), label="STA"); ax[0].plot(np.arange(50), k / np.abs(k).max(), "k--", label="filter")
    ax[0].set(title=f"STA, white noise (r = {corr:.3f})", xlabel="lag (ms)"); ax[0].legend()
    ax[1].plot(Bs @ ws, "k--", label="true"); ax[1].plot(k_fit, label="GLM fit")
    ax[1].set(title=f"GLM stimulus filter (r = {ck:.3f})", xlabel="lag (bins)"); ax[1].legend()
    ax[2].plot(np.arange(1, 61), Bh @ wh, "k--", label="true"); ax[2].plot(np.arange(1, 61), h_fit, label="GLM fit")
    ax[2].set(title=f"GLM history filter (r = {ch:.3f})", xlabel="lag (bins)"); ax[2].legend()
    fig.tight_layout()
    save(fig, "neuro_encoding.png")
    print(markdown_table(["check", "result"], [["STA vs known filter (300,000 samples)", f"r = {corr:.3f}"],
                                               ["GLM stimulus filter", f"r = {ck:.3f}"],
                                               ["GLM history filter", f"r = {ch:.3f}"]]))
    out.update({"sta_corr": corr, "glm_stim_corr": ck, "glm_hist_corr": ch})
    return out


def part_info():
    rng = np.random.default_rng(5)
    P = rng.dirichlet(np.full(16, 0.5), size=4)
    pr = P.mean(0)
    H = lambda p: -np.sum(p[p > 0] * np.log2(p[p > 0]))  # noqa: E731
    truth = H(pr) - np.mean([H(p) for p in P])
    sizes = [8, 16, 32, 64, 128, 256, 512]
    methods = ["plugin", "miller_madow", "panzeri_treves"]
    bias = {m: [] for m in methods + ["shuffled labels"]}
    for n in sizes:
        est = {m: [] for m in bias}
        for _ in range(100):
            s = np.repeat(np.arange(4), n)
            r = np.concatenate([rng.choice(16, n, p=p) for p in P])
            for m in methods:
                est[m].append(neuro.mutual_information(s, r, m, n_bins=16))
            est["shuffled labels"].append(est["plugin"][-1] - neuro.shuffle_bias(s, r, n_shuffles=10, seed=rng))
        for m in bias:
            bias[m].append(float(np.mean(est[m]) - truth))
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
    for m in bias:
        ax[0].semilogx(np.array(sizes) * 4, bias[m], "o-", label=m)
    ax[0].axhline(0, color="k", lw=0.5)
    ax[0].set(xlabel="trials", ylabel="bias (bits)", title=f"MI bias, 4 stimuli × 16 responses (I = {truth:.3f} bits)")
    ax[0].legend()
    p = rng.choice([0.01, 0.1, 0.25], size=2000)
    spikes = (rng.random((500, 2000)) < p).astype(int)
    h = lambda q: -q * np.log2(q) - (1 - q) * np.log2(1 - q)  # noqa: E731
    known = (h(p.mean()) - h(p).mean()) * 1000.0
    dm = neuro.direct_method(spikes, 1.0, word_lengths=(1, 2, 3, 4, 5, 6), seed=6)
    ax[1].plot(dm["L"], dm["info_plugin"], "o-", label="plug-in, all data")
    ax[1].plot(dm["L"], (np.array(dm["total"]) - np.array(dm["noise"])) / (np.array(dm["L"]) * 1e-3), "s-",
               label="extrapolated to infinite data")
    ax[1].axhline(known, color="k", ls="--", label=f"known {known:.1f} bits/s")
    ax[1].axhline(dm["info_rate"], color="C3", ls=":", label=f"direct method {dm['info_rate']:.1f} bits/s")
    ax[1].set(xlabel="word length (1 ms bins)", ylabel="bits/s", title="Direct method (Strong et al. 1998)")
    ax[1].legend(fontsize=7)
    fig.tight_layout()
    save(fig, "neuro_information.png")
    rows = [[m] + [f"{b:+.3f}" for b in bias[m]] for m in bias]
    print(markdown_table(["bias (bits) at trials →"] + [str(4 * n) for n in sizes], rows))
    print(markdown_table(["neuron", "known (bits/s)", "direct method (bits/s)", "plug-in at L = 6"],
                         [["Bernoulli, 3 stimulus-locked levels", f"{known:.1f}", f"{dm['info_rate']:.1f}",
                           f"{dm['info_plugin'][-1]:.1f}"]]))
    r = rng.choice([2.0, 60.0], size=20_000)
    q = r * 0.5e-3
    per_spike = neuro.information_per_spike(r)
    rate_info = (h(q.mean()) - h(q).mean()) / 0.5e-3 / r.mean()
    print(markdown_table(["information per spike (Brenner et al. 2000)", "bits/spike"],
                         [["(1/T)∫ (r/r̄) log₂(r/r̄) dt", f"{per_spike:.4f}"],
                          ["information rate / mean rate, 0.5 ms bins", f"{rate_info:.4f}"]]))
    return {"truth": truth, "sizes": sizes, "bias": bias, "direct_known": known, "direct": dm["info_rate"],
            "per_spike": per_spike, "per_spike_from_rate": rate_info}


def part_decoding():
    grid = np.linspace(-np.pi, np.pi, 1440, endpoint=False)
    wrap = lambda x: (x + np.pi) % (2 * np.pi) - np.pi  # noqa: E731
    rng = np.random.default_rng(7)
    Ns = [8, 16, 32, 64, 128, 256]
    out = {"N": Ns}
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
    rows = []
    for kappa, label in [(6.0, "von Mises κ = 6"), (None, "cosine 25 + 15 cos")]:
        ml_r, pv_r = [], []
        for N in Ns:
            pref = np.linspace(-np.pi, np.pi, N, endpoint=False)
            if kappa:
                f = lambda s, p=pref: neuro.von_mises_tuning(np.asarray(s)[:, None], p, kappa=kappa, r_max=40.0, r_0=1.0)  # noqa: E731
            else:
                f = lambda s, p=pref: neuro.cosine_tuning(np.asarray(s)[:, None], p, r_max=40.0, r_0=25.0)  # noqa: E731
            s = rng.uniform(-np.pi, np.pi, 2000)
            counts = rng.poisson(f(s) * 0.05)
            crb = 1.0 / neuro.fisher_information(np.array([0.1]), f, 50.0)[0]
            ml_r.append(np.mean(wrap(neuro.ml_decode(counts, f, grid, 50.0) - s) ** 2) / crb)
            pv_r.append(np.mean(wrap(neuro.population_vector(counts, pref) - s) ** 2) / crb)
        ax[0 if kappa else 1].semilogx(Ns, ml_r, "o-", label="maximum likelihood")
        ax[0 if kappa else 1].semilogx(Ns, pv_r, "s-", label="population vector")
        ax[0 if kappa else 1].axhline(1.0, color="k", ls="--", label="Cramér–Rao bound")
        ax[0 if kappa else 1].set(xlabel="neurons", ylabel="error variance / CRB", title=f"{label}, 50 ms windows")
        ax[0 if kappa else 1].legend()
        out[label] = {"ml_over_crb": ml_r, "pv_over_crb": pv_r}
        rows += [[label, "ML"] + [f"{x:.2f}" for x in ml_r], [label, "PV"] + [f"{x:.2f}" for x in pv_r]]
    fig.tight_layout()
    save(fig, "neuro_decoding.png")
    print(markdown_table(["tuning", "decoder"] + [f"N = {n}" for n in Ns], rows))
    return out


def part_nnls():
    rng = np.random.default_rng(8)
    A = rng.random((20, 10)); b = rng.random(20)
    x = nnls(A, b)[0]
    copies = [4, 16, 64, 256]
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.5))
    final = {}
    for k in copies:
        net = neuro.SpikingQP(A.T @ A, A.T @ b, copies=k)
        run = neuro.simulate(net, 500.0, 0.1, record=["r_mean"])
        est = net.estimate(np.cumsum(run.traces["r_mean"], 0) / np.arange(1, len(run.t) + 1)[:, None])
        err = np.linalg.norm(est - x, axis=1) / np.linalg.norm(x)     # average from t = 0
        ax[0].loglog(run.t, err, label=f"{k} neurons per variable ({10 * k} in all)")
        late = net.estimate(run.traces["r_mean"][1000:].mean(0))        # average over 100–500 ms
        final[k] = {"error_500ms": float(err[-1]), "error_after_100ms": float(np.linalg.norm(late - x) / np.linalg.norm(x)),
                    "max_rate_hz": float(run.rates().max()), "mean_rate_hz": float(run.rates().mean())}
    ax[0].set(xlabel="run time (ms)", ylabel="‖r̂ − r_nnls‖/‖r_nnls‖", title="Spiking NNLS (20 × 10) vs scipy.optimize.nnls\n(readout averaged from t = 0)")
    ax[0].legend(fontsize=7)
    ax[1].loglog([10 * k for k in copies], [final[k]["error_after_100ms"] for k in copies], "o-")
    ax[1].set(xlabel="network size (neurons)", ylabel="relative error", title="error vs network size (average over 100–500 ms)")
    U = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    rates = {}
    for label, mu in [("cause 1 alone", U[:, 0]), ("both causes", U.sum(1))]:
        Q, c = neuro.causal_inference_qp(U, mu, alpha=0.05)
        net = neuro.SpikingQP(Q, c, copies=32)
        run = neuro.simulate(net, 300.0, 0.1, record=["r_mean"])
        r = net.estimate(run.traces["r_mean"][500:].mean(0))
        rates[label] = {"network": r.tolist(), "feedforward_drive": c.tolist()}
    w = 0.35
    for i, (label, v) in enumerate(rates.items()):
        ax[2].bar(np.arange(2) + (i - 0.5) * w, v["network"], w, label=f"network, {label}")
    ax[2].plot([0, 1], rates["cause 1 alone"]["feedforward_drive"], "kx", ms=10, label="feedforward drive, cause 1 alone")
    ax[2].set(xticks=[0, 1], xticklabels=["cause 1", "cause 2"], ylabel="inferred strength",
              title="explaining away (Moreno-Bote & Drugowitsch 2015)")
    ax[2].legend(fontsize=7)
    fig.tight_layout()
    save(fig, "neuro_nnls.png")
    print(markdown_table(["neurons per variable", "network size", "error, average 0–500 ms",
                          "error, average 100–500 ms", "max rate Hz", "mean rate Hz"],
                         [[k, 10 * k, f"{final[k]['error_500ms']:.4f}", f"{final[k]['error_after_100ms']:.4f}",
                           f"{final[k]['max_rate_hz']:.0f}", f"{final[k]['mean_rate_hz']:.1f}"] for k in copies]))
    print(markdown_table(["input", "r (network)", "feedforward drive Uᵀμ − α"],
                         [[k, np.round(v["network"], 3).tolist(), np.round(v["feedforward_drive"], 3).tolist()]
                          for k, v in rates.items()]))
    return {"copies": final, "explaining_away": rates}


PARTS = {"lif": part_lif, "izh": part_izh, "hh": part_hh, "brunel": part_brunel, "poisson": part_poisson,
         "info": part_info, "decoding": part_decoding, "nnls": part_nnls}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=sorted(PARTS), action="append")
    args = ap.parse_args(argv)
    path = RESULTS / "neuro_reproduce.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    for name in args.part or list(PARTS):
        print(f"\n## {name}")
        results[name] = {"date": stamp(), **PARTS[name]()}
    results.pop("date", None)
    results.pop("machine", None)
    write_json("neuro_reproduce", results)


if __name__ == "__main__":
    main()
