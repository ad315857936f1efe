"""Training and scoring the retrieval models on the associative retrieval task.

The task and its splits come from :func:`kanerva.datasets.load_associative_retrieval` (100,000
train, 10,000 validation, 20,000 test sequences, seeded). Training is Adam on minibatches of the
train split with cross-entropy on the answer digit; the model is scored on the validation split
every ``eval_every`` steps, the best-scoring weights are kept, and the test error is measured
once, at the end, with those weights (Ba et al. 2016, section 4.1, report test error).
"""

from __future__ import annotations

import copy
import math
import time

import numpy as np
import torch
from torch.nn import functional as F


@torch.no_grad()
def evaluate_retrieval(model, tokens, targets, batch: int = 2000) -> float:
    """Classification error (fraction) of ``model`` on ``tokens`` (N, L) with answers ``targets`` (N,).

    >>> from kanerva.nn import make_retrieval_model
    >>> from kanerva.datasets import associative_retrieval
    >>> x, y = associative_retrieval(50, seed=1)
    >>> 0.0 <= evaluate_retrieval(make_retrieval_model("lstm", hidden=8), x, y) <= 1.0
    True
    """
    tokens, targets = np.asarray(tokens), np.asarray(targets)
    if tokens.ndim != 2 or targets.shape != (len(tokens),):
        raise ValueError(f"tokens (N, L) and targets (N,) expected, got {tokens.shape} and {targets.shape}")
    if len(tokens) == 0:
        raise ValueError("no sequences to score")
    was_training = model.training
    model.eval()
    wrong = 0
    for start in range(0, len(tokens), batch):
        x = torch.from_numpy(tokens[start : start + batch]).to(model.device)
        y = torch.from_numpy(targets[start : start + batch]).to(model.device)
        wrong += (model(x).argmax(-1) != y).sum().item()
    model.train(was_training)
    return wrong / len(tokens)


def train_retrieval(model, *, steps: int = 20_000, batch: int = 128, lr: float = 1e-3, seed: int = 0, pairs: int = 4,
                    eval_every: int = 1000, clip: float = 5.0, progress: bool = True, data: dict | None = None,
                    callback=None) -> dict:
    """Train ``model`` on the associative retrieval task; returns the result and its history.

    Parameters
    ----------
    model : FastWeightsRNN, LSTMClassifier or IRNNClassifier
    steps, batch, lr : training budget (Adam)
    seed : int
        Seeds the data splits (:func:`~kanerva.datasets.load_associative_retrieval`), the minibatch
        order and the initialisation noise drawn during training.
    pairs : int
        K letter-digit pairs per sequence.
    eval_every : int
        Steps between validation scores (the best validation weights are kept).
    data : dict, optional
        ``{"train": (x, y), "valid": (x, y), "test": (x, y)}`` to use instead of the generated splits.
    callback : callable(step, model), optional

    Returns
    -------
    dict with ``model``, ``hidden``, ``test_error``, ``valid_error``, ``best_step``, ``steps``,
    ``seconds`` (wall time of the loop, validation included), ``iterations_per_second`` (training
    steps only), ``history`` (step, train loss, valid error).

    Examples
    --------
    >>> from kanerva.nn import make_retrieval_model
    >>> from kanerva.datasets import associative_retrieval
    >>> small = {s: associative_retrieval(200, seed=i) for i, s in enumerate(["train", "valid", "test"])}
    >>> r = train_retrieval(make_retrieval_model("irnn", hidden=8), steps=5, eval_every=5, data=small, progress=False)
    >>> sorted(k for k in r if k != "history")[:4], r["steps"]
    (['batch', 'best_step', 'hidden', 'iterations_per_second'], 5)
    """
    from tqdm import tqdm

    from ..datasets import load_associative_retrieval

    for value, name in ((steps, "steps"), (batch, "batch"), (eval_every, "eval_every")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    if data is None:
        data = {s: load_associative_retrieval(s, pairs=pairs, seed=seed) for s in ("train", "valid", "test")}
    x_train, y_train = (torch.from_numpy(np.asarray(a)) for a in data["train"])
    torch.manual_seed(int(seed))
    order = torch.Generator().manual_seed(int(seed) + 1)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    best = {"valid_error": math.inf, "step": 0, "state": copy.deepcopy(model.state_dict())}
    history, running, start, eval_seconds = [], 0.0, time.perf_counter(), 0.0
    model.train()
    bar = tqdm(range(1, steps + 1), desc=f"training {model.kind} R={model.config['hidden']}", unit="step",
               disable=not progress, leave=False)
    for step in bar:
        idx = torch.randint(0, len(x_train), (batch,), generator=order)
        loss = F.cross_entropy(model(x_train[idx].to(model.device)), y_train[idx].to(model.device))
        if not torch.isfinite(loss):
            raise FloatingPointError(f"the loss became {loss.item()} at step {step}: lower the learning rate (lr={lr})")
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimiser.step()
        running += loss.item()
        if step % eval_every == 0 or step == steps:
            n = eval_every if step % eval_every == 0 else step % eval_every
            tick = time.perf_counter()
            valid = evaluate_retrieval(model, *data["valid"])
            eval_seconds += time.perf_counter() - tick
            history.append({"step": step, "train_loss": running / n, "valid_error": valid,
                            "seconds": time.perf_counter() - start})
            bar.set_postfix(loss=f"{running / n:.3f}", valid=f"{100 * valid:.2f}%")
            running = 0.0
            if valid < best["valid_error"]:
                best = {"valid_error": valid, "step": step, "state": copy.deepcopy(model.state_dict())}
        if callback is not None:
            callback(step, model)
    seconds = time.perf_counter() - start
    model.load_state_dict(best["state"])
    model.eval()
    test = evaluate_retrieval(model, *data["test"])
    model.training_info_ = {"steps": steps, "batch": batch, "lr": float(lr), "seed": int(seed), "pairs": int(pairs),
                            "best_step": best["step"], "valid_error": best["valid_error"], "test_error": test,
                            "seconds": round(seconds, 3)}
    return {"model": model.kind, "hidden": model.config["hidden"], "test_error": test,
            "valid_error": best["valid_error"], "best_step": best["step"], "steps": steps, "batch": batch,
            "seconds": seconds, "iterations_per_second": steps / max(seconds - eval_seconds, 1e-9),
            "history": history}
