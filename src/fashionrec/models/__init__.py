"""Image models for the tagger, all behind ``create_model(name, num_classes, pretrained)``.

Every model is a :class:`~fashionrec.models.base.TaggerNet`: ``forward_features`` gives the embedding
(B, D) and ``forward_head`` the logits of each attribute head, so the recommender gets embeddings for free.
An :class:`~fashionrec.models.ensemble.EnsembleNet` combines trained ones into one such model.

Example:
    >>> model = create_model("fashion-cnn", {"articleType": 141, "gender": 5})
    >>> model(torch.zeros(2, 3, 80, 60))["articleType"].shape
    torch.Size([2, 141])
"""

from __future__ import annotations

from fashionrec.models.base import MODEL_SPECS, ModelSpec, TaggerNet, create_model, freeze_early_layers
from fashionrec.models.ensemble import ENSEMBLE_SPEC, EnsembleNet

__all__ = ["ENSEMBLE_SPEC", "MODEL_SPECS", "EnsembleNet", "ModelSpec", "TaggerNet", "create_model",
           "freeze_early_layers"]
