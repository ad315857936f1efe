"""The networks: the MLP classifier of van de Ven & Tolias (2019) and the VAE that DGR replays from.

- :class:`MLP`: fully connected ReLU layers (2 x 400 for split MNIST) and one linear output layer
  holding every head. With ``gates`` it is the context-dependent gating network of Masse, Grant &
  Freedman (2018, PNAS 115:E10467; XdG): each task silences its own random fraction of every
  hidden layer.
- :class:`VAE`: the variational autoencoder of Kingma & Welling (2014) with the classifier's
  layer sizes (784-400-400-z, z = 100, mirrored decoder), Bernoulli likelihood; the generator of
  deep generative replay (Shin et al. 2017) as set up by van de Ven & Tolias (2019, section 4).

Examples
--------
>>> import torch
>>> net = MLP(784, 10, hidden=(400, 400))
>>> net(torch.zeros(3, 784)).shape, sum(p.numel() for p in net.parameters())
(torch.Size([3, 10]), 478410)
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def _layers(sizes) -> nn.ModuleList:
    return nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))


class MLP(nn.Module):
    """ReLU layers, then one linear output layer over all heads.

    Parameters
    ----------
    input_dim, n_outputs : int
    hidden : tuple of int
        Units of each hidden layer.
    gates : tensor of bool, (n_contexts, sum(hidden)), optional
        XdG: where ``gates[c]`` is False, unit is silenced for context ``c`` (forward's
        ``task_ids``). None: no gating.

    Examples
    --------
    >>> import torch
    >>> gates = torch.tensor([[True, False, True, True], [False, True, True, True]])
    >>> net = MLP(3, 2, hidden=(2, 2), gates=gates)
    >>> net.hidden_activity(torch.ones(1, 3), torch.tensor([0]))[0][0, 1].item()
    0.0
    """

    def __init__(self, input_dim: int, n_outputs: int, hidden=(400, 400), gates: torch.Tensor | None = None):
        super().__init__()
        self.hidden = _layers([input_dim, *hidden])
        self.out = nn.Linear(hidden[-1] if hidden else input_dim, n_outputs)
        self.sizes = (int(input_dim), *map(int, hidden), int(n_outputs))
        if gates is not None:
            gates = torch.as_tensor(gates, dtype=torch.bool)
            if gates.ndim != 2 or gates.shape[1] != sum(hidden):
                raise ValueError(f"gates must have shape (contexts, {sum(hidden)}), got {tuple(gates.shape)}")
            self.register_buffer("gates", gates.float())
        else:
            self.gates = None

    def hidden_activity(self, x: torch.Tensor, task_ids: torch.Tensor | None = None,
                        start: int = 0) -> list[torch.Tensor]:
        """The activity of hidden layers ``start, start + 1, ...`` (after the gates), ``x`` being
        the input of layer ``start`` (the images for 0, layer ``start - 1``'s activity else)."""
        acts, offset = [], sum(layer.out_features for layer in self.hidden[:start])
        for layer in self.hidden[start:]:
            x = F.relu(layer(x))
            if self.gates is not None:
                if task_ids is None:
                    raise ValueError("this network gates its units by task (XdG): pass task_ids")
                x = x * self.gates[task_ids, offset:offset + layer.out_features]
                offset += layer.out_features
            acts.append(x)
        return acts

    def features(self, x: torch.Tensor, task_ids: torch.Tensor | None = None, start: int = 0) -> torch.Tensor:
        """The last hidden layer's activity."""
        acts = self.hidden_activity(x, task_ids, start)
        return acts[-1] if acts else x

    def forward(self, x: torch.Tensor, task_ids: torch.Tensor | None = None, start: int = 0) -> torch.Tensor:
        """Logits over every class of the head, one row per image (see :meth:`features`)."""
        return self.out(self.features(x, task_ids, start))


def xdg_gates(n_contexts: int, hidden, fraction: float, generator: torch.Generator) -> torch.Tensor:
    """Random XdG masks: in every hidden layer each context silences ``round(fraction * units)``
    units, drawn independently per context (Masse et al. 2018).

    Examples
    --------
    >>> import torch
    >>> g = xdg_gates(5, (400, 400), 0.9, torch.Generator().manual_seed(0))
    >>> g.shape, int(g[0, :400].sum()), int(g[3, 400:].sum())
    (torch.Size([5, 800]), 40, 40)
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"the gated fraction must be in [0, 1), got {fraction!r}")
    blocks = []
    for units in hidden:
        off = int(round(fraction * units))
        mask = torch.ones(n_contexts, units, dtype=torch.bool)
        for c in range(n_contexts):
            mask[c, torch.randperm(units, generator=generator)[:off]] = False
        blocks.append(mask)
    return torch.cat(blocks, dim=1)


class VAE(nn.Module):
    """Variational autoencoder with Bernoulli pixels (Kingma & Welling 2014).

    ``loss(x)`` is the negative ELBO per pixel (reconstruction cross-entropy summed over pixels
    plus the KL term, divided by the number of pixels, averaged over the batch), which puts it
    on the scale of a classification loss, as in van de Ven & Tolias (2019).

    Examples
    --------
    >>> import torch
    >>> _ = torch.manual_seed(0)
    >>> vae = VAE(784, hidden=(400, 400), z_dim=100)
    >>> vae.sample(2).shape, round(vae.loss(torch.rand(4, 784)).item(), 1)
    (torch.Size([2, 784]), 0.7)
    """

    def __init__(self, input_dim: int, hidden=(400, 400), z_dim: int = 100):
        super().__init__()
        self.encoder = _layers([input_dim, *hidden])
        self.to_z = nn.Linear(hidden[-1], 2 * z_dim)
        self.decoder = _layers([z_dim, *hidden[::-1]])
        self.to_x = nn.Linear(hidden[0], input_dim)
        self.z_dim = int(z_dim)
        self.input_dim = int(input_dim)

    def encode(self, x):
        for layer in self.encoder:
            x = F.relu(layer(x))
        mu, logvar = self.to_z(x).chunk(2, dim=1)
        return mu, logvar

    def decode_logits(self, z):
        for layer in self.decoder:
            z = F.relu(layer(z))
        return self.to_x(z)

    def loss(self, x: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
        """Negative ELBO per pixel, averaged over the batch (or weighted by ``weights``)."""
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        recon = F.binary_cross_entropy_with_logits(self.decode_logits(z), x, reduction="none").sum(1)
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)
        per_sample = (recon + kl) / self.input_dim
        return per_sample.mean() if weights is None else (per_sample * weights).sum() / weights.sum()

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` images: the decoder's pixel probabilities at z ~ N(0, I)."""
        device = self.to_x.weight.device
        z = torch.randn(n, self.z_dim, generator=generator, device=device)
        return torch.sigmoid(self.decode_logits(z))
