"""Progress bars: shown unless the caller or the environment turns them off."""

from __future__ import annotations

import os


def hidden(progress: bool) -> bool:
    """tqdm's ``disable``: no bar where the call says ``progress=False``, nor where ``TQDM_DISABLE`` is set
    (tqdm's own variable, which an explicit ``disable=False`` overrides: a log redirected to a file filled
    with carriage returns and cursor moves, and there was no way to turn the bars off, an analyst's trial)."""
    return not progress or os.environ.get("TQDM_DISABLE", "").strip().lower() in ("1", "true", "yes")
