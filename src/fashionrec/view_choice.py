"""Which view of a photo the tagger reads where no index can say: :meth:`~fashionrec.tagger.Tagger.predict` and
``fashionrec tag`` without ``--index``.

Photo search picks among a photo's views (:func:`~fashionrec.photo_views.photo_views`: cropped to a small
product, relit, its backdrop made white; turned upright) by the one whose closest catalogue product is closest
(:meth:`~fashionrec.recommend.Recommender.photo_query`). Without an index there is no closest product, and the
tagger read every photo as it came: a photo turned on its side was its type for 9-11% of 250 validation photos,
a shoe or a belt often "Ring 92-99%"; a product pasted small on white for 0-13% (a sure wrong type for 40%), all
without a word (stop 71). Here the tagger's own calibrated certainty of the type stands in for the index's
closeness, and only where a photo does not read as a catalogue photo does (:func:`worth_views`): it is at least
as wide as tall (every catalogue photo is taller), its product is small on a plain backdrop, or the type read as
it is is under :data:`LOOK_AGAIN_BELOW` (such a photo is also looked at upside down: :data:`UPSIDE_DOWN`). The
catalogue's own photos, sure of their type 90% of the time, are read as before at the cost of a look at their
corners.

Chosen on 250 validation photos per kind (never test; ``/tmp/h71turn/explore.py``), type top-1 as it is ->
with the views: turned 90 degrees either way 0.09-0.11 -> 0.82-0.83, small on white or grey 0.00 -> 0.90, at
0.45 of the height 0.13 -> 0.78, upright in a wide 4:3 photo 0.19 -> 0.83, the catalogue's own 0.920 -> 0.924
(one of 250 read otherwise, right now). Where another view reads another type at :data:`DISPUTED_FROM` or more,
the reading is *disputed* (``tag``'s ``views_disagree``, flagged for review): a sure reading the views argue over
is no sure reading (a quarter of the turned photos, most of their mistakes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
from PIL import Image

from fashionrec.catalog import to_rgb
from fashionrec.photo_store import fit_to_store
from fashionrec.photo_views import BACKGROUND_TOLERANCE, photo_views

# A photo read as it is with its type under this (calibrated) is read through its views too: the review
# threshold of `fashionrec tag` (REVIEW_BELOW), under which 10% of the catalogue's validation photos fall.
LOOK_AGAIN_BELOW = 0.8
# A product whose box on a plain backdrop (the corners' colour) covers under this share of the photo stored at
# 80x60 is small in its frame: 0.4% of 1,987 catalogue photos (every 20th), every one of 200 pasted at a quarter
# of a 900x1200 photo's height on white or grey. Its views crop it (photo_views' FRAME_ALWAYS, 0.08 found finer).
SMALL_SHARE = 0.1
# A turned view is read where its type is at least this much surer than the best upright view's: 0.0 read 23%
# of upright products in wide photos turned (0.77 right, against 0.83), 0.05 left more turned photos unturned
# (0.76-0.82 right, against 0.82-0.83).
TURN_SURER_BY = 0.03
TURNS = (90, 270)       # clockwise degrees a photo on its side is looked at turned
# A photo taller than wide whose type read as it came is under LOOK_AGAIN_BELOW is also looked at upside down
# (clockwise degrees): of 100 test photos turned upside down, 80 read under it as they came, and type top-1 was
# 0.33 read through upright views only (stop 72). Not a photo looked at for its small product alone: 3 of 177
# fixture products pasted small on white, sure as they were, read upside down.
UPSIDE_DOWN = 180


def turned_how(turned: int) -> str:
    """How a photo read turned ``turned`` clockwise degrees looked: "upside down" or "on its side"."""
    return "upside down" if turned == UPSIDE_DOWN else "on its side"


# The upside-down view is read where its type is at least this much surer than the best upright view's. Tall
# photos are mostly upright, so a wrong turn costs more than a missed one: at TURN_SURER_BY (0.03) one of 100 test
# catalogue photos, unsure as it came, turned (a flat shoe, Flats 0.85 cropped, "Heels 0.95" upside down); at 0.1
# none, and 2 of 250 validation photos turned upside down are left unturned (0.896 -> 0.888 right).
UPSIDE_DOWN_SURER_BY = 0.1
# Another view reading another type at least this surely makes the reading disputed.
DISPUTED_FROM = 0.8
# A photo whose sides differ by at most this share of the longer is square: a shop's (WooCommerce's, Shopify's)
# padding of a catalogue-like photo. Its product's own box on the plain backdrop says which way it stands: read
# by the canvas, all 300 test catalogue photos padded to square went through their views, turned ones included
# (0.933 -> 0.937 type top-1, 4.6 times slower, 12 upright products read turned; stop 72, h72square).
SQUARE_WITHIN = 0.02
# The box is found on a copy of the photo at most this many pixels on its longer side (the stored size's 80,
# times 2: a 1:1 share of the canvas, so a 60-wide product in an 80-wide square is not lost to rounding).
BOX_SIDE = 160


@dataclasses.dataclass(frozen=True)
class ViewReading:
    """How one photo was read: ``probs`` the raw probabilities of the view read, {head: (1, C) float32};
    ``turned`` clockwise degrees (0: as it came); ``reframed`` whether the view read, upright, is another than the
    photo as it is (cropped to its product, relit, its backdrop made white); ``disputed`` whether another view reads
    another type at :data:`DISPUTED_FROM` or more; ``unsure_as_is`` the type's calibrated probability as the photo
    came, where only that (under :data:`LOOK_AGAIN_BELOW`) had it read through its views, else None: a catalogue-
    like photo unsure as it is stays unsure, whatever view it is read through (of 500 catalogue rows, 5 unsure
    ones read surer cropped, one of them wrong: Sports Shoes 0.62 as it is, "Casual Shoes 0.86" cropped)."""

    probs: dict[str, np.ndarray]
    turned: int
    reframed: bool
    disputed: bool
    unsure_as_is: float | None = None

    def put(self, probs: dict[str, np.ndarray], row: int) -> None:
        """Write this reading's raw probabilities into row ``row`` of a batch's ``probs`` ({head: (N, C)}), in
        place of the photo's as it came."""
        for head, p in self.probs.items():
            probs[head][row] = p[0]


