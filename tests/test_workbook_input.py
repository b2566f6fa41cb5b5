"""Workbooks as coordinators keep them, and as attackers make them, through the CLI.

Each workbook is built here with openpyxl (and, for what openpyxl cannot write, by
editing the XML inside the zip). The tests run ``mealroute validate`` and
``mealroute plan`` as a coordinator does and judge by outcome: the message, the
exit code, and every client either routed or unserved with a reason. Limits are
asserted by their message, never by a timer.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from mealroute.model import Message
from mealroute.read.load import dataset_from_path
from mealroute.settings import Settings

from .checker import check_plan
from .conftest import checked_plan, run

TUESDAY = "2026-12-01"
FAST = ("--reproducible", "--work-limit", "40", "--jobs", "1")


def validate(data: Path, *extra: str, lang: str = "en") -> tuple[int, list[str]]:
    result = run("validate", data, "--lang", lang, *extra)
    return result.exit_code, result.stdout.splitlines()


def add_sheet(
    book: Any, title: str, rows: list[list[Any]], *, state: str = "visible", merges: tuple = ()
) -> Any:
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    sheet.sheet_state = state
    return sheet


def new_book() -> Any:
    book = openpyxl.Workbook()
    book.remove(book.active)
    return book


def edit_part(path: Path, part: str, change: Any) -> Path:
    """Rewrite one XML part inside an .xlsx (for what openpyxl will not write)."""
    original = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info.filename)
            archive.writestr(info.filename, change(data) if info.filename == part else data)
    path.write_bytes(out.getvalue())
    return path


# ------------------------------------------------------------------ the real thing

# name, sex, age, care level, address, phone (a number, as Excel keeps it), lon, lat, notes
PEOPLE = [
    ("张桂兰", "女", 82, "失能", "泉城路12号3单元201", 13800000001, 117.0230, 36.6680, "清真"),
    ("刘建国", "男", 76, "半失能", "泉城路18号1单元502", 13800000002, 117.0250, 36.6630, ""),
    ("马秀英", "女", 88, "失能", "芙蓉街5号", 13800000003, 117.0170, 36.6690, "低盐，敲门两次"),
    ("陈玉珍", "女", 79, "半失能", "芙蓉街9号", 13800000004, 117.0180, 36.6610, ""),
    ("赵德明", "男", 84, "自理", "曲水亭街3号", 13800000005, 117.0260, 36.6700, "糖尿病"),
    ("王淑芬", "女", 90, "失能", "曲水亭街7号", 13800000006, None, None, "家属代收"),
]


def coordinator_workbook(path: Path) -> Path:
    """A workbook as a street's coordinator keeps it.

    A hidden first sheet with last year's list; the clients under a merged title
    and a blank row, keyed by 序号, phones as numbers, diets in the notes, no station
    column, a 合计 row and a signature line; the station and workers on sheets named
    as people name them; an instructions sheet.
    """
    book = new_book()
    add_sheet(
        book,
        "旧名单",
        [["序号", "姓名", "失能等级", "地址", "经度", "纬度"]]
        + [[i, f"旧{i}", "失能", "旧地址", 117.0 + i / 1000, 36.66] for i in range(1, 6)],
        state="hidden",
    )
    add_sheet(
        book,
        "助餐对象",
        [
            ["历下区泉城路街道助餐对象花名册（2026年12月）"],
            [],
            [
                "序号",
                "姓名",
                "性别",
                "年龄",
                "失能等级",
                "地址",
                "联系电话",
                "经度",
                "纬度",
                "备注",
            ],
            *([i, *person] for i, person in enumerate(PEOPLE, 1)),
            ["合计", None, None, None, None, None, None, None, None, "共6人"],
            ["制表人：李娜", None, None, None, "填表日期：2026-11-30"],
        ],
        merges=("A1:J1",),
    )
    add_sheet(
        book,
        "站点信息",
        [
            ["站点编号", "站点名称", "地址", "经度", "纬度", "出餐时间", "联系电话"],
            [
                "S01",
                "泉城路街道社工站",
                "泉城路1号",
                117.0200,
                36.6650,
                dt.time(10, 30),
                "0531-86001234",
            ],
        ],
    )
    add_sheet(
        book,
        "社工名单",
        [
            ["序号", "姓名", "性别", "出行方式", "载餐量", "上班时间", "下班时间", "联系电话"],
            [1, "李娜", "女", "电动车", 6, dt.time(9), dt.time(14), 13900000001],
            [2, "王强", "男", "步行", 3, dt.time(10), dt.time(13, 30), 13900000002],
        ],
    )
    add_sheet(book, "说明", [["本表每周一更新"]])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


BOOK = "泉城路街道.xlsx[助餐对象]"
GEOCODE = "is empty but the row has an address: run `mealroute geocode` to look the address up"
EXPECTED_EN = [
    f"error: {BOOK}, row 9, column '纬度', value '': latitude {GEOCODE}",
    f"error: {BOOK}, row 9, column '经度', value '': longitude {GEOCODE}",
    "warning: 泉城路街道.xlsx: the hidden sheet '旧名单' looks like the clients table and is not "
    "read; delete it if it is an old list",
    "warning: 泉城路街道.xlsx[社工名单]: there is no worker_id column, so the numbers in column "
    "'序号' are the ids; they must stay the same from day to day (plans and re-plans find rows "
    "by id), so do not renumber rows after deleting or sorting",
    f"warning: {BOOK}: there is no client_id column, so the numbers in column '序号' are the "
    "ids; they must stay the same from day to day (plans and re-plans find rows by id), so do "
    "not renumber rows after deleting or sorting",
    f"warning: {BOOK}, row 10: a total or footer row ('合计'), not a record; skipped",
    f"warning: {BOOK}, row 11: a total or footer row ('制表人'), not a record; skipped",
    "warning: 泉城路街道.xlsx[社工名单]: there is no station column; all 2 workers belong to the "
    "only station, 'S01'",
    f"warning: {BOOK}: there is no station column; all 6 clients belong to the only station, 'S01'",
    f"warning: {BOOK}, row 4, column '备注': the notes name the diet '清真' and there is no diet "
    "column, so the meal is planned as halal; add a diet column (饮食) to say it plainly",
    f"warning: {BOOK}, row 6, column '备注': the notes name the diet '低盐' and there is no diet "
    "column, so the meal is planned as low-salt; add a diet column (饮食) to say it plainly",
    f"warning: {BOOK}, row 8, column '备注': the notes name the diet '糖尿病' and there is no "
    "diet column, so the meal is planned as diabetic; add a diet column (饮食) to say it plainly",
    "info: 泉城路街道.xlsx[站点信息]: read as the stations table, recognised by its columns "
    "'站点编号', '纬度' and '经度'",
    "info: 泉城路街道.xlsx[社工名单]: read as the workers table, recognised by its columns "
    "'出行方式' and '载餐量'",
    f"info: {BOOK}: read as the clients table, recognised by its columns '失能等级' and '地址'",
    "info: 泉城路街道.xlsx: sheet '说明' is not read: it is not a stations, workers or clients "
    "table",
    "info: 泉城路街道.xlsx[社工名单]: columns kept for people and not read by mealroute: '性别'",
    f"info: {BOOK}: the header is row 3; row 1 above it is not read",
    f"info: {BOOK}: columns kept for people and not read by mealroute: '性别' and '年龄'",
    "1 station, 2 workers, 6 clients; 2 errors, 10 warnings",
]


def test_a_coordinator_workbook_validates_saying_what_it_did(tmp_path: Path) -> None:
    book = coordinator_workbook(tmp_path / "data" / "泉城路街道.xlsx")
    code, output = validate(book.parent)
    assert code == 1  # one client has no coordinates
    assert output == EXPECTED_EN
    # The same, passing the workbook itself.
    assert validate(book) == (1, EXPECTED_EN)


def test_a_coordinator_workbook_validates_in_chinese(tmp_path: Path) -> None:
    book = coordinator_workbook(tmp_path / "data" / "泉城路街道.xlsx")
    code, output = validate(book, lang="zh")
    assert code == 1
    assert output[0] == (
        "错误：泉城路街道.xlsx[助餐对象]，第9行，“纬度”列，值“”：纬度为空，"
        "但这一行有地址：运行 `mealroute geocode` 可按地址查出坐标"
    )
    assert (
        "警告：泉城路街道.xlsx：隐藏的工作表“旧名单”看起来像服务对象表，未读取；如果是旧名单，请删除它"
        in output
    )
    assert (
        "警告：泉城路街道.xlsx[助餐对象]，第4行，“备注”列：备注中写有“清真”，而表中没有饮食列，"
        "已按清真安排；请增加“饮食”列写明"
    ) in output
    assert (
        "警告：泉城路街道.xlsx[助餐对象]，第10行：合计或表尾行（“合计”），不是数据，已跳过"
        in output
    )
    assert (
        "提示：泉城路街道.xlsx[助餐对象]：按列名（“失能等级”和“地址”）识别为服务对象表并读取"
    ) in output
    assert output[-1] == "1个站点，2名送餐员，6位服务对象；2个错误，10个警告"
    assert len(output) == len(EXPECTED_EN)
    for line in output[:-1]:
        assert line.startswith(("错误：", "警告：", "提示：")), line
        assert " the " not in line and "row" not in line, line  # no English left over


def test_a_coordinator_workbook_plans_in_one_go(tmp_path: Path) -> None:
    book = coordinator_workbook(tmp_path / "data" / "泉城路街道.xlsx")
    out = tmp_path / "out"
    result = run("plan", book, "--date", TUESDAY, "--out", out, *FAST, "--lang", "en")
    assert result.exit_code == 3, result.output  # written; one client unserved
    assert "Traceback" not in result.output
    used = Settings(reproducible=True, work_limit=40, lang="en")
    plan = checked_plan(out, book, used, date=dt.date(2026, 12, 1))
    dataset = dataset_from_path(book)
    [station] = plan["stations"]
    stops = {
        stop["client_id"]: stop
        for route in station["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    }
    assert sorted(stops) == ["1", "2", "3", "4", "5"]  # by 序号; the footer rows are no one
    assert stops["1"]["diet"] == ["halal"]  # 清真 in the notes: never a regular meal
    assert stops["1"]["phone"] == "13800000001"  # a number in Excel, digits here
    [unserved] = station["unserved"]
    # Everything the coordinator needs to phone the family, though it could not be planned.
    assert (unserved["client_id"], unserved["name"], unserved["address"], unserved["phone"]) == (
        "6",
        "王淑芬",
        "曲水亭街7号",
        "13800000006",
    )
    assert unserved["care_level"] == "disabled"
    assert Message.from_json(unserved["reason"]).text("en") == (
        f"泉城路街道.xlsx[助餐对象], row 9: latitude {GEOCODE}; longitude {GEOCODE}"
    )
    # The checker knows the rule too: halal in the notes, regular on the stop, is caught.
    stops["1"]["diet"] = ["regular"]
    problems = check_plan(
        plan,
        dataset.clients,
        dataset.workers,
        dataset.stations,
        used,
        rejected_ids={row.client_id for row in dataset.rejected},
    )
    assert any("the notes name the diet ['halal']" in problem for problem in problems)


def test_a_workbook_passed_alone_takes_its_settings_from_its_folder(tmp_path: Path) -> None:
    book = coordinator_workbook(tmp_path / "data" / "泉城路街道.xlsx")
    (book.parent / "mealroute.toml").write_text('[output]\nlang = "en"\n', encoding="utf-8")
    result = run("validate", book)
    assert (
        result.stdout.splitlines()[-1] == "1 station, 2 workers, 6 clients; 2 errors, 10 warnings"
    )


# ------------------------------------------------------------------ hidden sheets

CLIENT_HEADER = ["client_id", "name", "station_id", "lat", "lon", "care_level"]
STATION_ROWS = [["station_id", "name", "lat", "lon"], ["S1", "一站", 36.665, 117.02]]
WORKER_ROWS = [
    ["worker_id", "name", "station_id", "mode", "capacity", "shift_start", "shift_end"],
    ["W1", "甲", "S1", "walk", 5, "10:00", "13:00"],
]


def clients(count: int, prefix: str = "C", station: str | None = "S1") -> list[list[Any]]:
    return [
        [f"{prefix}{i:03d}", f"某{i}", station, 36.665 + i / 10000, 117.02, "other"]
        for i in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    ("hidden_name", "visible_name", "warning"),
    [
        (
            "Sheet1",
            "Sheet2",
            "warning: clients.xlsx: the hidden sheet 'Sheet1' looks like the clients table and "
            "is not read; delete it if it is an old list",
        ),
        (
            "客户",
            "客户表",
            "warning: clients.xlsx: the hidden sheet '客户' looks like the clients table and is "
            "not read; delete it if it is an old list",
        ),
    ],
)
def test_a_hidden_old_list_is_never_planned_instead_of_the_visible_one(
    tmp_path: Path, hidden_name: str, visible_name: str, warning: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    book = new_book()
    add_sheet(book, "stations", STATION_ROWS)
    add_sheet(book, "workers", WORKER_ROWS)
    book.save(data / "data.xlsx")
    book = new_book()
    add_sheet(book, hidden_name, [CLIENT_HEADER, *clients(5, "OLD")], state="hidden")
    add_sheet(book, visible_name, [CLIENT_HEADER, *clients(60)])
    book.save(data / "clients.xlsx")
    code, output = validate(data)
    assert code == 0
    assert warning in output
    assert output[-1].startswith("1 station, 1 worker, 60 clients; 0 errors")
    dataset = dataset_from_path(data)
    assert len(dataset.clients) == 60
    assert not any(c.client_id.startswith("OLD") for c in dataset.clients)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (
            "hidden",
            "error: data.xlsx: the only clients table is the hidden sheet '客户', and hidden "
            "sheets are not read; if it is the list to plan, unhide it (right-click a sheet tab, "
            "Unhide), else delete it",
        ),
        (
            "veryHidden",
            "error: data.xlsx: the only clients table is the sheet '客户', which is 'very "
            "hidden' (only Excel's VBA editor shows it), and hidden sheets are not read; copy the "
            "list to a visible sheet, or make it visible in the VBA editor (Alt+F11)",
        ),
    ],
)
def test_a_table_found_only_on_a_hidden_sheet_is_an_error_saying_what_to_do(
    tmp_path: Path, state: str, expected: str
) -> None:
    book = new_book()
    add_sheet(book, "站点", STATION_ROWS)
    add_sheet(book, "社工", WORKER_ROWS)
    add_sheet(book, "客户", [CLIENT_HEADER, *clients(3)], state=state)
    book.save(tmp_path / "data.xlsx")
    code, output = validate(tmp_path / "data.xlsx")
    assert code == 1
    assert expected in output
    result = run("plan", tmp_path / "data.xlsx", "--date", TUESDAY, "--out", tmp_path / "o", *FAST)
    assert result.exit_code == 1
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------ merged cells


def test_merged_station_cells_belong_to_every_row_of_their_block(tmp_path: Path) -> None:
    rows = [CLIENT_HEADER] + [
        [
            f"C{i:03d}",
            f"某{i}",
            ("S1" if i in (1, 31) else None),
            36.665,
            117.02 + i / 10000,
            "other",
        ]
        for i in range(1, 61)
    ]
    book = new_book()
    add_sheet(book, "站点", [*STATION_ROWS, ["S2", "二站", 36.666, 117.03]])
    add_sheet(book, "社工", [*WORKER_ROWS, ["W2", "乙", "S2", "walk", 5, "10:00", "13:00"]])
    sheet = add_sheet(book, "客户", rows, merges=("C2:C31", "C32:C61"))
    sheet["C32"] = "S2"
    book.save(tmp_path / "data.xlsx")
    code, output = validate(tmp_path / "data.xlsx")
    assert code == 0
    assert output[-1] == "2 stations, 2 workers, 60 clients; 0 errors, 0 warnings"
    dataset = dataset_from_path(tmp_path / "data.xlsx")
    assert [c.station_id for c in dataset.clients] == ["S1"] * 30 + ["S2"] * 30


# ------------------------------------------------------------------ hostile workbooks


def small_book(path: Path) -> Path:
    book = new_book()
    add_sheet(book, "站点", STATION_ROWS)
    add_sheet(book, "社工", WORKER_ROWS)
    add_sheet(book, "客户", [CLIENT_HEADER, *clients(3)])
    book.save(path)
    return path


def sheet_xml(part: int) -> str:
    return f"xl/worksheets/sheet{part}.xml"


def refused(cell: str) -> str:
    return (
        f"error: data.xlsx[客户]: the table cannot be read: it has a value in cell {cell}, "
        "beyond the 100000 rows and 200 columns (up to column GR) that are read; delete what "
        "is in that cell (Ctrl+End goes to the last cell) and save"
    )


@pytest.mark.parametrize("cell", ["XFD1048576", "A1048576"])
def test_a_value_in_a_far_cell_is_refused_naming_the_cell(tmp_path: Path, cell: str) -> None:
    book = openpyxl.load_workbook(small_book(tmp_path / "data.xlsx"))
    book["客户"][cell] = 1
    book.save(tmp_path / "data.xlsx")
    assert (tmp_path / "data.xlsx").stat().st_size < 20_000
    code, output = validate(tmp_path / "data.xlsx")
    assert code == 1
    assert output[0] == refused(cell)


def test_a_million_cells_in_one_row_are_refused_at_the_limit(tmp_path: Path) -> None:
    path = small_book(tmp_path / "data.xlsx")
    row = b'<row r="5">' + b'<c t="n"><v>1</v></c>' * 1_000_000 + b"</row>"
    edit_part(path, sheet_xml(3), lambda xml: xml.replace(b"</sheetData>", row + b"</sheetData>"))
    code, output = validate(path)
    assert code == 1
    assert output[0] == refused("GS5")


def test_a_merged_range_over_the_whole_sheet_is_read_as_the_cells_it_covers(
    tmp_path: Path,
) -> None:
    path = small_book(tmp_path / "data.xlsx")
    merge = b'<mergeCells count="1"><mergeCell ref="G1:XFD1048576"/></mergeCells>'
    edit_part(path, sheet_xml(3), lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + merge))
    assert validate(path)[1][-1] == "1 station, 1 worker, 3 clients; 0 errors, 0 warnings"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = small_book(tmp_path / "data.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/filler.bin", bytes(101 * 1024 * 1024))
    assert path.stat().st_size < 1_000_000
    code, output = validate(path)
    assert code == 1
    assert output == [
        "error: data.xlsx: the workbook unpacks to 102 MB, more than the 100 MB allowed; it is "
        "damaged or not a normal workbook (copy the lists into a new workbook)",
        "0 stations, 0 workers, 0 clients; 1 error, 0 warnings",
    ]


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = small_book(tmp_path / "data.xlsx")
    doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    edit_part(path, sheet_xml(3), lambda xml: doctype + xml)
    code, output = validate(path)
    assert code == 1
    assert output[0] == (
        "error: data.xlsx: the workbook's part xl/worksheets/sheet3.xml declares XML entities, "
        "which Excel never writes; it is not read"
    )


# ------------------------------------------------------------------ what to pass


def test_an_upper_case_suffix_and_excel_lock_files_are_fine(tmp_path: Path) -> None:
    small_book(tmp_path / "DATA.XLSX")
    (tmp_path / "~$DATA.XLSX").write_bytes(b"\x00locked by someone")
    code, output = validate(tmp_path)
    assert (code, output[-1]) == (0, "1 station, 1 worker, 3 clients; 0 errors, 0 warnings")
    code, output = validate(tmp_path / "DATA.XLSX")
    assert (code, output[-1]) == (0, "1 station, 1 worker, 3 clients; 0 errors, 0 warnings")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "~$data.xlsx",
            "this is the lock file Excel keeps while a workbook is open; pass the workbook "
            "(data.xlsx) or its folder",
        ),
        (
            "clients.csv",
            "a CSV file holds only one table; pass the folder that holds the stations, workers "
            "and clients tables ({folder})",
        ),
        (
            "clients.et",
            ".et files cannot be read; open it and save it as an Excel workbook (.xlsx) or as CSV",
        ),
        (
            "notes.docx",
            "pass a folder holding the stations, workers and clients tables (.csv or .xlsx), or "
            "one .xlsx workbook holding them as sheets",
        ),
    ],
)
def test_anything_else_is_told_exactly_what_to_pass(
    tmp_path: Path, name: str, expected: str
) -> None:
    (tmp_path / name).write_bytes(b"client_id\n")
    code, output = validate(tmp_path / name)
    assert code == 1
    assert output[0] == f"error: {tmp_path / name}: " + expected.format(folder=tmp_path)


# ------------------------------------------------------------------ which sheet is which


def test_two_sheets_that_look_like_one_table_are_an_error_naming_both(tmp_path: Path) -> None:
    book = new_book()
    add_sheet(book, "站点", STATION_ROWS)
    add_sheet(book, "社工", WORKER_ROWS)
    add_sheet(book, "助餐对象", [CLIENT_HEADER, *clients(3)])
    add_sheet(book, "花名册", [CLIENT_HEADER, *clients(4)])
    book.save(tmp_path / "data.xlsx")
    code, output = validate(tmp_path / "data.xlsx")
    assert code == 1
    assert output[0] == (
        f"error: {tmp_path / 'data.xlsx'}: data.xlsx[助餐对象] and data.xlsx[花名册] both look "
        "like the clients table by their columns; name the one to plan clients (or 客户), or "
        "remove the other"
    )
    result = run("plan", tmp_path / "data.xlsx", "--date", TUESDAY, "--out", tmp_path / "o", *FAST)
    assert result.exit_code == 1


def test_a_huge_cell_in_a_workbook_is_an_error_of_its_row(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(small_book(tmp_path / "data.xlsx"))
    book["客户"]["B3"] = "长" * 30_000
    book.save(tmp_path / "data.xlsx")
    code, output = validate(tmp_path / "data.xlsx")
    assert code == 1
    assert [line for line in output if not line.startswith("info: ")] == [
        "error: data.xlsx[客户], row 3, column 'name': the cell has 30000 characters; a cell "
        "may have at most 2000",
        "1 station, 1 worker, 3 clients; 1 error, 0 warnings",
    ]


def test_a_workbook_damaged_inside_its_zip_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = small_book(tmp_path / "data.xlsx")
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo(sheet_xml(3))
    start = part.header_offset + 30 + len(part.filename) + len(part.extra)
    for offset in range(start + 5, start + min(part.compress_size, 60)):
        raw[offset] ^= 0x5A  # garble the compressed sheet
    path.write_bytes(bytes(raw))
    result = run("validate", path, "--lang", "en")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stdout.splitlines()[0].startswith("error: data.xlsx: cannot read the workbook (")
