"""The machines' two experiments: cleaning corrupted queries and sampling after a write.

:func:`denoise_experiment` writes episodes of T binarized test images into memory, corrupts every
image (:func:`kanerva.nn.corrupt`), reads the corrupted queries back iteratively and records the
bit error against the written images after each read (iteration 0 is the corrupted query
itself), as in Wu et al. (2018b), figure 3. :func:`sample_experiment` writes one episode and
draws images from the memory-conditional prior.
"""

from __future__ import annotations

import numpy as np
import torch

from .corruption import bit_error, corrupt
from .data import check_episode, check_images


def _needs_memory(model) -> None:
    if not hasattr(model, "write"):
        raise ValueError(f"a {model.kind} model has no memory to read from: use a km or dkm model")


def _episodes(images, episode: int, n_episodes: int, seed: int) -> torch.Tensor:
    grey = torch.from_numpy(check_images(images))
    episode = check_episode(episode, len(grey))
    if isinstance(n_episodes, bool) or not isinstance(n_episodes, (int, np.integer)) or n_episodes < 1:
        raise ValueError(f"episodes must be a positive integer, got {n_episodes!r}")
    gen = torch.Generator().manual_seed(int(seed))
    idx = torch.stack([torch.randperm(len(grey), generator=gen)[:episode] for _ in range(n_episodes)])
    chunk = grey[idx]
    return (torch.rand(chunk.shape, generator=gen) < chunk).to(torch.float32)


@torch.no_grad()
def denoise_experiment(model, images, noise: str, *, episode: int | None = None, episodes: int = 4,
                       iterations: int = 20, amount: float | None = None, seed: int = 0) -> dict:
    """Bit error of iterative reading from corrupted queries, per read iteration.

    Parameters
    ----------
    model : KanervaMachine or DynamicKanervaMachine
    images : grey-level images the episodes are drawn from (binarized here, seeded)
    noise : {"salt-pepper", "occlude", "blocks"}
    episode : int, optional
        T (default: the model's training episode length).
    episodes : int
        Episodes averaged over.
    iterations : int
        Reads after the corrupted query (the curve has ``iterations + 1`` points).

    Returns
    -------
    dict with ``bit_error`` (mean over images, per iteration 0..n), ``energy`` (DKM: mean Lyapunov
    energy per iteration, else None), ``ink`` (fraction of pixels read as 1, per iteration: a read
    that fades towards a blank image shows here), ``blank_bit_error`` (the bit error of an all-0
    image, for reference) and arrays ``targets`` (E, T, 28, 28), ``reads``
    (n + 1, E, T, 28, 28) for pictures.

    Examples
    --------
    >>> from kanerva.datasets import load_mnist
    >>> from kanerva.nn import DynamicKanervaMachine
    >>> r = denoise_experiment(DynamicKanervaMachine(latent=8, hidden=32, memory_rows=8),
    ...                        load_mnist("test")[0][:50], "occlude", episode=8, episodes=2, iterations=3)
    >>> len(r["bit_error"]), r["reads"].shape
    (4, (4, 2, 8, 28, 28))
    """
    _needs_memory(model)
    episode = int(episode if episode is not None else model.training_info_.get("episode", 32))
    model.eval()
    targets = _episodes(images, episode, episodes, seed).to(model.device)
    queries = corrupt(targets.cpu(), noise, amount=amount, seed=seed + 1).to(model.device)
    memory = model.write(targets)
    reads = model.read(queries, memory, iterations=iterations, trace=True)
    errors = [bit_error(r, targets).mean().item() for r in reads]
    energy = [model.energy(r, memory).mean().item() for r in reads] if hasattr(model, "energy") else None
    return {"model": model.kind, "noise": noise, "episode": episode, "episodes": int(episodes),
            "iterations": list(range(len(reads))), "bit_error": errors, "energy": energy,
            "ink": [(r > 0.5).float().mean().item() for r in reads],
            "blank_bit_error": bit_error(torch.zeros_like(targets), targets).mean().item(),
            "targets": targets.cpu().numpy(), "reads": torch.stack(reads).cpu().numpy()}


def denoise_grid(result: dict, rows: int = 6, columns=(0, 1, 2, 3, 5, 10, 20)):
    """Images (rows, 1 + len(columns), 28, 28) for a figure: the written image, then the reads at
    the chosen iterations (0 = the corrupted query), and the column labels.

    >>> r = {"reads": np.zeros((4, 1, 3, 28, 28)), "targets": np.zeros((1, 3, 28, 28))}
    >>> grid, labels = denoise_grid(r, rows=2, columns=(0, 1, 3, 5))
    >>> grid.shape, labels
    ((2, 4, 28, 28), ['written', 'query', 'read 1', 'read 3'])
    """
    reads, targets = result["reads"], result["targets"]
    columns = [c for c in columns if c < len(reads)]
    flat_reads = reads.reshape(len(reads), -1, 28, 28)[:, :rows]
    grid = np.concatenate([targets.reshape(-1, 28, 28)[:rows, None], flat_reads[columns].transpose(1, 0, 2, 3)], 1)
    return grid, ["written"] + [("query" if c == 0 else f"read {c}") for c in columns]


@torch.no_grad()
def sample_experiment(model, images, *, n: int = 16, episode: int | None = None, iterations: int = 0,
                      seed: int = 0) -> dict:
    """Write one episode of binarized ``images`` and draw ``n`` samples from the memory-conditional
    prior (``iterations`` further reads for the DKM); for a VAE, samples of its prior.

    >>> from kanerva.datasets import load_mnist
    >>> from kanerva.nn import KanervaMachine
    >>> r = sample_experiment(KanervaMachine(latent=8, hidden=32, memory_rows=8), load_mnist("test")[0][:40],
    ...                       n=4, episode=8)
    >>> r["written"].shape, r["samples"].shape
    ((8, 28, 28), (4, 28, 28))
    """
    model.eval()
    gen = torch.Generator().manual_seed(int(seed) + 7)
    if not hasattr(model, "write"):
        return {"model": model.kind, "written": None, "samples": model.sample(n, generator=gen).cpu().numpy()}
    episode = int(episode if episode is not None else model.training_info_.get("episode", 32))
    written = _episodes(images, episode, 1, seed).to(model.device)
    memory = model.write(written)
    kwargs = {"iterations": iterations} if iterations else {}
    samples = model.sample(memory, n, generator=gen, **kwargs)
    return {"model": model.kind, "written": written[0].cpu().numpy(), "samples": samples.cpu().numpy()}
