"""Brunel (2000) network, 10,000 LIF neurons for 1 s: kanerva.neuro against brian2, side by side.

    .venv-neuro/bin/python -m benchmarks.neuro_brunel                 # g = 5, ν_ext/ν_thr = 2 (AI)
    .venv-neuro/bin/python -m benchmarks.neuro_brunel --quick         # 2,000 neurons, 300 ms

brian2 2.11 needs Python >= 3.13, so this runs in the Python 3.13 environment that
`make bench-neuro-install` builds (.venv-neuro: kanerva, brian2, nemos, elephant).

Both sides simulate the same network: the connectivity kanerva draws (fixed in-degree,
C_E = 0.1 N_E excitatory and C_I = 0.25 C_E inhibitory inputs per neuron) is handed to brian2
with ``Synapses.connect(i=..., j=...)``; J = 0.1 mV, g·J inhibitory, delay 1.5 ms, τ = 20 ms,
θ = 20 mV, V_r = 10 mV, τ_rp = 2 ms, external Poisson input of C_E synapses at ν_ext, dt =
0.1 ms; refractory neurons are clamped at V_r and ignore input on both sides. brian2 runs its
fastest target here, cpp_standalone (C++ compiled with the machine's g++, one thread); the
time compared is the simulation (brian2's own measured run time inside the compiled binary;
kanerva's ``simulate`` call), wall and CPU (on a shared machine CPU time is the steadier
measure; brian2's is the CPU time of its binary less that of the same binary run for 1 ms,
i.e. without loading the network), with network construction and brian2's code generation and
compilation reported apart. Each brian2 run is its own process. One thread each (OMP_NUM_THREADS=1, NUMBA_NUM_THREADS=1).
Results: mean rate, mean CV of ISIs, synchrony χ, against the mean-field rate of Brunel (2000).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from ._util import markdown_table, write_json  # noqa: E402


def ours(g, nu, n, duration, dt, seed):
    from kanerva.neuro import brunel2000, network_state, simulate
    t = time.perf_counter()
    net = brunel2000(g, nu, n=n, seed=seed)
    build = time.perf_counter() - t
    simulate(brunel2000(g, nu, n=200, seed=seed), 5.0, dt)          # compile the kernel once
    t, c = time.perf_counter(), time.process_time()
    run = simulate(net, duration, dt)
    sim, cpu = time.perf_counter() - t, time.process_time() - c
    return net, run, build, sim, cpu, network_state(run, t_start=min(200.0, duration / 3))


def brian(net_file, duration, dt, target, workdir):
    """One brian2 run of the network saved in ``net_file`` (in its own process)."""
    import brian2 as b2
    d = np.load(net_file)
    b2.prefs.codegen.target = "cython" if target == "cython" else "numpy"
    if target == "cpp_standalone":
        b2.set_device("cpp_standalone", directory=workdir, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.defaultclock.dt = dt * b2.ms
    n = int(d["n"])
    ns = dict(tau=20 * b2.ms, theta=20 * b2.mV, Vr=10 * b2.mV, J=0.1 * b2.mV)
    t = time.perf_counter()
    G = b2.NeuronGroup(n, "dv/dt = -v/tau : volt (unless refractory)", threshold="v > theta",
                       reset="v = Vr", refractory=2 * b2.ms, method="exact", namespace=ns)
    S = b2.Synapses(G, G, "w : volt", on_pre="v_post += w * int(not_refractory_post)", delay=1.5 * b2.ms)
    S.connect(i=d["pre"], j=d["post"])
    S.w = d["w"] * b2.mV
    P = b2.PoissonInput(G, "v", N=int(d["ext_synapses"]), rate=float(d["ext_rate"]) * b2.Hz,  # noqa: F841
                    weight="J * int(not_refractory)")
    M = b2.SpikeMonitor(G)
    b2.run(duration * b2.ms, namespace=ns)
    setup = time.perf_counter() - t
    cpu = float("nan")
    if target == "cpp_standalone":
        import resource
        t = time.perf_counter()
        b2.device.build(directory=workdir, compile=True, run=False, debug=False)
        setup += time.perf_counter() - t
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        b2.device.run(directory=workdir)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sim = float(b2.device._last_run_time)          # measured inside the binary
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)   # the whole binary
    else:
        sim = setup
    return {"t": np.asarray(M.t / b2.ms).tolist(), "i": np.asarray(M.i).tolist(), "setup": setup, "sim": sim,
            "cpu": cpu}


def brian_in_process(net, duration, dt, target):
    """Run :func:`brian` in a fresh process (brian2's device is global state) and read its result."""
    import json
    import subprocess
    import sys
    with tempfile.TemporaryDirectory() as wd:
        f = os.path.join(wd, "net.npz")
        pre = np.repeat(np.arange(net.n), np.diff(net.indptr)).astype(np.int32)
        np.savez(f, n=net.n, pre=pre, post=net.targets.astype(np.int32), w=np.asarray(net.weight)[pre],
                 ext_synapses=net.ext_synapses, ext_rate=net.ext_rate)
        out = os.path.join(wd, "out.json")
        subprocess.run([sys.executable, "-m", "benchmarks.neuro_brunel", "--worker", f, "--out", out,
                        "--duration", str(duration), "--target", target, "--workdir", os.path.join(wd, "b2")],
                       check=True)
        with open(out) as fh:
            return json.load(fh)


def state_from(times, units, n, duration, t_start):
    from kanerva.neuro import Run, network_state
    order = np.argsort(times, kind="stable")
    run = Run(duration=duration, dt=0.1, n=n, spike_times=times[order], spike_units=units[order].astype(int),
              t=np.zeros(0))
    return network_state(run, t_start=t_start)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--g", type=float, default=5.0)
    ap.add_argument("--nu", type=float, default=2.0, help="nu_ext / nu_thr")
    ap.add_argument("--target", default="cpp_standalone", choices=["cpp_standalone", "cython", "numpy"])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        import json
        with open(args.out, "w") as fh:
            json.dump(brian(args.worker, args.duration, 0.1, args.target, args.workdir), fh)
        return
    if args.quick:
        args.n, args.duration = 2_000, 300.0
    import brian2
    from kanerva.neuro import brunel_rate
    dt, seed = 0.1, 1
    net, run, build, sim, cpu, st_ours = ours(args.g, args.nu, args.n, args.duration, dt, seed)
    full = brian_in_process(net, args.duration, dt, args.target)
    t_b, i_b, setup_b, sim_b = np.asarray(full["t"]), np.asarray(full["i"]), full["setup"], full["sim"]
    # brian2's CPU time is its whole binary; a 1 ms run of the same network measures the loading
    empty = brian_in_process(net, 1.0, dt, args.target) if args.target == "cpp_standalone" else {"cpu": 0.0}
    cpu_b = full["cpu"] - empty["cpu"]
    st_b = state_from(t_b, i_b, args.n, args.duration, min(200.0, args.duration / 3))
    theory = brunel_rate(args.g, args.nu, C_E=int(round(0.1 * round(0.8 * args.n))))
    load = os.getloadavg()
    rows = [["kanerva.neuro (numba step)", f"{sim:.2f}", f"{cpu:.2f}", f"{build:.1f}", f"{st_ours['rate']:.1f}",
             f"{st_ours['cv']:.3f}", f"{st_ours['synchrony']:.3f}", st_ours["label"]],
            [f"brian2 {brian2.__version__} ({args.target})", f"{sim_b:.2f}", f"{cpu_b:.2f}", f"{setup_b:.1f}",
             f"{st_b['rate']:.1f}", f"{st_b['cv']:.3f}", f"{st_b['synchrony']:.3f}", st_b["label"]]]
    print(f"Brunel (2000), N = {args.n}, g = {args.g}, nu_ext/nu_thr = {args.nu}, {args.duration:g} ms, "
          f"dt = {dt} ms; mean-field rate {theory:.1f} Hz; load average {load[0]:.2f}")
    print(markdown_table(["implementation", "simulation s (wall)", "CPU s", "build s", "rate Hz", "CV", "chi",
                          "state"], rows))
    print(f"ratio brian2 / kanerva: wall {sim_b / sim:.2f}, CPU {cpu_b / cpu:.2f} "
          f"(brian2's CPU: its binary for {args.duration:g} ms ({full['cpu']:.2f} s) less its binary for 1 ms "
          f"({empty['cpu']:.2f} s, loading the network))")
    write_json("neuro_brunel" + ("_quick" if args.quick else ""), {
        "n": args.n, "duration_ms": args.duration, "g": args.g, "nu_ratio": args.nu, "dt_ms": dt,
        "target": args.target, "load_average": load, "mean_field_rate": theory,
        "kanerva": {"simulation_s": sim, "cpu_s": cpu, "build_s": build, **st_ours},
        "brian2": {"version": brian2.__version__, "simulation_s": sim_b, "cpu_s": cpu_b, "binary_cpu_s": full["cpu"],
                   "binary_cpu_1ms_s": empty["cpu"], "setup_s": setup_b, **st_b},
        "ratio_brian2_over_kanerva": sim_b / sim, "cpu_ratio_brian2_over_kanerva": cpu_b / cpu})


if __name__ == "__main__":
    main()
