"""Coordinates picked in AMap or Baidu: declared by a header or a setting, planned in WGS-84.

A coordinator's list often has points picked in AMap (GCJ-02) or Baidu (BD-09). Read
as WGS-84 they are about 500 m off in Jinan. These tests take the bundled Jinan
sample (WGS-84), shift its points into another datum with the forward transforms, and
check through ``mealroute validate`` and ``mealroute plan`` that the planner brings
them back: every stop in plan.json within 0.2 m of the client's true WGS-84 point
(6 decimals in the file are about 0.1 m), and the plan passing the independent
checker.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from mealroute.coords import Datum, datum_hint, wgs84_to_bd09, wgs84_to_gcj02
from mealroute.settings import Settings

from .conftest import SAMPLE, checked_plan, run

TUESDAY = "2026-12-01"
FAST = ("--reproducible", "--work-limit", "30", "--jobs", "2")
FORWARD = {Datum.GCJ02: wgs84_to_gcj02, Datum.BD09: wgs84_to_bd09}


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = math.radians(a[0] - b[0]) * 6_371_000
    dx = math.radians(a[1] - b[1]) * 6_371_000 * math.cos(lat)
    return math.hypot(dx, dy)


def read_rows(path: Path) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gbk"):
        try:
            with path.open(encoding=encoding, newline="") as handle:
                return list(csv.reader(handle))
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"cannot read {path}")


def truth() -> dict[str, tuple[float, float]]:
    """The sample's WGS-84 points: client id -> (lat, lon)."""
    _, *rows = read_rows(SAMPLE / "clients.csv")
    return {row[0]: (float(row[3]), float(row[4])) for row in rows}


def shifted(
    folder: Path,
    datum: Datum,
    *,
    headers: tuple[str, str] | None,
    tables: tuple[str, ...] = ("clients",),
    encoding: str = "gbk",
) -> Path:
    """The sample with the coordinates of ``tables`` in ``datum``, headers renamed."""
    folder.mkdir(parents=True)
    for name in ("stations", "workers", "clients"):
        header, *rows = read_rows(SAMPLE / f"{name}.csv")
        if name in tables:
            lat, lon = header.index("纬度" if "纬度" in header else "lat"), None
            lon = lat + 1
            for row in rows:
                y, x = FORWARD[datum](float(row[lat]), float(row[lon]))
                row[lat], row[lon] = f"{y:.6f}", f"{x:.6f}"
            if headers is not None:
                header[lat], header[lon] = headers
        with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle).writerows([header, *rows])
    return folder


def assert_at_true_points(plan: dict[str, Any], *, within_m: float = 0.2) -> int:
    """Every routed stop is at its client's WGS-84 point; returns how many were checked."""
    points = truth()
    checked = 0
    for station in plan["stations"]:
        for route in station["routes"]:
            for trip in route["trips"]:
                for stop in trip["stops"]:
                    true = points[stop["client_id"]]
                    assert metres((stop["lat"], stop["lon"]), true) < within_m, stop["client_id"]
                    checked += 1
    assert checked > 10
    return checked


def plan(data: Path, out: Path, *extra: str) -> dict[str, Any]:
    result = run("plan", data, "--date", TUESDAY, "--out", out, *FAST, *extra)
    assert result.exit_code in (0, 3), result.output
    folder = data if data.is_dir() else data.parent
    settings = Settings.for_data_dir(folder).replace(reproducible=True, work_limit=30)
    return checked_plan(out, data, settings, date=dt.date(2026, 12, 1))


# ------------------------------------------------------------------ header hints


@pytest.mark.parametrize(
    ("header", "datum", "rest"),
    [
        ("经度(高德)", Datum.GCJ02, "经度"),
        ("纬度（高德）", Datum.GCJ02, "纬度"),
        ("高德经度", Datum.GCJ02, "经度"),
        ("lng_gcj02", Datum.GCJ02, "lng"),
        ("GCJ-02 Latitude", Datum.GCJ02, "latitude"),
        ("腾讯纬度", Datum.GCJ02, "纬度"),
        ("百度经度", Datum.BD09, "经度"),
        ("lat_bd09", Datum.BD09, "lat"),
        ("经度(百度)", Datum.BD09, "经度"),
        ("lat (WGS-84)", Datum.WGS84, "lat"),
        ("GPS纬度", Datum.WGS84, "纬度"),
        ("经度", None, "经度"),
        ("longitude", None, "longitude"),
        ("经度(高德/百度)", None, "经度(高德/百度)"),  # two datums: none is assumed
    ],
)
def test_a_coordinate_header_names_its_datum(header: str, datum: Datum | None, rest: str) -> None:
    assert datum_hint(header) == (datum, rest)


# ------------------------------------------------------------- through the CLI


def test_amap_headers_in_a_gbk_list_are_planned_at_the_true_doors(tmp_path: Path) -> None:
    data = shifted(tmp_path / "data", Datum.GCJ02, headers=("纬度(高德)", "经度(高德)"))
    result = run("validate", data)
    assert result.exit_code == 0, result.output
    assert (
        "clients.csv：经纬度按GCJ-02（高德、腾讯）读取（表头“经度(高德)”注明），已转换为 WGS-84"
        in result.output
    )
    doc = plan(data, tmp_path / "out")
    assert_at_true_points(doc)


