"""Embed a whole catalogue into Parquet shards — in this process, or on a Ray cluster with Ray Data.

``fashionrec embed DATA_DIR --engine local|ray [--address auto|ray://host:10001] --out EMB_DIR`` writes::

    EMB_DIR/manifest.json       model (name, path, preprocessing), dim, count, engine, date
    EMB_DIR/part-*.parquet      id (int64), vector (list<float32>, L2-normalised), pred_<head>, pred_<head>_prob

and ``fashionrec index build DATA_DIR --from-embeddings EMB_DIR`` indexes them without embedding again.

With ``--engine ray``, image paths go into a Ray Dataset; an actor pool (one model per actor, a GPU each
when the cluster has GPUs) decodes and embeds batches; Ray writes the shards. The workers must see
``DATA_DIR`` and ``EMB_DIR`` at the same paths (a shared filesystem, or object storage URIs Ray can
write). The vectors equal the single-process ones: same checkpoint, same preprocessing, eval mode.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from fashionrec.artifacts import atomic_dir, check_replaceable, read_json, redacted, write_json
from fashionrec.calibration import calibration_temperatures
from fashionrec.catalog import Catalog, first_few, photo_digest
from fashionrec.errors import BadInputError, ModelError, VectorIndexError, option
from fashionrec.levels import levels_fingerprint
from fashionrec.tagger import Tagger, embedding_sha256

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
SHARD_ROWS = 10_000


def _embed_frame(tagger: Tagger, frame: pd.DataFrame, batch_size: int, progress: bool) -> pd.DataFrame:
    """(id, image_path) rows -> (id, vector, pred_*) rows, in order."""
    from fashionrec.data import load_image_tensor
    from fashionrec.embed import predicted_frame

    images = load_image_tensor(frame["image_path"].tolist(), progress=progress)
    vectors, probs = tagger.infer(images, batch_size=batch_size, progress=progress)
    out = pd.DataFrame({"id": frame["id"].to_numpy(np.int64), "vector": list(vectors.astype(np.float32)),
                        # what each vector was made from: a photo replaced since differs in size
                        "photo_bytes": [_photo_bytes(p) for p in frame["image_path"]],
                        # and its bytes' digest, as the catalogue check takes it: a build from these shards refuses
                        # a photo replaced since by one of the same size, which the size alone let through (stop 77)
                        "photo_digest": [_photo_digest(p) for p in frame["image_path"]]})
    return pd.concat([out, predicted_frame(tagger, probs)], axis=1)


def _photo_bytes(path: str) -> int:
    """The size of the photo file at ``path``, -1 where there is none now: what tells a replaced photo."""
    try:
        return os.path.getsize(path)
    except OSError:
        return -1


def _photo_digest(path: str) -> str:
    """The digest of the photo file at ``path`` (``catalog.photo_digest``, hex), "" where there is none now."""
    try:
        return photo_digest(Path(path).read_bytes()).hex()
    except OSError:
        return ""


class _RayEmbedder:
    """One per Ray actor: loads the checkpoint once, then embeds the batches it is handed."""

    def __init__(self, model_path: str, batch_size: int):
        import torch

        self.tagger = Tagger.load(model_path, device="cuda" if torch.cuda.is_available() else "cpu")
        self.batch_size = batch_size

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        return _embed_frame(self.tagger, batch, self.batch_size, progress=False)


def embed_catalog_to_parquet(catalog: Catalog, model: str | Path | None, out_dir: str | Path, engine: str = "local",
                             address: str | None = None, actors: int | None = None, batch_size: int = 256,
                             progress: bool = True) -> dict:
    """Embed every usable product of ``catalog`` into ``out_dir`` (replaced atomically); returns the manifest."""
    if engine not in ENGINES:
        raise BadInputError(f"unknown engine {engine!r}; valid: {', '.join(ENGINES)}")
    usable = catalog.usable
    if usable.empty:
        raise BadInputError(f"catalogue {catalog.root} has no usable items to embed")
    # Before the embedding. An index has a manifest.json too: its vectors.json tells it apart.
    check_replaceable(out_dir, "manifest.json", "fashionrec embeddings folder", unless="vectors.json")
    tagger = Tagger.load(model)
    frame = pd.DataFrame({"id": usable["id"].to_numpy(np.int64),
                          "image_path": [str(Path(p).resolve()) for p in usable["image_path"]]})
    out_dir = Path(out_dir)
    t0 = time.perf_counter()
    with atomic_dir(out_dir, "manifest.json", "fashionrec embeddings folder", unless="vectors.json") as tmp:
        if engine == "local":
            done = _embed_frame(tagger, frame, batch_size, progress)
            for i, start in enumerate(range(0, len(done), SHARD_ROWS)):
                done.iloc[start:start + SHARD_ROWS].to_parquet(tmp / f"part-{i:05d}.parquet", index=False)
            workers = 1
        else:
            workers = _embed_with_ray(frame, tagger, tmp, address, actors, batch_size)
        manifest = {
            # the checkpoint's digest too: its path alone let an index pair these vectors with a model retrained
            # into the same folder since (a scale-out trial)
            "model": {"name": tagger.name, "path": str(Path(tagger.path).resolve()) if tagger.path else None,
                      "sha256": tagger.sha256, "preprocessing": tagger.meta.get("preprocessing"),
                      # an ensemble's blend weights, in its description, change its embeddings (a review)
                      "embedding_sha256": embedding_sha256(tagger),
                      # the stored probabilities' calibration: `fashionrec calibrate` changes it, not the weights
                      "temperature": calibration_temperatures(tagger),
                      "levels_sha256": levels_fingerprint(tagger.levels)},
            "dim": tagger.dim, "count": len(frame), "engine": engine, "workers": workers,
            "data_dir": str(Path(catalog.root).resolve()), "seconds": round(time.perf_counter() - t0, 1),
            "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }
        write_json(tmp / "manifest.json", manifest)
    log.info("embedded %d items with %s in %.1f s -> %s", len(frame), engine, manifest["seconds"], out_dir)
    return manifest


def _stop_local_ray_processes() -> None:
    """Kill the GCS, raylet and helper processes a failed local ``ray.init`` left behind: Ray records no node
    when its start-up times out, so ``ray.shutdown()`` does not stop them. Only this process's children."""
    import psutil  # a dependency of Ray

    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            cmd = " ".join(child.cmdline())
            if child.name() in ("gcs_server", "raylet") or "/ray/" in cmd or cmd.startswith("ray::"):
                child.kill()


