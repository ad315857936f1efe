"""kanerva.nn: memory inside neural networks (PyTorch, the ``[torch]`` extra).

- :class:`VAE`: the variational autoencoder baseline (Kingma & Welling 2014), Bernoulli pixels.
- :class:`KanervaMachine`: the generative distributed memory of Wu, Wayne, Graves & Lillicrap
  (ICLR 2018): a matrix-variate Gaussian memory written by a closed-form Bayesian update.
- :class:`DynamicKanervaMachine`: Wu, Wayne, Gregor & Lillicrap (NeurIPS 2018): least-squares
  addressing and iterative (attractor) reading that cleans corrupted queries.
- :class:`FastWeightsRNN` and the :class:`LSTMClassifier` / :class:`IRNNClassifier` baselines for
  the associative retrieval task of Ba, Hinton, Mnih, Leibo & Ionescu (NeurIPS 2016).

The three image models share one encoder/decoder (:mod:`kanerva.nn.networks`), one training loop
(:func:`fit`), one evaluation (:func:`evaluate_bound`) and one file format (:func:`save_model`,
:func:`load_model`: safetensors through :mod:`kanerva.io`, never ``torch.load``).

Importing this package without torch raises one ImportError that says how to install it.
"""

try:
    import torch as _torch  # noqa: F401
except ImportError:  # pragma: no cover - exercised in a subprocess by tests/nn/test_no_torch.py
    raise ImportError(
        "kanerva.nn needs PyTorch, which is not installed: pip install 'kanerva[torch]' "
        "(or: pip install torch==2.13.0, the CPU build)"
    ) from None

from .corruption import CORRUPTIONS, bit_error, corrupt
from .data import EpisodeSampler, check_images
from .dynamic_kanerva import DynamicKanervaMachine
from .experiments import denoise_experiment, sample_experiment
from .fast_weights import FastWeightsRNN, IRNNClassifier, LSTMClassifier, make_retrieval_model
from .files import load_model, save_model
from .kanerva_machine import KanervaMachine
from .memory import GaussianMemory, MemoryState
from .retrieval_training import evaluate_retrieval, train_retrieval
from .training import MODELS, evaluate_bound, fit, make_model
from .vae import VAE

__all__ = ["VAE", "KanervaMachine", "DynamicKanervaMachine", "GaussianMemory", "MemoryState",
           "FastWeightsRNN", "LSTMClassifier", "IRNNClassifier", "make_retrieval_model",
           "train_retrieval", "evaluate_retrieval", "fit", "evaluate_bound", "make_model", "MODELS",
           "save_model", "load_model", "EpisodeSampler", "check_images", "corrupt", "bit_error",
           "CORRUPTIONS", "denoise_experiment", "sample_experiment"]
