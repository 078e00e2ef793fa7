"""Find the EDA report and the model-evaluation report on disk, and render a report.md as HTML."""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

# Files a report folder may serve; anything else (and any name with a path in it) is a 404.
SERVABLE = {".html": "text/html", ".png": "image/png", ".svg": "image/svg+xml", ".json": "application/json",
            ".csv": "text/csv", ".md": "text/markdown"}
SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
# Report files read as text, so that the server's paths in them are left out as they are sent (the rest as saved).
TEXT_SUFFIXES = {".html", ".json", ".csv", ".md"}

# An absolute path of two names or more (POSIX, or Windows' C:\...), whose last name is kept. Not one that
# follows a letter, a "/", ":", "+" or ",": a fraction ("top-1/top-5"), a URL ("https://..."), or the base64 of a
# plot in the EDA report's HTML ("data:image/png;base64,iVBOR...+/...", a JPEG's "base64,/9j/...").
_SERVER_PATH = re.compile(r"(?<![\w.~:/+=,\\-])(?:/[^\s/:;,()'\"`<>|\\]+){2,}/?"
                          r"|\b[A-Za-z]:(?:\\{1,2}[^\s\\:;,()'\"`<>|]+)+")


def without_server_paths(text: str) -> str:
    """``text`` with each absolute path cut to its last name: "`/work/shared/datasets/fashion-product-images-small`"
    reads "`fashion-product-images-small`". The reports and the model card are public, and the machine's folders (a
    home directory's account name among them) are the operator's to know (a security review, stop 63)."""
    return _SERVER_PATH.sub(lambda m: re.split(r"[\\/]+", m.group(0).rstrip("/\\"))[-1], text)


@dataclass
class ModelReport:
    run: str
    folder: Path
    markdown: str
    plots: list[str] = field(default_factory=list)


def _made_from(folder: Path) -> str | None:
    """The catalogue folder an EDA report folder's report.json names, or None where it says none."""
    try:
        made_from = json.loads((folder / "report.json").read_text(encoding="utf-8")).get("data_dir")
    except (OSError, ValueError, AttributeError):
        return None
    return str(made_from) if made_from else None


def eda_dir(reports_dir: Path, data_dir: str | None = None) -> Path | None:
    """The EDA report folder to show: ``reports_dir/eda``, unless it is of another catalogue than ``data_dir`` (the
    served index's) and a folder one level under ``reports_dir`` holds a report of that one (the newest). The
    README's "give another --out to keep both" (`fashionrec eda --out runs/eda_shop`) left a shop's server saying
    "No EDA report yet" beside the shared catalogue's report (a new user's trial, stop 66)."""
    d = reports_dir / "eda"
    default = d if (d / "report.html").is_file() else None
    if not data_dir or (default is not None and _made_from(default) in (None, str(data_dir))):
        return default
    own = [p.parent for p in reports_dir.glob("*/report.json")
           if (p.parent / "report.html").is_file() and _made_from(p.parent) == str(data_dir)]
    return max(own, key=lambda p: (p / "report.html").stat().st_mtime) if own else default


def eda_of_another(reports_dir: Path, data_dir: str | None) -> str | None:
    """The catalogue folder the EDA report under ``reports_dir`` was made from, where it is not ``data_dir`` (the
    served index's): a shop's server showed the Kaggle catalogue's report as its own without a word (a trial)."""
    found = eda_dir(reports_dir, data_dir)
    if found is None or not data_dir:
        return None
    made_from = _made_from(found)
    return made_from if made_from and made_from != str(data_dir) else None


def find_model_report(reports_dir: Path, model_name: str | None, model_path: Path | None = None) -> ModelReport | None:
    """The test report of the loaded model: beside its checkpoint (the shipped model, a train run's
    ``test/``), else the train run under ``reports_dir`` named like the model, else the newest run."""
    own = []
    if model_path is not None:
        own = [p for p in (model_path.parent / "test" / "report.md", model_path.parent.parent / "test" / "report.md")
               if p.is_file()]
    reports = own or sorted((reports_dir / "train").glob("*/test/report.md"), key=lambda p: p.stat().st_mtime,
                            reverse=True)
    if not reports:
        return None
    chosen = next((p for p in reports if model_name and model_name.endswith(p.parent.parent.name)), reports[0])
    folder = chosen.parent
    plots = sorted(p.name for p in folder.iterdir() if p.suffix == ".png")
    return ModelReport(run=folder.parent.name, folder=folder, markdown=chosen.read_text(encoding="utf-8"), plots=plots)


