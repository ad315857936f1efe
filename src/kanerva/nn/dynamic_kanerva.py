"""The Dynamic Kanerva Machine: least-squares addressing and attractor reading.

Wu, Wayne, Gregor & Lillicrap (2018), "Learning attractor dynamics for generative memory",
NeurIPS. The generative model of an episode is p(M) prod_t p(w_t) p(x_t | w_t, M): the Kanerva
Machine's memory M ~ MN(R0, U0, I), addressing weights w_t ~ N(0, sigma_w^2 I) (no learned keys)
and Bernoulli pixels decoded from the read w_t^T M (their figure 1: "z is omitted since the
deterministic embedding of x does not affect the graphical model").

Inference (their section 3): the encoder gives a deterministic embedding e(x_t); the episode is
written embedding by embedding, each treated as an observation of w^T M with noise sigma and
addressed by least squares against the memory written so far, giving q(M | X) by the Bayesian
update; the weights' posterior is q(w_t | x_t, M) = N(w*_t, s_w^2 I) centred on
w* = argmin_w ||e(x) - w^T R||^2 / sigma^2 + ||w||^2 / sigma_w^2 (their eq. 5-6). The bound of an
episode is

    sum_t { E_{q(w_t) q(M|X)} log p(x_t | w_t, M) - KL(q(w_t) || p(w_t)) } - KL(q(M | X) || p(M)),

with w^T M drawn as N(w^T R, w^T U w I). The decoder learns to decode memory reads, so reading is
the trained pathway: iterative reading x -> e(x) -> w* -> w*^T R -> x = decoder (their section
3.4) pulls a corrupted query towards a written image. The energy
E(x) = min_w [||e(x) - w^T R||^2 / (2 sigma^2) + ||w||^2 / (2 sigma_w^2)], the negative log of
p(e(x), w* | R) up to a constant, is the likelihood-based Lyapunov function of the paper: how far
the query's embedding is from what the memory can produce.

Training maximises the bound plus, as in the paper's training objective, the autoencoder
log-likelihood log p(x | z = e(x)) of decoding the embedding itself (weight ``autoencoder_weight``),
which keeps the embedding informative and the decoder able to decode it; the reported bound
leaves that term out.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ._image_model import ImageModel, objective_name, positive
from .memory import GaussianMemory, MemoryState
from .networks import bernoulli_log_likelihood


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
    autoencoder_weight : float
        Weight of the autoencoder term log p(x | e(x)) added to the bound in training (0: the bound alone).
    objective : {"bound", "reference"}
        "bound" (default): the memory read as q(M) (w^T M drawn with variance w^T U w) and charged
        its exact KL; "reference": read at its mean and charged the diagonal-covariance KL, as the
        DeepMind module does (see :class:`KanervaMachine`).
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
                 w_prior_std: float = 1.0, autoencoder_weight: float = 1.0, objective: str = "bound", device=None):
        super().__init__(encoder, latent, hidden)
        if not (isinstance(w_prior_std, (int, float)) and math.isfinite(w_prior_std) and w_prior_std > 0):
            raise ValueError(f"w_prior_std must be a positive number, got {w_prior_std!r}")
        if not (isinstance(autoencoder_weight, (int, float)) and math.isfinite(autoencoder_weight)
                and autoencoder_weight >= 0):
            raise ValueError(f"autoencoder_weight must be a number >= 0, got {autoencoder_weight!r}")
        self.config.update(memory_rows=positive(memory_rows, "memory_rows"), w_prior_std=float(w_prior_std),
                           autoencoder_weight=float(autoencoder_weight), objective=objective_name(objective))
        self.memory = GaussianMemory(rows=memory_rows, code=self.config["latent"])
        self.embed_head = nn.Linear(self.config["hidden"], self.config["latent"])    # e(x)
        self.log_w_std = nn.Parameter(torch.tensor(math.log(0.3)))                     # s_w of q(w)
        if device is not None:
            self.to(device)

    def _write_codes(self, z: torch.Tensor) -> MemoryState:
        """Write embeddings (B, T, C) one by one, each addressed against the memory written so far."""
        state = self.memory.prior(z.shape[0])
        for t in range(z.shape[1]):
            zt = z[:, t : t + 1]
            state = self.memory.write(state, zt, self.memory.solve_weights(state, zt, self.config["w_prior_std"]))
        return state

    def bound(self, x: torch.Tensor, objective: str | None = None) -> dict:
        reference = (objective or self.config["objective"]) == "reference"
        e = self.embed_head(self._features(x))
        state = self._write_codes(e)
        w_prior = self.config["w_prior_std"]
        w_mu = self.memory.solve_weights(state, e, w_prior)
        s_w = torch.exp(self.log_w_std.clamp(-6.0, 2.0))
        w = w_mu + s_w * torch.randn_like(w_mu)
        z = self.memory.read_mean(state, w)
        if not reference:  # M ~ q(M): the read w^T M has variance w^T U w
            z = z + torch.sqrt(self.memory.read_var(state, w).clamp(min=0)).unsqueeze(-1) * torch.randn_like(e)
        k = self.config["memory_rows"]
        kl_w = 0.5 * (k * s_w**2 / w_prior**2 + w_mu.pow(2).sum(-1) / w_prior**2 - k
                      + 2 * k * (math.log(w_prior) - torch.log(s_w)))
        b, t = x.shape[:2]
        recon = bernoulli_log_likelihood(self._decode(z).reshape(b * t, 28, 28), x.reshape(b * t, 28, 28))
        kl_memory = self.memory.kl(state)
        terms = {"recon": recon.reshape(b, t), "kl": kl_w, "kl_memory": kl_memory,
                 "kl_memory_objective": self.memory.kl(state, diagonal=True) if reference else kl_memory}
        if self.training and self.config["autoencoder_weight"] > 0:
            ae = bernoulli_log_likelihood(self._decode(e).reshape(b * t, 28, 28), x.reshape(b * t, 28, 28))
            terms["autoencoder"] = ae.reshape(b, t)
        return terms

    def training_loss(self, x: torch.Tensor):
        """The negative training objective plus the weighted negative autoencoder log-likelihood,
        per image."""
        loss, terms = super().training_loss(x)
        if "autoencoder" in terms:
            loss = loss - self.config["autoencoder_weight"] * terms["autoencoder"].mean()
        return loss, terms

    def write(self, images) -> MemoryState:
        """q(M | X) after writing episodes of binary images (T, 28, 28) or (B, T, 28, 28)."""
        with torch.no_grad():
            return self._write_codes(self.embed_head(self._features(self.as_episodes(images))))

    @torch.no_grad()
    def _code_and_weights(self, x: torch.Tensor, memory: MemoryState):
        z = self.embed_head(self._features(x))
        return z, self.memory.solve_weights(memory, z, self.config["w_prior_std"])

    @torch.no_grad()
    def energy(self, queries, memory: MemoryState) -> torch.Tensor:
        """The Lyapunov energy of each query, min_w ||z - w^T R||^2/(2 sigma^2) + ||w||^2/(2 sigma_w^2)
        with z the embedding of the query: shape (T,) for queries (T, 28, 28), (B, T) for (B, T, 28, 28)."""
        single = torch.as_tensor(queries).ndim == 3
        z, w = self._code_and_weights(self.as_episodes(queries, "queries"), memory)
        sq = (z - self.memory.read_mean(memory, w)).pow(2).sum(-1)
        energy = 0.5 * sq / self.memory.noise_var + 0.5 * w.pow(2).sum(-1) / self.config["w_prior_std"] ** 2
        return energy[0] if single else energy

    @torch.no_grad()
    def _read_once(self, x: torch.Tensor, memory: MemoryState) -> torch.Tensor:
        _, w = self._code_and_weights(x, memory)
        return torch.sigmoid(self._decode(self.memory.read_mean(memory, w)))

    def read(self, queries, memory: MemoryState, iterations: int = 1, trace: bool = False,
             binary_feedback: bool = True):
        """Read images for ``queries`` (T, 28, 28) from a memory of one episode, or (B, T, 28, 28)
        from B memories, ``iterations`` times, each feeding the previous read back as the query
        (thresholded at 0.5 with ``binary_feedback``, else as pixel probabilities). Returns pixel
        probabilities shaped like ``queries``, or with ``trace`` the list [queries, read 1, ...,
        read n]."""
        return self._iterate(queries, memory, iterations, trace, binary_feedback)

    @torch.no_grad()
    def sample(self, memory: MemoryState, n: int, iterations: int = 0,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` images from the memory-conditional prior: w ~ N(0, sigma_w^2 I), M ~ q(M),
        decoder(w^T M); then ``iterations`` steps of iterative reading (the attractor sampling of
        the paper). Pixel probabilities (n, 28, 28), first memory of the batch."""
        state = memory.episode(0)
        w = self.config["w_prior_std"] * torch.randn(1, n, self.config["memory_rows"], generator=generator)
        w = w.to(self.device)
        z = self.memory.read_mean(state, w)
        z = z + self.memory.read_var(state, w).clamp(min=0).sqrt().unsqueeze(-1) * torch.randn(
            z.shape, generator=generator).to(self.device)
        x = torch.sigmoid(self._decode(z))
        for _ in range(iterations):
            x = self._read_once((x > 0.5).to(x.dtype), state)
        return x[0]
