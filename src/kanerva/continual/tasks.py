"""Task sequences and the three scenarios of continual learning.

van de Ven & Tolias (2019), "Three scenarios for continual learning" (arXiv:1904.07734), section 2:
the same sequence of tasks is learned in three ways that differ in what the network is asked at
test time.

==========  ==============================================  ========================================
scenario    output layer                                    split MNIST, task 2 (digits 2 and 3)
==========  ==============================================  ========================================
``task``    one head per task (task identity given)         "is it a 2 or a 3?", on task 2's head
``domain``  one head of ``classes_per_task`` units, shared  "first or second digit of its task?"
``class``   one unit per class seen so far                  "which digit of 0-3 is it?"
==========  ==============================================  ========================================

Classes are relabelled so that task ``t`` owns the global classes ``t * k ... (t + 1) * k - 1``
(``k`` classes per task): split MNIST's digits 0/1, 2/3, ... keep their labels, permuted MNIST's
digit ``d`` of task ``t`` is class ``10 t + d``. A task-IL network has ``n_tasks * k`` output units
(task ``t``'s head is its ``k`` units), a domain-IL network ``k``, a class-IL network
``n_tasks * k`` of which it trains the classes seen so far.

Examples
--------
>>> seq = split_mnist("class")
>>> len(seq), seq.classes_per_task, seq.n_outputs, seq.tasks[1].classes
(5, 2, 10, (2, 3))
>>> seq.train_units(1), split_mnist("task").train_units(1), split_mnist("domain").train_units(1)
((0, 4), (2, 4), (0, 2))
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

SCENARIOS = ("task", "domain", "class")
BENCHMARKS = ("split-mnist", "split-fashion", "permuted-mnist")


def check_scenario(scenario) -> str:
    """``scenario`` if it is one of :data:`SCENARIOS`, else a ValueError that lists them.

    Examples
    --------
    >>> check_scenario("class")
    'class'
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}: choose one of {', '.join(SCENARIOS)} "
                         "(task-, domain- or class-incremental)")
    return scenario


