"""The encoder and decoder every image model shares, and the Bernoulli likelihood.

Two families, chosen by name so that the VAE and the machines get the same networks:

- ``"mlp"``: 784 -> hidden -> hidden (ReLU) features; the decoder mirrors it to 784 logits.
- ``"conv"``: two stride-2 4x4 convolutions (32 and 64 channels, 28 -> 14 -> 7), then a linear
  layer to ``hidden`` features; the decoder is a linear layer to 64x7x7 and two transposed
  convolutions back to 28x28 logits (a small version of the DCGAN-style networks of the papers).

The encoder returns features, not a distribution: each model puts its own heads on top (a
Gaussian over the code for the VAE, addressing and code posteriors for the machines).

Pixels are Bernoulli: ``log p(x | z) = sum_pixels x log sigmoid(l) + (1 - x) log sigmoid(-l)``.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

ARCHITECTURES = ("mlp", "conv")
PIXELS = 28 * 28


def _check_architecture(name: str) -> str:
    if name not in ARCHITECTURES:
        raise ValueError(f"encoder must be one of {ARCHITECTURES}, got {name!r}")
    return name


class Encoder(nn.Module):
    """Images (N, 28, 28) in [0, 1] -> features (N, hidden).

    Examples
    --------
    >>> enc = Encoder("conv", hidden=64)
    >>> tuple(enc(torch.zeros(5, 28, 28)).shape)
    (5, 64)
    """

    def __init__(self, architecture: str = "mlp", hidden: int = 256):
        super().__init__()
        self.architecture = _check_architecture(architecture)
        if architecture == "mlp":
            self.net = nn.Sequential(nn.Flatten(), nn.Linear(PIXELS, hidden), nn.ReLU(),
                                     nn.Linear(hidden, hidden), nn.ReLU())
        else:
            self.net = nn.Sequential(nn.Unflatten(1, (1, 28)), nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(),
                                     nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(), nn.Flatten(),
                                     nn.Linear(64 * 7 * 7, hidden), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Features (N, hidden) of images ``x`` (..., 28, 28), flattened to N images."""
        return self.net(x.reshape(-1, 28, 28) if self.architecture == "conv" else x.reshape(-1, PIXELS))


class Decoder(nn.Module):
    """Codes (N, latent) -> pixel logits (N, 28, 28).

    Examples
    --------
    >>> dec = Decoder("mlp", latent=8, hidden=32)
    >>> tuple(dec(torch.zeros(3, 8)).shape)
    (3, 28, 28)
    """

    def __init__(self, architecture: str = "mlp", latent: int = 32, hidden: int = 256):
        super().__init__()
        self.architecture = _check_architecture(architecture)
        if architecture == "mlp":
            self.net = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, PIXELS))
        else:
            self.net = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, 64 * 7 * 7), nn.ReLU(),
                                     nn.Unflatten(1, (64, 7, 7)), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
                                     nn.ConvTranspose2d(32, 1, 4, 2, 1))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Bernoulli logits (N, 28, 28) of codes ``z`` (..., latent), flattened to N codes."""
        return self.net(z).reshape(-1, 28, 28)


class GaussianHead(nn.Module):
    """Features -> (mean, log standard deviation) of a diagonal Gaussian.

    >>> mu, log_std = GaussianHead(4, 2)(torch.zeros(3, 4))
    >>> tuple(mu.shape), tuple(log_std.shape)
    ((3, 2), (3, 2))
    """

    def __init__(self, features: int, size: int):
        super().__init__()
        self.linear = nn.Linear(features, 2 * size)

    def forward(self, h: torch.Tensor):
        """Mean and log standard deviation (clamped to [-8, 4]) of the Gaussian for features ``h``."""
        mu, log_std = self.linear(h).chunk(2, dim=-1)
        return mu, log_std.clamp(-8.0, 4.0)


def bernoulli_log_likelihood(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Sum over pixels of log Bernoulli(x | sigmoid(logits)), one value per image.

    >>> round(bernoulli_log_likelihood(torch.zeros(1, 28, 28), torch.ones(1, 28, 28)).item(), 2) == round(-784 * math.log(2), 2)
    True
    """
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(-1)


def gaussian_kl_standard(mu: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """KL( N(mu, exp(log_std)^2) || N(0, I) ), summed over the last axis.

    >>> gaussian_kl_standard(torch.zeros(2, 3), torch.zeros(2, 3)).tolist()
    [0.0, 0.0]
    """
    return 0.5 * (mu.pow(2) + torch.exp(2 * log_std) - 1.0 - 2 * log_std).sum(-1)


def gaussian_entropy(log_std: torch.Tensor) -> torch.Tensor:
    """Entropy of a diagonal Gaussian, summed over the last axis.

    >>> round(gaussian_entropy(torch.zeros(1, 1)).item(), 4) == round(0.5 * math.log(2 * math.pi * math.e), 4)
    True
    """
    return (log_std + 0.5 * math.log(2 * math.pi * math.e)).sum(-1)


def reparameterize(mu: torch.Tensor, log_std: torch.Tensor, sample: bool = True) -> torch.Tensor:
    """``mu + exp(log_std) * eps`` with eps ~ N(0, I) (or ``mu`` when ``sample`` is False).

    >>> reparameterize(torch.ones(2), torch.zeros(2), sample=False).tolist()
    [1.0, 1.0]
    """
    return mu + torch.exp(log_std) * torch.randn_like(mu) if sample else mu
