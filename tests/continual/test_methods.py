"""The methods on one tiny task sequence each (one thread, hundreds of steps): what holds even there.

Two tasks of split MNIST (digits 0/1, then 2/3), 200 training images each, one hidden layer of
100 units, 100 steps per task.
"""

import numpy as np
import pytest
import torch

from kanerva.continual import (EWC, SI, ExactBuffer, ItemMemoryBuffer, OnlineEWC, check_method, diagonal_fisher,
                               make_learner, split_mnist, supported_scenarios)
from kanerva.continual.models import MLP, xdg_gates

torch.set_num_threads(1)
STEPS, BATCH, HIDDEN = 100, 64, (100,)
SMALL = {"dgr": dict(z_dim=20), "dgr-distill": dict(z_dim=20), "bi-r": dict(z_dim=20),
         "km-replay": dict(latent=16, km_hidden=64, memory_rows=16, episode=16)}


@pytest.fixture(scope="module")
def sequences():
    return {s: split_mnist(s, n_tasks=2, max_per_task=200) for s in ("task", "domain", "class")}


def fit(method, seq, seed=0, **options):
    torch.manual_seed(seed)
    learner = make_learner(method, seq, hidden=HIDDEN, **{**SMALL.get(method, {}), **options})
    history = learner.fit(seq, iterations=STEPS, batch_size=BATCH, seed=seed)
    return learner, np.array(history["accuracy"])


@pytest.fixture(scope="module")
def class_il(sequences):
    return {m: fit(m, sequences["class"])[1] for m in ("none", "exact-replay", "item-memory", "joint")}


def test_fine_tuning_forgets_the_first_task_in_class_il(class_il):
    after_first, final = class_il["none"][0], class_il["none"][-1]
    assert after_first[0] > 0.95            # task 1 was learned
    assert final[0] < 0.05 and final[1] > 0.9  # and forgotten: every 0 and 1 is now called 2 or 3


def test_exact_replay_keeps_part_of_the_first_task(class_il):
    for method in ("exact-replay", "item-memory", "joint"):
        final = class_il[method][-1]
        assert final[0] > 0.5 and final[1] > 0.7, (method, final)
        assert final[0] > class_il["none"][-1][0] + 0.4


@pytest.mark.parametrize("method, scenario", [("ewc", "class"), ("online-ewc", "task"), ("si", "task"),
                                              ("lwf", "task"), ("dgr", "class"), ("dgr-distill", "task"),
                                              ("bi-r", "class"), ("bi-r", "domain"), ("km-replay", "class")])
def test_every_method_learns_each_new_task(sequences, method, scenario):
    _, acc = fit(method, sequences[scenario])
    assert acc.shape == (2, 2) and np.isnan(acc[0, 1])
    assert acc[0, 0] > 0.9 and acc[-1, 1] > 0.8, (method, scenario, acc)


def test_xdg_runs_in_task_il_and_refuses_the_others(sequences):
    learner, acc = fit("xdg", sequences["task"])
    assert acc[-1].min() > 0.9
    g = learner.classifier.gates
    assert g.shape == (2, 100) and g.sum(1).tolist() == [10.0, 10.0] and not torch.equal(g[0], g[1])
    for scenario in ("domain", "class"):
        with pytest.raises(ValueError, match="XdG gates hidden units by task identity"):
            make_learner("xdg", sequences[scenario])
    assert supported_scenarios("xdg") == ("task",)


def test_ewc_penalty_is_zero_on_the_first_task_and_positive_after(sequences):
    seq = sequences["class"]
    torch.manual_seed(0)
    learner = EWC(seq, hidden=HIDDEN)
    seen = []
    original = learner.penalty

    def spy():
        value = original()
        seen.append((learner.tasks_seen, float(value.detach())))
        return value

    learner.penalty = spy
    learner.fit(seq, iterations=50, batch_size=BATCH)
    first = [v for t, v in seen if t == 0]
    second = [v for t, v in seen if t == 1]
    assert len(first) == 50 and all(v == 0.0 for v in first)
    assert second[0] == pytest.approx(0.0, abs=1e-3) and second[-1] > 0   # zero at the anchor, then grows


def test_diagonal_fisher_equals_the_per_example_loop():
    torch.manual_seed(1)
    seq = split_mnist("task", n_tasks=2, max_per_task=12)
    gates = xdg_gates(2, (6, 5), 0.3, torch.Generator().manual_seed(0))
    for model in (MLP(784, 4, (6, 5)), MLP(784, 4, (6, 5), gates=gates)):
        x, y = seq.tasks[1].x_train, seq.tasks[1].y_train
        task_ids = seq.task_of(y)
        fast = diagonal_fisher(model, x, task_ids, seq, upto=1, batch_size=5)
        slow = {n: torch.zeros_like(p) for n, p in model.named_parameters()}
        for i in range(len(x)):
            out = model(x[i:i + 1], task_ids[i:i + 1]) if model.gates is not None else model(x[i:i + 1])
            logp = torch.log_softmax(seq.head_logits(out, task_ids[i:i + 1], 1), 1)[0]
            for c in range(2):
                grads = torch.autograd.grad(logp[c], list(model.parameters()), retain_graph=True)
                for (n, _), g in zip(model.named_parameters(), grads):
                    slow[n] += logp[c].exp().detach() * g ** 2 / len(x)
        for n in slow:
            torch.testing.assert_close(fast[n], slow[n], rtol=1e-4, atol=1e-9)


