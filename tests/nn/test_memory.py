"""The Kanerva Machine's memory: the Bayesian write is the exact posterior, the KL is the KL."""

import math

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from kanerva.nn import GaussianMemory, MemoryState


def _memory(rows, code, seed, noise=0.7):
    torch.manual_seed(seed)
    mem = GaussianMemory(rows=rows, code=code, noise_std=noise).double()
    with torch.no_grad():
        mem.log_prior_var.fill_(math.log(1.3))
    return mem


def _direct_posterior(R0, U0, W, Z, noise_var):
    """Each column c of M is N(R0[:, c], U0) a priori and Z[:, c] = W M[:, c] + N(0, noise_var I):
    the textbook Gaussian posterior, computed with explicit inverses."""
    U0inv = np.linalg.inv(U0)
    U = np.linalg.inv(U0inv + W.T @ W / noise_var)
    R = U @ (U0inv @ R0 + W.T @ Z / noise_var)
    return R, U


def _mn_kl(R, U, R0, U0):
    """KL(MN(R, U, I) || MN(R0, U0, I)) of the vectorised Gaussians, C columns, by the general formula."""
    k, c = R.shape
    U0inv = np.linalg.inv(U0)
    d = R - R0
    return 0.5 * (c * np.trace(U0inv @ U) + np.trace(d.T @ U0inv @ d) - k * c
                  + c * (np.linalg.slogdet(U0)[1] - np.linalg.slogdet(U)[1]))


