"""index.html: the coordinator's page for the day."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mealroute.model import CareLevel, Plan, Unserved
from mealroute.render import paths
from mealroute.render.index import render_index, write_index
from tests.plan_factory import (
    FAILED_ERROR,
    INJECTED_NAME,
    UNSERVED_REASON,
    Node,
    assert_injection_is_text,
    hostile_plan,
    parse_html,
    sample_plan,
)


def page_of(plan: Plan, lang: str = "en") -> Node:
    return parse_html(render_index(plan, lang=lang))


def by_id(page: Node, ident: str) -> list[Node]:
    return [node for node in page.iter() if node.attrs.get("id") == ident]


def cells(row: Node) -> list[str]:
    return [td.text() for td in row.find_all("td")]


def test_writes_index_html_in_the_output_folder(tmp_path: Path) -> None:
    written = write_index(sample_plan(), tmp_path, lang="zh")
    assert written == (tmp_path / "index.html").resolve()
    assert written.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]  # no temporary left


def test_one_row_per_station_with_its_figures() -> None:
    rows = page_of(sample_plan()).find_all("tr", "station-row")
    assert [row.attrs["data-station"] for row in rows] == ["S1", "S2"]
    s1, s2 = (cells(row) for row in rows)
    # station, status, clients, served, unserved, workers, meals, km, first out, last back
    assert s1 == ["阳光社工站 (S1)", "OK", "9", "8", "1", "2 / 2", "10", "7.2 km", "10:40", "12:20"]
    assert s2 == ["和平社工站 (S2)", "⚠ Not planned", "1", "0", "1", "0 / 0", "0", "—", "—", "—"]


def test_unserved_clients_come_first_with_their_reasons() -> None:
    page = page_of(sample_plan())
    alert = page.find("section", "alert")
    assert alert.attrs["id"] == "failed"
    unserved = by_id(page, "unserved")
    assert len(unserved) == 1
    assert "alert" in unserved[0].classes
    rows = [cells(row) for row in unserved[0].find_all("tr", "unserved-client")]
    assert rows == [
        [
            "阳光社工站",
            "C09",
            "周大福",
            "disabled",
            "历城区远郊路99号",
            "13800000009",
            UNSERVED_REASON,
        ],
        [
            "和平社工站",
            "C20",
            "钱七",
            "independent",
            "市中区和平路20号",
            "13800000020",
            FAILED_ERROR,
        ],
    ]
    # The problems are above the station table.
    order = [node.attrs.get("id") for node in page.find_all("section")]
    assert order.index("failed") < order.index("unserved") < order.index("stations")


def test_unserved_most_care_first() -> None:
    plan = sample_plan()
    s1 = plan.stations[0]
    extra = Unserved("C10", "吴老太", "no capacity left", care_level=CareLevel.OTHER)
    plan = dataclasses.replace(
        plan, stations=(dataclasses.replace(s1, unserved=(extra, *s1.unserved)), plan.stations[1])
    )
    rows = [cells(row) for row in page_of(plan).find_all("tr", "unserved-client")]
    assert [row[1] for row in rows] == ["C09", "C10", "C20"]


def test_failed_station_is_shown_with_its_error() -> None:
    failed = [
        n for n in page_of(sample_plan()).find_all("section") if n.attrs.get("id") == "failed"
    ]
    assert len(failed) == 1
    assert "和平社工站" in failed[0].text()
    assert FAILED_ERROR in failed[0].text()


def test_all_served_says_so_and_has_no_alert() -> None:
    plan = sample_plan()
    s1 = dataclasses.replace(plan.stations[0], unserved=())
    page = page_of(dataclasses.replace(plan, stations=(s1,)))
    assert not page.find_all("section", "alert")
    assert "Every client has a delivery." in page.text()


def test_links_to_every_map_sheet_and_download() -> None:
    page = page_of(sample_plan())
    hrefs = {node.attrs["href"] for node in page.find_all("a")}
    expected = {
        str(paths.overview_map("S1")),
        str(paths.route_sheets("S1")),
        str(paths.kitchen_list("S1")),
        str(paths.worker_map("S1", "W1")),
        str(paths.worker_map("S1", "W2")),
        str(paths.overview_map("S2")),  # failed, but it has a place: its map shows the unserved
        str(paths.route_sheets("S2")),
        str(paths.kitchen_list("S2")),
        str(paths.ROUTES_XLSX),
        str(paths.PLAN_JSON),
    }
    files = {href for href in hrefs if not href.startswith(("#", "tel:"))}
    assert files == expected
    assert all(not href.startswith("/") and "://" not in href for href in hrefs)


def test_no_links_to_pages_of_a_station_without_a_place() -> None:
    plan = sample_plan()
    s2 = dataclasses.replace(plan.stations[1], lat=None, lon=None)
    page = page_of(dataclasses.replace(plan, stations=(plan.stations[0], s2)))
    hrefs = {node.attrs["href"] for node in page.find_all("a")}
    assert str(paths.overview_map("S2")) not in hrefs
    assert str(paths.overview_map("S1")) in hrefs


def test_self_contained_no_script_no_external_resources() -> None:
    text = render_index(sample_plan(), lang="zh")
    page = parse_html(text)
    assert not page.find_all("script")
    assert not page.find_all("link")
    assert page.find("style").text()
    assert "http://" not in text
    assert "https://" not in text


@pytest.mark.parametrize(
    ("lang", "html_lang", "words"),
    [
        (
            "zh",
            "zh-CN",
            ["2026年12月1日 星期二 送餐安排", "未能安排送餐的服务对象", "失能", "7.2公里"],
        ),
        ("en", "en", ["Meal delivery, Tue 1 Dec 2026", "Clients with no delivery", "7.2 km"]),
    ],
)
def test_language(lang: str, html_lang: str, words: list[str]) -> None:
    page = page_of(sample_plan(), lang)
    assert page.find("html").attrs["lang"] == html_lang
    for word in words:
        assert word in page.text()


def test_phone_of_unserved_client_is_a_tel_link() -> None:
    links = [a.attrs["href"] for a in page_of(sample_plan()).find_all("a")]
    assert "tel:13800000009" in links


def test_warnings_are_listed() -> None:
    page = page_of(sample_plan())
    assert "phone '12345' looks too short" in page.find("details").text()


def test_injected_names_stay_text() -> None:
    text = render_index(hostile_plan(), lang="en")
    assert_injection_is_text(text)
    page = parse_html(text)
    names = [cells(row)[2] for row in page.find_all("tr", "unserved-client")]
    assert names == [INJECTED_NAME, INJECTED_NAME]
    for anchor in page.find_all("a"):
        assert "<" not in anchor.attrs["href"]
        assert '"' not in anchor.attrs["href"]


def _with_idle_worker(plan: Plan) -> Plan:
    from mealroute.model import Mode, Route

    s1 = plan.stations[0]
    idle = Route(worker_id="W9", name="赵敏", mode=Mode.BIKE, capacity=6, trips=())
    return dataclasses.replace(
        plan, stations=(dataclasses.replace(s1, routes=(*s1.routes, idle)), *plan.stations[1:])
    )


def test_every_rostered_worker_is_listed_an_idle_one_as_such() -> None:
    page = page_of(_with_idle_worker(sample_plan()), "zh")
    rows = page.find_all("tr", "worker-row")
    assert [cells(row)[0] for row in rows] == ["张伟 (W1)", "李娜 (W2)", "赵敏 (W9)"]
    idle = rows[2]
    assert "idle" in idle.classes
    assert "今天无送餐任务" in idle.text()
    hrefs = [a.attrs["href"] for a in idle.find_all("a")]
    assert hrefs == [str(paths.worker_map("S1", "W9"))]  # her page says whom to ask
    s1 = next(r for r in page.find_all("tr", "station-row") if r.attrs["data-station"] == "S1")
    assert cells(s1)[5] == "2 / 3"  # workers out / rostered


def test_the_page_says_which_plan_it_shows() -> None:
    page = page_of(sample_plan(), "zh")
    stamp = page.find("span", "stamp")
    assert stamp.text() == "计划编号 5e1f2a3b · 12月1日 09:05 生成"
    assert stamp.attrs["data-plan"] == "5e1f2a3b"


def test_warnings_in_the_language_of_the_pack() -> None:
    from mealroute.model import Issue, Message, Severity

    warning = Issue(Severity.WARNING, "clients.csv", 7, "phone", "12345", Message("ran_out"))
    plan = dataclasses.replace(sample_plan(), warnings=(warning,))
    text = page_of(plan, "zh").find("details").text()
    assert "警告：clients.csv，第7行，“phone”列，值“12345”：本站送餐员的时间或运力不够" in text
    english = page_of(plan, "en").find("details").text()
    assert "warning: clients.csv, row 7, column 'phone'" in english


def test_several_phone_numbers_in_one_cell_are_several_links() -> None:
    plan = sample_plan()
    s1 = plan.stations[0]
    client = dataclasses.replace(s1.unserved[0], phone="138 0000 0000 / 0531-8888 1234")
    plan = dataclasses.replace(
        plan, stations=(dataclasses.replace(s1, unserved=(client,)), plan.stations[1])
    )
    links = [a.attrs["href"] for a in page_of(plan).find_all("a") if "tel" in a.classes]
    assert links[:2] == ["tel:13800000000", "tel:053188881234"]


def test_an_id_that_is_the_name_is_not_shown_twice(tmp_path: Path) -> None:
    plan = sample_plan()
    s1 = plan.stations[0]
    named = dataclasses.replace(s1.routes[0], worker_id=s1.routes[0].name)
    plan = dataclasses.replace(
        plan, stations=(dataclasses.replace(s1, routes=(named, *s1.routes[1:])), *plan.stations[1:])
    )
    text = write_index(plan, tmp_path, lang="zh").read_text("utf-8")
    assert f"{named.name} <span" not in text  # no "李娜 (李娜)"


def test_each_workers_day_as_a_bar_that_adds_up(
    tmp_path: Path,
    tiny_station: dict,  # type: ignore[type-arg]
) -> None:
    """Through the CLI: road + doors + waiting + station is the worker's whole day."""
    import datetime as dt
    import itertools
    import re

    from mealroute.render.i18n import format_duration
    from mealroute.settings import Settings
    from tests.conftest import checked_plan, run, write_data_dir

    data = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "day"
    result = run("plan", data, "--date", "2026-12-07", "--out", out, "--reproducible")
    assert result.exit_code in (0, 3), result.stderr
    plan = checked_plan(out, data, Settings.for_data_dir(data).replace(reproducible=True))
    page = parse_html((out / "index.html").read_text("utf-8"))
    days = {node.attrs["data-worker"]: node for node in page.find_all("div", "day")}
    busy = [r for r in plan["stations"][0]["routes"] if r["trips"]]
    assert busy and set(days) == {r["worker_id"] for r in busy}

    def secs(text: str) -> int:
        moment = dt.datetime.fromisoformat(text)
        return moment.hour * 3600 + moment.minute * 60 + moment.second

    for route in busy:
        trips = route["trips"]
        span = secs(trips[-1]["return"]) - secs(trips[0]["depart"])
        stops = [stop for trip in trips for stop in trip["stops"]]
        road = sum(s["travel_s"] for s in stops) + sum(t["return_travel_s"] for t in trips)
        doors = sum(secs(s["depart"]) - secs(s["start"]) for s in stops)
        waiting = sum(secs(s["start"]) - secs(s["arrive"]) for s in stops)
        station = sum(secs(b["depart"]) - secs(a["return"]) for a, b in itertools.pairwise(trips))
        assert road + doors + waiting + station == span  # nothing of the day is unaccounted
        text = days[route["worker_id"]].text()
        for word, seconds in (("路上", road), ("入户服务", doors), ("等候", waiting)):
            if seconds:
                assert f"{word} {format_duration(seconds, 'zh')}" in text
        assert f"{sum(s['meals'] for s in stops)}份" in text
    widths = [
        float(re.search(r"width: ([\d.]+)%", n.find("div", "day-bar").attrs["style"]).group(1))  # type: ignore[union-attr]
        for n in days.values()
    ]
    assert max(widths) == 100.0  # the longest day fills the width; the others in proportion
    assert "送餐员的一天" in page.text()
