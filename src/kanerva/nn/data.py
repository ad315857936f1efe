"""Images in, episodes out: input checks and dynamic binarization.

Every image model takes grey-level images ``(n, 28, 28)``, either uint8 (0..255) or floats in
[0, 1], and sees them binarized dynamically: each time an image is used it is replaced by a fresh
Bernoulli sample of its grey levels (pixel = 1 with probability grey / 255), as in the papers.
An episode is T images drawn without replacement from the data; a batch holds B episodes.
"""

from __future__ import annotations

import numpy as np
import torch


def check_images(images, name: str = "images") -> np.ndarray:
    """Grey-level images as float32 probabilities in [0, 1], or a ValueError that names the problem.

    Parameters
    ----------
    images : array of shape (n, 28, 28) (or (n, 784)); uint8 grey levels or floats in [0, 1]

    Examples
    --------
    >>> check_images(np.full((2, 28, 28), 255, dtype=np.uint8)).max()
    np.float32(1.0)
    >>> check_images(np.zeros((2, 32, 32)))
    Traceback (most recent call last):
    ...
    ValueError: images must have shape (n, 28, 28) (or (n, 784)), got (2, 32, 32)
    """
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu().numpy()
    x = np.asarray(images)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(f"{name} must be a numeric array, got dtype {x.dtype}")
    if x.ndim == 2 and x.shape[1] == 784:
        x = x.reshape(-1, 28, 28)
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise ValueError(f"{name} must have shape (n, 28, 28) (or (n, 784)), got {x.shape}")
    if len(x) == 0:
        raise ValueError(f"{name} is empty")
    if x.dtype == np.uint8:
        return (x / np.float32(255.0)).astype(np.float32)
    x = x.astype(np.float32)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} hold NaN or infinite values")
    lo, hi = float(x.min()), float(x.max())
    if lo < 0.0 or hi > 1.0:
        raise ValueError(f"{name} must be uint8 grey levels (0..255) or floats in [0, 1]; "
                         f"got values from {lo:g} to {hi:g}" + (" (divide by 255?)" if hi > 1.0 else ""))
    return x


def check_episode(episode: int, n_images: int) -> int:
    """The episode length, or a ValueError when it is not a positive integer or exceeds the data.

    >>> check_episode(32, 100)
    32
    """
    if isinstance(episode, bool) or not isinstance(episode, (int, np.integer)) or episode < 1:
        raise ValueError(f"episode must be a positive integer, got {episode!r}")
    if episode > n_images:
        raise ValueError(f"episode of {episode} images is longer than the data ({n_images} images)")
    return int(episode)


class EpisodeSampler:
    """Draws batches of episodes (B, T, 28, 28) of freshly binarized images.

    Parameters
    ----------
    images : grey-level images, see :func:`check_images`
    episode : int
        T, images per episode (drawn without replacement within an episode).
    batch : int
        B, episodes per batch.
    seed : int
        Seeds both the choice of images and the binarization.
    device : torch device

    Examples
    --------
    >>> s = EpisodeSampler(np.full((10, 28, 28), 128, dtype=np.uint8), episode=4, batch=2, seed=0)
    >>> x = s.sample()
    >>> tuple(x.shape), sorted(torch.unique(x).tolist())
    ((2, 4, 28, 28), [0.0, 1.0])
    """

    def __init__(self, images, episode: int = 32, batch: int = 4, seed: int = 0, device=None):
        self.grey = torch.from_numpy(check_images(images))
        self.episode = check_episode(episode, len(self.grey))
        if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
            raise ValueError(f"batch must be a positive integer, got {batch!r}")
        self.batch = int(batch)
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.generator = torch.Generator().manual_seed(int(seed))
        self.grey = self.grey.to(self.device)

    def indices(self) -> torch.Tensor:
        """(B, T) image indices, distinct within each episode."""
        n = len(self.grey)
        return torch.stack([torch.randperm(n, generator=self.generator)[: self.episode] for _ in range(self.batch)])

    def binarize(self, grey: torch.Tensor) -> torch.Tensor:
        """A fresh Bernoulli sample of ``grey`` (dynamic binarization)."""
        u = torch.rand(grey.shape, generator=self.generator).to(grey.device)
        return (u < grey).to(torch.float32)

    def sample(self) -> torch.Tensor:
        return self.binarize(self.grey[self.indices().to(self.device)])


def split_episodes(images, episode: int, batch: int = 8, seed: int = 0, repeats: int = 1):
    """The whole split cut into episodes for evaluation: a seeded shuffle, ``len // episode``
    episodes of T images (the remainder is left out), binarized afresh on each of ``repeats``
    passes. Yields tensors (b, T, 28, 28) with b <= ``batch`` episodes.

    >>> eps = list(split_episodes(np.zeros((10, 28, 28), dtype=np.uint8), episode=3, batch=2))
    >>> [tuple(e.shape) for e in eps]
    [(2, 3, 28, 28), (1, 3, 28, 28)]
    """
    grey = torch.from_numpy(check_images(images))
    episode = check_episode(episode, len(grey))
    gen = torch.Generator().manual_seed(int(seed))
    n_episodes = len(grey) // episode
    for _ in range(repeats):
        order = torch.randperm(len(grey), generator=gen)[: n_episodes * episode].reshape(n_episodes, episode)
        for start in range(0, n_episodes, batch):
            chunk = grey[order[start : start + batch]]
            yield (torch.rand(chunk.shape, generator=gen) < chunk).to(torch.float32)
