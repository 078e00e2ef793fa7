"""`fashionrec embed`: Parquet shards in this process or on a local Ray, and `index build --from-embeddings`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _recs_support import FIXTURE, fixture_catalog, shared_recommender, tiny_tagger_path
from typer.testing import CliRunner

from fashionrec.batch_embed import embed_catalog_to_parquet, load_embeddings
from fashionrec.cli import app
from fashionrec.errors import VectorIndexError


@pytest.fixture(scope="module")
def local_embeddings(tmp_path_factory):
    out = tmp_path_factory.mktemp("emb") / "local"
    embed_catalog_to_parquet(fixture_catalog(), tiny_tagger_path(), out, progress=False)
    return out


def test_local_shards_match_the_index_embeddings(local_embeddings):
    manifest, frame = load_embeddings(local_embeddings)
    rec = shared_recommender("faiss")
    assert manifest["count"] == len(frame) == len(rec) and manifest["dim"] == rec.embeddings.shape[1]
    assert manifest["model"]["path"] == str(tiny_tagger_path().resolve())
    got = np.stack(frame.set_index("id").loc[rec.items["id"], "vector"].to_numpy())
    np.testing.assert_allclose(got, rec.embeddings, atol=1e-5)
    assert {"pred_articleType", "pred_articleType_prob"} <= set(frame.columns)


def test_index_build_from_embeddings(local_embeddings, fixture_dir, tmp_path):
    res = CliRunner().invoke(app, ["index", "build", str(fixture_dir), "--from-embeddings", str(local_embeddings),
                                   "--out", str(tmp_path / "index")])
    assert res.exit_code == 0, res.output
    from fashionrec.recommend import Recommender

    rec, ref = Recommender.load(tmp_path / "index"), shared_recommender("faiss")
    assert rec.manifest["model"]["path"] == str(tiny_tagger_path().resolve())   # the model that made the vectors
    i = int(ref.items["id"].iloc[0])
    assert [r.id for r in rec.similar(i, k=5)] == [r.id for r in ref.similar(i, k=5)]


def test_broken_embedding_folders_say_what_to_do(local_embeddings, tmp_path):
    with pytest.raises(VectorIndexError, match="fashionrec embed"):
        load_embeddings(tmp_path)
    (tmp_path / "manifest.json").write_text((local_embeddings / "manifest.json").read_text())
    with pytest.raises(VectorIndexError, match="no .parquet"):
        load_embeddings(tmp_path)


@pytest.mark.slow
def test_ray_embeddings_equal_single_process(local_embeddings, tmp_path):
    pytest.importorskip("ray")
    sessions = set(Path("/tmp/ray").glob("session_2*"))
    manifest = embed_catalog_to_parquet(fixture_catalog(), tiny_tagger_path(), tmp_path / "ray", engine="ray",
                                        progress=False)
    # Its session folder is its own and goes with it: each local run left a /tmp/ray/session_* (a trial).
    assert set(Path("/tmp/ray").glob("session_2*")) == sessions and not list(Path("/tmp").glob("fashionrec-ray-*"))
    assert manifest["engine"] == "ray" and manifest["workers"] >= 1
    _, local = load_embeddings(local_embeddings)
    _, ray_frame = load_embeddings(tmp_path / "ray")
    ray_frame = ray_frame.set_index("id").loc[local["id"]]
    diff = np.abs(np.stack(local["vector"].to_numpy()) - np.stack(ray_frame["vector"].to_numpy())).max()
    assert diff < 1e-4
    assert (local["pred_articleType"].to_numpy() == ray_frame["pred_articleType"].to_numpy()).all()


def test_a_failed_ray_start_is_cleaned_up_without_touching_other_children():
    import subprocess

    from fashionrec.batch_embed import _stop_local_ray_processes

    ray_like = subprocess.Popen(["bash", "-c", "exec -a ray::IDLE sleep 60"])
    other = subprocess.Popen(["sleep", "60"])
    try:
        import time

        import psutil

        # Wait for exec -a to rename the first one: a fixed 0.3 s was too short with both cores busy (an index
        # build beside the suite), and the kill then found no "ray::" process.
        deadline = time.monotonic() + 10
        while not " ".join(psutil.Process(ray_like.pid).cmdline()).startswith("ray::"):
            assert time.monotonic() < deadline, "the stand-in never took the name ray::IDLE"
            time.sleep(0.05)
        _stop_local_ray_processes()
        assert ray_like.wait(timeout=10) != 0
        assert other.poll() is None
    finally:
        for p in (ray_like, other):
            p.kill()
            p.wait()


@pytest.mark.parametrize("message", ["The current node timed out during startup",
                                     "Timed out waiting for file /tmp/ray/session_x/gcs_server_port_0ed4"])
def test_a_local_ray_that_does_not_start_in_time_is_stopped_and_started_once_more(monkeypatch, tmp_path, message):
    ray = pytest.importorskip("ray")
    import fashionrec.batch_embed as batch_embed

    calls = []

    def slow_start(**kwargs):
        calls.append("init")
        raise RuntimeError(message)

    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", slow_start)
    monkeypatch.setattr(ray, "shutdown", lambda: calls.append("shutdown"))
    monkeypatch.setattr(batch_embed, "_stop_local_ray_processes", lambda: calls.append("stop"))
    with pytest.raises(RuntimeError, match=message.split()[0]):
        embed_catalog_to_parquet(fixture_catalog(), tiny_tagger_path(), tmp_path / "ray", engine="ray",
                                 progress=False)
    assert calls == ["init", "shutdown", "stop", "init"]
    assert not (tmp_path / "ray").exists()


def test_embeddings_of_a_checkpoint_changed_since_are_refused(local_embeddings, fixture_dir, tmp_path):
    # The vectors were paired with whatever checkpoint sat at the recorded path: a model retrained into the
    # same run folder searched photos with vectors the catalogue's were not made by.
    import json
    import shutil

    copied = tmp_path / "emb"
    shutil.copytree(local_embeddings, copied)
    manifest = json.loads((copied / "manifest.json").read_text())
    assert manifest["model"]["sha256"]
    manifest["model"]["sha256"] = "0" * 64
    (copied / "manifest.json").write_text(json.dumps(manifest))
    res = CliRunner().invoke(app, ["index", "build", str(fixture_dir), "--from-embeddings", str(copied),
                                   "--out", str(tmp_path / "index")])
    assert res.exit_code == 2 and "it has changed since" in " ".join(res.output.split())
    assert not (tmp_path / "index").exists()
    # From Python too, where the folder is passed as the CLI takes it (a new user's AttributeError before).
    from fashionrec.errors import ModelError
    from fashionrec.recommend import Recommender
    from fashionrec.tagger import Tagger

    tagger = Tagger.load(tiny_tagger_path())
    with pytest.raises(ModelError, match="it has changed since"):
        Recommender.build(fixture_catalog(), tagger, tmp_path / "index", embeddings=copied, progress=False)
    # The catalogue's folder will do, as the CLI takes it ("'str' object has no attribute 'usable'").
    rec = Recommender.build(str(FIXTURE), tagger, tmp_path / "index", embeddings=str(local_embeddings),
                            progress=False)
    assert rec.manifest["command"].startswith("python")     # it was null from Python
    ref = shared_recommender("faiss")
    i = int(ref.items["id"].iloc[0])
    assert [r.id for r in rec.similar(i, k=5)] == [r.id for r in ref.similar(i, k=5)]


def test_a_ray_cluster_out_of_reach_is_said_in_a_line(monkeypatch, tmp_path):
    ray = pytest.importorskip("ray")
    from fashionrec.errors import BadInputError

    def no_cluster(**kwargs):
        raise ConnectionError("Could not find any running Ray instance. Please specify the one to connect to")

    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", no_cluster)
    with pytest.raises(BadInputError, match=r"address auto \(--address auto\): cannot join the Ray cluster"):
        embed_catalog_to_parquet(fixture_catalog(), tiny_tagger_path(), tmp_path / "ray", engine="ray",
                                 address="auto", progress=False)
    assert not (tmp_path / "ray").exists()
    with pytest.raises(BadInputError, match=r"\(--address ray://admin:\*\*\*@head:10001\): cannot join") as said:
        embed_catalog_to_parquet(fixture_catalog(), tiny_tagger_path(), tmp_path / "ray", engine="ray",
                                 address="ray://admin:S3cret@head:10001", progress=False)
    assert "S3cret" not in str(said.value)


def test_embeddings_of_other_photos_or_another_calibration_are_refused(local_embeddings, tmp_path):
    # A code review's trial: a copy of the catalogue whose ids point at their neighbours' photos was indexed
    # with the first one's vectors (median cosine 0.50 to the photos shown); and after `fashionrec calibrate`
    # the stored probabilities were the old calibration's under the new temperatures' name.
    import json
    import shutil

    from fashionrec.calibration import calibration_temperatures
    from fashionrec.errors import ModelError
    from fashionrec.recommend import Recommender
    from fashionrec.tagger import Tagger

    tagger = Tagger.load(tiny_tagger_path())
    moved = tmp_path / "catalogue"
    shutil.copytree(FIXTURE, moved)
    photos = sorted((moved / "images").glob("*.jpg"), key=lambda p: p.stat().st_size)
    small, large = photos[len(photos) // 4], photos[-1]
    shutil.copy(large, small)        # another photo under this id
    with pytest.raises(VectorIndexError, match=rf"1 usable catalogue items have another photo .*ids {small.stem}\)"):
        Recommender.build(str(moved), tagger, tmp_path / "index", embeddings=str(local_embeddings), progress=False)
    assert not (tmp_path / "index").exists()
    # ... and one of the same size, other bytes (here the JFIF density alone): the size alone let it through (stop 77).
    shutil.copy(FIXTURE / "images" / small.name, small)
    data = bytearray(small.read_bytes())
    data[15] ^= 0x03
    small.write_bytes(bytes(data))
    with pytest.raises(VectorIndexError, match=rf"another photo than the one embedded .*bytes; ids {small.stem}\)"):
        Recommender.build(str(moved), tagger, tmp_path / "index", embeddings=str(local_embeddings), progress=False)
    assert not (tmp_path / "index").exists()
    copied = tmp_path / "emb"
    shutil.copytree(local_embeddings, copied)
    manifest = json.loads((copied / "manifest.json").read_text())
    assert manifest["model"]["temperature"] == calibration_temperatures(tagger)
    manifest["model"]["temperature"] = {"articleType": 2.0}        # as if embedded under another calibration
    (copied / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="calibrated again"):
        Recommender.build(str(FIXTURE), tagger, tmp_path / "index", embeddings=str(copied), progress=False)


def test_embeddings_of_products_the_catalogue_no_longer_has_are_said(local_embeddings, caplog):
    # Rows removed from styles.csv since `fashionrec embed`: their vectors were left out of the index unsaid.
    from fashionrec.batch_embed import aligned_embeddings

    _, frame = load_embeddings(local_embeddings)
    usable = fixture_catalog().usable
    gone = usable["id"].iloc[:2].astype(int).tolist()
    caplog.set_level("WARNING", logger="fashionrec.batch_embed")
    ids, vectors, _ = aligned_embeddings(frame, usable.iloc[2:])
    assert ids.tolist() == usable["id"].iloc[2:].astype(int).tolist() and len(vectors) == len(ids)
    assert "2 embedded products are not usable items of the catalogue now" in caplog.text
    assert all(str(i) in caplog.text for i in gone)
    caplog.clear()
    aligned_embeddings(frame, usable)
    assert "not usable items" not in caplog.text


def test_an_interrupted_embed_says_what_its_folder_holds(local_embeddings, monkeypatch, tmp_path):
    # It ended with exit 130 and nothing said, or under Ray's own last line (a scale-out trial).
    import shutil

    import fashionrec.batch_embed as batch_embed

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_embed, "embed_catalog_to_parquet", interrupted)
    args = ["embed", str(FIXTURE), "--model", str(tiny_tagger_path()), "--out"]
    res = CliRunner().invoke(app, [*args, str(tmp_path / "new")])
    assert res.exit_code == 130 and f"interrupted: {tmp_path / 'new'} was not written" in " ".join(res.output.split())
    kept = shutil.copytree(local_embeddings, tmp_path / "kept")
    res = CliRunner().invoke(app, [*args, str(kept)])
    said = " ".join(res.output.split())
    assert res.exit_code == 130 and "still holds the embeddings it had before, unchanged" in said, said
