"""Experiments: every method by name, the protocol, seeds, results and model files.

The protocol of van de Ven & Tolias (2019), section 4: split MNIST (and split Fashion-MNIST) with
an MLP of two hidden layers of 400 units, Adam (lr 0.001), 2,000 iterations per task, batches of
128; permuted MNIST with two layers of 1,000, lr 0.0001, 5,000 iterations, batches of 256. Each
run is repeated over seeds and reported as mean +- standard error of the mean over seeds.

Examples
--------
>>> import torch
>>> _ = torch.set_num_threads(1)
>>> r = run_experiment("split-mnist", "task", "none", seeds=1, iterations=20, batch_size=32, hidden=(32,),
...                    max_per_task=100, progress=False)
>>> r.method, r.scenario, len(r.per_task), 0.5 < r.accuracy <= 1
('none', 'task', 5, True)
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field
from functools import partial

import numpy as np
import torch

from .. import io
from .bir import BrainInspiredReplay
from .functional import XdG, LwF
from .learner import FineTuning, Joint
from .regularization import EWC, SI, OnlineEWC
from .machine_replay import KanervaMachineReplay
from .replay import ExactReplay, GenerativeReplay, ItemMemoryReplay
from .tasks import SCENARIOS, Task, TaskSequence, check_scenario, load_benchmark

METHODS = {
    "none": FineTuning,
    "joint": Joint,
    "ewc": EWC,
    "online-ewc": OnlineEWC,
    "si": SI,
    "xdg": XdG,
    "lwf": LwF,
    "dgr": partial(GenerativeReplay, distill=False),
    "dgr-distill": partial(GenerativeReplay, distill=True),
    "bi-r": BrainInspiredReplay,
    "exact-replay": ExactReplay,
    "item-memory": ItemMemoryReplay,
    "km-replay": KanervaMachineReplay,
}
"""Method name -> learner class (or a partial of one)."""

PROTOCOL = {
    "split": {"hidden": (400, 400), "lr": 1e-3, "iterations": 2000, "batch_size": 128},
    "permuted": {"hidden": (1000, 1000), "lr": 1e-4, "iterations": 5000, "batch_size": 256},
}

MODEL_KIND = "continual-learner"
RESULT_KIND = "continual-result"


def check_method(method: str) -> str:
    """``method`` if it is a known name, else a ValueError that lists the names.

    Examples
    --------
    >>> check_method("ewc")
    'ewc'
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    return method


def supported_scenarios(method: str) -> tuple[str, ...]:
    """The scenarios ``method`` runs in (XdG: task-IL only).

    Examples
    --------
    >>> supported_scenarios("xdg"), supported_scenarios("dgr")
    (('task',), ('task', 'domain', 'class'))
    """
    return _class(method).scenarios


def check_supported(method: str, scenario: str) -> None:
    """A ValueError, in the method's own words, when ``method`` cannot run in ``scenario``.

    Examples
    --------
    >>> check_supported("ewc", "class")
    """
    check_scenario(scenario)
    _class(method).check_scenario(scenario)


def _class(method: str):
    cls = METHODS[check_method(method)]
    return getattr(cls, "func", cls)


def make_learner(method: str, sequence: TaskSequence, **options):
    """A fresh learner of ``method`` for ``sequence`` (options go to its class).

    Examples
    --------
    >>> from kanerva.continual.tasks import split_mnist
    >>> make_learner("si", split_mnist("domain"), hidden=(20,)).si_c
    50000.0
    """
    _class(method).check_scenario(sequence.scenario)
    try:
        return METHODS[method](sequence, **options)
    except TypeError as exc:
        raise ValueError(f"bad option for method {method!r}: {exc}") from None


def protocol(benchmark: str) -> dict:
    """The training settings of van de Ven & Tolias (2019) for a benchmark.

    Examples
    --------
    >>> protocol("split-mnist")["iterations"], protocol("permuted-mnist")["hidden"]
    (2000, (1000, 1000))
    """
    return dict(PROTOCOL["permuted" if benchmark.startswith("permuted") else "split"])


