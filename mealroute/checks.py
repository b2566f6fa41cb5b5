"""The checks across rows behind ``mealroute validate``.

:func:`validate_dataset` takes what :func:`mealroute.load.dataset_from_dir` read and
looks across its rows: coordinates that look swapped, clients far from their station
or at one point with different addresses, windows and loads that cannot be served,
workers whose shift ends before lunch is ready, stations with no workers or clients.
Every finding is a warning (and, for a date, one info): the data can still be planned.

Messages quote ids, never a name, address or phone number.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from .clock import format_clock
from .model import WEEKDAYS, Client, Dataset, Issue, Station, Worker
from .settings import Settings
from .tables import count

FAR_KM = 10.0  # a client further than this from its station is probably misplaced
SAME_POINT_M = 5.0  # clients closer than this are at "one point"


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine; plenty for 5 m and 10 km checks)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def _warning(record: Station | Worker | Client, message: str) -> Issue:
    source = record.source
    fallback = {Station: "stations", Worker: "workers", Client: "clients"}[type(record)]
    file, row = (source.file, source.row) if source else (fallback, None)
    return Issue("warning", file, row, None, None, message)


def _swapped(lat: float, lon: float) -> tuple[float, float] | None:
    return (lon, lat) if -90 <= lon <= 90 else None


def _distance_checks(station: Station, clients: list[Client]) -> list[Issue]:
    """Clients far from their station, and coordinates that look swapped."""
    far_m, sid = FAR_KM * 1000, station.station_id
    home = (station.lat, station.lon)
    distance = {c.client_id: _metres(home, (c.lat, c.lon)) for c in clients}
    far = [c for c in clients if distance[c.client_id] > far_m]
    swapped_home = _swapped(*home)
    if swapped_home and len(far) * 2 > len(clients):
        near = sum(_metres(swapped_home, (c.lat, c.lon)) <= far_m for c in clients)
        if near * 2 > len(clients):
            message = (
                f"station {sid!r}: latitude and longitude look swapped; {len(far)} of its "
                f"{count(len(clients), 'client')} are more than {FAR_KM:g} km away, and "
                f"{near} would be within {FAR_KM:g} km with the two swapped"
            )
            return [_warning(station, message)]
    issues = []
    for client in far:
        where = (
            f"client {client.client_id!r} is {distance[client.client_id] / 1000:.1f} km "
            f"from station {sid!r}"
        )
        swapped = _swapped(client.lat, client.lon)
        swapped_m = _metres(home, swapped) if swapped else math.inf
        if swapped_m <= far_m:
            message = (
                f"{where}; its latitude and longitude look swapped "
                f"(swapped, it would be {swapped_m / 1000:.1f} km away)"
            )
        else:
            message = f"{where} (more than {FAR_KM:g} km); check its latitude and longitude"
        issues.append(_warning(client, message))
    return issues


# The part of an address inside a building: 3单元502, 5层, 502室, 3号楼 2-301.
_INSIDE_BUILDING = re.compile(r"(\d+(单元|层|楼层|室|户|号房).*|(?<=[楼栋幢座])[\d-]+)$")


def _building(address: str) -> str:
    """The address up to its building: people in one building share a point."""
    return _INSIDE_BUILDING.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", address)))


def _same_point_checks(clients: Iterable[Client]) -> list[Issue]:
    """Groups of clients within SAME_POINT_M of each other but with different addresses."""
    points = sorted(clients, key=lambda c: (c.lat, c.lon))
    parent = list(range(len(points)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    lat_step = SAME_POINT_M / 111_000  # degrees of latitude; a bit more than 5 m
    for i, a in enumerate(points):
        for j in range(i + 1, len(points)):
            b = points[j]
            if b.lat - a.lat > lat_step:
                break
            if _metres((a.lat, a.lon), (b.lat, b.lon)) <= SAME_POINT_M:
                parent[root(j)] = root(i)
    groups: dict[int, list[Client]] = defaultdict(list)
    for i, client in enumerate(points):
        groups[root(i)].append(client)
    issues = []
    for group in groups.values():
        addresses = {_building(client.address) for client in group}
        addresses.discard("")
        if len(addresses) < 2:
            continue
        group.sort(key=lambda c: (c.source.file, c.source.row) if c.source else ("", 0))
        named = ", ".join(
            f"{c.client_id!r}" + (f" (row {c.source.row})" if c.source else "") for c in group
        )
        message = (
            f"clients {named} are at one point (within {SAME_POINT_M:g} m) but live in "
            f"{len(addresses)} different buildings; the coordinates probably mark a compound "
            "or street, not each home"
        )
        issues.append(_warning(group[0], message))
    return issues


def _client_checks(
    client: Client, station: Station, workers: list[Worker], settings: Settings
) -> list[str]:
    """Window, readiness, load and skills of one client against its station."""
    found = []
    cid, sid = client.client_id, station.station_id
    lunch = settings.lunch_window
    start = lunch[0] if client.window_start is None else client.window_start
    end = lunch[1] if client.window_end is None else client.window_end
    service = client.service_min
    if service is None:
        service = settings.service_min[client.care_level]
    window = f"{format_clock(start)}-{format_clock(end)}"
    if end < start:
        found.append(
            f"client {cid!r}: the delivery window {window} ends before it starts; the missing "
            f"bound comes from the default lunch window {'-'.join(map(format_clock, lunch))}"
        )
    elif end - start < service * 60:
        found.append(
            f"client {cid!r}: the delivery window {window} ({(end - start) / 60:g} min) "
            f"is shorter than the service time ({service:g} min)"
        )
    ready = settings.meals_ready if station.meals_ready is None else station.meals_ready
    if end < ready:
        found.append(
            f"client {cid!r} wants lunch by {format_clock(end)}, but station {sid!r} has it "
            f"ready only at {format_clock(ready)}"
        )
    most = max((worker.capacity for worker in workers), default=None)
    if most is not None and client.meals > most:
        found.append(
            f"client {cid!r} needs {client.meals} meals, but the workers of station {sid!r} "
            f"carry at most {most} per trip"
        )
    if workers and client.skills and not any(client.skills <= w.skills for w in workers):
        them = "it" if len(client.skills) == 1 else "all of them"
        found.append(
            f"client {cid!r} needs {', '.join(sorted(client.skills))}, but no worker of "
            f"station {sid!r} has {them}"
        )
    return found


def validate_dataset(
    dataset: Dataset, *, date: dt.date | None = None, settings: Settings | None = None
) -> tuple[Issue, ...]:
    """Checks across rows, as warnings, for ``mealroute validate``.

    Parameters
    ----------
    dataset
        What :func:`dataset_from_dir` read.
    date
        When given, only the clients due that day are checked for what depends on
        the day (windows, loads, skills, stations without clients), and an
        ``"info"`` issue says how many are due.
    settings
        For the default lunch window, service times and meals-ready time
        (the defaults when not given).

    Returns
    -------
    tuple of Issue
        Warnings (and the one info): coordinates that look swapped, clients more
        than ``FAR_KM`` from their station, clients at one point with different
        addresses, windows shorter than the service time or ending before lunch is
        ready, clients needing more meals than any worker carries or skills no
        worker has, workers whose shift ends before lunch is ready, stations with
        no workers or no clients.
    """
    settings = settings or Settings()
    issues: list[Issue] = []
    due = list(dataset.clients)
    on_day = ""
    if date is not None:
        due = [client for client in dataset.clients if client.is_due(date)]
        on_day = f" due on {date.isoformat()} ({WEEKDAYS[date.weekday()]})"
        first = dataset.clients[0].source if dataset.clients else None
        message = f"{len(due)} of {count(len(dataset.clients), 'client')} are{on_day}"
        issues.append(Issue("info", first.file if first else "clients", None, None, None, message))
    all_by_station: dict[str, list[Client]] = defaultdict(list)
    for client in dataset.clients:
        all_by_station[client.station_id].append(client)
    due_by_station: dict[str, list[Client]] = defaultdict(list)
    for client in due:
        due_by_station[client.station_id].append(client)
    workers_by_station: dict[str, list[Worker]] = defaultdict(list)
    for worker in dataset.workers:
        workers_by_station[worker.station_id].append(worker)

    for station in dataset.stations:
        sid = station.station_id
        workers, clients = workers_by_station[sid], due_by_station[sid]
        if not workers:
            message = f"station {sid!r} has no workers"
            if clients:
                message += f"; its {count(len(clients), 'client')}{on_day} cannot be served"
            issues.append(_warning(station, message))
        if not clients:
            issues.append(_warning(station, f"station {sid!r} has no clients{on_day}"))
        ready = settings.meals_ready if station.meals_ready is None else station.meals_ready
        issues.extend(
            _warning(
                worker,
                f"worker {worker.worker_id!r}'s shift ends at {format_clock(worker.shift_end)}, "
                f"before lunch is ready at station {sid!r} ({format_clock(ready)})",
            )
            for worker in workers
            if worker.shift_end <= ready
        )
        issues.extend(_distance_checks(station, all_by_station[sid]))
        for client in clients:
            issues.extend(
                _warning(client, message)
                for message in _client_checks(client, station, workers, settings)
            )
    issues.extend(_same_point_checks(dataset.clients))
    return tuple(issues)
