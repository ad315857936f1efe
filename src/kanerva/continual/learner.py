"""The training loop every method shares, fine-tuning (the lower bound) and joint training (the
upper bound).

One loop, written out in :meth:`ContinualLearner.fit_task`: for each of ``iterations`` steps, a
batch of the current task, the classification loss on the units the scenario trains, a replay
loss where the method replays (weighted ``1/t`` for the current task and ``1 - 1/t`` for the
replay, t = number of tasks so far, as in van de Ven & Tolias 2019, section 4), a parameter
penalty where the method has one, one Adam step. Methods change the loop only through the hooks
``before_task``, ``replay_loss``, ``penalty``, ``after_step``, ``after_task``.

Examples
--------
>>> import torch
>>> from kanerva.continual.tasks import split_mnist
>>> _ = torch.manual_seed(0)
>>> seq = split_mnist("class", n_tasks=2, max_per_task=200)
>>> learner = FineTuning(seq, hidden=(50,))
>>> history = learner.fit(seq, iterations=30, batch_size=32)
>>> history["accuracy"][-1][1] > 0.9, history["accuracy"][-1][0] < 0.5   # task 2 learned, task 1 forgotten
(True, True)
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .models import MLP
from .tasks import TaskSequence


def distillation_loss(logits: torch.Tensor, target_logits: torch.Tensor, temperature: float = 2.0) -> torch.Tensor:
    """Knowledge distillation (Hinton et al. 2015): cross-entropy between the softened outputs,
    scaled by ``T**2`` so that its gradients keep their size as ``T`` changes. Target logits with
    fewer columns than ``logits`` (the classes the previous model knew) give probability zero to
    the others, as in van de Ven & Tolias (2019).

    Examples
    --------
    >>> import torch
    >>> a = torch.tensor([[2.0, 0.0]])
    >>> round(distillation_loss(a, a).item(), 4) < round(distillation_loss(a, -a).item(), 4)
    True
    """
    soft = F.softmax(target_logits / temperature, dim=1)
    log_new = F.log_softmax(logits / temperature, dim=1)
    return -(soft * log_new[:, : soft.shape[1]]).sum(1).mean() * temperature ** 2


def adam(params, lr: float) -> torch.optim.Adam:
    """Adam (betas 0.9, 0.999) with torch's fused kernel where the device has one: the same
    update, about 5 times faster to apply on a CPU than the per-tensor loop.

    Examples
    --------
    >>> import torch
    >>> adam([torch.nn.Parameter(torch.zeros(2))], 1e-3).defaults["lr"]
    0.001
    """
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), fused=True)
    except (RuntimeError, TypeError):  # pragma: no cover - a device without the fused kernel
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999))


class Batches:
    """Endless shuffled mini-batches of ``range(n)``: a new permutation every epoch.

    Examples
    --------
    >>> import torch
    >>> b = Batches(6, 2, torch.Generator().manual_seed(0))
    >>> sorted(torch.cat([next(b) for _ in range(3)]).tolist())     # one epoch
    [0, 1, 2, 3, 4, 5]
    """

    def __init__(self, n: int, batch_size: int, generator: torch.Generator):
        if n < 1:
            raise ValueError("a task with no training examples")
        self.n, self.batch_size, self.generator = n, min(batch_size, n), generator
        self._order, self._pos = torch.randperm(n, generator=generator), 0

    def __iter__(self):
        return self

    def __next__(self) -> torch.Tensor:
        if self._pos + self.batch_size > self.n:
            self._order, self._pos = torch.randperm(self.n, generator=self.generator), 0
        idx = self._order[self._pos:self._pos + self.batch_size]
        self._pos += self.batch_size
        return idx


class ContinualLearner(nn.Module):
    """A classifier trained task after task; the base of every method.

    Parameters
    ----------
    sequence : TaskSequence
        Gives the input width, the number of output units and the scenario.
    hidden : tuple of int
        Hidden layers of the MLP (van de Ven & Tolias 2019: two of 400 for split MNIST).
    lr : float
        Adam's learning rate (0.001).
    device : str or torch.device

    Attributes
    ----------
    classifier : MLP
    scenario : str
    tasks_seen : int
    """

    name = "none"
    scenarios = ("task", "domain", "class")

    def __init__(self, sequence: TaskSequence, hidden=(400, 400), lr: float = 1e-3, device="cpu"):
        super().__init__()
        self.check_scenario(sequence.scenario)
        self.scenario = sequence.scenario
        self.n_outputs = sequence.n_outputs
        self.n_tasks = len(sequence)
        self.lr = float(lr)
        self.device = torch.device(device)
        self.classifier = self.build_classifier(sequence, tuple(int(h) for h in hidden))
        self.tasks_seen = 0
        self.to(self.device)
        self.optimizer = adam(self.trainable_parameters(), self.lr)

    @classmethod
    def check_scenario(cls, scenario: str) -> None:
        if scenario not in cls.scenarios:
            raise ValueError(f"method {cls.name!r} does not support the {scenario}-incremental scenario "
                             f"(it supports: {', '.join(cls.scenarios)})")

    def build_classifier(self, sequence: TaskSequence, hidden) -> nn.Module:
        return MLP(sequence.input_dim, sequence.n_outputs, hidden)

    def trainable_parameters(self):
        """What the optimizer steps: the classifier (a method with more trainable parts adds them)."""
        return [p for p in self.classifier.parameters() if p.requires_grad]

    def memory_bytes(self) -> int:
        """Bytes the method keeps besides the classifier (buffers, generators, old copies)."""
        return 0

    # ---- the loop -------------------------------------------------------------------------

    def fit(self, sequence: TaskSequence, iterations: int = 2000, batch_size: int = 128, *,
            eval_every: int | None = None, seed: int = 0, progress=None) -> dict:
        """Learn every task of ``sequence`` in order; returns the accuracy history.

        Parameters
        ----------
        iterations : int
            Training steps per task.
        eval_every : int, optional
            Also test every this many steps (default: only after each task).
        progress : callable, optional
            Called with the number of steps done after each step (a tqdm bar's ``update``).

        Returns
        -------
        dict with ``"iterations"`` (total steps at each test) and ``"accuracy"`` (for each test,
        the accuracy on every task of the sequence, NaN for tasks not reached yet).
        """
        if sequence.scenario != self.scenario or sequence.n_outputs != self.n_outputs:
            raise ValueError(f"this learner was built for {self.scenario}-IL with {self.n_outputs} outputs, "
                             f"got a {sequence.scenario}-IL sequence with {sequence.n_outputs}")
        generator = torch.Generator().manual_seed(int(seed))
        history = {"iterations": [], "accuracy": []}
        for t in range(len(sequence)):
            def record(step, t=t):
                if progress is not None:
                    progress(1)
                if eval_every and (step + 1) % eval_every == 0 and step + 1 < iterations:
                    history["iterations"].append(t * iterations + step + 1)
                    history["accuracy"].append(self.evaluate(sequence, upto=t))
            self.fit_task(sequence, t, iterations, batch_size, generator, on_step=record)
            history["iterations"].append((t + 1) * iterations)
            history["accuracy"].append(self.evaluate(sequence, upto=t))
        return history

    def fit_task(self, sequence: TaskSequence, t: int, iterations: int, batch_size: int,
                 generator: torch.Generator, on_step=None) -> None:
        """Train on task ``t``: the loop every method runs."""
        x_all, y_all = self.training_data(sequence, t)
        task_all = sequence.task_of(y_all)
        self.before_task(sequence, t)
        batches = Batches(len(x_all), batch_size, generator)
        self.train()
        for step in range(iterations):
            idx = next(batches)
            x, y, task_ids = x_all[idx], y_all[idx], task_all[idx]
            loss = self.current_loss(x, y, task_ids, sequence, t)
            if t > 0:
                replay = self.replay_loss(x, sequence, t, len(idx), generator)
                if replay is not None:
                    loss = loss / (t + 1) + replay * (t / (t + 1))
            loss = loss + self.penalty()
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            self.after_step()
            self.observe(x, y, task_ids, t)
            if on_step is not None:
                on_step(step)
        self.tasks_seen = t + 1
        self.after_task(sequence, t)

    # ---- hooks ----------------------------------------------------------------------------

    def training_data(self, sequence: TaskSequence, t: int):
        task = sequence.tasks[t]
        return task.x_train.to(self.device), task.y_train.to(self.device)

    def current_loss(self, x, y, task_ids, sequence: TaskSequence, t: int) -> torch.Tensor:
        logits = self.classifier(x, task_ids) if self._gated else self.classifier(x)
        return F.cross_entropy(sequence.head_logits(logits, task_ids, t), sequence.target(y))

    def before_task(self, sequence: TaskSequence, t: int) -> None:
        pass

    def replay_loss(self, x, sequence: TaskSequence, t: int, n: int, generator) -> torch.Tensor | None:
        return None

    def penalty(self) -> torch.Tensor | float:
        return 0.0

    def after_step(self) -> None:
        pass

    def observe(self, x, y, task_ids, t: int) -> None:
        """After each step: what else learns from the batch (a replay generator's own step)."""

    def after_task(self, sequence: TaskSequence, t: int) -> None:
        pass

    @property
    def _gated(self) -> bool:
        return getattr(self.classifier, "gates", None) is not None

    # ---- testing --------------------------------------------------------------------------

    @torch.no_grad()
    def logits(self, x: torch.Tensor, task_ids: torch.Tensor | None = None) -> torch.Tensor:
        """The classifier's output units for inputs ``x``."""
        was = self.training
        self.eval()
        out = self.classifier(x, task_ids) if self._gated else self.classifier(x)
        self.train(was)
        return out

    @torch.no_grad()
    def evaluate(self, sequence: TaskSequence, upto: int | None = None) -> list[float]:
        """Test accuracy on every task after learning tasks ``0..upto`` (NaN for later tasks):
        task-IL on the task's head, domain-IL on the shared head, class-IL over every class seen."""
        upto = len(sequence) - 1 if upto is None else upto
        accs = []
        for i, task in enumerate(sequence.tasks):
            if i > upto:
                accs.append(float("nan"))
                continue
            x, y = task.x_test.to(self.device), task.y_test.to(self.device)
            task_ids = sequence.task_of(y)
            lo, hi = sequence.eval_units(i, upto)
            pred = self.logits(x, task_ids)[:, lo:hi].argmax(1)
            accs.append(float((pred == sequence.target(y)).float().mean()))
        return accs

    def teacher_loss(self, x: torch.Tensor, sequence: TaskSequence, t: int, teacher: nn.Module, *,
                     soft: bool, task_ids: torch.Tensor | None = None, temperature: float = 2.0,
                     logits: torch.Tensor | None = None) -> torch.Tensor:
        """Loss on replayed inputs ``x`` labelled by ``teacher`` (the model as it was before task
        ``t``): distillation of its softened outputs (``soft``) or cross-entropy with its most
        likely class. Scored on every earlier head in turn (task-IL, averaged; or each sample's
        own head when ``task_ids`` are known), the shared head (domain-IL), every class seen so
        far (class-IL: the teacher's targets are its classes of tasks ``0..t-1``, with probability
        zero for the current task's classes, so that replay also pushes the new classes down on
        old inputs; van de Ven & Tolias 2019). ``logits``: the classifier's output on ``x`` when
        already computed."""
        new = self.classifier(x) if logits is None else logits
        with torch.no_grad():
            old = teacher(x)

        def one(a, b):
            return distillation_loss(a, b, temperature) if soft else F.cross_entropy(a, b.argmax(1))

        if sequence.scenario == "task" and task_ids is None:
            return sum(one(new[:, lo:hi], old[:, lo:hi]) for lo, hi in map(sequence.train_units, range(t))) / t
        if sequence.scenario == "class":
            _, hi = sequence.train_units(t)
            _, old_hi = sequence.train_units(t - 1)
            return one(new[:, :hi], old[:, :old_hi])
        if task_ids is not None:
            return one(sequence.head_logits(new, task_ids, t - 1), sequence.head_logits(old, task_ids, t - 1))
        lo, hi = sequence.train_units(t - 1)
        return one(new[:, lo:hi], old[:, lo:hi])

    def set_teacher(self, module: nn.Module | None) -> None:
        """Keep ``module`` as the previous model, outside the learner's submodules (it is neither
        trained, nor moved, nor saved with the learner)."""
        object.__setattr__(self, "teacher", module)

    def frozen_copy(self) -> nn.Module:
        """A copy of the classifier that no step changes (the 'previous model' of replay)."""
        old = copy.deepcopy(self.classifier).eval()
        for p in old.parameters():
            p.requires_grad_(False)
        return old


class FineTuning(ContinualLearner):
    """None: plain training on each task in turn, the lower bound (catastrophic forgetting)."""

    name = "none"


class Joint(ContinualLearner):
    """Joint ('offline') training, the upper bound: on task ``t`` it trains on the data of every
    task so far, mixed (van de Ven & Tolias 2019's "offline" baseline)."""

    name = "joint"

    def training_data(self, sequence: TaskSequence, t: int):
        xs = torch.cat([task.x_train for task in sequence.tasks[:t + 1]])
        ys = torch.cat([task.y_train for task in sequence.tasks[:t + 1]])
        return xs.to(self.device), ys.to(self.device)


def parameter_count(module: nn.Module) -> int:
    """Number of scalars in ``module``'s parameters.

    Examples
    --------
    >>> parameter_count(MLP(4, 2, hidden=(3,)))
    23
    """
    return int(sum(np.prod(p.shape) for p in module.parameters()))