def safe_file(folder: Path | None, name: str) -> Path | None:
    """``folder/name`` if ``name`` is a plain file name with a servable suffix and exists, else None."""
    if folder is None or not SAFE_NAME.match(name) or name.startswith("."):
        return None
    path = folder / name
    if path.suffix.lower() not in SERVABLE or not path.is_file():
        return None
    return path


# A plot the EDA report embeds (eda._html: each image links to its PNG beside the report).
_EMBEDDED_PLOT = re.compile(r"<a href='([A-Za-z0-9_.-]+\.png)'><img src='data:image/png;base64,([A-Za-z0-9+/=]+)'")


def plots_from_files(text: str, folder: Path) -> str:
    """The EDA report's HTML as the server sends it: each plot it embeds whose PNG is beside it in ``folder`` taken
    from that file instead, loaded lazily, at the size its bytes give (so the page keeps its place as they come).
    Embedded, the 44k catalogue's report was 3.1 MB, all of it before /reports' load event (4.5-6.7 s on a phone
    at load 17, stop 67); the file on disk stays whole, to open anywhere on its own."""

    def from_file(m: re.Match) -> str:
        name, encoded = m.group(1), m.group(2)
        try:    # the PNG's header: 8 signature bytes, the IHDR chunk's length and type, then width and height
            width, height = struct.unpack(">II", base64.b64decode(encoded[:32])[16:24])
        except (binascii.Error, struct.error):
            return m.group(0)
        if safe_file(folder, name) is None:
            return m.group(0)
        return f"<a href='{name}'><img src='{name}' width='{width}' height='{height}' loading='lazy'"

    return _EMBEDDED_PLOT.sub(from_file, text)


LONG_TABLE = 25   # rows; a longer table (per-class metrics) starts folded


def markdown_to_html(text: str, base: str = "") -> str:
    """Just enough Markdown for our reports: headings, tables, lists, paragraphs, `code`, **bold** and
    images, whose file names are made relative to ``base`` (the URL the report's folder is served at)."""

    def inline(s: str) -> str:
        s = html.escape(s)
        s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
        s = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", s)
        # Lazy: the model report's plots are below its tables, out of sight as /reports opens (stop 72).
        return re.sub(r"!\[([^\]]*)\]\(([A-Za-z0-9_.-]+)\)",
                      lambda m: f"<img alt='{m[1]}' src='{base}{m[2]}' loading='lazy'>", s)

    out, table, listing = [], [], False
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                table.append(cells)
            continue
        if table:
            head, *rows = table
            # A scrolling box the keyboard reaches, named by its columns: a 320 px phone scrolls a wide table in it,
            # and a box with no name or tab stop is out of reach in some browsers (an accessibility trial).
            label = html.escape("table: " + ", ".join(head[:4]) + (", ..." if len(head) > 4 else ""), quote=True)
            body = (f"<div class='table-wrap' role='region' tabindex='0' aria-label='{label}'><table><thead><tr>"
                    + "".join(f"<th>{inline(c)}</th>" for c in head) + "</tr></thead><tbody>"
                    + "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in rows)
                    + "</tbody></table></div>")
            if len(rows) > LONG_TABLE:
                body = f"<details><summary>Show all {len(rows)} rows</summary>{body}</details>"
            out.append(body)
            table = []
        if line.startswith(("- ", "* ")):
            if not listing:
                out.append("<ul>")
                listing = True
            out.append(f"<li>{inline(line[2:])}</li>")
            continue
        if listing:
            out.append("</ul>")
            listing = False
        m = re.match(r"^(#{1,4})\s+(.*)", line)
        if m:
            # Under the reports page's h2 for the model ("# Test report" as an h2 beside it broke the outline,
            # an accessibility trial).
            level = min(len(m.group(1)) + 2, 6)
            out.append(f"<h{level}>{inline(m.group(2))}</h{level}>")
        elif line.strip():
            out.append(f"<p>{inline(line)}</p>")
    return "\n".join(out)
