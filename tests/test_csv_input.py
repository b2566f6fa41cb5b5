"""CSV files with faults a person or a program put in them, through the CLI.

A stray quote, a huge cell, a line break inside a cell, terminal escape codes in an
id: each ends in a message naming the file, row and column, no traceback, and no
client lost.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mealroute.model import Message
from mealroute.read.load import dataset_from_path
from mealroute.settings import Settings

from .conftest import checked_plan, run, write_table

TUESDAY = "2026-12-01"
FAST = ("--reproducible", "--work-limit", "40", "--jobs", "1", "--lang", "en")
HEADER = ["client_id", "name", "station_id", "lat", "lon", "care_level", "address", "notes"]


def validate(data: Path) -> tuple[int, list[str]]:
    result = run("validate", data, "--lang", "en")
    return result.exit_code, result.stdout.splitlines()


def client_rows(count: int) -> list[list[Any]]:
    return [
        [f"C{i:03d}", f"某{i}", "S1", f"{36.660 + i / 2000:.4f}", "117.0200", "other", f"{i}号", ""]
        for i in range(1, count + 1)
    ]


def csv_text(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, *rows])
    return out.getvalue()


def folder(tmp_path: Path, clients: str, *, workers: int = 1) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    write_table(
        data / "stations.csv", [{"station_id": "S1", "name": "一站", "lat": 36.66, "lon": 117.02}]
    )
    write_table(
        data / "workers.csv",
        [
            {
                "worker_id": f"W{i}",
                "name": f"乙{i}",
                "station_id": "S1",
                "mode": "ebike",
                "capacity": 8,
                "shift_start": "09:00",
                "shift_end": "14:00",
            }
            for i in range(1, workers + 1)
        ],
    )
    (data / "clients.csv").write_text(clients, encoding="utf-8")
    return data


# ------------------------------------------------------------------ a stray quote


def with_stray_quote(count: int, *, at: int, closed_at: int) -> str:
    """``count`` clients; a stray quote opens client ``at``'s name; client ``closed_at``'s
    notes are properly quoted (they hold a comma), and that quote ends the swallowing."""
    rows = client_rows(count)
    if closed_at <= count:
        rows[closed_at - 1][7] = "敲门, 两次"
    text = csv_text(rows)
    return text.replace(f"C{at:03d},某{at},", f'C{at:03d},"某{at},', 1)


def test_a_stray_quote_loses_no_client(tmp_path: Path) -> None:
    data = folder(tmp_path, with_stray_quote(60, at=7, closed_at=33))
    # The csv module alone reads 34 rows: client 7's name swallows 26 others.
    assert len(list(csv.reader(io.StringIO((data / "clients.csv").read_text("utf-8"))))) == 35
    code, output = validate(data)
    assert code == 1
    assert output == [
        "error: clients.csv, row 8, column 'name': a stray quote at the start of this cell is "
        "not closed on its line, so lines 8–34 of the file ran together into one value, up to "
        "row 34; the quote was taken out and those lines read as their own rows. Remove the "
        "quote (or close it) and check this row",
        "1 station, 1 worker, 60 clients; 1 error, 0 warnings",
    ]
    dataset = dataset_from_path(data)
    assert len(dataset.clients) == 59
    [stray] = dataset.rejected
    # The row is reported with what it says of the person, the quote left out.
    assert (stray.client_id, stray.name, stray.station_id, stray.address) == (
        "C007",
        "某7",
        "S1",
        "7号",
    )
    assert [c.client_id for c in dataset.clients][5:8] == ["C006", "C008", "C009"]
    assert {c.client_id: c.notes for c in dataset.clients}["C033"] == "敲门, 两次"
    assert [c.source.row for c in dataset.clients][-1] == 61


def test_a_stray_quote_that_runs_to_the_end_of_the_file(tmp_path: Path) -> None:
    data = folder(tmp_path, with_stray_quote(12, at=10, closed_at=99))
    code, output = validate(data)
    assert code == 1
    assert output[0].startswith("error: clients.csv, row 11, column 'name': a stray quote")
    assert "lines 11–13 of the file" in output[0]
    assert output[-1] == "1 station, 1 worker, 12 clients; 1 error, 0 warnings"


def test_a_file_with_a_stray_quote_still_plans(tmp_path: Path) -> None:
    data = folder(tmp_path, with_stray_quote(10, at=3, closed_at=8), workers=2)
    out = tmp_path / "out"
    result = run("plan", data, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code == 3, result.output
    plan = checked_plan(
        out,
        data,
        Settings(reproducible=True, work_limit=40, lang="en"),
        date=dt.date(2026, 12, 1),
    )
    [station] = plan["stations"]
    assert station["clients"] == 10
    [unserved] = station["unserved"]
    assert unserved["client_id"] == "C003"
    assert (
        Message.from_json(unserved["reason"])
        .text("en")
        .startswith("clients.csv, row 4: a stray quote at the start of this cell")
    )


def test_line_breaks_inside_quoted_cells_keep_working(tmp_path: Path) -> None:
    rows = client_rows(5)
    rows[1][7] = "敲门两次\n二楼左手"  # Alt+Enter in Excel
    rows[3][6] = "芙蓉街5号\n3单元201"
    data = folder(tmp_path, csv_text(rows))
    code, output = validate(data)
    assert (code, output) == (
        0,
        [
            "info: clients.csv: rows 3 and 5 have line breaks inside quoted cells, so each "
            "takes several lines of the file",
            "1 station, 1 worker, 5 clients; 0 errors, 0 warnings",
        ],
    )
    notes = {c.client_id: c.notes for c in dataset_from_path(data).clients}
    assert notes["C002"] == "敲门两次\n二楼左手"


# ------------------------------------------------------------------ huge cells


def test_a_huge_cell_is_an_error_of_its_row_and_the_rest_is_read(tmp_path: Path) -> None:
    rows = client_rows(4)
    rows[1][7] = "很长" * 100_000  # 200,000 characters: more than csv's own limit
    data = folder(tmp_path, csv_text(rows))
    code, output = validate(data)
    assert (code, output) == (
        1,
        [
            "error: clients.csv, row 3, column 'notes': the cell has 200000 characters; a cell "
            "may have at most 2000",
            "1 station, 1 worker, 4 clients; 1 error, 0 warnings",
        ],
    )
    dataset = dataset_from_path(data)
    assert [c.client_id for c in dataset.clients] == ["C001", "C003", "C004"]
    assert dataset.rejected[0].client_id == "C002"


# ------------------------------------------------------------------ text that could hurt


def test_escape_codes_and_markup_in_cells_are_only_data(tmp_path: Path) -> None:
    rows = client_rows(3)
    rows[0][0] = rows[1][0] = "\x1b[2J[/x]{0}"
    rows[2][2] = "[bold red]S9{station}\x07"
    data = folder(tmp_path, csv_text(rows))
    result = run("validate", data, "--lang", "en")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "error: clients.csv, row 3, column 'client_id', value '\\x1b[2J[/x]{0}': duplicate "
        "client_id '\\x1b[2J[/x]{0}'; row 2 has it too"
    )
    assert lines[1] == (
        "error: clients.csv, row 4, column 'station_id', value '[bold red]S9{station}\\x07': "
        "unknown station '[bold red]S9{station}\\x07'; known stations: S1"
    )
    assert "\x1b" not in result.output and "\x07" not in result.output
    zh = run("validate", data, "--lang", "zh").stdout
    assert "“[bold red]S9{station}\\x07”" in zh


# ------------------------------------------------------------------ no client is ever lost

_NOTES = ["", "敲门两次", "敲门, 两次", "二楼\n左手", 'say "hi"', "a,\nb, c"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        # the notes, and where a stray quote is: nowhere, the name or the address
        st.tuples(st.sampled_from(_NOTES), st.sampled_from([None, "name", "address"])),
        min_size=1,
        max_size=25,
    )
)
def test_stray_quotes_anywhere_lose_no_client(rows: list[tuple[str, str | None]]) -> None:
    table = client_rows(len(rows))
    for row, (notes, _) in zip(table, rows, strict=True):
        row[7] = notes
    text = csv_text(table)
    for n, (_, stray) in enumerate(rows, 1):
        if stray == "name":
            text = text.replace(f"C{n:03d},某{n},", f'C{n:03d},"某{n},', 1)
        elif stray == "address":
            text = text.replace(f",{n}号,", f',"{n}号,', 1)
    with tempfile.TemporaryDirectory() as name:
        dataset = dataset_from_path(folder(Path(name), text))
    planned = sorted(c.client_id for c in dataset.clients)
    rejected = sorted(r.client_id for r in dataset.rejected)
    # Each row is itself: the rows with a stray quote are rejected (never planned on a
    # guess), the others are clients with their own cells, and no row is made up.
    assert rejected == [f"C{n:03d}" for n, (_, stray) in enumerate(rows, 1) if stray]
    assert planned == [f"C{n:03d}" for n, (_, stray) in enumerate(rows, 1) if not stray]
    notes = {c.client_id: c.notes for c in dataset.clients}
    for n, (note, stray) in enumerate(rows, 1):
        if not stray:
            assert notes[f"C{n:03d}"] == note
