"""A station's day: who is served, who is not and the checked reason why."""

from __future__ import annotations

import datetime as dt

import pytest
from geopy.distance import geodesic

from mealroute.model import CareLevel, Client, Mode, Station, Worker
from mealroute.planner import RAN_OUT, plan_station
from mealroute.settings import Settings
from mealroute.station_day import StationDay

TUESDAY = dt.date(2026, 12, 1)
STATION = Station("S1", "station", 36.6650, 117.0200)
REPRODUCIBLE = Settings(reproducible=True, work_limit=200)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def at_minutes(minutes: float, mode: Mode, *, bearing: float = 90.0, s: Settings = REPRODUCIBLE):
    """A (lat, lon) that is ``minutes`` of travel from the station by ``mode``."""
    road_m = minutes * 60 * s.speed_m_per_s(mode)
    point = geodesic(meters=road_m / s.detour(mode)).destination(
        (STATION.lat, STATION.lon), bearing
    )
    return point.latitude, point.longitude


def worker(
    wid: str = "W1",
    *,
    mode: Mode = Mode.EBIKE,
    capacity: int = 8,
    skills: frozenset[str] = frozenset(),
    shift: tuple[str, str] = ("09:00", "14:00"),
) -> Worker:
    return Worker(wid, f"worker {wid}", "S1", mode, capacity, hm(shift[0]), hm(shift[1]), skills)


def client(
    cid: str,
    *,
    minutes: float = 5,
    mode: Mode = Mode.EBIKE,
    bearing: float = 90.0,
    level: CareLevel = CareLevel.SEMI_DISABLED,
    **fields: object,
) -> Client:
    lat, lon = at_minutes(minutes, mode, bearing=bearing)
    return Client(cid, f"client {cid}", "S1", lat, lon, level, **fields)  # type: ignore[arg-type]


def plan(workers: list[Worker], clients: list[Client], settings: Settings = REPRODUCIBLE):
    return plan_station(StationDay(STATION, tuple(workers), tuple(clients)), TUESDAY, settings)


def reasons(result) -> dict[str, str]:
    return {u.client_id: u.reason.text("en") for u in result.unserved}


def test_everyone_close_is_served_in_one_trip() -> None:
    result = plan([worker()], [client(f"C{i}", minutes=3 + i, bearing=40 * i) for i in range(4)])
    assert result.unserved == ()
    (route,) = result.routes
    (trip,) = route.trips
    assert len(trip.stops) == 4
    assert trip.depart >= hm("10:30")  # not before meals are ready
    assert all(hm("11:00") <= stop.start <= hm("12:30") for stop in trip.stops)


def test_missing_skill_is_the_reason_when_no_worker_has_it() -> None:
    result = plan([worker()], [client("C1", skills=frozenset({"female"}))])
    assert reasons(result) == {"C1": "no worker with skill female"}


def test_skilled_worker_serves_the_client_who_needs_the_skill() -> None:
    workers = [worker("W1"), worker("W2", skills=frozenset({"female"}))]
    result = plan(workers, [client("C1", skills=frozenset({"female"}))])
    assert result.unserved == ()
    assert [r.worker_id for r in result.busy_routes] == ["W2"]


def test_unreachable_window_reports_the_earliest_arrival() -> None:
    # Meals ready 10:30, 48 minutes away by e-bike: earliest arrival 11:18.
    c = client("C1", minutes=48, window_start=hm("11:00"), window_end=hm("11:10"))
    result = plan([worker()], [c])
    assert reasons(result) == {"C1": "window 11:00–11:10 cannot be reached: earliest arrival 11:18"}


def test_too_far_for_the_one_hour_food_rule() -> None:
    c = client("C1", minutes=75, mode=Mode.WALK)
    result = plan([worker(mode=Mode.WALK)], [c])
    assert reasons(result) == {
        "C1": "75 min from the station (on foot); meals must be served within 60 min of leaving"
    }


def test_couple_needing_more_meals_than_any_trip_carries() -> None:
    result = plan([worker(capacity=1)], [client("C1", meals=2)])
    assert reasons(result) == {"C1": "needs 2 meals; a trip carries at most 1"}


