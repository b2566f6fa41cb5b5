"""Lists as coordinators keep them, through ``mealroute validate`` and ``mealroute plan``.

Totals and signature lines under the table, a list keyed by 序号, a folder with one
station and no station column, diets written in the notes, phones Excel stored as
numbers, full-width digits, absurd numbers, and a station named by its name.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from mealroute.model import Message
from mealroute.read.load import dataset_from_path
from mealroute.settings import Settings

from .conftest import checked_plan, read_plan, run, write_data_dir, write_table

TUESDAY = "2026-12-01"
FAST = ("--reproducible", "--work-limit", "40", "--jobs", "1", "--lang", "en")


def validate(data: Path) -> tuple[int, list[str]]:
    result = run("validate", data, "--lang", "en")
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


def plan_and_check(data: Path, out: Path) -> dict[str, Any]:
    """Plan ``data``, check the plan with the independent checker, return plan.json."""
    result = run("plan", data, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code in (0, 3), result.output
    return checked_plan(
        out,
        data,
        Settings(reproducible=True, work_limit=40, lang="en"),
        date=dt.date(2026, 12, 1),
    )


# ------------------------------------------------------------------ footers


def test_totals_and_signatures_under_the_table_are_skipped_not_planned(
    tmp_path: Path, tiny_station: dict
) -> None:
    data = write_data_dir(tmp_path / "data", **tiny_station)
    with (data / "clients.csv").open("a", encoding="utf-8") as handle:
        handle.write("合计,,,,,,,,,,\n")
        handle.write(",共5人,,,,,,,,,\n")
        handle.write("6,,,,,,,,,,\n")  # a numbered row left empty in the template
        handle.write(",,,,,,,,,2,\n")  # the meals column summed
        handle.write("制表人：李娜,,填表日期：2026-11-30,,,,,,,,\n")
        handle.write(",,,36.6650,117.0210,,,,,,\n")  # a place but no one: a row to fix
    code, output = validate(data)
    assert code == 1
    assert output == [
        "error: clients.csv, row 12, column 'client_id', value '': client_id is empty; every "
        "row needs one",
        "error: clients.csv, row 12, column 'name', value '': name is empty; every row needs one",
        "error: clients.csv, row 12, column 'care_level', value '': care_level is empty; "
        "expected disabled (失能), semi-disabled (半失能) or other (其他)",
        "warning: clients.csv, row 7: a total or footer row ('合计'), not a record; skipped",
        "warning: clients.csv, row 8: a total or footer row ('共5人'), not a record; skipped",
        "warning: clients.csv, row 11: a total or footer row ('制表人'), not a record; skipped",
        "warning: clients.csv: rows 9–10 hold only numbers (totals, or numbered empty rows); "
        "skipped",
        "warning: clients.csv, row 12, column 'station_id', value '': the station is empty; the "
        "row belongs to the only station, 'S1'",
        "1 station, 2 workers, 6 clients; 3 errors, 5 warnings",
    ]
    plan = plan_and_check(data, tmp_path / "out")
    # No failed station "?": the row without a station is unserved at the only one.
    assert [s["station_id"] for s in plan["stations"]] == ["S1"]
    assert len(plan["stations"][0]["unserved"]) == 1


# ------------------------------------------------------------------ 序号 and one station


def test_a_one_station_folder_keyed_by_serial_numbers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    write_table(
        data / "站点.csv",
        [{"站点编号": "S01", "站点名称": "泉城路站", "纬度": 36.665, "经度": 117.02}],
    )
    write_table(
        data / "社工.csv",
        [
            {"工号": "W1", "姓名": "李娜", "出行方式": "电动车", "载餐量": 6, "上班时间": "9:00",
             "下班时间": "14:00"},
        ],
    )  # fmt: skip
    write_table(
        data / "客户.csv",
        [
            {"序号": i, "姓名": f"某{i}", "失能等级": "失能", "纬度": 36.665 + i / 1000,
             "经度": 117.02}
            for i in range(1, 4)
        ],
    )  # fmt: skip
    code, output = validate(data)
    assert (code, output) == (
        0,
        [
            "warning: 客户.csv: there is no client_id column, so the numbers in column '序号' "
            "are the ids; they must stay the same from day to day (plans and re-plans find rows "
            "by id), so do not renumber rows after deleting or sorting",
            "warning: 社工.csv: there is no station column; all 1 worker belong to the only "
            "station, 'S01'",
            "warning: 客户.csv: there is no station column; all 3 clients belong to the only "
            "station, 'S01'",
            "1 station, 1 worker, 3 clients; 0 errors, 3 warnings",
        ],
    )
    plan = plan_and_check(data, tmp_path / "out")
    assert plan["totals"]["served"] == 3


def test_without_a_station_column_two_stations_are_an_error(
    tmp_path: Path, tiny_station: dict
) -> None:
    tiny_station["stations"].append(
        {"station_id": "S2", "name": "二站", "lat": 36.67, "lon": 117.03}
    )
    for client in tiny_station["clients"]:
        del client["station_id"]
    data = write_data_dir(tmp_path / "data", **tiny_station)
    code, output = validate(data)
    assert code == 1
    assert output[0] == (
        "error: clients.csv: missing required column station_id (also accepted: 所属站点, "
        "站点编号); the header in row 1 has: client_id, name, lat, lon, care_level, diet, "
        "skills, meals, window_start, window_end, days. It may be left out only when there is "
        "one station, and the stations table has 2"
    )
    assert output[-1] == "2 stations, 2 workers, 5 clients; 1 error, 3 warnings"
    assert len(dataset_from_path(data).rejected) == 5  # every client is reported, none dropped
    result = run("plan", data, "--date", TUESDAY, "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 1


# ------------------------------------------------------------------ diets in notes


def test_a_diet_in_the_notes_is_never_packed_as_regular(tmp_path: Path, tiny_station: dict) -> None:
    clients = tiny_station["clients"]
    clients[0].update(diet="普通", notes="清真，回族")  # the notes contradict the diet
    clients[1].update(diet="", notes="低盐")  # the diet cell left empty
    clients[2].update(diet="halal", notes="清真")  # agrees: nothing to say
    data = write_data_dir(tmp_path / "data", **tiny_station)
    code, output = validate(data)
    assert (code, output) == (
        0,
        [
            "warning: clients.csv, row 2, column 'notes': the notes name the diet '清真' but the "
            "diet cell says regular, so the meal is planned as halal; correct the diet cell or "
            "the notes",
            "warning: clients.csv, row 3, column 'notes': the notes name the diet '低盐' but the "
            "diet cell is empty, so the meal is planned as low-salt; fill in the diet cell",
            "1 station, 2 workers, 5 clients; 0 errors, 2 warnings",
        ],
    )
    plan = plan_and_check(data, tmp_path / "out")
    diets = {
        stop["client_id"]: stop["diet"]
        for route in plan["stations"][0]["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    }
    assert diets["C1"] == ["halal"]
    assert diets["C2"] == ["low-salt"]


# ------------------------------------------------------------------ numbers as typed


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("13800000000", "13800000000"),
        ("13800000000.0", "13800000000"),
        ("138 0000 0000", "138 0000 0000"),
    ],
)
def test_phones_come_out_as_their_digits(
    tmp_path: Path, tiny_station: dict, typed: str, phone: str
) -> None:
    tiny_station["clients"][0]["phone"] = typed
    data = write_data_dir(tmp_path / "data", **tiny_station)
    assert validate(data)[0] == 0
    assert dataset_from_path(data).clients[0].phone == phone


def test_a_phone_in_scientific_notation_is_a_warning(tmp_path: Path, tiny_station: dict) -> None:
    tiny_station["clients"][0]["phone"] = "1.38E+10"
    data = write_data_dir(tmp_path / "data", **tiny_station)
    code, output = validate(data)
    assert code == 0
    assert output[0] == (
        "warning: clients.csv, row 2, column 'phone': the phone number is in scientific "
        "notation (such as 1.38E+10), so its last digits are lost; format the column as text "
        "in Excel and type the number again"
    )


def test_full_width_digits_and_spaces_are_numbers_and_times(
    tmp_path: Path, tiny_station: dict
) -> None:
    tiny_station["workers"][0].update(capacity="６", shift_start="９：００")
    tiny_station["clients"][0].update(
        client_id="Ｃ１",
        lat="３６．６６８０",
        lon=" 117. 0230 ",
        meals="２份",
        window_start="１１：３０",
    )
    tiny_station["clients"][1]["service_min"] = "１０ 分钟"
    data = write_data_dir(tmp_path / "data", **tiny_station)
    assert validate(data) == (0, ["1 station, 2 workers, 5 clients; 0 errors, 0 warnings"])
    dataset = dataset_from_path(data)
    first = dataset.clients[0]
    assert (first.client_id, first.lat, first.lon, first.meals) == ("C1", 36.668, 117.023, 2)
    assert first.window_start == 11 * 3600 + 30 * 60
    assert dataset.clients[1].service_min == 10
    assert (dataset.workers[0].capacity, dataset.workers[0].shift_start) == (6, 9 * 3600)


def test_absurd_capacity_and_meals_are_refused_with_the_limit(
    tmp_path: Path, tiny_station: dict
) -> None:
    tiny_station["workers"][0]["capacity"] = str(2**63 - 1)
    tiny_station["clients"][1]["meals"] = 50
    data = write_data_dir(tmp_path / "data", **tiny_station)
    code, output = validate(data)
    assert code == 1
    assert output[:2] == [
        "error: workers.csv, row 2, column 'capacity', value '9223372036854775807': capacity "
        "9223372036854775807 is more than 200, the most meals one trip may carry",
        "error: clients.csv, row 3, column 'meals', value '50': meals 50 is more than 20, the "
        "most for one client",
    ]
    plan = plan_and_check(data, tmp_path / "out")
    [station] = plan["stations"]
    assert station["error"] is None
    assert "C2" in {u["client_id"] for u in station["unserved"]}
    assert [r["worker_id"] for r in station["routes"]] == ["W2"]  # W1 was left out


# ------------------------------------------------------------------ a station by its name


def test_a_bad_row_naming_its_station_by_name_is_reported_under_that_station(
    tmp_path: Path, tiny_station: dict
) -> None:
    tiny_station["stations"][0]["station_id"] = "S001"
    for worker in tiny_station["workers"]:
        worker["station_id"] = "S001"
    for client in tiny_station["clients"]:
        client["station_id"] = "泉城路街道社工站"  # by its name, as people write it
    tiny_station["clients"][1]["lat"] = "36.66x"
    data = write_data_dir(tmp_path / "data", **tiny_station)
    [rejected] = dataset_from_path(data).rejected
    assert rejected.station_id == "S001"
    out = tmp_path / "out"
    result = run("plan", data, "--date", TUESDAY, "--out", out, "--stations", "S001", *FAST)
    assert result.exit_code == 3, result.output
    plan = read_plan(out)
    assert [s["station_id"] for s in plan["stations"]] == ["S001"]
    [unserved] = plan["stations"][0]["unserved"]
    assert unserved["client_id"] == "C2"
    assert Message.from_json(unserved["reason"]).text("en") == (
        "clients.csv, row 3: latitude '36.66x' is not a number"
    )


def test_a_workbook_without_id_columns_plans_in_one_go(tmp_path: Path) -> None:
    """The station sheet names the station, the worker sheet the workers, the client
    sheet numbers its rows (序号) and ends with 合计 | 4人: ids come from names and
    序号, the total row is skipped, and everyone is planned or unserved with a reason."""
    import openpyxl

    book = openpyxl.Workbook()
    stations = book.active
    stations.title = "站点信息"
    stations.append(["站点名称", "经度", "纬度", "联系电话"])
    stations.append(["甸柳社工站", 117.0653, 36.6690, "0531-88880001"])
    workers = book.create_sheet("社工名单")
    workers.append(["姓名", "出行方式", "载餐量", "上班时间", "下班时间", "联系电话"])
    workers.append(["李娜", "电动车", 6, "09:00", "13:30", 13800001111])
    workers.append(["王强", "步行", 3, "10:00", "13:00", 13800002222])
    clients = book.create_sheet("助餐对象")
    clients.append(["序号", "姓名", "失能等级", "地址", "联系电话", "经度", "纬度", "备注"])
    clients.append([1, "赵桂兰", "失能", "甸柳新村三区5号楼", 13900000001, 117.0661, 36.6702, ""])
    clients.append([2, "钱秀英", "半失能", "甸柳新村三区7号楼", 13900000002, 117.0665, 36.6704, ""])
    clients.append([3, "孙建国", "失能", "甸柳新村二区3号楼", 13900000003, None, None, "低盐"])
    clients.append([4, "李淑珍", "半失能", "甸柳新村一区1号楼", 13900000004, 117.0640, 36.6680, ""])
    clients.append(["合计", "4人"])
    workbook = tmp_path / "花名册.xlsx"
    book.save(workbook)

    code, output = validate(workbook)
    assert code == 1  # 孙建国 has no coordinates
    assert (
        "warning: 花名册.xlsx[站点信息]: there is no station_id column, so each row's '站点名称' "
        "is its id; give no two rows the same '站点名称', and keep it the same from day to day"
    ) in output
    assert any("row 6: a total or footer row ('合计')" in line for line in output)
    assert output[-1] == "1 station, 2 workers, 4 clients; 2 errors, 7 warnings"

    plan = plan_and_check(workbook, tmp_path / "day")
    [station] = plan["stations"]
    assert station["station_id"] == "甸柳社工站"
    assert [r["worker_id"] for r in station["routes"]] == ["李娜", "王强"]
    [unserved] = station["unserved"]
    assert (unserved["client_id"], unserved["name"], unserved["phone"]) == (
        "3",
        "孙建国",
        "13900000003",
    )
    assert unserved["address"] == "甸柳新村二区3号楼" and unserved["care_level"] == "disabled"
    assert station["served"] == 3
