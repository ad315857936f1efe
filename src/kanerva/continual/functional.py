"""Functional regularization and context gating: learning without forgetting (LwF) and XdG.

- LwF (Li & Hoiem 2017, TPAMI 40:2935, eq. 2): the current task's inputs are replayed with the
  softened outputs (temperature 2) of the model as it was before the task as targets, so the
  network keeps answering the old tasks' questions on new inputs; in the replay loop of van de
  Ven & Tolias (2019) it is "replay of the current task's inputs".
- XdG (Masse, Grant & Freedman 2018, PNAS 115:E10467): each task silences its own random 90% of
  every hidden layer (van de Ven's value for split MNIST), so tasks use mostly different units.
  It needs the task's identity to pick the gates at test time: task-incremental only.

Examples
--------
>>> from kanerva.continual.tasks import split_mnist
>>> XdG(split_mnist("task"), hidden=(10, 10)).classifier.gates.shape
torch.Size([5, 20])
>>> XdG(split_mnist("class"))
Traceback (most recent call last):
...
ValueError: method 'xdg' does not support the class-incremental scenario (it supports: task); XdG gates hidden units by task identity, which only the task-incremental scenario gives at test time
"""

from __future__ import annotations

import torch

from .learner import ContinualLearner
from .models import MLP, xdg_gates
from .tasks import TaskSequence


class LwF(ContinualLearner):
    """Learning without forgetting: distil the previous model's outputs on the current inputs.

    Parameters
    ----------
    temperature : float
        Softening of the targets (2, as in Hinton et al. 2015 and van de Ven & Tolias 2019).
    """

    name = "lwf"

    def __init__(self, sequence: TaskSequence, *, temperature: float = 2.0, **kwargs):
        super().__init__(sequence, **kwargs)
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature!r}")
        self.temperature = float(temperature)
        self.teacher = None

    def before_task(self, sequence: TaskSequence, t: int) -> None:
        self.set_teacher(self.frozen_copy() if t > 0 else None)

    def current_loss(self, x, y, task_ids, sequence: TaskSequence, t: int) -> torch.Tensor:
        self._logits = self.classifier(x)      # the replay below scores the same inputs
        return torch.nn.functional.cross_entropy(sequence.head_logits(self._logits, task_ids, t), sequence.target(y))

    def replay_loss(self, x, sequence: TaskSequence, t: int, n: int, generator):
        return self.teacher_loss(x, sequence, t, self.teacher, soft=True, temperature=self.temperature,
                                 logits=self._logits)

    def memory_bytes(self) -> int:
        return sum(p.numel() * p.element_size() for p in self.classifier.parameters())


class XdG(ContinualLearner):
    """Context-dependent gating: a fixed random subset of hidden units per task.

    Parameters
    ----------
    gating : float
        Fraction of each hidden layer silenced for each task (0.9).
    gate_seed : int
        Seed of the random gates.
    """

    name = "xdg"
    scenarios = ("task",)

    def __init__(self, sequence: TaskSequence, *, gating: float = 0.9, gate_seed: int = 0, **kwargs):
        self._gating, self._gate_seed = float(gating), int(gate_seed)
        super().__init__(sequence, **kwargs)

    @classmethod
    def check_scenario(cls, scenario: str) -> None:
        try:
            super().check_scenario(scenario)
        except ValueError as exc:
            raise ValueError(f"{exc}; XdG gates hidden units by task identity, which only the "
                             "task-incremental scenario gives at test time") from None

    def build_classifier(self, sequence: TaskSequence, hidden) -> MLP:
        gates = xdg_gates(len(sequence), hidden, self._gating, torch.Generator().manual_seed(self._gate_seed))
        return MLP(sequence.input_dim, sequence.n_outputs, hidden, gates=gates)
