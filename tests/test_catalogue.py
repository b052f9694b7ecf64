"""Catalogue loading: happy paths, type inference, schema files, every bad-input message (built-ins:
test_catalogue_builtin.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from because.errors import DataError, UnknownIdError
from catalogue import load_catalogue, load_files
from support.catalogue import assert_contract

ITEMS = """item_id,title,description,year,genres,brand,price
1,Toy Story,A cowboy doll is threatened by a new spaceman figure in a boy's bedroom.,1995,Animation|Comedy,Pixar,9.5
2,Heat,A group of professional bank robbers start to feel the heat from police after a slip.,1995,Action|Crime,Warner,
3,Fargo,,1996,Crime,Gramercy,7
"""
INTERACTIONS = """user_id,item_id,rating,event,timestamp
u1,1,4.5,view,1712345678
u1,2,,click,2024-04-05T12:34:56Z
 u2 , 3 ,3,,2024-04-05 14:34:56+02:00
u2,1,5,purchase,
"""


def write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def bad(
    tmp_path: Path,
    items: str | bytes = ITEMS,
    interactions: str | bytes = INTERACTIONS,
    schema: str | None = None,
    *,
    file: str,
    row: int | None,
    column: str | None,
) -> DataError:
    """Load files expected to fail; check the error names file, row and column; nothing written."""
    paths = [write(tmp_path, "items.csv", items), write(tmp_path, "interactions.csv", interactions)]
    if schema is not None:
        paths.append(write(tmp_path, "schema.json", schema))
    before = sorted(tmp_path.iterdir())
    with pytest.raises(DataError) as info:
        load_files(*paths)
    err = info.value
    assert sorted(tmp_path.iterdir()) == before
    assert err.file == str(tmp_path / file) and f"file {tmp_path / file}" in str(err)
    assert err.row == row
    if row is not None:
        assert f"row {row}" in str(err)
    assert err.column == column
    if column is not None:
        assert f"column '{column}'" in str(err)
    assert "Fix:" in str(err)
    return err


# ---- happy paths ----------------------------------------------------------------------------


def test_csv_happy_path_types_and_contract(tmp_path: Path) -> None:
    cat = load_files(
        write(tmp_path, "items.csv", ITEMS), write(tmp_path, "interactions.csv", INTERACTIONS), name="shop"
    )
    assert_contract(cat)
    assert cat.name == "shop"
    assert cat.schema == {"year": "numeric", "genres": "multi", "brand": "category", "price": "numeric"}
    assert cat.items.loc["1", "genres"] == ("Animation", "Comedy")
    assert np.isnan(cat.items.loc["2", "price"]) and cat.items.loc["3", "price"] == 7.0
    assert cat.items.loc["3", "description"] == ""
    inter = cat.interactions
    assert inter["user_id"].tolist() == ["u1", "u1", "u2", "u2"]  # whitespace stripped
    assert inter["item_id"].tolist() == ["1", "2", "3", "1"]
    assert inter["rating"].isna().tolist() == [False, True, False, False]
    assert inter["event"].tolist() == ["view", "click", None, "purchase"]
    stamps = inter["timestamp"]
    assert stamps[0] == pd.Timestamp(1712345678, unit="s", tz="UTC")
    assert stamps[1] == stamps[2] == pd.Timestamp("2024-04-05T12:34:56Z")  # +02:00 converted to UTC
    assert pd.isna(stamps[3])
    assert cat.item_title("2") == "Heat"
    with pytest.raises(UnknownIdError):
        cat.item_title("nope")
    summary = cat.summary()
    assert (summary["items"], summary["users"], summary["interactions"], summary["rated"]) == (3, 2, 4, 3)


def test_parquet_happy_path_with_native_types(tmp_path: Path) -> None:
    items = pd.DataFrame(
        {
            "item_id": [10, 11],
            "title": ["A", "B"],
            "tags": [["x", "y"], []],
            "weight": [1.5, None],
            "colour": ["red", None],
        }
    )
    inter = pd.DataFrame(
        {
            "user_id": [1, 2],
            "item_id": [11, 10],
            "rating": [3, 4],
            "timestamp": [pd.Timestamp("2020-01-01"), pd.Timestamp("2021-06-01 10:00")],
        }
    )
    items.to_parquet(tmp_path / "items.parquet")
    inter.to_parquet(tmp_path / "events.parquet")
    cat = load_files(tmp_path / "items.parquet", tmp_path / "events.parquet")
    assert_contract(cat)
    assert cat.schema == {"tags": "multi", "weight": "numeric", "colour": "category"}
    assert cat.items.loc["10", "tags"] == ("x", "y") and cat.items.loc["11", "tags"] == ()
    assert cat.items["colour"].tolist() == ["red", None]
    assert cat.interactions["user_id"].tolist() == ["1", "2"]
    assert cat.interactions["timestamp"][1] == pd.Timestamp("2021-06-01 10:00", tz="UTC")
    assert cat.interactions["event"].tolist() == [None, None]


def test_interactions_without_optional_columns(tmp_path: Path) -> None:
    cat = load_files(
        write(tmp_path, "items.csv", "item_id,title\na,Alpha\n"), write(tmp_path, "i.csv", "user_id,item_id\nu,a\n\n")
    )
    assert_contract(cat)
    assert cat.schema == {} and cat.interactions["rating"].isna().all()
    assert cat.interactions["timestamp"].isna().all()


def test_type_inference(tmp_path: Path) -> None:
    long_text = "this is a long free text review that goes on for many words indeed"
    items = (
        "item_id,title,count,labels,colour,blurb,blank,code\n"
        f'1,A,3,"x | y",red,"{long_text}",,007\n'
        f"2,B,-1.5e2,z,blue,{long_text.replace(' ', ' more ')},,010\n"
        "3,C,NA,,green,short,,999\n"
    )
    cat = load_files(write(tmp_path, "items.csv", items), write(tmp_path, "in.csv", "user_id,item_id\nu,1\n"))
    assert cat.schema == {
        "count": "numeric",
        "labels": "multi",
        "colour": "category",
        "blurb": "text",
        "blank": "category",
        "code": "numeric",
    }
    assert cat.items["count"].tolist()[:2] == [3.0, -150.0] and np.isnan(cat.items.loc["3", "count"])
    assert cat.items.loc["1", "labels"] == ("x", "y") and cat.items.loc["3", "labels"] == ()
    assert cat.items["blank"].tolist() == [None, None, None]
    assert cat.features() == ["count", "labels", "colour", "blank", "code"]


def test_schema_overrides_inference(tmp_path: Path) -> None:
    items = "item_id,title,code,year,genres\n1,A,007,1995,Drama\n2,B,010,1996,Comedy|Drama\n"
    schema = '{"columns": {"code": "category", "year": "category", "genres": "multi"}}'
    cat = load_files(
        write(tmp_path, "items.csv", items),
        write(tmp_path, "in.csv", "user_id,item_id\nu,1\n"),
        write(tmp_path, "schema.json", schema),
    )
    assert_contract(cat)
    assert cat.schema == {"code": "category", "year": "category", "genres": "multi"}
    assert cat.items["code"].tolist() == ["007", "010"]
    assert cat.items.loc["1", "genres"] == ("Drama",)


# ---- bad input: each message names file, row and column ----------------------------------------


def test_missing_column(tmp_path: Path) -> None:
    err = bad(tmp_path, items="item_id,name\n1,A\n", file="items.csv", row=1, column="title")
    assert "its columns are: item_id, name" in str(err)
    err = bad(tmp_path, interactions="userid,item_id\nu,1\n", file="interactions.csv", row=1, column="user_id")
    assert "rename 'userid' to 'user_id'" in str(err)


def test_duplicate_item_ids(tmp_path: Path) -> None:
    err = bad(tmp_path, items="item_id,title\n1,A\n2,B\n 1 ,C\n", file="items.csv", row=4, column="item_id")
    assert "line 2" in str(err)


def test_unknown_item_in_interactions(tmp_path: Path) -> None:
    err = bad(
        tmp_path, interactions="user_id,item_id\nu,1\nu,99\nu,98\n", file="interactions.csv", row=3, column="item_id"
    )
    assert "'99'" in str(err) and "1 more row has" in str(err)


def test_unparsable_rating(tmp_path: Path) -> None:
    err = bad(
        tmp_path,
        interactions="user_id,item_id,rating\nu,1,4\nu,2,4,5\n",
        file="interactions.csv",
        row=3,
        column="rating",
    )
    assert "fields" in str(err)  # an unquoted decimal comma makes the row ragged
    err = bad(
        tmp_path,
        interactions='user_id,item_id,rating\nu,1,4\nu,2,"4,5"\n',
        file="interactions.csv",
        row=3,
        column="rating",
    )
    assert "'4,5' is not a number" in str(err)
    bad(tmp_path, interactions="user_id,item_id,rating\nu,1,inf\n", file="interactions.csv", row=2, column="rating")


def test_unparsable_timestamp(tmp_path: Path) -> None:
    err = bad(
        tmp_path,
        interactions="user_id,item_id,timestamp\nu,1,1712345678\nu,2,05/04/2024\n",
        file="interactions.csv",
        row=3,
        column="timestamp",
    )
    assert "ISO 8601" in str(err)
    bad(
        tmp_path,
        interactions="user_id,item_id,timestamp\nu,1,1712345678000\n",
        file="interactions.csv",
        row=2,
        column="timestamp",
    )


def test_empty_tables(tmp_path: Path) -> None:
    bad(tmp_path, items="item_id,title\n", file="items.csv", row=2, column="item_id")
    bad(tmp_path, interactions="user_id,item_id\n\n", file="interactions.csv", row=2, column="user_id")
    err = bad(tmp_path, items=b"", file="items.csv", row=1, column=None)
    assert "empty" in str(err)


def test_empty_ids(tmp_path: Path) -> None:
    bad(tmp_path, items="item_id,title\n1,A\n ,B\n", file="items.csv", row=3, column="item_id")
    bad(tmp_path, interactions="user_id,item_id\n,1\n", file="interactions.csv", row=2, column="user_id")
    bad(tmp_path, items="item_id,title\n1,\n", file="items.csv", row=2, column="title")


def test_wrong_encoding(tmp_path: Path) -> None:
    latin1 = "item_id,title,brand\n1,Toy Story,Pixar\n2,Amélie,Café\n".encode("latin-1")
    err = bad(tmp_path, items=latin1, file="items.csv", row=3, column="title")
    assert "0xe9" in str(err) and "UTF-8" in str(err) and "byte 5 of this line" in str(err)


def test_ragged_rows(tmp_path: Path) -> None:
    err = bad(
        tmp_path, items="item_id,title,year\n1,A,1995\n2,Toy Story, The,1995\n", file="items.csv", row=3, column="year"
    )
    assert "4 fields" in str(err) and "3" in str(err)
    bad(tmp_path, items="item_id,title,year\n1,A,1995\n\n2,B\n", file="items.csv", row=4, column="year")


def test_multiline_quoted_cells_keep_line_numbers(tmp_path: Path) -> None:
    items = 'item_id,title,description\n1,A,"two\nlines"\n1,B,x\n'
    bad(tmp_path, items=items, file="items.csv", row=4, column="item_id")


def test_broken_quoting(tmp_path: Path) -> None:
    err = bad(tmp_path, items='item_id,title\n1,"A"x\n', file="items.csv", row=2, column=None)
    assert "broken CSV" in str(err)


def test_header_problems(tmp_path: Path) -> None:
    bad(tmp_path, items="item_id,title,title\n1,A,B\n", file="items.csv", row=1, column="title")
    bad(tmp_path, items="item_id,title,\n1,A,B\n", file="items.csv", row=1, column="#3")


def test_bad_numeric_under_schema(tmp_path: Path) -> None:
    items = "item_id,title,size\n1,A,3\n2,B,large\n"
    err = bad(tmp_path, items=items, schema='{"columns": {"size": "numeric"}}', file="items.csv", row=3, column="size")
    assert "'large' is not a number" in str(err)


def test_unknown_schema_kind(tmp_path: Path) -> None:
    err = bad(
        tmp_path,
        schema='{"columns": {\n  "year": "numeric",\n  "brand": "colour"\n}}',
        file="schema.json",
        row=3,
        column="brand",
    )
    assert "numeric, multi, category, text" in str(err)


def test_schema_names_missing_column(tmp_path: Path) -> None:
    err = bad(
        tmp_path,
        schema='{"columns": {"year": "numeric",\n"colour": "category"}}',
        file="schema.json",
        row=2,
        column="colour",
    )
    assert "items.csv" in str(err)


def test_schema_not_json(tmp_path: Path) -> None:
    bad(tmp_path, schema="columns:\n  year: numeric\n", file="schema.json", row=1, column=None)
    bad(tmp_path, schema='{"columns": {"title": "text"}}', file="schema.json", row=1, column="title")


def test_parquet_rows_are_data_rows(tmp_path: Path) -> None:
    pd.DataFrame({"item_id": ["a", "b"], "title": ["A", "B"]}).to_parquet(tmp_path / "items.parquet")
    pd.DataFrame({"user_id": ["u", "u", "u"], "item_id": ["a", "b", "zz"]}).to_parquet(tmp_path / "in.parquet")
    with pytest.raises(DataError) as info:
        load_files(tmp_path / "items.parquet", tmp_path / "in.parquet")
    assert (info.value.row, info.value.column) == (3, "item_id")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_files(tmp_path / "nope.csv", tmp_path / "nope2.csv")


# ---- dispatch -------------------------------------------------------------------------------


def test_load_catalogue_dispatch(tmp_path: Path) -> None:
    items, inter = write(tmp_path, "items.csv", ITEMS), write(tmp_path, "interactions.csv", INTERACTIONS)
    assert len(load_catalogue(None, items, inter, None).items) == 3
    with pytest.raises(DataError, match="ml-100k, ml-latest-small"):
        load_catalogue("ml-1m", None, None, None)
    with pytest.raises(DataError, match="not both"):
        load_catalogue("ml-100k", items, inter, None)
    with pytest.raises(DataError, match="no interactions file"):
        load_catalogue(None, items, None, None)
