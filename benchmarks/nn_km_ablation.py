"""Why the Kanerva Machines' bound stays above the VAE's: what the memory carries when it is cheaper.

    python -m benchmarks.nn_km_ablation [--steps 1000] [--only "VAE;KM;KM, beta = 0"]

A short, fixed budget (default 1,000 Adam steps of 4 episodes of T = 32 MNIST digits, latent 100,
hidden 256, memory 32 rows, one torch thread, seed 0) for the VAE and for variants of the KM and
DKM that make the memory cheaper or its reads sharper:

- ``beta``: the memory's KL weighted by beta in the training loss (1 is the bound; 0 makes what the
  memory stores free, the regime in which a memory-conditional bound can only fall);
- ``noise``: the read/write noise sigma fixed instead of learned (the DKM reference code fixes 1.0);
- ``address``: the size S of the addressing latent (S < T = 32 puts 32 codes in an S-dimensional
  subspace of the rows);
- ``write``: the KM's memory written at the mean address of q(y | x) instead of the sampled one;
- ``rows``: K, the memory rows (K = 256 > T = 32 with S = 64 lets a write store every code exactly);
- ``objective``: "reference", the DeepMind module's objective (memory read at its mean, diagonal KL).

For the KM variants two diagnostics on 8 test episodes say where the nats go: the storage error
|c - w^T R|^2 / |c|^2 of the written codes c read back at their own addresses, and the memory's
uncertainty charged by the bound, C w^T U w / (2 sigma^2) nats per image (about C / 2 = 50 for
a code written once and stored exactly; not charged when the memory is read at its mean).

Every variant is evaluated like the main table (memory-conditional and episode bounds on the test
split, episodes of 32, nats per image). Correctness runs: no timing. Writes
benchmarks/results/nn_km_ablation.json.
"""

from __future__ import annotations

import argparse
import json
import os

import torch

from ._util import RESULTS, markdown_table, stamp, write_json

# (name, model, settings); beta, noise, address, write as described above
VARIANTS = [
    ("VAE", "vae", {}),
    ("KM", "km", {}),
    ("KM, mean-address write", "km", {"write": "mean"}),
    ("KM, S = 32", "km", {"address": 32}),
    ("KM, S = 64", "km", {"address": 64}),
    ("KM, sigma = 1 fixed", "km", {"noise": 1.0, "address": 32}),
    ("KM, sigma = 0.3 fixed", "km", {"noise": 0.3, "address": 32}),
    ("KM, beta = 0.3", "km", {"beta": 0.3}),
    ("KM, beta = 0", "km", {"beta": 0.0}),
    ("KM, beta = 0, S = 64", "km", {"beta": 0.0, "address": 64}),
    ("KM, beta = 0, sigma = 0.3 fixed", "km", {"beta": 0.0, "noise": 0.3, "address": 32}),
    ("KM, beta = 0, mean-address write", "km", {"beta": 0.0, "write": "mean"}),
    ("KM, reference objective", "km", {"objective": "reference"}),
    ("KM, K = 256, S = 64, beta = 0, sigma = 0.3 fixed", "km", {"rows": 256, "address": 64, "beta": 0.0, "noise": 0.3}),
    ("KM, K = 256, S = 64, reference objective", "km", {"rows": 256, "address": 64, "objective": "reference"}),
    ("DKM", "dkm", {}),
    ("DKM, sigma = 1 fixed", "dkm", {"noise": 1.0}),
    ("DKM, no autoencoder term", "dkm", {"autoencoder_weight": 0.0}),
]


