"""Ways to look at a shopper's photo before tagging it, so that it resembles the catalogue's photos.

The catalogue shows each product large, centred, on white. A shopper's photo may show it small in a wide
plain margin, or on a coloured backdrop; the tagger, which only ever saw the catalogue's framing, then
fails (a shoe on blue tagged "Perfume 15%"). :func:`photo_views` offers the photo as it is and, where its
background is plain (the four corners one colour), also cropped to the product, in the light that makes a
near-neutral backdrop white (a dim room, a warm lamp) and with the backdrop made white; where the backdrop
is not plain, :func:`cut_out_views` cuts the product out of it. Which view to use
is decided by the index (:meth:`fashionrec.recommend.Recommender.photo_query`): the one whose closest
catalogue product is closest, i.e. the most catalogue-like, so a view never replaces the photo unless it
looks more like the catalogue's photos than the photo does.

Measured on 400 validation photos (never test; /tmp script, docs/service.md, "Photos unlike the catalogue"): the
catalogue's own photos keep top-1 0.902 (the choice never takes a worse view of them), photos with their
white background recoloured go 0.805 -> 0.838, white photos pasted small on white 0.005 -> 0.85. On busy
backdrops (stripes, checks, textures, gradients; `benchmarks/bench_photo_views.py`, 200 validation photos
each) the cut-out takes top-1 from 0.29-0.44 to 0.62-0.84. In poor light (``--light``, 300 each) the relit view
takes colour top-1 from 0.45 to 0.62 under a warm lamp, 0.42 to 0.63 in cool dim light, 0.61 to 0.64 at 45%
brightness; type top-1 0.827 -> 0.870 under the lamp, 0.847 -> 0.863 at 45%. Under a lamp whose light falls
off 15-30% towards the corners, evening it out takes type top-1 from 0.61-0.62 to 0.84-0.85 (the product on
the photo's white) and from 0.43-0.47 to 0.83-0.84 (cut out onto grey).
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

from fashionrec.catalog import MIN_PHOTO_SIDE, to_rgb
from fashionrec.photo_store import STORE_HEIGHT, STORE_WIDTH, fit_to_store

# A product covering less than this share of a plain-background photo is only looked at cropped: no
# catalogue photo frames its product that small (none of 1,500 validation photos).
FRAME_ALWAYS = 0.08
# Under this share, the cropped view is offered beside the whole photo (a fifth of the catalogue's photos
# are under it too, earrings and watches in wide margins, which stay whole since the whole photo is closer).
FRAME_MAYBE = 0.4
BACKGROUND_TOLERANCE = 16   # grey levels within which the corners (and the backdrop) count as one colour
WHITE = 235                 # a backdrop with every channel above this is white already
MARGIN = 1.5                # stored pixels of margin around a crop: the catalogue leaves a little white too
WORK_SCALE = 4              # the backdrop is found on a copy at up to this many times the stored size
# A plain backdrop has at least this share of the border in the corners' colour, in at most this many stretches:
# stripes and checks have about half, in a dozen or more; of 3,000 catalogue photos 0.13% have under 0.6 and
# 0.4% over 10 stretches (a product touching the border breaks it into a few), and their views are unneeded.
PLAIN_BORDER = 0.6
PLAIN_RUNS = 10
CUT_SCALE = 2               # a product is cut out of a busy backdrop on a copy at this many times the stored size
CUT_INSET = 0.03            # share of each side GrabCut takes as backdrop to start from
CUT_ITERATIONS = 3
CUT_MIN, CUT_MAX = 0.02, 0.95   # a cut keeping less or more of the photo than this found no product in it
OTHER_PARTS = 0.2            # what is not backdrop beside its largest part, over which that part is a view
PART_MIN = 0.05              # the least share of the photo that part may cover
EDGE_BAND = 0.06            # share of the shorter side along each edge to which the backdrop's light is fitted
EVENED_GAIN = 0.05          # how much more of a photo must be backdrop once its light is evened, for those views
HUE_DRIFT = 0.08            # how far a channel's share of the backdrop's light may drift across it for a lamp's
# A photo this many times taller or wider than the catalogue's 3:4 is looked at cropped to its product only.
EXTREME_ASPECT = 2.0
# A backdrop whose channels differ by more than this factor is a coloured card, not white in coloured light:
# a lamp's warm light (0.95, 0.80, 0.60) is 1.6, a blue card 3.2, a yellow one 2.9. Brought to white, such a
# card took the product's colour with it (validation photos on a blue card: top-1 0.900 -> 0.887).
MAX_TINT = 2.0
# A backdrop whose brightest channel is under this is dark in itself (black or charcoal cloth, common for shoes
# and jewellery), not white in a dim room: relit it blew the product out (a review: 247 products on (40, 40,
# 40), type top-1 0.927 -> 0.911). A dim room at 45% leaves white paper at about 115.
DARKEST_RELIT = 85
LEAST_GAIN = 1.12           # a backdrop this near white (its darkest channel 228 or more) is not relit
# A photo without a plain backdrop whose brightest pixels (this share of them) are darker than 255 / DARK_GAIN in
# every channel is dark, not of dark things: it is looked at brightened, every channel by the same gain, until
# those pixels are white in their brightest channel (a camera's exposure, not its white balance: scaled per
# channel, a product on a cloth with nothing white took the brightest colour for white, colour top-1 0.58 ->
# 0.48). A black product on a dark cloth in full light is read much as before (bench_photo_views.py --dark).
LEVEL_SHARE = 0.005
DARK_GAIN = 1.4
# What lies on a plain backdrop in this many parts or more, the largest holding under SCATTERED_SHARE of them, is
# text or a pattern, not a product: a white page of text was read "Bracelet 98%" with no word that it looks
# unlike the catalogue's photos (its closest product at cosine 0.84, above the catalogue's floor; a shopper's
# trial). Pages of text drawn at 800x1067 and 1200x1600 are 175-280 parts, the largest 0.6-1% of them; on 2,960
# of 3,000 random catalogue photos with a plain backdrop, the largest part holds 25% or more (all but 1% over
# 50%). A page so dense that its lines touch at the working size is one part, and not caught.
SCATTERED_PARTS = 20
SCATTERED_SHARE = 0.05
TEXT_SIDE = 800
# Where one part stands out among as many small ones, none over this share of it, the photo is a product among
# text (a shop's page on a phone's screen: its name, price and buttons around the photo) and is also looked at
# cropped to that part. 20 such screenshots (2 shoes, 3 T-shirts drawn 180-900 px wide on a 1080x2340 page with
# a header and four lines of text) were read as pendants, bracelets and cufflinks in 15 cases, mostly under the
# unfamiliar notice; cropped so, all 20 as their types at 60-97% (their next part: 0.2-11% of the product).
AMONG_TEXT = 0.2
# The margin of the page left around it, a share of its longer side: `bench_photo_views.py --screens`' 100
# validation photos drawn 360 / 600 px wide, type top-1 0.73 / 0.77 cropped to the product's edges, 0.81 / 0.82
# with 0.06, 0.83 / 0.85 with 0.1, 0.82 / 0.86 with 0.15.
AMONG_TEXT_MARGIN = 0.1
# A part at least BAR_ASPECT times as wide as tall that fills BAR_FILL of its box is a bar, not a product: a shop
# page's button ("ADD TO BAG", white letters on a pink bar, or an outlined one). As the page's largest part, its
# crop was the view chosen: a screenshot of jeans read "Headband 88%", headbands only, no notice (a shopper's
# trial: 39 of 72 screenshots of 18 types wrong, all without the notice; 16 now, 9 without it).
# `bench_photo_views.py --buttons`, 60 validation photos: type top-1 0.03 -> 0.85 drawn 360 px wide, 0.43 -> 0.83
# at 600, 0.65 -> 0.80 at 900; 0.88 without a button, as before. No product is such a bar: of 2,000 catalogue
# photos on a white page none (the widest solid ones, clutches, 2.4 times as wide, filling 0.96), and the views
# of 300 catalogue photos as they are, on a card, under a lamp, small on white, enlarged are the same. A bar is
# no candidate for the product's crop; it still counts among the page's other parts.
BAR_ASPECT = 3.0
BAR_FILL = 0.85


class PhotoViews(list):
    """:func:`photo_views`' list of views, which also holds, for a photo without a plain backdrop, the photo to
    cut the product out of when asked (:meth:`cut_out`): the backdrop is found once per photo (5 ms at
    1200x1600), and the cut (55-100 ms) made only if wanted; and each view's picture before it was fitted to
    the stored size, to look at the photo turned on its side from (:meth:`turned`)."""

    def __init__(self, views: list[np.ndarray], busy: Image.Image | None = None,
                 images: list[Image.Image] | None = None):
        super().__init__(views)
        self.busy = busy        # the RGB photo, where its backdrop is not plain; else None
        self.images = images or []
        self._cut: list[Image.Image] | None = None
        self._plain: tuple[Image.Image, np.ndarray] | None = None   # the photo and its plain backdrop's colour
        self._text: tuple[bool, list[np.ndarray]] | None = None

    def _text_found(self) -> tuple[bool, list[np.ndarray]]:
        """(scattered, the views of a product among text), found once, on first asking: 10-15 ms of a phone's
        photo, which a photo with a close catalogue product is spared (photo search's p50 rose 74 -> 89 ms)."""
        if self._text is None:
            self._text = (False, [])
            if self._plain is not None:
                rgb, colour = self._plain
                parts, sizes, factor = _small_parts(rgb, colour)
                scattered = bool(len(sizes) >= SCATTERED_PARTS and sizes.max() < SCATTERED_SHARE * sizes.sum())
                product = None if scattered else _among_text(rgb, parts, sizes, factor)
                inner = photo_views(product, whole=False) if product is not None else PhotoViews([])
                self.images.extend(inner.images)      # turned with the rest (turned)
                self._text = (scattered, list(inner))
        return self._text

    @property
    def scattered(self) -> bool:
        """Whether what lies on the photo's plain backdrop is in many small parts, none large: a page of text,
        not a product (:data:`SCATTERED_PARTS`)."""
        return self._text_found()[0]

    def among_text(self) -> list[np.ndarray]:
        """The views of the photo cropped to a product that stands out among text (a shop's page on a phone's
        screen: :data:`AMONG_TEXT`); none where there is no such product."""
        return self._text_found()[1]

    def cut_out(self, turn: int = 0) -> list[np.ndarray]:
        """:func:`cut_out_views` of the photo, without looking for its backdrop again; ``turn``: turned that many
        degrees clockwise, from the same cut, which is made once."""
        if self.busy is None:
            return []
        if self._cut is None:
            self._cut = _cut_out(self.busy)
        return [_turned(v, turn) for v in self._cut]

    def turned(self, turn: int) -> list[np.ndarray]:
        """The views of the photo turned ``turn`` degrees clockwise (a photo that came turned on its side), a
        busy backdrop's cut-out's too: each view's picture turned, since the backdrop, the crops and the cut do
        not depend on which way is up, so nothing is found twice (found again on the turned photo, they differ
        by the size they are found at only: as many views, 71% of them within 6 grey levels on average, over
        300 photos)."""
        return [_turned(v, turn) for v in self.images] + self.cut_out(turn)


def _turned(picture: Image.Image, turn: int) -> np.ndarray:
    """``picture`` turned ``turn`` degrees clockwise, fitted to the stored size."""
    return fit_to_store(picture.rotate(-turn, expand=True) if turn else picture)


def photo_views(im: Image.Image, whole: bool = True) -> PhotoViews:
    """The views of ``im`` worth tagging, each (3, 80, 60) uint8 as the catalogue's photos are stored: the
    photo as it is first (or, for a product under :data:`FRAME_ALWAYS` of the photo or in a photo stretched
    past :data:`EXTREME_ASPECT`, the crop instead),
    then where they apply the crop to the product, the photo relit (:func:`_balanced`), the photo with its
    backdrop made white and that cropped,
    and where the photo holds several things, the views of its largest (:func:`_largest_part`; ``whole``:
    looked for, not in a part itself). On a busy backdrop, the photo as it is, and the product cut out of it
    on demand (:meth:`PhotoViews.cut_out`)."""
    rgb = to_rgb(im)
    backdrop = _backdrop(rgb)
    evened = _evened(rgb)
    backdrop_evened = _backdrop(evened) if evened is not None else None
    if _share(backdrop_evened) > _share(backdrop) + EVENED_GAIN:
        # The photo as it is, then the views of it with its backdrop's light evened out; only where that
        # finds more of the backdrop: 2% of the catalogue's photos have some uneven light, which their
        # backdrop takes in anyway, and their views again took photo search's p99 from 27 to 39 ms.
        inner = _views(evened, backdrop_evened, whole)
        views = PhotoViews([fit_to_store(rgb), *inner], busy=inner.busy, images=[rgb, *inner.images])
    else:
        views = _views(rgb, backdrop, whole)
    if backdrop is not None and whole:
        views._plain = (rgb, backdrop[1])     # for scattered and among_text, when asked
    return views


def _small_parts(rgb: Image.Image, colour: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(labels, sizes, factor): the parts of what lies on ``rgb``'s plain backdrop (of ``colour``), labelled
    1.. on a copy ``factor`` times smaller, at most :data:`TEXT_SIDE` pixels on the longer side, where a page's
    letters stand apart (at the backdrop's working size its lines are one part each), and their sizes."""
    factor = max(1, -(-max(rgb.size) // TEXT_SIDE))
    # A box filter by a whole factor: a bilinear resize took 24 ms of a 1200x1600 photo, this 2.
    a = np.asarray(rgb.reduce(factor), dtype=np.int16)
    near = np.ones(a.shape[:2], bool)
    for channel in range(3):        # per channel: the max over a last axis of 3 took 60-80 ms
        near &= np.abs(a[..., channel] - int(colour[channel])) <= BACKGROUND_TOLERANCE
    parts, _ = ndimage.label(~_reaching_border(near))
    return parts, np.bincount(parts.ravel())[1:], factor


def _reaching_border(near: np.ndarray) -> np.ndarray:
    """The pixels of ``near`` (a mask) joined to the border through ``near``: a backdrop, not the white inside a
    white shirt's outline."""
    labels, n = ndimage.label(near)
    reaches = np.zeros(n + 1, bool)     # per label, whether it reaches the border (a lookup: np.isin took 50 ms)
    reaches[np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])] = True
    reaches[0] = False
    return reaches[labels]


def _bars(boxes: list[tuple[slice, slice]], sizes: np.ndarray) -> np.ndarray:
    """Per part (its box and its size in pixels), whether it is a bar (:data:`BAR_ASPECT`, :data:`BAR_FILL`)."""
    h = np.array([ys.stop - ys.start for ys, _ in boxes])
    w = np.array([xs.stop - xs.start for _, xs in boxes])
    return (w >= BAR_ASPECT * h) & (sizes >= BAR_FILL * w * h)


def _among_text(rgb: Image.Image, parts: np.ndarray, sizes: np.ndarray, factor: int) -> Image.Image | None:
    """The crop of ``rgb`` to the largest of ``parts`` (:func:`_small_parts`) that is no bar (:func:`_bars`) where
    it stands out among :data:`SCATTERED_PARTS` or more, the next such under :data:`AMONG_TEXT` of it; None
    elsewhere, or where the crop would be under :data:`~fashionrec.catalog.MIN_PHOTO_SIDE` pixels across or
    nearly the whole photo."""
    if len(sizes) < SCATTERED_PARTS:
        return None
    boxes = ndimage.find_objects(parts)
    second, best = np.argsort(np.where(_bars(boxes, sizes), 0, sizes))[-2:]
    if sizes[second] > AMONG_TEXT * sizes[best] or _bars(boxes[best:best + 1], sizes[best:best + 1])[0]:
        return None
    rows, cols = boxes[best]
    # Outside it, as a page's text is around its photo (a catalogue photo's specks of JPEG noise hug its product:
    # 10% of them have 20 parts or more, which added a view to tag to those photos).
    outside = sum(1 for ys, xs in boxes if ys.start >= rows.stop or ys.stop <= rows.start
                  or xs.start >= cols.stop or xs.stop <= cols.start)
    if outside < SCATTERED_PARTS - 1:
        return None
    box = (cols.start * factor, rows.start * factor, min(rgb.width, cols.stop * factor),
           min(rgb.height, rows.stop * factor))
    w, h = box[2] - box[0], box[3] - box[1]
    if min(w, h) < MIN_PHOTO_SIDE or w * h > (1 - OTHER_PARTS) * rgb.width * rgb.height:
        return None
    # With a margin of the page around it, as the catalogue leaves white around its products: cropped to its
    # edges, the product had no backdrop to be framed on. Not around a photo that fills its box to the corners
    # (a product on a white photo in a dark page: a dark margin took its type top-1 from 0.88 to 0.54).
    corners = parts[[rows.start, rows.start, rows.stop - 1, rows.stop - 1], [cols.start, cols.stop - 1] * 2]
    m = 0 if (corners == best + 1).all() else round(AMONG_TEXT_MARGIN * max(w, h))
    return rgb.crop((max(0, box[0] - m), max(0, box[1] - m), min(rgb.width, box[2] + m), min(rgb.height, box[3] + m)))


def _views(rgb: Image.Image, backdrop: tuple[np.ndarray, np.ndarray] | None, whole: bool) -> PhotoViews:
    """:func:`photo_views` of an RGB photo whose backdrop (:func:`_backdrop`) is found, its light as it is."""
    if backdrop is None:
        # A dim room without a plain backdrop to relight by (a shopper trial: a red dress on dark wood at 45% was
        # "Kurtas 42%"): the photo brightened, and only so (beside it, the dim photo's views were picked as
        # often as not, wrong: validation photos on a textured cloth at 45%, top-1 0.30 as they were, 0.66
        # with a brightened view besides, 0.84 brightened only, as at full light).
        bright = _brightened(rgb)
        rgb = rgb if bright is None else bright
        return PhotoViews([fit_to_store(rgb)], busy=rgb, images=[rgb])
    views = _framed(rgb, backdrop[0])
    if backdrop[1].min() <= WHITE:
        views += _balanced(rgb, *backdrop) + _whitened(rgb, backdrop[0])
    out = [fit_to_store(v) for v in views]
    part = _largest_part(rgb, backdrop[0]) if whole else None
    if part is None:
        return PhotoViews(out, images=views)
    inner = photo_views(part, whole=False)
    return PhotoViews(out + inner, images=views + inner.images)


def _evened(rgb: Image.Image) -> Image.Image | None:
    """``rgb`` with the light on its backdrop evened out, on a copy at up to :data:`WORK_SCALE` times the stored
    size, where a lamp or the lens leaves the backdrop's corners darker than its middle: a shoe on grey
    with corners 10% darker was "Bangle 37%", since the backdrop joined to the corners stopped short of the
    lighter middle, whitened, a grey oval round the product (a phone shopper's re-trial). The light is a
    smooth surface (a quadratic per channel) fitted to the photo's edge on a copy at the stored size; None
    where the edge is no smooth backdrop (a busy one, a product across it), its light is even already (the
    catalogue's photos) or changes hue (a gradient from one colour to another)."""
    a = np.asarray(_smaller(rgb, 1), dtype=np.float32)
    terms = _surface_terms(*a.shape[:2])
    h, w = a.shape[:2]
    band = max(1, round(EDGE_BAND * min(h, w)))
    edge = np.ones((h, w), bool)
    edge[band:-band, band:-band] = False
    coef, *_ = np.linalg.lstsq(terms[edge], a[edge], rcond=None)                  # (6, 3)
    light = terms @ coef                                                          # (h, w, 3)
    off = np.abs(a[edge] - light[edge]).max(axis=1)
    level = np.maximum(light.mean(axis=2), 1)
    if np.percentile(off, 90) > BACKGROUND_TOLERANCE or level.max() - level.min() <= BACKGROUND_TOLERANCE:
        return None
    # A lamp changes how bright the backdrop is, not its hue; a backdrop going from one colour to another is
    # a gradient, which evened out per channel took the product's colour with it (validation photos on
    # gradients: colour top-1 0.707 -> 0.48), and is left to the cut-out.
    hue = light / level[..., None]
    if (hue.max(axis=(0, 1)) - hue.min(axis=(0, 1))).max() > HUE_DRIFT:
        return None
    # The same surface at the size the backdrop is found at (its terms are in the photo's own -1..1 frame).
    work = np.asarray(_smaller(rgb, WORK_SCALE), dtype=np.float32)
    level = np.maximum((_surface_terms(*work.shape[:2]) @ coef).mean(axis=2), 1)
    return Image.fromarray(np.clip(work * (level.max() / level)[..., None], 0, 255).astype(np.uint8))


def _smaller(rgb: Image.Image, times: float, least: int = 8, sampled: bool = False) -> Image.Image:
    """``rgb`` at up to ``times`` the catalogue's stored size (never larger than it is), each side at least
    ``least`` pixels; ``sampled``: its own pixels, picked (nearest), not averaged."""
    scale = min(1.0, times * STORE_WIDTH / rgb.width, times * STORE_HEIGHT / rgb.height)
    size = (max(least, round(rgb.width * scale)), max(least, round(rgb.height * scale)))
    return rgb.resize(size, Image.NEAREST) if sampled else rgb.resize(size, Image.BILINEAR, reducing_gap=2.0)


def _share(backdrop: tuple[np.ndarray, np.ndarray] | None) -> float:
    """The share of a photo that :func:`_backdrop` found to be backdrop (0 for none)."""
    return 0.0 if backdrop is None else float(backdrop[0].mean())


def _surface_terms(h: int, w: int) -> np.ndarray:
    """(h, w, 6): 1, x, y, x², y², xy over a photo, x and y from -1 to 1: a smooth light's terms."""
    y, x = np.mgrid[-1:1:h * 1j, -1:1:w * 1j]
    return np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=-1).astype(np.float32)


def _largest_part(rgb: Image.Image, mask: np.ndarray) -> Image.Image | None:
    """The crop of ``rgb`` to the largest of the things on its backdrop (outside ``mask``), where others beside
    it hold more than :data:`OTHER_PARTS` of what is not backdrop: a phone's screenshot of a shop's page, its
    header, the product's photo and lines of text (a sneaker's gave "Type: not sure" and perfumes, a
    shopper trial). None where one thing fills it, or the largest is under :data:`PART_MIN` of the photo or under
    :data:`~fashionrec.catalog.MIN_PHOTO_SIDE` pixels across."""
    things = ~mask
    labels, n = ndimage.label(ndimage.binary_dilation(things, iterations=2))
    if n < 2:
        return None
    sizes = ndimage.sum(things, labels, range(1, n + 1))
    # The largest that is no bar (a shop page's button); the bars still count among the others. Boxed without
    # the dilation, which took a button's fill of its box under BAR_FILL on this small copy.
    boxes = ndimage.find_objects(np.where(things, labels, 0), n)
    best = int(np.argmax(np.where(_bars(boxes, sizes), 0, sizes)))
    if sizes[best] > (1 - OTHER_PARTS) * sizes.sum() or sizes[best] < PART_MIN * mask.size:
        return None
    ys, xs = np.nonzero(things & (labels == best + 1))
    sx, sy = rgb.width / mask.shape[1], rgb.height / mask.shape[0]
    # Inside its edge pixels, which the smaller copy blends with the page: a card's corners are the card's, and
    # its own backdrop is found (a white rim around a beige card hid it).
    box = (int(np.ceil((xs.min() + 1) * sx)), int(np.ceil((ys.min() + 1) * sy)), int(xs.max() * sx),
           int(ys.max() * sy))
    # A part a pixel or two across on the smaller copy (a rule down a tall, narrow screenshot) has no inside: its
    # box was empty or inside out, and photo search answered 500 (a review's fuzzing). A part smaller than a photo
    # check_photo would take shows no product either.
    if min(box[2] - box[0], box[3] - box[1]) < MIN_PHOTO_SIDE:
        return None
    return rgb.crop(box)


def _balanced(rgb: Image.Image, backdrop: np.ndarray, colour: np.ndarray) -> list[Image.Image]:
    """``rgb`` in a light that makes its backdrop (``colour``) white, each channel scaled by 255 over the
    backdrop's level as a camera's white balance would, framed as :func:`_framed` frames it: white paper
    in a dim room or under a warm lamp. A dress at 45% brightness was "Kurtas 91%" (a shopper trial); the
    whitened view leaves the product itself dim or tinted. None for a backdrop more tinted than
    :data:`MAX_TINT` (a coloured card, not white paper in coloured light) or darker than :data:`DARKEST_RELIT`
    (a black cloth, not white paper in a dim room)."""
    if colour.max() < DARKEST_RELIT:
        return []
    gain = 255.0 / np.maximum(colour.astype(np.float32), 1.0)
    # Nearly white already, it would be the photo again: one more view to tag (photos whose light was evened
    # got seven views, and photo search's p99 rose 27 -> 39 ms over 1,500 never-seen photos).
    if gain.max() > MAX_TINT * gain.min() or gain.max() < LEAST_GAIN:
        return []
    # A lookup table per channel: multiplying a 12-megapixel photo as floats took 376 ms (a review).
    lit = rgb.point([min(255, int(v * g)) for g in gain for v in range(256)])
    return _framed(lit, backdrop)


def _brightened(rgb: Image.Image) -> Image.Image | None:
    """``rgb`` brightened as :data:`DARK_GAIN` says, where it is dark; else None."""
    # Its own pixels, sampled: a smaller copy's are averages, and a fine pattern's brightest were lost in them.
    a = np.asarray(_smaller(rgb, 2, least=1, sampled=True), dtype=np.float32).reshape(-1, 3)
    gain = 255.0 / max(float(np.quantile(a, 1 - LEVEL_SHARE, axis=0).max()), 1.0)
    if gain < DARK_GAIN:
        return None
    return rgb.point([min(255, int(v * gain)) for _ in range(3) for v in range(256)])


def _whitened(rgb: Image.Image, backdrop: np.ndarray) -> list[Image.Image]:
    """``rgb`` with ``backdrop`` (a mask on a smaller copy) made white, as :func:`_framed` frames it."""
    # Whitened at the photo's size through an upscaled mask (the tagger sees it at 60x80 anyway), grown
    # by a pixel so that no fringe of the backdrop's colour outlines what lay on it.
    mask = Image.fromarray(ndimage.binary_dilation(backdrop)).resize(rgb.size, Image.NEAREST)
    white = rgb.copy()
    white.paste((255, 255, 255), mask=mask)
    again = _backdrop(white)      # a white card the product lay on is backdrop now too
    return _framed(white, again[0]) if again is not None else _framed(white, backdrop)


def cut_out_views(im: Image.Image) -> list[np.ndarray]:
    """Where ``im``'s backdrop is not one plain colour (stripes, a textured cloth, a floor: :func:`photo_views`
    then has the photo as it is only), the product cut out of it: the photo with everything but the product
    made white, cropped to the product as :func:`photo_views` crops; none where nothing is found.

    The product is told from the backdrop by GrabCut (OpenCV), started from a rectangle a little inside the
    border (:data:`CUT_INSET`): what lies along the border is backdrop, and each pixel goes to whichever of
    the two colour models, and its neighbours, it fits better. It runs on a copy at :data:`CUT_SCALE` times
    the stored size; with the photo's resizing and whitening, 55-100 ms for a 900x1200 photo on 2 cores, so
    :meth:`~fashionrec.recommend.Recommender.photo_query` asks for it only where the photo as it is has no
    catalogue product close to it.
    """
    return photo_views(im).cut_out()


def _cut_out(rgb: Image.Image) -> list[Image.Image]:
    """:func:`cut_out_views` of an RGB photo known to have no plain backdrop, before they are fitted to the
    stored size."""
    import cv2

    small = np.asarray(_smaller(rgb, CUT_SCALE))
    h, w = small.shape[:2]
    dx, dy = max(1, round(CUT_INSET * w)), max(1, round(CUT_INSET * h))
    mask = np.zeros((h, w), np.uint8)
    cv2.setRNGSeed(0)       # GrabCut seeds its colour models with k-means: the same photo, the same cut
    try:
        cv2.grabCut(np.ascontiguousarray(small[:, :, ::-1]), mask, (dx, dy, w - 2 * dx, h - 2 * dy), None, None,
                    CUT_ITERATIONS, cv2.GC_INIT_WITH_RECT)
    except cv2.error:       # a photo too flat to model two colour mixtures in
        return []
    backdrop = (mask == cv2.GC_BGD) | (mask == cv2.GC_PR_BGD)
    if not CUT_MIN < 1 - backdrop.mean() < CUT_MAX:
        return []
    return _whitened(rgb, backdrop)


def _framed(rgb: Image.Image, mask: np.ndarray) -> list[Image.Image]:
    """``rgb`` and its crop to the product (outside ``mask``) with a margin, where the product covers under
    :data:`FRAME_MAYBE` of it; the crop alone under :data:`FRAME_ALWAYS`, or where ``rgb`` is over
    :data:`EXTREME_ASPECT` times taller or wider than the catalogue's 3:4."""
    ys, xs = np.nonzero(~mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    share = (y1 - y0) * (x1 - x0) / mask.size
    if share >= FRAME_MAYBE:
        return [rgb]
    sx, sy = rgb.width / mask.shape[1], rgb.height / mask.shape[0]
    margin = MARGIN * mask.shape[0] / STORE_HEIGHT
    crop = rgb.crop((max(0, int((x0 - margin) * sx)), max(0, int((y0 - margin) * sy)),
                     min(rgb.width, int(np.ceil((x1 + margin) * sx))),
                     min(rgb.height, int(np.ceil((y1 + margin) * sy)))))
    # A photo far taller or wider than the catalogue's 3:4 shows its product small whatever it is, once fitted to
    # 60x80: a shoe in a 600x4000 photo, whitened, was "Pendant 97%" (a phone shopper's trial).
    stretched = max(rgb.height / rgb.width / (STORE_HEIGHT / STORE_WIDTH),
                    rgb.width / rgb.height * (STORE_HEIGHT / STORE_WIDTH)) > EXTREME_ASPECT
    return [crop] if share < FRAME_ALWAYS or stretched else [rgb, crop]


def _backdrop(rgb: Image.Image) -> tuple[np.ndarray, np.ndarray] | None:
    """(mask, colour) of a plain backdrop on a copy of ``rgb`` at up to :data:`WORK_SCALE` times the stored
    size: the pixels of the corners' colour joined to the border; None where the corners differ, or most
    of the border is another colour (no backdrop to tell the product from), or nothing else is left."""
    a = np.asarray(_smaller(rgb, WORK_SCALE, least=1), dtype=np.int16)
    corners = np.stack([a[0, 0], a[0, -1], a[-1, 0], a[-1, -1]])
    colour = corners.mean(axis=0)
    if np.abs(corners - colour).max() > BACKGROUND_TOLERANCE:
        return None
    near = np.abs(a - colour).max(axis=2) <= BACKGROUND_TOLERANCE
    # Stripes or checks whose four corners happen to be one colour: along the border, the corners' colour
    # is under PLAIN_BORDER of it, or broken into more than PLAIN_RUNS stretches.
    loop = np.concatenate([near[0], near[1:, -1], near[-1, ::-1][1:], near[::-1, 0][1:]])
    if loop.mean() < PLAIN_BORDER or (loop & ~np.roll(loop, 1)).sum() > PLAIN_RUNS:
        return None
    # Only backdrop that reaches the border: a white shirt on white keeps the white inside its outline.
    mask = _reaching_border(near)
    return (mask, colour) if not mask.all() else None