@dataclass
class ContinualResult:
    """The result of one method in one scenario over seeds.

    ``accuracy`` is the mean over seeds of the final accuracy averaged over all tasks, ``sem``
    its standard error over seeds; ``per_task`` the mean final accuracy on each task;
    ``curve`` the mean accuracy on each task (columns) at each test point (rows, at
    ``curve_iterations``).
    """

    benchmark: str
    scenario: str
    method: str
    seeds: list
    accuracy: float
    sem: float
    per_task: list
    per_seed: list
    seconds: float
    seconds_per_seed: list
    memory_bytes: int
    curve_iterations: list
    curve: list
    settings: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = asdict(self)
        out["curve"] = [[None if np.isnan(v) else v for v in row] for row in self.curve]
        return out

    def save(self, path) -> None:
        """Write the result through :mod:`kanerva.io` (atomic, checksummed)."""
        io.save(path, RESULT_KIND, 1, {"curve": np.asarray(self.curve, dtype=np.float64)},
                {k: v for k, v in self.to_json().items() if k != "curve"})


def load_result(path) -> ContinualResult:
    """Read a result written by :meth:`ContinualResult.save`.

    Examples
    --------
    >>> import os, tempfile
    >>> r = ContinualResult("split-mnist", "class", "none", [0], 0.2, 0.0, [0.0, 1.0], [0.2], 1.0, [1.0], 0,
    ...                     [10], [[0.0, 1.0]])
    >>> path = os.path.join(tempfile.mkdtemp(), "r.kanerva"); r.save(path)
    >>> load_result(path).curve
    [[0.0, 1.0]]
    """
    arrays, meta = io.load(path, RESULT_KIND, 1)
    try:
        meta["curve"] = arrays["curve"].tolist()
        return ContinualResult(**meta)
    except (KeyError, TypeError) as exc:
        raise io.ModelFileError(f"{path}: inconsistent {RESULT_KIND} file ({exc})") from None


def _sem(values) -> float:
    v = np.asarray(values, dtype=np.float64)
    return float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0