def build(kind: str, settings: dict):
    from kanerva.nn import DynamicKanervaMachine, GaussianMemory, KanervaMachine, VAE
    from kanerva.nn.networks import reparameterize

    if kind == "vae":
        return VAE(latent=100, hidden=256)
    if kind == "dkm":
        model = DynamicKanervaMachine(latent=100, hidden=256, memory_rows=32,
                                      autoencoder_weight=settings.get("autoencoder_weight", 1.0))
    else:
        model = KanervaMachine(latent=100, hidden=256, memory_rows=settings.get("rows", 32),
                               address_size=settings.get("address", 16),
                               objective=settings.get("objective", "bound"))
    if "noise" in settings:
        model.memory = GaussianMemory(rows=model.config["memory_rows"], code=100, noise_std=settings["noise"],
                                      learn_noise=False)
    if settings.get("write") == "mean":
        def addresses(mu_y, log_std_y, keys=model.keys):  # write at the mean of q(y | x), read at a sample
            return mu_y @ keys, reparameterize(mu_y, log_std_y) @ keys
        model._addresses = addresses
    if "beta" in settings:
        base_loss = model.training_loss

        def training_loss(x, self=model, beta=settings["beta"]):  # the memory's KL weighted by beta
            loss, terms = base_loss(x)
            return loss - (1.0 - beta) * (terms["kl_memory"] / x.shape[1]).mean(), terms
        model.training_loss = training_loss
    return model


@torch.no_grad()
def storage_diagnostics(model, test) -> dict:
    """Storage error and the memory-uncertainty charge of a KM on 8 test episodes of 32 (see above)."""
    from kanerva.datasets import binarize
    from kanerva.nn.networks import reparameterize

    x = torch.as_tensor(binarize(test[:256], random_state=1), dtype=torch.float32).reshape(8, 32, 28, 28)
    h = model._features(x)
    mu_y, log_std_y = model.address_head(h)
    torch.manual_seed(1)
    w = reparameterize(mu_y, log_std_y) @ model.keys   # a sample of q(y | x), as the bound writes and reads
    state = model._write_codes(h, w)
    code, read = model.write_head(h), model.memory.read_mean(state, w)
    charge = 0.5 * model.memory.code * model.memory.read_var(state, w) / model.memory.noise_var
    return {"storage_error": ((code - read).pow(2).sum(-1) / code.pow(2).sum(-1)).mean().item(),
            "uncertainty_charge_nats": charge.mean().item(), "noise_std": model.memory.noise_var.sqrt().item()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--only", default=None, help="variant names separated by ';'")
    args = parser.parse_args(argv)
    names = {v[0] for v in VARIANTS}
    only = names if args.only is None else set(args.only.split(";"))
    if not only <= names:
        parser.error(f"unknown variants {sorted(only - names)}; known: {sorted(names)}")
    torch.set_num_threads(1)
    from kanerva.datasets import load_mnist
    from kanerva.nn import evaluate_bound, fit

    train, _ = load_mnist("train")
    test, _ = load_mnist("test")
    rows, out = [], []
    for name, kind, settings in VARIANTS:
        if name not in only:
            continue
        torch.manual_seed(0)
        model = build(kind, settings)
        fit(model, train, steps=args.steps, episode=32, batch=4, lr=1e-3, seed=0, progress=False)
        model.eval()
        r = evaluate_bound(model, test, episode=32)
        if kind == "km":
            r.update(storage_diagnostics(model, test))
        out.append({"variant": name, "model": kind, "settings": settings, **r, "date": stamp()})
        print(" | ".join(_row(out[-1])), flush=True)
    name = "nn_km_ablation" + ("" if args.steps == 1000 else f"_steps{args.steps}")
    previous = RESULTS / f"{name}.json"
    if previous.exists():  # merge: a run of some variants keeps the others' stored results
        ran = {r["variant"] for r in out}
        out = [r for r in json.loads(previous.read_text())["runs"] if r["variant"] not in ran] + out
    out.sort(key=lambda r: [v[0] for v in VARIANTS].index(r["variant"]))
    print(markdown_table(["variant", "memory-conditional", "episode bound", "KL(M)/T", "reconstruction",
                          "storage error", "uncertainty charge"], [_row(r) for r in out]))
    print(f"wrote {write_json(name, {'steps': args.steps, 'runs': out, 'load': os.getloadavg()})}")


def _row(r: dict) -> list:
    return [r["variant"], f"{r['nll_nats']:.2f}", f"{r['nll_episode_nats']:.2f}", f"{r['kl_memory_per_image']:.2f}",
            f"{r['recon_nats']:.2f}", f"{r['storage_error']:.3f}" if "storage_error" in r else "-",
            f"{r['uncertainty_charge_nats']:.2f}" if "uncertainty_charge_nats" in r else "-"]


if __name__ == "__main__":
    main()
