"""Pytest settings for the whole checkout: torch runs on one thread in every test of the torch
rooms (a small network on a shared 2-core machine is several times slower with two threads), and
the figures a test leaves open are closed after it."""

import os


def pytest_runtest_setup(item):
    path = str(item.fspath)
    if f"{os.sep}continual" in path or f"{os.sep}nn{os.sep}" in path:
        import torch

        torch.set_num_threads(1)


def pytest_runtest_teardown(item):
    """Close the figures a test or an example left open (the plotting functions return them open,
    for notebooks): otherwise they pile up over the session and matplotlib warns."""
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
