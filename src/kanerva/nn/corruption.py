"""Corrupted queries for iterative reading, and the bit error of a read.

Three corruptions of binary images (none is used in training; the models are trained on clean
episodes):

- ``"salt-pepper"``: each pixel, with probability ``amount`` (default 0.15), is replaced by a
  fair coin (so about amount/2 of the pixels flip);
- ``"occlude"``: the bottom half (rows 14-27) is set to 0;
- ``"blocks"``: ``amount`` (default 3) random 7x7 squares are inverted (x -> 1 - x), a structured
  noise unlike either of the two above.
"""

from __future__ import annotations

import torch

CORRUPTIONS = ("salt-pepper", "occlude", "blocks")
"""The corruption kinds :func:`corrupt` knows."""


def corrupt(x: torch.Tensor, kind: str, amount: float | None = None, seed: int = 0) -> torch.Tensor:
    """A corrupted copy of binary images ``x`` (..., 28, 28).

    Examples
    --------
    >>> x = torch.zeros(2, 28, 28)
    >>> corrupt(x + 1, "occlude")[:, 14:].sum().item(), corrupt(x, "occlude")[:, :14].sum().item()
    (0.0, 0.0)
    >>> 0.05 < corrupt(x, "salt-pepper").mean().item() < 0.1
    True
    >>> corrupt(x, "blocks", amount=1).sum(dim=(-2, -1)).tolist()
    [49.0, 49.0]
    """
    if kind not in CORRUPTIONS:
        raise ValueError(f"noise must be one of {CORRUPTIONS}, got {kind!r}")
    x = torch.as_tensor(x, dtype=torch.float32)
    if x.ndim < 2 or tuple(x.shape[-2:]) != (28, 28):
        raise ValueError(f"images must have shape (..., 28, 28), got {tuple(x.shape)}")
    gen = torch.Generator().manual_seed(int(seed))
    out = x.clone()
    if kind == "salt-pepper":
        p = 0.15 if amount is None else float(amount)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"salt-and-pepper amount must be a probability in [0, 1], got {amount!r}")
        hit = torch.rand(x.shape, generator=gen) < p
        coin = (torch.rand(x.shape, generator=gen) < 0.5).to(x.dtype)
        out[hit] = coin[hit]
    elif kind == "occlude":
        out[..., 14:, :] = 0.0
    else:
        n = 3 if amount is None else int(amount)
        if n < 0:
            raise ValueError(f"blocks amount must be a count >= 0, got {amount!r}")
        flat = out.reshape(-1, 28, 28)
        for img in flat:
            for _ in range(n):
                r, c = torch.randint(0, 22, (2,), generator=gen).tolist()
                img[r : r + 7, c : c + 7] = 1.0 - img[r : r + 7, c : c + 7]
        out = flat.reshape(x.shape)
    return out


def bit_error(read: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Fraction of pixels where the read, thresholded at 0.5, differs from the binary target;
    one value per image (leading axes kept).

    >>> read = torch.full((2, 28, 28), 0.9)
    >>> read[1, :7] = 0.1                      # a quarter of the second image read as 0
    >>> bit_error(read, torch.ones(2, 28, 28)).tolist()
    [0.0, 0.25]
    """
    read, target = torch.as_tensor(read), torch.as_tensor(target)
    if read.shape != target.shape:
        raise ValueError(f"read {tuple(read.shape)} and target {tuple(target.shape)} differ in shape")
    return ((read > 0.5) != (target > 0.5)).to(torch.float32).flatten(-2).mean(-1)
