"""Vector indexes behind one small protocol; FAISS is the default backend."""

from fashionrec.index.base import VectorIndex
from fashionrec.index.faiss_index import FaissIndex

__all__ = ["FaissIndex", "VectorIndex"]