# What ray.init raises when a local node's processes do not come up in time: the node as a whole, or the GCS
# server's port file (seen with the 2 cores busy with an index build).
_RAY_START_TIMEOUTS = ("timed out during startup", "Timed out waiting for file")


def _embed_with_ray(frame: pd.DataFrame, tagger: Tagger, out: Path, address: str | None, actors: int | None,
                    batch_size: int) -> int:
    try:
        import ray
        import ray.data
    except ImportError as e:
        raise BadInputError(f"{option('engine', 'ray')} needs Ray Data: pip install -e '.[ray]' from the repository's "
                            "root") from e

    started_here = not ray.is_initialized()
    session = None
    if started_here:
        # address None starts a local Ray; "auto" joins the cluster this machine belongs to; ray://... a remote one
        kwargs = {"address": address, "ignore_reinit_error": True, "log_to_driver": False,
                  **({} if address else {"include_dashboard": False})}
        if not address:
            # A local Ray's session folder (its logs and sockets) in one of ours, removed when it stops: each run
            # left a /tmp/ray/session_* folder (an operator's trial). Under /tmp: its socket paths must stay short.
            session = tempfile.mkdtemp(prefix="fashionrec-ray-", dir="/tmp" if os.path.isdir("/tmp") else None)
            kwargs["_temp_dir"] = session
    try:
        return _run_ray(ray, frame, tagger, out, actors, batch_size, kwargs if started_here else None)
    finally:
        if session:
            shutil.rmtree(session, ignore_errors=True)