def test_offline_ewc_single_term_has_the_gradient_of_the_sum_of_terms(sequences):
    seq = sequences["class"]
    torch.manual_seed(0)
    learner = EWC(seq, hidden=(8,), ewc_lambda=3.0)
    fishers, anchors = [], []
    for t in range(2):
        learner.fit_task(seq, t, 20, 32, torch.Generator().manual_seed(t))
        fishers.append({n: f.clone() for n, f in diagonal_fisher(
            learner.classifier, seq.tasks[t].x_train, seq.task_of(seq.tasks[t].y_train), seq, t).items()})
        anchors.append({n: p.detach().clone() for n, p in learner.classifier.named_parameters()})
    with torch.no_grad():
        for p in learner.classifier.parameters():
            p.add_(0.01 * torch.randn_like(p))
    params = dict(learner.classifier.named_parameters())
    explicit = 1.5 * sum((f[n] * (params[n] - a[n]) ** 2).sum() for f, a in zip(fishers, anchors) for n in f)
    g1 = torch.autograd.grad(learner.penalty(), list(params.values()))
    g2 = torch.autograd.grad(explicit, list(params.values()))
    for a, b in zip(g1, g2):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-8)
    online = OnlineEWC(seq, hidden=(8,), gamma=0.5)
    assert online.online and online.gamma == 0.5


def test_si_importance_is_zero_before_the_first_task_ends(sequences):
    torch.manual_seed(0)
    si = SI(sequences["class"], hidden=(8,))
    si.fit_task(sequences["class"], 0, 10, 32, torch.Generator().manual_seed(0))
    assert si.tasks_seen == 1 and float(si.penalty().detach()) == 0.0       # at the anchor
    assert sum(float(o.abs().sum()) for o in si.omega.values()) > 0
    with torch.no_grad():
        next(si.classifier.parameters()).add_(0.1)
    assert float(si.penalty().detach()) > 0


def test_buffers_stay_class_balanced_and_within_budget(sequences):
    seq = sequences["class"]
    g = torch.Generator().manual_seed(0)
    for buf in (ExactBuffer(budget_bytes=40_000), ExactBuffer(budget_bytes=40_000, dtype="uint8"),
                ItemMemoryBuffer(budget_bytes=40_000)):
        buf.after_task(seq, 0, g)
        first = {c: buf._count(c) for c in buf.rows}
        buf.after_task(seq, 1, g)
        counts = [buf._count(c) for c in sorted(buf.rows)]
        assert max(counts) - min(counts) <= 1 and buf.nbytes() <= 40_000, (type(buf).__name__, counts)
        assert sum(counts) == 40_000 // buf.item_bytes(784)
        assert all(buf._count(c) < first[c] for c in first)    # the new classes took their share
    assert ItemMemoryBuffer(per_class=1).item_bytes(784) == 114 and ExactBuffer(per_class=1).item_bytes(784) == 3144


def test_item_memory_replays_the_stored_images_as_bits(sequences):
    seq = sequences["class"]
    buf = ItemMemoryBuffer(per_class=200)   # every image of task 1
    buf.after_task(seq, 0, torch.Generator().manual_seed(0))
    x, y, _ = buf.sample(64, torch.Generator().manual_seed(1))
    stored = {tuple((img >= 0.5).int().tolist()) for img in seq.tasks[0].x_train}
    assert set(torch.unique(x).tolist()) <= {0.0, 1.0}
    assert all(tuple(img.int().tolist()) in stored for img in x)
    assert set(y.tolist()) <= {0, 1} and len(buf.index) == 200


def test_bad_budgets_and_options_are_clear_errors(sequences):
    with pytest.raises(ValueError, match="as per_class or as budget_bytes"):
        ExactBuffer()
    with pytest.raises(ValueError, match="holds 0 examples"):
        ExactBuffer(budget_bytes=100).quota(2, 784)
    with pytest.raises(ValueError, match="bad option for method 'ewc'"):
        make_learner("ewc", sequences["class"], per_class=3)
    with pytest.raises(ValueError, match="unknown method 'dgr2': choose one of none, joint"):
        check_method("dgr2")
    with pytest.raises(ValueError, match="internal must be between 0 and 0"):
        make_learner("bi-r", sequences["class"], hidden=(10,), internal=1)


def test_class_il_replay_pushes_the_new_classes_down_on_old_inputs(sequences):
    # van de Ven & Tolias (2019): replayed inputs are scored on every class seen so far, the
    # previous model's targets giving the current task's classes probability zero
    seq = sequences["class"]
    torch.manual_seed(0)
    learner = make_learner("dgr", seq, hidden=(8,), z_dim=2)
    teacher = learner.frozen_copy()
    x = seq.tasks[0].x_train[:16]
    for soft in (False, True):
        logits = torch.zeros(16, 4, requires_grad=True)
        learner.teacher_loss(x, seq, 1, teacher, soft=soft, logits=logits).backward()
        assert (logits.grad[:, 2:] > 0).all(), soft          # the new classes' logits go down
        assert torch.allclose(logits.grad.sum(1), torch.zeros(16), atol=1e-6)


def test_kanerva_machine_replay_samples_images_from_its_prior_memory(sequences):
    from kanerva.continual import KanervaMachineGenerator

    learner, acc = fit("km-replay", sequences["class"])
    source = learner.source
    assert source.previous is not None and source.previous is not source.km   # frozen before task 2
    x, y, tasks = source.sample(5, torch.Generator().manual_seed(0))
    assert x.shape == (5, 784) and y is None and tasks is None
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    assert learner.memory_bytes() == 4 * sum(p.numel() for p in source.km.parameters())
    with pytest.raises(ValueError, match="28 x 28 images"):
        KanervaMachineGenerator(100)
