"""routes.xlsx: a summary, one sheet per worker, formula-safe cells, Chinese intact."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook

from mealroute.model import Plan
from mealroute.render import paths
from mealroute.render.workbook import (
    SHEET_NAME_MAX,
    excel_time,
    sheet_names,
    write_workbook,
)
from tests.plan_factory import (
    FAILED_ERROR,
    FORMULA_NAME,
    INJECTED_NAME,
    UNSERVED_REASON,
    sample_plan,
)

FORBIDDEN = set("[]:*?/\\")


def read_back(plan: Plan, tmp_path: Path, lang: str = "zh") -> Workbook:
    written = write_workbook(plan, tmp_path, lang=lang)
    assert written == (tmp_path / paths.ROUTES_XLSX).resolve()
    return openpyxl.load_workbook(written)


def values(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_sheets_summary_first_then_one_per_worker_then_unserved(tmp_path: Path) -> None:
    book = read_back(sample_plan(), tmp_path)
    assert book.sheetnames == ["汇总", "W1 张伟", "W2 李娜", "未安排"]
    book_en = read_back(sample_plan(), tmp_path / "en", lang="en")
    assert book_en.sheetnames == ["Summary", "W1 张伟", "W2 李娜", "Unserved"]


def test_no_unserved_sheet_when_everyone_is_served(tmp_path: Path) -> None:
    plan = sample_plan()
    s1 = dataclasses.replace(plan.stations[0], unserved=())
    book = read_back(dataclasses.replace(plan, stations=(s1,)), tmp_path, "en")
    assert book.sheetnames == ["Summary", "W1 张伟", "W2 李娜"]


def test_header_row_bold_frozen_and_columns_sized(tmp_path: Path) -> None:
    book = read_back(sample_plan(), tmp_path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert all(not cell.font.bold for cell in sheet[2])
        assert sheet.column_dimensions["A"].width > 5
        assert sheet.page_setup.orientation == "landscape"


def test_worker_sheet_rows_in_visiting_order(tmp_path: Path) -> None:
    rows = values(read_back(sample_plan(), tmp_path)["W1 张伟"])
    assert rows[0] == (
        "趟次",
        "序号",
        "预计到达",
        "时段开始",
        "时段结束",
        "服务对象编号",
        "姓名",
        "地址",
        "电话",
        "份数",
        "餐型",
        "照护等级",
        "备注",
        "已送达 ✓",
        "签收",
    )
    assert [(row[0], row[1], row[5]) for row in rows[1:]] == [
        (1, 1, "C01"),
        (1, 2, "C02"),
        (1, 3, "C03"),
        (2, 4, "C04"),
        (2, 5, "C05"),
    ]
    first = rows[1]
    assert first[2:5] == (dt.time(10, 48), dt.time(11, 0), dt.time(12, 30))
    assert first[6:13] == (
        "王建国",
        "历下区文化东路12号3单元501",
        "13800000001",
        2,
        "普通",
        "失能",
        "敲门后稍等，老人行动慢",
    )
    assert rows[2][10] == "清真、软食"
    assert rows[2][6] == "欧阳秀英"
    assert rows[3][6] == INJECTED_NAME


def test_times_are_excel_times_shown_as_hh_mm(tmp_path: Path) -> None:
    sheet = read_back(sample_plan(), tmp_path)["W2 李娜"]
    cell = sheet["C2"]
    assert cell.value == dt.time(10, 53)
    assert cell.number_format == "hh:mm"


def test_formula_text_stays_text(tmp_path: Path) -> None:
    book = read_back(sample_plan(), tmp_path)
    rows = values(book["W1 张伟"])
    formula_row = rows[5]
    assert formula_row[6] == "'" + FORMULA_NAME
    assert formula_row[7] == "'-1 basement"
    assert formula_row[12] == "'@note"
    assert rows[4][8] == "'+86 531 5555 0101"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def test_summary_row_per_worker(tmp_path: Path) -> None:
    sheet = read_back(sample_plan(), tmp_path, "en")["Summary"]
    rows = values(sheet)
    assert rows[0][:9] == (
        "Station",
        "Worker ID",
        "Worker",
        "Travels by",
        "Trips",
        "Clients",
        "Meals",
        "Halal",
        "Distance",
    )
    assert rows[1] == (
        "阳光社工站",
        "W1",
        "张伟",
        "e-bike",
        2,
        5,
        6,
        2,
        4.2,
        dt.time(10, 40),
        dt.time(12, 20),
        "W1 张伟",
    )
    assert rows[2][:9] == ("阳光社工站", "W2", "李娜", "on foot", 2, 3, 4, 1, 3.0)
    assert sheet["L2"].hyperlink.location == "'W1 张伟'!A1"


def test_unserved_sheet_lists_clients_and_reasons(tmp_path: Path) -> None:
    rows = values(read_back(sample_plan(), tmp_path, "en")["Unserved"])
    assert rows[1] == (
        "阳光社工站",
        "C09",
        "周大福",
        "disabled",
        "历城区远郊路99号",
        "13800000009",
        UNSERVED_REASON,
    )
    assert rows[2][1] == "C20"
    assert rows[2][6] == FAILED_ERROR


def test_awkward_worker_names_make_valid_sheets(tmp_path: Path) -> None:
    plan = sample_plan()
    s1 = plan.stations[0]
    w1, w2 = s1.routes
    routes = (
        dataclasses.replace(w1, worker_id="W/1", name="=张[伟]:*?" + "长" * 40),
        dataclasses.replace(w2, worker_id="w/1", name="=张[伟]:*?" + "长" * 40),
    )
    s1 = dataclasses.replace(s1, routes=routes)
    book = read_back(dataclasses.replace(plan, stations=(s1, plan.stations[1])), tmp_path)
    names = book.sheetnames
    assert len(names) == 4
    assert len({name.casefold() for name in names}) == 4
    for name in names:
        assert len(name) <= SHEET_NAME_MAX
        assert not FORBIDDEN & set(name)


def test_control_characters_are_removed_not_fatal(tmp_path: Path) -> None:
    plan = sample_plan()
    s1 = plan.stations[0]
    w1 = s1.routes[0]
    trip = w1.trips[0]
    stop = dataclasses.replace(trip.stops[0], name="王\x00建\x0b国", notes="\x1bnote")
    trip = dataclasses.replace(trip, stops=(stop, *trip.stops[1:]))
    w1 = dataclasses.replace(w1, trips=(trip, *w1.trips[1:]))
    s1 = dataclasses.replace(s1, routes=(w1, *s1.routes[1:]))
    book = read_back(dataclasses.replace(plan, stations=(s1,)), tmp_path)
    row = values(book["W1 张伟"])[1]
    assert row[6] == "王建国"
    assert row[12] == "note"


@pytest.mark.parametrize(
    ("wanted", "taken", "expected"),
    [
        (["W1 张伟"], [], ["W1 张伟"]),
        (["a/b", "a:b"], [], ["a_b", "a_b~2"]),
        (["Summary"], ["summary"], ["Summary~2"]),
        (["History"], [], ["History~2"]),
        (["'quoted'"], [], ["quoted"]),
        (["", "   "], [], ["sheet", "sheet~2"]),
        (["x" * 40, "x" * 40], [], ["x" * 31, "x" * 29 + "~2"]),
    ],
)
def test_sheet_names(wanted: list[str], taken: list[str], expected: list[str]) -> None:
    assert sheet_names(wanted, taken=taken) == expected


@given(st.lists(st.text(max_size=50), max_size=30))
def test_sheet_names_are_always_valid_and_unique(wanted: list[str]) -> None:
    names = sheet_names(wanted, taken=["Summary"])
    assert len(names) == len(wanted)
    folded = [name.casefold() for name in names]
    assert len(set(folded)) == len(folded)
    assert "summary" not in folded
    for name in names:
        assert 1 <= len(name) <= SHEET_NAME_MAX
        assert not FORBIDDEN & set(name)
        assert not name.startswith("'")
        assert not name.endswith("'")


def test_excel_time_drops_seconds() -> None:
    assert excel_time(11 * 3600 + 5 * 60 + 59) == dt.time(11, 5)
    assert excel_time(24 * 3600) == "24:00"
    assert excel_time(None) is None


def test_workbook_saves_a_fresh_file_each_time(tmp_path: Path) -> None:
    plan = sample_plan()
    write_workbook(plan, tmp_path, lang="zh")
    write_workbook(plan, tmp_path, lang="en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["routes.xlsx"]
    assert openpyxl.load_workbook(tmp_path / "routes.xlsx").sheetnames[0] == "Summary"


def test_chinese_workbook_has_chinese_words_and_reasons(tmp_path: Path) -> None:
    from mealroute.model import Message

    plan = sample_plan()
    s1 = plan.stations[0]
    reason = Message("ran_out")
    unserved = (dataclasses.replace(s1.unserved[0], reason=reason),)
    plan = dataclasses.replace(
        plan, stations=(dataclasses.replace(s1, unserved=unserved), plan.stations[1])
    )
    book = read_back(plan, tmp_path, "zh")
    summary = values(book["汇总"])
    assert summary[1][3] == "电动车"
    assert summary[2][3] == "步行"
    worker = values(book["W1 张伟"])
    assert [row[11] for row in worker[1:]] == ["失能", "半失能", "自理", "自理", "自理"]
    assert worker[1][10] == "普通"
    unserved_rows = values(book["未安排"])
    assert unserved_rows[1][3] == "失能"
    assert unserved_rows[1][6] == "本站送餐员的时间或运力不够，未能安排"
    words = {cell for sheet in book.worksheets for row in values(sheet) for cell in row}
    for english in ("regular", "disabled", "other", "ebike", "e-bike", "walk"):
        assert english not in words


def test_idle_worker_has_a_row_and_an_empty_sheet(tmp_path: Path) -> None:
    from mealroute.model import Mode, Route

    plan = sample_plan()
    s1 = plan.stations[0]
    idle = Route(worker_id="W9", name="赵敏", mode=Mode.BIKE, capacity=6, trips=())
    plan = dataclasses.replace(
        plan,
        stations=(dataclasses.replace(s1, routes=(*s1.routes, idle)), plan.stations[1]),
    )
    book = read_back(plan, tmp_path, "zh")
    summary = values(book["汇总"])
    assert summary[3][:6] == ("阳光社工站", "W9", "赵敏", "自行车", 0, 0)
