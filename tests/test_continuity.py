"""The same familiar face, day after day: usual workers and stable routes.

Days are planned with the CLI into sibling day folders (``maps/2026-12-07``,
``maps/2026-12-08``), as the nightly job does; the later day reads the earlier ones
(mealroute.continuity). Every plan is passed by the independent checker, given the
earlier plans so that it works out each client's usual worker itself.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from mealroute.settings import Settings
from tests.conftest import checked_plan, run, write_table
from tests.test_replan import _station, _workers_of

MONDAY = dt.date(2026, 12, 7)


def _plan(
    data: Path, maps: Path, date: dt.date, *, history: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The CLI's plan of ``date`` into ``maps/<date>``, passed by the checker (which, given
    the ``history`` the plan had beside it, works out the usual workers itself)."""
    day = maps / date.isoformat()
    result = run("plan", data, "--date", date.isoformat(), "--out", day,
                 "--reproducible", "--jobs", "1")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    settings = Settings.for_data_dir(data).replace(reproducible=True)
    return checked_plan(day, data, settings, history=history)


def _orders(plan: dict[str, Any]) -> dict[str, list[list[str]]]:
    return {
        r["worker_id"]: [[s["client_id"] for s in t["stops"]] for t in r["trips"]]
        for st in plan["stations"]
        for r in st["routes"]
    }


def _set_usual(data: Path, usual: dict[str, str]) -> None:
    path = data / "clients.csv"
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["常用送餐员"] = usual.get(row["client_id"], "")
    write_table(path, rows)


def test_the_next_day_of_an_unchanged_station_is_the_same_and_says_so(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    maps = tmp_path / "maps"
    today = _plan(data, maps, MONDAY, history=[])
    tomorrow = _plan(data, maps, MONDAY + dt.timedelta(days=1), history=[today])
    # Same clients, same workers, same order: not a fresh shuffle.
    assert _orders(tomorrow) == _orders(today)
    (station,) = tomorrow["stations"]
    served = station["served"]
    assert station["continuity"] == {"known": served, "kept": served, "changed": []}
    page = (maps / (MONDAY + dt.timedelta(days=1)).isoformat() / "index.html").read_text("utf-8")
    assert "熟悉的送餐员" in page and f"{served} 位今天仍由他/她送（100%）" in page


def _kept(first: dict[str, Any], second: dict[str, Any]) -> tuple[float, float]:
    """Of the clients served both days: share with the same worker; share of the second
    day's legs that the first day had."""

    def legs(plan: dict[str, Any]) -> set[tuple[str, str]]:
        return {
            pair
            for trips in _orders(plan).values()
            for trip in trips
            for pair in zip(["0", *trip], [*trip, "0"], strict=True)
        }

    a, b = _workers_of(first), _workers_of(second)
    both = set(a) & set(b)
    same = sum(1 for c in both if a[c] == b[c]) / len(both)
    return same, len(legs(first) & legs(second)) / len(legs(second))


def test_the_next_day_of_a_real_station_keeps_faces_and_order(tmp_path: Path) -> None:
    """A generated Jinan station whose clients come on different weekdays: the next
    day's plan keeps far more of the faces and legs than one planned without history."""
    data = tmp_path / "city"
    result = run("sample", data, "--stations", "1", "--clients-per-station", "40", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    maps = tmp_path / "maps"
    monday = _plan(data, maps, MONDAY, history=[])
    tuesday = _plan(data, maps, MONDAY + dt.timedelta(days=1), history=[monday])
    fresh = _plan(data, tmp_path / "alone", MONDAY + dt.timedelta(days=1), history=[])
    assert tuesday["totals"]["served"] >= fresh["totals"]["served"]
    same, legs = _kept(monday, tuesday)
    same_fresh, legs_fresh = _kept(monday, fresh)
    assert same >= 0.9 and same > same_fresh
    assert legs > legs_fresh


def test_an_absent_usual_worker_costs_no_lunch_and_says_why(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    maps = tmp_path / "maps"
    today = _plan(data, maps, MONDAY, history=[])
    before = _workers_of(today)
    busiest = max(set(before.values()), key=lambda w: list(before.values()).count(w))
    write_table(
        data / "变动表.csv",
        [{"类型": "请假", "对象编号": busiest, "开始日期": "2026-12-08", "原因": "病假"}],
        encoding="gbk",
    )
    tomorrow = _plan(data, maps, MONDAY + dt.timedelta(days=1), history=[today])
    after = _workers_of(tomorrow)
    assert set(after) == set(before), "everyone still has lunch"
    (station,) = tomorrow["stations"]
    continuity = station["continuity"]
    theirs = {c for c, w in before.items() if w == busiest}
    assert {f["client_id"] for f in continuity["changed"]} == theirs
    assert {f["reason"]["code"] for f in continuity["changed"]} == {"usual_away"}
    assert continuity["kept"] == len(before) - len(theirs)
    # The coordinator reads who changed worker and why; the stand-in knows whose they are.
    day = maps / (MONDAY + dt.timedelta(days=1)).isoformat()
    index = (day / "index.html").read_text("utf-8")
    name = next(r["name"] for r in today["stations"][0]["routes"] if r["worker_id"] == busiest)
    assert f"常由{name}送" in index and f"{name}今天不上班" in index
    stand_in = after[sorted(theirs)[0]]
    page = (day / "stations" / "S1" / f"worker-{stand_in}.html").read_text("utf-8")
    assert f"平时由{name}送，今天请您代送" in page


def test_the_usual_worker_column_is_kept_but_never_at_the_price_of_a_lunch(
    tmp_path: Path,
) -> None:
    data = _station(tmp_path / "data")
    maps = tmp_path / "maps"
    plain = _plan(data, tmp_path / "plain", MONDAY, history=[])
    served = set(_workers_of(plain))
    # Everyone is used to W3, who can carry three meals a trip in a short shift.
    _set_usual(data, {f"C{k}": "W3" for k in range(9)})
    plan = _plan(data, maps, MONDAY, history=[])
    assert set(_workers_of(plan)) == served, "the preference left nobody without lunch"
    (station,) = plan["stations"]
    continuity = station["continuity"]
    assert continuity["known"] == len(served)
    assert continuity["kept"] == sum(1 for w in _workers_of(plan).values() if w == "W3")
    assert continuity["kept"] >= 3  # W3 takes as many as fit
    assert {f["reason"]["code"] for f in continuity["changed"]} <= {"usual_busy", "usual_cannot"}


def test_a_usual_worker_of_another_station_is_a_warning_with_its_cell(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    _set_usual(data, {"C1": "W99"})
    result = run("validate", data)
    assert "常用送餐员" in result.stdout + result.stderr
    assert "W99" in result.stdout + result.stderr
    plan = _plan(data, tmp_path / "maps", MONDAY, history=[])
    assert plan["stations"][0]["continuity"] is None


def test_familiar_min_zero_and_same_order_min_zero_plan_as_without_history(
    tmp_path: Path,
) -> None:
    data = _station(tmp_path / "data")
    (data / "mealroute.toml").write_text("[day]\nfamiliar_min = 0\nsame_order_min = 0\n")
    maps = tmp_path / "maps"
    first = _plan(data, maps, MONDAY, history=[])
    alone = _plan(data, tmp_path / "alone", MONDAY + dt.timedelta(days=1), history=[])
    after = _plan(data, maps, MONDAY + dt.timedelta(days=1), history=[first])
    assert _orders(after) == _orders(alone)
    # Still reported: who has their usual worker is worth knowing either way.
    assert after["stations"][0]["continuity"]["known"] == after["stations"][0]["served"]
