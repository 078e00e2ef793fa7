"""What a rebuild takes from the index folder it replaces instead of computing it again: the image embedding and
predicted labels of every photo that folder already embedded with the same model (found by the digest of the
photo's bytes, whatever its id), and the text embedding of every product text it already encoded with the same
text model (its name and weights), whatever the photo model: a rebuild with another tagger embeds every photo and
encodes only the texts that changed.

A catalogue that changed by a few rows (new products, a fixed name, a replaced photo) is rebuilt in about a
minute instead of 14 on 2 cores: embedding 40k photos and their texts is nearly all of a build's time. No
photo embedding is taken from an index of another model or another calibration, nor from a folder built before
the digests were recorded; nothing at all from another version of fashionrec: that build embeds everything, as
``--no-reuse`` does.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from fashionrec import __version__
from fashionrec.artifacts import read_json, write_with
from fashionrec.calibration import calibration_temperatures
from fashionrec.catalog import Catalog
from fashionrec.catalogue_edits import changing_folder
from fashionrec.embed import embed_catalog
from fashionrec.errors import FashionrecError
from fashionrec.item_tables import cut_short_rows
from fashionrec.levels import levels_fingerprint
from fashionrec.tagger import Tagger
from fashionrec.text_encoder import TEXT_MODEL_NAME, encode_text, product_text, text_model_sha256

log = logging.getLogger(__name__)

# id -> digest of the photo file each catalogue product was embedded from, written by every build beside items.csv.
DIGESTS = "photo_digests.csv"


@dataclass
class Reusable:
    """The arrays of the index folder a build replaces, and where to find a photo's or a text's row in them."""

    by_digest: dict[str, int]       # photo digest -> row of ``embeddings`` and ``preds``
    by_text: dict[str, int]         # product text -> row of ``text_embeddings``
    embeddings: np.ndarray
    text_embeddings: np.ndarray
    preds: pd.DataFrame
    build_id: str | None


def description_sha256(tagger: Tagger) -> str:
    """The SHA-256 of a model's description (the JSON beside its weights: architecture, preprocessing, an
    ensemble's weights and probe, classes, calibration): the weights file alone does not say how an ensemble
    blends its members (two ensembles of the same file had embeddings 0.084 apart, a code review)."""
    return hashlib.sha256(json.dumps(tagger.meta, sort_keys=True, default=str).encode()).hexdigest()


def model_fingerprint(tagger: Tagger) -> dict:
    """What an index's stored embeddings and predictions depend on besides the photos: its manifest's record of
    them must equal this for a rebuild to take them."""
    return {"sha256": tagger.sha256, "description_sha256": description_sha256(tagger),
            "temperature": {k: float(v) for k, v in calibration_temperatures(tagger).items()},
            "levels_sha256": levels_fingerprint(tagger.levels), "dim": tagger.dim}


def read_reusable(index_dir: str | Path, tagger: Tagger) -> Reusable | None:
    """What :func:`embed_reusing` may take from the index at ``index_dir``; None where there is nothing to
    take (no index there, one built by another model or another fashionrec, or before the digests were
    recorded), said in the log. A folder that cannot be read is said as a warning: the build embeds everything.
    Read holding the folder's change lock: a product added beside it mid-read would misalign the rows."""
    index_dir = Path(index_dir)
    if not (index_dir / "manifest.json").is_file():
        return None
    try:
        with changing_folder(index_dir):
            return _read_reusable(index_dir, tagger)
    # EOFError: an empty .npy file; uncaught, click took it for a Ctrl-C and the build said "Aborted." alone (a
    # code review), where --no-reuse built.
    except (FashionrecError, OSError, EOFError, ValueError, KeyError, TypeError, AttributeError,
            pd.errors.ParserError) as e:
        log.warning("cannot read the index at %s to reuse its embeddings (%s: %s): it is damaged, and every product "
                    "is embedded", index_dir, type(e).__name__, e)
        return None


