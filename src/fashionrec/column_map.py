"""A shop's own column names, mapped once: ``columns.json`` beside styles.csv.

A shop's export names its columns its own way ("Title", "Product Type", "Color", "Variant Price"). Editing each
export's header by hand was the only way in (stop 67's new user). The mapping is a file in the catalogue folder, not
an option: every command and the Python API read the folder (``data check``, ``tag``, ``index build``, ``index add``,
``train``, ``eda``, ``load_catalog``), and a flag given to one and forgotten on the next would read the same export
two ways. ``fashionrec data columns DIR "Title=productDisplayName" ...`` writes it, checked against the header.

The file is a JSON object {"name in the header": "column it is"}::

    {"Title": "productDisplayName", "Product Type": "articleType", "Color": "baseColour"}

Two more entries name the folder's table and photo folder where they are not styles.csv and images/ (stop 70: a
shop's products.csv and photos/ were renamed by hand), read by every command the same way (:func:`table_path`,
:func:`images_path`); ``fashionrec data columns DIR --table products.csv --images photos`` writes them::

    {"@table": "products.csv", "@images": "photos", "Title": "productDisplayName"}
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
from pathlib import Path

from fashionrec.artifacts import atomic_path
from fashionrec.errors import CatalogError

COLUMN_MAP_FILE = "columns.json"
# columns.json's names for the folder's table and photo folder: "@" is no header's first character (a column's
# name would be mapped, not these), and the defaults are the catalogue's own names.
TABLE_KEY, IMAGES_KEY = "@table", "@images"
PLACES = {TABLE_KEY: "styles.csv", IMAGES_KEY: "images"}


def spelling(name: str) -> str:
    """A header name as compared: without case, spaces, underscores or dashes ("Product Type" is producttype)."""
    return re.sub(r"[\s_\-]+", "", name).casefold()


def checked_map(mapping: object, known: list[str], where: str) -> dict[str, str]:
    """``mapping`` as {header name: column}, each column one of ``known`` as the loader names it ("Base Colour" is
    baseColour); a :class:`CatalogError` saying what is wrong otherwise (not an object, a column no catalogue has,
    two names for one column)."""
    if not isinstance(mapping, dict):
        raise CatalogError(f"{where} must be a JSON object of header names to columns, such as "
                           '{"Title": "productDisplayName", "Product Type": "articleType"}')
    spelt = {spelling(c): c for c in known}
    out: dict[str, str] = {}
    for name, column in mapping.items():
        if not isinstance(column, str) or not str(name).strip():
            raise CatalogError(f"{where}: {name!r} maps to {column!r}; give a header name and a column name")
        target = spelt.get(spelling(column))
        if target is None:
            raise CatalogError(f"{where}: {name!r} maps to {column!r}, no column a catalogue has (one of "
                               f"{', '.join(known)})")
        taken = next((other for other, c in out.items() if c == target), None)
        if taken is not None:
            raise CatalogError(f"{where}: {taken!r} and {name!r} both map to {target}: map one")
        out[str(name).strip()] = target
    return out


def parse_map(pairs: list[str], known: list[str]) -> dict[str, str]:
    """{header name: column} of command-line pairs: "Title=productDisplayName", several in one argument separated
    by commas ("Title=productDisplayName,Product Type=articleType"); a comma inside a header name ("Net, Price=price")
    is the name's: a piece without "=" is joined to the next."""
    parts: list[str] = []
    for arg in pairs:
        pending = ""
        for piece in arg.split(","):
            if "=" in piece:
                parts.append(pending + piece)
                pending = ""
            else:
                pending += piece + ","
        if pending.strip(", "):
            parts.append(pending.rstrip(","))
    mapping: dict[str, str] = {}
    for part in parts:
        name, eq, column = part.rpartition("=")
        if not eq or not name.strip():
            raise CatalogError(f"{part!r} is no mapping: write HEADER=COLUMN, such as Title=productDisplayName")
        mapping[name.strip().strip('"\'')] = column.strip()
    return checked_map(mapping, known, "the mapping")


def _read_file(folder: Path) -> object:
    """``folder``'s columns.json as JSON, {} where there is none."""
    path = Path(folder) / COLUMN_MAP_FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise CatalogError(f"{path} cannot be read as JSON ({e}): write it again with `fashionrec data columns "
                           f"{shlex.quote(str(folder))} HEADER=COLUMN ...`, or remove it") from e


def read_column_map(folder: Path, known: list[str]) -> dict[str, str]:
    """The mapping in ``folder``'s columns.json, {} where there is none (its table and photo folder apart:
    :func:`read_places`)."""
    data = _read_file(folder)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in PLACES}
    return checked_map(data, known, str(Path(folder) / COLUMN_MAP_FILE))


