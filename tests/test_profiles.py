"""A profile's picks ("For you", fashionrec.profiles): the work each request does, counted (no timings)."""

from __future__ import annotations

import collections
import sys

import numpy as np
import pandas as pd
import pytest
from _recs_support import BACKENDS, built_index, shared_recommender

from fashionrec.recommend import Rec, Recommender


@pytest.fixture(scope="module", params=BACKENDS)
def rec(request) -> Recommender:
    return shared_recommender(request.param)


def _liked(r: Recommender) -> list[int]:
    """Ten products and the first two unisex ones (a unisex product's look reads its page's similar items)."""
    ids = [int(i) for i in r.items["id"]]
    return ids[:10] + [i for i in ids[10:] if r.item(i).get("gender") == "Unisex"][:2]


def test_after_warm_search_a_profile_builds_no_table():
    # Stop 73: a server warms its tables before it serves (warm_search), yet its first profile of 200 saved products
    # on the 39,730-product index took 0.67 s where the next took 0.41: it built the colourway keys, the clog names,
    # the types' sizes, the colour words and the usage column a look, a page's similar items and a card read.
    r = Recommender.load(built_index("faiss"))      # its own: the shared one has built them in other tests
    r.warm_search()
    built, real = [], Recommender._once

    def once(self, attr, build):
        if getattr(self, attr) is None:
            built.append(attr)
        return real(self, attr, build)

    tables = set(r._codes)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Recommender, "_once", once)
        liked = _liked(r)
        r.for_profile(liked, k=12)
        for i in liked[:4]:
            r.product_page(i)
    # (a card's words are kept per name as they are asked, by design: _card_words)
    assert not built and set(r._codes) - tables <= {("card", "words")}, (built, set(r._codes) - tables)


def test_a_profiles_lists_and_looks_look_codes_up_without_sorting_them(rec, monkeypatch):
    # Stop 73: per list, a profile's search sorted its few hundred ids and the excluded ones (np.isin in _kept); per
    # look, each set of types asked for sorted the catalogue's 40k codes (np.isin in _is, 1.1 ms each, 0.09 by a
    # table) and each slot factorised its candidates' colour names (pd.factorize in _assemble). The same picks.
    liked = _liked(rec)
    want = [(x.id, x.score, x.reason, x.card_reason, x.slot) for x in rec.for_profile(liked, k=12)]
    calls: collections.Counter = collections.Counter()

    def counted(name, real):
        def call(*args, **kwargs):
            calls[name, sys._getframe(1).f_code.co_name] += 1
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(np, "isin", counted("isin", np.isin))
    monkeypatch.setattr(pd, "factorize", counted("factorize", pd.factorize))
    got = [(x.id, x.score, x.reason, x.card_reason, x.slot) for x in rec.for_profile(liked, k=12)]
    assert got == want and len(got) == 12
    assert not [c for c in calls if c[1] in ("_is", "_kept", "_assemble")], calls
    # _is by its table answers as membership does, a missing value and a value the catalogue lacks matching nothing.
    column = rec._column("articleType")
    values = sorted({str(v) for v in column[:6] if isinstance(v, str)}) + ["No such type", None]
    assert np.array_equal(rec._is("articleType", values), pd.Series(column).isin(values[:-1]).to_numpy())


def test_a_unisex_products_one_piece_is_its_looks_first_piece(monkeypatch):
    # Stop 73: a grown-up's unisex product's look is for anyone where two pieces or more are; asked for one piece (a
    # profile's looks read each look's first piece alone) it always took a side, after working out its lean (its
    # page's similar items) and the look twice: 2 of 60 random unisex bags of the full catalogue got a side's topwear
    # where their page's look begins with bottoms for anyone (31.6 ms a look where 2.4 ms now).
    r = shared_recommender("faiss")
    grown = [int(i) for i in r.items["id"] if r.item(int(i)).get("gender") == "Unisex"
             and not r._childrens()[r._row[int(i)]]]
    for i in grown:     # (the fixture's are for no one in particular: no piece for anyone)
        assert [x.id for x in r.complete_the_look(i, k=1)] == [x.id for x in r.complete_the_look(i, k=4)][:1]
    others = [int(i) for i in r.items["id"] if int(i) != grown[0]][:3]
    for_anyone = [Rec(i, 1.0, "for anyone", r.item(i), slot="Bottomwear") for i in others[:2]]
    sides = []

    def put_together(item_id, k, for_anyone_only, side=None):
        sides.append(None if for_anyone_only else side)
        return for_anyone[:k] if for_anyone_only else [Rec(others[2], 1.0, "a side's", r.item(others[2]))]

    monkeypatch.setattr(r, "_put_together", put_together)
    assert [x.id for x in r.complete_the_look(grown[0], k=1)] == [others[0]]
    assert [x.id for x in r.complete_the_look(grown[0], k=4)] == others[:2]
    assert sides == [None, None], "a look with two pieces for anyone took a side"


