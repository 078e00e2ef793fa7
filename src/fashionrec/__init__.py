"""fashionrec: tag a fashion catalogue from its photos and serve similar items and complete-the-look.

One verb per step, each beside its CLI command (README, "The CLI"), importable from here::

    from fashionrec import load_catalog, make_split, write_eda_report, evaluate_model, compare_models
    from fashionrec import Tagger, tag, Recommender, evaluate_recs
    from fashionrec.train import make_config, train      # not from here: the name is its module's too

    catalog = load_catalog("catalogue/")                  # fashionrec data check
    rec = Recommender.load("runs/index")                  # fashionrec index build ... --out runs/index
    rec.similar(15970, k=10)                              # fashionrec recommend similar 15970

They are imported on first use, so ``import fashionrec`` loads neither torch nor FAISS.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# name -> the module that owns it
_VERBS = {
    "load_catalog": "fashionrec.catalog",
    "make_split": "fashionrec.splits",
    "write_split_folders": "fashionrec.splits",
    "write_eda_report": "fashionrec.eda",
    "evaluate_model": "fashionrec.evaluate",
    "compare_models": "fashionrec.model_comparison",
    "Tagger": "fashionrec.tagger",
    "tag": "fashionrec.tagging",
    "Recommender": "fashionrec.recommend",
    "evaluate_recs": "fashionrec.recs_eval",
    "FashionrecError": "fashionrec.errors",
}
__all__ = [*_VERBS, "__version__"]


def __getattr__(name: str):
    if name in _VERBS:
        value = getattr(importlib.import_module(_VERBS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'fashionrec' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_VERBS))
