"""The Dynamic Kanerva Machine: least-squares addressing and attractor reading.

Wu, Wayne, Lillicrap et al. (2018), "Learning attractor dynamics for generative memory", NeurIPS.
The memory is the Kanerva Machine's (M ~ MN(R0, U0, I), z ~ N(w^T M, sigma^2 I)) but the
addressing weights are latent variables with prior p(w) = N(0, sigma_w^2 I) and approximate
posterior q(w | z, M) = N(w*, s_w^2 I) centred on the least-squares solution
w* = argmin_w ||z - w^T R||^2 / sigma^2 + ||w||^2 / sigma_w^2 (their eq. 5-6). Codes come from the
encoder alone, q(z_t | x_t); the episode is written code by code, each addressed against the
memory written so far (their section 3.2). The bound of an episode is

    sum_t { E log p(x_t | z_t) + E log p(z_t | w_t, M) + H[q(z_t | x_t)] - KL(q(w_t) || p(w_t)) }
    - KL(q(M | Z) || p(M)),

with E_M in closed form. Reading iterates x -> z = mean q(z | x) -> w* -> z' = w*^T R -> x = decoder
(their section 3.4); the energy E(x) = min_w [||z - w^T R||^2 / (2 sigma^2) + ||w||^2 / (2 sigma_w^2)],
the negative log of p(z, w* | R) up to a constant, is the likelihood-based Lyapunov function that
this iteration lowers (it is exactly minimised in w, and the reconstruction moves z towards the
memory's span).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ._image_model import ImageModel, positive
from .memory import GaussianMemory, MemoryState
from .networks import GaussianHead, bernoulli_log_likelihood, gaussian_entropy, reparameterize


class DynamicKanervaMachine(ImageModel):
    """The Dynamic Kanerva Machine (Wu et al. 2018b) on 28x28 binary images.

    Parameters
    ----------
    encoder : {"mlp", "conv"}
    latent : int
        C, code size (memory columns).
    hidden : int
    memory_rows : int
        K, memory rows.
    w_prior_std : float
        sigma_w, the standard deviation of p(w).
    device : torch device, optional

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> dkm = DynamicKanervaMachine(latent=8, hidden=32, memory_rows=6)
    >>> x = torch.bernoulli(torch.full((1, 5, 28, 28), 0.3))
    >>> memory = dkm.write(x)
    >>> reads = dkm.read(x[0], memory, iterations=3, trace=True)
    >>> len(reads), tuple(reads[-1].shape), tuple(dkm.energy(x[0], memory).shape)
    (4, (5, 28, 28), (5,))
    """

    kind = "dkm"

    def __init__(self, encoder: str = "mlp", latent: int = 32, hidden: int = 256, memory_rows: int = 32,
                 w_prior_std: float = 1.0, device=None):
        super().__init__(encoder, latent, hidden)
        if not (isinstance(w_prior_std, (int, float)) and math.isfinite(w_prior_std) and w_prior_std > 0):
            raise ValueError(f"w_prior_std must be a positive number, got {w_prior_std!r}")
        self.config.update(memory_rows=positive(memory_rows, "memory_rows"), w_prior_std=float(w_prior_std))
        self.memory = GaussianMemory(rows=memory_rows, code=self.config["latent"])
        self.code_head = GaussianHead(self.config["hidden"], self.config["latent"])   # q(z | x)
        self.log_w_std = nn.Parameter(torch.tensor(math.log(0.3)))                     # s_w of q(w)
        if device is not None:
            self.to(device)

    def _write_codes(self, z: torch.Tensor) -> MemoryState:
        """Write codes (B, T, C) one by one, each addressed against the memory written so far."""
        state = self.memory.prior(z.shape[0])
        for t in range(z.shape[1]):
            zt = z[:, t : t + 1]
            state = self.memory.write(state, zt, self.memory.solve_weights(state, zt, self.config["w_prior_std"]))
        return state

    def bound(self, x: torch.Tensor) -> dict:
        mu, log_std = self.code_head(self._features(x))
        z = reparameterize(mu, log_std)
        state = self._write_codes(z)
        w_mu = self.memory.solve_weights(state, z, self.config["w_prior_std"])
        s_w = torch.exp(self.log_w_std.clamp(-6.0, 2.0))
        w = w_mu + s_w * torch.randn_like(w_mu)
        sw0 = self.config["w_prior_std"]
        k = self.config["memory_rows"]
        kl_w = 0.5 * (k * s_w**2 / sw0**2 + w_mu.pow(2).sum(-1) / sw0**2 - k + 2 * k * (math.log(sw0) - torch.log(s_w)))
        log_pz = self.memory.expected_log_likelihood(state, z, w)
        b, t = x.shape[:2]
        recon = bernoulli_log_likelihood(self._decode(z).reshape(b * t, 28, 28), x.reshape(b * t, 28, 28))
        kl = kl_w - log_pz - gaussian_entropy(log_std)
        return {"recon": recon.reshape(b, t), "kl": kl, "kl_memory": self.memory.kl(state)}

    def write(self, images) -> MemoryState:
        """q(M | X) after writing episodes of binary images (T, 28, 28) or (B, T, 28, 28) (code means)."""
        with torch.no_grad():
            return self._write_codes(self.code_head(self._features(self.as_episodes(images)))[0])

    @torch.no_grad()
    def _code_and_weights(self, x: torch.Tensor, memory: MemoryState):
        z = self.code_head(self._features(x))[0]
        return z, self.memory.solve_weights(memory, z, self.config["w_prior_std"])

    @torch.no_grad()
    def energy(self, queries, memory: MemoryState) -> torch.Tensor:
        """The Lyapunov energy of each query, min_w ||z - w^T R||^2/(2 sigma^2) + ||w||^2/(2 sigma_w^2)
        with z the mean code of the query: shape (T,) for queries (T, 28, 28), (B, T) for (B, T, 28, 28)."""
        single = torch.as_tensor(queries).ndim == 3
        z, w = self._code_and_weights(self.as_episodes(queries, "queries"), memory)
        sq = (z - self.memory.read_mean(memory, w)).pow(2).sum(-1)
        energy = 0.5 * sq / self.memory.noise_var + 0.5 * w.pow(2).sum(-1) / self.config["w_prior_std"] ** 2
        return energy[0] if single else energy

    @torch.no_grad()
    def _read_once(self, x: torch.Tensor, memory: MemoryState) -> torch.Tensor:
        _, w = self._code_and_weights(x, memory)
        return torch.sigmoid(self._decode(self.memory.read_mean(memory, w)))

    def read(self, queries, memory: MemoryState, iterations: int = 1, trace: bool = False):
        """Read images for ``queries`` (T, 28, 28) from a memory of one episode, or (B, T, 28, 28)
        from B memories, ``iterations`` times, each feeding the previous read (pixel
        probabilities) back as the query. Returns pixel probabilities shaped like ``queries``, or
        with ``trace`` the list [queries, read 1, ..., read n]."""
        return self._iterate(queries, memory, iterations, trace)

    @torch.no_grad()
    def sample(self, memory: MemoryState, n: int, iterations: int = 0,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` images from the memory-conditional prior: w ~ N(0, sigma_w^2 I), z = w^T R +
        sigma eps, decoded; then ``iterations`` steps of iterative reading (the attractor
        sampling of the paper). Pixel probabilities (n, 28, 28), first memory of the batch."""
        state = memory.episode(0)
        w = self.config["w_prior_std"] * torch.randn(1, n, self.config["memory_rows"], generator=generator)
        z = self.memory.read_mean(state, w.to(self.device))
        z = z + self.memory.noise_var.sqrt() * torch.randn(z.shape, generator=generator).to(self.device)
        x = torch.sigmoid(self._decode(z))
        for _ in range(iterations):
            x = self._read_once(x, state)
        return x[0]
