"""Stop 68 review: ``diversity`` > 0 keeps the similar items' type lead ("the source's own type first", as the
``Rec.score`` description promises): MMR within the lead, then within the rest."""

from __future__ import annotations

import numpy as np
from _recs_support import index_copy, tiny_tagger_path

from fashionrec.recommend import Recommender, _mmr


def test_mmr_chooses_the_first_ones_before_any_other_each_part_by_mmr():
    vecs = np.eye(4, dtype=np.float32)
    relevance = np.array([0.9, 0.8, 0.3, 0.2], np.float32)
    assert _mmr(vecs, relevance, 4, 0.5) == [0, 1, 2, 3]
    assert _mmr(vecs, relevance, 4, 0.5, first=np.array([False, False, True, True])) == [2, 3, 0, 1]
    assert _mmr(vecs, relevance, 3, 0.5, first=np.array([False, True, False, True])) == [1, 3, 0]


def test_diversity_keeps_the_own_type_first_in_similar_items(tmp_path):
    rec = Recommender.load(index_copy(tmp_path / "index"), tiny_tagger_path())
    def led(i: int, recs) -> bool:      # no other type before one of its own
        mine = [r.item["articleType"] == rec.item(i)["articleType"] for r in recs]
        return not any(b and not a for a, b in zip(mine, mine[1:], strict=False))

    broken, changed, kept = [], 0, 0
    for i in rec.items["id"].astype(int).tolist():
        plain, diverse = rec.similar(i, k=10), rec.similar(i, k=10, diversity=0.5)
        if not led(i, plain):       # a few lists whose first is no such type (a name read as another kind)
            continue
        kept += 1
        if not led(i, diverse):
            broken.append(i)
        changed += [r.id for r in diverse] != [r.id for r in plain]
    assert not broken and kept > 150
    assert changed > 20     # diversity still reorders
