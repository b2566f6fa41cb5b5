"""The planner against exact optima: the small stations of the station benchmark.

``benchmarks/instances/s01`` … ``s12`` are station days of 7 to 9 due clients made by
``mealroute sample``. Their lexicographic optimum (most disabled clients served, then
semi-disabled, then others, then least travel) was proved by CP-SAT (``tests/exact.py``,
a model that shares nothing with the planner's) and is stored with its visiting orders
in ``benchmarks/results/stations_best.json``. Solving them again takes up to a minute
and a half each, so the tests read the stored optimum, and first check that it is a
real plan: the independent checker passes it, and its counts and travel are what the
store says.

Then each station is planned as a coordinator plans it (the CLI, reproducible mode),
the plan passes the checker, and it serves exactly as many clients of every care level
as the optimum. Travel is compared too: the planner can never beat a proved optimum
(that would mean the oracle and the rules disagree), and it must stay near it.
Random small stations against CP-SAT itself are in ``test_plan_rules.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from mealroute import planner, station_day
from mealroute.model import CareLevel
from mealroute.settings import Settings

from .checker import assert_valid_plan
from .conftest import REPO, checked_plan, run
from .exact import served_in

INSTANCES = REPO / "benchmarks" / "instances"
BEST = REPO / "benchmarks" / "results" / "stations_best.json"
DATE = dt.date(2026, 12, 1)
SMALL = [f"s{k:02d}" for k in range(1, 13)]
# Reproducible mode with ten times the default work: about as long as the default
# 2 s search on these stations. At the default work (100) all 12 serve as the
# optimum does, 9 of 12 at its travel, s07 +36% (benchmarks/README.md).
WORK = 1000
TRAVEL_SLACK = 0.01  # how far above the optimum's travel a plan may be


def optimum(name: str) -> dict[str, Any]:
    known = json.loads(BEST.read_text("utf-8"))[name]
    assert known["proved"], f"{name}: the stored best is not a proved optimum"
    return known


def travel_of(station: dict[str, Any]) -> int:
    return sum(route["travel_s"] for route in station["routes"])


@pytest.mark.parametrize("name", SMALL)
def test_the_stored_optimum_is_a_real_plan(name: str) -> None:
    from mealroute.model import Plan
    from mealroute.planjson import plan_to_dict
    from mealroute.read.load import dataset_from_dir

    known = optimum(name)
    folder = INSTANCES / name
    dataset = dataset_from_dir(folder)
    (day,), _ = station_day.station_days(dataset, DATE)
    settings = Settings.for_data_dir(folder)
    station = planner.plan_from_orders(day, DATE, settings, known["orders"])
    document = plan_to_dict(Plan(date=DATE, stations=(station,), settings=settings.to_dict()))
    assert_valid_plan(document, dataset.clients, dataset.workers, dataset.stations, settings)
    (station_doc,) = document["stations"]
    assert list(served_in(station_doc)) == known["served"]
    assert travel_of(station_doc) == known["travel_s"]
    assert len(day.clients) == known["due"]


@pytest.mark.parametrize("name", SMALL)
def test_a_small_station_serves_as_many_of_each_care_level_as_the_optimum(
    name: str, tmp_path: Path
) -> None:
    known = optimum(name)
    folder = INSTANCES / name
    out = tmp_path / "out"
    result = run(
        "plan", folder, "--date", DATE.isoformat(), "--out", out, "--quiet",
        "--reproducible", "--work-limit", str(WORK),
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    settings = Settings.for_data_dir(folder).replace(reproducible=True, work_limit=WORK)
    document = checked_plan(out, folder, settings, date=DATE)
    (station,) = document["stations"]
    assert list(served_in(station)) == known["served"], (
        f"{name}: served (disabled, semi-disabled, other) {list(served_in(station))}, "
        f"the optimum serves {known['served']}"
    )
    travel = travel_of(station)
    assert travel >= known["travel_s"], f"{name}: beats a proved optimum: rules and oracle differ"
    assert travel <= known["travel_s"] * (1 + TRAVEL_SLACK), (
        f"{name}: travel {travel} s, the optimum {known['travel_s']} s"
    )


def test_a_medium_station_with_time_for_more_fills_it_from_several_starts(tmp_path: Path) -> None:
    # m07: 33 clients due, three workers, everyone's window 11:00-12:30. One search
    # from one first solution settled with 6 of the 18 semi-disabled clients served
    # (its routes for the disabled left no room), and searching longer did not get
    # out; the best known plan serves 14. The descents from several first solutions
    # (SearchParams.descents) find routes with room for them (benchmarks/README.md).
    folder = INSTANCES / "m07"
    known = json.loads(BEST.read_text("utf-8"))["m07"]
    out = tmp_path / "out"
    result = run(
        "plan", folder, "--date", DATE.isoformat(), "--out", out, "--quiet", "--reproducible",
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    settings = Settings.for_data_dir(folder).replace(reproducible=True)
    (station,) = checked_plan(out, folder, settings, date=DATE)["stations"]
    # plan.json says where the plan came from: reproducible mode runs three descents
    # after the first solution's, and names the one that won.
    assert station["solver"]["descents"] == 1 + planner.REPRODUCIBLE_DESCENTS
    starts = (planner.FIRST_SOLUTION, *planner.DESCENTS[: planner.REPRODUCIBLE_DESCENTS])
    assert station["solver"]["first_solution"] in starts
    disabled, semi, _ = served_in(station)
    assert disabled == known["served"][0]
    assert semi >= known["served"][1] - 2, f"m07: {semi} semi-disabled served, best known {known}"


def test_a_one_second_search_runs_only_the_first_descents(tmp_path: Path) -> None:
    # At --time-limit 1 the search of a larger station tries two further starts, not
    # six: six leave guided local search too little of the second (benchmarks/README.md).
    folder = INSTANCES / "m07"
    out = tmp_path / "out"
    result = run("plan", folder, "--date", DATE.isoformat(), "--out", out, "--quiet",
                 "--time-limit", "1")  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    settings = Settings.for_data_dir(folder).replace(time_limit_s=1.0)
    (station,) = checked_plan(out, folder, settings, date=DATE)["stations"]
    assert 1 <= station["solver"]["descents"] <= 1 + planner.SHORT_DESCENTS
    starts = (planner.FIRST_SOLUTION, *planner.DESCENTS[: planner.SHORT_DESCENTS])
    assert station["solver"]["first_solution"] in starts
    disabled, _, _ = served_in(station)
    assert disabled == json.loads(BEST.read_text("utf-8"))["m07"]["served"][0]


@pytest.mark.xfail(
    strict=True,
    reason="known gap (issue 7): the planner serves the heavy disabled client C5 where "
    "the optimum serves the far disabled C3 together with the semi-disabled C0 on one "
    "trip; no single move of the local search gets from one to the other",
)
def test_known_gap_a_far_pair_against_one_heavy_client() -> None:
    # Found by the random-station property test against CP-SAT (test_plan_rules.py).
    from mealroute.model import Client, Mode, Worker

    from .exact import exact_optimum
    from .test_plan_rules import STATION, plan_of

    nine, ten, noon, half_past = 9 * 3600, 10 * 3600, 12 * 3600, 11 * 3600 + 1800
    workers = [
        Worker("W0", "w0", "S1", Mode.EBIKE, 2, nine, noon),
        Worker("W1", "w1", "S1", Mode.WALK, 1, nine, noon),
        Worker("W2", "w2", "S1", Mode.WALK, 1, ten, noon),
    ]
    semi, disabled = CareLevel.SEMI_DISABLED, CareLevel.DISABLED
    lunch = {"window_start": half_past, "window_end": noon}
    clients = [
        Client("C0", "c0", "S1", 36.69967, 117.02075, semi, **lunch),
        Client("C1", "c1", "S1", 36.66545, 117.02, disabled),
        Client("C2", "c2", "S1", 36.66545, 117.02, disabled),
        Client("C3", "c3", "S1", 36.69286, 117.02, disabled),
        Client("C4", "c4", "S1", 36.66545, 117.02002, disabled),
        Client("C5", "c5", "S1", 36.65756, 117.03813, disabled, meals=2, **lunch),
    ]
    settings = Settings(reproducible=True, work_limit=WORK)
    best = exact_optimum(STATION, workers, clients, settings, seconds_per_stage=20)
    assert best.proved
    assert best.served == (4, 1, 0)
    (station,) = plan_of(workers, clients, settings)["stations"]
    assert served_in(station) == best.served
