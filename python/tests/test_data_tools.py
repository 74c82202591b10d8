"""Charter as a vectorised UDF in DuckDB (an Arrow Python UDF) and Polars
(`map_batches`) over a table of the Almaty meetings, answering as
`charter eval` answers each question."""

import json
import os
import pathlib
import subprocess

import duckdb
import polars as pl
import pyarrow as pa
import pytest

import charter

from conftest import ROOT


def charter_program() -> pathlib.Path:
    """The `charter` program the tests built (scripts/test: `cargo test`
    builds it), or the one `CHARTER` names."""
    named = os.environ.get("CHARTER")
    if named:
        return pathlib.Path(named)
    for profile in ["debug", "release"]:
        built = ROOT / "target" / profile / "charter"
        if built.exists():
            return built
    subprocess.run(["cargo", "build", "-q", "--bin", "charter"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "charter"


def charter_eval(query: str):
    """`charter eval policies/almaty --query QUERY --format json`'s answer."""
    run = subprocess.run(
        [str(charter_program()), "eval", "policies/almaty", "--query", query, "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)["value"]


@pytest.fixture(scope="module")
def meetings(almaty) -> pa.Table:
    """The recorded meetings, one row per party present: meeting, day,
    host, party."""
    rows = almaty.report(until="2026-01-01")["meetings"]
    flat = [
        {"meeting": m["id"], "day": m["date"], "host": m["host"], "party": party}
        for m in rows
        for party in m["present"] or [None]
    ]
    table = pa.Table.from_pylist(flat)
    return table.set_column(1, "day", table["day"].cast(pa.date32()))


@pytest.fixture(scope="module")
def expected(meetings):
    """`charter eval`'s chair and members on each meeting's day."""
    days = sorted(set(d.isoformat() for d in meetings["day"].to_pylist()))
    return {
        day: (charter_eval(f"chair({day})"), set(charter_eval(f"members({day})")))
        for day in days
    }


def check(rows, expected):
    assert rows
    for day, party, chair, member in rows:
        eval_chair, eval_members = expected[day.isoformat()]
        assert chair == (eval_chair or ""), day
        if party is not None:
            assert member == (party in eval_members), (day, party)


def test_duckdb_arrow_udf(almaty, meetings, expected):
    con = duckdb.connect()
    con.create_function(
        "chair", almaty.chair_batch, [duckdb.sqltype("DATE")], duckdb.sqltype("VARCHAR"), type="arrow"
    )
    con.create_function(
        "member",
        almaty.member_batch,
        [duckdb.sqltype("VARCHAR"), duckdb.sqltype("DATE")],
        duckdb.sqltype("BOOLEAN"),
        type="arrow",
    )
    con.register("meetings", meetings)
    rows = con.execute("SELECT day, party, chair(day), member(party, day) FROM meetings ORDER BY meeting, party").fetchall()
    check(rows, expected)
    hosts = con.execute("SELECT count(*) FROM meetings WHERE party = host AND member(party, day)").fetchall()
    assert hosts[0][0] > 0


def test_polars_map_batches(almaty, meetings, expected):
    df = pl.from_arrow(meetings)
    out = df.with_columns(
        pl.col("day").map_batches(almaty.chair_batch, return_dtype=pl.String).alias("chair"),
        pl.struct("party", "day")
        .map_batches(
            lambda s: almaty.member_batch(s.struct.field("party"), s.struct.field("day")),
            return_dtype=pl.Boolean,
        )
        .alias("member"),
    )
    rows = out.select("day", "party", "chair", "member").rows()
    check(rows, expected)
