"""What a CLI call spends before its answer (stop 75): a verb's help imports no data library, and a query maps an
index's arrays rather than reading them, with the same answers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from _recs_support import built_index, index_copy, shared_recommender

import fashionrec.cli  # noqa: F401  (first: cli_recs is imported through it)
from fashionrec.cli_recs import _load
from fashionrec.recommend import Recommender


def test_the_commands_help_imports_no_pandas_numpy_or_torch() -> None:
    # `fashionrec --help` imported pandas, numpy and PIL (1.2 s of its 1.9 s at load 8) for one function's text.
    code = ("import sys, fashionrec.cli; "
            "loaded = [m for m in ('pandas', 'numpy', 'PIL', 'torch') if m in sys.modules]; assert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)


def test_a_query_verb_maps_the_index_arrays_and_answers_as_a_load_into_memory_does() -> None:
    # A `recommend` call read all 447 MB of a 40k index's arrays for the few rows its query looks at.
    mapped = _load(built_index(), warn_stale=False)
    assert isinstance(mapped.embeddings, np.memmap) and isinstance(mapped.text_embeddings, np.memmap)
    assert not mapped.embeddings.flags.writeable      # read-only: a query verb writes nothing back
    whole = shared_recommender()
    assert not isinstance(whole.embeddings, np.memmap)       # a server's (and a saving verb's) load, as before
    item = int(whole.items["id"].iloc[0])
    answers = [(r.id, r.score, r.reason) for r in whole.similar(item, k=8)]
    assert answers and [(r.id, r.score, r.reason) for r in mapped.similar(item, k=8)] == answers
    look = [(r.id, r.score) for r in whole.complete_the_look(item, k=4)]
    assert [(r.id, r.score) for r in mapped.complete_the_look(item, k=4)] == look
    assert np.array_equal(mapped.embeddings, whole.embeddings)
    assert not isinstance(whole.text_embeddings, np.memmap)


def test_an_edited_index_maps_its_photo_embeddings_and_keeps_the_edited_text_ones_in_memory(tmp_path) -> None:
    # An edit's generation writes the edited rows' text embeddings over the base's as it loads: onto a read-only
    # map that would raise, so those stay in memory; the photo embeddings are mapped all the same.
    folder = index_copy(tmp_path / "index")
    whole = Recommender.load(folder)
    item = int(whole.items["id"].iloc[0])
    whole.edit_product(item, {"year": 2001})      # (a year: no text to encode again)
    mapped = _load(folder, warn_stale=False)
    assert isinstance(mapped.embeddings, np.memmap) and not isinstance(mapped.text_embeddings, np.memmap)
    assert mapped.items.loc[item, "year"] == 2001
    assert np.array_equal(mapped.text_embeddings, whole.text_embeddings)
