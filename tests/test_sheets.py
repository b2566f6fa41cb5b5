"""Printable route sheets: one A4 page per worker, with columns to tick and sign."""

from __future__ import annotations

import re
from pathlib import Path

from mealroute.render import paths
from mealroute.render.sheets import render_route_sheets, sheet_for, write_route_sheets
from tests.plan_factory import (
    FAILED_ERROR,
    FORMULA_NAME,
    INJECTED_NAME,
    INJECTED_NOTES,
    Node,
    assert_injection_is_text,
    hostile_plan,
    parse_html,
    sample_plan,
)

EN_COLUMNS = [
    "No.",
    "Planned arrival",
    "Window",
    "Name",
    "Address",
    "Phone",
    "Meals",
    "Diet",
    "Care level",
    "Notes",
    "Delivered ✓",
    "Signature",
]


def sheets_page(lang: str = "en", station: int = 0) -> Node:
    plan = sample_plan()
    return parse_html(render_route_sheets(plan, plan.stations[station], lang=lang))


def test_written_where_paths_says(tmp_path: Path) -> None:
    plan = sample_plan()
    written = write_route_sheets(plan, plan.stations[0], tmp_path, lang="zh")
    assert written == (tmp_path / paths.route_sheets("S1")).resolve()
    assert written.is_file()


def test_a4_one_worker_per_page() -> None:
    page = sheets_page()
    css = page.find("style").text()
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    assert re.search(r"\.sheet\s*\{[^}]*break-after:\s*page", css)
    sheets = page.find_all("section", "sheet")
    assert [sheet.attrs["data-worker"] for sheet in sheets] == ["W1", "W2"]


def test_header_names_station_worker_date_and_mode() -> None:
    head = sheets_page().find_all("section", "sheet")[0].find("header")
    text = head.text()
    for part in ("阳光社工站", "张伟", "W1", "Tue 1 Dec 2026", "e-bike", "0531-8888-0001"):
        assert part in text


def test_trip_headers() -> None:
    w1 = sheets_page().find_all("section", "sheet")[0]
    titles = [h2.text() for h2 in w1.find_all("h2", "trip")]
    assert titles == [
        "Trip 1 — depart 10:40, 4 meals · back at the station 11:42",
        "Trip 2 — depart 11:50, 2 meals · back at the station 12:20",
    ]
    w2_zh = sheets_page("zh").find_all("section", "sheet")[1]
    assert w2_zh.find("h2", "trip").text().startswith("第1趟 — 10:45 出发，3份")


def test_columns_in_order_with_tick_and_sign() -> None:
    table = sheets_page().find("table", "stops")
    assert [th.text() for th in table.find("tr", "columns").find_all("th")] == EN_COLUMNS


def test_every_printed_page_says_whose_sheet_it_is() -> None:
    # The table head repeats on each printed page; its first row names worker and trip.
    w1 = sheets_page().find_all("section", "sheet")[0]
    whos = [table.find("tr", "who").text() for table in w1.find_all("table", "stops")]
    assert whos == [
        "张伟 (W1) · Trip 1 · Tue 1 Dec 2026 · Plan 5e1f2a3b",
        "张伟 (W1) · Trip 2 · Tue 1 Dec 2026 · Plan 5e1f2a3b",
    ]


def test_rows_in_visiting_order_numbered_through_the_day() -> None:
    w1 = sheets_page().find_all("section", "sheet")[0]
    rows = [[td.text() for td in tr.find_all("td")] for tr in w1.find_all("tr", "stop")]
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0] == [
        "1",
        "10:48",
        "11:00–12:30",
        "王建国",
        "历下区文化东路12号3单元501",
        "13800000001",
        "2",
        "regular",
        "disabled",
        "敲门后稍等，老人行动慢",
        "",
        "",
    ]
    assert [row[3] for row in rows] == [
        "王建国",
        "欧阳秀英",
        INJECTED_NAME,
        "Alice Smith",
        FORMULA_NAME,
    ]
    assert rows[1][7] == "halal, soft"
    assert rows[3][2] == "11:30–12:30"
    assert rows[2][9] == INJECTED_NOTES


