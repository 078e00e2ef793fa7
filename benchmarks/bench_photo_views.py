"""Shoppers' photos unlike the catalogue's: a product on a busy backdrop, with and without the cut-out view.

The catalogue photographs each product on white; a shopper's phone photo has it on a table, a bed, a striped
cloth. This pastes validation photos of the shipped model's split (never test) onto generated backdrops at
a phone's size (900x1200, the product 0.6 of the height, turned up to 8 degrees), either whole (the
catalogue photo with its white, as a printed photo lying on the backdrop) or cut out (the product alone),
and runs each through photo search against an index, with the photo's own product left out. It prints,
per backdrop, the tagger's top-1 type and P@10 same type, with the photo as it is only, and with the views
``Recommender.photo_query`` takes (where the photo is unfamiliar, the product cut out of a busy backdrop),
and the milliseconds per photo. ``--light`` instead photographs each validation photo, enlarged to a phone's
size, in a dim room or under a tinted lamp (every pixel, its white included, scaled per channel), with and
without the view in the light that makes its backdrop white (``photo_views._balanced``); and under a lamp
whose light falls off towards the corners (on its white, or cut out onto grey), with and without the
backdrop's light evened out first (``photo_views._evened``); and adds the colour head's top-1. ``--dark``
pastes them on busy backdrops (a textured cloth, stripes, a dark cloth), in full light and in a dim room,
with and without the dark photo brightened (``photo_views._brightened``). ``--turned`` turns phone-sized photos a
quarter either way (as a photo whose EXIF orientation was lost; on white, and on a textured cloth whole or cut
out) and, beside them, pastes upright products in
photos wider than tall (on white, on a textured cloth whole or cut out), with and without a wide photo looked
at turned upright (``Recommender.photo_query``, ``TURN_BELOW``). ``--screens`` draws phone screenshots of a
shop's page (a 1080x2340 page with a header, the product's photo 180 to 900 px wide, four lines of text; white,
and in a dark mode) with and without the view cropped to a product among text (``photo_views.AMONG_TEXT``), and
pages of text alone (3, 8 and 20 lines at three sizes), with and without text told from a product
(``photo_views.SCATTERED_PARTS``): the share of them photo search calls unfamiliar. ``--buttons`` draws such
screenshots with "ADD TO BAG" as a shop's button (a pink bar, across the page or beside an outlined one), with
and without such bars told from products (``photo_views.BAR_ASPECT``).

    python benchmarks/bench_photo_views.py --index runs/index_trainval --n 200 \
        --data ../shared/datasets/fashion-product-images-small [--light | --dark | --turned | --screens | --buttons]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image
from scipy import ndimage

from fashionrec import photo_views
from fashionrec.artifacts import read_json
from fashionrec.catalog import load_catalog
from fashionrec.recommend import Recommender
from fashionrec.splits import checkpoint_split
from fashionrec.tagger import SHIPPED_MODEL

KINDS = ("card", "stripes", "checks", "texture", "gradient")
# Per-channel scales of a photo taken in poor light: a dim room, a warm lamp, cool dim daylight.
LIGHTS = {"dim room x0.45": (0.45, 0.45, 0.45), "dim room x0.65": (0.65, 0.65, 0.65),
          "warm lamp": (0.95, 0.80, 0.60), "cool dim light": (0.55, 0.62, 0.75)}
# A lamp's light falling off towards the corners: (how much darker the corners are, the backdrop: None for the
# photo's own white, else the grey the product is cut out onto).
FALLOFFS = {"corners 15% darker, on white": (0.15, None), "corners 30% darker, on white": (0.30, None),
            "corners 15% darker, on grey": (0.15, 150), "corners 30% darker, on grey": (0.30, 150)}
SIZE = (900, 1200)


def backdrop(kind: str, rng: np.random.Generator, size: tuple[int, int] = SIZE) -> Image.Image:
    """A phone-sized backdrop: one colour (a card), stripes, checks, a smooth random texture, or a gradient."""
    w, h = size
    c1, c2 = rng.integers(40, 230, 3), rng.integers(40, 230, 3)
    yy, xx = np.mgrid[0:h, 0:w]
    if kind == "card":
        a = np.broadcast_to(c1, (h, w, 3)).astype(float)
    elif kind == "stripes":
        width, angle = rng.integers(25, 70), np.radians(rng.choice([0, 45, 90]))
        a = np.where(((xx * np.cos(angle) + yy * np.sin(angle)) // width % 2)[..., None] == 0, c1, c2)
    elif kind == "checks":
        side = rng.integers(40, 100)
        a = np.where(((xx // side + yy // side) % 2)[..., None] == 0, c1, c2)
    elif kind in ("texture", "dark cloth"):
        n = ndimage.gaussian_filter(rng.normal(size=(h, w)), rng.uniform(2, 6))
        if kind == "dark cloth":        # black or charcoal: common under shoes and jewellery
            a = rng.integers(15, 60, 3)[None, None] + 12 * (n / n.std())[..., None] * rng.uniform(0.5, 1.0, 3)
        else:
            a = c1[None, None] + 25 * (n / n.std())[..., None] * rng.uniform(0.5, 1.0, 3)
    else:
        t = (yy / h)[..., None]
        a = c1 * (1 - t) + c2 * t + rng.normal(0, 4, (h, w, 3))
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def composite(photo: Image.Image, kind: str, cut: bool, rng: np.random.Generator,
              size: tuple[int, int] = SIZE) -> Image.Image:
    """``photo`` at 0.6 of the backdrop's height, turned, pasted whole or (``cut``) without its white."""
    bg = backdrop(kind, rng, size)
    p = photo.convert("RGB")
    scale = 0.6 * size[1] / p.height
    p = p.resize((round(p.width * scale), round(p.height * scale)), Image.BICUBIC)
    if cut:     # the near-white joined to the border is the catalogue's backdrop
        labels, _ = ndimage.label(np.asarray(p).min(axis=2) > 235)
        border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
        alpha = Image.fromarray((~np.isin(labels, border[border > 0])).astype(np.uint8) * 255)
    else:
        alpha = Image.new("L", p.size, 255)
    angle = rng.uniform(-8, 8)
    p, alpha = p.rotate(angle, expand=True, fillcolor="white"), alpha.rotate(angle, expand=True, fillcolor=0)
    margin = int(0.05 * size[1])
    x = int(rng.integers(0, max(1, size[0] - p.width)))
    y = int(rng.integers(margin, max(margin + 1, size[1] - p.height - margin)))
    bg.paste(p, (x, y), alpha)
    return bg


