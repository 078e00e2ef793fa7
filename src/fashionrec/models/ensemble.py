"""Several trained taggers as one model: weighted log-probabilities, concatenated embeddings.

Networks that see a photo differently (an ImageNet backbone at 128x96, a small CNN at the native
80x60) make partly different mistakes, so a weighted geometric mean of their probabilities beats each.
The ensemble is a :class:`TaggerNet` like any other, so evaluation, the index and the service take it
unchanged; ``fashionrec ensemble`` builds one from checkpoints and chooses the weights on validation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import nn
from torch.nn import functional as F

from fashionrec.data import fit_to_spec
from fashionrec.errors import ModelError
from fashionrec.models.base import ModelSpec, TaggerNet

# The ensemble's own input is the stored 80x60 image scaled to [0, 1]; each member then applies its own
# resize and normalisation (bilinear resizing and a per-channel affine map commute, so this is exactly
# what the member sees when it runs alone).
ENSEMBLE_SPEC = ModelSpec("ensemble", 80, 60, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0),
                          "weighted ensemble of taggers; each member resizes and normalises for itself")


def normalised_weights(weights: Sequence[float], n: int) -> list[float]:
    if len(weights) != n:
        raise ModelError(f"{len(weights)} weights for {n} members: give one weight per model")
    if min(weights) < 0 or sum(weights) <= 0:
        raise ModelError(f"ensemble weights must be >= 0 and not all 0, got {list(weights)}")
    return [float(w) / float(sum(weights)) for w in weights]


class EnsembleNet(TaggerNet):
    """Members with the same heads and classes, combined with non-negative weights (normalised to sum 1).

    ``weights`` is one list for every head, or ``{head: list}`` (members are not equally good at every
    attribute). ``forward_head`` returns, per head, ``sum_i w_i * log_softmax(member_i logits)``: its softmax
    is the weighted geometric mean of the members' probabilities. The embedding is each member's
    L2-normalised embedding scaled by ``sqrt(w_i)`` (articleType's weights) and concatenated, so a cosine
    similarity is the weighted sum of the members' cosine similarities. ``probe``: ``{head: a}``, a linear
    head over that embedding per listed head, its log-probabilities weighted ``a`` against ``1 - a`` for the
    members' (its weights are loaded or fitted separately: :mod:`fashionrec.probe`).
    """

    def __init__(self, members: Sequence[TaggerNet], weights: Sequence[float] | Mapping[str, Sequence[float]],
                 probe: Mapping[str, float] | None = None):
        nn.Module.__init__(self)      # no backbone or heads of its own: the members hold every weight
        if len(members) < 2:
            raise ModelError("an ensemble needs at least two member models")
        shapes = [{h: head.out_features for h, head in m.heads.items()} for m in members]
        for m, s in zip(members[1:], shapes[1:], strict=True):
            if s != shapes[0]:
                raise ModelError(f"member {m.spec.name} has heads {s}, the first member {shapes[0]}: an "
                                 "ensemble's members must predict the same classes")
        if not isinstance(weights, Mapping):
            weights = dict.fromkeys(shapes[0], weights)
        if set(weights) != set(shapes[0]):
            raise ModelError(f"weights are given for heads {sorted(weights)}, the members have {sorted(shapes[0])}")
        self.spec = ENSEMBLE_SPEC
        self.members = nn.ModuleList(members)
        self.head_weights = {h: normalised_weights(weights[h], len(members)) for h in shapes[0]}
        self.weights = self.head_weights.get("articleType", next(iter(self.head_weights.values())))
        self.feature_dim = sum(m.feature_dim for m in members)
        # Optional linear heads over the ensemble's embedding, fitted afterwards (``fashionrec probe``), each
        # blended into its head's log-probabilities with the weight given here.
        self.probe_weights = {h: float(a) for h, a in (probe or {}).items()}
        for h, a in self.probe_weights.items():
            if h not in shapes[0] or not 0.0 < a < 1.0:
                raise ModelError(f"probe weight {h}={a}: the head must be one of {sorted(shapes[0])} and the "
                                 "weight between 0 and 1 (exclusive)")
        self.probe = nn.ModuleDict({h: nn.Linear(self.feature_dim, shapes[0][h]) for h in self.probe_weights})

    @property
    def heads(self) -> nn.ModuleDict:
        # Head names and sizes for callers that list them; the combined logits come from forward_head.
        return self.members[0].heads

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 3, 80, 60) in [0, 1] -> (B, sum of member dims): each member's raw features, side by side."""
        return torch.cat([m.forward_features(fit_to_spec(x, m.spec)) for m in self.members], dim=1)

    def _split(self, features: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return torch.split(features, [m.feature_dim for m in self.members], dim=1)

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        outs = [m.forward_head(f) for m, f in zip(self.members, self._split(features), strict=True)]
        logp = {h: sum(w * torch.log_softmax(o[h].float(), dim=1)
                       for w, o in zip(self.head_weights[h], outs, strict=True)) for h in outs[0]}
        if self.probe_weights:
            emb = self.embedding(features)                                  # (B, feature_dim), unit length
            for h, a in self.probe_weights.items():
                logp[h] = (1 - a) * logp[h] + a * torch.log_softmax(self.probe[h](emb), dim=1)
        return logp

    def embedding(self, features: torch.Tensor) -> torch.Tensor:
        return torch.cat([F.normalize(f.float(), dim=1) * w ** 0.5
                          for f, w in zip(self._split(features), self.weights, strict=True)], dim=1)

    def description(self) -> dict:
        return {**super().description(), "weights": self.head_weights,
                **({"probe_weights": self.probe_weights} if self.probe_weights else {}),
                "members": [m.description() for m in self.members]}
