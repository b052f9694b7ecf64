"""Read a CSV or Parquet file into raw cells, remembering each row's line number."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from because.errors import DataError

_UTF8_FIX = (
    "re-save the file as UTF-8 (spreadsheet: Save As > 'CSV UTF-8'; shell: "
    "iconv -f WINDOWS-1252 -t UTF-8 old.csv > new.csv)."
)


@dataclass(frozen=True)
class RawTable:
    """Cells as read. CSV cells are all str ("" when empty); Parquet keeps its own types.

    `lines[i]` is the row's number for messages: the 1-based file line for CSV (header = line 1),
    the 1-based data row for Parquet.
    """

    path: str
    frame: pd.DataFrame
    lines: np.ndarray
    header_line: int
    is_csv: bool

    def line(self, pos: int) -> int:
        """Line (CSV) or row (Parquet) number of the row at position `pos`."""
        return int(self.lines[pos])


def read_table(path: str | Path, what: str) -> RawTable:
    """Read `path` (CSV, TSV or Parquet, told apart by content) for the `what` table."""
    shown = str(path)
    p = Path(path)
    if not p.is_file():
        raise DataError(
            f"the {what} file does not exist." if not p.exists() else f"the {what} path is a folder.",
            f"give the path of a CSV or Parquet file with the {what}.",
            file=shown,
        )
    raw = p.read_bytes()
    if raw[:4] == b"PAR1":
        return _read_parquet(p, shown, what)
    return _read_csv(raw, shown, what, delimiter="\t" if p.suffix.lower() == ".tsv" else ",")


def _read_parquet(p: Path, shown: str, what: str) -> RawTable:
    try:
        frame = pd.read_parquet(p)
    except Exception as err:  # pyarrow raises many types for a damaged file
        raise DataError(
            f"the {what} file starts like Parquet but cannot be read ({type(err).__name__}: {err}).",
            "write the file again (pandas: df.to_parquet(path)) or save it as CSV.",
            file=shown,
        ) from err
    frame = frame.reset_index(drop=True)
    names = [str(c).strip() for c in frame.columns]
    _check_header(names, shown, 1, what)
    frame.columns = names
    return RawTable(shown, frame, np.arange(1, len(frame) + 1), 1, is_csv=False)


def _read_csv(raw: bytes, shown: str, what: str, delimiter: str) -> RawTable:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if not raw.strip():
        raise DataError(
            f"the {what} file is empty (no header line).",
            f"write a header line with the column names, then one row per {what[:-1]}.",
            file=shown,
            row=1,
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _encoding_error(raw, err, shown, delimiter) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    last = 0
    try:
        for record in reader:
            start, last = last + 1, reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # blank line
            if header is None:
                header, header_line = [c.strip() for c in record], start
                _check_header(header, shown, start, what)
                continue
            if len(record) != len(header):
                raise _ragged(record, header, shown, start, delimiter)
            rows.append(record)
            lines.append(start)
    except csv.Error as err:
        raise broken_csv(err, shown, reader.line_num) from err
    assert header is not None
    frame = (
        pd.DataFrame(rows, columns=header, dtype=object)
        if rows
        else pd.DataFrame({name: pd.Series([], dtype=object) for name in header})
    )
    return RawTable(shown, frame, np.asarray(lines, dtype=np.int64), header_line, is_csv=True)


def broken_csv(err: csv.Error, shown: str, line: int) -> DataError:
    """The DataError for a line the csv module cannot parse (an unclosed quote, a stray one)."""
    return DataError(
        f"broken CSV: {err}.",
        "put values that contain commas, quotes or line breaks in double quotes, and write a "
        'quote inside a quoted value as two quotes ("").',
        file=shown,
        row=line,
    )


def _check_header(names: list[str], shown: str, line: int, what: str) -> None:
    seen: set[str] = set()
    for pos, name in enumerate(names, start=1):
        if not name:
            raise DataError(
                f"column {pos} of the {what} header has no name.",
                "give every column a name in the header line (or delete the empty column).",
                file=shown,
                row=line,
                column=f"#{pos}",
            )
        if name in seen:
            raise DataError(
                f"the {what} header names column '{name}' twice.",
                "rename or delete one of the two columns.",
                file=shown,
                row=line,
                column=name,
            )
        seen.add(name)


def _ragged(record: list[str], header: list[str], shown: str, line: int, delim: str) -> DataError:
    n, want = len(record), len(header)
    if n < want:
        column, detail = header[n], f"it ends before column '{header[n]}'"
    else:
        column, detail = header[-1], f"extra value {record[want]!r} after the last column '{header[-1]}'"
    sep = "tab" if delim == "\t" else "comma"
    return DataError(
        f"this row has {n} fields but the header has {want}; {detail}.",
        f"make every row have {want} {sep}-separated fields; put a value that contains a {sep} "
        'in double quotes ("Toy Story, The").',
        file=shown,
        row=line,
        column=column,
    )


def _encoding_error(raw: bytes, err: UnicodeDecodeError, shown: str, delim: str) -> DataError:
    at = err.start
    line_start = raw.rfind(b"\n", 0, at) + 1
    line_end = raw.find(b"\n", at)
    line_no = raw.count(b"\n", 0, at) + 1
    header = ""
    for first in raw.split(b"\n"):  # the header is the first line that is not blank
        if first.strip():
            header = first.decode("utf-8", "replace")
            break
    names = [c.strip() for c in next(csv.reader([header.rstrip("\r")], delimiter=delim), [])]
    bad_line = raw[line_start : line_end if line_end >= 0 else len(raw)]
    cells = next(csv.reader([bad_line.decode("utf-8", "surrogateescape")], delimiter=delim), [])
    pos = next((i for i, c in enumerate(cells) if any("\udc80" <= ch <= "\udcff" for ch in c)), None)
    if pos is None:  # fall back to counting separators before the byte
        pos = raw.count(delim.encode(), line_start, at)
    column = names[pos] if pos < len(names) else f"#{pos + 1}"
    return DataError(
        f"byte 0x{raw[at]:02x} at byte {at - line_start + 1} of this line (byte {at} of the file) "
        "is not valid UTF-8; the file was probably saved as Latin-1 or Windows-1252.",
        _UTF8_FIX,
        file=shown,
        row=line_no,
        column=column,
    )