def lit(photo: Image.Image, scale: tuple[float, float, float]) -> Image.Image:
    """``photo`` at a phone's size, every pixel scaled per channel by ``scale``."""
    a = np.asarray(photo.convert("RGB").resize(SIZE, Image.BICUBIC), dtype=np.float32) * np.asarray(scale)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def fallen_off(photo: Image.Image, depth: float, grey: int | None) -> Image.Image:
    """``photo`` at 0.6 of a phone-sized photo's height, in its middle, on white (its own) or cut out onto
    ``grey``, the whole ``depth`` darker at the corners."""
    p = photo.convert("RGB")
    scale = 0.6 * SIZE[1] / p.height
    p = np.asarray(p.resize((round(p.width * scale), round(p.height * scale)), Image.BICUBIC), dtype=np.float32)
    if grey is not None:        # the near-white joined to the border is the catalogue's backdrop
        labels, _ = ndimage.label(p.min(axis=2) > 235)
        border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
        p[np.isin(labels, border[border > 0])] = grey
    a = np.full((SIZE[1], SIZE[0], 3), 255 if grey is None else grey, np.float32)
    top, left = (SIZE[1] - p.shape[0]) // 2, (SIZE[0] - p.shape[1]) // 2
    a[top:top + p.shape[0], left:left + p.shape[1]] = p
    y, x = np.mgrid[-1:1:SIZE[1] * 1j, -1:1:SIZE[0] * 1j]
    a *= (1 - depth * (x * x + y * y) / 2)[..., None]
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def score(rec: Recommender, items: pd.DataFrame, photos: list[tuple[int, Image.Image]]) -> dict:
    """Photo search on each photo (its own product left out): top-1 type and colour, P@10 type, ms p50."""
    right, colour, p10, ms = [], [], [], []
    for i, im in photos:
        t0 = time.perf_counter()
        predicted, recs = rec.similar_to_image(im, k=10, exclude_ids=[i])
        ms.append((time.perf_counter() - t0) * 1000)
        truth = items.at[i, "articleType"]
        right.append(predicted["articleType"][0][0] == truth)
        colour.append(predicted["baseColour"][0][0] == items.at[i, "baseColour"])
        p10.append(np.mean([r.item["articleType"] == truth for r in recs]))
    return {"top-1": np.mean(right), "colour top-1": np.mean(colour), "P@10 type": np.mean(p10),
            "ms p50": np.percentile(ms, 50)}


