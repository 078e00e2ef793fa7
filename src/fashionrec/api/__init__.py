"""The HTTP service: a JSON API (``/api``, ``/health``, ``/images``) and the web UI, in one FastAPI app.

Example:
    >>> from fashionrec.api import Settings, create_app
    >>> app = create_app(Settings(index_dir="runs/index"))  # doctest: +SKIP
"""

from fashionrec.api.app import create_app
from fashionrec.api.settings import Settings

__all__ = ["Settings", "create_app"]
