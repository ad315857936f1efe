"""Bad input to the image models gets an error that names the problem."""

import numpy as np
import pytest
import torch

from kanerva.nn import EpisodeSampler, check_images, corrupt, evaluate_bound, fit, make_model
from kanerva.nn.experiments import denoise_experiment


def test_wrong_shapes_are_named():
    with pytest.raises(ValueError, match=r"shape \(n, 28, 28\).*got \(5, 32, 32\)"):
        check_images(np.zeros((5, 32, 32), np.uint8))
    with pytest.raises(ValueError, match="got \\(28, 28\\)"):
        check_images(np.zeros((28, 28)))
    with pytest.raises(ValueError, match="empty"):
        check_images(np.zeros((0, 28, 28)))
    assert check_images(np.zeros((3, 784))).shape == (3, 28, 28)


def test_wrong_ranges_are_named():
    with pytest.raises(ValueError, match="divide by 255"):
        check_images(np.full((2, 28, 28), 255.0))
    with pytest.raises(ValueError, match="from -1 to -1"):
        check_images(-np.ones((2, 28, 28)))
    with pytest.raises(ValueError, match="NaN"):
        check_images(np.full((2, 28, 28), np.nan))
    with pytest.raises(ValueError, match="numeric"):
        check_images(np.array([["a"] * 28] * 28)[None])
    assert check_images(np.full((1, 28, 28), 255, np.uint8)).max() == 1.0


def test_episode_longer_than_the_data_is_named():
    images = np.zeros((10, 28, 28), np.uint8)
    with pytest.raises(ValueError, match="episode of 32 images is longer than the data \\(10 images\\)"):
        EpisodeSampler(images, episode=32)
    model = make_model("km", latent=4, hidden=8, memory_rows=2)
    with pytest.raises(ValueError, match="longer than the data"):
        fit(model, images, steps=1, episode=11, progress=False)
    with pytest.raises(ValueError, match="longer than the data"):
        evaluate_bound(model, images, episode=11)
    with pytest.raises(ValueError, match="longer than the data"):
        denoise_experiment(model, images, "occlude", episode=11)
    with pytest.raises(ValueError, match="episode must be a positive integer"):
        EpisodeSampler(images, episode=0)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="encoder must be one of"):
        make_model("vae", encoder="resnet")
    with pytest.raises(ValueError, match="model must be one of"):
        make_model("gan")
    with pytest.raises(ValueError, match="latent"):
        make_model("vae", latent=0)
    with pytest.raises(ValueError, match="w_prior_std"):
        make_model("dkm", w_prior_std=-1.0)
    for kind in ("km", "dkm"):
        with pytest.raises(ValueError, match="objective must be one of"):
            make_model(kind, objective="elbo")
    model = make_model("vae", latent=4, hidden=8)
    with pytest.raises(ValueError, match="steps"):
        fit(model, np.zeros((10, 28, 28), np.uint8), steps=0)
    with pytest.raises(ValueError, match="lr"):
        fit(model, np.zeros((10, 28, 28), np.uint8), steps=1, lr=float("nan"))


def test_reading_checks_its_queries():
    model = make_model("dkm", latent=4, hidden=8, memory_rows=3)
    x = torch.bernoulli(torch.full((4, 28, 28), 0.3))
    memory = model.write(x)
    with pytest.raises(ValueError, match="uint8 grey levels"):
        model.read(torch.zeros(4, 28, 28, dtype=torch.uint8), memory)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.read(x * 3, memory)
    with pytest.raises(ValueError, match="shape"):
        model.read(torch.zeros(4, 27, 28), memory)
    with pytest.raises(ValueError, match="2 episodes of queries for 1 memories"):
        model.read(torch.stack([x, x]), memory)
    with pytest.raises(ValueError, match="iterations"):
        model.read(x, memory, iterations=-1)
    with pytest.raises(ValueError, match="no memory"):
        denoise_experiment(make_model("vae", latent=2, hidden=4), np.zeros((10, 28, 28), np.uint8), "occlude",
                           episode=4)
    with pytest.raises(ValueError, match="noise must be one of"):
        corrupt(x, "gaussian")
