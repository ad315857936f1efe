"""kanerva.continual.tasks: the splits, the relabelling, the three scenarios' heads, bad input."""

import numpy as np
import pytest
import torch

from kanerva.continual import load_benchmark, permuted_mnist, split_dataset, split_mnist
from kanerva.datasets import load_mnist

torch.set_num_threads(1)


def test_split_mnist_tasks_hold_their_two_digits_and_all_images():
    seq = split_mnist("class")
    _, y = load_mnist("train")
    assert [t.classes for t in seq.tasks] == [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    assert sum(len(t.y_train) for t in seq.tasks) == len(y)
    for t in seq.tasks:
        assert set(t.y_train.tolist()) == set(t.classes) == set(t.y_test.tolist())
        assert t.x_train.dtype == torch.float32 and 0 <= t.x_train.min() and t.x_train.max() <= 1


def test_class_order_relabels_tasks_contiguously():
    seq = split_dataset(load_mnist("train"), load_mnist("test"), n_tasks=2, classes_per_task=2,
                        scenario="task", class_order=[7, 3, 1, 0])
    x7, _ = load_mnist("train")
    _, y = load_mnist("train")
    # task 0 is digits 7 and 3, relabelled 0 and 1, in the data's order
    first = torch.from_numpy(x7[np.isin(y, [7, 3])].reshape(-1, 784).astype(np.float32) / 255)
    assert torch.equal(seq.tasks[0].x_train, first)
    assert seq.tasks[0].y_train.tolist() == [0 if v == 7 else 1 for v in y[np.isin(y, [7, 3])]]
    assert seq.info["class_order"] == [7, 3, 1, 0]


@pytest.mark.parametrize("scenario, units, outputs", [("task", [(0, 2), (2, 4), (4, 6)], 10),
                                                     ("domain", [(0, 2)] * 3, 2),
                                                     ("class", [(0, 2), (0, 4), (0, 6)], 10)])
def test_each_scenario_trains_its_units(scenario, units, outputs):
    seq = split_mnist(scenario)
    assert seq.n_outputs == outputs
    assert [seq.train_units(t) for t in range(3)] == units


def test_head_logits_pick_each_samples_own_head_in_task_il():
    seq = split_mnist("task")
    logits = torch.arange(20.0).reshape(2, 10)
    heads = seq.head_logits(logits, torch.tensor([1, 4]), upto=4)
    assert heads.tolist() == [[2.0, 3.0], [18.0, 19.0]]
    y = torch.tensor([3, 8])
    assert seq.target(y).tolist() == [1, 0]
    assert split_mnist("class").target(y).tolist() == [3, 8]


def test_permuted_mnist_permutes_pixels_and_offsets_classes():
    seq = permuted_mnist("class", n_tasks=3)
    a, b = seq.tasks[0].x_train, seq.tasks[2].x_train
    assert torch.allclose(a.sum(1), b.sum(1))            # the same images, pixels moved
    assert not torch.equal(a, b)
    _, y = load_mnist("train")
    assert torch.equal(seq.tasks[2].y_train, torch.from_numpy(y + 20))
    assert seq.n_outputs == 30 and permuted_mnist("domain", n_tasks=3).n_outputs == 10


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_tasks=6, classes_per_task=2), "too few classes for the split: 6 tasks of 2 classes need 12"),
    (dict(n_tasks=2, classes_per_task=2, class_order=[1, 1, 2, 3]), "repeats a class"),
    (dict(n_tasks=2, classes_per_task=2, class_order=[1, 2, 3]), "names 3 classes"),
    (dict(n_tasks=0, classes_per_task=2), "n_tasks must be an integer >= 1"),
])
def test_bad_splits_are_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        split_dataset(load_mnist("train"), load_mnist("test"), scenario="class", **kwargs)


def test_unknown_scenario_and_benchmark():
    with pytest.raises(ValueError, match="unknown scenario 'clas': choose one of task, domain, class"):
        split_mnist("clas")
    with pytest.raises(ValueError, match="unknown benchmark 'cifar'"):
        load_benchmark("cifar", "class")