def run_experiment(benchmark: str, scenario: str, method: str, *, seeds=5, iterations: int | None = None,
                   batch_size: int | None = None, hidden=None, lr: float | None = None, device="cpu",
                   eval_every: int | None = None, max_per_task: int | None = None, progress: bool = True,
                   sequence: TaskSequence | None = None, options: dict | None = None,
                   keep_learner: bool = False):
    """Run ``method`` on ``benchmark`` in ``scenario`` for each seed.

    Parameters
    ----------
    seeds : int or list of int
        Number of seeds (0, 1, ...) or the seeds themselves.
    iterations, batch_size, hidden, lr : optional
        Override the protocol (:func:`protocol`).
    eval_every : int, optional
        Test every this many steps too (for the accuracy curves; default ``iterations // 10``).
    max_per_task : int, optional
        Use only this many training images per task (quick runs).
    sequence : TaskSequence, optional
        Run on this sequence instead of loading ``benchmark``.
    options : dict, optional
        Method options (``ewc_lambda``, ``per_class``, ``budget_bytes``, ``gating``, ...).
    keep_learner : bool
        Also return the learner of the last seed.

    Returns
    -------
    ContinualResult, or (ContinualResult, learner) with ``keep_learner``.
    """
    check_supported(method, scenario)
    seeds = list(range(seeds)) if isinstance(seeds, (int, np.integer)) else [int(s) for s in seeds]
    if not seeds:
        raise ValueError("give at least one seed")
    settings = protocol(benchmark)
    for key, value in (("iterations", iterations), ("batch_size", batch_size), ("hidden", hidden), ("lr", lr)):
        if value is not None:
            settings[key] = tuple(value) if key == "hidden" else value
    for key in ("iterations", "batch_size"):
        if isinstance(settings[key], bool) or not isinstance(settings[key], (int, np.integer)) or settings[key] < 1:
            raise ValueError(f"{key} must be an integer >= 1, got {settings[key]!r}")
    eval_every = max(1, settings["iterations"] // 10) if eval_every is None else eval_every
    if sequence is None:
        sequence = load_benchmark(benchmark, scenario, max_per_task=max_per_task)
    sequence = sequence.to(device)
    finals, curves, times, learner = [], [], [], None
    for seed in seeds:
        torch.manual_seed(seed)
        learner = make_learner(method, sequence, hidden=settings["hidden"], lr=settings["lr"], device=device,
                               **(options or {}))
        bar = _bar(progress, len(sequence) * settings["iterations"], f"{method} {scenario}-IL seed {seed}")
        start = time.perf_counter()
        try:
            history = learner.fit(sequence, settings["iterations"], settings["batch_size"], eval_every=eval_every,
                                  seed=seed, progress=None if bar is None else bar.update)
        finally:
            if bar is not None:
                bar.close()
        times.append(time.perf_counter() - start)
        finals.append(history["accuracy"][-1])
        curves.append(history["accuracy"])
    finals = np.asarray(finals)
    per_seed = finals.mean(1)
    result = ContinualResult(
        benchmark=sequence.name or benchmark, scenario=scenario, method=method, seeds=seeds,
        accuracy=float(per_seed.mean()), sem=_sem(per_seed), per_task=finals.mean(0).tolist(),
        per_seed=per_seed.tolist(), seconds=float(sum(times)), seconds_per_seed=times,
        memory_bytes=int(learner.memory_bytes()), curve_iterations=list(history["iterations"]),
        curve=np.mean(np.asarray(curves, dtype=float), axis=0).tolist(),
        settings={**{k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
                  "options": dict(options or {}), "device": str(device), "threads": torch.get_num_threads(),
                  "torch": torch.__version__, "max_per_task": max_per_task, "eval_every": eval_every})
    return (result, learner) if keep_learner else result


def _bar(progress, total, desc):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="step", file=sys.stderr, mininterval=1.0, leave=False)


def compare(benchmark: str, scenario: str, methods, **kwargs) -> list[ContinualResult]:
    """:func:`run_experiment` for each method in ``methods`` (same seeds and settings).

    Examples
    --------
    >>> rs = compare("split-mnist", "class", ["none", "exact-replay"], seeds=1, iterations=5, batch_size=16,
    ...              hidden=(8,), max_per_task=40, progress=False)
    >>> [r.method for r in rs]
    ['none', 'exact-replay']
    """
    for m in methods:
        check_method(m)
    return [run_experiment(benchmark, scenario, m, **kwargs) for m in methods]


# ---- trained models ------------------------------------------------------------------------

_CONSOLIDATION = ("fisher_", "anchor_", "omega_")


def save_model(learner, path, *, method: str, sequence: TaskSequence, options: dict | None = None) -> None:
    """Write a trained learner's networks (classifier, and generator where it has one) through
    :mod:`kanerva.io`. The consolidation state of EWC and SI and the contents of replay buffers
    are not saved: a loaded learner predicts, it does not go on learning.

    Examples
    --------
    >>> import os, tempfile
    >>> from kanerva.continual.tasks import split_mnist
    >>> seq = split_mnist("task", n_tasks=2, max_per_task=10)
    >>> learner = make_learner("none", seq, hidden=(4,))
    >>> path = os.path.join(tempfile.mkdtemp(), "m.kanerva")
    >>> save_model(learner, path, method="none", sequence=seq)
    >>> bool(torch.equal(load_model(path).classifier.out.weight, learner.classifier.out.weight))
    True
    """
    state = {k: v.detach().cpu().numpy() for k, v in learner.state_dict().items() if not k.startswith(_CONSOLIDATION)}
    meta = {"method": method, "scenario": sequence.scenario, "benchmark": sequence.name,
            "n_tasks": len(sequence), "classes_per_task": sequence.classes_per_task, "input_dim": sequence.input_dim,
            "hidden": list(learner.classifier.sizes[1:-1]), "tasks_seen": learner.tasks_seen,
            "options": dict(options or {})}
    io.save(path, MODEL_KIND, 1, state, meta)


def load_model(path, device="cpu"):
    """Read a learner written by :func:`save_model` (for prediction: ``learner.evaluate``,
    ``learner.logits``); never unpickles anything."""
    arrays, meta = io.load(path, MODEL_KIND, 1)
    try:
        empty = torch.zeros(0, int(meta["input_dim"]))
        nothing = torch.zeros(0, dtype=torch.long)
        k = int(meta["classes_per_task"])
        tasks = [Task(empty, nothing, empty, nothing, tuple(range(t * k, (t + 1) * k))) for t in range(int(meta["n_tasks"]))]
        spec = TaskSequence(str(meta["benchmark"]), meta["scenario"], tasks, k, int(meta["input_dim"]))
        learner = make_learner(meta["method"], spec, hidden=tuple(meta["hidden"]), device=device, **meta["options"])
        learner.load_state_dict({n: torch.from_numpy(np.array(a)) for n, a in arrays.items()}, strict=True)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise io.ModelFileError(f"{path}: inconsistent {MODEL_KIND} file ({exc})") from None
    learner.tasks_seen = int(meta["tasks_seen"])
    return learner


__all__ = ["METHODS", "PROTOCOL", "SCENARIOS", "ContinualResult", "run_experiment", "compare", "make_learner",
           "check_method", "check_supported", "supported_scenarios", "protocol", "save_model", "load_model", "load_result"]
