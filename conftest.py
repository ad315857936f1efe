"""Pytest settings for the whole checkout: torch runs on one thread in every test of the torch
rooms (a small network on a shared 2-core machine is several times slower with two threads)."""

import os


def pytest_runtest_setup(item):
    path = str(item.fspath)
    if f"{os.sep}continual" in path or f"{os.sep}nn{os.sep}" in path:
        import torch

        torch.set_num_threads(1)
