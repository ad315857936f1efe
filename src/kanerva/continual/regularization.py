"""Weight protection: EWC, online EWC and synaptic intelligence (SI).

Each adds a quadratic penalty that holds the parameters important for earlier tasks near the
values they had after those tasks.

- EWC (Kirkpatrick et al. 2017, PNAS 114:3521, eq. 3): one term per task,
  ``lambda/2 sum_i F_i (theta_i - theta*_i)^2``, ``F`` the diagonal Fisher information at
  ``theta*``, estimated after the task as the expectation over the task's inputs and over the
  model's own predicted labels, ``E_x sum_c p(c|x) (d log p(c|x) / d theta)^2`` (van de Ven &
  Tolias 2019, appendix).
- Online EWC (Schwarz et al. 2018, "Progress & compress", eq. 8): one term, with the running
  Fisher ``F <- gamma F + F_t`` at the latest ``theta*``.
- SI (Zenke, Poole & Ganguli 2017, ICML, eqs. 4-5): the importance ``omega`` of a parameter is
  its path integral of ``-gradient x update`` over the task, divided by its squared total change
  plus ``xi``; penalty ``c sum_i omega_i (theta_i - theta*_i)^2``.

The per-example squared gradients of the Fisher come from one backward pass per label: for a
linear layer the gradient of example ``n`` is ``delta_n a_n^T``, so the sum over examples of its
square is ``(delta^2)^T a^2`` (no per-example loop, exact; tested against the loop).

Examples
--------
>>> import torch
>>> from kanerva.continual.tasks import split_mnist
>>> seq = split_mnist("task", n_tasks=2, max_per_task=100)
>>> ewc = EWC(seq, hidden=(20,))
>>> float(ewc.penalty())                       # nothing to protect before the first task ends
0.0
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .learner import ContinualLearner
from .tasks import TaskSequence

# hyper-parameters of van de Ven's reference code for split MNIST (grid-searched there) and
# permuted MNIST, by scenario
EWC_LAMBDA = {"split": {"task": 1e5, "domain": 1e10, "class": 1e9},
              "permuted": {"task": 100.0, "domain": 100.0, "class": 100.0}}
SI_C = {"split": {"task": 10.0, "domain": 50000.0, "class": 5000.0},
        "permuted": {"task": 10.0, "domain": 10.0, "class": 5.0}}


def _family(sequence: TaskSequence) -> str:
    return "permuted" if sequence.name.startswith("permuted") else "split"


@torch.enable_grad()
def diagonal_fisher(model: nn.Module, x: torch.Tensor, task_ids: torch.Tensor, sequence: TaskSequence,
                    upto: int, batch_size: int = 256) -> dict[str, torch.Tensor]:
    """Diagonal Fisher information of ``model``'s parameters on inputs ``x``.

    ``E_x sum_c p(c|x) g_c(x)^2`` with ``g_c`` the gradient of ``log p(c|x)``, over the output
    units the scenario scores for tasks ``0..upto``. Every parameter must belong to an
    ``nn.Linear`` layer (true of :class:`~kanerva.continual.models.MLP`).

    Returns
    -------
    dict: parameter name -> tensor of its shape.

    Examples
    --------
    >>> import torch
    >>> from kanerva.continual.models import MLP
    >>> from kanerva.continual.tasks import split_mnist
    >>> seq = split_mnist("class", n_tasks=2, max_per_task=50)
    >>> fisher = diagonal_fisher(MLP(784, 4, (8,)), seq.tasks[0].x_train, torch.zeros(50, dtype=torch.long), seq, 0)
    >>> sorted(fisher), bool((fisher["out.weight"] >= 0).all())
    (['hidden.0.bias', 'hidden.0.weight', 'out.bias', 'out.weight'], True)
    """
    linears = [(name, m) for name, m in model.named_modules() if isinstance(m, nn.Linear)]
    covered = {f"{name}.{p}" for name, m in linears for p, _ in m.named_parameters()}
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    if set(names) - covered:
        raise TypeError(f"diagonal_fisher handles linear layers only; not covered: {sorted(set(names) - covered)}")
    fisher = {f"{name}.{p}": torch.zeros_like(t) for name, m in linears for p, t in m.named_parameters()}
    seen: dict = {}
    hooks = [m.register_forward_hook(lambda mod, inp, out: seen.__setitem__(mod, (inp[0].detach(), out)))
             for _, m in linears]
    was = model.training
    model.eval()
    gated = getattr(model, "gates", None) is not None
    try:
        for start in range(0, len(x), batch_size):
            xb, tb = x[start:start + batch_size], task_ids[start:start + batch_size]
            seen.clear()
            logits = model(xb, tb) if gated else model(xb)
            logp = F.log_softmax(sequence.head_logits(logits, tb, upto), dim=1)
            probs = logp.detach().exp()
            outs = [seen[m][1] for _, m in linears]
            for c in range(logp.shape[1]):
                deltas = torch.autograd.grad(-logp[:, c].sum(), outs, retain_graph=True)
                w = probs[:, c:c + 1]
                for (name, m), delta in zip(linears, deltas):
                    d2 = delta.pow(2) * w
                    fisher[f"{name}.weight"] += d2.T @ seen[m][0].pow(2)
                    if m.bias is not None:
                        fisher[f"{name}.bias"] += d2.sum(0)
    finally:
        for h in hooks:
            h.remove()
        model.train(was)
    return {n: f / len(x) for n, f in fisher.items() if n in names}


class _Penalized(ContinualLearner):
    def _params(self):
        return dict((n, p) for n, p in self.classifier.named_parameters() if p.requires_grad)

    def memory_bytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.buffers() if t is not getattr(self.classifier, "gates", None))


class EWC(_Penalized):
    """Elastic weight consolidation, one penalty term per learned task.

    Parameters
    ----------
    ewc_lambda : float, optional
        Strength of the penalty (default: van de Ven's value for the benchmark and scenario).
    fisher_samples : int, optional
        Training examples used to estimate the Fisher (default: all of the task's).
    """

    name = "ewc"
    online = False

    def __init__(self, sequence: TaskSequence, *, ewc_lambda: float | None = None, gamma: float = 1.0,
                 fisher_samples: int | None = None, **kwargs):
        super().__init__(sequence, **kwargs)
        self.ewc_lambda = float(EWC_LAMBDA[_family(sequence)][sequence.scenario] if ewc_lambda is None else ewc_lambda)
        if not self.ewc_lambda >= 0:
            raise ValueError(f"ewc_lambda must be >= 0, got {ewc_lambda!r}")
        if not 0 <= gamma <= 1:
            raise ValueError(f"gamma must be in [0, 1], got {gamma!r}")
        self.gamma = float(gamma)
        self.fisher_samples = fisher_samples
        self.precision: dict[str, torch.Tensor] = {}   # summed Fisher of the tasks learned
        self.center: dict[str, torch.Tensor] = {}      # their Fisher-weighted anchor

    def after_task(self, sequence: TaskSequence, t: int) -> None:
        task = sequence.tasks[t]
        x, y = task.x_train.to(self.device), task.y_train.to(self.device)
        if self.fisher_samples is not None:
            x, y = x[: self.fisher_samples], y[: self.fisher_samples]
        fisher = diagonal_fisher(self.classifier, x, sequence.task_of(y), sequence, t)
        for n, p in self._params().items():
            anchor = p.detach().clone()
            if n not in self.precision:
                precision, center = fisher[n], anchor
            elif self.online:      # one term: running Fisher, anchored at the latest parameters
                precision, center = self.gamma * self.precision[n] + fisher[n], anchor
            else:
                # sum_t F_t (theta - a_t)^2 = F (theta - m)^2 + const, F = sum_t F_t and m the
                # Fisher-weighted mean of the anchors: one term however many tasks are kept
                precision = self.precision[n] + fisher[n]
                weighted = self.precision[n] * self.center[n] + fisher[n] * anchor
                center = torch.where(precision > 0, weighted / precision.clamp_min(1e-45), anchor)
            self.precision[n], self.center[n] = precision, center
            key = n.replace(".", "_")   # buffers, so that .to() moves them
            self.register_buffer(f"fisher_{key}", precision)
            self.register_buffer(f"anchor_{key}", center)

    def penalty(self) -> torch.Tensor | float:
        """``lambda/2 sum_t sum_i F_t,i (theta_i - theta*_t,i)^2``, up to a constant."""
        if not self.precision:
            return torch.zeros((), device=self.device)
        params = self._params()
        total = sum((self.precision[n] * (params[n] - self.center[n]).pow(2)).sum() for n in self.precision)
        return 0.5 * self.ewc_lambda * total


class OnlineEWC(EWC):
    """Online EWC: a single penalty with the running Fisher ``gamma F_old + F_new`` anchored at
    the parameters after the latest task (Schwarz et al. 2018; gamma = 1 by default)."""

    name = "online-ewc"
    online = True


class SI(_Penalized):
    """Synaptic intelligence: importance from each parameter's contribution to the drop of the
    loss along its training path.

    Parameters
    ----------
    si_c : float, optional
        Strength of the penalty (default: van de Ven's value for the benchmark and scenario).
    epsilon : float
        The damping ``xi`` of the importance (0.1).
    """

    name = "si"

    def __init__(self, sequence: TaskSequence, *, si_c: float | None = None, epsilon: float = 0.1, **kwargs):
        super().__init__(sequence, **kwargs)
        self.si_c = float(SI_C[_family(sequence)][sequence.scenario] if si_c is None else si_c)
        if not self.si_c >= 0 or not epsilon > 0:
            raise ValueError(f"si_c must be >= 0 and epsilon > 0, got {si_c!r} and {epsilon!r}")
        self.epsilon = float(epsilon)
        params = self._params()
        self.omega = {n: torch.zeros_like(p) for n, p in params.items()}
        self.anchor = {n: p.detach().clone() for n, p in params.items()}
        self._path = {n: torch.zeros_like(p) for n, p in params.items()}
        self._before = {n: p.detach().clone() for n, p in params.items()}
        self._has_omega = False

    def after_step(self) -> None:
        # path integral of -gradient x update (the gradient of the step just taken)
        for n, p in self._params().items():
            if p.grad is not None:
                self._path[n].add_(-p.grad * (p.detach() - self._before[n]))
            self._before[n].copy_(p.detach())

    def after_task(self, sequence: TaskSequence, t: int) -> None:
        for n, p in self._params().items():
            change = p.detach() - self.anchor[n]
            self.omega[n] += self._path[n] / (change.pow(2) + self.epsilon)
            self.anchor[n] = p.detach().clone()
            self._path[n].zero_()
            key = n.replace(".", "_")
            self.register_buffer(f"omega_{key}", self.omega[n])
            self.register_buffer(f"anchor_{key}", self.anchor[n])
        self._has_omega = True

    def penalty(self) -> torch.Tensor | float:
        if not self._has_omega:
            return torch.zeros((), device=self.device)
        params = self._params()
        return self.si_c * sum((self.omega[n] * (params[n] - self.anchor[n]).pow(2)).sum() for n in params)
