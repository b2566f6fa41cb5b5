"""Fair days: `[day] balance` shares the work among a station's workers, never at the
price of a client's lunch.

Plans are made by the CLI from a copy of the bundled Jinan sample with a
``mealroute.toml`` that sets the balance, in reproducible mode, and passed by the
independent checker.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mealroute.model import CareLevel, Client, Worker
from mealroute.planner import _drop_penalties
from mealroute.settings import Settings
from mealroute.solver import BALANCE_PER_SECOND, BALANCE_PER_STOP, balance_bound
from tests.conftest import checked_plan, run

REPO = Path(__file__).resolve().parents[1]
DATE = "2026-12-01"


def _plans(tmp_path: Path, balance: str) -> tuple[dict[str, Any], Path]:
    data = tmp_path / f"data-{balance}"
    shutil.copytree(REPO / "data" / "jinan", data)
    (data / "mealroute.toml").write_text(
        f'[day]\nbalance = "{balance}"\n\n[advice]\nenabled = false\n', encoding="utf-8"
    )
    out = tmp_path / f"day-{balance}"
    result = run("plan", data, "--date", DATE, "--out", out, "--reproducible")
    assert result.exit_code in (0, 3), result.stderr
    settings = Settings.for_data_dir(data).replace(reproducible=True)
    return checked_plan(out, data, settings), data


def _busy(route: dict[str, Any]) -> int:
    """Seconds on the road and at the doors (the balanced quantity)."""
    from datetime import datetime

    def secs(text: str) -> int:
        moment = datetime.fromisoformat(text)
        return moment.hour * 3600 + moment.minute * 60 + moment.second

    stops = [stop for trip in route["trips"] for stop in trip["stops"]]
    road = sum(s["travel_s"] for s in stops) + sum(t["return_travel_s"] for t in route["trips"])
    return road + sum(secs(s["depart"]) - secs(s["start"]) for s in stops)


def _served_by_level(plan: dict[str, Any]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for station in plan["stations"]:
        levels = found.setdefault(station["station_id"], {})
        for route in station["routes"]:
            for trip in route["trips"]:
                for stop in trip["stops"]:
                    levels[stop["care_level"]] = levels.get(stop["care_level"], 0) + 1
    return found


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("balance")
    return {balance: _plans(root, balance)[0] for balance in ("off", "minutes", "stops")}


def test_balance_never_costs_a_lunch(plans: dict[str, dict[str, Any]]) -> None:
    """Every care level is served as often with balance as without, station by station."""
    off = _served_by_level(plans["off"])
    assert _served_by_level(plans["minutes"]) == off
    assert _served_by_level(plans["stops"]) == off
    assert plans["minutes"]["settings"]["day"]["balance"] == "minutes"


def test_balancing_minutes_shortens_the_busiest_day(plans: dict[str, dict[str, Any]]) -> None:
    def busiest(plan: dict[str, Any]) -> dict[str, int]:
        return {st["station_id"]: max(_busy(r) for r in st["routes"]) for st in plan["stations"]}

    off, minutes = busiest(plans["off"]), busiest(plans["minutes"])
    # Measured (reproducible): 795 -> 700 min over the eight stations, S01 109 -> 83;
    # S03 89 -> 100: the work-bounded search does not always find it (benchmarks/README.md).
    assert sum(minutes.values()) < 0.95 * sum(off.values())
    assert minutes["S01"] < off["S01"] - 15 * 60


def test_balancing_stops_evens_the_stops(plans: dict[str, dict[str, Any]]) -> None:
    def spread(plan: dict[str, Any]) -> int:
        total = 0
        for station in plan["stations"]:
            counts = [sum(len(t["stops"]) for t in r["trips"]) for r in station["routes"]]
            total += max(counts) - min(counts)
        return total

    assert spread(plans["stops"]) < 0.75 * spread(plans["off"])  # measured: 37 against 65


def test_drop_penalties_stay_above_all_travel_and_balance() -> None:
    """Leaving one client out costs more than any travel plus the largest balance term."""
    workers = [Worker(f"W{k}", "x", "S", "ebike", 8, 10 * 3600, 13 * 3600 + 1800) for k in range(3)]
    clients = [
        Client(f"C{k}", "x", "S", 36.0, 117.0, (CareLevel.OTHER, CareLevel.DISABLED)[k % 2])
        for k in range(40)
    ]
    longest = 3 * 3600 + 1800
    most_travel = sum(w.shift_end - w.shift_start for w in workers)
    for balance in ("off", "minutes", "stops"):
        extra = balance_bound(balance, len(clients), longest)
        penalty = _drop_penalties(clients, workers, extra=extra)
        assert penalty[CareLevel.OTHER] > most_travel + extra
    assert balance_bound("stops", 40, longest) == 40 * BALANCE_PER_STOP
    assert balance_bound("minutes", 40, longest) == longest * BALANCE_PER_SECOND


def test_balance_is_a_setting_with_its_choices(tmp_path: Path) -> None:
    (tmp_path / "mealroute.toml").write_text('[day]\nbalance = "fair"\n', encoding="utf-8")
    result = run("validate", tmp_path, "--lang", "en")
    assert result.exit_code == 1
    assert "day.balance" in result.stderr and "minutes" in result.stderr