def test_halal_marked_without_colour() -> None:
    w1 = sheets_page().find_all("section", "sheet")[0]
    marked = [span.text() for span in w1.find_all("span", "halal")]
    assert marked == ["halal, soft", "halal"]
    css = sheets_page().find("style").text()
    assert re.search(r"\.halal\s*\{[^}]*border:", css)


def test_signature_line_for_every_worker() -> None:
    for sheet in sheets_page().find_all("section", "sheet"):
        assert "Worker's signature" in sheet.find("footer", "sign-foot").text()


def test_chinese_labels() -> None:
    page = sheets_page("zh")
    headers = [th.text() for th in page.find("tr", "columns").find_all("th")]
    assert headers[:4] == ["序号", "预计到达", "送餐时段", "姓名"]
    assert "2026年12月1日 星期二" in page.text()
    assert "清真、软食" in page.text()
    assert "半失能" in page.text()


def test_failed_station_says_why() -> None:
    page = sheets_page(station=1)
    sheets = page.find_all("section", "sheet")
    assert len(sheets) == 1
    assert FAILED_ERROR in sheets[0].text()
    assert not page.find_all("table")


def test_sheet_numbers_continue_across_trips() -> None:
    route = sample_plan().stations[0].routes[1]
    sheet = sheet_for(route)
    assert [[s.number for s in trip.stops] for trip in sheet.trips] == [[1, 2], [3]]
    assert sheet.meals == 4


def test_injected_names_stay_text() -> None:
    plan = hostile_plan()
    text = render_route_sheets(plan, plan.stations[0], lang="zh")
    assert_injection_is_text(text)
    assert "&lt;script&gt;alert(&#39;notes&#39;)&lt;/script&gt;" in text


def test_every_sheet_says_which_plan_it_is_from_when_printed() -> None:
    page = sheets_page("zh")
    for sheet in page.find_all("section", "sheet"):
        assert "计划编号 5e1f2a3b · 12月1日 09:05 生成" in sheet.find("header").text()
        for who in sheet.find_all("tr", "who"):  # repeated on every printed page
            assert "计划编号 5e1f2a3b" in who.text()


def test_idle_workers_are_listed_without_a_page_of_their_own() -> None:
    import dataclasses

    from mealroute.model import Mode, Route

    plan = sample_plan()
    s1 = plan.stations[0]
    idle = Route(worker_id="W9", name="赵敏", mode=Mode.BIKE, capacity=6, trips=())
    s1 = dataclasses.replace(s1, routes=(*s1.routes, idle))
    page = parse_html(render_route_sheets(plan, s1, lang="zh"))
    assert [s.attrs["data-worker"] for s in page.find_all("section", "sheet")] == ["W1", "W2"]
    assert page.find("p", "idle-list").text() == "今天无送餐任务：赵敏 (W9)"


def test_several_phone_numbers_each_stay_whole() -> None:
    import dataclasses

    plan = sample_plan()
    s1 = plan.stations[0]
    w1 = s1.routes[0]
    trip = w1.trips[0]
    stop = dataclasses.replace(trip.stops[0], phone="138 0000 0000 / 139 1111 1111")
    w1 = dataclasses.replace(
        w1, trips=(dataclasses.replace(trip, stops=(stop, *trip.stops[1:])), *w1.trips[1:])
    )
    s1 = dataclasses.replace(s1, routes=(w1, *s1.routes[1:]))
    page = parse_html(render_route_sheets(plan, s1, lang="zh"))
    phones = [span.text() for span in page.find("tr", "stop").find_all("span", "one-phone")]
    assert phones == ["138 0000 0000", "139 1111 1111"]
