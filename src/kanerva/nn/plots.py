"""Figures for kanerva.nn (needs matplotlib: ``pip install 'kanerva[plot]'``), written atomically.

>>> import os, tempfile, numpy as np
>>> path = os.path.join(tempfile.mkdtemp(), "grid.png")
>>> save_image_grid(np.random.default_rng(0).random((2, 3, 28, 28)), path, row_labels=["a", "b"])
>>> os.path.getsize(path) > 1000
True
"""

from __future__ import annotations

import numpy as np

from .._plotting import pyplot
from ..io import atomic_write


def _save(fig, path, plt) -> None:
    try:
        atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=80))
    finally:
        plt.close(fig)


def image_grid_figure(grid, row_labels=None, col_labels=None, title=None):
    """A matplotlib figure of images ``grid`` (rows, cols, 28, 28), grey levels in [0, 1].

    >>> fig = image_grid_figure(np.zeros((1, 2, 28, 28)), col_labels=["a", "b"])
    >>> len(fig.axes)
    2
    >>> pyplot().close(fig)
    """
    plt = pyplot()
    grid = np.asarray(grid, dtype=np.float32)
    if grid.ndim != 4 or grid.shape[2:] != (28, 28):
        raise ValueError(f"grid must have shape (rows, cols, 28, 28), got {grid.shape}")
    rows, cols = grid.shape[:2]
    fig, axes = plt.subplots(rows, cols, figsize=(0.75 * cols + (0.9 if row_labels else 0.2), 0.75 * rows + 0.5),
                             squeeze=False)
    for r in range(rows):
        for c in range(cols):
            ax = axes[r, c]
            ax.imshow(grid[r, c], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0 and row_labels:
                ax.set_ylabel(row_labels[r], rotation=0, ha="right", va="center", fontsize=8)
            if r == 0 and col_labels:
                ax.set_title(col_labels[c], fontsize=8)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout(pad=0.3)
    return fig


def save_image_grid(grid, path, row_labels=None, col_labels=None, title=None) -> None:
    """Draw :func:`image_grid_figure` to the PNG ``path``."""
    plt = pyplot()
    _save(image_grid_figure(grid, row_labels, col_labels, title), path, plt)


def curves_figure(panels, xlabel: str = "", ylabel: str = "", yscale: str = "linear"):
    """Side-by-side line plots: ``panels`` is a list of ``(title, {label: (x, y)})``; ``yscale``
    "linear", "log" or "symlog" (linear below 0.1, for error rates that reach 0).

    >>> fig = curves_figure([("a", {"x": ([0, 1], [0.0, 1.0])}), ("b", {})], yscale="symlog")
    >>> len(fig.axes)
    2
    >>> pyplot().close(fig)
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False)
    for ax, (title, curves) in zip(axes[0], panels):
        for label, (x, y) in curves.items():
            ax.plot(x, y, "o-", ms=3, label=label)
        ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
        if yscale == "symlog":
            ax.set_yscale("symlog", linthresh=0.1)
        elif yscale != "linear":
            ax.set_yscale(yscale)
        ax.grid(alpha=0.3)
        if curves:
            ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def save_curves(panels, path, xlabel: str = "", ylabel: str = "", yscale: str = "linear") -> None:
    """Draw :func:`curves_figure` to the PNG ``path``.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.png")
    >>> save_curves([("t", {"a": ([0, 1], [1.0, 0.5])})], p, xlabel="x")
    >>> os.path.getsize(p) > 1000
    True
    """
    plt = pyplot()
    _save(curves_figure(panels, xlabel, ylabel, yscale), path, plt)