def test_without_the_hint_the_points_land_hundreds_of_metres_off(tmp_path: Path) -> None:
    # What the hint prevents: the same list with plain headers is read as WGS-84.
    data = shifted(tmp_path / "data", Datum.GCJ02, headers=("纬度", "经度"))
    doc = plan(data, tmp_path / "out")
    points = truth()
    stops = [
        stop
        for station in doc["stations"]
        for route in station["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    ]
    assert all(400 < metres((s["lat"], s["lon"]), points[s["client_id"]]) < 700 for s in stops)


@pytest.mark.parametrize(
    ("setting", "datum"),
    [('"bd09"', Datum.BD09), ('"百度"', Datum.BD09), ('{ clients = "gcj02" }', Datum.GCJ02)],
)
def test_the_setting_declares_the_datum_of_plain_headers(
    tmp_path: Path, setting: str, datum: Datum
) -> None:
    data = shifted(tmp_path / "data", datum, headers=None, encoding="utf-8")
    (data / "mealroute.toml").write_text(f"[input]\ndatum = {setting}\n", encoding="utf-8")
    result = run("validate", data, "--lang", "en")
    assert "coordinates read as" in result.output
    assert "(input.datum in mealroute.toml) and converted to WGS-84" in result.output
    doc = plan(data, tmp_path / "out")
    assert_at_true_points(doc)
    assert doc["settings"]["input"]["datum"]["clients"] == (
        "bd09" if datum == Datum.BD09 else "gcj02"
    )


def test_stations_in_amap_and_clients_in_baidu_each_by_the_setting(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shifted(data, Datum.BD09, headers=None, encoding="utf-8")
    # the stations' points in GCJ-02 as well
    header, *rows = read_rows(data / "stations.csv")
    wgs = {row[0]: (float(row[2]), float(row[3])) for row in rows}
    for row in rows:
        y, x = wgs84_to_gcj02(float(row[2]), float(row[3]))
        row[2], row[3] = f"{y:.7f}", f"{x:.7f}"
    with (data / "stations.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    (data / "mealroute.toml").write_text(
        '[input]\ndatum = { stations = "gcj02", clients = "bd09" }\n', encoding="utf-8"
    )
    doc = plan(data, tmp_path / "out")
    assert_at_true_points(doc)
    for station in doc["stations"]:
        assert metres((station["lat"], station["lon"]), wgs[station["station_id"]]) < 0.05


def test_a_header_wins_over_the_setting_with_a_warning(tmp_path: Path) -> None:
    data = shifted(tmp_path / "data", Datum.GCJ02, headers=("lat_gcj02", "lng_gcj02"))
    (data / "mealroute.toml").write_text('[input]\ndatum = "bd09"\n', encoding="utf-8")
    result = run("validate", data, "--lang", "en")
    assert result.exit_code == 0, result.output  # a warning, not an error
    assert (
        "the header lng_gcj02 names GCJ-02 (AMap, Tencent), mealroute.toml's input.datum "
        "says BD-09 (Baidu); the header is followed" in result.output
    )
    assert_at_true_points(plan(data, tmp_path / "out"))


def test_headers_naming_two_datums_stop_the_table_with_a_clear_error(tmp_path: Path) -> None:
    data = shifted(tmp_path / "data", Datum.GCJ02, headers=("纬度(百度)", "经度(高德)"))
    result = run("validate", data)
    assert result.exit_code == 1
    assert (
        "clients.csv：经纬度的表头“纬度(百度)”和“经度(高德)”写的坐标系不一致"
        "（BD-09（百度）和GCJ-02（高德、腾讯））" in result.output
    )
    planned = run("plan", data, "--date", TUESDAY, "--out", tmp_path / "out", *FAST)
    assert planned.exit_code == 1, planned.output
    assert not (tmp_path / "out").exists()


def test_a_bad_datum_setting_names_the_key_and_the_choices(tmp_path: Path) -> None:
    data = shifted(tmp_path / "data", Datum.GCJ02, headers=None, encoding="utf-8")
    (data / "mealroute.toml").write_text('[input]\ndatum = "mars"\n', encoding="utf-8")
    result = run("validate", data)
    assert result.exit_code != 0
    assert "`input.datum` 应当是 wgs84、gcj02（高德、腾讯）或 bd09（百度）" in result.output
    assert "'mars'" in result.output


def test_a_workbook_with_title_rows_and_amap_headers(tmp_path: Path) -> None:
    """A coordinator's workbook: a title row, 序号, AMap columns, sheets named in Chinese."""
    book = openpyxl.Workbook()
    sheets = {"stations": "站点", "workers": "送餐员", "clients": "服务对象"}
    for k, (name, title) in enumerate(sheets.items()):
        sheet = book.active if k == 0 else book.create_sheet()
        sheet.title = title
        header, *rows = read_rows(SAMPLE / f"{name}.csv")
        if name == "clients":
            for row in rows:
                y, x = wgs84_to_gcj02(float(row[3]), float(row[4]))
                row[3], row[4] = y, x  # numbers, as Excel keeps them
            header[3], header[4] = "高德纬度", "高德经度"
        sheet.append([f"历下区{title}名单（2026年12月）"])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "名单.xlsx"
    book.save(path)
    result = run("validate", path)
    assert "经纬度按GCJ-02（高德、腾讯）读取（表头“高德经度”注明）" in result.output
    assert_at_true_points(plan(path, tmp_path / "out"), within_m=0.01)
