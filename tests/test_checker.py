"""The plan checker accepts a hand-made valid plan and catches each kind of broken one.

The fixture is two small stations in Jinan. A tiny timeline builder stands in for the
planner: it walks each trip with the travel model, waits for windows and fills in
every derived number through ``plan_to_dict``. Each test then breaks one rule, either
in the input the plan is built from or in the finished plan, and asserts that the
checker names that rule.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any

import pytest
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mealroute.model import (
    CareLevel,
    Client,
    Mode,
    Plan,
    Route,
    Station,
    StationPlan,
    Stop,
    Trip,
    Unserved,
    Worker,
    diet_of,
)
from mealroute.planjson import plan_to_dict
from mealroute.settings import Settings
from tests.checker import (
    assert_valid_plan,
    check_plan,
    priority_inversions,
    road_leg,
    servable_alone,
)
from tests.plan_factory import plain

DATE = dt.date(2025, 3, 3)  # a Monday
SETTINGS = Settings()


def hm(hours: int, minutes: int = 0) -> int:
    return hours * 3600 + minutes * 60


S1 = Station("S1", "历下社工站", 36.6700, 117.0000, meals_ready=hm(10, 40))
S2 = Station("S2", "历城社工站", 36.6800, 117.0300)  # meals ready at the default 10:30
STATIONS = (S1, S2)

W1 = Worker("W1", "张敏", "S1", Mode.BIKE, capacity=2, shift_start=hm(10), shift_end=hm(13))
W2 = Worker(
    "W2",
    "李娜",
    "S1",
    Mode.EBIKE,
    capacity=3,
    shift_start=hm(10, 30),
    shift_end=hm(13),
    skills=frozenset({"nursing"}),
)
W3 = Worker("W3", "王强", "S2", Mode.WALK, capacity=2, shift_start=hm(10), shift_end=hm(13))
WORKERS = (W1, W2, W3)

C1 = Client(
    "C1",
    "赵桂兰",
    "S1",
    36.6740,
    117.0040,
    CareLevel.DISABLED,
    window_start=hm(11),
    window_end=hm(11, 40),
    phone="13800000001",
    address="经十路1号",
)
C2 = Client(
    "C2", "钱秀英", "S1", 36.6760, 117.0010, CareLevel.SEMI_DISABLED, diet=diet_of(["soft"])
)
C3 = Client("C3", "孙建国", "S1", 36.6650, 116.9950, CareLevel.OTHER, meals=2)
C4 = Client(
    "C4",
    "周玉兰",
    "S1",
    36.6720,
    117.0080,
    CareLevel.DISABLED,
    service_min=12,
    skills=frozenset({"nursing"}),
    notes="上楼",
)
C5 = Client("C5", "吴德明", "S2", 36.6830, 117.0320, CareLevel.DISABLED)
C6 = Client("C6", "郑淑珍", "S2", 36.6780, 117.0280, CareLevel.OTHER, days=frozenset({5}))
C7 = Client("C7", "冯志强", "S2", 36.6850, 117.0270, CareLevel.OTHER, skills=frozenset({"nursing"}))
CLIENTS = (C1, C2, C3, C4, C5, C6, C7)
REJECTED = ("R1",)  # a row of S2 the loader rejected

W2_DEPART = hm(10, 45)
BASE_ROUTES: dict[str, list[tuple[str, list[tuple[int, list[str]]]]]] = {
    "S1": [
        ("W1", [(hm(10, 40), ["C1", "C2"]), (hm(11, 30), ["C3"])]),
        ("W2", [(W2_DEPART, ["C4"])]),
    ],
    "S2": [("W3", [(hm(10, 30), ["C5"])])],
}
BASE_UNSERVED: dict[str, list[tuple[str, str]]] = {
    "S2": [
        ("C7", "no worker of the station has the skill nursing"),
        ("R1", "clients.csv, row 9: no location"),
    ],
}


# ----------------------------------------------------------------------------- builder


def build_trip(
    station: Station, worker: Worker, clients: Sequence[Client], depart: int, settings: Settings
) -> Trip:
    """A trip leaving at ``depart`` and visiting ``clients`` in order, waiting for windows."""
    speed = settings.speed_kmh[worker.mode] * 1000 / 3600
    point, clock, stops = (station.lat, station.lon), depart, []

    def leg(a: tuple[float, float], b: tuple[float, float]) -> tuple[int, int]:
        metres = geodesic(a, b).meters * settings.detour(worker.mode)
        return round(metres / speed), round(metres)

    for client in clients:
        travel_s, distance_m = leg(point, (client.lat, client.lon))
        window = (
            settings.lunch_window[0] if client.window_start is None else client.window_start,
            settings.lunch_window[1] if client.window_end is None else client.window_end,
        )
        minutes = (
            settings.service_min[client.care_level]
            if client.service_min is None
            else client.service_min
        )
        arrive = clock + travel_s
        start = max(arrive, window[0])
        clock = start + round(minutes * 60)
        stops.append(
            Stop(
                client_id=client.client_id,
                name=client.name,
                lat=client.lat,
                lon=client.lon,
                arrive=arrive,
                start=start,
                depart=clock,
                travel_s=travel_s,
                distance_m=distance_m,
                meals=client.meals,
                diet=client.diet,
                care_level=client.care_level,
                window=window,
                address=client.address,
                phone=client.phone,
                notes=client.notes,
                skills=client.skills,
            )
        )
        point = (client.lat, client.lon)
    back_s, back_m = leg(point, (station.lat, station.lon))
    return Trip(
        depart=depart,
        return_=clock + back_s,
        stops=tuple(stops),
        return_travel_s=back_s,
        return_distance_m=back_m,
    )


def _idle(worker: Worker) -> Route:
    return Route(
        worker_id=worker.worker_id,
        name=worker.name,
        mode=worker.mode,
        capacity=worker.capacity,
        phone=worker.phone,
        trips=(),
        shift=(worker.shift_start, worker.shift_end),
    )


def build_plan(
    *,
    routes: dict[str, list[tuple[str, list[tuple[int, list[str]]]]]] | None = None,
    unserved: dict[str, list[tuple[str, str]]] | None = None,
    stations: Sequence[Station] = STATIONS,
    workers: Sequence[Worker] = WORKERS,
    clients: Sequence[Client] = CLIENTS,
    settings: Settings = SETTINGS,
) -> Plan:
    """The plan with ``routes`` (station -> [(worker, [(depart, client ids)])])."""
    routes = BASE_ROUTES if routes is None else routes
    unserved = BASE_UNSERVED if unserved is None else unserved
    worker_by_id = {w.worker_id: w for w in workers}
    client_by_id = {c.client_id: c for c in clients}
    plans = []
    for station in stations:
        station_routes = []
        roster = {w.worker_id for w in workers if w.station_id == station.station_id}
        routed = {w for trips in routes.values() for w, _ in trips}
        for worker_id, trips in routes.get(station.station_id, []):
            worker = worker_by_id[worker_id]
            station_routes.append(
                Route(
                    worker_id=worker.worker_id,
                    name=worker.name,
                    mode=worker.mode,
                    capacity=worker.capacity,
                    phone=worker.phone,
                    trips=tuple(
                        build_trip(
                            station, worker, [client_by_id[c] for c in ids], depart, settings
                        )
                        for depart, ids in trips
                    ),
                )
            )
        station_unserved = []
        for client_id, reason in unserved.get(station.station_id, []):
            client = client_by_id.get(client_id)
            station_unserved.append(
                Unserved(client_id=client_id, name="", reason=plain(reason))
                if client is None
                else Unserved(
                    client_id=client_id,
                    name=client.name,
                    reason=plain(reason),
                    care_level=client.care_level,
                    lat=client.lat,
                    lon=client.lon,
                    address=client.address,
                    phone=client.phone,
                )
            )
        plans.append(
            StationPlan(
                station_id=station.station_id,
                name=station.name,
                lat=station.lat,
                lon=station.lon,
                routes=(
                    *station_routes,
                    *(_idle(worker_by_id[w]) for w in sorted(roster - routed)),
                ),
                unserved=tuple(station_unserved),
                meals_ready=station.meals_ready,
            )
        )
    return Plan(date=DATE, stations=tuple(plans), settings=settings.to_dict())


def violations(
    plan: Plan | dict[str, Any],
    *,
    stations: Sequence[Station] = STATIONS,
    workers: Sequence[Worker] = WORKERS,
    clients: Sequence[Client] = CLIENTS,
    settings: Settings = SETTINGS,
    date: dt.date | None = DATE,
    rejected_ids: Sequence[str] = REJECTED,
) -> list[str]:
    doc = plan_to_dict(plan) if isinstance(plan, Plan) else plan
    doc = json.loads(json.dumps(doc))  # exactly what a reader of plan.json sees
    return check_plan(
        doc, clients, workers, stations, settings, date=date, rejected_ids=rejected_ids
    )


def only(found: list[str], *needles: str) -> None:
    """Every violation found mentions one of ``needles``, and each needle is found."""
    assert found, "the checker found nothing"
    for needle in needles:
        assert any(needle in v for v in found), f"no {needle!r} in {found}"
    strays = [v for v in found if not any(needle in v for needle in needles)]
    assert not strays, f"unexpected violations: {strays}"


def replace_client(client: Client, **changes: Any) -> tuple[Client, ...]:
    changed = dataclasses.replace(client, **changes)
    return tuple(changed if c.client_id == client.client_id else c for c in CLIENTS)


def replace_worker(worker: Worker, **changes: Any) -> tuple[Worker, ...]:
    changed = dataclasses.replace(worker, **changes)
    return tuple(changed if w.worker_id == worker.worker_id else w for w in WORKERS)


def edit_stop(plan: Plan, client_id: str, **changes: Any) -> Plan:
    """``plan`` with the stop of ``client_id`` changed; derived totals follow."""

    def trip_with(trip: Trip) -> Trip:
        stops = tuple(
            dataclasses.replace(s, **changes) if s.client_id == client_id else s for s in trip.stops
        )
        return dataclasses.replace(trip, stops=stops)

    return _map_trips(plan, trip_with)


def edit_trip(plan: Plan, client_id: str, **changes: Any) -> Plan:
    """``plan`` with the trip that visits ``client_id`` changed."""

    def trip_with(trip: Trip) -> Trip:
        visits = any(s.client_id == client_id for s in trip.stops)
        return dataclasses.replace(trip, **changes) if visits else trip

    return _map_trips(plan, trip_with)


def _map_trips(plan: Plan, change: Any) -> Plan:
    stations = tuple(
        dataclasses.replace(
            sp,
            routes=tuple(
                dataclasses.replace(r, trips=tuple(change(t) for t in r.trips)) for r in sp.routes
            ),
        )
        for sp in plan.stations
    )
    return dataclasses.replace(plan, stations=stations)


def find_stop(plan: Plan, client_id: str) -> Stop:
    return next(
        s
        for sp in plan.stations
        for r in sp.routes
        for t in r.trips
        for s in t.stops
        if s.client_id == client_id
    )


def find_trip(plan: Plan, worker_id: str, index: int) -> Trip:
    return next(r for sp in plan.stations for r in sp.routes if r.worker_id == worker_id).trips[
        index
    ]


# ----------------------------------------------------------------------------- valid


def test_the_hand_made_plan_is_valid() -> None:
    plan = build_plan()
    assert violations(plan) == []
    assert_valid_plan(
        plan_to_dict(plan), CLIENTS, WORKERS, STATIONS, SETTINGS, date=DATE, rejected_ids=REJECTED
    )
    assert priority_inversions(plan_to_dict(plan), CLIENTS) == []


def test_the_hand_made_plan_waits_and_reloads() -> None:
    # The fixture exercises the interesting paths: waiting for a window, two trips.
    plan = build_plan()
    c1 = find_stop(plan, "C1")
    assert c1.start == hm(11) > c1.arrive
    first, second = find_trip(plan, "W1", 0), find_trip(plan, "W1", 1)
    assert second.depart - first.return_ >= SETTINGS.reload_min * 60


def test_road_leg_follows_the_hand_computed_travel_model() -> None:
    # 0.01 degrees of latitude near 36.67 N is 1109.7 m on the WGS-84 meridian.
    metres, seconds = road_leg((36.67, 117.0), (36.68, 117.0), mode=Mode.WALK, settings=SETTINGS)
    assert metres == pytest.approx(1109.7 * 1.3, abs=0.5)
    assert seconds == pytest.approx(1109.7 * 1.3 / (4 / 3.6), abs=0.5)
    _, by_car = road_leg((36.67, 117.0), (36.68, 117.0), mode=Mode.CAR, settings=SETTINGS)
    assert by_car == pytest.approx(seconds / 5)


def test_a_station_with_nobody_routed_is_valid() -> None:
    unserved = {
        "S1": [(c, "no worker available") for c in ("C1", "C2", "C3", "C4")],
        "S2": [("C5", "no worker available"), *BASE_UNSERVED["S2"]],
    }
    assert violations(build_plan(routes={}, unserved=unserved)) == []


# ----------------------------------------------------------------------------- schema, header


def test_schema_violation_is_reported_alone() -> None:
    doc = plan_to_dict(build_plan())
    del doc["stations"][0]["routes"][0]["trips"][0]["stops"][0]["arrive"]
    found = violations(doc)
    only(found, "schema:")
    assert "arrive" in found[0]


def test_plan_for_another_date() -> None:
    only(violations(build_plan(), date=dt.date(2025, 3, 4)), "expected date")


def test_plan_made_with_other_settings() -> None:
    found = violations(build_plan(), settings=Settings(detour_factor=1.5))
    assert any("settings in the plan differ" in v for v in found)
    assert any("leg distance" in v for v in found)


# ----------------------------------------------------------------------------- timing


def test_service_starts_after_window_end() -> None:
    clients = replace_client(C2, window_start=hm(11), window_end=hm(11, 5))
    found = violations(build_plan(clients=clients), clients=clients)
    only(found, "after window end")


def test_service_starts_before_window_start() -> None:
    plan = build_plan()
    c4 = find_stop(plan, "C4")
    early = c4.arrive - c4.start  # serve on arrival instead of waiting for 11:00
    plan = edit_stop(plan, "C4", start=c4.arrive, depart=c4.depart + early)
    plan = edit_trip(plan, "C4", return_=find_trip(plan, "W2", 0).return_ + early)
    only(violations(plan), "before window start")


def test_service_starts_before_arrival() -> None:
    plan = build_plan()
    c1 = find_stop(plan, "C1")
    plan = edit_stop(plan, "C1", arrive=c1.start + 60)
    found = violations(plan)
    only(found, "before arrival", "is not the previous departure")


def test_wrong_leg_travel_time() -> None:
    plan = build_plan()
    c4 = find_stop(plan, "C4")  # it waits anyway, so only the leg is wrong
    plan = edit_stop(plan, "C4", travel_s=c4.travel_s + 90, arrive=c4.arrive + 90)
    only(violations(plan), "leg travel time")


def test_wrong_leg_distance() -> None:
    plan = build_plan()
    metres = find_trip(plan, "W1", 1).return_distance_m
    plan = edit_trip(plan, "C3", return_distance_m=metres + 25)
    only(violations(plan), "leg distance")


def test_arrival_not_previous_departure_plus_travel() -> None:
    plan = build_plan()
    c2 = find_stop(plan, "C2")
    plan = edit_stop(plan, "C2", arrive=c2.arrive - 30)  # it still starts on arrival + 30 s
    only(violations(plan), "is not the previous departure")


def test_service_time_too_short() -> None:
    plan = build_plan()
    c4 = find_stop(plan, "C4")  # 12 minutes of the client's own, not the default 10
    trip = find_trip(plan, "W2", 0)
    plan = edit_stop(plan, "C4", depart=c4.start + 10 * 60)
    plan = edit_trip(plan, "C4", return_=trip.return_ - 2 * 60)
    only(violations(plan), "expected start")


def test_return_not_last_departure_plus_travel() -> None:
    plan = build_plan()
    plan = edit_trip(plan, "C5", return_=find_trip(plan, "W3", 0).return_ + 40)
    only(violations(plan), "return")


@given(
    index=st.integers(min_value=0, max_value=4),
    key=st.sampled_from(["arrive", "start", "depart"]),
    delta=st.integers(min_value=2, max_value=3600) | st.integers(min_value=-3600, max_value=-2),
)
@hypothesis_settings(max_examples=60, deadline=None)
def test_any_moved_stop_time_is_caught(index: int, key: str, delta: int) -> None:
    plan = build_plan()
    stop_ids = ["C1", "C2", "C3", "C4", "C5"]
    stop = find_stop(plan, stop_ids[index])
    assert violations(edit_stop(plan, stop.client_id, **{key: getattr(stop, key) + delta}))


# ----------------------------------------------------------------------------- food safety


def test_food_safety_breached_by_waiting() -> None:
    # Leaving at 10:45 for a client whose window opens at 11:50: 65 minutes in the box.
    clients = replace_client(C4, window_start=hm(11, 50), window_end=hm(12, 30))
    found = violations(build_plan(clients=clients), clients=clients)
    only(found, "food safety: service starts 65.0 min after the trip left")


def test_food_safety_breached_long_after_meals_ready() -> None:
    # Meals ready 10:40; the second trip leaves 12:40, so C3 is served after 12:40.
    clients = replace_client(C3, window_start=hm(12), window_end=hm(13))
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"][0] = ("W1", [(hm(10, 40), ["C1", "C2"]), (hm(12, 40), ["C3"])])
    found = violations(build_plan(routes=routes, clients=clients), clients=clients)
    only(found, "after meals_ready (max_min_after_ready 120)")


# ----------------------------------------------------------------------------- trips


def with_w1_trips(trips: list[tuple[int, list[str]]]) -> dict[str, Any]:
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"][0] = ("W1", trips)
    return routes


def test_capacity_exceeded() -> None:
    plan = build_plan(routes=with_w1_trips([(hm(10, 40), ["C1", "C2", "C3"])]))
    only(violations(plan), "carries 4 meals, over the worker's capacity 2")


def test_trip_meals_not_the_sum_of_stops() -> None:
    doc = plan_to_dict(build_plan())
    doc["stations"][0]["routes"][0]["trips"][0]["meals"] += 1
    only(violations(doc), "not the sum of its stops' meals")


def test_trips_overlap() -> None:
    back = find_trip(build_plan(), "W1", 0).return_
    plan = build_plan(routes=with_w1_trips([(hm(10, 40), ["C1", "C2"]), (back - 60, ["C3"])]))
    only(violations(plan), "trips overlap")


def test_reload_too_short() -> None:
    back = find_trip(build_plan(), "W1", 0).return_
    plan = build_plan(routes=with_w1_trips([(hm(10, 40), ["C1", "C2"]), (back + 120, ["C3"])]))
    only(violations(plan), "reload needs 300 s")


def test_back_after_shift_end() -> None:
    workers = replace_worker(W1, shift_end=hm(11, 40))
    only(violations(build_plan(workers=workers), workers=workers), "after shift end")


def test_leaves_before_meals_ready() -> None:
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"][1] = ("W2", [(hm(10, 35), ["C4"])])  # meals at S1 are ready at 10:40
    only(violations(build_plan(routes=routes)), "before meals_ready 10:40:00")


def test_leaves_before_shift_start() -> None:
    workers = replace_worker(W3, shift_start=hm(10, 45))
    only(violations(build_plan(workers=workers), workers=workers), "before shift start")


# ----------------------------------------------------------------------------- who goes where


def test_missing_client() -> None:
    plan = build_plan(routes=with_w1_trips([(hm(10, 40), ["C1"]), (hm(11, 30), ["C3"])]))
    only(violations(plan), "client C2 of station S1 is due on mon but is missing")


def test_client_twice() -> None:
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"][1] = ("W2", [(hm(10, 45), ["C4", "C2"])])
    only(violations(build_plan(routes=routes)), "client C2 appears more than once")


def test_client_both_routed_and_unserved() -> None:
    unserved = {"S1": [("C1", "no time")], **BASE_UNSERVED}
    only(violations(build_plan(unserved=unserved)), "client C1 appears more than once")


def test_served_by_another_stations_worker() -> None:
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"][0] = ("W1", [(hm(10, 40), ["C1", "C2"])])
    routes["S1"].append(("W3", [(hm(10, 40), ["C3"])]))
    routes["S2"] = []
    unserved = {"S2": [("C5", "no worker available"), *BASE_UNSERVED["S2"]]}
    only(
        violations(build_plan(routes=routes, unserved=unserved)),
        "worker W3 belongs to station S2, not to station S1",
        "client of station S1 is served by worker W3 of station S2",
        "station S1: workers is 3, the input has 2",
        "station S2: workers is 0, the input has 1",
        "station S2: rostered worker W3 is missing",
    )


def test_client_listed_under_another_station() -> None:
    unserved = {"S1": [("C5", "too far")], "S2": BASE_UNSERVED["S2"]}
    routes = {**BASE_ROUTES, "S2": []}
    only(
        violations(build_plan(routes=routes, unserved=unserved)),
        "client C5 of station S2 is listed under station S1",
    )


def test_worker_with_two_routes() -> None:
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"] = [("W1", [(hm(10, 40), ["C1", "C2"])]), ("W2", [(hm(10, 45), ["C4"])])]
    routes["S1"].append(("W1", [(hm(11, 30), ["C3"])]))
    only(
        violations(build_plan(routes=routes)),
        "worker W1 has 2 routes",
        "station S1: workers is 3, the input has 2",
    )


def test_route_mode_and_capacity_must_match_the_worker() -> None:
    plan = build_plan()
    s1 = plan.stations[0]
    w2 = dataclasses.replace(s1.routes[1], mode=Mode.CAR, capacity=9)
    plan = dataclasses.replace(
        plan, stations=(dataclasses.replace(s1, routes=(s1.routes[0], w2)), plan.stations[1])
    )
    only(violations(plan), "route mode 'car'", "route capacity 9")


def test_unknown_worker() -> None:
    stranger = Worker("W9", "陈", "S1", Mode.BIKE, 3, hm(10), hm(13))
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"][1] = ("W9", [(hm(10, 45), ["C4"])])
    plan = build_plan(routes=routes, workers=(*WORKERS, stranger))
    found = violations(plan)
    assert any("unknown worker W9" in v for v in found)


def test_skill_missing() -> None:
    # C4 needs nursing; W1 has no skills.
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"] = [
        ("W1", [(hm(10, 40), ["C4"]), (hm(11, 30), ["C3"])]),
        ("W2", [(hm(10, 45), ["C1", "C2"])]),
    ]
    only(violations(build_plan(routes=routes)), "worker W1 lacks the skills ['nursing']")


def test_client_not_due_appears() -> None:
    unserved = {"S2": [*BASE_UNSERVED["S2"], ("C6", "not today")]}
    only(violations(build_plan(unserved=unserved)), "client C6 is not due on mon 2025-03-03")


def test_client_not_due_routed() -> None:
    routes = {**BASE_ROUTES, "S2": [("W3", [(hm(10, 30), ["C5", "C6"])])]}
    only(violations(build_plan(routes=routes)), "client C6 is not due")


def test_unknown_client() -> None:
    stranger = Client("C99", "陈", "S1", 36.671, 117.001, CareLevel.OTHER)
    routes = copy.deepcopy(BASE_ROUTES)
    routes["S1"][1] = ("W2", [(hm(10, 45), ["C4", "C99"])])
    plan = build_plan(routes=routes, clients=(*CLIENTS, stranger))
    only(violations(plan), "unknown client C99")


def test_rejected_row_must_be_unserved() -> None:
    unserved = {"S2": [BASE_UNSERVED["S2"][0]]}
    only(violations(build_plan(unserved=unserved)), "rejected row of client R1 is missing")


def test_unserved_needs_a_reason() -> None:
    unserved = {"S2": [("C7", "   "), BASE_UNSERVED["S2"][1]]}
    only(violations(build_plan(unserved=unserved)), "unserved client C7 has an empty reason")


def test_station_missing_from_plan() -> None:
    plan = build_plan(stations=(S1,))
    found = violations(plan)
    assert any("station S2 of the input is missing from the plan" in v for v in found)
    assert any("client C5 of station S2 is due on mon but is missing" in v for v in found)


def test_every_rostered_worker_is_listed_once() -> None:
    plan = build_plan()
    s1 = plan.stations[0]
    without_w2 = dataclasses.replace(s1, routes=s1.routes[:1])
    plan = dataclasses.replace(plan, stations=(without_w2, plan.stations[1]))
    only(
        violations(plan),
        "station S1: rostered worker W2 is missing",
        "station S1: workers is 1, the input has 2",
        "client C4 of station S1 is due",
    )


def test_a_reason_must_be_a_known_message() -> None:
    doc = plan_to_dict(build_plan())
    doc["stations"][1]["unserved"][0]["reason"] = {"code": "no_such_reason", "params": {}}
    only(violations(doc), "has a reason 'no_such_reason' that cannot be said in zh")


def test_failed_station_must_not_have_routes() -> None:
    plan = build_plan()
    s2 = dataclasses.replace(plan.stations[1], error=plain("cannot plan"))
    plan = dataclasses.replace(plan, stations=(plan.stations[0], s2))
    only(violations(plan), "station S2: has an error but a worker still has trips")


# ----------------------------------------------------------------------------- copied data, totals


def test_stop_data_must_match_the_input() -> None:
    plan = edit_stop(build_plan(), "C2", diet=diet_of(["halal"]), meals=3)
    found = violations(plan)
    assert any("stop diet differs from the input (['halal'], input ['soft'])" in v for v in found)
    assert any("stop meals differs" in v for v in found)


def test_stop_messages_do_not_reveal_personal_data() -> None:
    plan = edit_stop(build_plan(), "C1", name="某某", phone="13900000000", address="某路")
    found = violations(plan)
    only(found, "stop name differs", "stop phone differs", "stop address differs")
    assert not any("13800000001" in v or "赵桂兰" in v for v in found)


def test_stop_location_must_match_the_input() -> None:
    only(violations(edit_stop(build_plan(), "C3", lat=36.0)), "stop lat/lon differ")


def test_station_sums_must_add_up() -> None:
    doc = plan_to_dict(build_plan())
    doc["stations"][0]["travel_s"] += 5
    doc["stations"][1]["served"] = 0
    only(violations(doc), "station S1: travel_s is", "station S2: served is 0")


def test_route_sums_must_add_up() -> None:
    doc = plan_to_dict(build_plan())
    doc["stations"][0]["routes"][1]["distance_m"] += 5
    doc["stations"][0]["distance_m"] += 5
    doc["totals"]["distance_m"] += 5
    only(violations(doc), "route distance_m")


def test_plan_totals_must_add_up() -> None:
    doc = plan_to_dict(build_plan())
    doc["totals"]["meals"] += 1
    doc["totals"]["unserved"] = 0
    only(violations(doc), "totals: meals", "totals: unserved")


def test_assert_valid_plan_lists_every_violation() -> None:
    doc = plan_to_dict(build_plan())
    doc["totals"]["meals"] += 1
    doc["totals"]["served"] += 1
    with pytest.raises(AssertionError, match=r"2 rule\(s\)") as raised:
        assert_valid_plan(doc, CLIENTS, WORKERS, STATIONS, SETTINGS, rejected_ids=REJECTED)
    assert "totals: meals" in str(raised.value)
    assert "totals: served" in str(raised.value)


def test_input_with_a_repeated_id_is_refused() -> None:
    with pytest.raises(ValueError, match="client id 'C1' twice"):
        check_plan(plan_to_dict(build_plan()), (*CLIENTS, C1), WORKERS, STATIONS, SETTINGS)


# ----------------------------------------------------------------------------- priority


def test_priority_inversion_disabled_left_out() -> None:
    # At S2, C5 is served and C7 unserved; make C7 disabled and C5 other.
    clients = replace_client(C7, care_level=CareLevel.DISABLED)
    clients = tuple(
        dataclasses.replace(c, care_level=CareLevel.OTHER) if c.client_id == "C5" else c
        for c in clients
    )
    doc = plan_to_dict(build_plan(clients=clients))
    found = priority_inversions(doc, clients)
    assert len(found) == 1
    assert "disabled client C7 is unserved" in found[0]
    assert "other client C5" in found[0]


def test_priority_inversion_excused_when_nobody_could_serve_the_client() -> None:
    # C7 needs nursing and S2's only worker lacks it: out for a reason of their own.
    clients = replace_client(C7, care_level=CareLevel.DISABLED)
    clients = tuple(
        dataclasses.replace(c, care_level=CareLevel.OTHER) if c.client_id == "C5" else c
        for c in clients
    )
    doc = plan_to_dict(build_plan(clients=clients))
    context: dict[str, Any] = {"workers": WORKERS, "stations": STATIONS, "settings": SETTINGS}
    assert priority_inversions(doc, clients, **context) == []
    # Without the skill requirement W3 could have served C7: an inversion again.
    clients = tuple(
        dataclasses.replace(c, skills=frozenset()) if c.client_id == "C7" else c for c in clients
    )
    doc = plan_to_dict(build_plan(clients=clients))
    assert len(priority_inversions(doc, clients, **context)) == 1


def test_servable_alone() -> None:
    assert servable_alone(C1, W1, S1, SETTINGS)
    assert not servable_alone(C4, W1, S1, SETTINGS)  # skill
    assert not servable_alone(dataclasses.replace(C3, meals=3), W1, S1, SETTINGS)  # capacity
    # The window closes before meals are ready at 10:40.
    early = dataclasses.replace(C2, window_start=hm(10), window_end=hm(10, 30))
    assert not servable_alone(early, W1, S1, SETTINGS)
    # Serving at 12:55 is inside the window but the shift ends at 13:00.
    late = dataclasses.replace(C2, window_start=hm(12, 55), window_end=hm(13, 30))
    relaxed = Settings(max_min_after_ready=240)
    assert not servable_alone(late, W1, S1, relaxed)
    assert servable_alone(late, dataclasses.replace(W1, shift_end=hm(14)), S1, relaxed)
    # ... and at 12:55 the meals have been ready for 135 minutes.
    assert not servable_alone(late, dataclasses.replace(W1, shift_end=hm(14)), S1, SETTINGS)


def test_priority_inversion_semi_disabled_left_out() -> None:
    unserved = {"S1": [("C2", "no time")], **BASE_UNSERVED}
    routes = with_w1_trips([(hm(10, 40), ["C1"]), (hm(11, 30), ["C3"])])
    doc = plan_to_dict(build_plan(routes=routes, unserved=unserved))
    found = priority_inversions(doc, CLIENTS)
    assert found == [
        "station S1: semi-disabled client C2 is unserved while 1 lower-priority client(s) "
        "are served, e.g. other client C3"
    ]
    assert violations(doc) == []  # an inversion is not a hard violation


def test_rejected_rows_are_not_priority_inversions() -> None:
    doc = plan_to_dict(build_plan())
    assert priority_inversions(doc, CLIENTS) == []


# ----------------------------------------------------------------------------- rounding


@pytest.mark.parametrize("rounding", [math.floor, math.ceil])
def test_a_leg_rounded_either_way_is_accepted(rounding: Any) -> None:
    plan = build_plan()
    c4 = find_stop(plan, "C4")  # the worker waits at C4, so the leg can move a second
    metres, seconds = road_leg((S1.lat, S1.lon), (C4.lat, C4.lon), mode=W2.mode, settings=SETTINGS)
    travel_s = rounding(seconds)
    plan = edit_stop(
        plan, "C4", travel_s=travel_s, distance_m=rounding(metres), arrive=W2_DEPART + travel_s
    )
    assert c4.start == hm(11)
    assert violations(plan) == []


def test_a_leg_two_metres_off_is_caught() -> None:
    plan = build_plan()
    metres, _ = road_leg((S1.lat, S1.lon), (C4.lat, C4.lon), mode=W2.mode, settings=SETTINGS)
    plan = edit_stop(plan, "C4", distance_m=round(metres) + 2)
    only(violations(plan), "leg distance")


def test_a_plan_at_an_unknown_station_is_caught() -> None:
    ghost = Station("S9", "幽灵站", 36.66, 117.01)
    plan = build_plan(stations=(*STATIONS, ghost))
    only(violations(plan), "station S9 is not in the input")
