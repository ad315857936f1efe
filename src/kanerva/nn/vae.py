"""The variational autoencoder baseline, Bernoulli pixels.

Kingma & Welling (2014), "Auto-encoding variational Bayes", ICLR: q(z | x) = N(mu(x), diag s(x)^2),
p(z) = N(0, I), p(x | z) = prod Bernoulli(sigmoid(decoder(z))); the bound
log p(x) >= E_q[log p(x | z)] - KL(q(z | x) || p(z)) (their eq. 3, KL in closed form, one
reparameterized sample). Encoder and decoder are those of the Kanerva Machines
(:mod:`kanerva.nn.networks`), so the comparison isolates the memory.
"""

from __future__ import annotations

import torch

from ._image_model import ImageModel
from .networks import GaussianHead, bernoulli_log_likelihood, gaussian_kl_standard, reparameterize


class VAE(ImageModel):
    """A VAE on 28x28 binary images.

    Parameters
    ----------
    encoder : {"mlp", "conv"}
        The encoder/decoder family shared with the machines.
    latent : int
        Code size.
    hidden : int
        Width of the encoder's features and the decoder's hidden layers.
    device : torch device, optional

    Examples
    --------
    >>> import numpy as np
    >>> from kanerva.datasets import load_mnist
    >>> _ = torch.manual_seed(0)
    >>> vae = VAE(encoder="mlp", latent=8, hidden=64)
    >>> images, _ = load_mnist("train")
    >>> history = vae.fit(images[:200], steps=20, episode=8, batch=4, progress=False)
    >>> x = torch.bernoulli(torch.from_numpy(images[:5] / 255.0).float())
    >>> tuple(vae.elbo(x).shape), tuple(vae.sample(3).shape)
    ((5,), (3, 28, 28))
    """

    kind = "vae"

    def __init__(self, encoder: str = "mlp", latent: int = 32, hidden: int = 256, device=None):
        super().__init__(encoder, latent, hidden)
        self.head = GaussianHead(self.config["hidden"], self.config["latent"])
        if device is not None:
            self.to(device)

    def encode(self, x: torch.Tensor):
        """Mean and log standard deviation of q(z | x) for images (N, 28, 28)."""
        return self.head(self.encoder(x.to(self.device, torch.float32)))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel probabilities (N, 28, 28) of codes (N, latent)."""
        return torch.sigmoid(self.decoder(z))

    def bound(self, x: torch.Tensor) -> dict:
        b, t = x.shape[:2]
        mu, log_std = self.head(self._features(x))
        z = reparameterize(mu, log_std)
        recon = bernoulli_log_likelihood(self._decode(z).reshape(b * t, 28, 28), x.reshape(b * t, 28, 28))
        return {"recon": recon.reshape(b, t), "kl": gaussian_kl_standard(mu, log_std),
                "kl_memory": torch.zeros(b, device=x.device)}

    def elbo(self, x: torch.Tensor, sample: bool = True) -> torch.Tensor:
        """Per-image ELBO in nats (N,) for binary images (N, 28, 28) (higher is better)."""
        x = x.to(self.device, torch.float32)
        mu, log_std = self.head(self.encoder(x))
        z = reparameterize(mu, log_std, sample)
        return bernoulli_log_likelihood(self.decoder(z), x) - gaussian_kl_standard(mu, log_std)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Pixel probabilities of ``n`` images decoded from codes drawn from p(z) = N(0, I)."""
        z = torch.randn(n, self.config["latent"], generator=generator).to(self.device)
        return self.decode(z)
