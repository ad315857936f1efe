"""Figures of the capacity experiments (needs matplotlib: ``pip install kanerva[plot]``).

>>> import os, tempfile
>>> from kanerva.memory.capacity import hopfield_capacity
>>> path = os.path.join(tempfile.mkdtemp(), "h.png")
>>> plot(hopfield_capacity(dim=32, alphas=[0.1, 0.2], rules=["hebb"], min_patterns=8), path)
>>> os.path.getsize(path) > 1000
True
"""

from __future__ import annotations

from .._plotting import pyplot
from ..io import atomic_write


def _hopfield(result, plt):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for rule in dict.fromkeys(r["rule"] for r in result["rows"]):
        rows = [r for r in result["rows"] if r["rule"] == rule]
        a = [r["alpha"] for r in rows]
        axes[0].plot(a, [r["stable"] for r in rows], "o-", label=rule)
        axes[1].plot(a, [r["recall_overlap"] for r in rows], "o-", label=f"{rule} overlap")
        axes[1].plot(a, [r["recall_exact"] for r in rows], "x:", label=f"{rule} exact")
        if rule == "hebb":
            axes[0].plot(a, [r["predicted_stable"] for r in rows], "k--", lw=1, label="hebb, Gaussian estimate")
    for ax, title in zip(axes, ["stored patterns that are fixed points",
                                f"recall from {result['noise']:.0%} flipped bits"]):
        ax.axvline(0.138, color="grey", lw=0.8, ls="--")
        ax.set(xlabel="load alpha = P / N", title=f"{title} (N = {result['dim']})", ylim=(-0.02, 1.02))
        ax.legend(fontsize=7)


def _dam(result, plt):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for n, fit in result["summary"].items():
        rows = [r for r in result["rows"] if str(r["n"]) == n]
        if n == "exp":
            axes[1].semilogy([r["dim"] for r in rows], [r["capacity"] for r in rows], "o-", label="F = exp")
            axes[1].semilogy([r["dim"] for r in rows], [r["dim"] for r in rows], "k:", label="P = N")
            continue
        d = [r["dim"] for r in rows]
        axes[0].loglog(d, [r["capacity"] for r in rows], "o-", label=f"n = {n}: slope {fit['exponent']:.2f}")
        axes[0].loglog(d, [r["theory"] for r in rows], "--", lw=1, color=axes[0].lines[-1].get_color())
    axes[0].set(xlabel="N", ylabel="capacity P (half the patterns stable)", title="F(x) = x^n (dashed: theory)")
    axes[1].set(xlabel="N", ylabel="capacity P", title="F(x) = exp(x)")
    for ax in axes:
        ax.legend(fontsize=8)


def _modern(result, plt):
    fig, ax = plt.subplots(figsize=(6, 4))
    for count in dict.fromkeys(r["patterns"] for r in result["rows"]):
        rows = [r for r in result["rows"] if r["patterns"] == count]
        ax.semilogx([r["beta"] for r in rows], [r["accuracy"] for r in rows], "o-", label=f"P = {count}")
    ax.set(xlabel="beta", ylabel="retrieval accuracy", ylim=(-0.02, 1.02),
           title=f"modern Hopfield, digits, {result['removed']:.0%} pixels removed")
    ax.legend(fontsize=8)


def _sdm(result, plt):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for t in dict.fromkeys(r["items"] for r in result["rows"]):
        rows = [r for r in result["rows"] if r["items"] == t]
        p = [r["p"] for r in rows]
        line = axes[0].semilogx(p, [r["snr"] for r in rows], "o-", label=f"T = {t}")[0]
        axes[0].semilogx(p, [r["snr_theory"] for r in rows], "--", lw=1, color=line.get_color())
        axes[0].axvline(result["summary"][str(t)]["kanerva_p"], color=line.get_color(), lw=0.8, ls=":")
        axes[1].semilogx(p, [r["noisy_bit_accuracy"] for r in rows], "o-", label=f"T = {t}")
    axes[0].set(xlabel="activation probability p", ylabel="SNR at written address",
                title=f"SDM n = {result['dim']}, M = {result['locations']} (dashed: Kanerva)")
    axes[1].set(xlabel="activation probability p", ylabel="bit accuracy",
                title=f"read from {result['noise']:.0%} noisy address")
    for ax in axes:
        ax.legend(fontsize=8)


def plot(result: dict, path) -> None:
    """Draw the figure of a capacity ``result`` (from :mod:`kanerva.memory.capacity`) to ``path``."""
    plt = pyplot()
    {"hopfield": _hopfield, "dam": _dam, "modern": _modern, "sdm": _sdm}[result["experiment"]](result, plt)
    plt.tight_layout()
    atomic_write(path, lambda f: plt.savefig(f, format="png", dpi=80))
    plt.close("all")