def wide(photo: Image.Image, kind: str | None, cut: bool, rng: np.random.Generator) -> Image.Image:
    """``photo`` upright in a photo wider than tall (1200x900): on white at 0.8 of its height, or as
    :func:`composite` pastes it on a ``kind`` of backdrop."""
    if kind is not None:
        return composite(photo, kind, cut, rng, (1200, 900))
    canvas, p = Image.new("RGB", (1200, 900), "white"), photo.convert("RGB")
    p = p.resize((round(p.width * 720 / p.height), 720), Image.BICUBIC)
    canvas.paste(p, ((1200 - p.width) // 2, 90))
    return canvas


def turned(rec: Recommender, items: pd.DataFrame, val: np.ndarray, seed: int) -> None:
    """The ``--turned`` table."""
    import fashionrec.recommend as recommend

    turn_below, rows = recommend.TURN_BELOW, []
    rng = np.random.default_rng(seed)
    photo = lambda i: Image.open(rec.image_path(int(i))).convert("RGB")  # noqa: E731
    phone = lambda i: lit(photo(i), (1.0, 1.0, 1.0))  # noqa: E731
    sets = {"catalogue photo (3:4)": photo, "phone photo, upright": phone,
            "phone photo, turned 90 clockwise": lambda i: phone(i).rotate(-90, expand=True),
            "phone photo, turned 90 anticlockwise": lambda i: phone(i).rotate(90, expand=True)}
    for name, cut in (("whole on a textured cloth", False), ("cut out onto a textured cloth", True)):
        sets[f"phone photo, turned 90 clockwise, {name}"] = \
            lambda i, cut=cut: composite(photo(i), "texture", cut, rng).rotate(-90, expand=True)
    for name, kind, cut in (("on white", None, False), ("on a textured cloth", "texture", False),
                            ("cut out onto a textured cloth", "texture", True)):
        sets[f"wide photo (4:3), upright, {name}"] = lambda i, kind=kind, cut=cut: wide(photo(i), kind, cut, rng)
    for name, make in sets.items():
        photos = [(int(i), make(i)) for i in val]      # made once: both rows see the same photos
        for views in ("as it is", "turned where it looks turned"):
            recommend.TURN_BELOW = turn_below if views != "as it is" else -1.0
            rows.append({"photo": name, "views": views, **score(rec, items, photos)})
            print(rows[-1], flush=True)
    recommend.TURN_BELOW = turn_below
    print(f"\n{len(val)} validation photos per row, index {rec.index_dir}\n")
    print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format))


SCREEN = (1080, 2340)
SHOP_LINES = ("Men Printed Cotton T-shirt", "Rs. 599   Rs. 999  (40% OFF)", "Select size: S M L XL", "ADD TO BAG")


