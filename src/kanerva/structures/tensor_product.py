"""Tensor product representations (Smolensky 1990, "Tensor product variable binding and the
representation of symbolic structures in connectionist systems", Artificial Intelligence
46:159-216).

A filler ``f`` (what) is bound to a role ``r`` (where) by the outer product ``f (x) r``, a
matrix; a structure is the sum of its bindings, ``T = sum_i f_i (x) r_i`` (Smolensky's eq. for
the representation of a structure as the sum of its constituents). Unlike the hypervector
algebras of :mod:`kanerva.vsa`, binding is not closed: binding an order-k tensor to another
role gives an order-(k+1) tensor, so the size grows with the depth of the structure
(``d_filler * d_role ** depth`` numbers), while an HRR of the same structure keeps ``D``
numbers at every depth. That is why this class lives beside the structures and not among the
``Space`` models.

Unbinding contracts the role axis with an *unbinding vector* ``u_r``: ``T u_r = sum_i f_i
<r_i, u_r>``. With linearly independent roles, the dual basis (the rows of ``pinv(R).T`` for the
role matrix R, Smolensky section 3.3) gives ``<r_i, u_j> = delta_ij`` and the filler comes back
*exactly*: no cross-talk, however many pairs are bound, as long as there are no more roles than
role dimensions. With more roles than dimensions the roles are dependent, the pseudo-inverse
gives the least-squares unbinding vectors, and the other fillers leak in (cross-talk), which
grows with the number of bound pairs, as it does in every constant-size algebra.

Vectors enter through their real features (``space.to_features``), so fillers and roles may come
from any model and any dimension, each from its own codebook.

Examples
--------
>>> import kanerva as kv
>>> roles = kv.Codebook(kv.HRR(16, seed=0), ["agent", "verb", "patient"])
>>> fillers = kv.Codebook(kv.MAP(256, seed=0), ["mary", "john", "loves", "sees"])
>>> tpr = TensorProduct(fillers, roles)
>>> t = tpr.encode({"agent": "mary", "verb": "loves", "patient": "john"})
>>> t.shape, tpr.exact
((256, 16), True)
>>> tpr.read(t, "patient"), tpr.decode(t)["agent"]
('john', 'mary')
>>> bool(np.allclose(tpr.unbind(t, "verb"), tpr.filler_features[2], atol=1e-4))
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from ._base import UnknownSymbolError, check_codebook


def tensor_bind(filler: np.ndarray, role: np.ndarray) -> np.ndarray:
    """The tensor (outer) product ``filler (x) role``: its order is the sum of the two orders.

    Examples
    --------
    >>> tensor_bind(np.array([1.0, 2.0]), np.array([3.0, 0.0, 1.0]))
    array([[3., 0., 1.],
           [6., 0., 2.]])
    >>> tensor_bind(np.ones((4, 5)), np.ones(3)).shape      # binding a tensor raises its order
    (4, 5, 3)
    """
    filler, role = _real(filler, "filler"), _real(role, "role")
    if role.ndim != 1:
        raise ValueError(f"a role is one vector (d,), got shape {role.shape}")
    return np.multiply.outer(filler, role)


def dual_basis(roles: np.ndarray) -> tuple[np.ndarray, bool]:
    """Unbinding vectors for the rows of ``roles`` (n, d), and whether they are exact.

    The rows of ``pinv(roles).T``: ``roles @ duals.T`` is the identity when the roles are
    linearly independent (rank n, which needs n <= d); otherwise the least-squares projection.

    Examples
    --------
    >>> r = np.array([[1.0, 1.0], [0.0, 1.0]])        # independent, not orthogonal
    >>> u, exact = dual_basis(r)
    >>> exact, np.round(r @ u.T, 12).tolist()
    (True, [[1.0, 0.0], [0.0, 1.0]])
    >>> dual_basis(np.ones((3, 2)))[1]                 # three roles in two dimensions
    False
    """
    roles = _real(roles, "roles").astype(np.float64)
    if roles.ndim != 2 or roles.shape[0] == 0:
        raise ValueError(f"roles must be a non-empty matrix (n, d), got shape {roles.shape}")
    pinv = np.linalg.pinv(roles)
    exact = bool(np.linalg.matrix_rank(roles) == roles.shape[0])
    return pinv.T, exact


class TensorProduct:
    """Role-filler structures as sums of outer products, unbound by the dual basis.

    Parameters
    ----------
    fillers : Codebook
        The fillers (any model, dimension ``d_f`` = its feature dimension).
    roles : Codebook
        The roles (any model). With at most ``d_r`` roles (random vectors are then linearly
        independent) unbinding is exact; with more it is approximate (:attr:`exact` says which).

    Examples
    --------
    >>> import kanerva as kv
    >>> s = kv.MAP(64, seed=1)
    >>> days = kv.Codebook(s, ["mon", "tue", "wed"])
    >>> slots = kv.Codebook(kv.MAP(8, seed=2), ["first", "second"])
    >>> tpr = TensorProduct(days, slots)
    >>> week = tpr.encode([("first", "tue"), ("second", "mon")])
    >>> tpr.read(week, "second"), tpr.read(week, "first")
    ('mon', 'tue')
    """

    def __init__(self, fillers, roles):
        self.fillers = check_codebook(fillers, "fillers")
        self.roles = check_codebook(roles, "roles")
        self.filler_features = self._features(self.fillers, self.fillers.vectors)
        self.role_features = self._features(self.roles, self.roles.vectors)
        self.unbinding_vectors, self.exact = dual_basis(self.role_features)
        norms = np.linalg.norm(self.filler_features, axis=1)
        self._unit_fillers = self.filler_features / np.where(norms > 0, norms, 1.0)[:, None]

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of a structure of fillers bound to roles: (d_filler, d_role)."""
        return (self.filler_features.shape[1], self.role_features.shape[1])

    @staticmethod
    def _features(codebook, vectors) -> np.ndarray:
        return codebook.space.to_features(vectors).astype(np.float64)

    def _filler(self, item) -> np.ndarray:
        if isinstance(item, np.ndarray) and item.ndim >= 2:
            return self._check_tensor(item)  # a sub-structure: its order grows by one
        if isinstance(item, np.ndarray):
            return self._features(self.fillers, self.fillers.space.check(item, "filler", batch=False))[0]
        return self.filler_features[self._index(self.fillers, item, "filler")]

    def _role_index(self, role) -> int:
        return self._index(self.roles, role, "role")

    @staticmethod
    def _index(codebook, symbol, name) -> int:
        try:
            return codebook.index(symbol)
        except (KeyError, TypeError):
            raise UnknownSymbolError(
                f"{name} {symbol!r} is not a symbol of the codebook ({len(codebook)} symbols, "
                f"e.g. {codebook.symbols[:3]!r})"
            ) from None

    def bind(self, filler, role) -> np.ndarray:
        """``filler (x) role``: a filler symbol, a vector of the fillers' space, or a tensor of
        order >= 2 (a sub-structure, whose order then grows by one)."""
        return tensor_bind(self._filler(filler), self.role_features[self._role_index(role)])

    def encode(self, pairs: Mapping | Iterable) -> np.ndarray:
        """The sum of ``filler (x) role`` over (role, filler) pairs (or a role -> filler mapping)."""
        items = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
        if not items:
            raise ValueError("a structure needs at least one (role, filler) pair")
        total = None
        for item in items:
            if not isinstance(item, tuple) or len(item) != 2:
                raise ValueError(f"expected (role, filler) pairs, got {item!r}")
            term = self.bind(item[1], item[0])
            if total is not None and term.shape != total.shape:
                raise ValueError(f"cannot add tensors of shapes {total.shape} and {term.shape}: "
                                 "bind sub-structures to reach the same order first")
            total = term if total is None else total + term
        return total

    def unbind(self, tensor, role) -> np.ndarray:
        """The filler bound to ``role``: ``tensor`` contracted with the role's unbinding vector
        (exact when :attr:`exact`); an order-k tensor gives an order-(k-1) one."""
        tensor = self._check_tensor(tensor)
        return tensor @ self.unbinding_vectors[self._role_index(role)]

    def read(self, tensor, role):
        """The filler symbol bound to ``role`` (cleanup by cosine against the fillers)."""
        filler = self.unbind(tensor, role)
        if filler.ndim != 1:
            raise ValueError(f"reading {role!r} leaves a tensor of shape {filler.shape}, not a filler: "
                             "unbind the outer roles first")
        return self.fillers.symbols[int(np.argmax(self._unit_fillers @ filler))]

    def decode(self, tensor) -> dict:
        """Every role's filler, ``{role: filler}`` (roles whose unbinding is all zero omitted)."""
        tensor = self._check_tensor(tensor)
        if tensor.ndim != 2:
            raise ValueError(f"decode reads a structure of order 2, got order {tensor.ndim}")
        fillers = tensor @ self.unbinding_vectors.T          # (d_f, n_roles)
        scores = self._unit_fillers @ fillers                 # (n_fillers, n_roles)
        norms = np.linalg.norm(fillers, axis=0)
        return {role: self.fillers.symbols[int(np.argmax(scores[:, j]))]
                for j, role in enumerate(self.roles.symbols) if norms[j] > 1e-9 * (1 + np.abs(tensor).max())}

    def _check_tensor(self, tensor) -> np.ndarray:
        tensor = _real(tensor, "tensor")
        if tensor.ndim < 2 or tensor.shape[0] != self.shape[0] or any(d != self.shape[1] for d in tensor.shape[1:]):
            raise ValueError(f"tensor has shape {tensor.shape}, but this TensorProduct's structures have shape "
                             f"({self.shape[0]}, {self.shape[1]}, ...) (filler dimension, then one role axis per level)")
        return tensor

    def __repr__(self) -> str:
        return (f"TensorProduct(fillers={self.fillers.space!r} x {len(self.fillers)}, "
                f"roles={self.roles.space!r} x {len(self.roles)}, exact={self.exact})")


def _real(x, name) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(x).__name__}")
    if x.dtype.kind not in "fiu" or x.dtype == bool:
        raise TypeError(f"{name} must be real numbers, got dtype {x.dtype}")
    if x.ndim == 0:
        raise ValueError(f"{name} must be a vector or a tensor, got a scalar")
    if x.size and not np.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return x