def checked_place(folder: Path, key: str, name: object) -> str:
    """``name`` as columns.json's ``key`` (the table's or the photo folder's name), checked: a name inside
    ``folder``; a :class:`CatalogError` saying what to write otherwise."""
    what = "--table products.csv" if key == TABLE_KEY else "--images photos"
    # The table beside columns.json (the loader reads the mapping beside the table); photos anywhere inside.
    if (not isinstance(name, str) or not name.strip() or Path(name).is_absolute() or ".." in Path(name).parts
            or (key == TABLE_KEY and Path(name).name != name)):
        raise CatalogError(f"{Path(folder) / COLUMN_MAP_FILE}: {key} is {name!r}; give a name inside "
                           f"{folder}, such as `fashionrec data columns {shlex.quote(str(folder))} {what}`")
    return name.strip()


def read_places(folder: Path) -> dict[str, str]:
    """{"@table": ..., "@images": ...} of ``folder``'s columns.json, the defaults (styles.csv, images) where it
    names none. An unreadable columns.json gives the defaults here: the loader's read of its mapping says so."""
    try:
        data = _read_file(folder)
    except CatalogError:
        data = {}
    data = data if isinstance(data, dict) else {}
    return {key: checked_place(folder, key, data[key]) if key in data else default for key, default in PLACES.items()}


def table_path(folder: str | Path) -> Path:
    """The file of ``folder``'s rows: styles.csv, or the one its columns.json names ("@table")."""
    return Path(folder) / read_places(Path(folder))[TABLE_KEY]


def images_path(folder: str | Path) -> Path:
    """The folder of ``folder``'s photos: images/, or the one its columns.json names ("@images")."""
    return Path(folder) / read_places(Path(folder))[IMAGES_KEY]


def check_header_names(names, header: list[str], table: Path) -> None:
    """A :class:`CatalogError` for the first of ``names`` that ``table``'s ``header`` lacks, as spelt or in another
    case or spacing, with the closest name it has, else its names: what a mapping's header names must pass."""
    spelt = {spelling(h) for h in header}
    for name in names:
        if name not in header and spelling(name) not in spelt:
            close = difflib.get_close_matches(name, header, n=1)
            raise CatalogError(f"{name!r} is not in {table}'s header"
                               + (f" (did you mean {close[0]!r}?)" if close else f" ({', '.join(map(repr, header))})"))


def save_column_map(folder: Path, mapping: dict[str, str], places: dict[str, str] | None = None,
                    check: bool = True) -> Path:
    """Write ``mapping`` to ``folder``'s columns.json, whole (a temporary file moved in), with ``places``
    ({"@table": ..., "@images": ...}; None: those the file names now), the defaults left out; an empty one removes
    the file. Returns its path. ``check``: each column one a catalogue has and, where the table is there, each
    header name in its header, as `fashionrec data columns` checks them, nothing written on a refusal (False: the
    command's own merge, checked before)."""
    path = Path(folder) / COLUMN_MAP_FILE
    places = read_places(Path(folder)) if places is None else places
    if check:
        # Python's `data columns` (stop 76): unchecked, a name the header lacks was written and then read past.
        from fashionrec.catalog import MAPPABLE_COLUMNS, styles_header
        places = {**places, **{k: v for k, v in mapping.items() if k in PLACES}}     # "@table" given in the mapping
        mapping = checked_map({k: v for k, v in mapping.items() if k not in PLACES}, MAPPABLE_COLUMNS, "the mapping")
        table = Path(folder) / places.get(TABLE_KEY, PLACES[TABLE_KEY])
        if table.is_file():
            try:
                check_header_names(mapping, styles_header(folder, places={**PLACES, **places}), table)
            except CatalogError as e:
                raise CatalogError(f"{e} (nothing written to {COLUMN_MAP_FILE})") from None
    mapping = {**{k: v for k, v in places.items() if k in PLACES and v != PLACES[k]}, **mapping}
    if not mapping:
        path.unlink(missing_ok=True)
        return path
    # A temporary file of this writer's own beside it (stop 72): through one fixed name, a second writer between
    # the first's write and its move took the first's file, and the first failed on a file no longer there.
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(mapping, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def map_command(folder: Path | str, pairs: list[tuple[str, str]]) -> str:
    """The command that maps ``pairs`` [(header name, column)] for ``folder``: what a "rename it" message
    offers instead of editing every export's header."""
    said = " ".join(shlex.quote(f"{name}={column}") for name, column in pairs)
    # The table and photo folder named too, where not styles.csv and images/ (stop 76): `data columns DIR --table
    # export.csv` without pairs is refused for the columns it lacks, columns.json is left as it was, and the command
    # offered without --table failed on "styles.csv not found", which offered --table again.
    places = "".join(f" --{key[1:]} {shlex.quote(value)}" for key, value in read_places(Path(folder)).items()
                     if value != PLACES[key])
    return (f"`fashionrec data columns {shlex.quote(str(folder))}{places} {said}` (writes {COLUMN_MAP_FILE} beside "
            f"{table_path(folder).name})")
