"""Accuracy on each task as training proceeds (matplotlib, the ``[plot]`` extra).

Examples
--------
>>> import os, tempfile
>>> from kanerva.continual.experiment import ContinualResult
>>> r = ContinualResult("split-mnist", "class", "none", [0], 0.5, 0.0, [0.0, 1.0], [0.5], 1.0, [1.0], 0,
...                     [10, 20], [[1.0, float("nan")], [0.0, 1.0]])
>>> path = os.path.join(tempfile.mkdtemp(), "acc.png")
>>> fig = plot_accuracy([r], path)
>>> os.path.getsize(path) > 1000
True
>>> import matplotlib.pyplot as plt; plt.close(fig)
"""

from __future__ import annotations

import numpy as np

from .._plotting import pyplot


def plot_accuracy(results, path=None, *, columns: int = 4, title: str | None = None):
    """One panel per result: test accuracy on each task (one line each) against training steps.

    Parameters
    ----------
    results : list of ContinualResult
    path : str or path, optional
        Write a PNG there (atomically, through :func:`kanerva.io.atomic_write`).
    columns : int
        Panels per row.

    Returns
    -------
    matplotlib Figure (left open, for notebooks and the gallery).
    """
    plt = pyplot()
    results = list(results)
    if not results:
        raise ValueError("nothing to plot: give at least one result")
    cols = min(columns, len(results))
    rows = (len(results) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols, 2.5 * rows), sharey=True, squeeze=False)
    for ax, r in zip(axes.flat, results):
        curve = np.asarray(r.curve, dtype=float)
        its = np.asarray(r.curve_iterations)
        n_tasks = curve.shape[1]
        per_task = its[-1] / n_tasks
        for t in range(n_tasks):
            ax.plot(its, 100 * curve[:, t], marker="." if len(its) <= 12 else None, label=f"task {t + 1}")
        for t in range(1, n_tasks):
            ax.axvline(t * per_task, color="0.8", lw=0.8, zorder=0)
        ax.set_title(f"{r.method}, {r.scenario}-IL: {100 * r.accuracy:.1f}%", fontsize=9)
        ax.set_ylim(-2, 102)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(results):]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.supxlabel("training steps")
    fig.supylabel("test accuracy (%)")
    fig.suptitle(title or f"{results[0].benchmark}: accuracy on each task as training proceeds", fontsize=10)
    fig.tight_layout()
    if path is not None:
        from ..io import atomic_write

        atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=90))
    return fig
