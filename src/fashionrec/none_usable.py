"""What to fix where a catalogue's table has rows and none gives a usable product.

`fashionrec data check SHOP` exited 0 with every row rejected (stop 74's new user: 250 rows, each "id 'X' is not an
integer", "classes 0 articleTypes"), so a script or a CI step took a catalogue of nothing for a good one. It now
exits 2, the CLI's code for input it cannot use, its last line this one: how many rows were left out for what, the
most common reason with the line that gave it, and what to do. Some rows usable is still exit 0 with their count
(`--strict` makes it 1); a table with a header and no rows exits 2 too since stop 75 (the CLI says so).
"""

from __future__ import annotations

from collections import Counter

from fashionrec.column_map import IMAGES_KEY, PLACES


def _most_common_rejection(report) -> str:
    """The rejection most rows share ("248 of them as line 2: id 'X' is ..."), read with each row's own id left out
    of its reason, so that "id 'A' is not an integer" and "id 'B' is not an integer" count as one."""
    def key(r) -> str:
        return r.reason.replace(repr(r.id_field), "ID") if r.id_field else r.reason

    counts = Counter(key(r) for r in report.rows_rejected)
    top, n = counts.most_common(1)[0]
    first = next(r for r in report.rows_rejected if key(r) == top)
    total = len(report.rows_rejected)
    many = ("it" if total == 1 else f"each as line {first.line}" if n == total
            else f"{n} of them as line {first.line}" if n > 1 else f"the first as line {first.line}")
    return f"{many}: {first.reason}"


def nothing_usable_said(report, data_dir: str) -> str:
    """The last line of `data check` where the table's ``report.rows`` rows give no usable product (``with_image``
    0), naming each cause by its count and the first's reason, then the command to run again."""
    parts = []
    if report.rows_rejected:
        every = "all " if len(report.rows_rejected) == report.rows else ""
        parts.append(f"{every}{len(report.rows_rejected):,} rows rejected ({_most_common_rejection(report)})")
    if report.missing_image:
        images = report.places.get(IMAGES_KEY, PLACES[IMAGES_KEY])
        reasons = list(report.missing_image_reasons.values())
        written = {number: code for code, number in report.ids_written_otherwise.items()}     # a SKU's photo
        ids = report.missing_image_ids
        example = written.get(ids[0], ids[0]) if ids else 12933
        parts.append(f"{report.missing_image:,} without a photo in {images}/ ("
                     + (f"the first: {reasons[0]}" if reasons else
                        f"each named by its id, as {example}.jpg")
                     + (f"; {report.photo_column_said()})" if report.photo_column_unmapped else
                        ", or by a photo column mapped with `fashionrec data columns FOLDER 'COLUMN=photo'`)"))
    if report.unreadable_image:
        p = report.unreadable_image[0]
        parts.append(f"{len(report.unreadable_image):,} with an unreadable photo (id {p.id}: {p.reason})")
    return (f"no usable product in {report.rows:,} rows of {report.table_name}: " + "; ".join(parts)
            + f". Fix that and run `fashionrec data check {data_dir}` again (the lines above list them)")
