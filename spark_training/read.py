"""Reading a shop's files with Spark, checked by the catalogue's own validators and messages.

Items (one row per item; a million rows fit one machine) go through ``catalogue.files.build_items``
as in the single-machine path. Interactions (the large table) are read by Spark as numbered lines (CSV)
or rows (Parquet) and each chunk goes through ``catalogue.files.build_interactions``, the same function
``because train`` uses; the first problem in file order is raised as the same ``DataError`` with its real
line number. One difference: the "(N more rows have the same problem)" count covers that chunk only.
A quoted CSV value with a line break inside is not supported here (it is by the single-machine reader).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
from pyspark.sql import functions as F

from because.errors import DataError
from catalogue import _read
from catalogue._read import RawTable, read_table
from catalogue.files import INTERACTION_COLUMNS, ITEM_COLUMNS, _empty, _require, build_interactions, build_items
from catalogue.schema import check_schema, read_schema_file

OUT_SCHEMA = "line long, user_id string, item_id string, rating double, event string, ts long, error string"
NO_TIME = np.iinfo(np.int64).min  # NaT: the data has no timestamp


def is_local(path: str) -> bool:
    return "://" not in str(path) or str(path).startswith("file://")


def read_items(spark: Any, path: str, schema_path: str | None) -> tuple[pd.DataFrame, dict[str, str], dict]:
    """The items frame and schema, exactly as ``catalogue.load_files`` builds them."""
    schema_over, details = read_schema_file(schema_path) if schema_path is not None else ({}, {})
    table = read_table(path, "items") if is_local(path) else _remote_table(spark, path, "items")
    _require(table, ITEM_COLUMNS, "items")
    check_schema(schema_over, table, schema_path)
    items, schema = build_items(table, schema_over)
    return items, schema, details


def _remote_table(spark: Any, path: str, what: str) -> RawTable:
    if path.lower().endswith((".parquet", ".pq")):
        frame = spark.read.parquet(path).toPandas().reset_index(drop=True)
        return RawTable(path, frame, np.arange(1, len(frame) + 1), 1, is_csv=False)
    raw = "\n".join(r.value for r in spark.read.text(path).collect()).encode("utf-8")
    return _read._read_csv(raw, path, what, "\t" if path.lower().endswith(".tsv") else ",")


def _is_parquet(spark: Any, path: str) -> bool:
    if is_local(path):
        p = Path(str(path).removeprefix("file://"))
        if not p.is_file():
            raise DataError(
                "the interactions file does not exist." if not p.exists() else "the interactions path is a folder.",
                "give the path of a CSV or Parquet file with the interactions.",
                file=str(path),
            )
        with open(p, "rb") as fh:
            return fh.read(4) == b"PAR1"
    return str(path).lower().endswith((".parquet", ".pq"))


def read_interactions(spark: Any, path: str, known_items: pd.Index, items_file: str) -> Any:
    """A Spark DataFrame (line, user_id, item_id, rating, event, ts in ns or NO_TIME), every row checked."""
    shown = str(path)
    known = spark.sparkContext.broadcast(pd.Index(known_items.astype(str)))
    if _is_parquet(spark, path):
        src = spark.read.parquet(path)
        names = [str(c).strip() for c in src.columns]
        _read._check_header(names, shown, 1, "interactions")
        frame = numbered(src.toDF(*names), first=1)
        header_line, delim = 1, None
    else:
        delim = "\t" if shown.lower().endswith(".tsv") else ","
        lines = numbered(spark.read.text(path), first=1).withColumnRenamed("value", "__value")
        first = lines.filter(F.trim("__value") != "").orderBy("__line").select("__line", "__value").take(1)
        if not first:
            _read._read_csv(b"", shown, "interactions", delim)  # raises: the file is empty
        header_line, header_text = int(first[0]["__line"]), first[0]["__value"]
        names = [c.strip() for c in next(csv.reader([header_text.lstrip("\ufeff")], delimiter=delim))]
        _read._check_header(names, shown, header_line, "interactions")
        frame = lines.filter((F.col("__line") != header_line) & (F.trim("__value") != ""))
    probe = RawTable(
        shown, pd.DataFrame({n: [""] for n in names}, dtype=object), np.array([header_line + 1]), header_line, True
    )
    _require(probe, INTERACTION_COLUMNS, "interactions")

    def check(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield _check_chunk(batch, names, shown, header_line, delim, known.value, items_file)

    checked = frame.mapInPandas(check, OUT_SCHEMA).persist()
    bad = checked.filter("error IS NOT NULL").orderBy("line").take(1)
    if bad:
        checked.unpersist()
        raise _error_from(json.loads(bad[0]["error"]))
    if checked.limit(1).count() == 0:
        checked.unpersist()
        raise _empty(
            RawTable(shown, pd.DataFrame({n: [] for n in names}), np.zeros(0, np.int64), header_line, True),
            "interactions",
        )
    return checked.drop("error")


def numbered(frame: Any, first: int) -> Any:
    """``frame`` with ``__line``: each row's 1-based position in the file, without a pass through Python.

    monotonically_increasing_id is (partition << 33) + position in the partition, and a single file's
    partitions are in file order, so the line is the rows of the partitions before it plus that position.
    """
    tagged = frame.withColumn("__pid", F.spark_partition_id()).withColumn("__mid", F.monotonically_increasing_id())
    counts = sorted((r["__pid"], r["count"]) for r in tagged.groupBy("__pid").count().collect())
    offsets, total = [], 0
    for pid, count in counts:
        offsets.append((pid, total))
        total += count
    spark = frame.sparkSession
    table = spark.createDataFrame(offsets or [(0, 0)], "__pid int, __offset long")
    pos = F.col("__mid") - F.shiftleft(F.col("__pid").cast("long"), 33)
    return (
        tagged.join(F.broadcast(table), "__pid")
        .withColumn("__line", F.col("__offset") + pos + first)
        .drop("__pid", "__mid", "__offset")
    )


def _check_chunk(
    batch: pd.DataFrame,
    names: list[str],
    shown: str,
    header_line: int,
    delim: str | None,
    known: pd.Index,
    items_file: str,
) -> pd.DataFrame:
    lines = batch["__line"].to_numpy(np.int64)
    try:
        if delim is None:
            table = RawTable(shown, batch.drop(columns="__line").reset_index(drop=True), lines, 1, is_csv=False)
        else:
            table = _csv_chunk(batch["__value"].tolist(), lines, names, shown, header_line, delim)
        if table.frame.empty:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _EMPTY.items()})
        out = build_interactions(table, known, items_file)
    except DataError as err:
        row = {"line": err.row or 0, "user_id": None, "item_id": None, "rating": np.nan, "event": None, "ts": 0}
        return pd.DataFrame([{**row, "error": _error_json(err)}]).astype({"line": "int64", "ts": "int64"})
    stamp = out["timestamp"]
    ts = stamp.to_numpy("datetime64[ns]").astype(np.int64)  # NaT is NO_TIME
    return pd.DataFrame(
        {
            "line": table.lines,
            "user_id": out["user_id"].astype(str),
            "item_id": out["item_id"].astype(str),
            "rating": out["rating"].astype("float64"),
            "event": out["event"].astype(object),
            "ts": ts.astype(np.int64),
            "error": pd.Series([None] * len(out), dtype=object),
        }
    )


_EMPTY = {
    "line": "int64",
    "user_id": object,
    "item_id": object,
    "rating": "float64",
    "event": object,
    "ts": "int64",
    "error": object,
}


def _csv_chunk(
    texts: list[str], lines: np.ndarray, names: list[str], shown: str, header_line: int, delim: str
) -> RawTable:
    rows = []
    for text, line in zip(texts, lines):
        if "\ufffd" in text:
            raise DataError(
                "this line has bytes that are not valid UTF-8; the file was probably saved as Latin-1 or Windows-1252.",
                _read._UTF8_FIX,
                file=shown,
                row=int(line),
            )
        try:
            record = next(csv.reader([text], delimiter=delim, strict=True))
        except csv.Error as err:
            raise _read.broken_csv(err, shown, int(line)) from err
        if len(record) != len(names):
            raise _read._ragged(record, names, shown, int(line), delim)
        rows.append(record)
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    return RawTable(shown, frame, lines, header_line, is_csv=True)


def _error_json(err: DataError) -> str:
    prefix = DataError("", file=err.file, row=err.row, column=err.column).problem  # "file F, row R: " or ""
    core = err.problem[len(prefix) :] if err.problem.startswith(prefix) else err.problem
    return json.dumps({"problem": core, "fix": err.fix, "file": err.file, "row": err.row, "column": err.column})


def _error_from(data: dict) -> DataError:
    return DataError(data["problem"], data["fix"], file=data["file"], row=data["row"], column=data["column"])
