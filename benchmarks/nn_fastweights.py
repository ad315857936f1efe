"""Fast weights vs LSTM vs IRNN on associative retrieval (Ba et al. 2016, Table 1), and the cost of
the two forms of the fast weights.

    python -m benchmarks.nn_fastweights --part train                              # the error table
    flock /tmp/kanerva-bench.lock python -m benchmarks.nn_fastweights --part speed  # timings (merged in)
    python -m benchmarks.nn_fastweights --quick                                    # a few hundred steps

The error table is a correctness run (its numbers do not depend on the machine's load, only its
wall time does); the speed part is a timing run and goes under the lock. ``--part all`` does both.

Every model is trained with the same harness and budget: Adam (lr 1e-3), batches of 128 sequences
of K = 4 letter-digit pairs from the seeded 100,000 / 10,000 / 20,000 splits
(kanerva.datasets.load_associative_retrieval), ``--steps`` steps, validation every 500 steps; the
test error (20,000 sequences) is measured once with the best validation weights. One torch thread.
Writes benchmarks/results/nn_fastweights.json and docs/img/nn_fastweights.png.

Speed: training iterations per second (forward + backward + Adam, batch 128, R hidden units) of the
matrix form (batch x R x R fast weights, torch.baddbmm) and the attention form (the t past hidden
states), best of several timed blocks, one thread, in the same process.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch

from ._util import RESULTS, markdown_table, write_json

PAPER = {20: {"irnn": 62.11, "lstm": 60.81, "fastweights": 1.81}, 50: {"irnn": 60.23, "lstm": 1.85, "fastweights": 0.00}}
IMG = Path(__file__).resolve().parents[1] / "docs" / "img"


def _speed(hidden: int, form: str, batch: int = 128, steps: int = 20, repeat: int = 3) -> float:
    from kanerva.datasets import associative_retrieval
    from kanerva.nn import FastWeightsRNN

    torch.manual_seed(0)
    model = FastWeightsRNN(hidden=hidden, form=form)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = (torch.from_numpy(a) for a in associative_retrieval(batch, seed=0))

    def step():
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(steps):
            step()
        best = min(best, time.perf_counter() - t)
    return steps / best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--hidden", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--models", nargs="+", default=["fastweights", "lstm", "irnn"])
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="300 steps, for a smoke test")
    parser.add_argument("--part", choices=["all", "train", "speed"], default="all")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.eval_every = 300, 100
    torch.set_num_threads(1)
    from kanerva.nn import make_retrieval_model, train_retrieval

    name = "nn_fastweights" + ("_quick" if args.quick else "")
    previous = RESULTS / f"{name}.json"
    old = json.loads(previous.read_text()) if previous.exists() else {}
    load_before = os.getloadavg()
    speed = old.get("speed_iterations_per_second", {})
    if args.part in ("all", "speed"):
        speed = {str(h): {form: _speed(h, form) for form in ("matrix", "attention")} for h in args.hidden}
        speed["load_average"] = [os.getloadavg()[0], load_before[0]]
    # a run replaces the earlier run of the same (model, R); the others are kept, each with its steps
    runs = [r for r in old.get("runs", []) if args.part == "speed"
            or not (r["hidden"] in args.hidden and r["model"] in args.models)]
    for hidden in (args.hidden if args.part != "speed" else []):
        for model_name in args.models:
            torch.manual_seed(args.seed)
            model = make_retrieval_model(model_name, hidden=hidden)
            result = train_retrieval(model, steps=args.steps, eval_every=args.eval_every, seed=args.seed)
            result["paper_error_percent"] = PAPER.get(hidden, {}).get(model_name)
            result["load_average"] = os.getloadavg()
            runs.append(result)
            print(f"{model_name:12s} R={hidden:3d}: test error {100 * result['test_error']:6.2f}%  "
                  f"(paper {result['paper_error_percent']}%), {result['seconds']:.0f} s", flush=True)
    load_after = os.getloadavg()

    runs.sort(key=lambda r: (r["hidden"], ["fastweights", "lstm", "irnn"].index(r["model"])))
    rows = [[r["model"], r["hidden"], f"{100 * r['test_error']:.2f}", r["paper_error_percent"],
             f"{100 * r['valid_error']:.2f}", r["steps"], r["best_step"], f"{r['seconds']:.0f}",
             f"{r['load_average'][0]:.1f}" if "load_average" in r else ""] for r in runs]
    print(markdown_table(["model", "R", "test error %", "paper %", "valid error %", "steps", "best step", "seconds",
                          "load"], rows))
    srows = [[h, f"{s['matrix']:.1f}", f"{s['attention']:.1f}", f"{s['attention'] / s['matrix']:.2f}"]
             for h, s in speed.items() if h != "load_average"]
    print(markdown_table(["R", "matrix it/s", "attention it/s", "attention / matrix"], srows))
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    # merge with the file as it is now (another part may have written it meanwhile)
    now = json.loads(previous.read_text()) if previous.exists() else {}
    if args.part == "train":
        speed = now.get("speed_iterations_per_second", {})
    if args.part == "speed":
        runs = now.get("runs", runs)
    else:
        done = {(r["model"], r["hidden"]) for r in runs}
        runs = runs + [r for r in now.get("runs", []) if (r["model"], r["hidden"]) not in done]
        runs.sort(key=lambda r: (r["hidden"], ["fastweights", "lstm", "irnn"].index(r["model"])))
    path = write_json(name, {"batch": 128, "lr": 1e-3, "pairs": 4, "threads": 1, "runs": runs,
                             "speed_iterations_per_second": speed})
    print(f"wrote {path}")
    if not args.quick and args.part != "speed":
        from kanerva.nn.plots import save_curves

        panels = []
        for hidden in args.hidden:
            curves = {r["model"]: ([h["step"] for h in r["history"]], [100 * h["valid_error"] for h in r["history"]])
                      for r in runs if r["hidden"] == hidden and r.get("history")}
            panels.append((f"R = {hidden}: validation error", curves))
        IMG.mkdir(parents=True, exist_ok=True)
        save_curves(panels, IMG / "nn_fastweights.png", xlabel="training step", ylabel="error %", yscale="symlog")
        print(f"wrote {IMG / 'nn_fastweights.png'}")


if __name__ == "__main__":
    main()
