"""``python -m kanerva.datasets fetch fashion-mnist``: put a fetched data set into the cache."""

import sys

from .digits import fetch_fashion_mnist


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["fetch", "fashion-mnist"]:
        print("usage: python -m kanerva.datasets fetch fashion-mnist", file=sys.stderr)
        return 2
    print(f"Fashion-MNIST in {fetch_fashion_mnist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
