"""Liveness plus what is loaded."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter

from fashionrec.api.deps import ServiceDep
from fashionrec.api.schemas import Health
from fashionrec.artifacts import version_said
from fashionrec.catalog import first_few
from fashionrec.recommend import GONE_AFTER_S, photos_gone

# Any query parameter is let be: a monitor's or jQuery's cache-buster ("?_=1712345678") must not read as down.
router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
@router.get("/api/health", response_model=Health, include_in_schema=False)     # where the other endpoints live
def health(service: ServiceDep) -> Health:
    """Status, model name, catalogue size and index type."""
    rec = service.rec
    manifest = rec.manifest or {}
    index = manifest.get("index_kind") or manifest.get("index") or "unknown"
    model = manifest.get("model")
    name = model.get("name") if isinstance(model, dict) else model
    gone = photos_gone(rec)
    problems = [f"catalogue photos are gone from where the index points (ids {first_few(gone, 5)}): the catalogue "
                "folder moved? `fashionrec index check` says; rebuild from where it is now"] if gone else []
    gone_for = rec.gone_from_disk()
    if gone_for >= GONE_AFTER_S:
        # Moved or deleted, the folder went unsaid: "ok" while a restart would find no index (an operator's trial).
        problems.append(f"{rec.index_dir} has had no manifest.json for {gone_for:.0f} s (moved or "
                        f"deleted?): still serving the index loaded before ({len(rec.items)} items), but a restart "
                        "would find none; put it back, or build one there with `fashionrec index build`")
    if service.stale:
        problems.append(service.stale)
    if service.reload_failure:
        problems.append(service.reload_failure)
    return Health(status="degraded" if problems else "ok", model=str(rec.tagger.name or name),
                  catalogue_size=len(rec.items), index=str(index), version=version_said(),
                  changed_on_disk=rec.changed_on_disk(), problems=[without_paths(p, rec.index_dir) for p in problems],
                  index_build_id=manifest.get("build_id"),
                  index_updated=manifest.get("updated") or manifest.get("date"))


# An absolute path's folders, up to its last name (a file's or folder's): kept.
_FOLDERS = re.compile(r"(?<![\w.~:/-])(?:/[^\s/:;,()'\"`]+)+/(?=[^\s/:;,()'\"`]+)")


def without_paths(problem: str, index_dir: str | Path) -> str:
    """``problem`` without the server's paths: /health answers anyone who asks, and the machine's folders
    (a home directory's account name among them) are the operator's to know (an operator's trial). The index
    folder reads "<index folder>", any other path its last name after ".../"; the server's log names them whole."""
    return _FOLDERS.sub(".../", problem.replace(str(index_dir), "<index folder>"))
