"""The matrix-variate Gaussian memory of the Kanerva Machine, written by Bayes' rule.

Wu, Wayne, Graves & Lillicrap (2018), "The Kanerva Machine: a generative distributed memory",
ICLR, section 3: the memory M (K rows, C columns) is matrix-variate Gaussian,
p(M) = MN(R, U, V) with mean R (K x C), row covariance U (K x K) and column covariance V = I. A
code z (C) is read through addressing weights w (K) as z ~ N(w^T M, sigma^2 I). Writing T codes
Z (T x C) with weights W (T x K) is exact Bayesian inference, the Kalman-filter update of their
eq. 9-11 done for the whole episode at once:

    Sigma_z = W U W^T + sigma^2 I        (T x T, prediction covariance)
    Sigma_c = W U                        (T x K, cross-covariance)
    R <- R + Sigma_c^T Sigma_z^-1 (Z - W R)
    U <- U - Sigma_c^T Sigma_z^-1 Sigma_c

which equals T single-item updates in any order, and the direct posterior
U' = (U^-1 + W^T W / sigma^2)^-1, R' = U' (U^-1 R + W^T Z / sigma^2) (tests check both). The
log-determinant of U is carried along (matrix determinant lemma) for the KL divergence to the
prior::

    KL(MN(R', U', I) || MN(R0, U0, I))
        = (1/2) [C tr(U0^-1 U') + tr((R' - R0)^T U0^-1 (R' - R0)) - KC + C log|U0| - C log|U'|].

The Dynamic Kanerva Machine (Wu, Wayne, Lillicrap et al. 2018, eq. 5) addresses by least
squares: w = argmin ||z - w^T R||^2 / sigma^2 + ||w||^2 / sigma_w^2 = (R R^T + sigma^2/sigma_w^2 I)^-1 R z.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import nn


class MemoryState(NamedTuple):
    """A batch of memory distributions MN(mean, cov, I): mean (B, K, C), cov (B, K, K),
    logdet (B,) = log det cov.

    >>> state = GaussianMemory(rows=3, code=2).prior(batch=4)
    >>> tuple(state.episode(1).mean.shape), round(state.logdet[0].item(), 4)
    ((1, 3, 2), 0.0)
    """

    mean: torch.Tensor
    cov: torch.Tensor
    logdet: torch.Tensor

    def detach(self) -> "MemoryState":
        return MemoryState(self.mean.detach(), self.cov.detach(), self.logdet.detach())

    def episode(self, i: int) -> "MemoryState":
        """The memory of episode ``i`` alone, as a batch of one."""
        return MemoryState(self.mean[i : i + 1], self.cov[i : i + 1], self.logdet[i : i + 1])


class GaussianMemory(nn.Module):
    """Prior MN(R0, s0 I, I) over a K x C memory, with its write, read and KL.

    Parameters
    ----------
    rows : int
        K, memory rows.
    code : int
        C, code size (columns).
    noise_std : float
        sigma, the observation noise of reading (learned as log sigma when ``learn_noise``).
    learn_noise : bool

    Examples
    --------
    >>> mem = GaussianMemory(rows=4, code=3)
    >>> prior = mem.prior(batch=2)
    >>> z, w = torch.randn(2, 5, 3), torch.randn(2, 5, 4)
    >>> post = mem.write(prior, z, w)
    >>> tuple(post.mean.shape), bool((mem.kl(post) > 0).all()), mem.kl(prior).abs().max().item() < 1e-4
    ((2, 4, 3), True, True)
    """

    def __init__(self, rows: int = 32, code: int = 32, noise_std: float = 1.0, learn_noise: bool = True):
        super().__init__()
        self.rows, self.code = int(rows), int(code)
        self.prior_mean = nn.Parameter(torch.randn(self.rows, self.code))
        self.log_prior_var = nn.Parameter(torch.zeros(()))
        log_noise = torch.tensor(math.log(noise_std), dtype=torch.float32)
        if learn_noise:
            self.log_noise = nn.Parameter(log_noise)
        else:
            self.register_buffer("log_noise", log_noise)

    @property
    def noise_var(self) -> torch.Tensor:
        return torch.exp(2 * self.log_noise.clamp(min=math.log(0.05)))

    @property
    def prior_var(self) -> torch.Tensor:
        return torch.exp(self.log_prior_var.clamp(-10.0, 10.0))

    def prior(self, batch: int = 1) -> MemoryState:
        """The prior p(M) repeated for ``batch`` episodes."""
        eye = torch.eye(self.rows, device=self.prior_mean.device, dtype=self.prior_mean.dtype)
        s0 = self.prior_var
        return MemoryState(self.prior_mean.expand(batch, -1, -1), (s0 * eye).expand(batch, -1, -1),
                           (self.rows * torch.log(s0)).expand(batch))

    def write(self, state: MemoryState, z: torch.Tensor, w: torch.Tensor) -> MemoryState:
        """Posterior after observing codes ``z`` (B, T, C) at weights ``w`` (B, T, K)."""
        R, U, logdet = state
        t = z.shape[1]
        wU = w @ U                                                  # (B, T, K) = Sigma_c
        if t == 1:  # one code: Sigma_z is a number, no factorisation (the online update of the paper)
            sigma_z = (wU * w).sum(-1, keepdim=True) + self.noise_var   # (B, 1, 1)
            gain = wU / sigma_z
            mean = R + gain.transpose(1, 2) @ (z - w @ R)
            cov = U - wU.transpose(1, 2) @ gain
            cov = 0.5 * (cov + cov.transpose(1, 2))
            return MemoryState(mean, cov, logdet - torch.log(sigma_z[:, 0, 0]) + torch.log(self.noise_var))
        sigma_z = wU @ w.transpose(1, 2)
        sigma_z = 0.5 * (sigma_z + sigma_z.transpose(1, 2))
        sigma_z = sigma_z + self.noise_var * torch.eye(t, device=z.device, dtype=z.dtype)
        chol = torch.linalg.cholesky(sigma_z)
        delta = z - w @ R                                           # (B, T, C)
        gain_t = torch.cholesky_solve(wU, chol)                     # Sigma_z^-1 Sigma_c  (B, T, K)
        mean = R + gain_t.transpose(1, 2) @ delta
        cov = U - wU.transpose(1, 2) @ gain_t
        cov = 0.5 * (cov + cov.transpose(1, 2))
        # log|U'| = log|U| - log|Sigma_z| + T log sigma^2  (matrix determinant lemma)
        logdet_sz = 2 * torch.log(torch.diagonal(chol, dim1=-2, dim2=-1)).sum(-1)
        return MemoryState(mean, cov, logdet - logdet_sz + t * torch.log(self.noise_var))

    def write_sequential(self, state: MemoryState, z: torch.Tensor, w: torch.Tensor) -> MemoryState:
        """The same posterior as :meth:`write`, one code at a time (the online form)."""
        for t in range(z.shape[1]):
            state = self.write(state, z[:, t : t + 1], w[:, t : t + 1])
        return state

    def kl(self, state: MemoryState, diagonal: bool = False) -> torch.Tensor:
        """KL( q(M) || p(M) ) per episode, shape (B,).

        ``diagonal`` keeps only the diagonal of the row covariance U, as the DeepMind reference
        module does (``get_dkl_total``): by Hadamard's inequality log|U| <= sum log U_kk, so it
        never exceeds the exact KL and undercharges a memory whose rows the writes correlate.
        """
        R, U, logdet = state
        s0 = self.prior_var
        k, c = self.rows, self.code
        diag = torch.diagonal(U, dim1=-2, dim2=-1)
        if diagonal:
            logdet = torch.log(diag.clamp(min=1e-12)).sum(-1)
        dist = (R - self.prior_mean).pow(2).sum((-2, -1))
        return 0.5 * (c * diag.sum(-1) / s0 + dist / s0 - k * c + c * k * torch.log(s0) - c * logdet)

    @staticmethod
    def read_mean(state: MemoryState, w: torch.Tensor) -> torch.Tensor:
        """w^T R: the mean code read at weights ``w`` (B, T, K) -> (B, T, C)."""
        return w @ state.mean

    @staticmethod
    def read_var(state: MemoryState, w: torch.Tensor) -> torch.Tensor:
        """w^T U w (B, T): the memory's own uncertainty about the read, per code column."""
        return ((w @ state.cov) * w).sum(-1)

    def expected_log_likelihood(self, state: MemoryState, z: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """E_{M ~ state}[ log N(z; w^T M, sigma^2 I) ], shape (B, T)."""
        var = self.noise_var
        sq = (z - self.read_mean(state, w)).pow(2).sum(-1) + self.code * self.read_var(state, w)
        return -0.5 * sq / var - 0.5 * self.code * torch.log(2 * math.pi * var)

    def expected_kl(self, state: MemoryState, w: torch.Tensor, mu: torch.Tensor, log_std: torch.Tensor,
                    at_mean: bool = False):
        """E_{M ~ state}[ KL( N(mu, exp(log_std)^2) || N(w^T M, sigma^2 I) ) ], shape (B, T).

        ``at_mean`` reads M at its mean instead (the reference module's ``sample_M=False``): the
        memory's uncertainty C w^T U w / (2 sigma^2), about C/2 nats for a code written once, is
        not charged.
        """
        var = self.noise_var
        q_var = torch.exp(2 * log_std)
        sq = (mu - self.read_mean(state, w)).pow(2).sum(-1)
        if not at_mean:
            sq = sq + self.code * self.read_var(state, w)
        return 0.5 * ((q_var / var).sum(-1) + sq / var - self.code + self.code * torch.log(var)
                      - 2 * log_std.sum(-1))

    def solve_weights(self, state: MemoryState, z: torch.Tensor, w_prior_std: float | torch.Tensor = 1.0):
        """Least-squares addressing: argmin_w ||z - w^T R||^2/sigma^2 + ||w||^2/sigma_w^2, (B, T, K)."""
        R = state.mean
        gram = R @ R.transpose(1, 2)
        gram = gram + (self.noise_var / w_prior_std**2) * torch.eye(self.rows, device=R.device, dtype=R.dtype)
        chol = torch.linalg.cholesky(gram)
        return torch.cholesky_solve(R @ z.transpose(1, 2), chol).transpose(1, 2)
