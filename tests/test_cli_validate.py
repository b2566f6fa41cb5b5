"""`mealroute validate DATA_DIR [--date D]`: every problem at once, errors first."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

cli = pytest.importorskip("mealroute.cli")

DATA = Path(__file__).parent / "data"


def validate(*args: object) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        cli.app, ["validate", *map(str, args), "--lang", "en"], catch_exceptions=False
    )
    return result.exit_code, result.stdout.splitlines()


def test_good_data_exits_0():
    code, output = validate(DATA / "formats" / "utf8")
    assert code == 0
    assert output == ["2 stations, 3 workers, 3 clients; 0 errors, 0 warnings"]


def test_gbk_file_with_chinese_headers_is_valid():
    code, output = validate(DATA / "formats" / "gbk_with_chinese_headers")
    assert code == 0
    assert output[-1] == "2 stations, 3 workers, 3 clients; 0 errors, 0 warnings"


def test_row_errors_exit_1_and_name_file_row_column_and_value():
    code, output = validate(DATA / "malformed" / "unknown_station")
    assert code == 1
    assert output == [
        "error: workers.csv, row 4, column 'station_id', value 'S09': unknown station 'S09'; "
        "known stations: S01, S02",
        "error: clients.csv, row 4, column 'station_id', value 'S99': unknown station 'S99'; "
        "known stations: S01, S02",
        "warning: stations.csv, row 3: station 'S02' has no workers",
        "warning: stations.csv, row 3: station 'S02' has no clients",
        "2 stations, 2 workers, 3 clients; 2 errors, 2 warnings",
    ]


def test_every_problem_is_shown_at_once_errors_first():
    directory = DATA / "malformed" / "many_problems"
    code, output = validate(directory)
    assert code == 1
    assert output == [
        "error: workers.csv: missing required column mode (also accepted: 出行方式, 交通方式, "
        "交通工具); the header in row 1 has: worker_id, name, station_id, 交通, capacity, "
        "shift_start, shift_end, skills, phone",
        f"error: {directory}: no clients table: expected clients.csv or clients.xlsx, or a sheet "
        "named clients in a workbook (other accepted names: 客户, 老人, 客户表, 服务对象)",
        "error: stations.csv, row 3, column 'lat', value '136.6705': latitude 136.6705 is "
        "outside -90..90",
        "warning: workers.csv: unknown columns are ignored: '交通'",
        "warning: stations.csv, row 2: station 'S01' has no workers",
        "warning: stations.csv, row 2: station 'S01' has no clients",
        "1 station, 0 workers, 0 clients; 3 errors, 3 warnings",
    ]


def test_undecodable_file_exits_1_with_the_fix():
    code, output = validate(DATA / "malformed" / "not_utf8_nor_gbk")
    assert code == 1
    assert output[0] == (
        "error: clients.csv: cannot decode the file: it is neither UTF-8 nor GBK/GB18030 text "
        "(byte 0xff on line 2); save it from Excel as 'CSV UTF-8 (comma delimited)'"
    )


def test_date_says_how_many_clients_are_due():
    code, output = validate(DATA / "formats" / "utf8", "--date", "2024-05-07")
    assert code == 0
    assert "info: clients.csv: 2 of 3 clients are due on 2024-05-07 (tue)" in output


def test_warnings_alone_exit_0():
    code, output = validate(DATA / "malformed" / "unknown_diet_and_column")
    assert code == 0
    assert output[0].startswith("warning: clients.csv, row 3, column 'diet', value 'vegan；低盐'")
    assert output[1] == (
        "info: clients.csv: columns kept for people and not read by mealroute: '年龄'"
    )
    assert output[-1] == "2 stations, 3 workers, 3 clients; 0 errors, 1 warning"
