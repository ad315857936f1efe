"""The Kanerva Machine: a generative distributed memory.

Wu, Wayne, Graves & Lillicrap (2018), ICLR. The generative model of an episode X = x_1..x_T is
p(M) prod_t p(y_t) p(z_t | y_t, M) p(x_t | z_t) (their eq. 2): a memory M ~ MN(R0, U0, I)
(:class:`kanerva.nn.GaussianMemory`), an addressing latent y_t ~ N(0, I) whose projection through
learned keys A gives the weights w_t = A^T y_t, a code z_t ~ N(w_t^T M, sigma^2 I) read from
memory, and Bernoulli pixels from the decoder.

Inference (their section 3.2-3.3): q(y_t | x_t) from the encoder gives each image its address
y_t (one sample, used for writing and reading); writing is the closed-form Bayesian update of the
memory with the episode's bottom-up codes at those addresses, giving q(M | X, Y); reading combines
bottom-up and top-down: q(z_t | x_t, y_t, M) is a Gaussian computed from the encoder's features and
the read w_t^T R. (``write`` and ``read`` outside training use the mean address.) The episode's bound
(their eq. 5) is

    sum_t { E log p(x_t | z_t) - KL(q(y_t|x_t) || p(y_t)) - E_M KL(q(z_t|.) || p(z_t|y_t, M)) }
    - KL(q(M | X, Y) || p(M)),

with E_M taken in closed form (w^T U w enters as extra variance). Everything written into the
memory is a function of X and Y, so this is a true lower bound on log p(X).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ._image_model import ImageModel, objective_name, positive
from .memory import GaussianMemory, MemoryState
from .networks import GaussianHead, bernoulli_log_likelihood, gaussian_kl_standard, reparameterize


class KanervaMachine(ImageModel):
    """The Kanerva Machine (Wu et al. 2018a) on 28x28 binary images.

    Parameters
    ----------
    encoder : {"mlp", "conv"}
    latent : int
        C, code size (memory columns).
    hidden : int
    memory_rows : int
        K, memory rows.
    address_size : int
        S, size of the addressing latent y.
    objective : {"bound", "reference"}
        What training maximises. "bound" (default): the episode's variational lower bound, the
        memory read as q(M) and charged its exact KL. "reference": the DeepMind reference
        module's objective (``sample_M=False``, ``get_dkl_total``): the memory read at its mean
        and charged the diagonal-covariance KL, which undercharge what the memory stores; the
        memory then fills and the memory-conditional bound falls below the VAE's while the true
        episode bound rises (docs/benchmarks/nn.md). Evaluation reports both.
    device : torch device, optional

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> km = KanervaMachine(latent=8, hidden=32, memory_rows=6, address_size=4)
    >>> x = torch.bernoulli(torch.full((2, 5, 28, 28), 0.3))
    >>> memory = km.write(x)
    >>> tuple(memory.mean.shape), tuple(km.read(x[0], memory.episode(0)).shape)
    ((2, 6, 8), (5, 28, 28))
    >>> terms = km.negative_bound(x)
    >>> bool((terms["nll"] < terms["nll_episode"]).all())
    True
    """

    kind = "km"

    def __init__(self, encoder: str = "mlp", latent: int = 32, hidden: int = 256, memory_rows: int = 32,
                 address_size: int = 16, objective: str = "bound", device=None):
        super().__init__(encoder, latent, hidden)
        self.config.update(memory_rows=positive(memory_rows, "memory_rows"),
                           address_size=positive(address_size, "address_size"), objective=objective_name(objective))
        c, k, s, h = self.config["latent"], memory_rows, address_size, self.config["hidden"]
        self.memory = GaussianMemory(rows=k, code=c)
        self.address_head = GaussianHead(h, s)       # q(y | x)
        self.keys = nn.Parameter(torch.randn(s, k) / math.sqrt(s))   # A: w = A^T y
        self.write_head = nn.Linear(h, c)            # the bottom-up code written into memory
        self.code_head = GaussianHead(h + c, c)      # q(z | x, y, M) from [features, w^T R]
        if device is not None:
            self.to(device)

    def _write_codes(self, h: torch.Tensor, w: torch.Tensor) -> MemoryState:
        return self.memory.write(self.memory.prior(h.shape[0]), self.write_head(h), w)

    def _addresses(self, mu_y: torch.Tensor, log_std_y: torch.Tensor):
        """(write, read) weights: one sample of q(y | x) per image, used for both."""
        w = reparameterize(mu_y, log_std_y) @ self.keys
        return w, w

    def bound(self, x: torch.Tensor, objective: str | None = None) -> dict:
        reference = (objective or self.config["objective"]) == "reference"
        h = self._features(x)
        mu_y, log_std_y = self.address_head(h)
        w_write, w = self._addresses(mu_y, log_std_y)
        state = self._write_codes(h, w_write)
        mu_z, log_std_z = self.code_head(torch.cat([h, self.memory.read_mean(state, w)], -1))
        z = reparameterize(mu_z, log_std_z)
        b, t = x.shape[:2]
        recon = bernoulli_log_likelihood(self._decode(z).reshape(b * t, 28, 28), x.reshape(b * t, 28, 28))
        kl = gaussian_kl_standard(mu_y, log_std_y) + self.memory.expected_kl(state, w, mu_z, log_std_z,
                                                                             at_mean=reference)
        kl_memory = self.memory.kl(state)
        return {"recon": recon.reshape(b, t), "kl": kl, "kl_memory": kl_memory,
                "kl_memory_objective": self.memory.kl(state, diagonal=True) if reference else kl_memory}

    def write(self, images) -> MemoryState:
        """q(M | X): the memory after writing episodes of binary images (T, 28, 28) or (B, T, 28, 28)."""
        with torch.no_grad():
            h = self._features(self.as_episodes(images))
            return self._write_codes(h, self.address_head(h)[0] @ self.keys)

    @torch.no_grad()
    def _read_once(self, x: torch.Tensor, memory: MemoryState) -> torch.Tensor:
        h = self._features(x)
        w = self.address_head(h)[0] @ self.keys
        mu_z, _ = self.code_head(torch.cat([h, self.memory.read_mean(memory, w)], -1))
        return torch.sigmoid(self._decode(mu_z))

    def read(self, queries, memory: MemoryState, iterations: int = 1, trace: bool = False,
             binary_feedback: bool = True):
        """Read images for ``queries`` (T, 28, 28) from a memory of one episode, or (B, T, 28, 28)
        from B memories, ``iterations`` times, each feeding the previous read back as the query
        (thresholded at 0.5 with ``binary_feedback``, else as pixel probabilities). Returns pixel
        probabilities shaped like ``queries``, or with ``trace`` the list [queries, read 1, ...,
        read n]."""
        return self._iterate(queries, memory, iterations, trace, binary_feedback)

    @torch.no_grad()
    def sample(self, memory: MemoryState, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Pixel probabilities of ``n`` images from the memory-conditional prior: y ~ N(0, I),
        w = A^T y, z ~ N(w^T R, sigma^2 I), x = decoder(z) (first memory of the batch)."""
        y = torch.randn(n, self.config["address_size"], generator=generator).to(self.device)
        w = (y @ self.keys)[None]
        state = memory.episode(0)
        z = self.memory.read_mean(state, w)
        z = z + self.memory.noise_var.sqrt() * torch.randn(z.shape, generator=generator).to(self.device)
        return torch.sigmoid(self._decode(z))[0]
