"""The networks exported to ONNX (:mod:`fashionrec.onnx_infer`): the tagger's and the text encoder's, as
``torch.nn.Module`` wrappers. Apart from onnx_infer so that importing it imports no torch (stop 76); its source is
part of every cached graph's key (``onnx_infer._GRAPH_MODULES`` and the text graph's name)."""

from __future__ import annotations

import torch
from torch import nn

from fashionrec.data import preprocess
from fashionrec.models import TaggerNet


class TaggerGraph(nn.Module):
    """uint8 images -> (embedding, probabilities of each head in ``heads`` order), as run_inference computes."""

    def __init__(self, model: TaggerNet, heads: list[str]):
        super().__init__()
        self.model = model
        self.heads = heads

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
        features = self.model.forward_features(preprocess(images, self.model.spec))
        logits = self.model.forward_head(features)
        return (self.model.embedding(features).float(),
                *(torch.softmax(logits[h].float(), dim=1) for h in self.heads))


class TextGraph(nn.Module):
    """Token ids and attention mask -> the L2-normalised mean of the token embeddings under the mask."""

    def __init__(self, transformer: nn.Module):
        super().__init__()
        self.transformer = transformer

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return nn.functional.normalize(mean, dim=1)
