"""kanerva.continual beside Avalanche 0.6.0 on the same split-MNIST tensors: accuracy and wall time.

    flock /tmp/kanerva-bench.lock /tmp/avl/bin/python -m benchmarks.continual_avalanche --epochs 15 --seeds 0
    flock /tmp/kanerva-bench.lock /tmp/avl/bin/python -m benchmarks.continual_avalanche --epochs 154 --output continual_avalanche_protocol

Avalanche cannot be installed beside the project's pinned torch 2.13.0 (CPU build): it needs
torchvision, and PyPI's torchvision 0.28.0 (the release for torch 2.13) fails to import beside that
build ("RuntimeError: operator torchvision::nms does not exist"), while an unpinned install replaces
torch by 2.14.1 (a CUDA build). So both sides run in a separate virtual environment with
``pip install torch==2.14.1 torchvision==0.29.1 avalanche-lib==0.6.0`` and ``pip install -e .``
(the wheels lie on this machine's disk), one thread each, same tensors (the 10,000-digit MNIST of
kanerva.datasets, 28x28 in [0, 1]), same MLP (784-400-400-10), Adam lr 0.001, batches of 128, the
same number of steps per task, class-incremental, same seeds.

Avalanche trains by epochs: ``--epochs E`` gives it E passes over each task; kanerva gets the same
number of steps per task (E x batches per epoch of the average task). Strategies and settings:
Naive; EWC (lambda 0.4, its example's value; its importance is the squared minibatch gradient, on a
different scale from kanerva's per-example Fisher); SI (lambda 0.0001, its example's value); LwF
(alpha 1, temperature 2); GenerativeReplay with its default generator (an MLP VAE with a
2-dimensional latent, lr 0.01; its decoder outputs normalized images, so this run gets normalized
inputs). kanerva: none, ewc, si, lwf, dgr with their defaults. Wall time is the training only
(kanerva's includes its test after each task).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from ._util import markdown_table, write_json

PAIRS = [("Naive", "none"), ("EWC", "ewc"), ("SI", "si"), ("LwF", "lwf"), ("GenerativeReplay", "dgr")]


def _mlp():
    from torch import nn

    return nn.Sequential(nn.Flatten(), nn.Linear(784, 400), nn.ReLU(), nn.Linear(400, 400), nn.ReLU(),
                         nn.Linear(400, 10))


def avalanche_run(name, seq, epochs, seed, normalize=False):
    from avalanche.benchmarks.scenarios.supervised import class_incremental_benchmark
    from avalanche.benchmarks.utils.classification_dataset import _make_taskaware_classification_dataset
    from avalanche.evaluation.metrics import accuracy_metrics
    from avalanche.training import EWC, LwF, Naive, SynapticIntelligence
    from avalanche.training.plugins import EvaluationPlugin
    from avalanche.training.supervised import GenerativeReplay
    from torch.utils.data import TensorDataset

    def tensors(part):
        x = torch.cat([getattr(t, f"x_{part}") for t in seq.tasks]).reshape(-1, 1, 28, 28)
        y = torch.cat([getattr(t, f"y_{part}") for t in seq.tasks])
        if normalize:
            x = (x - 0.1307) / 0.3081
        # one task label (0) for every image: class-IL; LwF and SI read the task labels
        return _make_taskaware_classification_dataset(TensorDataset(x, y), task_labels=0, targets=y.tolist())

    bm = class_incremental_benchmark({"train": tensors("train"), "test": tensors("test")},
                                     class_order=list(range(10)), num_experiences=5)
    torch.manual_seed(seed)
    model = _mlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999))
    crit = torch.nn.CrossEntropyLoss()
    common = dict(train_mb_size=128, train_epochs=epochs, eval_mb_size=1000, device="cpu",
                  evaluator=EvaluationPlugin(accuracy_metrics(experience=True), loggers=[]))
    strategy = {"Naive": lambda: Naive(model=model, optimizer=opt, criterion=crit, **common),
                "EWC": lambda: EWC(model=model, optimizer=opt, criterion=crit, ewc_lambda=0.4, **common),
                "SI": lambda: SynapticIntelligence(model=model, optimizer=opt, criterion=crit, si_lambda=0.0001,
                                                   **common),
                "LwF": lambda: LwF(model=model, optimizer=opt, criterion=crit, alpha=1.0, temperature=2.0, **common),
                "GenerativeReplay": lambda: GenerativeReplay(model=model, optimizer=opt, criterion=crit, **common),
                }[name]()
    steps = sum(epochs * int(np.ceil(len(exp.dataset) / 128)) for exp in bm.train_stream)
    start = time.perf_counter()
    for exp in bm.train_stream:
        strategy.train(exp)
    seconds = time.perf_counter() - start
    metrics = strategy.eval(bm.test_stream)
    per_task = [float(metrics[k]) for k in sorted(metrics) if k.startswith("Top1_Acc_Exp/eval_phase/test_stream")]
    return {"accuracy": float(np.mean(per_task)), "per_task": per_task, "seconds": seconds, "steps": steps}


def kanerva_run(method, seq, iterations, seed):
    from kanerva.continual import make_learner

    torch.manual_seed(seed)
    learner = make_learner(method, seq)
    start = time.perf_counter()
    history = learner.fit(seq, iterations=iterations, batch_size=128, seed=seed)
    seconds = time.perf_counter() - start
    per_task = history["accuracy"][-1]
    return {"accuracy": float(np.mean(per_task)), "per_task": per_task, "seconds": seconds,
            "steps": iterations * len(seq)}


def _row(run):
    a, k, load = run["avalanche_result"], run["kanerva_result"], run["load_before"]
    ratio = (a["seconds"] / a["steps"]) / (k["seconds"] / k["steps"])
    return [f"{run['kanerva']} / {run['avalanche']}", run["seed"], f"{100 * k['accuracy']:.2f}",
            f"{100 * a['accuracy']:.2f}", f"{k['seconds']:.1f} ({k['steps']} steps)",
            f"{a['seconds']:.1f} ({a['steps']} steps)", f"{ratio:.2f}x", f"{load[0]:.1f}"]


HEADER = ["method (kanerva / Avalanche)", "seed", "kanerva acc %", "Avalanche acc %", "kanerva s", "Avalanche s",
          "speed-up per step", "load"]


def rerun_kanerva(args):
    """Run kanerva's side again for the pairs named by --only (after a fix), keep Avalanche's
    results and the paired run's kanerva time."""
    import json

    from kanerva.continual import split_mnist

    from ._util import RESULTS

    torch.set_num_threads(1)
    out = json.loads((RESULTS / f"{args.output}.json").read_text())
    seq = split_mnist("class")
    for run in out["runs"]:
        if args.only and run["avalanche"] in args.only.split(","):
            load = os.getloadavg()
            # the accuracy of the rerun; the time stays the paired run's, measured beside Avalanche's
            # under the same load (a rerun alone would compare times taken under different loads)
            new = kanerva_run(run["kanerva"], seq, out["kanerva_iterations_per_task"], run["seed"])
            paired = run["kanerva_result"].get("paired_seconds", run["kanerva_result"]["seconds"])
            run["kanerva_result"] = {**new, "seconds": paired, "paired_seconds": paired, "rerun_seconds": new["seconds"]}
            run["load_before_kanerva_rerun"] = load
            print(_row(run), flush=True)
    out["table"] = markdown_table(HEADER, [_row(r) for r in out["runs"]])
    write_json(args.output, {k: v for k, v in out.items() if k not in ("date", "machine")})
    print(out["table"])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--seeds", default="0")
    p.add_argument("--only", default=None, help="comma-separated Avalanche strategy names")
    p.add_argument("--output", default="continual_avalanche",
                   help="results file name under benchmarks/results (the protocol-budget run keeps its own)")
    p.add_argument("--kanerva-only", action="store_true",
                   help="rerun only kanerva's side of the stored pairs (--only), keeping Avalanche's results")
    args = p.parse_args()
    unknown = sorted(set((args.only or "").split(",")) - {"", *dict(PAIRS)})
    if unknown:
        p.error(f"--only: unknown strategy {', '.join(unknown)} (known: {', '.join(dict(PAIRS))})")
    if args.kanerva_only:
        return rerun_kanerva(args)
    import avalanche

    from kanerva.continual import split_mnist

    torch.set_num_threads(1)
    seq = split_mnist("class")
    per_epoch = int(np.ceil(np.mean([len(t.x_train) for t in seq.tasks]) / 128))
    iterations = args.epochs * per_epoch
    rows, out = [], {"avalanche": avalanche.__version__, "torch": torch.__version__, "epochs": args.epochs,
                     "kanerva_iterations_per_task": iterations, "runs": []}
    # in the order --only names them (the longest first, when a run may be cut short)
    pairs = PAIRS if args.only is None else [(name, dict(PAIRS)[name]) for name in args.only.split(",")]
    for seed in [int(s) for s in args.seeds.split(",")]:
        for av_name, ours in pairs:
            load = os.getloadavg()
            a = avalanche_run(av_name, seq, args.epochs, seed, normalize=av_name == "GenerativeReplay")
            k = kanerva_run(ours, seq, iterations, seed)
            out["runs"].append({"seed": seed, "avalanche": av_name, "kanerva": ours, "avalanche_result": a,
                                "kanerva_result": k, "load_before": load, "load_after": os.getloadavg()})
            rows.append(_row(out["runs"][-1]))
            print(rows[-1], flush=True)
            # stored after every pair: an interrupted run keeps the pairs it finished
            out["table"] = markdown_table(HEADER, rows)
            write_json(args.output, out)
    print(out["table"])


if __name__ == "__main__":
    main()
