"""Fitting a 2-D Gabor function to a receptive field, to measure what sparse coding learned.

g(x, y) = A exp(−x'²/(2σ_x²) − y'²/(2σ_y²)) cos(2π f x' + φ) + c, with (x', y') the coordinates
rotated by θ about the centre (x₀, y₀) (Jones & Palmer 1987, J. Neurophysiol. 58, eq. 1, the
model of simple-cell receptive fields). Olshausen & Field's atoms are "localized, oriented and
bandpass" when such a fit explains most of their variance: a small envelope (localized), an
orientation θ, and a preferred spatial frequency f > 0 (bandpass).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class GaborFit(NamedTuple):
    """Parameters of the best Gabor (x₀, y₀ in pixels; θ in radians in [0, π), the direction of
    the carrier; f in cycles per pixel) and r², the share of the atom's variance it explains."""

    x0: float
    y0: float
    sigma_x: float
    sigma_y: float
    theta: float
    frequency: float
    phase: float
    amplitude: float
    offset: float
    r2: float


def gabor(params, shape):
    """The Gabor function on a grid of ``shape`` (rows, cols) for parameters
    (x0, y0, sigma_x, sigma_y, theta, frequency, phase, amplitude, offset)."""
    x0, y0, sx, sy, th, f, ph, a, c = params
    y, x = np.mgrid[:shape[0], :shape[1]].astype(np.float64)
    xr = (x - x0) * np.cos(th) + (y - y0) * np.sin(th)
    yr = -(x - x0) * np.sin(th) + (y - y0) * np.cos(th)
    return a * np.exp(-xr**2 / (2 * sx**2) - yr**2 / (2 * sy**2)) * np.cos(2 * np.pi * f * xr + ph) + c


def fit_gabor(atom) -> GaborFit:
    """Least-squares fit of a Gabor to a 2-D array (several starts from the spectrum's peak).

    Examples
    --------
    >>> import numpy as np
    >>> true = gabor((4.0, 5.0, 1.5, 2.5, 0.6, 0.2, 0.3, 1.0, 0.0), (12, 12))
    >>> fit = fit_gabor(true)
    >>> round(fit.r2, 4), round(fit.frequency, 3), round(fit.theta, 2)
    (1.0, 0.2, 0.6)
    """
    from scipy.optimize import least_squares

    z = np.asarray(atom, dtype=np.float64)
    if z.ndim != 2 or min(z.shape) < 3 or not np.all(np.isfinite(z)):
        raise ValueError(f"fit_gabor takes a finite 2-D array at least 3 x 3, got shape {np.shape(atom)}")
    h, w = z.shape
    var = z.var()
    if var == 0:
        return GaborFit(w / 2, h / 2, w, h, 0.0, 0.0, 0.0, 0.0, float(z.mean()), 0.0)
    pad = 4 * max(h, w)
    spec = np.abs(np.fft.fft2(z - z.mean(), (pad, pad)))
    fy, fx = np.fft.fftfreq(pad), np.fft.fftfreq(pad)
    iy, ix = np.unravel_index(np.argmax(spec), spec.shape)
    f0, th0 = float(np.hypot(fx[ix], fy[iy])), float(np.arctan2(fy[iy], fx[ix]))
    energy = (z - z.mean()) ** 2
    yy, xx = np.mgrid[:h, :w]
    cx, cy = float((energy * xx).sum() / energy.sum()), float((energy * yy).sum() / energy.sum())
    amp = float(np.abs(z - z.mean()).max())
    lower = [-0.5, -0.5, 0.3, 0.3, -np.inf, 0.0, -np.inf, -np.inf, -np.inf]
    upper = [w - 0.5, h - 0.5, 2.0 * max(h, w), 2.0 * max(h, w), np.inf, 0.5, np.inf, np.inf, np.inf]
    best = None
    for phase in (0.0, np.pi / 2):
        for sigma in (max(h, w) / 6, max(h, w) / 3):
            start = [cx, cy, sigma, sigma, th0, f0, phase, amp, float(z.mean())]
            res = least_squares(lambda p: (gabor(p, z.shape) - z).ravel(), start, bounds=(lower, upper),
                                max_nfev=400)
            if best is None or res.cost < best.cost:
                best = res
    x0, y0, sx, sy, th, f, ph, a, c = best.x
    if a < 0:  # one sign convention: positive amplitude
        a, ph = -a, ph + np.pi
    th = th % (2 * np.pi)
    if th >= np.pi:  # a carrier turned by π is the same with the phase negated
        th, ph = th - np.pi, -ph
    ph = (ph + np.pi) % (2 * np.pi) - np.pi
    r2 = 1.0 - 2.0 * best.cost / (var * z.size)
    return GaborFit(float(x0), float(y0), float(sx), float(sy), float(th), float(f), float(ph), float(a),
                    float(c), float(r2))
