"""The assembly calculus simulations of Papadimitriou et al. (2020, PNAS), side by side with the
reference implementation ``dmitropolsky/assemblies`` (brain.py), same protocols, same sizes:
n = 10^5, k = 317, p = 0.01.

    ASSEMBLIES_REFERENCE=/path/to/assemblies python -m benchmarks.structures_assemblies --part curves
    ASSEMBLIES_REFERENCE=... flock /tmp/kanerva-bench.lock python -m benchmarks.structures_assemblies --part speed

``ASSEMBLIES_REFERENCE`` is a directory holding the reference's ``brain.py`` (a checkout of
github.com/dmitropolsky/assemblies; it is not part of this repository). Without it only our side
runs.

- projection: support (neurons ever fired) over 100 rounds of stimulus + recurrence, for the
  paper's betas (its Fig. 2: converges for beta >= 0.05);
- association (the reference's ``association_grand_sim``): assemblies x in A and y in B are each
  projected into C, then fired into C together; after t joint rounds, the overlap of what A alone
  and B alone make fire in C;
- pattern completion (``pattern_com_alphas``): after 25 projection rounds, fire a fraction alpha of
  the assembly and 5 rounds of recurrence; the share of the assembly recovered;
- merge (``merge_sim``): the supports of A, B and the merged assembly in C;
- speed: time per projection round, ours and the reference, in the same process.

The reference redraws the inputs of never-fired neurons every round from a normal approximation;
ours simulates the model exactly (each neuron's synapses drawn when it first fires). Writes
benchmarks/results/structures_assemblies*.json and docs/img/structures_assemblies_support.png.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import copy  # noqa: E402
import importlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from kanerva.assemblies import Brain, overlap  # noqa: E402

from ._util import markdown_table, write_json  # noqa: E402

IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
N, K, P = 100_000, 317, 0.01
BETAS = [0.25, 0.1, 0.075, 0.05, 0.03, 0.01, 0.007, 0.005, 0.003, 0.001]


def reference():
    path = os.environ.get("ASSEMBLIES_REFERENCE")
    if not path:
        return None
    sys.path.insert(0, path)
    return importlib.import_module("brain")


# ---- the two implementations behind one small driver ---------------------------------------------

class Ours:
    name = "kanerva"

    def __init__(self, seed):
        self.b = Brain(p=P, seed=seed)

    def stimulus(self, name):
        self.b.add_stimulus(name, K)

    def area(self, name, beta):
        self.b.add_area(name, N, K, beta)

    def fire(self, stim_into: dict, area_into: dict):
        """stim_into: {stimulus: [areas]}, area_into: {area: [areas]} (the reference's form)."""
        inputs: dict = {}
        for s, targets in stim_into.items():
            for t in targets:
                inputs.setdefault(t, []).append(s)
        for a, targets in area_into.items():
            for t in targets:
                inputs.setdefault(t, []).append(a)
        self.b.fire(inputs)

    def support(self, name):
        return self.b.area(name).support

    def winners(self, name):
        return self.b.area(name).winners

    def set_winners(self, name, neurons):
        self.b.set_winners(name, neurons)


class Reference:
    name = "reference"

    def __init__(self, seed, module):
        self.b = module.Brain(P, seed=seed)

    def stimulus(self, name):
        self.b.add_stimulus(name, K)

    def area(self, name, beta):
        self.b.add_area(name, N, K, beta)

    def fire(self, stim_into, area_into):
        self.b.project(stim_into, area_into)

    def support(self, name):
        return self.b.area_by_name[name].w

    def winners(self, name):
        return self.b.area_by_name[name].winners

    def set_winners(self, name, neurons):
        self.b.area_by_name[name].winners = list(neurons)


def implementations(seed=0):
    ref = reference()
    yield Ours(seed)
    if ref is not None:
        yield Reference(seed, ref)


def fresh(kind, seed=0):
    return Ours(seed) if kind == "kanerva" else Reference(seed, reference())


# ---- the simulations ------------------------------------------------------------------------------------

def projection(sim, beta, rounds=100):
    sim.stimulus("stim")
    sim.area("A", beta)
    supports, times = [], []
    for t in range(rounds):
        start = time.perf_counter()
        sim.fire({"stim": ["A"]}, {} if t == 0 else {"A": ["A"]})
        times.append(time.perf_counter() - start)
        supports.append(sim.support("A"))
    return supports, times


def association(sim, beta=0.05, min_iter=10, max_iter=20):
    for s, a in (("stimA", "A"), ("stimB", "B")):
        sim.stimulus(s)
        sim.area(a, beta)
    sim.area("C", beta)
    sim.fire({"stimA": ["A"], "stimB": ["B"]}, {})
    for _ in range(9):
        sim.fire({"stimA": ["A"], "stimB": ["B"]}, {"A": ["A"], "B": ["B"]})
    for s, a in (("stimA", "A"), ("stimB", "B")):
        sim.fire({s: [a]}, {a: [a, "C"]})
        for _ in range(9):
            sim.fire({s: [a]}, {a: [a, "C"], "C": ["C"]})

    def alone(s, a):
        c = copy.deepcopy(sim)
        c.fire({s: [a]}, {})
        c.fire({}, {a: ["C"]})
        return c.winners("C")

    curve = {0: overlap(alone("stimA", "A"), alone("stimB", "B")) / K}
    sim.fire({"stimA": ["A"], "stimB": ["B"]}, {"A": ["A", "C"], "B": ["B", "C"]})
    for t in range(1, max_iter):
        sim.fire({"stimA": ["A"], "stimB": ["B"]}, {"A": ["A", "C"], "B": ["B", "C"], "C": ["C"]})
        if t + 1 >= min_iter or t + 1 in (2, 5):
            curve[t + 1] = overlap(alone("stimA", "A"), alone("stimB", "B")) / K
    return curve


def completion(sim, beta=0.05, alphas=(0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0), project_iter=25, comp_iter=5, seed=0):
    projection(sim, beta, rounds=project_iter)
    original = np.array(sim.winners("A"))
    rng = np.random.default_rng(seed)
    out = {}
    for alpha in alphas:
        c = copy.deepcopy(sim)
        c.set_winners("A", rng.choice(original, size=int(K * alpha), replace=False))
        for _ in range(comp_iter):
            c.fire({}, {"A": ["A"]})
        out[alpha] = overlap(c.winners("A"), original) / K
    return out


def merge(sim, beta, rounds=50):
    for s, a in (("stimA", "A"), ("stimB", "B")):
        sim.stimulus(s)
        sim.area(a, beta)
    sim.area("C", beta)
    sim.fire({"stimA": ["A"]}, {})
    sim.fire({"stimB": ["B"]}, {})
    sim.fire({"stimA": ["A"], "stimB": ["B"]}, {"A": ["A", "C"], "B": ["B", "C"]})
    for _ in range(rounds):
        sim.fire({"stimA": ["A"], "stimB": ["B"]}, {"A": ["A", "C"], "B": ["B", "C"], "C": ["C", "A", "B"]})
    return [sim.support(a) for a in "ABC"]


# ---- parts ------------------------------------------------------------------------------------------------

def curves_part(rounds: int) -> dict:
    kinds = [sim.name for sim in implementations()]
    out = {"projection": {}, "association": {}, "completion": {}, "merge": {}}
    rows = []
    for beta in BETAS:
        row = [beta]
        for kind in kinds:
            supports, times = projection(fresh(kind), beta, rounds)
            out["projection"].setdefault(kind, {})[beta] = {"support": supports, "seconds": float(np.sum(times))}
            row += [f"{supports[9] / K:.2f} / {supports[49 if rounds >= 50 else -1] / K:.2f} / {supports[-1] / K:.2f}"]
            print(kind, beta, supports[::10], f"{np.mean(times) * 1e3:.0f} ms/round", flush=True)
        rows.append(row)
    print(f"\n## Projection: support / k after 10 / 50 / {rounds} rounds\n")
    print(markdown_table(["beta"] + kinds, rows))
    for kind in kinds:
        out["association"][kind] = association(fresh(kind))
        out["completion"][kind] = completion(fresh(kind))
        out["merge"][kind] = {beta: merge(fresh(kind), beta) for beta in (0.1, 0.05)}
        print(kind, out["association"][kind], out["completion"][kind], out["merge"][kind], flush=True)
    ts = sorted(out["association"][kinds[0]])
    print("\n## Association: overlap of the C assemblies of A alone and B alone, after t joint rounds\n")
    print(markdown_table(["t"] + [str(t) for t in ts],
                         [[kind] + [f"{out['association'][kind][t]:.0%}" for t in ts] for kind in kinds]))
    alphas = sorted(out["completion"][kinds[0]])
    print("\n## Pattern completion: share of the assembly recovered from a fraction alpha\n")
    print(markdown_table(["alpha"] + [str(a) for a in alphas],
                         [[kind] + [f"{out['completion'][kind][a]:.0%}" for a in alphas] for kind in kinds]))
    print("\n## Merge: supports / k of A, B and C after 50 rounds\n")
    print(markdown_table(["beta"] + kinds, [[beta] + [" / ".join(f"{s / K:.1f}" for s in out["merge"][kind][beta])
                                                       for kind in kinds] for beta in (0.1, 0.05)]))
    plot(out, rounds)
    return out


def speed_part() -> dict:
    out, rows = {}, []
    for beta, rounds in ((0.05, 50), (0.01, 50)):
        per = {}
        for sim in implementations():
            start = time.process_time()
            supports, _ = projection(sim, beta, rounds)
            per[sim.name] = (time.process_time() - start) / rounds
        out[beta] = per
        ratio = per.get("reference", float("nan")) / per["kanerva"]
        rows.append([beta, rounds, f"{per['kanerva'] * 1e3:.1f} ms", f"{per.get('reference', float('nan')) * 1e3:.1f} ms",
                     f"{ratio:.1f}x"])
    print("\n## Time per projection round (CPU time), n = 10^5, k = 317, p = 0.01\n")
    print(markdown_table(["beta", "rounds", "kanerva", "reference", "reference / kanerva"], rows))
    return {"speed": out}


def plot(out, rounds) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    kinds = list(out["projection"])
    fig, axes = plt.subplots(1, len(kinds), figsize=(5 * len(kinds), 4), sharey=True, squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        for beta, run in sorted(out["projection"][kind].items(), reverse=True):
            ax.plot(range(1, rounds + 1), np.array(run["support"]) / K, lw=1, label=f"beta = {beta}")
        ax.set(title=f"{kind}: projection support", xlabel="round t")
    axes[0][0].set_ylabel("support / k")
    axes[0][-1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(IMG / "structures_assemblies_support.png", dpi=120)


def main(argv: list[str]) -> None:
    global N, K
    if "--small" in argv:  # a quick check of both drivers: n = 10^4, k = 100
        N, K = 10_000, 100
    part = argv[argv.index("--part") + 1] if "--part" in argv else "curves"
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 100
    if reference() is None:
        print("ASSEMBLIES_REFERENCE is not set: running kanerva only", flush=True)
    results = curves_part(rounds) if part == "curves" else speed_part()
    results["load_average"] = os.getloadavg()
    print(f"\nload average {results['load_average']}")
    write_json(f"structures_assemblies_{part}" + ("_small" if "--small" in argv else ""), results)


if __name__ == "__main__":
    main(sys.argv[1:])
