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

from ..clock import format_clock
from ..coords import metres
from ..messages.input import and_list, quoted, weekday_word
from ..model import Client, Dataset, Issue, Message, Severity, Station, Worker
from ..settings import Settings

FAR_KM = 10.0  # a client further than this from its station is probably misplaced
SAME_POINT_M = 5.0  # clients closer than this are at "one point"


def _warning(record: Station | Worker | Client, code: str, **params: object) -> Issue:
    source = record.source
    fallback = {Station: "stations", Worker: "workers", Client: "clients"}[type(record)]
    file, row = (source.file, source.row) if source else (fallback, None)
    return Issue(Severity.WARNING, file, row, None, None, Message(code, params))


def _clients(n: int) -> Message:
    return Message("n_clients", {"n": n})


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f}"


def _swapped(lat: float, lon: float) -> tuple[float, float] | None:
    return (lon, lat) if -90 <= lon <= 90 else None


def _distance_checks(station: Station, clients: list[Client]) -> list[Issue]:
    """Clients far from their station, and coordinates that look swapped."""
    far_m, sid = FAR_KM * 1000, station.station_id
    home = (station.lat, station.lon)
    distance = {c.client_id: metres(home, (c.lat, c.lon)) for c in clients}
    far = [c for c in clients if distance[c.client_id] > far_m]
    swapped_home = _swapped(*home)
    if swapped_home and len(far) * 2 > len(clients):
        near = sum(metres(swapped_home, (c.lat, c.lon)) <= far_m for c in clients)
        if near * 2 > len(clients):
            warning = _warning(
                station,
                "station_swapped",
                station=sid,
                far=len(far),
                clients=_clients(len(clients)),
                km=f"{FAR_KM:g}",
                near=near,
            )
            return [warning]
    issues = []
    for client in far:
        where = {
            "client": client.client_id,
            "distance": _km(distance[client.client_id]),
            "station": sid,
        }
        swapped = _swapped(client.lat, client.lon)
        swapped_m = metres(home, swapped) if swapped else math.inf
        if swapped_m <= far_m:
            issues.append(_warning(client, "client_far_swapped", **where, swapped=_km(swapped_m)))
        else:
            issues.append(_warning(client, "client_far", **where, km=f"{FAR_KM:g}"))
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
            if metres((a.lat, a.lon), (b.lat, b.lon)) <= SAME_POINT_M:
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
        named = and_list(
            [
                Message("client_at_row", {"client": c.client_id, "row": c.source.row})
                if c.source
                else quoted(c.client_id)
                for c in group
            ]
        )
        issues.append(
            _warning(
                group[0],
                "same_point",
                clients=named,
                metres=f"{SAME_POINT_M:g}",
                buildings=len(addresses),
            )
        )
    return issues


def _client_checks(
    client: Client, station: Station, workers: list[Worker], settings: Settings
) -> list[Message]:
    """Window, readiness, load and skills of one client against its station."""
    found = []
    params: dict[str, object]
    cid, sid = client.client_id, station.station_id
    lunch = settings.lunch_window
    start, end = settings.window_of(client)
    service = settings.service_s_of(client) / 60
    window = f"{format_clock(start)}-{format_clock(end)}"
    if end < start:
        lunch_text = "-".join(map(format_clock, lunch))
        params = {"client": cid, "window": window, "lunch": lunch_text}
        found.append(Message("window_inverted", params))
    elif end - start < service * 60:
        params = {
            "client": cid,
            "window": window,
            "minutes": f"{(end - start) / 60:g}",
            "service": f"{service:g}",
        }
        found.append(Message("window_short", params))
    ready = settings.ready_at(station)
    if end < ready:
        params = {
            "client": cid,
            "end": format_clock(end),
            "station": sid,
            "ready": format_clock(ready),
        }
        found.append(Message("window_before_ready", params))
    most = max((worker.capacity for worker in workers), default=None)
    if most is not None and client.meals > most:
        params = {"client": cid, "meals": client.meals, "station": sid, "most": most}
        found.append(Message("meals_over_capacity", params))
    if workers and client.skills and not any(client.skills <= w.skills for w in workers):
        params = {
            "client": cid,
            "skills": sorted(client.skills),
            "station": sid,
            "n": len(client.skills),
        }
        found.append(Message("skills_lacking", params))
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
    day: dict[str, object] = {}
    if date is not None:
        due = [client for client in dataset.clients if client.is_due(date)]
        day = {"date": date.isoformat(), "weekday": weekday_word(date.weekday())}
        first = dataset.clients[0].source if dataset.clients else None
        message = Message(
            "clients_due", {"due": len(due), "clients": _clients(len(dataset.clients)), **day}
        )
        issues.append(
            Issue(Severity.INFO, first.file if first else "clients", None, None, None, message)
        )
    on = "_on" if day else ""
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
        if not workers and clients:
            issues.append(
                _warning(
                    station,
                    f"station_no_workers_clients{on}",
                    station=sid,
                    clients=_clients(len(clients)),
                    **day,
                )
            )
        elif not workers:
            issues.append(_warning(station, "station_no_workers", station=sid))
        if not clients:
            issues.append(_warning(station, f"station_no_clients{on}", station=sid, **day))
        ready = settings.ready_at(station)
        issues.extend(
            _warning(
                worker,
                "shift_ends_before_ready",
                worker=worker.worker_id,
                end=format_clock(worker.shift_end),
                station=sid,
                ready=format_clock(ready),
            )
            for worker in workers
            if worker.shift_end <= ready
        )
        issues.extend(_distance_checks(station, all_by_station[sid]))
        for client in clients:
            issues.extend(
                _warning(client, message.code, **message.params)
                for message in _client_checks(client, station, workers, settings)
            )
    issues.extend(_same_point_checks(dataset.clients))
    return tuple(issues)
