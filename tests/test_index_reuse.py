"""A rebuild takes the embeddings of the photos and texts the index it replaces holds (fashionrec.index_reuse)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from _recs_support import FIXTURE, built_index, tiny_tagger_path
from PIL import Image, ImageOps
from typer.testing import CliRunner

import fashionrec.index_reuse as index_reuse
from fashionrec.catalog import load_catalog
from fashionrec.cli import app
from fashionrec.recommend import Recommender
from fashionrec.tagger import Tagger


@pytest.fixture()
def shop(tmp_path):
    """A copy of the fixture catalogue a test may change."""
    return shutil.copytree(FIXTURE, tmp_path / "shop")


def _embedded(monkeypatch) -> list[int]:
    """The ids of the photos the tagger is asked to embed from now on."""
    asked: list[int] = []
    embed = index_reuse.embed_catalog

    def counting(catalog, tagger, **kwargs):
        asked.extend(int(i) for i in catalog.usable["id"])
        return embed(catalog, tagger, **kwargs)

    monkeypatch.setattr(index_reuse, "embed_catalog", counting)
    return asked


def _by_id(rec: Recommender) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    order = np.argsort(rec.items["id"].to_numpy())
    return rec.items.iloc[order].reset_index(drop=True), rec.embeddings[order], rec.text_embeddings[order]


def test_a_rebuild_embeds_only_what_changed_and_gives_what_a_full_build_gives(shop, tmp_path, monkeypatch):
    tagger = Tagger.load(tiny_tagger_path())
    Recommender.build(load_catalog(shop, progress=False), tagger, tmp_path / "index", progress=False)
    lines = (shop / "styles.csv").read_text().splitlines()
    # (The fixture's styles.csv has malformed rows on purpose: its first rows are whole ones, edited as text.)
    first, second, third = (int(line.split(",")[0]) for line in lines[1:4])
    # A photo replaced (mirrored), a name fixed, and a new product whose photo is a copy of another's.
    photo = shop / "images" / f"{first}.jpg"
    ImageOps.mirror(Image.open(photo).convert("RGB")).save(photo, quality=90)
    lines[2] = ",".join(lines[2].split(",")[:9] + ["Fixed Name Of The Second Product"])
    new_id = max(int(p.stem) for p in (shop / "images").glob("*.jpg")) + 1
    shutil.copyfile(shop / "images" / f"{third}.jpg", shop / "images" / f"{new_id}.jpg")
    lines.append(",".join([str(new_id), *lines[3].split(",")[1:9], "A New Product"]))
    (shop / "styles.csv").write_text("\n".join(lines) + "\n")

    asked = _embedded(monkeypatch)
    rebuilt = Recommender.build(load_catalog(shop, progress=False), tagger, tmp_path / "index", progress=False)
    assert asked == [first]     # the copied photo is found by its bytes, under its new id
    n = len(rebuilt)
    assert rebuilt.manifest["reused"] == {"photo_embeddings": n - 1, "text_embeddings": n - 2}
    asked.clear()
    full = Recommender.build(load_catalog(shop, progress=False), tagger, tmp_path / "full", progress=False,
                             reuse=False)
    assert len(asked) == n and full.manifest["reused"] == {"photo_embeddings": 0, "text_embeddings": 0}
    (items, vecs, texts), (items_full, vecs_full, texts_full) = _by_id(rebuilt), _by_id(full)
    np.testing.assert_allclose(vecs, vecs_full, atol=1e-5)
    np.testing.assert_allclose(texts, texts_full, atol=1e-5)
    probs = [c for c in items if c.endswith("_prob")]
    pd.testing.assert_frame_equal(items.drop(columns=probs), items_full.drop(columns=probs))
    np.testing.assert_allclose(items[probs].to_numpy(float), items_full[probs].to_numpy(float), atol=1e-5)
    # The mirrored photo's vector is its own, not the one it had.
    before = Recommender.load(built_index())
    assert not np.allclose(rebuilt.embeddings[rebuilt._row[first]], before.embeddings[before._row[first]], atol=1e-3)
    assert rebuilt.similar(new_id, k=3)[0].id != new_id


def test_nothing_is_taken_from_another_models_index_or_one_without_digests(shop, tmp_path, monkeypatch, caplog):
    tagger = Tagger.load(tiny_tagger_path())
    out = tmp_path / "index"
    Recommender.build(load_catalog(shop, progress=False), tagger, out, progress=False)
    asked = _embedded(monkeypatch)
    other = Tagger.load(tiny_tagger_path())
    other.weights_sha256 = "0" * 64         # another model's file
    with caplog.at_level("INFO", logger="fashionrec.index_reuse"):
        rebuilt = Recommender.build(load_catalog(shop, progress=False), other, out, progress=False)
    assert "built by another model" in caplog.text
    assert rebuilt.manifest["reused"]["photo_embeddings"] == 0 and len(asked) == len(rebuilt)
    (out / index_reuse.DIGESTS).unlink()      # as a folder built before the digests were recorded
    asked.clear()
    caplog.clear()
    with caplog.at_level("INFO", logger="fashionrec.index_reuse"):
        rebuilt = Recommender.build(load_catalog(shop, progress=False), other, out, progress=False)
    assert "records no photo digests" in caplog.text and len(asked) == len(rebuilt)
    assert (out / index_reuse.DIGESTS).is_file()


def test_a_damaged_index_is_said_and_everything_embedded(shop, tmp_path, monkeypatch, caplog):
    tagger = Tagger.load(tiny_tagger_path())
    out = tmp_path / "index"
    Recommender.build(load_catalog(shop, progress=False), tagger, out, progress=False)
    np.save(out / "embeddings.npy", np.zeros((3, tagger.dim), np.float32))     # rows lost
    asked = _embedded(monkeypatch)
    with caplog.at_level("WARNING", logger="fashionrec.index_reuse"):
        rebuilt = Recommender.build(load_catalog(shop, progress=False), tagger, out, progress=False)
    assert "inconsistent" in caplog.text and len(asked) == len(rebuilt)


def test_the_cli_rebuilds_without_reuse_when_asked(shop, tmp_path, monkeypatch):
    out = tmp_path / "index"
    runner = CliRunner()
    args = ["index", "build", str(shop), "--model", str(tiny_tagger_path()), "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "reused the photo embeddings of" in result.output
    result = runner.invoke(app, [*args, "--no-reuse"])
    assert result.exit_code == 0, result.output
    assert "reused" not in result.output
    assert Recommender.load(out).manifest["reused"]["photo_embeddings"] == 0
