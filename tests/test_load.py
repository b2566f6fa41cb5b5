"""Loading a data directory (mealroute.read.load, mealroute.read.tables).

Good inputs live in tests/data/formats (each one the same three stations/workers/
clients in another format), malformed ones in tests/data/malformed/<defect>/ (the
same data with one defect). Workbooks are written by the tests with openpyxl.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mealroute.clock import format_clock, parse_clock
from mealroute.model import (
    EVERY_DAY,
    WEEKDAYS,
    CareLevel,
    Client,
    Dataset,
    Issue,
    Mode,
    RejectedRow,
    Source,
    Station,
    Worker,
    diet_of,
)
from mealroute.read.columns import CARE_LEVELS, DIETS, MODES, SKILLS, TABLES
from mealroute.read.load import dataset_from_dir
from mealroute.read.tables import tables_from_dir
from mealroute.read.words import (
    format_days,
    header_key,
    key,
    parse_days,
    parse_diet,
    parse_skills,
)

DATA = Path(__file__).parent / "data"
FORMATS = DATA / "formats"
MALFORMED = DATA / "malformed"
UTF8 = FORMATS / "utf8"


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


# The three tables of tests/data/formats/utf8, as every good format must load them.
STATIONS = (
    Station(
        "S01",
        "阳光社工站",
        36.6512,
        117.1201,
        address="历下区文化东路1号",
        meals_ready=hm("10:30"),
        phone="0531-8888001",
    ),
    Station(
        "S02", "和平社工站", 36.6705, 117.0502, address="市中区经七路2号", meals_ready=hm("10:45")
    ),
)
WORKERS = (
    Worker(
        "W01",
        "张敏",
        "S01",
        Mode.EBIKE,
        6,
        hm("10:00"),
        hm("13:00"),
        skills=frozenset({"female"}),
        phone="13800000001",
    ),
    Worker("W02", "李强", "S01", Mode.BIKE, 4, hm("10:15"), hm("13:30"), phone="13800000002"),
    Worker(
        "W03",
        "王芳",
        "S02",
        Mode.WALK,
        3,
        hm("10:30"),
        hm("13:00"),
        skills=frozenset({"female", "wheelchair"}),
    ),
)
CLIENTS = (
    Client(
        "C001",
        "赵大爷",
        "S01",
        36.6550,
        117.1250,
        CareLevel.DISABLED,
        window_start=hm("11:00"),
        window_end=hm("12:00"),
        meals=1,
        diet=diet_of(["soft"]),
        service_min=10.0,
        days=frozenset(range(5)),
        address="文化东路5号",
        phone="13900000001",
    ),
    Client(
        "C002",
        "钱奶奶",
        "S01",
        36.6480,
        117.1180,
        CareLevel.SEMI_DISABLED,
        window_start=hm("11:30"),
        window_end=hm("12:30"),
        meals=2,
        diet=diet_of(["diabetic", "low-salt"]),
        skills=frozenset({"female"}),
        days=frozenset({0, 2, 4}),
        address="文化东路9号",
        notes="敲门两次",
    ),
    Client(
        "C003",
        "孙大爷",
        "S02",
        36.6720,
        117.0520,
        CareLevel.OTHER,
        meals=1,
        skills=frozenset({"wheelchair"}),
        days=EVERY_DAY,
        address="经七路8号",
    ),
)


def unsourced(dataset: Dataset) -> tuple[tuple[Any, ...], ...]:
    """The domain content of a dataset, without where each record came from."""
    return tuple(
        tuple(dataclasses.replace(record, source=None) for record in records)
        for records in (dataset.stations, dataset.workers, dataset.clients)
    )


def lines(issues: tuple[Issue, ...]) -> list[str]:
    return [str(issue) for issue in issues]


# ------------------------------------------------------------------ good inputs


def test_utf8_loads_every_field():
    dataset = dataset_from_dir(UTF8)
    assert unsourced(dataset) == (STATIONS, WORKERS, CLIENTS)
    assert dataset.rejected == ()
    assert dataset.issues == ()
    assert [c.source for c in dataset.clients] == [
        Source("clients.csv", 2),
        Source("clients.csv", 3),
        Source("clients.csv", 4),
    ]
    assert dataset.workers[2].source == Source("workers.csv", 4)


@pytest.mark.parametrize(
    ("name", "issues"),
    [
        ("utf8_bom_crlf", []),
        ("gbk_with_chinese_headers", []),
        ("tab_separated", []),
        ("semicolon_separated", []),
        ("chinese_file_names", []),
        (
            "title_row_above_header",
            ["info: clients.csv: the header is row 3; row 1 above it is not read"],
        ),
        (
            "unfamiliar_names",
            [
                "info: 站点信息.csv: read as the stations table, recognised by its columns "
                "'station_id', 'lat' and 'lon'",
                "info: 社工名单.csv: read as the workers table, recognised by its columns 'mode' "
                "and 'capacity'",
                "info: 助餐对象.csv: read as the clients table, recognised by its columns "
                "'care_level' and 'address'",
            ],
        ),
    ],
)
def test_every_text_format_loads_the_same_data(name, issues):
    dataset = dataset_from_dir(FORMATS / name)
    assert unsourced(dataset) == (STATIONS, WORKERS, CLIENTS)
    assert lines(dataset.issues) == issues


def test_rows_are_numbered_as_the_spreadsheet_numbers_them():
    assert [c.source for c in dataset_from_dir(FORMATS / "title_row_above_header").clients] == [
        Source("clients.csv", 4),
        Source("clients.csv", 5),
        Source("clients.csv", 6),
    ]
    tab = dataset_from_dir(FORMATS / "tab_separated")
    assert [w.source.file for w in tab.workers] == ["workers.tsv"] * 3
    assert tab.clients[0].source == Source("clients.txt", 2)


def test_utf16_unicode_text_with_bom_is_read(tmp_path):
    # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
    copy = shutil.copytree(FORMATS / "tab_separated", tmp_path / "data")
    text = (copy / "clients.txt").read_text(encoding="utf-8")
    (copy / "clients.txt").write_bytes(text.encode("utf-16"))
    assert unsourced(dataset_from_dir(copy)) == (STATIONS, WORKERS, CLIENTS)


def test_commas_inside_quoted_values_do_not_fool_the_sniffer(tmp_path):
    copy = shutil.copytree(UTF8, tmp_path / "data")
    path = copy / "clients.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("敲门两次", '"敲门两次; 一楼; 二楼\t左手"'),
        encoding="utf-8",
    )
    dataset = dataset_from_dir(copy)
    assert dataset.issues == ()
    assert dataset.clients[1].notes == "敲门两次; 一楼; 二楼\t左手"


# -------------------------------------------------------------------- workbooks

ZH_HEADERS = {
    "站点": ["站点编号", "站点名称", "纬度", "经度", "地址", "出餐时间", "联系电话"],
    "社工": [
        "工号",
        "姓名",
        "所属站点",
        "出行方式",
        "载餐量",
        "上班时间",
        "下班时间",
        "技能",
        "手机",
    ],
    "客户": [
        "客户编号",
        "老人姓名",
        "所属站点",
        "纬度",
        "经度",
        "失能等级",
        "送餐时间起",
        "送餐时间止",
        "份数",
        "饮食要求",
        "服务时长（分钟）",
        "技能要求",
        "送餐日",
        "住址",
        "电话",
        "备注",
    ],
}
ZH_ROWS: dict[str, list[list[Any]]] = {
    "站点": [
        [
            "S01",
            "阳光社工站",
            36.6512,
            117.1201,
            "历下区文化东路1号",
            dt.time(10, 30),
            "0531-8888001",
        ],
        ["S02", "和平社工站", 36.6705, 117.0502, "市中区经七路2号", dt.time(10, 45), None],
    ],
    "社工": [
        ["W01", "张敏", "S01", "电动车", 6, dt.time(10), dt.time(13), "女", 13800000001],
        ["W02", "李强", "S01", "自行车", 4.0, dt.time(10, 15), dt.time(13, 30), None, 13800000002],
        ["W03", "王芳", "S02", "步行", 3, dt.time(10, 30), dt.time(13), "女；轮椅", None],
    ],
    "客户": [
        [
            "C001",
            "赵大爷",
            "S01",
            36.655,
            117.125,
            "失能",
            dt.time(11),
            dt.time(12),
            1,
            "软食",
            10,
            None,
            "周一至周五",
            "文化东路5号",
            13900000001,
            None,
        ],
        [
            "C002",
            "钱奶奶",
            "S01",
            36.648,
            117.118,
            "半失能",
            "11点30",
            dt.time(12, 30),
            2,
            "低盐、糖尿病",
            None,
            "女",
            "周一、周三、周五",
            "文化东路9号",
            None,
            "敲门两次",
        ],
        [
            "C003",
            "孙大爷",
            "S02",
            36.672,
            117.052,
            "自理",
            None,
            None,
            1,
            None,
            None,
            "轮椅",
            "每天",
            "经七路8号",
            None,
            None,
        ],
    ],
}


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def zh_sheet(name: str) -> list[list[Any]]:
    return [ZH_HEADERS[name], *ZH_ROWS[name]]


def test_one_workbook_with_chinese_sheets_and_excel_time_cells(tmp_path):
    write_workbook(tmp_path / "社工站数据.xlsx", {name: zh_sheet(name) for name in ZH_HEADERS})
    dataset = dataset_from_dir(tmp_path)
    assert lines(dataset.issues) == [
        "info: 社工站数据.xlsx[站点]: sheet '站点' is read as the stations table",
        "info: 社工站数据.xlsx[社工]: sheet '社工' is read as the workers table",
        "info: 社工站数据.xlsx[客户]: sheet '客户' is read as the clients table",
    ]
    assert unsourced(dataset) == (STATIONS, WORKERS, CLIENTS)
    assert dataset.clients[2].source == Source("社工站数据.xlsx[客户]", 4)


def test_per_table_workbooks_mixed_with_csv(tmp_path):
    shutil.copy(UTF8 / "workers.csv", tmp_path / "workers.csv")
    write_workbook(tmp_path / "stations.xlsx", {"Sheet1": zh_sheet("站点")})
    write_workbook(tmp_path / "clients.xlsx", {"Sheet1": zh_sheet("客户"), "Sheet2": []})
    dataset = dataset_from_dir(tmp_path)
    assert lines(dataset.issues) == [
        "info: stations.xlsx: sheet 'Sheet1' is read as the stations table",
        "info: clients.xlsx: sheet 'Sheet1' is read as the clients table",
    ]
    assert unsourced(dataset) == (STATIONS, WORKERS, CLIENTS)
    assert dataset.clients[0].source == Source("clients.xlsx", 2)
    assert dataset.stations[0].source == Source("stations.xlsx", 2)


def test_workbook_ids_are_text_and_rows_keep_sheet_numbers(tmp_path):
    write_workbook(
        tmp_path / "data.xlsx",
        {
            "stations": [
                ["站点名单"],
                [],
                ["station_id", "name", "lat", "lon"],
                [1, "一站", 36.65, 117.12],
            ],
            "workers": [
                ["worker_id", "name", "station_id", "mode", "capacity", "shift_start", "shift_end"],
                [7.0, "张", 1.0, "walk", 3.0, 0.4166666666666667, dt.time(13)],
            ],
            "clients": [
                ["client_id", "name", "station_id", "lat", "lon", "care_level", "phone"],
                ["001", "赵", 1, 36.651, 117.121, "other", 13900000001.0],
                [None, None, None, None, None, None, None],
                [2, "钱", "一站", 36.652, 117.122, "other", None],
            ],
        },
    )
    dataset = dataset_from_dir(tmp_path)
    assert lines(dataset.issues) == [
        "info: data.xlsx[stations]: sheet 'stations' is read as the stations table",
        "info: data.xlsx[workers]: sheet 'workers' is read as the workers table",
        "info: data.xlsx[clients]: sheet 'clients' is read as the clients table",
        "info: data.xlsx[stations]: the header is row 3; row 1 above it is not read",
    ]
    assert dataset.stations[0].station_id == "1"
    assert dataset.stations[0].source == Source("data.xlsx[stations]", 4)
    worker = dataset.workers[0]
    assert (worker.worker_id, worker.station_id, worker.capacity) == ("7", "1", 3)
    assert (worker.shift_start, worker.shift_end) == (hm("10:00"), hm("13:00"))
    assert [(c.client_id, c.station_id, c.phone) for c in dataset.clients] == [
        ("001", "1", "13900000001"),
        ("2", "1", ""),  # the station named by its name
    ]
    assert [c.source.row for c in dataset.clients] == [2, 4]


def test_two_sources_for_one_table_name_both(tmp_path):
    for name in ("stations.csv", "workers.csv", "clients.csv"):
        shutil.copy(UTF8 / name, tmp_path / name)
    write_workbook(tmp_path / "data.xlsx", {"客户": zh_sheet("客户")})
    dataset = dataset_from_dir(tmp_path)
    assert lines(dataset.issues) == [
        f"error: {tmp_path}: two sources for the clients table: clients.csv and "
        "data.xlsx[客户]; keep only one"
    ]
    assert (len(dataset.clients), len(dataset.rejected)) == (0, 0)
    assert (len(dataset.stations), len(dataset.workers)) == (2, 3)


def test_a_workbook_with_another_name_is_recognised_by_its_columns(tmp_path):
    shutil.copy(UTF8 / "stations.csv", tmp_path / "stations.csv")
    shutil.copy(UTF8 / "clients.csv", tmp_path / "clients.csv")
    write_workbook(tmp_path / "排班.xlsx", {"说明": [["每周一开会"]], "Sheet1": zh_sheet("社工")})
    dataset = dataset_from_dir(tmp_path)
    assert lines(dataset.issues) == [
        "info: 排班.xlsx[Sheet1]: read as the workers table, recognised by its columns "
        "'出行方式' and '载餐量'",
        "info: 排班.xlsx: sheet '说明' is not read: it is not a stations, workers or clients table",
    ]
    assert unsourced(dataset) == (STATIONS, WORKERS, CLIENTS)


def test_a_workbook_without_table_sheets_is_named_when_a_table_is_missing(tmp_path):
    shutil.copy(UTF8 / "stations.csv", tmp_path / "stations.csv")
    shutil.copy(UTF8 / "clients.csv", tmp_path / "clients.csv")
    write_workbook(tmp_path / "排班.xlsx", {"Sheet1": [["日期", "值班"], ["周一", "甲"]]})
    assert lines(dataset_from_dir(tmp_path).issues) == [
        "info: 排班.xlsx: sheet 'Sheet1' is not read: it is not a stations, workers or clients "
        "table",
        f"error: {tmp_path}: no workers table: expected workers.csv or workers.xlsx, or a sheet "
        "named workers in a workbook (other accepted names: 社工, 社工表, 送餐员); "
        "files not used: 排班.xlsx (sheets: Sheet1)",
    ]


def test_a_missing_data_directory_is_an_issue_not_an_exception(tmp_path):
    dataset = dataset_from_dir(tmp_path / "nope")
    assert lines(dataset.issues) == [f"error: {tmp_path / 'nope'}: data directory not found"]
    assert dataset.stations == dataset.workers == dataset.clients == ()


# ---------------------------------------------------------------- malformed data

NOT_A_TIME = "is not a time of day; expected HH:MM such as 11:30 (also 11:30:00 or 11点30)"
CARE = "expected disabled (失能), semi-disabled (半失能) or other (其他)"
DAYS = (
    "expected daily, weekdays, weekends, a list such as mon,wed,fri or 周一、周三、周五, "
    "or a range such as mon-fri or 周一至周五"
)


def case(defect: str, counts: tuple[int, int, int, int], *issues: str) -> Any:
    """A malformed data dir, the (stations, workers, clients, rejected) it loads, its issues."""
    return pytest.param(defect, counts, list(issues), id=defect)


# ({dir} stands for the data directory as given.)
MALFORMED_CASES = [
    case(
        "latitude_out_of_range",
        (2, 3, 1, 2),
        "error: clients.csv, row 3, column 'lat', value '117.1180': latitude 117.1180 is "
        "outside -90..90; latitude and longitude look swapped",
        "error: clients.csv, row 4, column 'lat', value '-95.5': latitude -95.5 is outside -90..90",
    ),
    case(
        "longitude_out_of_range",
        (2, 3, 2, 1),
        "error: clients.csv, row 2, column 'lon', value '217.125': longitude 217.125 is "
        "outside -180..180",
    ),
    case(
        "coordinate_not_a_number",
        (2, 3, 1, 2),
        "error: clients.csv, row 2, column 'lat', value '36,6550': latitude '36,6550' is not a "
        "number",
        "error: clients.csv, row 4, column 'lon', value 'N/A': longitude 'N/A' is not a number",
    ),
    case(
        "coordinate_empty",
        (2, 3, 2, 1),
        "error: clients.csv, row 2, column 'lat', value '': latitude is empty but the row "
        "has an address: run `mealroute geocode` to look the address up",
        "error: clients.csv, row 2, column 'lon', value '': longitude is empty but the row "
        "has an address: run `mealroute geocode` to look the address up",
    ),
    case(
        "zero_coordinates",
        (2, 3, 2, 1),
        "error: clients.csv, row 2, column 'lat', value '0': latitude and longitude are both "
        "0; the address was not geocoded",
    ),
    case(
        "unknown_station",
        (2, 2, 2, 1),
        "error: workers.csv, row 4, column 'station_id', value 'S09': unknown station 'S09'; "
        "known stations: S01, S02",
        "error: clients.csv, row 4, column 'station_id', value 'S99': unknown station 'S99'; "
        "known stations: S01, S02",
    ),
    case(
        "station_not_usable",
        (1, 2, 2, 1),
        "error: stations.csv, row 3, column 'lat', value 'abc': latitude 'abc' is not a number",
        "error: workers.csv, row 4, column 'station_id', value 'S02': station 'S02' is not "
        "usable: stations.csv, row 3: latitude 'abc' is not a number",
        "error: clients.csv, row 4, column 'station_id', value 'S02': station 'S02' is not "
        "usable: stations.csv, row 3: latitude 'abc' is not a number",
    ),
    case(
        "missing_required_column",
        (2, 0, 0, 0),
        "error: workers.csv: missing required column capacity (also accepted: 载餐量, "
        "每趟份数, 最大份数); the header in row 1 has: worker_id, name, station_id, mode, "
        "shift_start, shift_end, skills, phone",
        "error: clients.csv: missing required column care_level (also accepted: 失能等级, "
        "护理等级, 失能程度, 照护等级); the header in row 1 has: client_id, name, station_id, "
        "lat, lon, window_start, window_end, meals, diet, service_min, skills, days, address, "
        "phone, notes",
    ),
    case(
        "missing_table",
        (2, 0, 3, 0),
        "error: {dir}: no workers table: expected workers.csv or workers.xlsx, or a sheet "
        "named workers in a workbook (other accepted names: 社工, 社工表, 送餐员); files not "
        "used: 排班说明.txt",
    ),
    case(
        "missing_stations_table",
        (0, 0, 0, 3),
        "error: {dir}: no stations table: expected stations.csv or stations.xlsx, or a sheet "
        "named stations in a workbook (other accepted names: 站点, 站点表, 社工站)",
        "error: workers.csv, column 'station_id': there is no usable stations table, so none "
        "of the 3 workers can be used",
        "error: clients.csv, column 'station_id': there is no usable stations table, so none "
        "of the 3 clients can be used",
    ),
    case(
        "time_not_a_time",
        (2, 2, 2, 1),
        f"error: workers.csv, row 3, column 'shift_start', value 'ten': shift_start 'ten' "
        f"{NOT_A_TIME}",
        f"error: clients.csv, row 2, column 'window_start', value '11;30': window_start "
        f"'11;30' {NOT_A_TIME}",
    ),
    case(
        "window_end_before_start",
        (2, 3, 2, 1),
        "error: clients.csv, row 2, column 'window_end', value '11:00': window_end 11:00 is "
        "before window_start 11:30",
    ),
    case(
        "capacity_zero",
        (2, 2, 3, 0),
        "error: workers.csv, row 2, column 'capacity', value '0': capacity 0 must be at least 1",
    ),
    case(
        "capacity_not_whole",
        (2, 1, 3, 0),
        "error: workers.csv, row 2, column 'capacity', value '2.5': capacity '2.5' is not a "
        "whole number",
        "error: workers.csv, row 3, column 'capacity', value 'six': capacity 'six' is not a "
        "whole number",
    ),
    case(
        "unknown_mode",
        (2, 2, 3, 0),
        "error: workers.csv, row 3, column 'mode', value 'plane': unknown mode 'plane'; "
        "expected walk (步行), bike (自行车), ebike (电动车) or car (汽车)",
    ),
    case(
        "unknown_care_level",
        (2, 3, 1, 2),
        f"error: clients.csv, row 3, column 'care_level', value 'severe': unknown care_level "
        f"'severe'; {CARE}",
        f"error: clients.csv, row 4, column 'care_level', value '': care_level is empty; {CARE}",
    ),
    case(
        "shift_end_before_start",
        (2, 2, 3, 0),
        "error: workers.csv, row 2, column 'shift_end', value '10:00': shift_end 10:00 is "
        "before shift_start 13:00",
    ),
    case(
        "shift_missing",
        (2, 2, 3, 0),
        "error: workers.csv, row 3, column 'shift_end', value '': shift_end is empty; "
        "expected a time such as 11:30",
    ),
    case(
        "duplicate_client_id",
        (2, 3, 2, 1),
        "error: clients.csv, row 4, column 'client_id', value 'C001': duplicate client_id "
        "'C001'; row 2 has it too",
    ),
    case(
        "duplicate_worker_id",
        (2, 2, 3, 0),
        "error: workers.csv, row 4, column 'worker_id', value 'W01': duplicate worker_id "
        "'W01'; row 2 has it too",
    ),
    case(
        "duplicate_station_id",
        (1, 2, 2, 1),
        "error: stations.csv, row 3, column 'station_id', value 'S01': duplicate station_id "
        "'S01'; row 2 has it too",
        "error: workers.csv, row 4, column 'station_id', value 'S02': unknown station 'S02'; "
        "known stations: S01",
        "error: clients.csv, row 4, column 'station_id', value 'S02': unknown station 'S02'; "
        "known stations: S01",
    ),
    case(
        "empty_id_or_name",
        (2, 3, 1, 2),
        "error: clients.csv, row 3, column 'client_id', value '': client_id is empty; every "
        "row needs one",
        "error: clients.csv, row 4, column 'name', value '': name is empty; every row needs one",
    ),
    case(
        "meals_not_positive",
        (2, 3, 1, 2),
        "error: clients.csv, row 2, column 'meals', value '0': meals 0 must be at least 1",
        "error: clients.csv, row 3, column 'meals', value 'two': meals 'two' is not a whole number",
    ),
    case(
        "service_min_bad",
        (2, 3, 1, 2),
        "error: clients.csv, row 2, column 'service_min', value '300': service_min 300 is "
        "outside 0..240 minutes",
        "error: clients.csv, row 3, column 'service_min', value 'ten': service_min 'ten' is "
        "not a number of minutes",
    ),
    case(
        "days_unknown",
        (2, 3, 1, 2),
        f"error: clients.csv, row 2, column 'days', value '周八': days '周八': unknown day "
        f"'周八'; {DAYS}",
        f"error: clients.csv, row 3, column 'days', value 'mon,fri,xyz': days 'mon,fri,xyz': "
        f"unknown day 'xyz'; {DAYS}",
    ),
    case(
        "two_sources_for_clients",
        (2, 3, 0, 0),
        "error: {dir}: two sources for the clients table: clients.csv and 客户.csv; keep only one",
    ),
    case(
        "not_utf8_nor_gbk",
        (2, 3, 0, 0),
        "error: clients.csv: cannot decode the file: it is neither UTF-8 nor GBK/GB18030 text "
        "(byte 0xff on line 2); save it from Excel as 'CSV UTF-8 (comma delimited)'",
    ),
    case(
        "empty_file",
        (2, 3, 0, 0),
        "error: clients.csv: the table is empty; expected a header row with client_id, name, "
        "station_id, lat, lon, care_level",
    ),
    case(
        "header_only",
        (2, 0, 3, 0),
        "error: workers.csv: there are no rows below the header (row 1); at least one is needed",
    ),
    case(
        "unquoted_comma",
        (2, 3, 2, 1),
        "error: clients.csv, row 2: the row has 1 more value than the header has columns; a "
        "value probably holds an unquoted delimiter",
    ),
    case(
        "duplicate_required_column",
        (2, 3, 0, 0),
        "error: clients.csv: columns 'station_id' and '所属站点' both mean station_id; keep "
        "only one",
    ),
    case(
        "old_xls",
        (2, 3, 0, 0),
        "error: clients.xls: .xls files cannot be read; open it and save it as an Excel "
        "workbook (.xlsx) or as CSV",
    ),
    case(
        "damaged_xlsx",
        (2, 3, 0, 0),
        "error: clients.xlsx: cannot read the workbook (File is not a zip file); it is not an "
        ".xlsx file, or it is damaged or password-protected",
    ),
    case(
        "unknown_diet_and_column",
        (2, 3, 3, 0),
        "info: clients.csv: columns kept for people and not read by mealroute: '年龄'",
        "warning: clients.csv, row 3, column 'diet', value 'vegan；低盐': unknown diet "
        "'vegan' is kept as it is; known diets: regular (普通), soft (软食), low-salt (低盐), "
        "diabetic (糖尿病) or halal (清真)",
    ),
    case(
        "row_numbers_after_blank_lines",
        (2, 3, 2, 1),
        f"error: clients.csv, row 6, column 'care_level', value 'nobody': unknown care_level "
        f"'nobody'; {CARE}",
    ),
    case(
        "values_without_header",
        (2, 3, 3, 0),
        "warning: stations.csv: values in column I have no header and are ignored",
    ),
    case(
        "gbk_chinese_header_bad_value",
        (2, 3, 2, 1),
        "error: clients.csv, row 2, column '纬度', value 'abc': latitude 'abc' is not a number",
    ),
    case(
        "many_problems",
        (1, 0, 0, 0),
        "warning: workers.csv: unknown columns are ignored: '交通'",
        "error: workers.csv: missing required column mode (also accepted: 出行方式, 交通方式, "
        "交通工具); the header in row 1 has: worker_id, name, station_id, 交通, capacity, "
        "shift_start, shift_end, skills, phone",
        "error: {dir}: no clients table: expected clients.csv or clients.xlsx, or a sheet "
        "named clients in a workbook (other accepted names: 客户, 老人, 客户表, 服务对象)",
        "error: stations.csv, row 3, column 'lat', value '136.6705': latitude 136.6705 is "
        "outside -90..90",
    ),
]
DEFECTS = [param.values[0] for param in MALFORMED_CASES]


def test_every_malformed_fixture_has_a_case():
    assert sorted(p.name for p in MALFORMED.iterdir()) == sorted(DEFECTS)


@pytest.mark.parametrize(("defect", "counts", "expected"), MALFORMED_CASES)
def test_malformed_input_is_reported_exactly(defect, counts, expected):
    directory = MALFORMED / defect
    dataset = dataset_from_dir(directory)
    assert lines(dataset.issues) == [line.replace("{dir}", str(directory)) for line in expected]
    found = (dataset.stations, dataset.workers, dataset.clients, dataset.rejected)
    assert tuple(len(records) for records in found) == counts


@pytest.mark.parametrize("defect", DEFECTS)
def test_every_client_row_is_a_client_or_a_rejected_row(defect):
    directory = MALFORMED / defect
    raw = tables_from_dir(directory).tables.get("clients")
    dataset = dataset_from_dir(directory)
    rows = sorted(row.row for row in raw.rows) if raw else []
    seen = sorted(
        [c.source.row for c in dataset.clients] + [r.source.row for r in dataset.rejected]
    )
    assert seen == rows
    errors = {issue.row for issue in dataset.errors if issue.file == "clients.csv"}
    for rejected in dataset.rejected:
        # Each rejected row has an issue of its own, or the whole table has one.
        assert rejected.source.row in errors or None in errors


def problems(row: RejectedRow) -> str:
    return "; ".join(problem.text("en") for problem in row.problems)


def test_rejected_rows_say_why():
    [unknown] = dataset_from_dir(MALFORMED / "unknown_station").rejected
    assert (unknown.client_id, unknown.name, unknown.station_id) == ("C003", "孙大爷", "S99")
    assert unknown.source == Source("clients.csv", 4)
    assert problems(unknown) == "unknown station 'S99'; known stations: S01, S02"
    assert unknown.reason.text("en") == (
        "clients.csv, row 4: unknown station 'S99'; known stations: S01, S02"
    )
    [unusable] = dataset_from_dir(MALFORMED / "station_not_usable").rejected
    assert problems(unusable) == (
        "station 'S02' is not usable: stations.csv, row 3: latitude 'abc' is not a number"
    )
    [both] = dataset_from_dir(MALFORMED / "coordinate_empty").rejected
    assert problems(both) == (
        "latitude is empty but the row has an address: run `mealroute geocode` to look the "
        "address up; longitude is empty but the row has an address: run `mealroute geocode` "
        "to look the address up"
    )
    no_table = dataset_from_dir(MALFORMED / "missing_stations_table").rejected
    assert {problems(r) for r in no_table} == {"there is no usable stations table"}
    [no_id] = [
        r for r in dataset_from_dir(MALFORMED / "empty_id_or_name").rejected if not r.client_id
    ]
    assert (no_id.name, no_id.station_id) == ("钱奶奶", "S01")


_CELLS = {
    "client_id": ["C1", "C2", "C3", "", "０７"],
    "lat": ["36.66", "36.67", "abc", "", "136.6", "0"],
    "lon": ["117.13", "117.12", "200", ""],
    "station_id": ["S01", "S02", "S99", "", "阳光社工站"],
    "care_level": ["disabled", "半失能", "自理", "x", ""],
    "window_start": ["", "11:00", "11点30", "11;00", "25:00"],
    "window_end": ["", "12:00", "10:00"],
    "meals": ["", "1", "2", "0", "two", "1.5"],
    "diet": ["", "低盐；糖尿病", "vegan"],
    "service_min": ["", "5", "10分钟", "-1", "ten"],
    "days": ["", "工作日", "周一至周五", "mon,xyz", "周一、三"],
}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({c: st.sampled_from(v) for c, v in _CELLS.items()}),
        min_size=1,
        max_size=8,
    )
)
def test_no_client_row_is_ever_dropped(rows):
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        for table in ("stations.csv", "workers.csv"):
            shutil.copy(UTF8 / table, directory / table)
        with (directory / "clients.csv").open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, ["name", *_CELLS])
            writer.writeheader()
            writer.writerows({"name": "某某", **row} for row in rows)
        dataset = dataset_from_dir(directory)
    assert len(dataset.clients) + len(dataset.rejected) == len(rows)
    bad_rows = {issue.row for issue in dataset.errors}
    assert {c.source.row for c in dataset.clients}.isdisjoint(bad_rows)
    assert {r.source.row for r in dataset.rejected} <= bad_rows
    assert all(c.station_id in {"S01", "S02"} for c in dataset.clients)


# ------------------------------------------------------------------------ words


def test_alias_table_is_unambiguous():
    for table in TABLES:
        spellings = [header_key(n) for c in table.columns for n in (c.name, *c.aliases)]
        by_column = {header_key(n): c.name for c in table.columns for n in (c.name, *c.aliases)}
        assert len(by_column) == len(set(spellings)), table.name
        for column in table.columns:
            for name in column.aliases:
                assert by_column[header_key(name)] == column.name, (table.name, name)
    names = [key(n) for t in TABLES for n in (t.name, *t.aliases)]
    assert len(names) == len(set(names))
    for mapping in (CARE_LEVELS, MODES, DIETS, SKILLS):
        keyed_values: dict[str, Any] = {}
        for word, value in mapping.items():
            assert keyed_values.setdefault(key(word), value) == value, word


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("服务时长（分钟）", "service_min"),
        ("\ufeffService_Min", "service_min"),
        (" 服务时长 (min) ", "service_min"),
        ("*客户编号", "client_id"),
        ("纬度【WGS84】", "lat"),
        ("Window Start", "window_start"),
        ("ＬＡＴ", "lat"),
    ],
)
def test_header_spellings(header, column):
    [wanted] = [c for c in TABLES[2].columns if c.name == column]
    assert header_key(header) in {header_key(name) for name in (column, *wanted.aliases)}


def test_diet_and_skills_words():
    assert parse_diet("低盐；糖尿病") == ({"diabetic", "low-salt"}, ())
    assert parse_diet("Soft, 低盐、LOW_SALT") == ({"low-salt", "soft"}, ())
    assert parse_diet("") == ({"regular"}, ())
    assert parse_diet("普通、清真") == ({"halal"}, ())
    assert parse_diet("Vegan;清真") == ({"halal", "vegan"}, ("vegan",))
    assert parse_skills("女；轮椅, Wheelchair、Sign Language") == frozenset(
        {"female", "wheelchair", "sign language"}
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("", EVERY_DAY),
        ("每天", EVERY_DAY),
        ("Weekdays", frozenset(range(5))),
        ("工作日", frozenset(range(5))),
        ("周末", frozenset({5, 6})),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("周一、周三、周五", frozenset({0, 2, 4})),
        ("周一、三、五", frozenset({0, 2, 4})),
        ("星期二；星期四", frozenset({1, 3})),
        ("周一至周五", frozenset(range(5))),
        ("周一到五", frozenset(range(5))),
        ("mon - fri", frozenset(range(5))),
        ("Fri-Mon", frozenset({4, 5, 6, 0})),
        ("1,3,5", frozenset({0, 2, 4})),
        ("mon-wed, sat", frozenset({0, 1, 2, 5})),
    ],
)
def test_days_words(text, days):
    assert parse_days(text) == days


def test_days_reject_unknown_words():
    with pytest.raises(ValueError, match="unknown day 'someday'"):
        parse_days("mon, someday")
    with pytest.raises(ValueError, match="unknown day '8'"):
        parse_days("1-8")


# ------------------------------------------------------------------- properties

CHINESE_DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
day_sets = st.frozensets(st.integers(0, 6), min_size=1)


@given(st.integers(0, 24 * 60))
def test_clock_round_trips(minutes):
    assert parse_clock(format_clock(minutes * 60)) == minutes * 60


@given(st.integers(0, 23), st.integers(0, 59))
def test_chinese_clock_reads_like_hh_mm(hours, minutes):
    assert parse_clock(f"{hours}点{minutes}") == parse_clock(f"{hours:02d}:{minutes:02d}")
    assert parse_clock(f"{hours}点{minutes}分") == hours * 3600 + minutes * 60


@given(st.times().map(lambda t: t.replace(microsecond=0)))
def test_excel_time_cells_match_their_text(value):
    assert parse_clock(value) == parse_clock(value.isoformat())


@given(day_sets)
def test_days_round_trip(days):
    assert parse_days(format_days(days)) == days


@given(day_sets, st.sampled_from(["、", "，", ",", ";", "；", " ", " / "]), st.booleans())
def test_day_lists_in_either_language(days, separator, upper):
    english = separator.join(WEEKDAYS[d] for d in sorted(days))
    assert parse_days(english.upper() if upper else english) == days
    assert parse_days(separator.join(CHINESE_DAYS[d] for d in sorted(days))) == days


@given(st.integers(0, 6), st.integers(0, 6), st.sampled_from(["-", "至", "到", "~", "～"]))
def test_day_ranges_wrap_around_the_week(first, last, mark):
    expected = frozenset((first + i) % 7 for i in range((last - first) % 7 + 1))
    assert parse_days(f"{WEEKDAYS[first]}{mark}{WEEKDAYS[last]}") == expected
    assert parse_days(f"{CHINESE_DAYS[first]}{mark}{CHINESE_DAYS[last]}") == expected
