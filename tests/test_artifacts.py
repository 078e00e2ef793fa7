"""Atomic artefact writes: a failure leaves the previous version whole and no temporary files behind."""

import pytest

from fashionrec.artifacts import atomic_dir, write_json


def test_atomic_dir_replaces_only_on_success(tmp_path):
    out = tmp_path / "index"
    with atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("first")
    assert (out / "a.txt").read_text() == "first"

    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("half")
        raise RuntimeError("interrupted")
    assert (out / "a.txt").read_text() == "first"          # the previous version, untouched

    with atomic_dir(out) as tmp:
        (tmp / "b.txt").write_text("second")
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]   # no temp or .old folder left


def test_write_json_leaves_no_temp_file(tmp_path):
    write_json(tmp_path / "m.json", {"a": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]
