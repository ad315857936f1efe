"""Brain-inspired replay (BI-R): van de Ven, Siegelmann & Tolias (2020), Nature Communications 11:4069.

Generative replay with five changes inspired by how the brain replays (paper, Fig. 2):

- **replay-through-feedback**: no separate generator; the classifier's own encoder is the VAE's
  encoder, and a decoder on top of it generates (the feedback connections of the cortex);
- **conditional replay**: the VAE's prior is a mixture of Gaussians, one learnable mode per class,
  so it replays a chosen class (``KL(q(z|x) || N(mu_y, sigma_y^2))`` for an example of class y);
- **gating based on internal context**: each class silences its own random fraction
  (``gating``, 0.8 in the paper's split-MNIST runs) of the decoder's hidden units, in training and
  in replay (per task in domain-IL, where a class does not name its task);
- **internal replay**: the decoder generates the activity of hidden layer ``internal`` instead of
  pixels, and the replayed activity enters the classifier there; the layers below are frozen
  after the first task (the paper freezes pre-trained convolutional layers; an MLP on MNIST has
  none, and ``internal=0``, replay of pixels, is the default, as in the reference code for split
  MNIST);
- **distillation**: replayed examples are labelled with the previous model's softened outputs.

Examples
--------
>>> import torch
>>> from kanerva.continual.tasks import split_mnist
>>> seq = split_mnist("class", n_tasks=2, max_per_task=100)
>>> bir = BrainInspiredReplay(seq, hidden=(32, 32), z_dim=8)
>>> x, c = bir.generate(torch.tensor([0, 1, 1]))
>>> x.shape, c.tolist()
(torch.Size([3, 784]), [0, 1, 1])
"""

from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn import functional as F

from .learner import ContinualLearner, adam, distillation_loss
from .models import xdg_gates
from .tasks import TaskSequence