def _one_list_of_tops(monkeypatch, seed: int):
    """(the shared recommender, a liked women's top, the embeddings): the top's only list is six other tops, in
    order, and every product's embedding random (256-d: any two far apart), for a test to plant look-alikes in."""
    from fashionrec.profiles import _Lists

    r = shared_recommender("faiss")
    tops = [int(i) for i in r.items["id"][(r.items["gender"] == "Women") & (r.items["articleType"] == "Tops")]]
    liked, cands = tops[0], tops[1:7]
    rng = np.random.default_rng(seed)
    emb = rng.standard_normal(r.embeddings.shape).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    ids, sc = np.array(cands), np.linspace(0.9, 0.8, len(cands)).astype(np.float32)
    monkeypatch.setattr(r, "embeddings", emb)
    monkeypatch.setattr(r, "_profile_lists", lambda lk, lv, mean, per, k: _Lists(
        lambda js, p: [(liked, ids, sc) for _ in js], 1, per))
    return r, liked, emb


def test_a_profile_holds_back_a_pick_that_looks_like_another_though_no_copy(monkeypatch):
    # Stop 75: one saved striped shirt got 5 near-identical lavender shirts on one model among its 24 picks (cosines
    # 0.91-0.93, under the 0.95 the first pass held back). Here one liked top's list is six other tops, the second
    # planted at cosine 0.92 to the first: it comes last, once the others are picked, not second.
    from fashionrec.profiles import LOOK_ALIKE

    r, liked, emb = _one_list_of_tops(monkeypatch, seed=0)
    base = [x.id for x in r.for_profile([liked], k=6, looks=False)]     # those of the six it may pick, in order
    assert len(base) >= 5, base
    a, b = emb[r._row[base[0]]], emb[r._row[base[1]]]
    b = b - (b @ a) * a
    emb[r._row[base[1]]] = 0.92 * a + np.sqrt(1 - 0.92 ** 2) * b / np.linalg.norm(b)
    assert LOOK_ALIKE < 0.92
    assert [x.id for x in r.for_profile([liked], k=4, looks=False)] == [base[0], *base[2:5]]
    # Nothing lost: a page the others do not fill takes it.
    assert [x.id for x in r.for_profile([liked], k=6, looks=False)] == [base[0], *base[2:], base[1]]


def test_a_profiles_fill_up_takes_the_pick_that_looks_like_fewest_chosen_first(monkeypatch):
    # Stop 76: every sunglasses photo looks alike to the model, so one saved pair's first pass ran out and the fill-up
    # took the next in its list whatever it looked like (40 of its 24 picks' 276 pairs above 0.90). Here the list's
    # second looks like the first and the fifth (0.92 to each), its fourth like the first alone: once the first pass
    # has the first, third and fifth, the fourth fills the page, not the second.
    from fashionrec.profiles import LOOK_ALIKE

    r, liked, emb = _one_list_of_tops(monkeypatch, seed=1)
    b = [x.id for x in r.for_profile([liked], k=6, looks=False)][:5]     # five it may pick, in order
    assert len(b) == 5, b
    a = emb[r._row[b[0]]]
    u1, u2 = np.linalg.qr(np.stack([a, emb[r._row[b[4]]], emb[r._row[b[3]]]]).T)[0].T[1:]    # orthonormal, ⊥ a
    c = 0.7 * a + np.sqrt(1 - 0.7 ** 2) * u1                    # the fifth: 0.70 to the first, so picked with it
    emb[r._row[b[4]]] = c
    emb[r._row[b[1]]] = (a + c) / np.linalg.norm(a + c)         # 0.92 to the first and to the fifth
    emb[r._row[b[3]]] = 0.92 * a + np.sqrt(1 - 0.92 ** 2) * u2  # 0.92 to the first alone
    assert LOOK_ALIKE < 0.92
    assert [x.id for x in r.for_profile([liked], k=4, looks=False)] == [b[0], b[2], b[4], b[3]]
    assert [x.id for x in r.for_profile([liked], k=5, looks=False)] == [b[0], b[2], b[4], b[3], b[1]]
