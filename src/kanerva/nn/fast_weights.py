"""Fast weights (Ba et al. 2016) and the LSTM and IRNN baselines, for associative retrieval.

Ba, Hinton, Mnih, Leibo & Ionescu (2016), "Using fast weights to attend to the recent past",
NeurIPS. At each step the fast weight matrix is updated with the previous hidden state,

    A(t) = lambda A(t-1) + eta h(t) h(t)^T                                   (their eq. 1)

and the next hidden state settles in an inner loop of S steps with layer normalization,

    h_0 = f(W h(t) + C x(t)),   h_{s+1} = f(LN[W h(t) + C x(t) + A(t) h_s]),   h(t+1) = h_S  (eq. 2-3)

with S = 1, lambda = 0.95, eta = 0.5 and f = ReLU. A(t) h_s = eta sum_tau lambda^(t-tau) h(tau)
(h(tau)^T h_s): the same product is attention to the past hidden states with scores h(tau)^T h_s
and weights decaying as lambda^age. ``form="attention"`` computes it that way, keeping the t past
states (t x N numbers per sequence) instead of the N x N matrix (a complaint about the
TensorFlow reference, whose batch x N x N matrices dominate its memory); both forms give the same
outputs (tests check it).

All three models share the harness: symbols embedded into 100 ReLU units, the recurrent layer of
R hidden units, then 100 ReLU units and a softmax over the 10 digits, read after the last symbol.
The IRNN is the ReLU RNN with identity-initialised recurrent weights (Le, Jaitly & Hinton 2015).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

FORMS = ("matrix", "attention")
RETRIEVAL_MODELS = ("fastweights", "lstm", "irnn")


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


class _Harness(nn.Module):
    """Embedding in, classifier out; subclasses provide ``_recur(inputs) -> last hidden state``."""

    kind = "retrieval"

    def __init__(self, hidden: int, vocab: int, embed: int, classes: int):
        super().__init__()
        self.config = {"hidden": _positive(hidden, "hidden"), "vocab": _positive(vocab, "vocab"),
                       "embed": _positive(embed, "embed"), "classes": _positive(classes, "classes")}
        self.embed = nn.Embedding(vocab, embed)
        self.head = nn.Sequential(nn.Linear(hidden, 100), nn.ReLU(), nn.Linear(100, classes))
        self.training_info_: dict = {}

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits (N, classes) for symbol codes ``tokens`` (N, L)."""
        tokens = torch.as_tensor(tokens, device=self.device)
        if tokens.ndim != 2 or tokens.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"tokens must be an integer array of shape (N, L), got {tuple(tokens.shape)} "
                             f"of {tokens.dtype}")
        if tokens.numel() and (tokens.min() < 0 or tokens.max() >= self.config["vocab"]):
            raise ValueError(f"tokens must be symbol codes 0..{self.config['vocab'] - 1}")
        return self.head(self._recur(F.relu(self.embed(tokens))))