class BrainInspiredReplay(ContinualLearner):
    """BI-R: a classifier whose encoder doubles as a class-conditional, gated VAE that replays.

    Parameters
    ----------
    sequence : TaskSequence
    z_dim : int
        Latent units (100).
    gating : float
        Fraction of the decoder's hidden units each class (task in domain-IL) silences (0.8).
    internal : int
        0: replay pixels; k >= 1: replay the activity of hidden layer k, freezing layers below
        it after the first task.
    temperature : float
        Distillation temperature (2).
    gate_seed : int
    hidden, lr, device
        As for every learner.
    """

    name = "bi-r"

    def __init__(self, sequence: TaskSequence, *, z_dim: int = 100, gating: float = 0.8, internal: int = 0,
                 temperature: float = 2.0, gate_seed: int = 0, hidden=(400, 400), **kwargs):
        super().__init__(sequence, hidden=hidden, **kwargs)
        hidden = tuple(int(h) for h in hidden)
        if not 0 <= internal < len(hidden):
            raise ValueError(f"internal must be between 0 and {len(hidden) - 1} (a hidden layer), got {internal!r}")
        self.internal, self.temperature = int(internal), float(temperature)
        self.k = sequence.classes_per_task
        self.by_task = sequence.scenario == "domain"
        n_contexts = len(sequence) if self.by_task else sequence.n_classes
        out_dim = sequence.input_dim if internal == 0 else hidden[internal - 1]
        dec = [z_dim, *hidden[::-1][: len(hidden) - internal]]
        self.to_z = nn.Linear(hidden[-1], 2 * z_dim)
        self.decoder = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dec[:-1], dec[1:]))
        self.to_x = nn.Linear(dec[-1], out_dim)
        self.register_buffer("dec_gates", xdg_gates(n_contexts, dec[1:], gating,
                                                    torch.Generator().manual_seed(int(gate_seed))).float())
        self.prior_mean = nn.Parameter(torch.randn(sequence.n_classes, z_dim))
        self.prior_logvar = nn.Parameter(torch.zeros(sequence.n_classes, z_dim))
        self.z_dim, self.out_dim = int(z_dim), int(out_dim)
        self.teacher = None
        self.to(self.device)
        self.optimizer = adam(self.trainable_parameters(), self.lr)

    def trainable_parameters(self):
        return [p for p in self.parameters() if p.requires_grad]

    def memory_bytes(self) -> int:
        gen = [self.to_z, *self.decoder, self.to_x]
        return sum(p.numel() * p.element_size() for m in gen for p in m.parameters()) + \
            (self.prior_mean.numel() + self.prior_logvar.numel()) * 4

    # ---- the VAE ---------------------------------------------------------------------------

    def _entry(self, x):
        """The input as the decoder reconstructs it: pixels, or the activity of layer ``internal``."""
        if self.internal == 0:
            return x
        return self.classifier.hidden_activity(x)[self.internal - 1]

    def _decode(self, z, classes):
        contexts = torch.div(classes, self.k, rounding_mode="floor") if self.by_task else classes
        h, offset = z, 0
        for layer in self.decoder:
            h = F.relu(layer(h))
            h = h * self.dec_gates[contexts, offset:offset + layer.out_features]
            offset += layer.out_features
        return self.to_x(h)

    def _vae_loss(self, entry, h_top, classes):
        mu, logvar = self.to_z(h_top).chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        out = self._decode(z, classes)
        if self.internal == 0:
            recon = F.binary_cross_entropy_with_logits(out, entry, reduction="none").sum(1)
        else:
            recon = (F.relu(out) - entry.detach()).pow(2).sum(1)
        pm, plv = self.prior_mean[classes], self.prior_logvar[classes]
        kl = 0.5 * (plv - logvar + (logvar.exp() + (mu - pm).pow(2)) / plv.exp() - 1).sum(1)
        return ((recon + kl) / self.out_dim).mean()

    @torch.no_grad()
    def generate(self, classes: torch.Tensor, model: BrainInspiredReplay | None = None):
        """Replayed inputs of the given classes (pixels, or layer-``internal`` activity), from
        ``model`` (default: this one): z from the class's prior mode, decoded through its gates."""
        model = self if model is None else model
        classes = classes.to(model.prior_mean.device)
        z = model.prior_mean[classes] + torch.randn(len(classes), model.z_dim, device=classes.device) * \
            torch.exp(0.5 * model.prior_logvar[classes])
        out = model._decode(z, classes)
        return (torch.sigmoid(out) if model.internal == 0 else F.relu(out)), classes

    # ---- the loop's hooks ------------------------------------------------------------------

    def _encode(self, entry):
        acts = self.classifier.hidden_activity(entry, start=self.internal)
        return acts[-1]

    def current_loss(self, x, y, task_ids, sequence: TaskSequence, t: int) -> torch.Tensor:
        entry = self._entry(x)
        h = self._encode(entry)
        logits = self.classifier.out(h)
        cls = F.cross_entropy(sequence.head_logits(logits, task_ids, t), sequence.target(y))
        return cls + self._vae_loss(entry, h, y)

    def before_task(self, sequence: TaskSequence, t: int) -> None:
        self.set_teacher(None)
        if t > 0:
            optimizer, self.optimizer = self.optimizer, None   # the copy needs no optimizer state
            try:
                self.set_teacher(copy.deepcopy(self).eval())
            finally:
                self.optimizer = optimizer
            for p in self.teacher.parameters():
                p.requires_grad_(False)
        if t == 1 and self.internal > 0:   # freeze the layers below the replayed one
            for layer in self.classifier.hidden[: self.internal]:
                for p in layer.parameters():
                    p.requires_grad_(False)

    def replay_loss(self, x, sequence: TaskSequence, t: int, n: int, generator) -> torch.Tensor:
        classes = torch.randint(t * self.k, (n,), generator=generator).to(self.device)
        entry, classes = self.generate(classes, model=self.teacher)
        task_ids = torch.div(classes, self.k, rounding_mode="floor")
        with torch.no_grad():
            old = self.teacher.classifier(entry, start=self.internal)
        h = self._encode(entry)
        new = self.classifier.out(h)
        if sequence.scenario == "class":   # every class so far; the new ones get target probability zero
            _, hi = sequence.train_units(t)
            _, old_hi = sequence.train_units(t - 1)
            dist = distillation_loss(new[:, :hi], old[:, :old_hi], self.temperature)
        else:
            dist = distillation_loss(sequence.head_logits(new, task_ids, t - 1),
                                     sequence.head_logits(old, task_ids, t - 1), self.temperature)
        return dist + self._vae_loss(entry, h, classes)