def test_cannot_be_back_before_shift_end() -> None:
    w = worker(shift=("10:00", "11:20"))
    result = plan([w], [client("C1", minutes=20, window_start=hm("11:00"), window_end=hm("12:00"))])
    assert reasons(result) == {
        "C1": "cannot be back at the station by shift end 11:20 (earliest back 11:25)"
    }


def test_station_without_workers_leaves_everyone_unserved_with_the_reason() -> None:
    result = plan([], [client("C1"), client("C2")])
    assert reasons(result) == {
        "C1": "station S1 has no workers",
        "C2": "station S1 has no workers",
    }


def test_disabled_clients_are_the_last_to_be_left_out() -> None:
    # One worker, one trip of 2 meals, no time for a second trip: of three clients
    # at the same spot only two can be served; the "other" one is left out.
    w = worker(capacity=2, shift=("10:30", "11:40"))
    clients = [
        client("OTHER", minutes=10, level=CareLevel.OTHER),
        client("DISABLED", minutes=10, level=CareLevel.DISABLED),
        client("SEMI", minutes=10, level=CareLevel.SEMI_DISABLED),
    ]
    result = plan([w], clients)
    assert reasons(result) == {"OTHER": RAN_OUT.text("en")}


@pytest.mark.parametrize("level", [CareLevel.OTHER, CareLevel.SEMI_DISABLED])
def test_a_disabled_client_is_served_before_anyone_else(level: CareLevel) -> None:
    # Time for one trip of one meal only; B alone would fit (back 11:25).
    w = worker(capacity=1, shift=("10:30", "11:30"))
    clients = [
        client("A", minutes=5, level=level),
        client("B", minutes=15, level=CareLevel.DISABLED),
    ]
    result = plan([w], clients)
    assert [u.client_id for u in result.unserved] == ["A"]


def test_several_trips_with_reload_time_between_them() -> None:
    settings = Settings(reproducible=True, work_limit=200, reload_min=7)
    clients = [client(f"C{i}", minutes=4, bearing=90 * i) for i in range(4)]
    result = plan([worker(capacity=2)], clients, settings)
    assert result.unserved == ()
    trips = result.routes[0].trips
    assert len(trips) == 2
    assert trips[1].depart - trips[0].return_ >= 7 * 60
    assert all(trip.meals <= 2 for trip in trips)


def test_food_served_within_an_hour_of_leaving_even_with_waiting() -> None:
    clients = [
        client("EARLY", minutes=10, window_start=hm("11:00"), window_end=hm("11:05")),
        client("LATE", minutes=12, bearing=100, window_start=hm("12:20"), window_end=hm("12:30")),
    ]
    result = plan([worker()], clients)
    assert result.unserved == ()
    for trip in result.routes[0].trips:
        assert all(stop.start - trip.depart <= 3600 for stop in trip.stops)
    assert len(result.routes[0].trips) == 2


def test_a_late_meals_ready_moves_the_food_safety_limit() -> None:
    station = Station("S1", "station", STATION.lat, STATION.lon, meals_ready=hm("11:00"))
    c = client("C1", minutes=5, window_start=hm("13:10"), window_end=hm("13:30"))
    day = StationDay(station, (worker(),), (c,))
    result = plan_station(day, TUESDAY, REPRODUCIBLE)
    assert reasons(result) == {
        "C1": "window 13:10–13:30 starts after the food-safety limit 13:00 "
        "(meals ready 11:00 + 120 min)"
    }


def test_stops_show_the_window_the_client_asked_for() -> None:
    # Meals ready 10:15: no meal after 12:15 (food safety), but the worker is shown
    # the client's own window, and the service still starts by 12:15.
    station = Station("S1", "station", STATION.lat, STATION.lon, meals_ready=hm("10:15"))
    c = client("C1", minutes=5, window_start=hm("12:00"), window_end=hm("12:30"))
    result = plan_station(StationDay(station, (worker(),), (c,)), TUESDAY, REPRODUCIBLE)
    (stop,) = result.routes[0].trips[0].stops
    assert stop.window == (hm("12:00"), hm("12:30"))
    assert stop.start <= hm("12:15")
