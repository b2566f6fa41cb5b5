"""The kitchen and loading list: meals by diet, per trip, halal always apart."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mealroute.render import paths
from mealroute.render.kitchen import (
    counts_text,
    diet_key,
    is_halal,
    loads,
    render_kitchen_list,
    tally,
    write_kitchen_list,
)
from tests.plan_factory import (
    FAILED_ERROR,
    S1_ORIGIN,
    Node,
    Visit,
    assert_injection_is_text,
    build_trip,
    hm,
    hostile_plan,
    parse_html,
    sample_plan,
)


def kitchen_page(lang: str = "en", station: int = 0) -> Node:
    plan = sample_plan()
    return parse_html(render_kitchen_list(plan, plan.stations[station], lang=lang))


@pytest.mark.parametrize(
    ("diet", "key"),
    [
        ({"regular"}, ("regular",)),
        (set(), ("regular",)),
        ({"halal"}, ("halal",)),
        ({"soft", "halal"}, ("halal", "soft")),
        ({"low-salt", "soft"}, ("soft", "low-salt")),
        ({"regular", "soft"}, ("soft",)),
        ({"无麸质", "soft"}, ("soft", "无麸质")),
    ],
)
def test_diet_key(diet: set[str], key: tuple[str, ...]) -> None:
    assert diet_key(diet) == key


def test_combined_halal_is_halal() -> None:
    assert is_halal({"halal", "soft"})
    assert not is_halal({"soft", "low-salt"})


def test_station_tally_keeps_halal_apart() -> None:
    station = sample_plan().stations[0]
    stops = [stop for route in station.routes for trip in route.trips for stop in trip.stops]
    counted = tally(stops)
    assert counted.other == (
        (("regular",), 4),
        (("soft",), 1),
        (("low-salt",), 1),
        (("diabetic",), 1),
    )
    assert counted.halal == ((("halal",), 2), (("halal", "soft"), 1))
    assert counted.halal_meals == 3
    assert counted.meals == sum(stop.meals for stop in stops) == 10


def test_loads_per_trip_in_order_of_departure() -> None:
    station = sample_plan().stations[0]
    listed = [
        (
            load.route.worker_id,
            load.number,
            counts_text(load.tally.other, "en"),
            load.tally.halal_meals,
        )
        for load in loads(station)
    ]
    assert listed == [
        ("W1", 1, "2 regular, 1 soft", 1),
        ("W2", 1, "2 regular, 1 diabetic", 0),
        ("W2", 2, "—", 1),
        ("W1", 2, "1 low-salt", 1),
    ]


def test_counts_in_chinese() -> None:
    station = sample_plan().stations[0]
    first = loads(station)[0]
    assert counts_text(first.tally.other, "zh") == "普通2份、软食1份"
    assert counts_text(first.tally.halal, "zh") == "清真+软食1份"


def test_combined_diets_other_than_halal_are_their_own_kind() -> None:
    trip = build_trip(
        hm("10:40"),
        [Visit("X1", "甲", diet="soft;low-salt"), Visit("X2", "乙", diet="low-salt;soft", meals=2)],
        origin=S1_ORIGIN,
    )
    assert tally(trip.stops).other == ((("soft", "low-salt"), 3),)
    assert counts_text(tally(trip.stops).other, "en") == "3 soft + low-salt"


def test_written_where_paths_says(tmp_path: Path) -> None:
    plan = sample_plan()
    written = write_kitchen_list(plan, plan.stations[0], tmp_path, lang="zh")
    assert written == (tmp_path / paths.kitchen_list("S1")).resolve()


def test_page_shows_halal_total_prominently() -> None:
    box = kitchen_page().find("section", "halal-box")
    assert box.find("p", "big").text() == "Halal: 3 meals"
    assert "pack halal meals apart" in box.text()
    assert "1 halal + soft" in box.text()


def test_page_station_table_by_diet() -> None:
    table = kitchen_page().find("table", "tally")
    rows = [[td.text() for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    assert rows == [
        ["Not halal", "7"],
        ["regular", "4"],
        ["soft", "1"],
        ["low-salt", "1"],
        ["diabetic", "1"],
        ["Halal (packed apart)", "3"],
        ["halal", "2"],
        ["halal + soft", "1"],
    ]
    assert [td.text() for td in table.find("tfoot").find_all("td")] == ["Total", "10"]


def test_page_loading_rows_show_halal_even_when_zero() -> None:
    rows = kitchen_page().find("table", "loads").find_all("tr", "load")
    cells = [[td.text() for td in row.find_all("td")] for row in rows]
    assert cells == [
        ["Trip 1 · 10:40", "张伟 (W1)", "4", "2 regular, 1 soft", "halal: 1 1 halal + soft", ""],
        ["Trip 1 · 10:45", "李娜 (W2)", "3", "2 regular, 1 diabetic", "halal: 0", ""],
        ["Trip 2 · 11:40", "李娜 (W2)", "1", "—", "halal: 1", ""],
        ["Trip 2 · 11:50", "张伟 (W1)", "2", "1 low-salt", "halal: 1", ""],
    ]
    marked = ["has-halal" in row.find("td", "halal-cell").classes for row in rows]
    assert marked == [True, False, True, True]


def test_page_in_chinese() -> None:
    page = kitchen_page("zh")
    assert page.find("p", "big").text() == "清真: 3份"
    texts = [td.text() for td in page.find_all("td", "halal-cell")]
    assert texts[1] == "清真：0"
    assert "2026年12月1日 星期二" in page.text()
    assert "出餐时间 10:30" in page.text()


def test_failed_station_says_why() -> None:
    page = kitchen_page(station=1)
    assert FAILED_ERROR in page.text()
    assert not page.find_all("table")


def test_station_without_routes_has_nothing_to_cook() -> None:
    plan = sample_plan()
    empty = dataclasses.replace(plan.stations[0], routes=(), unserved=())
    page = parse_html(render_kitchen_list(plan, empty, lang="en"))
    assert "No meals to deliver from this station today." in page.text()


def test_injected_names_stay_text() -> None:
    plan = hostile_plan()
    text = render_kitchen_list(plan, plan.stations[0], lang="en")
    assert_injection_is_text(text)


def test_kitchen_list_names_the_plan_and_the_idle_workers() -> None:
    from mealroute.model import Mode, Route

    plan = sample_plan()
    s1 = plan.stations[0]
    idle = Route(worker_id="W9", name="赵敏", mode=Mode.BIKE, capacity=6, trips=())
    s1 = dataclasses.replace(s1, routes=(*s1.routes, idle))
    page = parse_html(render_kitchen_list(plan, s1, lang="zh"))
    assert "计划编号 5e1f2a3b · 12月1日 09:05 生成" in page.find("header").text()
    assert page.find("p", "idle-list").text() == "今天无送餐任务：赵敏 (W9)"
    assert len(page.find_all("tr", "load")) == 4  # the idle worker packs nothing
