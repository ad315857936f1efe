"""Replay: exact replay from a buffer, from the library's item memory, and generative replay.

Every replay method runs the same loop: each step, a batch drawn from a *replay source* joins the
current batch (weighted ``1 - 1/t``; van de Ven & Tolias 2019). A source follows one small
protocol, so a new memory or generator plugs in without touching the learner:

``before_task(sequence, t)``
    called before task ``t`` (a generator freezes the copy it will replay from);
``sample(n, generator) -> (x, y or None, task_ids or None)``
    ``n`` inputs to replay, with their labels and tasks when the source knows them (a buffer
    does; an unconditional generator does not, and the previous model labels its samples);
``observe(x, replay_x, t)``
    one learning step on the current batch and the replayed one (a generator learns to generate
    the current task while replaying its own samples of the old ones; buffers do nothing);
``after_task(sequence, t, generator)``
    after task ``t`` (a buffer stores some of its examples);
``nbytes()``
    the bytes the source keeps between tasks: the quantity replay methods are compared at.

Sources here: :class:`ExactBuffer` (the class-balanced buffer of experience replay; float32 as in
the reference code, or uint8), :class:`ItemMemoryBuffer` (the examples as packed bits in a
:class:`kanerva.index.ExactIndex` over :class:`kanerva.BSC` hypervectors: 113 bytes an MNIST
digit instead of 3,144) and :class:`VAEGenerator` (deep generative replay, Shin et al. 2017).
The Kanerva Machine of :mod:`kanerva.nn` (Wu, Wayne, Graves & Lillicrap 2018) plugs in as one
more generator: :class:`kanerva.continual.machine_replay.KanervaMachineGenerator` (method
``km-replay``).

Examples
--------
>>> import torch
>>> from kanerva.continual.tasks import split_mnist
>>> seq = split_mnist("class", n_tasks=2, max_per_task=100)
>>> buf = ExactBuffer(per_class=5)
>>> buf.after_task(seq, 0, torch.Generator().manual_seed(0))
>>> x, y, tasks = buf.sample(3, torch.Generator().manual_seed(1))
>>> x.shape, sorted(set(y.tolist()) | {0, 1}), buf.nbytes()
(torch.Size([3, 784]), [0, 1], 31440)
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from .learner import ContinualLearner, adam
from .models import VAE
from .tasks import TaskSequence


class _ClassBalanced:
    """Stores up to ``capacity`` examples, the same number per class seen (ties: earlier classes
    keep one more); a new class takes its share from the others, dropping their last-stored."""

    bytes_per_label = 8

    def __init__(self, per_class: int | None = None, budget_bytes: int | None = None):
        if (per_class is None) == (budget_bytes is None):
            raise ValueError("give the buffer's size as per_class or as budget_bytes (one of them)")
        for v, what in ((per_class, "per_class"), (budget_bytes, "budget_bytes")):
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1):
                raise ValueError(f"{what} must be an integer >= 1, got {v!r}")
        self.per_class = per_class
        self.budget_bytes = budget_bytes
        self.rows: dict[int, object] = {}       # class -> what _put returned, in storage order
        self.device = torch.device("cpu")

    def item_bytes(self, width: int) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def quota(self, n_classes: int, width: int) -> list[int]:
        if self.per_class is not None:
            return [self.per_class] * n_classes
        capacity = self.budget_bytes // self.item_bytes(width)
        if capacity < n_classes:
            raise ValueError(f"a budget of {self.budget_bytes} bytes holds {capacity} examples of "
                             f"{self.item_bytes(width)} bytes: fewer than the {n_classes} classes to keep")
        return [capacity // n_classes + (i < capacity % n_classes) for i in range(n_classes)]

    def before_task(self, sequence: TaskSequence, t: int) -> None:
        pass

    def observe(self, x, replay_x, t: int) -> None:
        pass

    def after_task(self, sequence: TaskSequence, t: int, generator: torch.Generator) -> None:
        task = sequence.tasks[t]
        self.device = task.x_train.device
        classes = sorted(set(self.rows) | set(task.classes))
        quota = dict(zip(classes, self.quota(len(classes), task.x_train.shape[1])))
        for c in list(self.rows):
            self._truncate(c, quota[c])
        for c in task.classes:
            where = torch.nonzero(task.y_train == c).flatten().cpu()
            pick = where[torch.randperm(len(where), generator=generator)[: quota[c]]]
            self._put(c, task.x_train[pick.to(task.x_train.device)])

    def sample(self, n: int, generator: torch.Generator):
        counts = torch.tensor([self._count(c) for c in sorted(self.rows)])
        if counts.sum() == 0:
            raise ValueError("the replay buffer is empty")
        flat = torch.randint(int(counts.sum()), (n,), generator=generator)
        ends = counts.cumsum(0)
        which = torch.searchsorted(ends, flat, right=True)
        within = flat - (ends - counts)[which]
        classes = torch.tensor(sorted(self.rows))[which]
        x = torch.empty(n, self._width(), device=self.device)
        for i, c in enumerate(sorted(self.rows)):
            sel = torch.nonzero(which == i).flatten()
            if len(sel):
                x[sel.to(self.device)] = self._get(c, within[sel])
        y = classes.to(self.device)
        return x, y, None  # the learner derives tasks from the labels


class ExactBuffer(_ClassBalanced):
    """Experience replay's buffer: stored training examples, class-balanced.

    Parameters
    ----------
    per_class : int, optional
        Examples kept per class (van de Ven's reference code: 100).
    budget_bytes : int, optional
        Or a total size in bytes, shared equally by the classes seen.
    dtype : {"float32", "uint8"}
        How the pixels are kept: as the network reads them (4 bytes), or as grey levels (1 byte).

    Examples
    --------
    >>> ExactBuffer(budget_bytes=31_440).quota(10, 784), ExactBuffer(per_class=1, dtype="uint8").item_bytes(784)
    ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 792)
    """

    def __init__(self, per_class: int | None = None, budget_bytes: int | None = None, dtype: str = "float32"):
        super().__init__(per_class, budget_bytes)
        if dtype not in ("float32", "uint8"):
            raise ValueError(f"dtype must be 'float32' or 'uint8', got {dtype!r}")
        self.dtype = dtype

    def item_bytes(self, width: int) -> int:
        return width * (4 if self.dtype == "float32" else 1) + self.bytes_per_label

    def _put(self, c, x):
        x = x.detach() if self.dtype == "float32" else torch.round(x.detach() * 255).to(torch.uint8)
        self.rows[c] = torch.cat([self.rows[c], x]) if c in self.rows else x.clone()

    def _truncate(self, c, k):
        self.rows[c] = self.rows[c][:k]

    def _count(self, c):
        return len(self.rows[c])

    def _width(self):
        return next(iter(self.rows.values())).shape[1]

    def _get(self, c, idx):
        x = self.rows[c][idx.to(self.rows[c].device)]
        return x if self.dtype == "float32" else x.float() / 255.0

    def nbytes(self) -> int:
        return sum(r.numel() * r.element_size() + len(r) * self.bytes_per_label for r in self.rows.values())


class ItemMemoryBuffer(_ClassBalanced):
    """Examples kept as packed-bit hypervectors in a :class:`kanerva.index.ExactIndex`.

    Each input is thresholded at ``threshold`` and stored as a :class:`kanerva.BSC` vector of
    one bit per pixel (784 bits = 13 uint64 words for MNIST) with an int64 id and an int16
    label: 114 bytes an example, 27.6 times fewer than a float32 buffer's 3,144, so that at the
    same budget in bytes it replays 27.6 times more examples (of binary pixels).

    Examples
    --------
    >>> ItemMemoryBuffer(per_class=1).item_bytes(784)
    114
    """

    bytes_per_label = 2

    def __init__(self, per_class: int | None = None, budget_bytes: int | None = None, threshold: float = 0.5):
        super().__init__(per_class, budget_bytes)
        self.threshold = float(threshold)
        self.index = None
        self.space = None
        self._next = 0

    def item_bytes(self, width: int) -> int:
        return 8 * ((width + 63) // 64) + 8 + self.bytes_per_label

    def _setup(self, width):
        if self.index is None:
            from ..index import ExactIndex
            from ..vsa import BSC

            self.space = BSC(width, seed=0)
            self.index = ExactIndex(self.space)

    def _put(self, c, x):
        self._setup(x.shape[1])
        bits = (x.detach().cpu().numpy() >= self.threshold).astype(np.uint8)
        ids = np.arange(self._next, self._next + len(bits), dtype=np.int64)
        self._next += len(bits)
        self.index.add(self.space.from_bits(bits), ids=ids)
        self.rows[c] = np.concatenate([self.rows[c], ids]) if c in self.rows else ids

    def _truncate(self, c, k):
        drop, self.rows[c] = self.rows[c][k:], self.rows[c][:k]
        if len(drop):
            self.index.remove(drop)

    def _count(self, c):
        return len(self.rows[c])

    def _width(self):
        return self.space.dim

    def _get(self, c, idx):
        words = self.index.vectors(self.rows[c][idx.cpu().numpy()])
        return torch.from_numpy(self.space.to_bits(words).astype(np.float32)).to(self.device)

    def nbytes(self) -> int:
        if self.index is None:
            return 0
        return int(self.index.vectors().nbytes + self.index.ids.nbytes + len(self.index) * self.bytes_per_label)


class _TrainedGenerator:
    """A generator trained beside the classifier on the current batch and on its previous self's
    samples (weighted ``1 - 1/t``, van de Ven & Tolias 2019), replaying from the copy frozen
    before each task. A subclass sets ``model`` and ``optimizer`` and defines ``loss`` and
    ``sample``."""

    model: torch.nn.Module

    def loss(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def before_task(self, sequence: TaskSequence, t: int) -> None:
        self.previous = copy.deepcopy(self.model).eval() if t > 0 else None

    def observe(self, x, replay_x, t: int) -> None:
        loss = self.loss(x)
        if replay_x is not None and t > 0:
            loss = loss / (t + 1) + self.loss(replay_x) * (t / (t + 1))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()

    def after_task(self, sequence: TaskSequence, t: int, generator: torch.Generator) -> None:
        pass

    def nbytes(self) -> int:
        return sum(p.numel() * p.element_size() for p in self.model.parameters())


class VAEGenerator(_TrainedGenerator):
    """Deep generative replay's generator: a VAE trained beside the classifier on the current
    task and on its own earlier self's samples (Shin et al. 2017; van de Ven & Tolias 2019).

    Parameters
    ----------
    input_dim : int
    hidden : tuple of int
        The VAE's layers (the classifier's: 400, 400).
    z_dim : int
        Latent units (100).
    lr : float
        Its own Adam's learning rate (0.001).
    device : str or torch.device

    Examples
    --------
    >>> gen = VAEGenerator(784)
    >>> gen.nbytes()    # four bytes a parameter: 1,069,784 of them
    4279136
    """

    def __init__(self, input_dim: int, hidden=(400, 400), z_dim: int = 100, lr: float = 1e-3, device="cpu"):
        self.vae = self.model = VAE(input_dim, hidden, z_dim).to(device)
        self.optimizer = adam(self.vae.parameters(), lr)
        self.previous = None

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        return self.vae.loss(x)

    def sample(self, n: int, generator: torch.Generator):
        return self.previous.sample(n), None, None


class ReplayLearner(ContinualLearner):
    """A classifier that replays from a source (see the module docstring for the protocol).

    Replayed examples with labels (buffers) are scored against their labels on every class
    seen so far; examples without (generators) are labelled by the model as it was before the
    task, with its most likely class (``distill=False``, DGR) or its softened outputs
    (``distill=True``, DGR + distillation; temperature 2).
    """

    name = "replay"

    def __init__(self, sequence: TaskSequence, *, source, distill: bool = False, temperature: float = 2.0, **kwargs):
        super().__init__(sequence, **kwargs)
        for hook in ("before_task", "sample", "observe", "after_task", "nbytes"):
            if not callable(getattr(source, hook, None)):
                raise TypeError(f"a replay source needs a method {hook}(); {type(source).__name__} has none")
        self.source = source
        self.distill = bool(distill)
        self.temperature = float(temperature)
        self.teacher = None
        self._replay_x = None

    def before_task(self, sequence: TaskSequence, t: int) -> None:
        self.source.before_task(sequence, t)
        self.set_teacher(self.frozen_copy() if t > 0 else None)
        self._replay_x = None

    def replay_loss(self, x, sequence: TaskSequence, t: int, n: int, generator):
        xr, yr, task_r = self.source.sample(n, generator)
        self._replay_x = xr
        if yr is None:
            return self.teacher_loss(xr, sequence, t, self.teacher, soft=self.distill,
                                     task_ids=task_r, temperature=self.temperature)
        task_r = sequence.task_of(yr) if task_r is None else task_r
        logits = self.classifier(xr)
        return torch.nn.functional.cross_entropy(sequence.head_logits(logits, task_r, t), sequence.target(yr))

    def observe(self, x, y, task_ids, t: int) -> None:
        self.source.observe(x, self._replay_x, t)

    def after_task(self, sequence: TaskSequence, t: int) -> None:
        self.source.after_task(sequence, t, self._generator)

    def fit(self, sequence, *args, seed: int = 0, **kwargs):
        self._generator = torch.Generator().manual_seed(int(seed) + 7919)
        return super().fit(sequence, *args, seed=seed, **kwargs)

    def memory_bytes(self) -> int:
        return int(self.source.nbytes())


class ExactReplay(ReplayLearner):
    """Experience replay from a class-balanced buffer of stored examples (100 per class)."""

    name = "exact-replay"

    def __init__(self, sequence: TaskSequence, *, per_class: int | None = None, budget_bytes: int | None = None,
                 dtype: str = "float32", **kwargs):
        per_class = 100 if per_class is None and budget_bytes is None else per_class
        super().__init__(sequence, source=ExactBuffer(per_class, budget_bytes, dtype), **kwargs)


class ItemMemoryReplay(ReplayLearner):
    """Exact replay from the library's item memory: examples as packed bits in an ExactIndex.

    The default budget is the float32 buffer's of :class:`ExactReplay` (100 examples a class,
    3,144,000 bytes for ten classes) spent on packed bits: enough for 27,578 MNIST digits, so it
    keeps every training digit of split MNIST (8,004: 912,456 bytes). Compare the two at equal
    bytes with ``budget_bytes``."""

    name = "item-memory"

    def __init__(self, sequence: TaskSequence, *, per_class: int | None = None, budget_bytes: int | None = None,
                 threshold: float = 0.5, **kwargs):
        if per_class is None and budget_bytes is None:
            budget_bytes = 100 * sequence.n_classes * (4 * sequence.input_dim + 8)
        super().__init__(sequence, source=ItemMemoryBuffer(per_class, budget_bytes, threshold), **kwargs)


class GenerativeReplay(ReplayLearner):
    """Deep generative replay: a VAE (or any generator following the protocol) replays the old
    tasks; ``distill=True`` gives DGR + distillation."""

    name = "dgr"

    def __init__(self, sequence: TaskSequence, *, source=None, distill: bool = False, z_dim: int = 100,
                 hidden=(400, 400), lr: float = 1e-3, device="cpu", **kwargs):
        if source is None:
            source = VAEGenerator(sequence.input_dim, hidden, z_dim, lr, device)
        super().__init__(sequence, source=source, distill=distill, hidden=hidden, lr=lr, device=device, **kwargs)
        if isinstance(source, VAEGenerator):
            self.generator_vae = source.vae   # a submodule, so that saving the learner keeps it
        self.name = "dgr-distill" if distill else "dgr"
