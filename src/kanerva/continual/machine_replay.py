"""Generative replay from a Kanerva Machine (Wu, Wayne, Graves & Lillicrap 2018), the memory of
:mod:`kanerva.nn`, in place of deep generative replay's VAE.

The machine trains beside the classifier on episodes of the current batch (``episode`` images
each, the pixel grey levels as Bernoulli targets, as DGR's VAE), mixed with episodes of its
previous self's samples (weighted ``1 - 1/t``). It replays from its generative model: the learned
prior memory p(M) (mean R₀, row covariance U₀), an address y ~ N(0, I), a code
z ~ N(wᵀR₀, σ²I) with w = Aᵀy, and the decoder's pixel probabilities — no stored example. The
previous classifier labels the samples (or distils its soft outputs with ``distill=True``), as in
DGR. Its bytes are the machine's parameters, compared with DGR's VAE at the same footing.

Examples
--------
>>> import torch
>>> from kanerva.continual.tasks import split_mnist
>>> _ = torch.manual_seed(0)
>>> seq = split_mnist("class", n_tasks=2, max_per_task=64)
>>> learner = KanervaMachineReplay(seq, hidden=(32,), latent=8, km_hidden=32, memory_rows=8, episode=8)
>>> learner.source.nbytes() == 4 * sum(p.numel() for p in learner.source.km.parameters())
True
>>> len(learner.fit(seq, iterations=4, batch_size=16)["accuracy"][-1])     # one accuracy per task
2
"""

from __future__ import annotations

import torch

from .learner import adam
from .replay import ReplayLearner, _TrainedGenerator
from .tasks import TaskSequence

SIDE = 28


class KanervaMachineGenerator(_TrainedGenerator):
    """A replay source (see :mod:`kanerva.continual.replay`) backed by a Kanerva Machine.

    Parameters
    ----------
    input_dim : int
        784: the machine reads 28 x 28 images.
    episode : int
        Images per written episode (T).
    latent, hidden, memory_rows, address_size :
        The machine's code size C, MLP width, memory rows K and address size S.
    lr : float
        Its own Adam's learning rate.
    device : str or torch.device
    """

    def __init__(self, input_dim: int, *, episode: int = 32, latent: int = 32, hidden: int = 256,
                 memory_rows: int = 32, address_size: int = 16, lr: float = 1e-3, device="cpu"):
        from ..nn import KanervaMachine  # torch room to torch room

        if input_dim != SIDE * SIDE:
            raise ValueError(f"the Kanerva Machine replays 28 x 28 images (input_dim 784), got input_dim {input_dim}")
        if isinstance(episode, bool) or not isinstance(episode, int) or episode < 1:
            raise ValueError(f"episode must be a positive integer, got {episode!r}")
        self.episode = episode
        self.km = self.model = KanervaMachine(latent=latent, hidden=hidden, memory_rows=memory_rows,
                                              address_size=address_size, device=device)
        self.optimizer = adam(self.km.parameters(), lr)
        self.previous = None

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Negative bound per pixel, over the batch cut into episodes (one if it is shorter)."""
        t = min(self.episode, len(x))
        n = len(x) // t * t
        episodes = x[:n].detach().clamp(0.0, 1.0).reshape(-1, t, SIDE, SIDE)
        loss, _ = self.km.training_loss(episodes)
        return loss / (SIDE * SIDE)

    def sample(self, n: int, generator: torch.Generator):
        prior = self.previous.memory.prior(1)
        return self.previous.sample(prior, n, generator).reshape(n, SIDE * SIDE), None, None


class KanervaMachineReplay(ReplayLearner):
    """Generative replay from a Kanerva Machine's prior memory (kanerva.nn) instead of a VAE;
    ``distill=True`` labels the samples with the previous model's soft outputs."""

    name = "km-replay"

    def __init__(self, sequence: TaskSequence, *, distill: bool = False, episode: int = 32, latent: int = 32,
                 km_hidden: int = 256, memory_rows: int = 32, km_lr: float = 1e-3, device="cpu", **kwargs):
        source = KanervaMachineGenerator(sequence.input_dim, episode=episode, latent=latent, hidden=km_hidden,
                                         memory_rows=memory_rows, lr=km_lr, device=device)
        super().__init__(sequence, source=source, distill=distill, device=device, **kwargs)
        self.generator_km = source.km  # a submodule, so that saving the learner keeps it
