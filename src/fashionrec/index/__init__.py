"""Vector indexes behind one small protocol: FAISS (embedded default) or Milvus (Lite, server, cluster)."""

from __future__ import annotations

from pathlib import Path

from fashionrec.errors import BadInputError, VectorIndexError
from fashionrec.index.base import VectorIndex, read_meta
from fashionrec.index.faiss_index import FaissIndex

BACKENDS = ("faiss", "milvus")

__all__ = ["BACKENDS", "FaissIndex", "VectorIndex", "open_index"]


def open_index(directory: str | Path, uri: str | None = None, token: str | None = None) -> VectorIndex:
    """Open the vector index of an index folder, whichever backend ``vectors.json`` names.

    ``uri`` / ``token``: where the Milvus collection lives now (default: the uri it was built with).
    """
    meta_path = Path(directory) / "vectors.json"
    if not meta_path.exists():
        raise VectorIndexError(f"no vector index in {directory} (vectors.json missing); run `fashionrec index build`")
    backend = read_meta(meta_path).get("backend", "faiss")
    if backend == "faiss":
        if uri:
            raise BadInputError(f"--uri is for Milvus indexes; {directory} holds a FAISS index")
        return FaissIndex.load(directory)
    if backend == "milvus":
        from fashionrec.index.milvus_index import MilvusIndex

        return MilvusIndex.load(directory, uri=uri, token=token)
    raise VectorIndexError(f"{meta_path} names an unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