def small_in_frame(stored: np.ndarray) -> bool:
    """Whether a photo stored as the tagger takes it ((3, 80, 60) uint8) shows its product small on a plain
    backdrop (:data:`SMALL_SHARE`): a look at its corners and its box, 0.05 ms, not the views' 13 ms."""
    a = stored.astype(np.int16)
    corners = a[:, [0, 0, -1, -1], [0, -1, 0, -1]].T                  # (4, 3)
    colour = corners.mean(axis=0)
    if np.abs(corners - colour).max() > BACKGROUND_TOLERANCE:
        return False
    off = np.abs(a - colour[:, None, None]).max(axis=0) > BACKGROUND_TOLERANCE     # (80, 60)
    if not off.any():
        return False
    ys, xs = np.nonzero(off)
    return (np.ptp(ys) + 1) * (np.ptp(xs) + 1) < SMALL_SHARE * off.size


def _product_box(photo: Image.Image) -> tuple[int, int] | None:
    """(height, width) of what lies on ``photo``'s plain backdrop (its corners' colour), on a copy at most
    :data:`BOX_SIDE` pixels on the longer side; None where its corners are no one colour or nothing lies on it."""
    small = to_rgb(photo).copy()
    small.thumbnail((BOX_SIDE, BOX_SIDE), Image.BILINEAR)
    a = np.asarray(small, dtype=np.int16)                               # (H, W, 3)
    corners = a[[0, 0, -1, -1], [0, -1, 0, -1]]                         # (4, 3)
    colour = corners.mean(axis=0)
    if np.abs(corners - colour).max() > BACKGROUND_TOLERANCE:
        return None
    ys, xs = np.nonzero(np.abs(a - colour).max(axis=2) > BACKGROUND_TOLERANCE)
    if not len(ys):
        return None
    return int(np.ptp(ys)) + 1, int(np.ptp(xs)) + 1


def on_its_side_maybe(photo: Image.Image) -> bool:
    """Whether ``photo`` may have come turned on its side, so is read through its views (turned a quarter either
    way among them) whatever it reads as it is: it is as wide as tall or wider, but for a square photo
    (:data:`SQUARE_WITHIN`) whose product's own box on its plain backdrop is taller than wide: an upright product
    padded to square, read through its views, turned ones too, only where unsure as it is, as a tall photo is.
    Its turned views are kept for an unsure one, not swapped for upside down: of the 300 test photos turned 90
    degrees, then padded, 0.810 type top-1 so (0.837 all through their views), 0.660 read as tall photos (a
    shoe's box turned is taller than wide; stop 72, h72square)."""
    if photo.width < photo.height:
        return False
    if photo.width - photo.height > SQUARE_WITHIN * photo.width:
        return True
    box = _product_box(photo)
    return box is None or box[0] <= box[1]


def worth_views(photo: Image.Image, stored: np.ndarray) -> bool:
    """Whether ``photo`` (``stored``: as the tagger takes it) is read through its views whatever its reading as
    it is: turned on its side, maybe (:func:`on_its_side_maybe`), or its product small in the frame."""
    return on_its_side_maybe(photo) or small_in_frame(stored)


def sure_of_type(tagger, probs: dict[str, np.ndarray]) -> np.ndarray:
    """(N,) the calibrated probability of each row's likeliest type."""
    return tagger.calibrate({"articleType": probs["articleType"]})["articleType"].max(axis=1)