@dataclass
class Task:
    """One task: its training and test tensors (float32 inputs in [0, 1], global int64 labels).

    Examples
    --------
    >>> t = split_mnist("task").tasks[0]
    >>> t.classes, t.x_train.shape[1], t.x_train.dtype, int(t.y_train.max())
    ((0, 1), 784, torch.float32, 1)
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: tuple[int, ...]

    def to(self, device) -> Task:
        """The same task with its tensors on ``device``."""
        return Task(self.x_train.to(device), self.y_train.to(device), self.x_test.to(device),
                    self.y_test.to(device), self.classes)


@dataclass
class TaskSequence:
    """A sequence of tasks learned in one scenario.

    Attributes
    ----------
    name : str
    scenario : {"task", "domain", "class"}
    tasks : list of Task
    classes_per_task : int
    input_dim : int

    Examples
    --------
    >>> seq = split_mnist("domain")
    >>> seq.n_outputs, seq.eval_units(task=3, after=4), seq.task_of(torch.tensor([0, 9])).tolist()
    (2, (0, 2), [0, 4])
    """

    name: str
    scenario: str
    tasks: list[Task]
    classes_per_task: int
    input_dim: int
    info: dict = field(default_factory=dict)

    def __post_init__(self):
        check_scenario(self.scenario)
        if not self.tasks:
            raise ValueError("a task sequence needs at least one task")

    def __len__(self) -> int:
        return len(self.tasks)

    @property
    def n_classes(self) -> int:
        """Global classes over all tasks."""
        return len(self.tasks) * self.classes_per_task

    @property
    def n_outputs(self) -> int:
        """Output units of the network: one head per task (task), one shared head (domain), one
        unit per class (class)."""
        return self.classes_per_task if self.scenario == "domain" else self.n_classes

    def train_units(self, t: int) -> tuple[int, int]:
        """The output units ``[lo, hi)`` trained on task ``t``: its own head (task-IL), the shared
        head (domain-IL), every class seen so far (class-IL; van de Ven & Tolias 2019)."""
        k = self.classes_per_task
        if self.scenario == "task":
            return t * k, (t + 1) * k
        if self.scenario == "domain":
            return 0, k
        return 0, (t + 1) * k

    def eval_units(self, task: int, after: int) -> tuple[int, int]:
        """The units that answer for test images of ``task`` once tasks ``0..after`` are learned."""
        return self.train_units(task) if self.scenario != "class" else self.train_units(after)

    def task_of(self, y: torch.Tensor) -> torch.Tensor:
        """Task id of each global label."""
        return torch.div(y, self.classes_per_task, rounding_mode="floor")

    def target(self, y: torch.Tensor) -> torch.Tensor:
        """The index of each global label inside the units it is scored on (class-IL: the label
        itself; task- and domain-IL: its place within its task)."""
        return y if self.scenario == "class" else y % self.classes_per_task

    def head_logits(self, logits: torch.Tensor, task_ids: torch.Tensor, upto: int) -> torch.Tensor:
        """The logits each sample is scored on: task-IL picks each sample's own head (so a batch
        may mix tasks), domain-IL the shared head, class-IL the classes of tasks ``0..upto``."""
        k = self.classes_per_task
        if self.scenario == "task":
            heads = logits.reshape(logits.shape[0], -1, k)
            return heads[torch.arange(logits.shape[0], device=logits.device), task_ids]
        lo, hi = self.train_units(upto)
        return logits[:, lo:hi]

    def to(self, device) -> TaskSequence:
        """The same sequence with every tensor on ``device``."""
        return TaskSequence(self.name, self.scenario, [t.to(device) for t in self.tasks],
                            self.classes_per_task, self.input_dim, dict(self.info))


def _as_float(images: np.ndarray) -> torch.Tensor:
    x = np.asarray(images)
    return torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255.0)


def split_dataset(train, test, *, n_tasks: int, classes_per_task: int, scenario: str,
                  class_order=None, name: str = "split", max_per_task: int | None = None) -> TaskSequence:
    """Split a labelled image set into tasks of ``classes_per_task`` classes each.

    Parameters
    ----------
    train, test : (images uint8 (n, ...), labels int (n,))
    n_tasks, classes_per_task : int
    scenario : {"task", "domain", "class"}
    class_order : sequence of labels, optional
        The classes in the order they are learned (default: sorted); task ``t`` gets entries
        ``t * k ... (t + 1) * k - 1`` and they become its global classes.
    max_per_task : int, optional
        Keep only the first training images of each task (for quick runs and tests).

    Raises
    ------
    ValueError
        Too few classes in the data for ``n_tasks * classes_per_task``, a repeated or missing
        class in ``class_order``, a class with no test images.

    Examples
    --------
    >>> from kanerva.datasets import load_mnist
    >>> seq = split_dataset(load_mnist("train"), load_mnist("test"), n_tasks=2, classes_per_task=3,
    ...                     scenario="class", class_order=[9, 8, 7, 6, 5, 4])
    >>> seq.tasks[0].classes, sorted(set(seq.tasks[1].y_train.tolist()))
    ((0, 1, 2), [3, 4, 5])
    """
    check_scenario(scenario)
    for value, what in ((n_tasks, "n_tasks"), (classes_per_task, "classes_per_task")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{what} must be an integer >= 1, got {value!r}")
    x_tr, y_tr = np.asarray(train[0]), np.asarray(train[1])
    x_te, y_te = np.asarray(test[0]), np.asarray(test[1])
    present = np.unique(y_tr)
    need = n_tasks * classes_per_task
    order = list(present) if class_order is None else [int(c) for c in class_order]
    if len(present) < need:
        raise ValueError(f"too few classes for the split: {n_tasks} tasks of {classes_per_task} classes need "
                         f"{need} classes, the data have {len(present)}")
    if len(order) < need:
        raise ValueError(f"class_order names {len(order)} classes, the split needs {need}")
    order = order[:need]
    if len(set(order)) != len(order):
        raise ValueError(f"class_order repeats a class: {order}")
    missing = sorted(set(order) - set(present.tolist()))
    if missing:
        raise ValueError(f"class_order names classes with no training images: {missing}")
    tasks = []
    for t in range(n_tasks):
        mine = order[t * classes_per_task:(t + 1) * classes_per_task]
        relabel = {c: t * classes_per_task + i for i, c in enumerate(mine)}
        parts = []
        for x, y in ((x_tr, y_tr), (x_te, y_te)):
            keep = np.flatnonzero(np.isin(y, mine))
            if keep.size == 0:
                raise ValueError(f"task {t} (classes {mine}) has no test images")
            parts.append((x[keep], np.array([relabel[int(v)] for v in y[keep]], dtype=np.int64)))
        (xa, ya), (xb, yb) = parts
        if max_per_task is not None:
            xa, ya = xa[:max_per_task], ya[:max_per_task]
        tasks.append(Task(_as_float(xa), torch.from_numpy(ya), _as_float(xb), torch.from_numpy(yb),
                          tuple(relabel.values())))
    return TaskSequence(name, scenario, tasks, classes_per_task, tasks[0].x_train.shape[1],
                        {"class_order": [int(c) for c in order]})


def split_mnist(scenario: str = "class", *, n_tasks: int = 5, classes_per_task: int = 2,
                class_order=None, max_per_task: int | None = None) -> TaskSequence:
    """Split MNIST: five tasks of two digits (0/1, 2/3, ...) on :func:`kanerva.datasets.load_mnist`.

    The 10,000 digits of ``load_mnist`` (8,004 train, 1,996 test), not the 70,000 of full MNIST:
    about 1,600 training images per task.

    Examples
    --------
    >>> seq = split_mnist("task")
    >>> [len(t.x_train) for t in seq.tasks]
    [1703, 1619, 1475, 1668, 1539]
    """
    from ..datasets import load_mnist

    return split_dataset(load_mnist("train"), load_mnist("test"), n_tasks=n_tasks,
                         classes_per_task=classes_per_task, scenario=scenario, class_order=class_order,
                         name="split-mnist", max_per_task=max_per_task)


def split_fashion_mnist(scenario: str = "class", *, n_tasks: int = 5, classes_per_task: int = 2,
                        class_order=None, max_per_task: int | None = None) -> TaskSequence:
    """Split Fashion-MNIST: five tasks of two classes on :func:`kanerva.datasets.load_fashion_mnist`
    (60,000 training images, 12,000 per task; ``make fashion-mnist`` fetches the data).

    Examples
    --------
    >>> callable(split_fashion_mnist)
    True
    """
    from ..datasets import load_fashion_mnist

    return split_dataset(load_fashion_mnist("train"), load_fashion_mnist("test"), n_tasks=n_tasks,
                         classes_per_task=classes_per_task, scenario=scenario, class_order=class_order,
                         name="split-fashion", max_per_task=max_per_task)


def permuted_mnist(scenario: str = "domain", *, n_tasks: int = 10, seed: int = 0,
                   max_per_task: int | None = None) -> TaskSequence:
    """Permuted MNIST: every task is all ten digits with its own fixed permutation of the pixels
    (Goodfellow et al. 2013; the first task keeps the original order, as in van de Ven & Tolias
    2019). Digit ``d`` of task ``t`` is global class ``10 t + d``.

    Examples
    --------
    >>> seq = permuted_mnist(n_tasks=3)
    >>> seq.n_outputs, seq.tasks[2].classes[:2], bool((seq.tasks[0].x_train == seq.tasks[1].x_train).all())
    (10, (20, 21), False)
    """
    from ..datasets import load_mnist

    if isinstance(n_tasks, bool) or not isinstance(n_tasks, (int, np.integer)) or n_tasks < 1:
        raise ValueError(f"n_tasks must be an integer >= 1, got {n_tasks!r}")
    check_scenario(scenario)
    (x_tr, y_tr), (x_te, y_te) = load_mnist("train"), load_mnist("test")
    if max_per_task is not None:
        x_tr, y_tr = x_tr[:max_per_task], y_tr[:max_per_task]
    rng = np.random.default_rng(seed)
    a, b = _as_float(x_tr), _as_float(x_te)
    tasks = []
    for t in range(n_tasks):
        perm = torch.from_numpy(rng.permutation(a.shape[1]) if t else np.arange(a.shape[1]))
        tasks.append(Task(a[:, perm].contiguous(), torch.from_numpy(y_tr + 10 * t), b[:, perm].contiguous(),
                          torch.from_numpy(y_te + 10 * t), tuple(range(10 * t, 10 * t + 10))))
    return TaskSequence("permuted-mnist", scenario, tasks, 10, a.shape[1], {"seed": seed})


def load_benchmark(name: str, scenario: str, **options) -> TaskSequence:
    """The sequence called ``name`` (one of :data:`BENCHMARKS`) in ``scenario``.

    Examples
    --------
    >>> load_benchmark("split-mnist", "task").name
    'split-mnist'
    """
    makers = {"split-mnist": split_mnist, "split-fashion": split_fashion_mnist, "permuted-mnist": permuted_mnist}
    if name not in makers:
        raise ValueError(f"unknown benchmark {name!r}: choose one of {', '.join(BENCHMARKS)}")
    check_scenario(scenario)
    return makers[name](scenario, **options)
