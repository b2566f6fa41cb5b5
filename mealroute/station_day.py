"""What one station has to plan on one date, and the plan that reports on it.

:func:`station_days` splits the day's input into one :class:`StationDay` per station:
the planner's input (:mod:`mealroute.planner` solves it in a worker process, see
:mod:`mealroute.parallel`). :func:`station_plan` builds a station's plan from routes
and unserved clients; :func:`failed_station` is the plan of a station that could not
be planned. Nothing here loads OR-Tools, so the process that reads the input and
writes the pack does not wait for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .continuity import Familiar
from .model import (
    Client,
    Dataset,
    Message,
    RejectedRow,
    Route,
    Station,
    StationPlan,
    Trip,
    Unserved,
    Worker,
)
from .settings import Settings


@dataclass(frozen=True)
class StationDay:
    """What one station has to plan on one date."""

    station: Station
    workers: tuple[Worker, ...]
    clients: tuple[Client, ...]  # due on the date
    rejected: tuple[RejectedRow, ...] = ()
    # Usual workers and the latest earlier plan, to stay close to (continuity.py).
    familiar: Familiar | None = None
    # The station's published plan of the day: plan_station then changes it as
    # little as needed (see _replan) instead of planning from scratch.
    previous: StationPlan | None = None
    # With ``previous``: re-plan from this time of day (seconds), mid-round (_replan_at).
    at: int | None = None


def station_days(
    dataset: Dataset, date: dt.date, *, only: Sequence[str] | None = None
) -> tuple[list[StationDay], list[StationPlan]]:
    """Split a dataset into station days.

    Returns the station days to plan and, already finished, one failed
    :class:`StationPlan` per station id that rejected client rows name but the
    stations table does not have (so those clients are still reported).
    """
    wanted = set(only) if only else None
    stations = {s.station_id: s for s in dataset.stations}
    days = [
        StationDay(
            station=station,
            workers=tuple(w for w in dataset.workers if w.station_id == station.station_id),
            clients=tuple(
                c for c in dataset.clients if c.station_id == station.station_id and c.is_due(date)
            ),
            rejected=tuple(r for r in dataset.rejected if r.station_id == station.station_id),
        )
        for station in dataset.stations
        if wanted is None or station.station_id in wanted
    ]
    orphans: dict[str, list[RejectedRow]] = {}
    for row in dataset.rejected:
        if row.station_id not in stations and (wanted is None or row.station_id in wanted):
            orphans.setdefault(row.station_id, []).append(row)
    failed = [
        StationPlan(
            station_id=station_id or "?",
            name="",
            lat=None,
            lon=None,
            routes=(),
            unserved=tuple(_rejected_unserved(row) for row in rows),
            error=Message("station_missing", {"station": station_id})
            if station_id
            else Message("no_station_named"),
        )
        for station_id, rows in orphans.items()
    ]
    return days, failed


def _rejected_unserved(row: RejectedRow) -> Unserved:
    return Unserved(
        client_id=row.client_id,
        name=row.name,
        reason=row.reason,
        care_level=row.care_level,
        address=row.address,
        phone=row.phone,
    )


def unserved_client(client: Client, reason: Message) -> Unserved:
    """A due client on no route, with the reason."""
    return Unserved(
        client_id=client.client_id,
        name=client.name,
        reason=reason,
        care_level=client.care_level,
        lat=client.lat,
        lon=client.lon,
        address=client.address,
        phone=client.phone,
    )


def failed_station(day: StationDay, error: Message, settings: Settings) -> StationPlan:
    """The plan of a station that could not be planned: everyone unserved, saying why.

    Its workers are still listed, each with no delivery.
    """
    reason = Message("station_failed", {"error": error})
    return station_plan(
        day,
        settings,
        routes=(),
        unserved=tuple(unserved_client(c, reason) for c in day.clients),
        error=error,
    )


def worker_route(worker: Worker, trips: Sequence[Trip] = ()) -> Route:
    """The route of a rostered worker with these trips (none: no delivery today)."""
    return Route(
        worker_id=worker.worker_id,
        name=worker.name,
        mode=worker.mode,
        capacity=worker.capacity,
        trips=tuple(trips),
        phone=worker.phone,
        shift=(worker.shift_start, worker.shift_end),
    )


def station_plan(
    day: StationDay,
    settings: Settings,
    *,
    routes: tuple[Route, ...],
    unserved: tuple[Unserved, ...],
    error: Message | None = None,
    solver: dict[str, object] | None = None,
) -> StationPlan:
    """The plan of ``day``'s station with these routes and unserved clients; workers
    without a route are listed with none, rejected rows are unserved."""
    station = day.station
    # Every rostered worker, in roster order: those without trips are idle today.
    busy = {route.worker_id: route for route in routes}
    routes = tuple(busy.get(w.worker_id) or worker_route(w) for w in day.workers)
    return StationPlan(
        station_id=station.station_id,
        name=station.name,
        lat=station.lat,
        lon=station.lon,
        address=station.address,
        phone=station.phone,
        routes=routes,
        unserved=tuple(_rejected_unserved(r) for r in day.rejected) + unserved,
        meals_ready=settings.ready_at(station),
        error=error,
        solver=solver or {},
    )