def look_again(tagger, probs: dict[str, np.ndarray], worth: np.ndarray,
               photo: Callable[[int], Image.Image | None]) -> dict[int, ViewReading]:
    """The rows of a batch read as they are (``probs``: raw, {head: (N, C)}) that are read through their views
    (upright and, where at least as wide as tall, turned a quarter either way, where taller and unsure as it is,
    upside down: the view whose type the tagger is surest of, a turned one only where surer by
    :data:`TURN_SURER_BY`, upside down by :data:`UPSIDE_DOWN_SURER_BY`): those ``worth`` them ((N,) bool,
    :func:`worth_views`) and those whose type is under
    :data:`LOOK_AGAIN_BELOW`, {row: reading}. ``photo(row)``: that row's photo, RGB (opened again by ``tag``,
    which keeps no chunk's photos), or None where it can no longer be read (it is kept as read). Every view of
    every such row is tagged in one batch (photo by photo, a wide photo's 3-5 views took 190-260 ms), but the
    photo as it is, read already: an unsure catalogue photo has no other view, and is not tagged again."""
    sure = sure_of_type(tagger, probs)
    again = np.flatnonzero(worth | (sure < LOOK_AGAIN_BELOW))
    rows, made = [], []
    for row in again.tolist():
        im = photo(row)
        if im is not None:
            rows.append(row)
            made.append(_views_of(im, {h: p[row:row + 1] for h, p in probs.items()},
                                  upside_down=bool(sure[row] < LOOK_AGAIN_BELOW)))
    return {row: reading if worth[row] else dataclasses.replace(reading, unsure_as_is=float(sure[row]))
            for row, reading in zip(rows, _read(tagger, made), strict=True)}


# A photo's views to read: (the pictures to tag, each (3, 80, 60) uint8; the clockwise degrees each view is turned;
# where the photo as it is stands among the views, read already, its place and raw probabilities, else None).
Made = tuple[list[np.ndarray], list[int], tuple[int, dict[str, np.ndarray]] | None]


def _views_of(photo: Image.Image, as_read: dict[str, np.ndarray] | None = None, upside_down: bool = False) -> Made:
    """:data:`Made` of ``photo``; ``as_read``: its raw probabilities read as it is, if they are; ``upside_down``:
    a photo taller than wide is looked at turned :data:`UPSIDE_DOWN` too."""
    views = photo_views(photo)
    pictures, turns = list(views), [0] * len(views)
    angles = TURNS if photo.width >= photo.height else (UPSIDE_DOWN,) if upside_down else ()
    for angle in angles:    # each turn's first view only: its other views turned read as well (0.86 / 0.87)
        pictures.append(views.turned(angle)[0])
        turns.append(angle)
    as_is = fit_to_store(to_rgb(photo))
    at = next((k for k, (p, t) in enumerate(zip(pictures, turns, strict=True)) if not t
               and np.array_equal(p, as_is)), None)
    if at is None:
        return pictures, turns, None
    if as_read is None:
        return pictures, turns, (at, {})
    return pictures[:at] + pictures[at + 1:], turns, (at, as_read)


def _read(tagger, made: list[Made]) -> list[ViewReading]:
    """The reading of each photo's views (:func:`_views_of`), all tagged in one batch."""
    tagged = [p for pictures, _, _ in made for p in pictures]
    if tagged:
        import torch  # here, where a model reads photos: a query by id imports this module and no torch (stop 76)

        _, probs = tagger.infer(torch.from_numpy(np.stack(tagged)))      # (V, 3, 80, 60) -> {head: (V, C)}
    readings, start = [], 0
    for pictures, turns, as_is in made:
        span = slice(start, start + len(pictures))
        start = span.stop
        mine = {h: p[span] for h, p in probs.items()} if tagged else {}
        if as_is is not None and as_is[1]:      # the photo as it is, read already, in its place among the views
            at, read = as_is
            mine = {h: np.concatenate([mine[h][:at], read[h], mine[h][at:]]) if mine else read[h] for h in read}
        sure, types = sure_of_type(tagger, mine), mine["articleType"].argmax(axis=1)
        upright = np.asarray(turns) == 0
        best = int(np.argmax(np.where(upright, sure, -1.0)))
        if (~upright).any():
            turned = int(np.argmax(np.where(upright, -1.0, sure)))
            by = UPSIDE_DOWN_SURER_BY if turns[turned] == UPSIDE_DOWN else TURN_SURER_BY
            if sure[turned] >= sure[best] + by:
                best = turned
        disputed = bool(((types != types[best]) & (sure >= DISPUTED_FROM)).any())
        reframed = not turns[best] and (as_is is None or best != as_is[0])
        readings.append(ViewReading({h: p[best:best + 1] for h, p in mine.items()}, turns[best], reframed,
                                    disputed))
    return readings
