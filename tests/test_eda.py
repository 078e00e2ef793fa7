"""The EDA report on the fixture: files written, HTML self-contained, JSON counts match the catalogue."""

from __future__ import annotations

import base64
import hashlib
import html as html_module
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from PIL import Image

from fashionrec.catalog import Catalog
from fashionrec.eda import write_eda_report

PLOTS = {"gender", "master_category", "sub_category", "article_type", "base_colour", "season", "usage",
         "year", "gender_by_category", "image_sizes", "samples"}


@pytest.fixture(scope="module")
def eda_dir(fixture_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eda")
    # Its folder, as the CLI takes it (a loaded catalogue was needed: "'str' object has no attribute 'table'").
    html = write_eda_report(str(fixture_catalog.root), out, progress=False)
    assert html == out / "report.html"
    return out


def test_the_report_says_how_it_was_made(report: dict, fixture_catalog: Catalog) -> None:
    # From Python it said nothing of it, and named the folder as given (a Python user's trial).
    assert Path(report["data_dir"]).is_absolute() and Path(report["data_dir"]) == Path(fixture_catalog.root).resolve()
    assert report["command"].startswith("python") and report["created"] and report["fashionrec_version"]


@pytest.fixture(scope="module")
def report(eda_dir: Path) -> dict:
    return json.loads((eda_dir / "report.json").read_text())


def test_every_plot_is_a_png_beside_the_report(eda_dir: Path, report: dict) -> None:
    assert set(report["plots"]) == PLOTS
    for name, plot in report["plots"].items():
        path = eda_dir / plot["file"]
        assert path.name == f"{name}.png"
        with Image.open(path) as im:
            assert im.format == "PNG" and im.width >= 400 and im.height >= 150
    assert not list(eda_dir.glob(".*.tmp")), "atomic writes leave no temporary files"


def test_report_files_get_the_usual_permissions(eda_dir: Path) -> None:
    # Atomic writes go through mkstemp (mode 0600); the report must end up readable like any file.
    mask = os.umask(0o022)
    os.umask(mask)
    for path in eda_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path.name


@pytest.mark.parametrize("totals, log", [([1000, 990, 980, 970, 960, 950, 940, 930], False),
                                         ([7000, 3000, 900, 400, 120, 60, 20, 5], True),
                                         ([90, 80, 70, 60, 50, 40, 30, 2], False)])     # 45x: still linear
def test_bar_charts_use_a_log_axis_only_for_a_long_tail(totals: list[int], log: bool) -> None:
    from fashionrec.eda import _stacked_barh

    keys = [f"v{i}" for i in range(len(totals))]
    counts = dict(zip(keys, totals, strict=True))
    fig = _stacked_barh({"total": counts, "with_image": counts, "without_image": dict.fromkeys(keys, 0)}, "t", "c")
    assert fig.axes[0].get_xscale() == ("log" if log else "linear")
    # On a log axis the grey part's length is no share: its label gives it (27% looked like 5%).
    without = {k: v // 4 for k, v in counts.items()}
    with_image = {k: counts[k] - without[k] for k in keys}
    fig = _stacked_barh({"total": counts, "with_image": with_image, "without_image": without}, "t", "c")
    labels = [t.get_text() for t in fig.axes[0].texts]
    first = f" {totals[0]:,}"
    assert (f"{first} ({without['v0'] / totals[0]:.0%} no usable image)" in labels) == log
    assert (first in labels) != log


def test_the_report_crosses_gender_with_category_and_says_how_uneven_the_types_are(
        report: dict, eda_dir: Path, fixture_catalog: Catalog) -> None:
    import pandas as pd

    table = fixture_catalog.table
    cross = report["plots"]["gender_by_category"]["counts"]
    want = pd.crosstab(table["gender"], table["masterCategory"])
    for r, row in zip(cross["rows"], cross["counts"], strict=True):
        for c, n in zip(cross["columns"], row, strict=True):
            assert n == (want.at[r, c] if r in want.index and c in want.columns else 0), (r, c)
    assert sum(map(sum, cross["counts"])) == len(table)
    html = (eda_dir / "report.html").read_text()
    assert "<th>gender / masterCategory</th>" in html
    counts = fixture_catalog.report.class_counts
    top = max(counts, key=counts.get)
    assert f"The largest, {top}, is {counts[top] / sum(counts.values()):.1%} of the" in html
    # Everything data check says, as it says it, and which styles.csv the report was made from.
    for line in fixture_catalog.report.summary_lines():
        assert html_module.escape(line) in html
    styles = Path(fixture_catalog.root) / "styles.csv"
    assert report["styles_csv"] == {"sha256": hashlib.sha256(styles.read_bytes()).hexdigest(),
                                    "bytes": styles.stat().st_size}


def test_a_run_stopped_midway_leaves_the_earlier_report_whole(fixture_dir: Path, tmp_path: Path,
                                                              monkeypatch) -> None:
    import fashionrec.eda as eda

    out = tmp_path / "eda"
    write_eda_report(fixture_dir, out, progress=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    # Stopped after some of the plots were drawn: none of them may sit beside the earlier report's HTML.
    monkeypatch.setattr(eda, "_long_tail", stopped)
    with pytest.raises(KeyboardInterrupt):
        write_eda_report(fixture_dir, out, progress=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["eda"], "no temporary folder is left behind"


def test_a_folder_of_other_files_is_not_replaced_by_a_report(fixture_dir: Path, tmp_path: Path) -> None:
    from fashionrec.errors import FashionrecError

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FashionrecError, match="is not an EDA report; writing the EDA report there would delete"):
        write_eda_report(fixture_dir, tmp_path, progress=False)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_files_of_ones_own_beside_a_report_are_not_deleted_by_the_next(fixture_dir: Path, tmp_path: Path) -> None:
    # The report replaces its folder whole: a note and a plot folder of one's own went with it (a code review).
    from fashionrec.errors import FashionrecError

    out = tmp_path / "eda"
    write_eda_report(fixture_dir, out, progress=False)
    (out / "notes.txt").write_text("mine")
    (out / "custom").mkdir()
    before = {p.name for p in out.iterdir()}
    with pytest.raises(FashionrecError, match=r"holds custom, notes.txt beside its EDA report: .* move them"):
        write_eda_report(fixture_dir, out, progress=False)
    assert {p.name for p in out.iterdir()} == before and (out / "notes.txt").read_text() == "mine"


def test_plots_an_earlier_version_left_without_their_html_are_a_report_to_replace(fixture_dir: Path, eda_dir: Path,
                                                                                   tmp_path: Path) -> None:
    # Earlier versions removed report.html and report.json first: a stopped run left its plots alone, and this
    # version called that folder "not an EDA report" (a code review's upgrade case). The module's report of the
    # same catalogue, copied, is that folder (writing one again took half of this test's time).
    out = tmp_path / "eda"
    shutil.copytree(eda_dir, out)
    (out / "report.html").unlink()
    (out / "report.json").unlink()
    write_eda_report(fixture_dir, out, progress=False)
    assert {p.name for p in out.iterdir()} == {"report.html", "report.json", *(f"{n}.png" for n in PLOTS)}


def test_the_current_folder_is_refused_as_the_reports_folder(fixture_dir: Path, tmp_path: Path, monkeypatch) -> None:
    # "--out ." was a traceback that left a temporary folder behind; written, it replaced the folder the shell was
    # in, which then showed nothing (a code review). Refused, said, and a folder inside it works.
    from typer.testing import CliRunner

    from fashionrec.cli import app

    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = CliRunner().invoke(app, ["eda", str(fixture_dir), "--out", "."])
    assert result.exit_code == 2 and "is the folder you are in" in " ".join(result.output.split())
    assert CliRunner().invoke(app, ["eda", str(fixture_dir), "--out", str(tmp_path)]).exit_code == 2   # holds it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here"] and not list(here.iterdir())
    result = CliRunner().invoke(app, ["eda", str(fixture_dir), "--out", "./report"])
    assert result.exit_code == 0 and (here / "report" / "report.html").is_file()


def test_html_embeds_and_links_every_plot(eda_dir: Path, report: dict) -> None:
    html = (eda_dir / "report.html").read_text()
    for plot in report["plots"].values():
        assert f"href='{plot['file']}'" in html
    embedded = html.split("data:image/png;base64,")[1:]
    assert len(embedded) == len(PLOTS)
    for chunk in embedded:  # each embedded image is a whole PNG
        assert base64.b64decode(chunk.split("'", 1)[0])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<img src='http" not in html and "<script" not in html  # opens anywhere, offline


def test_html_starts_with_the_data_report(eda_dir: Path, fixture_catalog: Catalog) -> None:
    html = (eda_dir / "report.html").read_text()
    r = fixture_catalog.report
    top = html[: html.index("<h2 id='gender'>")]
    for label, value in [("rows in styles.csv", r.rows), ("rows rejected", len(r.rows_rejected)),
                         ("missing image", r.missing_image), ("unreadable image", len(r.unreadable_image)),
                         ("with a usable image", r.with_image)]:
        assert f"<td>{label}</td><td class=\"n\">{value:,}</td>" in top
    # Ids and line numbers as written (20180, not "20,180"), and every left-out row named as data check does.
    for rejected in r.rows_rejected:
        assert f"<td>{rejected.line}</td>" in top
    for problem in r.unreadable_image:
        assert f"<td>{problem.id}</td>" in top
    assert r.missing_image_ids and f"Rows without an image file (ids): {len(r.missing_image_ids)}" in top
    assert all(str(i) in top.split("Rows without an image file")[1].split("</details>")[0]
               for i in r.missing_image_ids)


def test_json_counts_match_the_catalogue(report: dict, fixture_catalog: Catalog, expected: dict) -> None:
    table = fixture_catalog.table
    plots = report["plots"]
    for name, column in [("gender", "gender"), ("master_category", "masterCategory"),
                         ("sub_category", "subCategory"), ("base_colour", "baseColour"),
                         ("usage", "usage"), ("season", "season"), ("year", "year")]:
        counts = plots[name]["counts"]
        assert sum(counts["total"].values()) == len(table), name
        assert len(counts["total"]) == table[column].nunique(dropna=False), name
        assert sum(counts["with_image"].values()) == expected["with_image"], name
        for key, total in counts["total"].items():
            assert counts["with_image"][key] + counts["without_image"][key] == total
    gender = table["gender"].value_counts().to_dict()
    assert plots["gender"]["counts"]["total"] == gender
    assert plots["base_colour"]["counts"]["total"]["NA"] == 1  # the literal NA, kept as a value
    assert plots["season"]["counts"]["total"]["(empty)"] == 1  # the empty field, shown as missing
    assert plots["article_type"]["counts"] == expected["class_counts"]
    assert plots["image_sizes"]["counts"] == {"60x80": expected["with_image"] - 2, **expected["odd_size_images"]}
    d = report["data_report"]
    assert (d["rows"], d["rows_recovered"], d["with_image"], d["missing_image"], d["classes"]) == (
        expected["rows"], expected["rows_recovered"], expected["with_image"], expected["missing_image"],
        expected["classes"])
    assert d["na_values"]["baseColour"] == 1 and d["na_values"]["usage"] == 1


def test_sample_grid_uses_only_usable_images(report: dict, fixture_catalog: Catalog) -> None:
    usable = set(fixture_catalog.usable["id"])
    groups = report["plots"]["samples"]["counts"]
    assert groups and all(ids for ids in groups.values())
    assert all(i in usable for ids in groups.values() for i in ids)
    assert "Apparel / Topwear" in groups
    # The fixture has no blank, tiny or long thin photo: the rule is said all the same.
    assert report["plots"]["samples"]["passed_over"] == {"blank": [], "tiny": [], "strip": []}


def test_report_is_reproducible(fixture_catalog: Catalog, eda_dir: Path, tmp_path: Path) -> None:
    write_eda_report(fixture_catalog, tmp_path)
    again, first = (json.loads((d / "report.json").read_text()) for d in (tmp_path, eda_dir))
    assert again.pop("created") and first.pop("created")        # when it was made, and nothing else, differs
    assert again == first


def test_a_column_styles_csv_lacks_is_named_not_plotted(fixture_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    (folder / "images").mkdir(parents=True)
    lines = (fixture_dir / "styles.csv").read_text().splitlines()[:30]
    header = lines[0].split(",")
    keep = [i for i, c in enumerate(header) if c not in ("season", "year")]
    # The fixture's first rows have no comma in their names: the columns can be cut by position.
    assert all(len(x.split(",")) == len(header) for x in lines)
    (folder / "styles.csv").write_text("\n".join(",".join(x.split(",")[i] for i in keep) for x in lines) + "\n")
    for name in (fixture_dir / "images").glob("*.jpg"):
        (folder / "images" / name.name).write_bytes(name.read_bytes())
    html = write_eda_report(folder, tmp_path / "eda", progress=False).read_text()
    report = json.loads((tmp_path / "eda" / "report.json").read_text())
    assert "season" not in report["plots"] and "year" not in report["plots"] and "usage" in report["plots"]
    assert not (tmp_path / "eda" / "season.png").exists()
    assert "so empty in every row and not plotted: season, year." in html
    assert "Empty fields (missing values): none." in html
    # Without the category columns the sample grid is of the largest types, not one row of "(empty) / (empty)".
    keep = [i for i, c in enumerate(header) if c not in ("masterCategory", "subCategory")]
    (folder / "styles.csv").write_text("\n".join(",".join(x.split(",")[i] for i in keep) for x in lines) + "\n")
    write_eda_report(folder, tmp_path / "eda2", progress=False)
    samples = json.loads((tmp_path / "eda2" / "report.json").read_text())["plots"]["samples"]
    types = {x.split(",")[header.index("articleType")] for x in lines[1:]}
    assert samples["title"] == "Sample photos of the largest articleTypes" and set(samples["counts"]) <= types


def test_a_column_empty_in_every_row_is_named_not_plotted(fixture_dir: Path, tmp_path: Path) -> None:
    # A shop's export whose usage column is never filled drew one bar of "(empty)", as a column it lacks did before
    # it was named instead (a code review); the literal "NA" is a value and keeps its plot.
    folder = tmp_path / "shop"
    (folder / "images").mkdir(parents=True)
    lines = (fixture_dir / "styles.csv").read_text().splitlines()[:30]
    header = lines[0].split(",")
    assert all(len(x.split(",")) == len(header) for x in lines)     # no comma in these names: cut by position
    blank = {header.index("usage"): "", header.index("baseColour"): "NA"}
    rows = [",".join(blank.get(i, v) for i, v in enumerate(x.split(","))) for x in lines[1:]]
    (folder / "styles.csv").write_text("\n".join([lines[0], *rows]) + "\n")
    for name in (fixture_dir / "images").glob("*.jpg"):
        (folder / "images" / name.name).write_bytes(name.read_bytes())
    html = write_eda_report(folder, tmp_path / "eda", progress=False).read_text()
    report = json.loads((tmp_path / "eda" / "report.json").read_text())
    assert "usage" not in report["plots"] and not (tmp_path / "eda" / "usage.png").exists()
    assert report["plots"]["base_colour"]["counts"]["total"] == {"NA": 29}
    assert report["data_report"]["empty_columns"] == ["usage"]
    assert "Columns empty in every row, so not plotted: usage." in html


def test_a_small_catalogues_sample_grid_has_the_columns_its_rows_fill(fixture_dir: Path, tmp_path: Path) -> None:
    # Three products of three subCategories drew one photo a row beside seven blank columns, under a note that said
    # 8 a row, and the long tail's legend said "(1 classes)" (a code review).
    folder = tmp_path / "three"
    (folder / "images").mkdir(parents=True)
    lines = (fixture_dir / "styles.csv").read_text().splitlines()
    header, rows = lines[0].split(","), lines[1:]
    by_sub, picked = header.index("subCategory"), {}
    for row in rows[:60]:
        picked.setdefault(row.split(",")[by_sub], row)
    picked = list(picked.values())[:3]
    (folder / "styles.csv").write_text("\n".join([lines[0], *picked]) + "\n")
    for row in picked:
        name = f"{row.split(',')[0]}.jpg"
        (folder / "images" / name).write_bytes((fixture_dir / "images" / name).read_bytes())
    write_eda_report(folder, tmp_path / "eda", progress=False)
    report = json.loads((tmp_path / "eda" / "report.json").read_text())
    assert {len(g) for g in report["plots"]["samples"]["counts"].values()} == {1}
    with Image.open(tmp_path / "eda" / "samples.png") as im:
        assert im.width <= 700        # 1166 pixels for 8 columns
    html = (tmp_path / "eda" / "report.html").read_text()
    assert "8 random usable photos (seed 0) per row, fewer where a group has fewer" in html
    from fashionrec.eda import _long_tail

    legend = [t.get_text() for t in _long_tail({"Shirts": 1}).axes[0].get_legend().get_texts()]
    assert legend[1] == "< 10 images (1 class)"


def test_characters_the_plots_font_lacks_are_said_once_and_on_the_page(fixture_dir: Path, tmp_path: Path, caplog,
                                                                      recwarn) -> None:
    # A shop's Chinese type names printed matplotlib's "Glyph 34923 (\N{CJK UNIFIED IDEOGRAPH-886B}) missing from
    # font(s) DejaVu Sans" per character and plot, naming neither, and the page said nothing of the boxes drawn.
    folder = tmp_path / "shop"
    (folder / "images").mkdir(parents=True)
    lines = (fixture_dir / "styles.csv").read_text().splitlines()[:30]
    at = lines[0].split(",").index("articleType")
    rows = [",".join("Hemd 衬衫" if i == at and v == "Shirts" else v for i, v in enumerate(x.split(",")))
            for x in lines[1:]]
    assert any("衬衫" in r for r in rows)
    (folder / "styles.csv").write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    for name in (fixture_dir / "images").glob("*.jpg"):
        (folder / "images" / name.name).write_bytes(name.read_bytes())
    with caplog.at_level("WARNING", logger="fashionrec.eda"):
        write_eda_report(folder, tmp_path / "eda", progress=False)
    said = [r.getMessage() for r in caplog.records if "drawn as boxes" in r.getMessage()]
    assert len(said) == 1 and "衫 衬" in said[0] and "article_type.png" in said[0]
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
    report = json.loads((tmp_path / "eda" / "report.json").read_text(encoding="utf-8"))
    assert set(report["drawn_as_boxes"]["article_type"]) == {"衬", "衫"}
    html = (tmp_path / "eda" / "report.html").read_text(encoding="utf-8")
    assert "Characters the plots' font lacks, drawn as boxes: 衫 衬" in html and "Hemd 衬衫" in html


def test_a_heatmap_cell_of_one_product_is_shaded_and_an_empty_one_white() -> None:
    # Blues starts at white, so a cell of one product was as white as an empty one (a code review's 3-product
    # catalogue); only its printed "1" told them apart.
    import numpy as np

    from fashionrec.eda import _heatmap

    fig = _heatmap({"rows": ["Men", "Women"], "columns": ["Apparel", "Accessories"], "counts": [[2, 0], [0, 1]],
                    "row_name": "gender", "column_name": "masterCategory"}, "t")
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    ax = fig.axes[0]

    def colour(i: int, j: int) -> tuple:      # a cell's colour a little off its centre, clear of its number
        x, y = ax.transData.transform((j - 0.3, i - 0.3))
        return tuple(pixels[int(pixels.shape[0] - y), int(x), :3])

    assert colour(0, 1) == (255, 255, 255)
    assert max(colour(1, 1)) - min(colour(1, 1)) > 20, colour(1, 1)     # a blue, not white or grey


@pytest.mark.parametrize("n", [3, 10, 46])
def test_the_legend_of_a_bar_plot_sits_just_below_its_axis_label(n: int) -> None:
    # 10 bars: the legend sat on the axis label; 46: over an inch below it (a data review, stop 61).
    from fashionrec.eda import _stacked_barh

    values = [f"v{i}" for i in range(n)]
    counts = {"with_image": {v: 1000 // (i + 1) for i, v in enumerate(values)},
              "without_image": {v: 10 for v in values}}
    counts["total"] = {v: counts["with_image"][v] + 10 for v in values}
    fig = _stacked_barh(counts, "Products by usage", "usage")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    label, legend = ax.xaxis.label.get_window_extent(renderer), ax.get_legend().get_window_extent(renderer)
    assert legend.y1 <= label.y0 + 1, (legend, label)               # not on the label
    assert label.y0 - legend.y1 < 0.25 * fig.dpi, (legend, label)    # and not far below it


@pytest.mark.parametrize("years", [3, 13, 16])
def test_the_year_plots_empty_bar_is_set_apart_from_the_last_year(years: int) -> None:
    # The shared catalogue's 13 years and its one row without a year: "(empty)" touched "2019", 1 pixel apart
    # where the years are 11 (a data review, stop 61).
    from fashionrec.eda import EMPTY, _year_bars

    keys = [str(2020 - years + i) for i in range(years)] + [EMPTY]
    counts = {k: 100 * (i + 1) for i, k in enumerate(keys)}
    fig = _year_bars({"total": counts, "with_image": counts, "without_image": dict.fromkeys(keys, 0)})
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = fig.axes[0].get_xticklabels()
    assert [t.get_text() for t in labels] == keys
    boxes = [t.get_window_extent(renderer) for t in labels]
    gaps = [b.x0 - a.x1 for a, b in zip(boxes[:-1], boxes[1:], strict=True)]
    assert min(gaps) >= 2, gaps                     # no two labels touch
    assert gaps[-1] >= max(gaps[:-1], default=0), gaps   # and "(empty)" stands further apart than any year


def test_the_sample_grid_passes_over_photos_that_show_no_product_and_says_so(fixture_dir: Path,
                                                                             tmp_path: Path) -> None:
    # A data review (stop 61): a black square and a 30000x20 line were drawn among a catalogue's sample photos.
    import shutil

    import numpy as np

    folder = tmp_path / "shop"
    shutil.copytree(fixture_dir, folder)
    sandals = [41878, 36687, 35647, 18493, 50734, 47215, 44560, 9706]      # the fixture's 8: all drawn
    images = folder / "images"
    Image.new("RGB", (60, 80), "black").save(images / "41878.jpg", "JPEG")                  # blank
    line = np.tile(np.linspace(0, 255, 30000).astype(np.uint8), (20, 1))
    Image.fromarray(line).convert("RGB").save(images / "36687.jpg", "PNG")                  # tiny: 20 high
    with Image.open(images / "35647.jpg") as im:
        im.convert("RGB").resize((480, 60)).save(images / "35647.jpg", "JPEG")              # 8:1
    write_eda_report(folder, tmp_path / "eda", progress=False)
    report = json.loads((tmp_path / "eda" / "report.json").read_text())
    samples = report["plots"]["samples"]
    shown = {i for ids in samples["counts"].values() for i in ids}
    assert not shown & {41878, 36687, 35647}
    assert sorted(samples["counts"]["Footwear / Sandal"]) == sorted(sandals[3:])
    assert samples["passed_over"] == {"blank": [41878], "tiny": [36687], "strip": [35647]}
    # Listed by the check too since stop 62, as blank and tiny photos are, and on the page's data report.
    assert report["data_report"]["long_thin_image_ids"] == [35647]
    html = (tmp_path / "eda" / "report.html").read_text()
    assert "long thin image (over 4:1 either way, kept)</td><td class=\"n\">1</td>" in html
    assert ("Passed over as showing no product: 3 usable photos, 1 blank (one flat colour), 1 tiny (under 32 "
            "pixels a side), 1 long and thin (over 4:1) (ids in report.json).") in html


def test_a_catalogue_without_prices_says_so_in_one_line_and_draws_no_price_plot(report: dict, eda_dir: Path) -> None:
    # The fixture, as the Kaggle catalogue, has no price column: one line, no empty plot (stop 67).
    assert report["prices"].startswith("No prices: styles.csv has no price column") and "prices" not in report["plots"]
    assert not (eda_dir / "prices.png").exists()
    assert (eda_dir / "report.html").read_text().count(html_module.escape(report["prices"])) == 1


def test_a_shops_prices_are_plotted_per_type_in_its_currency_with_their_quartiles(fixture_dir: Path,
                                                                                  tmp_path: Path) -> None:
    # The EDA report had no plot of the prices `data check` reads (stop 66, a data review): where styles.csv has a
    # price column, their spread per articleType, in the shop's currency, a log axis for a skewed one (a watch at
    # ₹24,999 beside ₹299 socks), and a table of quartiles; a column of no amount, one line (stop 67).
    import pandas as pd

    from fashionrec.catalog import load_catalog

    folder = tmp_path / "shop"
    (folder / "images").mkdir(parents=True)
    lines = (fixture_dir / "styles.csv").read_text().splitlines()[:30]
    prices = ["₹24,999"] + [f"₹{299 + 100 * (i % 8)}" for i in range(len(lines) - 2)]
    (folder / "styles.csv").write_text("\n".join([lines[0] + ",price", *(f'{x},"{p}"' for x, p in
                                                                          zip(lines[1:], prices, strict=True))]) + "\n",
                                       encoding="utf-8")
    for name in (fixture_dir / "images").glob("*.jpg"):
        (folder / "images" / name.name).write_bytes(name.read_bytes())
    page = write_eda_report(folder, tmp_path / "eda", progress=False).read_text(encoding="utf-8")
    report = json.loads((tmp_path / "eda" / "report.json").read_text(encoding="utf-8"))
    plot = report["plots"]["prices"]
    assert report["prices"] is None and (tmp_path / "eda" / "prices.png").is_file()
    assert plot["currency"] == "₹" and plot["log_scale"] is True and plot["unpriced"] == 0
    table = load_catalog(folder, progress=False, warn=False).table
    read = table["price"]
    everything = plot["counts"]["(all priced products)"]
    assert everything["products"] == 29 and everything["median"] == read.median() and everything["highest"] == 24999
    top = table["articleType"].value_counts().index[0]
    assert plot["counts"][top]["q1"] == read[table["articleType"] == top].quantile(0.25)
    assert f"<td>{html_module.escape(top)}</td>" in page and "<td>₹24,999</td>" in page and "written in ₹" in page
    # No amount in the column: said, not plotted (the report's own two steps: a second report takes 20 s).
    from fashionrec.eda import _no_price_plot, _price_plot

    csv = pd.read_csv(folder / "styles.csv", dtype=str)
    csv["price"] = "call us"
    csv.to_csv(folder / "styles.csv", index=False)
    catalog = load_catalog(folder, check_images=False, progress=False, warn=False)
    assert _price_plot(catalog) is None
    assert _no_price_plot(catalog).startswith("No prices: the column 'price' holds no amount in any row")