def _run_ray(ray, frame: pd.DataFrame, tagger: Tagger, out: Path, actors: int | None, batch_size: int,
             kwargs: dict | None) -> int:
    """:func:`_embed_with_ray`'s work, starting (and then stopping) Ray with ``kwargs`` unless None (joined)."""
    started_here = kwargs is not None
    address = (kwargs or {}).get("address")
    if started_here:
        try:
            ray.init(**kwargs)
        except Exception as e:       # ray raises a bare Exception when its node does not come up in time
            if address:     # joining a cluster: said in a line, not ~50 of Ray's traceback
                shown = redacted([address])[0]      # a ray://user:password@host address is not shown whole
                raise BadInputError(f"{option('address', shown)}: cannot join the Ray cluster "
                                    f"({str(e).strip()[:300]}); start it (`ray start --head`), check the address, "
                                    "or leave the address out for a local Ray") from e
            if not any(m in str(e) for m in _RAY_START_TIMEOUTS):
                raise
            # A local node has missed Ray's fixed start-up deadlines on this 2-core machine when it was busy
            # (in the test suite); started again, it came up. Retry once, then let the error speak.
            log.warning("a local Ray did not start in time (%s); stopping what it started and trying again", e)
            ray.shutdown()
            _stop_local_ray_processes()
            ray.init(**kwargs)
    try:
        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        n = actors or max(1, gpus or int(resources.get("CPU", 1)) // 2)
        blocks = max(n, len(frame) // 2_000 or 1)
        step = -(-len(frame) // blocks)
        ds = ray.data.from_pandas([frame.iloc[i:i + step] for i in range(0, len(frame), step)])
        ds = ds.map_batches(_RayEmbedder, batch_size=batch_size * 4, batch_format="pandas",
                            fn_constructor_kwargs={"model_path": str(tagger.path), "batch_size": batch_size},
                            compute=ray.data.ActorPoolStrategy(size=n), num_gpus=1 if gpus else 0, num_cpus=1)
        ds.write_parquet(str(out))
        log.info("ray: %d actor(s), %d GPU(s) in the cluster", n, gpus)
        return n
    finally:
        if started_here:
            ray.shutdown()


def load_embeddings(emb_dir: str | Path) -> tuple[dict, pd.DataFrame]:
    """(manifest, frame with id, vector, pred_*) from a folder written by :func:`embed_catalog_to_parquet`."""
    emb_dir = Path(emb_dir)
    if not (emb_dir / "manifest.json").exists():
        raise VectorIndexError(f"{emb_dir} holds no embeddings (manifest.json missing); run `fashionrec embed` first")
    manifest = read_json(emb_dir / "manifest.json")
    parts = sorted(emb_dir.glob("*.parquet"))
    if not parts:
        raise VectorIndexError(f"{emb_dir} has a manifest but no .parquet shards; run `fashionrec embed` again")
    frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    if len(frame) != manifest["count"] or frame["id"].duplicated().any():
        raise VectorIndexError(f"{emb_dir}: {len(frame)} rows ({frame['id'].duplicated().sum()} duplicate ids) for "
                          f"{manifest['count']} items in its manifest; run `fashionrec embed` again")
    return manifest, frame


def check_made_by(manifest: dict, emb_dir: str | Path, tagger: Tagger) -> None:
    """Refuse a folder of embeddings (its ``manifest``) that ``tagger`` did not make: another checkpoint, or
    this one before it changed (a photo search would then embed queries otherwise than the catalogue)."""
    made_by = (manifest.get("model") or {}).get("path")
    if made_by and tagger.path and Path(tagger.path).resolve() != Path(made_by).resolve():
        raise ModelError(f"{emb_dir} was embedded by {made_by}, not {tagger.path}: build with that model (the "
                         "CLI's default with --from-embeddings), or embed again with this one")
    made_as = (manifest.get("model") or {}).get("sha256")
    if made_as and tagger.sha256 and made_as != tagger.sha256:
        raise ModelError(f"{emb_dir} was embedded by the checkpoint {made_by} as it was then (sha256 "
                         f"{made_as[:12]}...); it has changed since ({tagger.sha256[:12]}...): embed again with "
                         "`fashionrec embed`, or the photo search would use other vectors than the catalogue's")
    made_so = (manifest.get("model") or {}).get("embedding_sha256")
    if made_so and made_so != embedding_sha256(tagger):
        raise ModelError(f"{emb_dir} was embedded by {made_by or 'its model'} described otherwise than it is now (an "
                         "ensemble's blend weights, its members or preprocessing: what its embeddings depend on): "
                         "embed again with `fashionrec embed`, or the photo search would use other vectors than "
                         "the catalogue's")
    # Calibrated since (same weights, other temperatures): the stored probabilities are no longer the tagger's,
    # and an index built from them would record the new temperatures over them (a code review's trial).
    model = manifest.get("model") or {}
    if "temperature" in model and model["temperature"] != calibration_temperatures(tagger):
        raise ModelError(f"{emb_dir} was embedded before {made_by or 'its model'} was calibrated again (`fashionrec "
                         "calibrate`): its stored probabilities are the old calibration's; embed again with "
                         "`fashionrec embed`")
    # Read its group and category from its type since (fashionrec.levels): the same, for those columns.
    if (model.get("levels_sha256") or "") != levels_fingerprint(tagger.levels):
        raise ModelError(f"{emb_dir} was embedded with {made_by or 'its model'} reading its group and category "
                         "otherwise than it does now (its stored predictions are stale): embed again with "
                         "`fashionrec embed`")


def aligned_embeddings(frame: pd.DataFrame, usable: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Rows of ``frame`` in the order of ``usable`` -> (ids, vectors (n, d) float32, predicted attributes)."""
    by_id = frame.set_index("id")
    ids = usable["id"].to_numpy(np.int64)
    missing = np.setdiff1d(ids, by_id.index.to_numpy())
    if len(missing):
        raise VectorIndexError(f"{len(missing)} usable catalogue items have no embedding (ids "
                               f"{first_few(missing.tolist(), 5)}); embed this catalogue with `fashionrec embed`")
    extra = np.setdiff1d(by_id.index.to_numpy(), ids)
    if len(extra):
        # Products embedded then, not usable in the catalogue now (rows removed, photos gone): left out of the
        # index, said rather than dropped without a word (a scale-out trial).
        log.warning("%d embedded products are not usable items of the catalogue now (ids %s) and are left out of "
                    "the index (rows removed from styles.csv, or a photo no longer usable: `fashionrec data check` "
                    "lists those)", len(extra), first_few(extra.tolist(), 10))
    rows = by_id.loc[ids]
    if "photo_bytes" in rows:       # folders embedded before it was recorded have no sizes to compare
        now = np.array([_photo_bytes(p) for p in usable["image_path"]])
        changed = ids[now != rows["photo_bytes"].to_numpy()]
        if len(changed):
            # Another catalogue under the same ids, or photos replaced since: each would be found by another
            # photo's vector (a code review's trial: neighbours' photos, median cosine 0.50 to their own).
            raise VectorIndexError(f"{len(changed)} usable catalogue items have another photo than the one embedded "
                                   f"(a different file size; ids {first_few(changed.tolist(), 10)}): embed this "
                                   "catalogue again with `fashionrec embed`")
    if "photo_digest" in rows and "photo_digest" in usable:     # shards of stop 77 on; a same-size replacement too
        changed = ids[rows["photo_digest"].to_numpy() != usable["photo_digest"].fillna("").to_numpy()]
        if len(changed):
            raise VectorIndexError(f"{len(changed)} usable catalogue items have another photo than the one embedded "
                                   f"(other bytes; ids {first_few(changed.tolist(), 10)}): embed this catalogue "
                                   "again with `fashionrec embed`")
    vectors = np.stack(rows["vector"].to_numpy()).astype(np.float32)
    preds = rows.drop(columns=["vector", "photo_bytes", "photo_digest"], errors="ignore").reset_index(drop=True)
    return ids, vectors, preds