def _same_photo_model(manifest: dict, tagger: Tagger, index_dir: Path) -> bool:
    """Whether the index's photo embeddings and predictions are ``tagger``'s; where not, which of what they depend
    on differs, said in the log."""
    was = manifest.get("model") or {}
    now = model_fingerprint(tagger)
    recorded = {"sha256": was.get("sha256"), "description_sha256": was.get("description_sha256"),
                "temperature": was.get("temperature") or {}, "levels_sha256": was.get("levels_sha256", ""),
                "dim": manifest.get("dim")}
    if now["sha256"] and recorded == now:
        return True
    # Which of them, and where the index records none (built by an earlier version): "another model" was said
    # of an index the very same weights had built before an upgrade (an operator's trial).
    words = {"sha256": "the model's weights", "description_sha256": "the model's description (its classes "
             "and preprocessing)", "temperature": "its calibration", "levels_sha256": "how it reads the group "
             "and category from the type", "dim": "the embedding's size"}
    earlier = "not recorded: built by an earlier version"
    differ = [f"{words[k]} ({earlier if recorded[k] in (None, '') else 'other'})"
              for k in words if recorded[k] != now.get(k)] or ["the model has no fingerprint"]
    log.info("not reusing the photo embeddings of %s (every photo is embedded again): %s", index_dir,
             "; ".join(differ))
    return False


def _same_text_model(manifest: dict, index_dir: Path) -> bool:
    """Whether the index's text embeddings are the text model's of today: its name, and its weights where the
    manifest records them (an index built before they were: the name, as a rebuild took it then). The photo
    model plays no part: a rebuild with another tagger re-encoded every product's text, 25 minutes of a 40k
    catalogue's rebuild under load (docs/history.md "Stop 66, text embeddings reused")."""
    if manifest.get("text_model") != TEXT_MODEL_NAME:
        log.info("not reusing the text embeddings of %s: made by text model %r, this is %r", index_dir,
                 manifest.get("text_model"), TEXT_MODEL_NAME)
        return False
    recorded = manifest.get("text_model_sha256")
    if recorded is not None and recorded != text_model_sha256():
        log.info("not reusing the text embeddings of %s: its text model's weights are other than today's",
                 index_dir)
        return False
    return True


def _read_reusable(index_dir: Path, tagger: Tagger) -> Reusable | None:
    manifest = read_json(index_dir / "manifest.json")
    if manifest.get("fashionrec_version") != __version__:
        log.info("not reusing the embeddings of %s: it was built by fashionrec %s, this is %s", index_dir,
                 manifest.get("fashionrec_version"), __version__)
        return None
    photos = _same_photo_model(manifest, tagger, index_dir)
    texts = _same_text_model(manifest, index_dir)
    if photos and not (index_dir / DIGESTS).is_file():
        log.info("not reusing the photo embeddings of %s: it records no photo digests (built before they were, "
                 "or from embeddings made elsewhere)", index_dir)
        photos = False
    if not (photos or texts):
        return None
    # Labels as text: "01" read as a number would come back as "1".
    labels = {f"pred_{head}": str for head in tagger.classes}
    # The base files alone, without the generation saved beside them (index_delta): rows and vectors of one another
    # all the same, by photo digest and text, which is all a reuse asks (products added since are carried over).
    items = pd.read_csv(index_dir / "items.csv", keep_default_na=False, na_values=[""], low_memory=False,
                        dtype=labels if photos else None)
    # Another model's photo embeddings are not read at all (407 MB of the 40k index of stop 66).
    embeddings = np.load(index_dir / "embeddings.npy", mmap_mode=None if photos else "r")
    text_embeddings = np.load(index_dir / "text_embeddings.npy")
    cut = cut_short_rows(items)
    if cut:     # their missing predictions would be taken as a photo's (NaN labels in the new index)
        log.warning("the index at %s is damaged: %s; every product is embedded", index_dir, cut)
        return None
    if not len(items) == len(embeddings) == len(text_embeddings) or (photos and embeddings.shape[1:] != (tagger.dim,)):
        log.warning("the index at %s is inconsistent (%d items, %d embeddings, %d text embeddings): every product "
                    "is embedded", index_dir, len(items), len(embeddings), len(text_embeddings))
        return None
    preds = items[[c for c in items.columns if str(c).startswith("pred_")]]
    heads = {f"pred_{head}{end}" for head in tagger.classes for end in ("", "_prob")}
    if photos and set(preds.columns) != heads:
        log.info("not reusing the photo embeddings of %s: its stored predictions are of other heads", index_dir)
        photos = False
        if not texts:
            return None
    if not texts:
        text_embeddings = text_embeddings[:0]
    if photos:
        digests = pd.read_csv(index_dir / DIGESTS, dtype={"id": np.int64, "photo_digest": str})
        row_of = {int(i): r for r, i in enumerate(items["id"])}
        by_digest = {d: row_of[int(i)] for i, d in zip(digests["id"], digests["photo_digest"], strict=True)
                     if int(i) in row_of and isinstance(d, str) and d}
    else:       # every photo embedded again (embed_reusing finds none here), the texts taken
        by_digest, embeddings, preds = {}, np.empty((0, tagger.dim), np.float32), preds.iloc[:0]
    by_text = {product_text(r): k for k, r in enumerate(items.to_dict("records"))} if len(text_embeddings) else {}
    return Reusable(by_digest, by_text, embeddings, text_embeddings, preds, manifest.get("build_id"))


