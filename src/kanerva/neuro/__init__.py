"""kanerva.neuro: neurons, synapses, networks, neural coding, information, spiking optimisation.

Units throughout: time ms, membrane potential mV, rates Hz; currents in nA for LIF and
compartmental cells, µA/cm² for Hodgkin–Huxley, dimensionless for the theta and Izhikevich
models (as in their papers).

>>> from kanerva.neuro import LIF, lif_rate, simulate
>>> run = simulate(LIF(), 1000.0, 0.1, current=2.0)
>>> float(run.rates()[0]), round(float(lif_rate(2.0)[()]), 2)
(63.0, 63.04)
"""

from ._checks import UnstableStepWarning
from .cable import Compartmental, cable_steady_state, length_constant
from .decoding import (OptimalLinearDecoder, bayes_decode, fisher_information, ml_decode,
                       population_vector)
from .glm import LNP, PoissonGLM, glm_design, raised_cosine_basis, simulate_glm
from .hh import HodgkinHuxley, hh_rates
from .information import (bayes_bin_count, direct_method, entropy, information_per_spike,
                          mutual_information, shuffle_bias)
from .integrate import Run, simulate
from .optimise import SpikingQP, causal_inference_qp, qp_objective, spiking_nnls
from .rates import LinearRecurrent, WilsonCowan, amplification, feedforward
from .networks import LIFNetwork, brunel2000, brunel_rate, fixed_indegree, network_state
from .neurons import IZHIKEVICH_PARAMS, LIF, Izhikevich, Theta, lif_rate, theta_rate
from .spikes import (binned_counts, cosine_tuning, cv, cv2, fano_factor, gaussian_tuning,
                     inhomogeneous_poisson, isi, poisson_train, spike_counts, spike_triggered_average,
                     synchrony, tuning_curve, von_mises_tuning)
from .synapses import (ExpSynapse, Receptor, alpha_kernel, biexponential_kernel,
                       depression_steady_state, exponential_kernel, mg_block, tsodyks_markram)

__all__ = [
    "UnstableStepWarning", "Run", "simulate",
    "LIF", "lif_rate", "Theta", "theta_rate", "Izhikevich", "IZHIKEVICH_PARAMS",
    "HodgkinHuxley", "hh_rates", "Compartmental", "cable_steady_state", "length_constant",
    "ExpSynapse", "Receptor", "mg_block", "exponential_kernel", "alpha_kernel",
    "biexponential_kernel", "tsodyks_markram", "depression_steady_state",
    "feedforward", "amplification", "LinearRecurrent", "WilsonCowan",
    "LIFNetwork", "fixed_indegree", "brunel2000", "brunel_rate", "network_state",
    "poisson_train", "inhomogeneous_poisson", "isi", "cv", "cv2", "spike_counts", "fano_factor",
    "cosine_tuning", "von_mises_tuning", "gaussian_tuning", "tuning_curve",
    "spike_triggered_average", "binned_counts", "synchrony",
    "LNP", "PoissonGLM", "glm_design", "raised_cosine_basis", "simulate_glm",
    "population_vector", "ml_decode", "bayes_decode", "fisher_information", "OptimalLinearDecoder",
    "entropy", "mutual_information", "bayes_bin_count", "shuffle_bias", "direct_method",
    "information_per_spike",
    "SpikingQP", "spiking_nnls", "causal_inference_qp", "qp_objective",
]
