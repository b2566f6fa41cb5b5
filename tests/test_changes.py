"""The changes table: what differs today, applied by `mealroute plan` and listed in the pack.

Every plan is made by the CLI from a data folder with a ``变动表.csv`` saved as Chinese
Excel saves it (GBK, Chinese headers and words), and passed by the independent
checker, which applies the changes table itself (tests/checker.py ``_as_on``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mealroute.read.load import dataset_from_path
from mealroute.settings import Settings
from tests.checker import check_plan
from tests.conftest import checked_plan, run, write_changes, write_data_dir, write_table

MONDAY = dt.date(2026, 12, 7)
HEADERS = ["类型", "对象编号", "开始日期", "结束日期", "送餐时间起", "送餐时间止", "份数",
           "饮食", "时间", "出行方式", "原因"]  # fmt: skip


def _station(folder: Path) -> Path:
    """One Jinan station, three workers, eight clients within a kilometre, daily."""
    clients = [
        {
            "client_id": f"C{k}",
            "name": f"老人{k}",
            "station_id": "S1",
            "lat": 36.6650 + 0.0012 * (k % 4),
            "lon": 117.0200 + 0.0015 * (k // 4),
            "care_level": ("disabled", "semi-disabled", "other")[k % 3],
            "days": "工作日" if k == 7 else "",
        }
        for k in range(1, 9)
    ]
    workers = [
        {"worker_id": f"W{k}", "name": name, "station_id": "S1", "mode": "ebike",
         "capacity": 6, "shift_start": "10:00", "shift_end": "13:30"}
        for k, name in ((1, "李娜"), (2, "王强"), (3, "赵敏"))
    ]  # fmt: skip
    station = [{"station_id": "S1", "name": "泉城路街道社工站", "lat": 36.6650, "lon": 117.0200}]
    return write_data_dir(folder, stations=station, workers=workers, clients=clients)


def _changes(folder: Path, rows: list[list[Any]]) -> Path:
    """``变动表.csv`` in GBK, as Chinese Excel saves it."""
    return write_changes(folder / "变动表.csv", HEADERS, rows)


def _plan(data: Path, out: Path, date: dt.date = MONDAY, *options: str) -> dict[str, Any]:
    result = run("plan", data, "--date", date.isoformat(), "--out", out, "--reproducible",
                 "--jobs", "1", *options)  # fmt: skip
    assert result.exit_code in (0, 3), result.stderr
    return checked_plan(out, data, Settings.for_data_dir(data).replace(reproducible=True))


def _routed(plan: dict[str, Any]) -> dict[str, str]:
    """client id -> the worker who brings the lunch."""
    return {
        stop["client_id"]: route["worker_id"]
        for station in plan["stations"]
        for route in station["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    }


def _stops(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        stop["client_id"]: stop
        for station in plan["stations"]
        for route in station["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    }


def test_a_day_of_changes_is_planned_and_listed(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    _changes(
        data,
        [
            ["暂停", "C1", "2026-12-07", "2026-12-09", "", "", "", "", "", "", "住院"],
            ["请假", "W2", "2026/12/7", "", "", "", "", "", "", "", "病假"],
            ["迟到", "W1", "2026年12月7日", "", "", "", "", "", "11:15"],
            ["改时间", "C2", "2026-12-07", "", "12:00", "12:30"],
            ["改份数", "C3", "2026-12-07", "", "", "", "2", "", "", "", "女儿来了"],
            ["改饮食", "C4", "2026-12-07", "", "", "", "", "清真"],
            ["改出行方式", "W3", "2026-12-07", "", "", "", "", "", "", "步行", "车坏了"],
            ["改出餐时间", "S1", "2026-12-07", "", "", "", "", "", "10:40"],
            ["新增", "C5", "2026-12-08"],  # a new client from tomorrow
            ["加送", "C7", "2026-12-12"],  # a Saturday for a weekdays client
            ["暂停", "C6", "2026-12-01", "2026-12-06"],  # over before the day
        ],
    )
    out = tmp_path / "day"
    plan = _plan(data, out)
    routed = _routed(plan)
    (station,) = plan["stations"]
    # Paused, and new from tomorrow: not due today, so neither routed nor unserved.
    listed = set(routed) | {u["client_id"] for u in station["unserved"]}
    assert "C1" not in listed and "C5" not in listed
    assert {"C2", "C3", "C4", "C6", "C7", "C8"} <= listed
    # The absent worker has no route; the others have the day the changes give them.
    assert {r["worker_id"] for r in station["routes"]} == {"W1", "W3"}
    routes = {r["worker_id"]: r for r in station["routes"]}
    assert routes["W3"]["mode"] == "walk"
    for trip in routes["W1"]["trips"]:
        assert trip["depart"][11:16] >= "11:15"
    for route in station["routes"]:
        for trip in route["trips"]:
            assert trip["depart"][11:16] >= "10:40"  # meals ready later
    stops = _stops(plan)
    if "C2" in stops:
        assert "12:00" <= stops["C2"]["start"][11:16] <= "12:30"
        assert stops["C2"]["window"]["start"][11:16] == "12:00"
    if "C3" in stops:
        assert stops["C3"]["meals"] == 2
    if "C4" in stops:
        assert stops["C4"]["diet"] == ["halal"]
    # plan.json lists the eight that hold today, in the table's order, with their rows.
    kinds = [(c["kind"], c["subject"], c["row"]) for c in plan["changes"]]
    assert kinds == [
        ("pause", "C1", 2), ("absent", "W2", 3), ("late", "W1", 4), ("window", "C2", 5),
        ("meals", "C3", 6), ("diet", "C4", 7), ("mode", "W3", 8), ("meals_ready", "S1", 9),
    ]  # fmt: skip
    assert plan["changes"][0]["end"] == "2026-12-09" and plan["changes"][0]["note"] == "住院"
    # The coordinator's page says what was changed, for whom, and from which row.
    page = (out / "index.html").read_text("utf-8")
    section = re.search(r'<section class="changes" id="changes">(.*?)</section>', page, re.S)
    assert section, "no changes section on index.html"
    text = re.sub(r"<[^>]+>", " ", section.group(1))
    assert "今日变动 (8)" in page
    for words in ("暂停", "老人1", "住院", "请假", "王强", "11:15", "12:00–12:30", "2份", "清真",
                  "步行", "10:40", "变动表.csv 第2行"):  # fmt: skip
        assert words in text, words


def test_new_and_extra_days_follow_the_calendar(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    one_day = ["新增", "C8", "2026-12-08", "2026-12-08", "", "", "", "", "", "", "一次"]
    _changes(data, [["新增", "C5", "2026-12-08"], ["加送", "C7", "2026-12-12"], one_day])
    tuesday = _plan(data, tmp_path / "tue", dt.date(2026, 12, 8))
    wednesday = _plan(data, tmp_path / "wed", dt.date(2026, 12, 9))
    saturday = _plan(data, tmp_path / "sat", dt.date(2026, 12, 12))

    def listed(plan: dict[str, Any]) -> set[str]:
        (station,) = plan["stations"]
        return set(_routed(plan)) | {u["client_id"] for u in station["unserved"]}

    assert {"C5", "C8"} <= listed(tuesday)  # new from today; C8 for today only
    assert "C5" in listed(wednesday) and "C8" not in listed(wednesday)
    assert "C7" in listed(saturday)  # an extra Saturday for a weekdays client
    assert "C5" in listed(saturday)  # C5 is daily from the 8th on
    assert [c["kind"] for c in saturday["changes"]] == ["new", "once"]


def test_bad_rows_are_named_and_the_rest_apply(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    _changes(
        data,
        [
            ["暂停", "C1", "2026-12-07"],  # good: row 2
            ["暂停", "C99", "2026-12-07"],  # no such client
            ["迟到", "W1", "2026-12-07", "", "", "", "", "", "18:00"],  # after the shift
            ["改份数", "C3", "2026-12-07"],  # no meals given
            ["请假", "W2", "12/7"],  # no year
            ["请假", "W3", "2026-12-09", "2026-12-07"],  # ends before it starts
            ["飞走", "C4", "2026-12-07"],  # not a kind
            ["改出行方式", "W1", "2026-12-07", "", "", "", "", "", "", "飞机"],
        ],
    )
    result = run("validate", data, "--lang", "en")
    assert result.exit_code == 1
    said = result.stdout
    assert (
        "变动表.csv, row 3, column '对象编号', value 'C99': "
        "a 'pause' change is about a client, and there is none with this id" in said
    )
    assert (
        "row 4, column '时间', value '18:00': "
        "'late' at 18:00 is not inside the worker's shift 10:00–13:30" in said
    )
    assert "row 5, column '份数', value '': a 'meals' change needs meals" in said
    assert "row 6, column '开始日期', value '12/7': start '12/7' is not a date" in said
    assert (
        "row 7, column '结束日期', value '2026-12-07': "
        "the end date 2026-12-07 is before the start date 2026-12-09" in said
    )
    assert "row 8, column '类型', value '飞走': unknown kind '飞走'" in said
    assert "row 9, column '出行方式', value '飞机': unknown mode '飞机'" in said
    zh = run("validate", data)
    assert (
        "变动表.csv，第3行，“对象编号”列，值“C99”：“暂停”变动针对的是服务对象，但没有这个编号"
        in zh.stdout
    )
    plan = _plan(data, tmp_path / "day")  # the good row still applies
    assert [(c["kind"], c["subject"]) for c in plan["changes"]] == [("pause", "C1")]
    assert "C1" not in _routed(plan)


def test_a_workbook_sheet_of_changes_and_a_folder_without_one(tmp_path: Path) -> None:
    import openpyxl

    data = _station(tmp_path / "data")
    plain = _plan(data, tmp_path / "plain")
    assert plain["changes"] == []
    assert 'id="changes"' not in (tmp_path / "plain" / "index.html").read_text("utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "12月请假停餐登记"  # a name mealroute does not know: found by its columns
    sheet.append(["泉城路街道社工站 十二月变动登记"])  # a title row above the header
    sheet.append(["序号", "类型", "对象编号", "开始日期", "结束日期", "原因"])
    sheet.append([1, "请假", "W1", dt.datetime(2026, 12, 7), dt.datetime(2026, 12, 11), "年假"])
    sheet.append([2, "暂停", "C2", dt.datetime(2026, 12, 7), None, "回老家"])
    sheet.append(["合计", None, None, None, None, None])
    book.save(data / "变动.xlsx")
    plan = _plan(data, tmp_path / "day")
    assert [(c["kind"], c["subject"], c["end"]) for c in plan["changes"]] == [
        ("absent", "W1", "2026-12-11"),
        ("pause", "C2", "2026-12-07"),
    ]
    assert "W1" not in {r["worker_id"] for r in plan["stations"][0]["routes"]}


def test_the_checker_catches_a_plan_that_ignores_the_changes(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    out = tmp_path / "day"
    plain = _plan(data, out)  # made without any changes table
    _changes(data, [["暂停", "C1", "2026-12-07"], ["请假", "W1", "2026-12-07"]])
    dataset = dataset_from_path(data)
    settings = Settings.for_data_dir(data).replace(reproducible=True)
    found = check_plan(
        plain, dataset.clients, dataset.workers, dataset.stations, settings,
        changes=dataset.changes,
    )  # fmt: skip
    text = "\n".join(found)
    assert "plan lists changes [], the changes table holds" in text
    assert "unknown worker W1" in text  # the absent worker's route is not allowed
    if _routed(plain).get("C1") not in (None, "W1"):  # (W1's stops are not looked at)
        assert "unknown client C1 appears in the plan" in text  # paused, yet routed
    good = _plan(data, tmp_path / "again")
    assert check_plan(
        good, dataset.clients, dataset.workers, dataset.stations, settings,
        changes=dataset.changes,
    ) == []  # fmt: skip
    assert json.dumps(good["changes"], ensure_ascii=False).count("C1") == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_terminal_counts_the_changes_and_names_no_one(tmp_path: Path, lang: str) -> None:
    data = _station(tmp_path / "data")
    _changes(data, [["暂停", "C1", "2026-12-07", "", "", "", "", "", "", "", "住院"],
                    ["请假", "W2", "2026-12-07"]])  # fmt: skip
    result = run("plan", data, "--date", "2026-12-07", "--out", tmp_path / "day",
                 "--reproducible", "--lang", lang)  # fmt: skip
    assert result.exit_code in (0, 3), result.stderr
    if lang == "zh":
        assert "已按变动表调整 2 项（请假1、暂停1），详见 index.html" in result.stdout
    else:
        assert "changes applied from the changes table: 2 (absent 1, pause 1)" in result.stdout
    assert (
        "老人1" not in result.stdout and "王强" not in result.stdout and "住院" not in result.stdout
    )


def test_a_pin_is_kept_and_a_pin_that_cannot_be_kept_says_why(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    base = _plan(data, tmp_path / "base")
    routed = _routed(base)
    # Pin two clients to a worker who does not bring them today, a third to an absent one.
    moved = sorted(c for c, w in routed.items() if w != "W3")[:2]
    assert len(moved) == 2
    rows = [["指定送餐员", c, "2026-12-07", "", "", "", "", "", "", "", "女儿要求", "W3"]
            for c in moved]  # fmt: skip
    rows.append(["请假", "W2", "2026-12-07"])
    away = next(c for c in sorted(routed) if c not in moved)
    rows.append(["指定", away, "2026-12-07", "", "", "", "", "", "", "", "", "W2"])
    headers = [*HEADERS, "送餐员"]
    records = [
        dict(zip(headers, row + [""] * (len(headers) - len(row)), strict=True)) for row in rows
    ]
    write_table(data / "变动表.csv", records, encoding="gbk")
    out = tmp_path / "day"
    result = run("plan", data, "--date", "2026-12-07", "--out", out, "--reproducible",
                 "--jobs", "1", "--lang", "en")  # fmt: skip
    assert result.exit_code == 3, result.stderr  # the client pinned to the absent worker
    settings = Settings.for_data_dir(data).replace(reproducible=True, lang="en")
    plan = checked_plan(out, data, settings)
    after = _routed(plan)
    assert all(after.get(c) == "W3" for c in moved)
    (unserved,) = plan["stations"][0]["unserved"]
    assert unserved["client_id"] == away
    assert unserved["reason"]["code"] == "pinned_worker_away"
    assert f"unserved S1 {away}: pinned to worker W2 (changes table), who is not at work" in (
        result.stdout
    )
    assert [c["kind"] for c in plan["changes"]] == ["pin", "pin", "absent", "pin"]
    assert plan["changes"][0]["value"] == "W3"
    # The checker knows the pin: the same plan with a pinned client moved to W1 is caught.
    dataset = dataset_from_path(data)
    lie = json.loads(json.dumps(plan))
    routes = {r["worker_id"]: r for r in lie["stations"][0]["routes"]}
    trip = next(
        t for t in routes["W3"]["trips"] if any(s["client_id"] == moved[0] for s in t["stops"])
    )
    routes["W1"]["trips"].append(json.loads(json.dumps(trip)))
    found = check_plan(
        lie, dataset.clients, dataset.workers, dataset.stations, settings,
        changes=dataset.changes,
    )  # fmt: skip
    assert any(f"client {moved[0]} is pinned to W3 for the day" in p for p in found)


def test_a_pin_names_a_worker_of_the_clients_station(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    headers = [*HEADERS, "送餐员"]
    rows = [["指定送餐员", "C1", "2026-12-07", *[""] * 8, "W9"], ["指定送餐员", "C2", "2026-12-07"]]
    records = [
        dict(zip(headers, row + [""] * (len(headers) - len(row)), strict=True)) for row in rows
    ]
    write_table(data / "变动表.csv", records, encoding="gbk")
    result = run("validate", data, "--lang", "en")
    assert "row 2, column '送餐员', value 'W9': there is no worker 'W9'" in result.stdout
    assert "row 3, column '送餐员', value '': a 'pin' change needs worker" in result.stdout


def test_replanning_one_station_keeps_the_others_changes(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    # A second station beside the first, with two clients and a worker.
    stations = [
        {"station_id": "S1", "name": "泉城路街道社工站", "lat": 36.6650, "lon": 117.0200},
        {"station_id": "S2", "name": "大明湖街道社工站", "lat": 36.6750, "lon": 117.0250},
    ]
    write_table(data / "stations.csv", stations)
    with (data / "workers.csv").open("a", encoding="utf-8") as handle:
        handle.write("W9,孙丽,S2,ebike,6,10:00,13:30\n")
    with (data / "clients.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            "D1,老人21,S2,36.6760,117.0260,disabled,\nD2,老人22,S2,36.6740,117.0240,other,\n"
        )
    _changes(data, [["暂停", "C1", "2026-12-07"]])
    out = tmp_path / "day"
    first = _plan(data, out)
    assert [(c["subject"], c["station_id"]) for c in first["changes"]] == [("C1", "S1")]
    _changes(data, [["暂停", "C1", "2026-12-07"], ["暂停", "D2", "2026-12-07"]])
    again = _plan(data, out, MONDAY, "--stations", "S2")
    assert [(c["subject"], c["station_id"]) for c in again["changes"]] == [
        ("C1", "S1"),
        ("D2", "S2"),
    ]
    assert "D2" not in _routed(again)


def test_a_later_row_that_overrides_an_earlier_one_is_pointed_out(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    _changes(
        data,
        [
            ["改份数", "C3", "2026-12-07", "2026-12-11", "", "", "2"],
            ["改份数", "C3", "2026-12-09", "", "", "", "3"],  # overrides row 2 on the 9th
            ["改份数", "C4", "2026-12-07", "", "", "", "2"],
            ["改份数", "C4", "2026-12-08", "", "", "", "3"],  # another day: no clash
            ["暂停", "C5", "2026-12-07", "2026-12-09"],
            ["暂停", "C5", "2026-12-08"],  # the same again: nothing to choose between
        ],
    )
    result = run("validate", data)
    assert "警告：变动表.csv，第3行：这一行“改份数”从 2026-12-09 起覆盖第2行（以后一行为准）" in (
        result.stdout
    )
    assert result.stdout.count("覆盖") == 1
    plan = _plan(data, tmp_path / "wed", dt.date(2026, 12, 9))
    assert _stops(plan).get("C3", {"meals": 3})["meals"] == 3


def test_a_paused_client_whose_row_is_broken_is_not_reported_unserved(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    with (data / "clients.csv").open("a", encoding="utf-8") as handle:
        handle.write("C9,老人9,S1,,117.0200,disabled,\n")  # no latitude: a rejected row
    plain = _plan(data, tmp_path / "plain")
    assert "C9" in {u["client_id"] for u in plain["stations"][0]["unserved"]}
    _changes(data, [["暂停", "C9", "2026-12-07", "", "", "", "", "", "", "", "住院"]])
    plan = _plan(data, tmp_path / "day")
    assert "C9" not in {u["client_id"] for u in plan["stations"][0]["unserved"]}
    assert [(c["kind"], c["subject"]) for c in plan["changes"]] == [("pause", "C9")]
