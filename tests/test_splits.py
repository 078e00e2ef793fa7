"""Splits: reproducible from the seed, stratified by articleType, small classes reported, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from fashionrec.catalog import Catalog
from fashionrec.splits import SPLITS, Split, SplitConfig, make_split


@pytest.fixture(scope="module")
def items(fixture_catalog: Catalog) -> pd.DataFrame:
    return fixture_catalog.usable


def test_same_seed_gives_the_same_split(items: pd.DataFrame) -> None:
    a = make_split(items, SplitConfig(seed=0))
    b = make_split(items, SplitConfig(seed=0))
    pd.testing.assert_series_equal(a.assignments, b.assignments)


def test_another_seed_gives_another_split(items: pd.DataFrame) -> None:
    a = make_split(items, SplitConfig(seed=0))
    b = make_split(items, SplitConfig(seed=1))
    assert not a.assignments.equals(b.assignments)
    assert set(a.assignments.index) == set(b.assignments.index)


def test_split_does_not_depend_on_row_order(items: pd.DataFrame) -> None:
    shuffled = items.sample(frac=1.0, random_state=7)
    pd.testing.assert_series_equal(make_split(items, seed=3).assignments,
                                   make_split(shuffled, seed=3).assignments)


def test_every_usable_item_is_in_exactly_one_split(items: pd.DataFrame) -> None:
    split = make_split(items, seed=0)
    assert split.assignments.index.is_unique
    assert set(split.assignments.index) == set(items["id"])
    assert set(split.assignments.unique()) <= set(SPLITS)
    assert sum(len(split.ids(s)) for s in SPLITS) == len(items)


def test_every_class_with_three_images_is_in_val_and_test(items: pd.DataFrame) -> None:
    split = make_split(items, seed=0)
    label = items.set_index("id")["articleType"]
    per_class = pd.crosstab(label.loc[split.assignments.index], split.assignments)
    counts = label.value_counts()
    stratified = counts[counts >= 3].index
    assert len(stratified) == 21
    assert (per_class.loc[stratified, "val"] >= 1).all()
    assert (per_class.loc[stratified, "test"] >= 1).all()
    assert (per_class.loc[stratified, "train"] > per_class.loc[stratified, "test"]).all()


def test_small_classes_are_train_only_and_reported(items: pd.DataFrame, expected: dict) -> None:
    split = make_split(items, seed=0)
    assert split.train_only_classes == expected["train_only_classes"]
    ties = items.loc[items["articleType"] == "Ties", "id"]
    assert (split.assignments.loc[ties] == "train").all()
    assert split.summary()["train_only_classes"] == expected["train_only_classes"]


def test_rows_without_a_label_are_listed_not_split(items: pd.DataFrame) -> None:
    unlabelled = items.copy()
    unlabelled.loc[unlabelled.index[:2], "articleType"] = None
    split = make_split(unlabelled, seed=0)
    assert sorted(split.unlabelled_ids) == sorted(unlabelled["id"].iloc[:2])
    assert not set(split.unlabelled_ids) & set(split.assignments.index)


@pytest.mark.parametrize("val_frac, test_frac", [(0.6, 0.5), (-0.2, 0.3), (0.2, 0.0), (0.5, 0.5)])
def test_bad_fractions_are_refused(items: pd.DataFrame, val_frac: float, test_frac: float) -> None:
    with pytest.raises(ValueError, match="val_frac"):
        make_split(items, val_frac=val_frac, test_frac=test_frac)


def test_large_fractions_still_leave_every_class_something_to_train_on() -> None:
    items = pd.DataFrame({"id": range(1, 12), "articleType": ["A"] * 3 + ["B"] * 4 + ["C"] * 4})
    split = make_split(items, val_frac=0.45, test_frac=0.45)
    for label, group in items.groupby("articleType"):
        counts = split.assignments.loc[group["id"]].value_counts()
        assert all(counts.get(s, 0) >= 1 for s in SPLITS), (label, dict(counts))


def test_a_run_split_beside_the_checkpoint_is_used_only_if_it_is_the_recorded_one(items, tmp_path) -> None:
    from fashionrec.splits import checkpoint_split

    trained = make_split(items, seed=0)
    other = make_split(items, seed=1)
    assert other.fingerprint("test") != trained.fingerprint("test")
    # `fashionrec data split` writes runs/split.csv; a checkpoint copied to runs/<name>/ must not take it.
    other.save(tmp_path / "runs" / "split.csv")
    (tmp_path / "runs" / "mymodel").mkdir()
    got = checkpoint_split(items, trained.summary(), tmp_path / "runs" / "mymodel" / "tagger.safetensors", "fx")
    assert got.fingerprint("test") == trained.fingerprint("test")
    # In a train run folder whose split.csv is another one (overwritten): still the recorded split.
    other.save(tmp_path / "run" / "split.csv")
    got = checkpoint_split(items, trained.summary(), tmp_path / "run" / "weights" / "best.safetensors", "fx")
    assert got.fingerprint("test") == trained.fingerprint("test")
    trained.save(tmp_path / "run" / "split.csv")
    assert checkpoint_split(items, trained.summary(), tmp_path / "run" / "weights" / "best.safetensors",
                            "fx").fingerprint("test") == trained.fingerprint("test")


def test_nothing_usable_is_an_error_not_an_empty_split(items: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="nothing to split"):
        make_split(items.iloc[:0])


def test_a_misspelt_setting_is_refused_and_the_callers_config_left_as_it_was(fixture_catalog: Catalog,
                                                                               items: pd.DataFrame,
                                                                               tmp_path: Path) -> None:
    # "sead=1" was set on the config and ignored: the seed-0 split, silently (a Python user's trial).
    with pytest.raises(TypeError, match="no setting 'sead'"):
        make_split(items, sead=1)
    config = SplitConfig()
    assert make_split(items, config, seed=5).config.seed == 5 and config.seed == 0
    # Saved, it says how it was made (split.json had no date nor version, a Python user's trial).
    make_split(items, seed=5).save(tmp_path / "split.csv")
    saved = json.loads((tmp_path / "split.json").read_text())
    assert saved["command"].startswith("python") and saved["created"] and saved["config"]["seed"] == 5
    assert Split.load(tmp_path / "split.csv").fingerprint("test") == make_split(items, seed=5).fingerprint("test")
    assert repr(fixture_catalog).startswith("Catalog(") and len(repr(fixture_catalog)) < 300
    assert "rows rejected" in repr(fixture_catalog.report)
    # The catalogue itself is split by its usable rows; a label the rows lack is named.
    assert make_split(fixture_catalog, seed=5).fingerprint("test") == make_split(items, seed=5).fingerprint("test")
    with pytest.raises(ValueError, match="no 'brand' column"):
        make_split(items, label="brand")


def test_a_split_is_remade_only_from_the_very_same_products(items: pd.DataFrame) -> None:
    from fashionrec.errors import FashionrecError
    from fashionrec.splits import remake_split

    recorded = make_split(items, seed=0).summary()
    assert remake_split(items.sample(frac=1, random_state=1), recorded, "shuffled").summary() == recorded
    # One product swapped for another of the same class: the same counts, other test products.
    swapped = items.copy()
    swapped.loc[swapped.index[0], "id"] = int(items["id"].max()) + 1
    assert make_split(swapped, seed=0).summary()["counts"] == recorded["counts"]
    with pytest.raises(FashionrecError, match="other test products"):
        remake_split(swapped, recorded, "swapped")


def test_save_and_load_round_trip(items: pd.DataFrame, tmp_path: Path) -> None:
    split = make_split(items, SplitConfig(seed=5, val_frac=0.2, test_frac=0.15))
    path = tmp_path / "runs" / "split.csv"
    split.save(path)
    assert path.is_file() and path.with_suffix(".json").is_file()
    loaded = Split.load(path)
    assert loaded.config == split.config
    assert loaded.train_only_classes == split.train_only_classes
    assert dict(loaded.assignments) == dict(split.assignments)
    assert loaded.summary() == split.summary()


@pytest.mark.full_data
def test_full_catalogue_split_is_stratified(full_catalog: Catalog) -> None:
    usable = full_catalog.usable
    split = make_split(usable, seed=0)
    assert len(split.assignments) == 39730
    label = usable.set_index("id")["articleType"]
    per_class = pd.crosstab(label.loc[split.assignments.index], split.assignments)
    counts = label.value_counts()
    big = counts[counts >= 3].index
    assert (per_class.loc[big, ["val", "test"]] >= 1).all().all()
    assert set(split.train_only_classes) == set(counts[counts < 3].index)
    n_test = (split.assignments == "test").sum()
    assert 0.09 < n_test / len(usable) < 0.11


def test_a_split_is_not_saved_over_its_own_sidecar(items: pd.DataFrame, tmp_path: Path) -> None:
    from fashionrec.errors import FashionrecError

    with pytest.raises(FashionrecError, match="ending in .csv"):
        make_split(items).save(tmp_path / "split.json")
    assert not list(tmp_path.iterdir())
    # Nor over a file of one's own (a code review: a shop's CSV was replaced without a word).
    (tmp_path / "mine.csv").write_text("a,b\n1,2\n")
    with pytest.raises(FashionrecError, match="is no split"):
        make_split(items).save(tmp_path / "mine.csv")
    assert (tmp_path / "mine.csv").read_text() == "a,b\n1,2\n"


def _with_copies(items: pd.DataFrame) -> pd.DataFrame:
    """The fixture's products with a photo shared the way the shared catalogue shares them: every third
    product of a type takes the photo of the product before it, and one Tshirt's photo is also a Shirt's."""
    items = items.sort_values(["articleType", "id"]).reset_index(drop=True).copy()
    digest = items["photo_digest"].copy()
    for _, rows in items.groupby("articleType"):
        for a, b in zip(rows.index[1::3], rows.index[2::3], strict=False):
            digest[b] = digest[a]
    tshirt, shirt = (items.index[items["articleType"] == t][0] for t in ("Tshirts", "Shirts"))
    digest[shirt] = digest[tshirt]
    return items.assign(photo_digest=digest)


def test_copies_together_puts_each_photo_in_one_part(items: pd.DataFrame) -> None:
    shared = _with_copies(items)
    parts = {}
    for copies in ("apart", "together"):
        split = make_split(shared, seed=0, copies=copies)
        part = shared.set_index("id")["photo_digest"].to_frame().join(split.assignments.rename("part"))
        parts[copies] = part.groupby("photo_digest")["part"].nunique()
    # By id, some photo lands on two sides (what the option is for); kept together, none does.
    assert (parts["apart"] > 1).any()
    assert (parts["together"] == 1).all()
    together = make_split(shared, seed=0, copies="together")
    label = shared.set_index("id")["articleType"]
    per_class = pd.crosstab(label.loc[together.assignments.index], together.assignments)
    counts = label.value_counts()
    # Every type with enough photos is still in val and test, and the shares stay near the asked ones.
    photos = shared.groupby("articleType")["photo_digest"].nunique()
    stratified = photos[photos >= 3].index.difference(together.train_only_classes)
    assert len(stratified) and (per_class.loc[stratified, ["val", "test"]] >= 1).all().all()
    assert (per_class.loc[stratified, "train"] >= 1).all()
    assert set(together.train_only_classes) == set(photos[photos < 3].index)
    assert abs((together.assignments == "test").sum() - (make_split(shared, seed=0).assignments == "test").sum()) \
        <= len(counts)
    # Reproducible, whatever the row order.
    again = make_split(shared.sample(frac=1, random_state=3), seed=0, copies="together")
    pd.testing.assert_series_equal(again.assignments, together.assignments)


def test_a_split_by_id_records_no_copies_setting_and_one_kept_together_is_remade_as_such(
        items: pd.DataFrame, tmp_path: Path) -> None:
    from fashionrec.errors import FashionrecError
    from fashionrec.splits import remake_split

    shared = _with_copies(items)
    # A version before the setting refuses a config it does not know: the split by id records none, as before.
    assert "copies" not in make_split(shared, seed=0).summary()["config"]
    recorded = make_split(shared, seed=0, copies="together").summary()
    assert recorded["config"]["copies"] == "together"
    assert remake_split(shared, recorded, "same").summary() == recorded
    make_split(shared, seed=0, copies="together").save(tmp_path / "split.csv")
    assert Split.load(tmp_path / "split.csv").config.copies == "together"
    with pytest.raises(FashionrecError, match="digest"):
        make_split(shared.drop(columns="photo_digest"), copies="together")
    with pytest.raises(FashionrecError, match="apart or together"):
        make_split(shared, copies="grouped")


def test_kept_together_a_class_is_train_only_only_when_none_of_it_is_held_out() -> None:
    # Three products of B whose photos are copies of A's: placed with A's, some in val and test, while the split
    # said B was "too small to stratify, train only" (a code review).
    items = pd.DataFrame({"id": list(range(1, 11)) + [101, 102, 103],
                          "articleType": ["A"] * 10 + ["B"] * 3,
                          "photo_digest": [f"d{i}" for i in range(1, 11)] + ["d1", "d2", "d3"]})
    held_out_b = 0
    for seed in range(8):
        split = make_split(items, seed=seed, copies="together")
        parts = split.assignments
        b_parts = set(parts.loc[[101, 102, 103]])
        held_out_b += b_parts != {"train"}
        assert ("B" in split.train_only_classes) == (b_parts == {"train"}), (seed, b_parts)
        if "B" in split.train_only_classes:
            assert split.train_only_listed() == "B (3 products)"
    assert held_out_b, "no seed put a copy of B's in val or test: the test checks nothing"


def test_a_split_stopped_while_saved_leaves_its_csv_and_summary_of_one_split(items: pd.DataFrame, tmp_path: Path,
                                                                             monkeypatch) -> None:
    # Saved one after the other, a stop between them left the CSV of one split beside the summary of another
    # (a code review).
    import fashionrec.splits as splits

    make_split(items, seed=0).save(tmp_path / "split.csv")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def stopped():
        raise KeyboardInterrupt

    monkeypatch.setattr(splits, "provenance", stopped)
    with pytest.raises(KeyboardInterrupt):
        make_split(items, seed=7).save(tmp_path / "split.csv")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_class_of_one_product_is_listed_as_one_product() -> None:
    # "Ipad (1 products)" on the shared catalogue.
    items = pd.DataFrame({"id": [1, 2, 3, 4, 9], "articleType": ["A"] * 4 + ["Ipad"],
                          "photo_digest": ["d1", "d2", "d3", "d4", "d9"]})
    listed = make_split(items, seed=0, copies="together").train_only_listed()
    assert listed == "Ipad (1 product)", listed


def _one_type(n: int) -> pd.DataFrame:
    return pd.DataFrame({"id": range(1, n + 1), "articleType": "Tshirts"})


@pytest.mark.parametrize(("n", "frac", "share"), [
    (15, 0.1, 2), (25, 0.1, 2), (35, 0.1, 4), (45, 0.1, 4),     # half to even, as the shipped model's split
    (90, 0.35, 32), (150, 0.07, 10),    # 31.499999999999996 and 10.500000000000002 as binary products: 31 and 11
])
def test_a_share_is_the_fraction_as_written_rounded_half_to_even(n: int, frac: float, share: int) -> None:
    counts = make_split(_one_type(n), test_frac=frac, val_frac=frac if frac < 0.5 else 0.1).summary()["counts"]
    assert counts["test"] == share and counts["val"] == share


def test_a_split_recorded_with_the_binary_rounding_is_still_remade() -> None:
    from fashionrec.splits import remake_split

    items = _one_type(90)
    before = make_split(items, test_frac=0.35, val_frac=0.2, float_shares=True)
    recorded = before.summary()
    assert recorded["counts"]["test"] == 31 and make_split(items, before.config).summary()["counts"]["test"] == 32
    assert remake_split(items, recorded, "same").fingerprint("test") == recorded["test_ids_sha256"]
