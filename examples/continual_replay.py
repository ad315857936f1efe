"""
Replay keeps what fine-tuning forgets
=====================================

A small network learns three tasks of split MNIST one after the other (digits 0/1, then 2/3, then
4/5) and must tell apart every digit seen so far (class-incremental learning). Fine-tuning
forgets each task as soon as it learns the next one; replaying 5 stored digits of each class
beside every new batch keeps them; the same bytes spent on packed-bit copies in the library's
item memory (:class:`kanerva.index.ExactIndex`) keep 27 times more digits. The figure shows the
test accuracy on each task as training proceeds (van de Ven & Tolias 2019; the full comparison
is ``python -m benchmarks.continual``).
"""

import torch

from kanerva.continual import run_experiment, split_mnist
from kanerva.continual.plots import plot_accuracy

torch.set_num_threads(1)
sequence = split_mnist("class", n_tasks=3, max_per_task=400)
budget = 5 * 6 * (4 * 784 + 8)           # 5 float32 digits per class, in bytes
settings = dict(seeds=1, iterations=120, batch_size=64, hidden=(100,), eval_every=20, progress=False,
                sequence=sequence)
results = [run_experiment("split-mnist", "class", "none", **settings),
           run_experiment("split-mnist", "class", "exact-replay", options={"budget_bytes": budget}, **settings),
           run_experiment("split-mnist", "class", "item-memory", options={"budget_bytes": budget}, **settings)]
for r in results:
    tasks = "  ".join(f"task {t + 1}: {100 * a:5.1f}%" for t, a in enumerate(r.per_task))
    print(f"{r.method:<13} {tasks}   memory {r.memory_bytes:,} bytes")
none, exact, item = (r.per_task[0] for r in results)
print(f"fine-tuning forgets task 1: {none < 0.1}")
print(f"exact replay keeps part of task 1: {exact > 0.5}")
print(f"the item memory keeps at least as much at the same bytes: {item >= exact - 0.05}")
fig = plot_accuracy(results, columns=3, title="split MNIST (3 tasks), class-incremental")