class FastWeightsRNN(_Harness):
    """The fast-weights RNN with layer normalization in the inner loop.

    Parameters
    ----------
    hidden : int
        R, hidden units.
    decay, rate : float
        lambda and eta of the fast weights (0.95 and 0.5 in the paper).
    inner_steps : int
        S (1 in the paper).
    form : {"matrix", "attention"}
        Keep A(t) (batch x R x R) or the past hidden states (batch x t x R): same outputs.
    vocab, embed, classes : int

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> fw = FastWeightsRNN(hidden=20)
    >>> tokens = torch.randint(0, 37, (3, 11))
    >>> matrix_out = fw(tokens)
    >>> tuple(matrix_out.shape)
    (3, 10)
    >>> fw.form = "attention"
    >>> torch.allclose(matrix_out, fw(tokens), atol=1e-5)
    True
    """

    kind = "fastweights"

    def __init__(self, hidden: int = 50, decay: float = 0.95, rate: float = 0.5, inner_steps: int = 1,
                 form: str = "matrix", vocab: int = 37, embed: int = 100, classes: int = 10):
        super().__init__(hidden, vocab, embed, classes)
        if not 0.0 < float(decay) <= 1.0:
            raise ValueError(f"decay must be in (0, 1], got {decay!r}")
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"rate must be a positive number, got {rate!r}")
        if form not in FORMS:
            raise ValueError(f"form must be one of {FORMS}, got {form!r}")
        self.config.update(decay=float(decay), rate=float(rate), inner_steps=_positive(inner_steps, "inner_steps"))
        self.form = form
        self.W = nn.Linear(hidden, hidden, bias=False)
        self.C = nn.Linear(embed, hidden)
        self.norm = nn.LayerNorm(hidden)
        with torch.no_grad():
            self.W.weight.copy_(0.05 * torch.eye(hidden))

    def _recur(self, x: torch.Tensor) -> torch.Tensor:
        n, length, _ = x.shape
        r = self.config["hidden"]
        lam, eta, steps = self.config["decay"], self.config["rate"], self.config["inner_steps"]
        h = x.new_zeros(n, r)
        slow_in = self.C(x)                                   # C x(t) for every t at once
        if self.form == "matrix":
            A = x.new_zeros(n, r, r)
        else:
            past = []
        for t in range(length):
            slow = self.W(h) + slow_in[:, t]
            if self.form == "matrix":
                A = torch.baddbmm(A, h.unsqueeze(2), h.unsqueeze(1), beta=lam, alpha=eta)
            else:
                past.append(h)
                H = torch.stack(past, 1)                                         # (n, t+1, r)
                decay = lam ** torch.arange(len(past) - 1, -1, -1, dtype=x.dtype, device=x.device)
            hs = F.relu(slow)
            for _ in range(steps):
                if self.form == "matrix":
                    fast = torch.bmm(A, hs.unsqueeze(2)).squeeze(2)
                else:
                    scores = torch.bmm(H, hs.unsqueeze(2)).squeeze(2) * decay      # (n, t+1)
                    fast = eta * torch.bmm(scores.unsqueeze(1), H).squeeze(1)
                hs = F.relu(self.norm(slow + fast))
            h = hs
        return h


class LSTMClassifier(_Harness):
    """An LSTM (torch.nn.LSTM, one layer) in the same harness.

    >>> tuple(LSTMClassifier(hidden=20)(torch.zeros(2, 11, dtype=torch.long)).shape)
    (2, 10)
    """

    kind = "lstm"

    def __init__(self, hidden: int = 50, vocab: int = 37, embed: int = 100, classes: int = 10):
        super().__init__(hidden, vocab, embed, classes)
        self.rnn = nn.LSTM(embed, hidden, batch_first=True)

    def _recur(self, x):
        return self.rnn(x)[1][0][-1]


class IRNNClassifier(_Harness):
    """A ReLU RNN with identity-initialised recurrent weights (Le et al. 2015) in the same harness.

    >>> tuple(IRNNClassifier(hidden=20)(torch.zeros(2, 11, dtype=torch.long)).shape)
    (2, 10)
    """

    kind = "irnn"

    def __init__(self, hidden: int = 50, vocab: int = 37, embed: int = 100, classes: int = 10):
        super().__init__(hidden, vocab, embed, classes)
        self.rnn = nn.RNN(embed, hidden, nonlinearity="relu", batch_first=True)
        with torch.no_grad():
            self.rnn.weight_hh_l0.copy_(torch.eye(hidden))
            self.rnn.bias_hh_l0.zero_()
            self.rnn.bias_ih_l0.zero_()
            self.rnn.weight_ih_l0.normal_(0.0, 0.001)

    def _recur(self, x):
        return self.rnn(x)[1][-1]


_CLASSES = {"fastweights": FastWeightsRNN, "lstm": LSTMClassifier, "irnn": IRNNClassifier}


def make_retrieval_model(name: str, hidden: int = 50, **config):
    """A retrieval model by name: "fastweights", "lstm" or "irnn".

    >>> make_retrieval_model("irnn", hidden=20).kind
    'irnn'
    """
    if name not in _CLASSES:
        raise ValueError(f"model must be one of {RETRIEVAL_MODELS}, got {name!r}")
    return _CLASSES[name](hidden=hidden, **config)
