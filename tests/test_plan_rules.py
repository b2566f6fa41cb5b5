"""Every rule, checked by the independent checker on real planner output.

The sample city through the CLI, hand-made stations whose best plan is known, and
Hypothesis-generated random stations.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mealroute.day import plan_dataset
from mealroute.model import CareLevel, Client, Mode, Station, Worker
from mealroute.planjson import plan_to_dict
from mealroute.read.load import dataset_from_dir
from mealroute.settings import Settings

from .checker import assert_valid_plan
from .conftest import SAMPLE, read_plan, run
from .exact import exact_optimum, served_in

TUESDAY = dt.date(2026, 12, 1)
SATURDAY = dt.date(2026, 12, 5)


@pytest.mark.parametrize("date", [TUESDAY, SATURDAY])
def test_the_sample_plan_keeps_every_rule(tmp_path: Path, date: dt.date) -> None:
    out = tmp_path / "out"
    result = run(
        "plan", SAMPLE, "--date", date.isoformat(), "--out", out,
        "--reproducible", "--work-limit", "30", "--jobs", "2",
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    plan = read_plan(out)
    dataset = dataset_from_dir(SAMPLE)
    used = Settings(reproducible=True, work_limit=30)
    assert_valid_plan(plan, dataset.clients, dataset.workers, dataset.stations, used, date=date)
    served = plan["totals"]["served"]
    assert served >= 0.95 * plan["totals"]["clients"]  # the sample is built to be servable


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


STATION = Station("S1", "station", 36.6650, 117.0200)


def at(metres: float, bearing: float) -> tuple[float, float]:
    point = geodesic(meters=metres).destination((STATION.lat, STATION.lon), bearing)
    return point.latitude, point.longitude


def plan_of(workers: list[Worker], clients: list[Client], used: Settings) -> dict:
    from mealroute.model import Dataset

    dataset = Dataset((STATION,), tuple(workers), tuple(clients))
    plan = plan_dataset(dataset, TUESDAY, used, isolate=False)
    document = plan_to_dict(plan)
    assert_valid_plan(document, clients, workers, (STATION,), used, date=TUESDAY)
    return document


def test_known_optimum_one_worker_visits_a_line_in_order() -> None:
    # Three clients due east at 300, 600 and 900 m (geodesic): the best trip goes
    # out to the far one and back, 1800 m x 1.3 of road, visiting them in order
    # (either way round: the legs are the same).
    used = Settings(reproducible=True, work_limit=100)
    clients = [Client(f"C{k}", f"c{k}", "S1", *at(300 * k, 90), CareLevel.OTHER) for k in (3, 1, 2)]
    worker = Worker("W1", "w", "S1", Mode.BIKE, 5, hm("09:00"), hm("14:00"))
    document = plan_of([worker], clients, used)
    (trip,) = document["stations"][0]["routes"][0]["trips"]
    assert [s["client_id"] for s in trip["stops"]] in (["C1", "C2", "C3"], ["C3", "C2", "C1"])
    assert document["totals"]["distance_m"] == pytest.approx(1800 * 1.3, abs=3)


def test_known_optimum_each_worker_takes_their_side() -> None:
    # Two clusters, west and east, all wanting lunch 11:00-11:15: no worker can do
    # both (back from one side at 11:11, reload 5 min), so one cluster each.
    used = Settings(reproducible=True, work_limit=100)
    window = {"window_start": hm("11:00"), "window_end": hm("11:15")}
    clients = [
        Client("E1", "e1", "S1", *at(800, 90), CareLevel.OTHER, **window),
        Client("E2", "e2", "S1", *at(850, 92), CareLevel.OTHER, **window),
        Client("W1", "w1", "S1", *at(800, 270), CareLevel.OTHER, **window),
        Client("W2", "w2", "S1", *at(850, 268), CareLevel.OTHER, **window),
    ]
    workers = [Worker(f"K{k}", "w", "S1", Mode.EBIKE, 2, hm("10:00"), hm("12:00")) for k in (1, 2)]
    document = plan_of(workers, clients, used)
    groups = sorted(
        sorted(s["client_id"][0] for t in r["trips"] for s in t["stops"])
        for r in document["stations"][0]["routes"]
    )
    assert groups == [["E", "E"], ["W", "W"]]


SKILLS = st.sampled_from(["female", "wheelchair"])


@st.composite
def stations(draw: st.DrawFn) -> tuple[list[Worker], list[Client]]:
    n_workers = draw(st.integers(1, 3))
    workers = []
    for k in range(n_workers):
        start = draw(st.sampled_from(["09:00", "10:00", "10:45"]))
        end = draw(st.sampled_from(["12:00", "12:45", "14:00"]))
        workers.append(
            Worker(
                f"W{k}", f"w{k}", "S1", draw(st.sampled_from(list(Mode))),
                draw(st.integers(1, 6)), hm(start), hm(end),
                frozenset(draw(st.sets(SKILLS, max_size=2))),
            )
        )  # fmt: skip
    clients = []
    for k in range(draw(st.integers(1, 8))):
        lat, lon = at(draw(st.floats(50, 4000)), draw(st.floats(0, 360)))
        window = draw(
            st.sampled_from([None, ("11:00", "11:20"), ("11:30", "12:00"), ("12:10", "12:30")])
        )
        clients.append(
            Client(
                f"C{k}", f"c{k}", "S1", lat, lon, draw(st.sampled_from(list(CareLevel))),
                window_start=None if window is None else hm(window[0]),
                window_end=None if window is None else hm(window[1]),
                meals=draw(st.sampled_from([1, 1, 1, 2])),
                skills=frozenset(draw(st.sets(SKILLS, max_size=1))),
                days=draw(st.sampled_from([frozenset(range(7)), frozenset({0, 2, 4})])),
            )
        )  # fmt: skip
    return workers, clients


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stations())
def test_random_stations_keep_every_rule(case: tuple[list[Worker], list[Client]]) -> None:
    workers, clients = case
    used = Settings(reproducible=True, work_limit=40)
    document = plan_of(workers, clients, used)
    due = [c for c in clients if c.is_due(TUESDAY)]
    assert document["totals"]["clients"] == len(due)
    # Against the exact optimum (CP-SAT, a model that shares nothing with the
    # planner's; tests/exact.py): never fewer disabled clients, and never better
    # than the optimum (that would mean the planner and the oracle read the rules
    # differently). Equal on every level is not yet true of every station: see
    # test_exact.py's known gap.
    best = exact_optimum(STATION, workers, due, used, seconds_per_stage=20, travel_stage=False)
    assert best.proved, "CP-SAT did not prove the optimum in time: make the station smaller"
    (station,) = document["stations"]
    served = served_in(station)
    assert served[0] == best.served[0], f"served {served}, the optimum serves {best.served}"
    assert served <= best.served, f"served {served}, more than the optimum {best.served}"
