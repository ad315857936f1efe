"""
A Kanerva Machine writes an episode of digits and reads it back
===============================================================

A Kanerva Machine (Wu, Wayne, Graves & Lillicrap 2018) keeps a matrix-variate Gaussian memory that
is written by one closed-form Bayesian update per episode. Here a small machine and a VAE with the
same encoder and decoder are trained for a few seconds on dynamically binarized MNIST digits;
then the machine writes an episode of 16 test digits, the bottom half of each is hidden, and the
machine reads whole digits back from memory. The per-image bounds are printed (the
memory-conditional one is what the papers report), and the bit error of the reads beside that of
the half-hidden queries: at this size the reads draw complete digits but are not closer to the
written ones than the queries were. A third model, a machine trained on the objective of
DeepMind's memory module (``objective="reference"``: the memory read at its mean, a diagonal KL),
fills its memory: its memory-conditional bound falls below the VAE's while its true episode bound
rises. ``benchmarks/nn_machines.py`` runs the full-size comparison.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch

from kanerva.datasets import load_mnist
from kanerva.nn import KanervaMachine, VAE, bit_error, corrupt, evaluate_bound

torch.set_num_threads(1)
train, _ = load_mnist("train")
test, _ = load_mnist("test")

models, bounds = {}, {}
for name, cls, extra in (("VAE", VAE, {}), ("KM", KanervaMachine, {"memory_rows": 16, "address_size": 8}),
                         ("KM, reference objective", KanervaMachine,
                          {"memory_rows": 32, "address_size": 16, "objective": "reference"})):
    torch.manual_seed(0)
    models[name] = cls(encoder="mlp", latent=16, hidden=128, **extra)
    models[name].fit(train[:2000], steps=150, episode=16, batch=4, lr=2e-3, progress=False)
    r = bounds[name] = evaluate_bound(models[name], test[:512], episode=16)
    if name == "VAE":
        print(f"VAE test bound {r['nll_nats']:.1f} nats/image (dynamic binarization)")
    else:
        print(f"{name}: memory-conditional bound {r['nll_nats']:.1f} nats/image, true episode bound "
              f"{r['nll_episode_nats']:.1f} (the memory holds {r['kl_memory_per_image']:.1f} nats/image)")

ref, vae = bounds["KM, reference objective"], bounds["VAE"]
print(f"reference objective: memory-conditional bound below the VAE's: {ref['nll_nats'] < vae['nll_nats']}; "
      f"true episode bound above it: {ref['nll_episode_nats'] > vae['nll_nats']}")

km = models["KM"]
rng = np.random.default_rng(0)
episode = torch.from_numpy(rng.random((16, 28, 28)) < test[:16] / 255.0).float()
memory = km.write(episode)                       # one Bayesian update of R and U
queries = corrupt(episode, "occlude")            # bottom half hidden
reads = km.read(queries, memory, iterations=1)
print(f"wrote 16 digits; bit error of the occluded queries {100 * bit_error(queries, episode).mean():.1f}%, "
      f"of the reads {100 * bit_error(reads, episode).mean():.1f}%")

fig, axes = plt.subplots(3, 8, figsize=(8, 3.3))
for col in range(8):
    for row, (images, label) in enumerate([(episode, "written"), (queries, "query"), (reads, "read")]):
        ax = axes[row, col]
        ax.imshow(images[col].numpy(), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if col == 0:
            ax.set_ylabel(label)
fig.suptitle("Kanerva Machine: written digits, occluded queries, reads from memory")
fig.tight_layout()
