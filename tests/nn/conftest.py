"""The nn tests run on one torch thread (the machine and CI are shared, 2 cores)."""

import torch

torch.set_num_threads(1)