def embed_reusing(catalog: Catalog, tagger: Tagger, before: Reusable | None,
                  progress: bool = True) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, int]:
    """:func:`fashionrec.embed.embed_catalog`, taking from ``before`` the embedding and predictions of each photo
    it holds; returns ``(ids, vectors, preds, how many were taken)``."""
    usable = catalog.usable
    digests = usable["photo_digest"] if "photo_digest" in usable else pd.Series("", index=usable.index)
    rows = np.array([before.by_digest.get(d, -1) if before and d else -1 for d in digests], np.int64)
    new = rows < 0
    if before is None or new.all():
        ids, vectors, preds = embed_catalog(catalog, tagger, progress=progress)
        return ids, vectors, preds, 0
    ids = usable["id"].to_numpy(dtype=np.int64)
    vectors = np.empty((len(usable), tagger.dim), np.float32)
    vectors[~new] = before.embeddings[rows[~new]]
    # Read back from items.csv: labels as text, probabilities as float64 of what was float32.
    preds = pd.DataFrame({c: before.preds[c].to_numpy()[rows.clip(0)].astype(np.float32 if c.endswith("_prob")
                                                                               else object)
                          for c in before.preds.columns})
    if new.any():
        log.info("embedding the %d photos of %d the index did not hold", int(new.sum()), len(usable))
        part = Catalog(root=catalog.root, table=usable[new], report=catalog.report)
        _, vectors[new], fresh = embed_catalog(part, tagger, progress=progress)
        for column in fresh.columns:
            preds.loc[new, column] = fresh[column].to_numpy()
        preds = preds[list(fresh.columns)]
    return ids, vectors, preds, int((~new).sum())


def encode_reusing(texts: list[str], before: Reusable | None, progress: bool = True) -> tuple[np.ndarray, int]:
    """:func:`fashionrec.text_encoder.encode_text` of ``texts``, taking from ``before`` each text it encoded;
    returns ``(vectors, how many were taken)``."""
    rows = np.array([before.by_text.get(t, -1) if before else -1 for t in texts], np.int64)
    new = rows < 0
    if before is None or new.all():
        return encode_text(texts, progress=progress), 0
    out = np.empty((len(texts), before.text_embeddings.shape[1]), np.float32)
    out[~new] = before.text_embeddings[rows[~new]]
    if new.any():
        out[new] = encode_text([t for t, n in zip(texts, new, strict=True) if n], progress=progress)
    return out, int((~new).sum())


def write_digests(folder: Path, usable: pd.DataFrame) -> None:
    """Record, in an index folder being built, the digest of the photo each catalogue product was embedded from."""
    if "photo_digest" not in usable:
        return
    table = usable[["id", "photo_digest"]]
    write_with(folder / DIGESTS, lambda tmp: table.to_csv(tmp, index=False))
