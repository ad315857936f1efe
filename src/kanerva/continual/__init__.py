"""kanerva.continual: continual learning with replay (torch, the ``[torch]`` extra).

Split MNIST, split Fashion-MNIST and permuted MNIST in the three scenarios of van de Ven &
Tolias (2019, "Three scenarios for continual learning", arXiv:1904.07734) and the methods they
compare, with brain-inspired replay (van de Ven, Siegelmann & Tolias 2020, Nature
Communications 11:4069) and replay drawn from the library's own memories:

=================  =============================================================================
method             what it does
=================  =============================================================================
``none``           fine-tuning: each task in turn (lower bound)
``joint``          every task so far, mixed (upper bound)
``ewc``            elastic weight consolidation (Kirkpatrick et al. 2017)
``online-ewc``     one running Fisher penalty (Schwarz et al. 2018)
``si``             synaptic intelligence (Zenke, Poole & Ganguli 2017)
``xdg``            context-dependent gating (Masse et al. 2018), task-IL only
``lwf``            learning without forgetting (Li & Hoiem 2017)
``dgr``            deep generative replay from a VAE (Shin et al. 2017)
``dgr-distill``    DGR with distillation of the previous model's soft outputs
``bi-r``           brain-inspired replay (van de Ven, Siegelmann & Tolias 2020)
``exact-replay``   replay from a class-balanced buffer of stored examples (100 per class)
``item-memory``    replay of stored examples kept as packed-bit hypervectors in
                   :class:`kanerva.index.ExactIndex` (same bytes as the float32 buffer)
``km-replay``      generative replay from a Kanerva Machine's prior memory (:mod:`kanerva.nn`)
=================  =============================================================================

Examples
--------
>>> import torch
>>> from kanerva.continual import split_mnist, make_learner
>>> _ = torch.manual_seed(0)
>>> seq = split_mnist("class", n_tasks=2, max_per_task=200)
>>> learner = make_learner("exact-replay", seq, hidden=(64,), per_class=20)
>>> acc = learner.fit(seq, iterations=60, batch_size=32)["accuracy"][-1]
>>> acc[0] > 0.5 and acc[1] > 0.5     # the first task is kept by replaying 40 stored digits
True
"""

try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("kanerva.continual needs PyTorch: pip install 'kanerva[torch]' "
                      "(or: pip install torch==2.13.0)") from exc

from .bir import BrainInspiredReplay
from .experiment import (METHODS, PROTOCOL, ContinualResult, check_method, check_supported, compare, load_model, load_result,
                         make_learner, protocol, run_experiment, save_model, supported_scenarios)
from .functional import LwF, XdG
from .learner import ContinualLearner, FineTuning, Joint, distillation_loss
from .machine_replay import KanervaMachineGenerator, KanervaMachineReplay
from .models import MLP, VAE
from .regularization import EWC, SI, OnlineEWC, diagonal_fisher
from .replay import (ExactBuffer, ExactReplay, GenerativeReplay, ItemMemoryBuffer, ItemMemoryReplay, ReplayLearner,
                     VAEGenerator)
from .tasks import (BENCHMARKS, SCENARIOS, Task, TaskSequence, load_benchmark, permuted_mnist, split_dataset,
                    split_fashion_mnist, split_mnist)

__all__ = [
    "METHODS", "PROTOCOL", "SCENARIOS", "BENCHMARKS", "ContinualResult", "run_experiment", "compare", "make_learner",
    "check_method", "check_supported", "supported_scenarios", "protocol", "save_model", "load_model", "load_result",
    "ContinualLearner", "FineTuning", "Joint", "EWC", "OnlineEWC", "SI", "XdG", "LwF", "ReplayLearner",
    "ExactReplay", "ItemMemoryReplay", "GenerativeReplay", "BrainInspiredReplay", "ExactBuffer", "ItemMemoryBuffer",
    "VAEGenerator", "KanervaMachineReplay", "KanervaMachineGenerator", "MLP", "VAE", "diagonal_fisher", "distillation_loss", "Task", "TaskSequence", "split_mnist",
    "split_fashion_mnist", "permuted_mnist", "split_dataset", "load_benchmark",
]
