"""The HTTP service: a JSON API (``/api``, ``/health``, ``/images``) and the web UI, in one FastAPI app.

Example:
    >>> from fashionrec.api import Settings, create_app
    >>> app = create_app(Settings(index_dir="runs/index"))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fashionrec.api.app import create_app
    from fashionrec.api.settings import Settings

__all__ = ["Settings", "create_app"]
# Imported on first use, not with the package: a CLI query's JSON reads fashionrec.api.schemas alone, and importing
# the app with it (FastAPI, every route) was 1-4 s of each `recommend ... --json` call (stop 77).
_LAZY = {"create_app": "fashionrec.api.app", "Settings": "fashionrec.api.settings"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