@given(rows=st.integers(1, 6), code=st.integers(1, 5), t=st.integers(1, 7), seed=st.integers(0, 10_000))
def test_batched_write_equals_direct_posterior_and_sequential(rows, code, t, seed):
    mem = _memory(rows, code, seed)
    z = torch.randn(2, t, code, dtype=torch.float64)
    w = torch.randn(2, t, rows, dtype=torch.float64)
    prior = mem.prior(2)
    post = mem.write(prior, z, w)
    seq = mem.write_sequential(prior, z, w)
    nv = mem.noise_var.item()
    for b in range(2):
        R, U = _direct_posterior(prior.mean[b].detach().numpy(), prior.cov[b].detach().numpy(), w[b].numpy(),
                                 z[b].numpy(), nv)
        np.testing.assert_allclose(post.mean[b].detach().numpy(), R, rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(post.cov[b].detach().numpy(), U, rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(seq.mean[b].detach().numpy(), R, rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(seq.cov[b].detach().numpy(), U, rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(post.logdet[b].item(), np.linalg.slogdet(U)[1], rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(seq.logdet[b].item(), np.linalg.slogdet(U)[1], rtol=1e-8, atol=1e-8)


@given(rows=st.integers(1, 6), code=st.integers(1, 5), t=st.integers(1, 7), seed=st.integers(0, 10_000))
def test_kl_is_the_matrix_normal_kl(rows, code, t, seed):
    mem = _memory(rows, code, seed)
    post = mem.write(mem.prior(1), torch.randn(1, t, code, dtype=torch.float64),
                     torch.randn(1, t, rows, dtype=torch.float64))
    prior = mem.prior(1)
    expected = _mn_kl(post.mean[0].detach().numpy(), post.cov[0].detach().numpy(),
                      prior.mean[0].detach().numpy(), prior.cov[0].detach().numpy())
    np.testing.assert_allclose(mem.kl(post).item(), expected, rtol=1e-7, atol=1e-8)
    assert abs(mem.kl(prior).item()) < 1e-9


@given(rows=st.integers(1, 6), code=st.integers(1, 5), t=st.integers(1, 7), seed=st.integers(0, 10_000))
def test_the_reference_modules_diagonal_kl_never_exceeds_the_exact_kl(rows, code, t, seed):
    """Hadamard's inequality: dropping U's off-diagonal terms can only lower the KL; it is the
    KL of the independent-rows Gaussian with U's diagonal, and exact while U is diagonal."""
    mem = _memory(rows, code, seed)
    post = mem.write(mem.prior(1), torch.randn(1, t, code, dtype=torch.float64),
                     torch.randn(1, t, rows, dtype=torch.float64))
    exact, diagonal = mem.kl(post).item(), mem.kl(post, diagonal=True).item()
    assert diagonal <= exact + 1e-9
    prior = mem.prior(1)
    U = np.diag(np.diag(post.cov[0].detach().numpy()))
    np.testing.assert_allclose(diagonal, _mn_kl(post.mean[0].detach().numpy(), U, prior.mean[0].detach().numpy(),
                                                prior.cov[0].detach().numpy()), rtol=1e-7, atol=1e-8)
    assert abs(mem.kl(prior, diagonal=True).item()) < 1e-9


def test_reading_at_the_mean_drops_exactly_the_memorys_uncertainty():
    mem = _memory(5, 4, 0)
    post = mem.write(mem.prior(2), torch.randn(2, 3, 4, dtype=torch.float64), torch.randn(2, 3, 5, dtype=torch.float64))
    w = torch.randn(2, 3, 5, dtype=torch.float64)
    mu, log_std = torch.randn(2, 3, 4, dtype=torch.float64), 0.1 * torch.randn(2, 3, 4, dtype=torch.float64)
    gap = mem.expected_kl(post, w, mu, log_std) - mem.expected_kl(post, w, mu, log_std, at_mean=True)
    np.testing.assert_allclose(gap.detach().numpy(),
                               (0.5 * 4 * mem.read_var(post, w) / mem.noise_var).detach().numpy(), rtol=1e-10)
    assert (gap > 0).all()


def test_a_write_the_order_of_the_codes_does_not_change():
    mem = _memory(4, 3, 0)
    z, w = torch.randn(1, 6, 3, dtype=torch.float64), torch.randn(1, 6, 4, dtype=torch.float64)
    perm = torch.randperm(6)
    a, b = mem.write(mem.prior(1), z, w), mem.write(mem.prior(1), z[:, perm], w[:, perm])
    torch.testing.assert_close(a.mean, b.mean)
    torch.testing.assert_close(a.cov, b.cov)


def test_reading_a_written_code_gets_closer_to_it():
    mem = _memory(8, 5, 1, noise=0.1)
    z, w = torch.randn(1, 3, 5, dtype=torch.float64), torch.randn(1, 3, 8, dtype=torch.float64)
    prior = mem.prior(1)
    post = mem.write(prior, z, w)
    before = (mem.read_mean(prior, w) - z).norm()
    after = (mem.read_mean(post, w) - z).norm()
    assert after < 0.1 * before
    assert (mem.read_var(post, w) < mem.read_var(prior, w)).all()


def test_expected_log_likelihood_matches_monte_carlo():
    mem = _memory(3, 2, 2)
    post = mem.write(mem.prior(1), torch.randn(1, 4, 2, dtype=torch.float64), torch.randn(1, 4, 3, dtype=torch.float64))
    z, w = torch.randn(1, 2, 2, dtype=torch.float64), torch.randn(1, 2, 3, dtype=torch.float64)
    gen = np.random.default_rng(0)
    chol = np.linalg.cholesky(post.cov[0].detach().numpy())
    R = post.mean[0].detach().numpy()
    nv = mem.noise_var.item()
    vals = []
    for _ in range(20_000):
        M = R + chol @ gen.standard_normal(R.shape)
        r = w[0].numpy() @ M
        vals.append(-0.5 * ((z[0].numpy() - r) ** 2).sum(-1) / nv - 0.5 * 2 * np.log(2 * np.pi * nv))
    np.testing.assert_allclose(mem.expected_log_likelihood(post, z, w)[0].detach().numpy(), np.mean(vals, 0),
                               rtol=0.02)


def test_least_squares_addressing_solves_the_regularised_problem():
    mem = _memory(5, 7, 3)
    state = MemoryState(torch.randn(1, 5, 7, dtype=torch.float64), torch.eye(5, dtype=torch.float64)[None],
                        torch.zeros(1, dtype=torch.float64))
    z = torch.randn(1, 4, 7, dtype=torch.float64)
    w = mem.solve_weights(state, z, w_prior_std=0.5).detach()
    R = state.mean[0].numpy()
    lam = mem.noise_var.item() / 0.25
    expected = np.linalg.solve(R @ R.T + lam * np.eye(5), R @ z[0].numpy().T).T
    np.testing.assert_allclose(w[0].numpy(), expected, rtol=1e-8)
    # the gradient of the objective vanishes at the solution
    grad = -(z[0].numpy() - w[0].numpy() @ R) @ R.T / mem.noise_var.item() + w[0].numpy() / 0.25
    assert np.abs(grad).max() < 1e-8
