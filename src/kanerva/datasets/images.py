"""Natural images for sparse coding: scikit-learn's and scikit-image's bundled photographs.

Olshausen & Field (1996) learned their basis from ten 512 x 512 photographs of natural scenes.
These are the nearest bundled equivalents, read from the installed packages (nothing downloaded):

- scikit-learn: ``china`` and ``flower`` (CC BY 2.0, Flickr users danielbuechele and vultilion);
- scikit-image (the ``[plot]``/``dev`` extras install it): ``camera``, ``coffee`` (CC0),
  ``astronaut``, ``rocket`` (public domain), and the textures ``grass``, ``brick``, ``gravel``
  (CC0, from CC0Textures).
"""

from __future__ import annotations

import numpy as np

SKLEARN_IMAGES = ("china", "flower")
SKIMAGE_IMAGES = ("camera", "coffee", "astronaut", "rocket", "grass", "brick", "gravel")


def _grey(rgb):
    rgb = np.asarray(rgb, dtype=np.float64)
    if rgb.ndim == 3:
        rgb = rgb[..., :3] @ np.array([0.2125, 0.7154, 0.0721])
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def _center(img, size):
    h, w = img.shape
    if min(h, w) < size:
        raise ValueError(f"size={size} is larger than an image ({h} x {w})")
    top, left = (h - size) // 2, (w - size) // 2
    return img[top:top + size, left:left + size]


def load_natural_images(source: str = "all", size: int = 400):
    """Grey natural images, centre-cropped to ``size`` x ``size``.

    Parameters
    ----------
    source : {"all", "sklearn", "skimage"}
        "sklearn" needs only scikit-learn; "skimage" and "all" need scikit-image.
    size : int
        Side of the centre crop (at most 400, the smallest side among the images).

    Returns
    -------
    images : ndarray of uint8, shape (n, size, size)
    names : ndarray of str, shape (n,)

    Examples
    --------
    >>> images, names = load_natural_images("sklearn", size=64)
    >>> images.shape, images.dtype, names.tolist()
    ((2, 64, 64), dtype('uint8'), ['china', 'flower'])
    """
    if source not in ("all", "sklearn", "skimage"):
        raise ValueError(f"source must be 'all', 'sklearn' or 'skimage', got {source!r}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 8 <= size <= 400:
        raise ValueError(f"size must be an integer in [8, 400], got {size!r}")
    out, names = [], []
    if source in ("all", "sklearn"):
        from sklearn.datasets import load_sample_image

        for name in SKLEARN_IMAGES:
            out.append(_center(_grey(load_sample_image(f"{name}.jpg")), size))
            names.append(name)
    if source in ("all", "skimage"):
        try:
            import skimage.data
        except ImportError as err:  # pragma: no cover - scikit-image is in the dev extra
            raise ImportError("the scikit-image photographs need scikit-image: "
                              "pip install 'kanerva[plot]' (or use source='sklearn')") from err
        for name in SKIMAGE_IMAGES:
            out.append(_center(_grey(getattr(skimage.data, name)()), size))
            names.append(name)
    return np.stack(out), np.array(names)