def screenshot(photo: Image.Image, width: int, dark: bool = False, button: str | None = None) -> Image.Image:
    """A phone's screenshot of a shop's page: a header, ``photo`` ``width`` px wide, four lines of text; with
    ``button``, the last line ("ADD TO BAG") a button below the others, as shops draw it: "full", white letters on
    a pink bar across the page; "half", that bar half as wide beside an outlined "WISHLIST" one."""
    from PIL import ImageDraw, ImageFont

    page = Image.new("RGB", SCREEN, "black" if dark else "white")
    draw, font, ink = ImageDraw.Draw(page), ImageFont.load_default(size=34), "white" if dark else "black"
    draw.text((40, 60), "My Shop", fill=ink, font=font)
    p = photo.convert("RGB")
    height = round(width * p.height / p.width)
    page.paste(p.resize((width, height), Image.LANCZOS), ((SCREEN[0] - width) // 2, 200))
    for n, line in enumerate(SHOP_LINES[:-1] if button else SHOP_LINES):
        draw.text((40, 260 + height + 60 * n), line, fill=ink, font=font)
    top, pink = 260 + height + 60 * 3 + 20, (255, 63, 108)
    if button == "full":
        draw.rectangle((40, top, SCREEN[0] - 40, top + 130), fill=pink)
        draw.text((SCREEN[0] // 2, top + 65), "ADD TO BAG", fill="white", font=font, anchor="mm")
    elif button == "half":
        middle = SCREEN[0] // 2
        draw.rectangle((40, top, middle - 20, top + 130), fill=pink)
        draw.text(((40 + middle - 20) // 2, top + 65), "ADD TO BAG", fill="white", font=font, anchor="mm")
        draw.rectangle((middle + 20, top, SCREEN[0] - 40, top + 130), outline=ink, width=3)
        draw.text(((middle + 20 + SCREEN[0] - 40) // 2, top + 65), "WISHLIST", fill=ink, font=font, anchor="mm")
    return page


def text_page(lines: int, size: int) -> Image.Image:
    """A white 1200x1600 page of ``lines`` lines of text at ``size`` px."""
    from PIL import ImageDraw, ImageFont

    page = Image.new("RGB", (1200, 1600), "white")
    draw, font = ImageDraw.Draw(page), ImageFont.load_default(size=size)
    words = ("Items", "may", "be", "returned", "within", "30", "days", "of", "delivery", "with", "their", "tags",
             "attached", "and", "the", "receipt")
    for n in range(lines):
        line, w = "", n
        while draw.textlength(line + words[w % len(words)], font=font) < 1080:
            line, w = line + words[w % len(words)] + " ", w + 1
        draw.text((60, 60 + round(size * 1.5) * n), line, fill="black", font=font)
    return page


def buttons(rec: Recommender, items: pd.DataFrame, val: np.ndarray) -> None:
    """The ``--buttons`` table: screenshots whose "ADD TO BAG" is a button, with and without bars told from
    products (``photo_views.BAR_ASPECT``)."""
    bars, rows = photo_views._bars, []
    photo = lambda i: Image.open(rec.image_path(int(i))).convert("RGB")  # noqa: E731
    for width, dark, button in ((180, False, "full"), (360, False, "full"), (600, False, "full"),
                                (900, False, "full"), (360, False, "half"), (600, False, "half"),
                                (600, True, "full"), (600, False, None)):
        shots = [(int(i), screenshot(photo(i), width, dark, button)) for i in val]
        for views in ("bars as any part", "bars told from products"):
            photo_views._bars = bars if views != "bars as any part" else (  # noqa: E731
                lambda boxes, sizes: np.zeros(len(sizes), bool))
            rows.append({"screenshot": f"product {width} px wide, {button or 'no'} button"
                         f"{', dark mode' if dark else ''}", "views": views, **score(rec, items, shots)})
            print(rows[-1], flush=True)
    photo_views._bars = bars
    print(f"\n{len(val)} validation photos per row, index {rec.index_dir}\n")
    print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format))


def screens(rec: Recommender, items: pd.DataFrame, val: np.ndarray) -> None:
    """The ``--screens`` tables."""
    among, found, rows = photo_views._among_text, photo_views.PhotoViews._text_found, []
    photo = lambda i: Image.open(rec.image_path(int(i))).convert("RGB")  # noqa: E731
    for width, dark in ((180, False), (360, False), (600, False), (900, False), (600, True)):
        shots = [(int(i), screenshot(photo(i), width, dark)) for i in val]
        for views in ("as it is", "cropped to a product among text"):
            photo_views._among_text = among if views != "as it is" else (lambda *args: None)
            rows.append({"screenshot": f"product {width} px wide{', dark mode' if dark else ''}", "views": views,
                         **score(rec, items, shots)})
            print(rows[-1], flush=True)
    photo_views._among_text = among
    print(f"\n{len(val)} validation photos per row, index {rec.index_dir}\n")
    print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format))
    rows = []
    pages = [text_page(lines, size) for lines in (3, 8, 20) for size in (14, 24, 40)]
    for views in ("as it is", "text told from a product"):
        photo_views.PhotoViews._text_found = found if views != "as it is" else (lambda self: (False, []))
        said = [rec.similar_to_image(page, k=10) for page in pages]
        rows.append({"pages of text": len(pages), "views": views,
                     "called unfamiliar": np.mean([r.unfamiliar for r in said]),
                     "closest cosine, median": np.median([r.closest for r in said])})
    photo_views.PhotoViews._text_found = found
    print()
    print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=Path("runs/index_trainval"))
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets/fashion-product-images-small"),
                    help="The catalogue the shipped model was trained on (its validation split is re-made).")
    ap.add_argument("--n", type=int, default=200, help="Validation photos per backdrop.")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--light", action="store_true", help="Photos in poor light instead of on busy backdrops.")
    ap.add_argument("--dark", action="store_true", help="Photos on busy backdrops in a dim room.")
    ap.add_argument("--turned", action="store_true", help="Photos turned on their side, and upright wide ones.")
    ap.add_argument("--screens", action="store_true", help="Phone screenshots of a shop's page, and pages of text.")
    ap.add_argument("--buttons", action="store_true", help="Phone screenshots whose 'ADD TO BAG' is a button.")
    args = ap.parse_args()
    rec = Recommender.load(args.index)
    recorded = read_json(SHIPPED_MODEL.with_suffix(".json"))["split"]
    items = rec.items.set_index("id")
    catalogue = load_catalog(args.data, progress=False).usable
    val = checkpoint_split(catalogue, recorded, SHIPPED_MODEL, args.data).ids("val")
    val = np.random.default_rng(args.seed).permutation(np.intersect1d(val, items.index.to_numpy()))[:args.n]
    rows = []
    if args.turned:
        turned(rec, items, val, args.seed)
        return
    if args.screens:
        screens(rec, items, val)
        return
    if args.buttons:
        buttons(rec, items, val)
        return
    if args.dark:
        brightened = photo_views._brightened
        for kind in ("texture", "stripes", "dark cloth"):
            for whole in (True, False):
                rng = np.random.default_rng(args.seed)
                pasted = [(int(i), composite(Image.open(rec.image_path(int(i))), kind, not whole, rng)) for i in val]
                for light in ("full light", "dim room x0.45", "dim room x0.65"):
                    scale = LIGHTS.get(light, (1.0, 1.0, 1.0))
                    photos = [(i, lit(im, scale)) for i, im in pasted]
                    for views in ("as it is", "brightened"):
                        photo_views._brightened = brightened if views == "brightened" else (lambda rgb: None)
                        rows.append({"backdrop": kind, "product": "whole photo" if whole else "cut out",
                                     "light": light, "views": views, **score(rec, items, photos)})
                        print(rows[-1], flush=True)
        photo_views._brightened = brightened
        print(f"\n{len(val)} validation photos per row, index {args.index}\n")
        print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format))
        return
    if args.light:
        balanced = photo_views._balanced
        for kind, scale in LIGHTS.items():
            photos = [(int(i), lit(Image.open(rec.image_path(int(i))), scale)) for i in val]
            for views in ("without the relit view", "with it"):
                photo_views._balanced = balanced if views == "with it" else (lambda rgb, mask, colour: [])
                rows.append({"light": kind, "views": views, **score(rec, items, photos)})
                print(rows[-1], flush=True)
        photo_views._balanced = balanced
        evened = photo_views._evened
        for kind, (depth, grey) in FALLOFFS.items():
            photos = [(int(i), fallen_off(Image.open(rec.image_path(int(i))), depth, grey)) for i in val]
            for views in ("without evening the light", "evened"):
                photo_views._evened = evened if views == "evened" else (lambda rgb: None)
                rows.append({"light": kind, "views": views, **score(rec, items, photos)})
                print(rows[-1], flush=True)
        photo_views._evened = evened
        print(f"\n{len(val)} validation photos per row, index {args.index}\n")
        print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format))
        return
    cut_out = photo_views.PhotoViews.cut_out
    for kind in KINDS:
        for whole in (True, False):
            rng = np.random.default_rng(args.seed)
            photos = [(int(i), composite(Image.open(rec.image_path(int(i))), kind, not whole, rng)) for i in val]
            for views in ("as it is", "with the cut-out"):
                photo_views.PhotoViews.cut_out = cut_out if views != "as it is" else (lambda self, turn=0: [])
                rows.append({"backdrop": kind, "product": "whole photo" if whole else "cut out", "views": views,
                             **score(rec, items, photos)})
                print(rows[-1], flush=True)
    photo_views.PhotoViews.cut_out = cut_out
    print(f"\n{len(val)} validation photos per row, index {args.index}\n")
    print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format))


if __name__ == "__main__":
    main()
