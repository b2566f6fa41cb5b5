"""What a re-plan changed: two plans of one day in, per worker what is new out.

:func:`revision` compares the plan a re-plan replaces with the re-plan, worker by
worker: stops added (and from whom), removed (and to whom), kept but at a time more
than :data:`~mealroute.model.RETIME_S` away, and clients kept in another order. It
is what the changes page and the marks on the workers' pages are drawn from, and
what ``replan`` measures itself by (moved clients, changed workers, new times). A
worker whose day is exactly as before is listed as kept, with the plan that gave
them that day, so their page can stay byte for byte what they already have.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from .model import (
    RETIME_S,
    KeptDay,
    Plan,
    Revision,
    Route,
    StationPlan,
    Stop,
    StopChange,
    StopChangeKind,
    WorkerChange,
)

Key = tuple[str, str]  # (station id, worker id)


def _routes(plan: Plan) -> dict[Key, Route]:
    return {(s.station_id, r.worker_id): r for s in plan.stations for r in s.routes}


def _stops(plan: Plan) -> dict[tuple[str, str], tuple[str, Stop]]:
    """(station id, client id) -> (worker id, stop) over every route of ``plan``."""
    return {
        (s.station_id, stop.client_id): (r.worker_id, stop)
        for s in plan.stations
        for r in s.routes
        for stop in r.stops
    }


def _names(plan: Plan) -> Iterator[tuple[tuple[str, str], str]]:
    for station in plan.stations:
        for route in station.routes:
            for stop in route.stops:
                yield (station.station_id, stop.client_id), stop.name
        for unserved in station.unserved:
            yield (station.station_id, unserved.client_id), unserved.name


def revision(old: Plan, new: Plan) -> Revision:
    """What ``new`` changed against ``old`` (stations only one of them has are skipped)."""
    both = {s.station_id for s in old.stations} & {s.station_id for s in new.stations}
    old_routes, new_routes = _routes(old), _routes(new)
    old_stops, new_stops = _stops(old), _stops(new)
    names = dict(_names(old)) | dict(_names(new))
    worker_names = {k: r.name or r.worker_id for k, r in (old_routes | new_routes).items()}
    keys = [k for k in old_routes if k[0] in both]
    keys += [k for k in new_routes if k[0] in both and k not in old_routes]
    workers = []
    kept_days: list[KeptDay] = []
    for key in keys:
        station_id, worker_id = key
        before = [s.client_id for s in old_routes[key].stops] if key in old_routes else []
        after = [s.client_id for s in new_routes[key].stops] if key in new_routes else []
        changes: list[StopChange] = []
        for client_id in after:
            if client_id not in before:
                was = old_stops.get((station_id, client_id))
                changes.append(
                    StopChange(
                        client_id,
                        names.get((station_id, client_id), ""),
                        StopChangeKind.ADDED,
                        before=None if was is None else was[1].start,
                        after=new_stops[(station_id, client_id)][1].start,
                        other="" if was is None else was[0],
                        other_name=""
                        if was is None
                        else worker_names.get((station_id, was[0]), ""),
                    )
                )
        for client_id in before:
            if client_id not in after:
                now = new_stops.get((station_id, client_id))
                changes.append(
                    StopChange(
                        client_id,
                        names.get((station_id, client_id), ""),
                        StopChangeKind.REMOVED,
                        before=old_stops[(station_id, client_id)][1].start,
                        after=None if now is None else now[1].start,
                        other="" if now is None else now[0],
                        other_name=""
                        if now is None
                        else worker_names.get((station_id, now[0]), ""),
                    )
                )
        kept = [c for c in after if c in before]
        for client_id in kept:
            start_before = old_stops[(station_id, client_id)][1].start
            start_after = new_stops[(station_id, client_id)][1].start
            if abs(start_after - start_before) > RETIME_S:
                changes.append(
                    StopChange(
                        client_id,
                        names.get((station_id, client_id), ""),
                        StopChangeKind.RETIMED,
                        before=start_before,
                        after=start_after,
                    )
                )
        reordered = kept != [c for c in before if c in after]
        absent = key in old_routes and key not in new_routes
        if old_routes.get(key) == new_routes.get(key):
            earlier = None if old.revision is None else old.revision.kept_day(*key)
            marked = None if old.revision is None else old.revision.worker(*key)
            kept_days.append(
                earlier or KeptDay(station_id, worker_id, old.plan_id, old.planned_at, marked)
            )
        else:
            name = (new_routes.get(key) or old_routes[key]).name
            workers.append(
                WorkerChange(station_id, worker_id, name, tuple(changes), reordered, absent)
            )
    served_before = {k for k in old_stops if k[0] in both}
    served_after = {k for k in new_stops if k[0] in both}
    return Revision(
        previous_plan_id=old.plan_id,
        previous_planned_at=old.planned_at,
        workers=tuple(workers),
        moved=sum(1 for k in served_before & served_after if old_stops[k][0] != new_stops[k][0]),
        newly_served=len(served_after - served_before),
        no_longer_served=len(served_before - served_after),
        retimed=sum(len(w.of(StopChangeKind.RETIMED)) for w in workers),
        kept=tuple(kept_days),
        colours=tuple(
            (station.station_id, worker_id, index)
            for station in new.stations
            if station.station_id in both
            for worker_id, index in _carried_colours(old, new, station.station_id).items()
        ),
    )


def colour_indices(plan: Plan, station: StationPlan) -> dict[str, int]:
    """Each worker's colour (an index into the map palette) on the station's pages.

    Roster order, unless the plan is a re-plan: then each worker keeps the colour
    they had (see :attr:`Revision.colours`).
    """
    own = (
        {}
        if plan.revision is None
        else {w: i for s, w, i in plan.revision.colours if s == station.station_id}
    )
    colours = {r.worker_id: own[r.worker_id] for r in station.routes if r.worker_id in own}
    free = (i for i in itertools.count() if i not in colours.values())
    for route in station.routes:
        if route.worker_id not in colours:
            colours[route.worker_id] = next(free)
    return colours


def _carried_colours(old: Plan, new: Plan, station_id: str) -> dict[str, int]:
    """The new plan's colours: the old plan's for workers in both, free ones for the rest."""
    old_station = next(s for s in old.stations if s.station_id == station_id)
    new_station = next(s for s in new.stations if s.station_id == station_id)
    before = colour_indices(old, old_station)
    colours = {
        r.worker_id: before[r.worker_id] for r in new_station.routes if r.worker_id in before
    }
    free = (i for i in itertools.count() if i not in colours.values())
    for route in new_station.routes:
        if route.worker_id not in colours:
            colours[route.worker_id] = next(free)
    return colours
