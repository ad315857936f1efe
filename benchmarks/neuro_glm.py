"""Poisson GLM fit: kanerva.neuro.PoissonGLM against nemos, the same design matrix and objective.

    .venv-neuro/bin/python -m benchmarks.neuro_glm            # 200,000 bins, 8 + 8 raised cosines
    .venv-neuro/bin/python -m benchmarks.neuro_glm --quick    # 20,000 bins

nemos 0.2.9 needs Python >= 3.12 (and jax): run in the Python 3.13 environment built by
`make bench-neuro-install`. A neuron with known stimulus and spike-history filters (on
log-stretched raised-cosine bases, Pillow et al. 2008) is simulated; every fitter gets the
same design matrix (:func:`kanerva.neuro.glm_design`) and counts, and the same objective:
mean Poisson negative log-likelihood + (α/2)‖w‖², intercept not penalised (nemos' "Ridge";
PoissonGLM's fit calls scikit-learn's PoissonRegressor, Newton–Cholesky, which minimises the
same function up to a constant). jax runs in float64 on the CPU.
Times: best of 3 fits after one warm-up (nemos' first fit, which compiles, is shown apart);
one thread each (OMP/MKL/XLA threads = 1).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np  # noqa: E402

from ._util import best_time, markdown_table, write_json  # noqa: E402


def data(T, seed=0):
    from kanerva.neuro import glm_design, raised_cosine_basis, simulate_glm
    rng = np.random.default_rng(seed)
    Bs, Bh = raised_cosine_basis(8, 50), raised_cosine_basis(8, 80)
    k = Bs @ (0.3 * np.sin(np.arange(8) / 1.5))
    h = Bh @ np.array([-3.0, -1.5, -0.5, 0.3, 0.2, 0.1, 0.0, 0.0])
    s = rng.normal(size=T)
    y, _ = simulate_glm(np.convolve(s, k)[:T], np.log(0.02), h, dt=1.0, max_rate=1000.0, seed=seed + 1)
    X = glm_design(s, y, Bs, Bh)
    truth = np.concatenate([0.3 * np.sin(np.arange(8) / 1.5), [-3.0, -1.5, -0.5, 0.3, 0.2, 0.1, 0.0, 0.0]])
    return X, y.astype(float), truth


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bins", type=int, default=200_000)
    ap.add_argument("--alpha", type=float, default=1e-4)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    T = 20_000 if args.quick else args.bins
    X, y, truth = data(T)
    alpha = args.alpha

    from kanerva.neuro import PoissonGLM
    fit_k = lambda: PoissonGLM(alpha=alpha, tol=1e-10).fit(X, y)  # noqa: E731
    t_k = best_time(fit_k, repeat=3)
    ours = fit_k()
    theta_k = np.r_[ours.intercept_, ours.coef_]

    import jax
    jax.config.update("jax_enable_x64", True)
    import nemos as nmo
    mk = lambda: nmo.glm.GLM(regularizer="Ridge", regularizer_strength=alpha, solver_name="LBFGS",  # noqa: E731
                             solver_kwargs={"tol": 1e-12, "maxiter": 10_000})
    t0 = time.perf_counter()
    m = mk().fit(X, y)
    t_first = time.perf_counter() - t0
    t_new = best_time(lambda: mk().fit(X, y), repeat=2, warmup=0)   # a new GLM object recompiles
    t_n = best_time(lambda: m.fit(X, y), repeat=3, warmup=0)        # refitting the same object
    theta_n = np.r_[np.asarray(m.intercept_).ravel(), np.asarray(m.coef_).ravel()]
    md = nmo.glm.GLM(regularizer="Ridge", regularizer_strength=alpha).fit(X, y)   # nemos' defaults
    t_d = best_time(lambda: md.fit(X, y), repeat=3, warmup=0)
    theta_d = np.r_[np.asarray(md.intercept_).ravel(), np.asarray(md.coef_).ravel()]

    def nll(theta):
        eta = theta[0] + X @ theta[1:]
        return float(np.mean(np.exp(eta) - y * eta) + 0.5 * alpha * theta[1:] @ theta[1:])

    load = os.getloadavg()
    rows = []
    for name, t, th, extra in [("kanerva.neuro PoissonGLM (scikit-learn's Newton–Cholesky)", t_k, theta_k, ""),
                               (f"nemos {nmo.__version__} GLM (Ridge, LBFGS)", t_n, theta_n,
                                f"tol 1e-12; refit of a fitted object; first fit {t_first:.2f} s, a new object {t_new:.2f} s"),
                               (f"nemos {nmo.__version__} GLM (Ridge, its default solver and tolerance)", t_d, theta_d,
                                f"{md.solver_name}, refit of a fitted object")]:
        rows.append([name, f"{t:.3f}", f"{t / t_k:.2f}", f"{np.abs(th - theta_k).max():.1e}",
                     f"{nll(th):.8f}", f"{np.abs(th[1:] - truth).max():.3f}", extra])
    print(f"Poisson GLM, {T} bins, {X.shape[1]} features + intercept, alpha = {alpha}, "
          f"{int(y.sum())} spikes; load average {load[0]:.2f}")
    print(markdown_table(["fitter", "fit s", "time / ours", "max |Δθ| vs ours", "objective",
                          "max |w − w_true|", "note"], rows))
    write_json("neuro_glm" + ("_quick" if args.quick else ""), {
        "bins": T, "features": X.shape[1], "alpha": alpha, "load_average": load,
        "kanerva": {"fit_s": t_k, "theta": theta_k.tolist(), "objective": nll(theta_k)},
        "nemos": {"version": nmo.__version__, "fit_s": t_n, "first_fit_s": t_first, "new_object_fit_s": t_new,
                  "theta": theta_n.tolist(),
                  "objective": nll(theta_n), "max_abs_diff": float(np.abs(theta_n - theta_k).max())},
        "nemos_default": {"solver": md.solver_name, "fit_s": t_d, "theta": theta_d.tolist(), "objective": nll(theta_d),
                          "max_abs_diff": float(np.abs(theta_d - theta_k).max())},
        "ratio_nemos_over_kanerva": t_n / t_k})


if __name__ == "__main__":
    main()
