"""The ``fashionrec`` command line: thin wrappers that parse options and call the package's verbs."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.console import Console

from fashionrec.errors import FashionrecError

app = typer.Typer(help="Tag a fashion catalogue from its photos and recommend similar items and outfits.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
data_app = typer.Typer(help="Check a catalogue folder and make train/val/test splits.", no_args_is_help=True)
app.add_typer(data_app, name="data")
console = Console()

DataDir = typer.Argument(None, help="Catalogue folder (styles.csv + images/). Default: $FASHIONREC_DATA "
                                    "or ../shared/datasets/fashion-product-images-small")


def _data_dir(path: Path | None) -> Path:
    from fashionrec.catalog import default_data_dir

    return path if path is not None else default_data_dir()


def fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=2)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages.")) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")


@data_app.command("check")
def data_check(
    data_dir: Path | None = DataDir,
    json_out: Path | None = typer.Option(None, "--json", help="Also write the full report as JSON here."),
) -> None:
    """Validate styles.csv and every image; print the data report."""
    from fashionrec.artifacts import write_json
    from fashionrec.catalog import load_catalog

    try:
        catalog = load_catalog(_data_dir(data_dir))
    except FashionrecError as e:
        fail(str(e))
    for line in catalog.report.summary_lines():
        console.print(line, highlight=False)
    if json_out:
        write_json(json_out, catalog.report.to_dict())
        console.print(f"report written to {json_out}")


@data_app.command("split")
def data_split(
    data_dir: Path | None = DataDir,
    out: Path = typer.Option(Path("runs/split.csv"), help="Where to write id,split (and a .json sidecar)."),
    seed: int = typer.Option(0, help="Random seed: the same seed gives the same split."),
    val_frac: float = typer.Option(0.1, help="Share of each class for validation."),
    test_frac: float = typer.Option(0.1, help="Share of each class for test."),
) -> None:
    """Make a reproducible stratified train/val/test split by articleType."""
    from fashionrec.catalog import load_catalog
    from fashionrec.splits import SplitConfig, make_split

    try:
        catalog = load_catalog(_data_dir(data_dir))
        split = make_split(catalog.usable, SplitConfig(seed=seed, val_frac=val_frac, test_frac=test_frac))
    except (FashionrecError, ValueError) as e:
        fail(str(e))
    split.save(out)
    s = split.summary()
    console.print(f"train {s['counts']['train']}, val {s['counts']['val']}, test {s['counts']['test']} -> {out}")
    if split.train_only_classes:
        console.print(f"{len(split.train_only_classes)} classes too small to stratify, train only: "
                      + ", ".join(f"{k} ({v})" for k, v in split.train_only_classes.items()))


if __name__ == "__main__":
    app()
