"""One station's day: from its workers and due clients to a checked plan.

``plan_station`` is the whole path for one station: check each client against
each worker (who *could* serve them at all, and if nobody can, why), build the
routing problem, solve it, turn the solution into trips with times, and check
every rule again on the result before it is returned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .clock import format_clock, format_window
from .errors import SolverError
from .model import (
    CareLevel,
    Client,
    Continuity,
    FaceChange,
    Message,
    Route,
    Station,
    StationPlan,
    Stop,
    Trip,
    Worker,
)
from .roads.engine import UNREACHABLE_M, travel_source
from .schedule import ScheduleError, TripTimes, schedule_trips
from .settings import Settings
from .solver import (
    Keep,
    RoutingProblem,
    SearchParams,
    Solution,
    SolvedTrip,
    Vehicle,
    balance_bound,
    solve,
)
from .station_day import (
    StationDay,
    station_plan,
    unserved_client,
    worker_route,
)
from .travel import Matrices, TravelSource

# Search settings chosen from benchmarks/README.md (Solomon, 5 s and 30 s).
FIRST_SOLUTION = "PARALLEL_CHEAPEST_INSERTION"
METAHEURISTIC = "GUIDED_LOCAL_SEARCH"
OPERATORS: tuple[str, ...] = ()  # local-search operators beyond OR-Tools' defaults
# Further starts for the descents that open every search (SearchParams.descents), in
# the order they run: the fastest and most often best first (benchmarks/README.md).
DESCENTS = (
    "PATH_CHEAPEST_ARC",
    "LOCAL_CHEAPEST_INSERTION",
    "SEQUENTIAL_CHEAPEST_INSERTION",
    "SAVINGS",
    "GLOBAL_CHEAPEST_ARC",
    "LOCAL_CHEAPEST_ARC",
)
REPRODUCIBLE_DESCENTS = 3  # of DESCENTS in reproducible mode, where each runs to its end
# A search shorter than this runs only the first SHORT_DESCENTS of DESCENTS: at 1 s
# all six leave guided local search too little time (31 stations at 1 s, two runs:
# 45 and 48 semi-disabled clients short with two, 61 and 62 with six; the same at 2 s).
SHORT_SEARCH_S = 2.0
SHORT_DESCENTS = 2
MAX_TRIPS = 12  # per worker and day, a cap on what _reach finds can fit
SMALL_VISITS = 12  # clients for the solver: up to this, a second start (search_params)
SELECT_FACTOR = 2  # a huge station's solver sees this x what its workers can reach
RUNAWAY_LIMIT_S = 600.0  # reproducible mode: the work limit decides, this only guards
BRANCHES_PER_STEP = 100  # reproducible mode: search-tree branches allowed per work step

RAN_OUT = Message("ran_out")
# Which reason to show when workers disagree on why they cannot serve a client:
# timing reasons first (they carry the earliest arrival), then capacity ones.
_REASON_RANK = (
    "off_road",
    "station_off_road",
    "no_road_route",
    "window_unreachable",
    "window_unreachable_food",
    "window_after_food_limit",
    "back_after_shift",
    "too_far",
    "too_many_meals",
)


def _meals_ready(station: Station, settings: Settings) -> int:
    return settings.ready_at(station)


# ------------------------------------------------------------------ the rules
@dataclass(frozen=True)
class _Rules:
    """The per-client numbers every rule is checked with."""

    ready: int
    windows: tuple[tuple[int, int], ...]  # effective: also food safety after meals_ready
    asked: tuple[tuple[int, int], ...]  # as the client asked (shown to the worker)
    service: tuple[int, ...]
    max_age: int
    reload: int
    latest: int  # no meal is served after this (meals_ready + max_min_after_ready)

    @classmethod
    def build(cls, day: StationDay, settings: Settings) -> _Rules:
        ready = _meals_ready(day.station, settings)
        latest = ready + round(settings.max_min_after_ready * 60)
        windows = []
        asked = []
        service = []
        for c in day.clients:
            start, end = settings.window_of(c)
            windows.append((start, min(end, latest)))
            asked.append((start, end))
            service.append(settings.service_s_of(c))
        return cls(
            ready=ready,
            windows=tuple(windows),
            asked=tuple(asked),
            service=tuple(service),
            max_age=round(settings.max_min_after_departure * 60),
            reload=round(settings.reload_min * 60),
            latest=latest,
        )

    def of_trips(self, worker: Worker, matrices: Matrices) -> dict[str, Any]:
        """The rules of one worker's trips, as :func:`schedule_trips` takes them
        (station-wide nodes: 0 the station, i + 1 client i)."""
        return {
            "travel": matrices.travel_s[worker.mode],
            "service": (0, *self.service),
            "windows": ((0, 0), *self.windows),
            "earliest": max(self.ready, worker.shift_start),
            "latest_return": worker.shift_end,
            "reload": self.reload,
            "max_age": self.max_age,
        }


def _why_not(
    i: int, client: Client, worker: Worker, rules: _Rules, matrices: Matrices, settings: Settings
) -> Message | None:
    """Why ``worker`` alone could never serve client ``i`` (``None``: they could)."""
    node = i + 1
    missing = client.skills - worker.skills
    if missing:
        return Message("skill_missing", {"skills": sorted(missing)})
    if client.meals > worker.capacity:
        return Message("too_many_meals", {"meals": client.meals, "capacity": worker.capacity})
    road = _road_problem(node, worker, matrices, settings)
    if road is not None:
        return road
    travel = int(matrices.travel_s[worker.mode][0, node])
    window_start, window_end = rules.windows[i]
    window = format_window(*rules.asked[i])
    if travel > rules.max_age:
        return Message(
            "too_far",
            {"minutes": round(travel / 60), "mode": str(worker.mode), "limit": rules.max_age // 60},
        )
    if window_start > window_end:
        return Message(
            "window_after_food_limit",
            {
                "window": window,
                "limit": format_clock(window_end),
                "ready": format_clock(rules.ready),
                "after": settings.max_min_after_ready,
            },
        )
    arrival = max(rules.ready, worker.shift_start) + travel
    if arrival > window_end:
        earliest = format_clock(arrival, round_up=True)
        if window_end == rules.asked[i][1]:
            return Message("window_unreachable", {"window": window, "earliest": earliest})
        return Message(
            "window_unreachable_food",
            {"window": window, "limit": format_clock(window_end), "earliest": earliest},
        )
    back = (
        max(arrival, window_start) + rules.service[i] + int(matrices.travel_s[worker.mode][node, 0])
    )
    if back > worker.shift_end:
        return Message(
            "back_after_shift",
            {
                "shift_end": format_clock(worker.shift_end),
                "back": format_clock(back, round_up=True),
            },
        )
    return None


def _road_problem(
    node: int, worker: Worker, matrices: Matrices, settings: Settings
) -> Message | None:
    """On a road network: a door or the station too far from any road, or no road between."""
    if matrices.off_road_m is not None:
        off = matrices.off_road_m[worker.mode]
        limit = round(settings.snap_m)
        if off[0] > settings.snap_m:
            return Message("station_off_road", {"metres": round(off[0]), "limit": limit})
        if off[node] > settings.snap_m:
            return Message("off_road", {"metres": round(off[node]), "limit": limit})
    metres = matrices.distance_m[worker.mode]
    if metres[0, node] >= UNREACHABLE_M or metres[node, 0] >= UNREACHABLE_M:
        return Message("no_road_route", {"mode": str(worker.mode)})
    return None


def _drop_penalties(
    clients: Sequence[Client], workers: Sequence[Worker], *, extra: int = 0
) -> dict[CareLevel, int]:
    """Penalties that make the objective lexicographic.

    Leaving out one client of a level costs more than all travel there can be (plus
    ``extra``, the most the balance term can add) plus leaving out every client of
    the lower levels, so disabled clients are the last to be left out, then
    semi-disabled; among equal service, travel (and balance) decides.
    """
    bound = sum(max(1, w.shift_end - w.shift_start) for w in workers) + extra + 1
    count = {level: sum(1 for c in clients if c.care_level == level) for level in CareLevel}
    other = bound
    semi = count[CareLevel.OTHER] * other + bound
    disabled = count[CareLevel.SEMI_DISABLED] * semi + count[CareLevel.OTHER] * other + bound
    return {CareLevel.OTHER: other, CareLevel.SEMI_DISABLED: semi, CareLevel.DISABLED: disabled}


# ------------------------------------------------------------------ planning
def plan_station(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
    """Plan one station's day.

    Every due client of the station ends up on exactly one trip or in
    ``unserved`` with a reason from a real check.

    Raises
    ------
    SolverError
        If the solver fails or its result breaks a rule (a bug; the caller reports
        the station as failed).
    """
    not_due = [c.client_id for c in day.clients if not c.is_due(date)]
    if not_due:
        raise ValueError(f"clients {not_due!r} are not due on {date}; use station_days()")
    clients = day.clients
    if not clients:
        return station_plan(day, settings, routes=(), unserved=())
    if not day.workers:
        reason = Message("no_workers", {"station": day.station.station_id})
        return station_plan(
            day, settings, routes=(), unserved=tuple(unserved_client(c, reason) for c in clients)
        )
    if day.previous is not None and day.at is not None:
        return _replan_at(day, date, settings)
    prepared = _Prepared.build(day, settings)
    # Only clients some worker could serve go to the solver (the others have a reason).
    candidates = prepared.candidates
    solution = None
    if candidates and day.previous is not None:
        return _replan(day, settings, prepared)
    if candidates:
        reach = _reach(day, prepared, candidates)
        candidates = _select(day, prepared, candidates, reach)
        problem = _routing_problem(
            day,
            prepared.rules,
            prepared.matrices,
            candidates,
            [prepared.allowed[i] for i in candidates],
            reach,
            balance=str(settings.balance),
        )
        problem, start = _familiar_problem(day, settings, prepared, candidates, problem)
        params = search_params(settings, visits=len(candidates))
        solution = _solve_familiar(problem, params, start, settings)
    return _finished(
        day,
        settings,
        prepared,
        solution,
        candidates=candidates,
        solver={}
        if solution is None
        else {
            # The start the plan came from: with descents, the strategy that won.
            "first_solution": str(solution.stats.get("descent", FIRST_SOLUTION)),
            "descents": int(solution.stats.get("descents", 0)),  # type: ignore[call-overload]
            "metaheuristic": METAHEURISTIC,
            "status": solution.status,
            "objective": solution.objective,
            "seconds": round(solution.seconds, 3),
        },
    )


def _earlier_orders(
    day: StationDay, earlier: StationPlan
) -> tuple[list[list[list[int]]], dict[int, int]]:
    """Per worker of today, the earlier plan's trips (client indices still due);
    and per such client, the worker (index) who had them."""
    index = {c.client_id: i for i, c in enumerate(day.clients)}
    vehicle = {w.worker_id: v for v, w in enumerate(day.workers)}
    orders: list[list[list[int]]] = [[] for _ in day.workers]
    usual: dict[int, int] = {}
    for route in earlier.routes:
        v = vehicle.get(route.worker_id)
        for trip in route.trips:
            kept = [index[s.client_id] for s in trip.stops if s.client_id in index]
            if v is None or not kept:
                continue
            orders[v].append(kept)
            usual.update(dict.fromkeys(kept, v))
    return orders, usual


def _earlier_legs(
    day: StationDay, earlier: StationPlan, position: Mapping[int, int]
) -> frozenset[tuple[int, int]]:
    """The earlier plan's legs between clients still due, as problem nodes (0 the
    station), skipping clients no longer due: taking out a stop keeps the legs around it."""
    node = {c.client_id: position[i] for i, c in enumerate(day.clients) if i in position}
    legs: set[tuple[int, int]] = set()
    for route in earlier.routes:
        for trip in route.trips:
            path = [0, *(node[s.client_id] for s in trip.stops if s.client_id in node), 0]
            legs.update(itertools.pairwise(path))
    return frozenset(legs)


def _start(
    day: StationDay,
    prepared: _Prepared,
    orders: Sequence[Sequence[Sequence[int]]],
    position: Mapping[int, int],
) -> list[list[list[int]]]:
    """Per worker, the earlier trips (client indices) as a start for the search: only
    clients the worker may serve today, and a stop that no longer fits taken out."""
    rules = prepared.rules
    start: list[list[list[int]]] = []
    for v, worker in enumerate(day.workers):
        trips = [
            [i for i in trip if i in position and v in prepared.allowed[i]] for trip in orders[v]
        ]
        trips, _ = _schedulable(
            [[i + 1 for i in trip] for trip in trips if trip],
            day.clients,
            **rules.of_trips(worker, prepared.matrices),
        )
        start.append([[position[node - 1] for node in trip] for trip in trips if trip])
    return start


def _with_keep(
    problem: RoutingProblem,
    keep: Keep,
    chosen: Sequence[Client],
    workers: Sequence[Worker],
    settings: Settings,
) -> RoutingProblem:
    """``problem`` with ``keep``, its drop penalties raised so that keeping never costs a visit."""
    slots = sum(vehicle.max_trips for vehicle in problem.vehicles)
    longest = max((w.shift_end - w.shift_start for w in workers), default=0)
    visits = len(chosen)
    extra = balance_bound(str(settings.balance), visits, longest) + keep.bound(visits, slots)
    penalty = _drop_penalties(chosen, workers, extra=extra)
    return dataclasses.replace(
        problem, keep=keep, drop_penalty=(None, *(penalty[c.care_level] for c in chosen))
    )


def _familiar_problem(
    day: StationDay,
    settings: Settings,
    prepared: _Prepared,
    candidates: Sequence[int],
    problem: RoutingProblem,
) -> tuple[RoutingProblem, list[list[list[int]]] | None]:
    """The problem with the station's usual workers and latest order to keep (weights
    ``familiar_min`` and ``same_order_min``), and the latest plan's routes as a start."""
    known = day.familiar
    if known is None:
        return problem, None
    familiar_s = round(settings.familiar_min * 60)
    order_s = round(settings.same_order_min * 60)
    vehicle = {w.worker_id: v for v, w in enumerate(day.workers)}
    usual = tuple(
        vehicle.get(known.usual.get(day.clients[i].client_id, "")) if familiar_s else None
        for i in candidates
    )
    position = {i: k + 1 for k, i in enumerate(candidates)}
    latest = known.latest if order_s else None
    legs = frozenset() if latest is None else _earlier_legs(day, latest, position)
    if not any(u is not None for u in usual) and not legs:
        return problem, None
    keep = Keep(usual=(None, *usual), legs=legs, move_cost=familiar_s, new_leg_cost=order_s)
    chosen = [day.clients[i] for i in candidates]
    problem = _with_keep(problem, keep, chosen, day.workers, settings)
    if latest is None:
        return problem, None
    orders, _ = _earlier_orders(day, latest)
    start = _start(day, prepared, orders, position)
    # Room for the earlier plan's trips (its reload nodes).
    vehicles = tuple(
        dataclasses.replace(v, max_trips=max(v.max_trips, len(trips)))
        for v, trips in zip(problem.vehicles, start, strict=True)
    )
    return dataclasses.replace(problem, vehicles=vehicles), start


START_SHARE = 1 / 3  # of the search time, for the search from the latest earlier plan


def _dropped(problem: RoutingProblem, solution: Solution) -> int:
    """What the clients a solution leaves out cost (care level first, as the planner's)."""
    return sum(problem.drop_penalty[node] or 0 for node in solution.dropped)


def _least_upheaval(
    problem: RoutingProblem,
    plain: RoutingProblem,
    start: list[list[list[int]]],
    params: SearchParams,
) -> Solution:
    """A re-plan's search: from the published routes under the keep costs of ``problem``.

    Local search from those routes can miss a lunch that the planner's own search
    (of ``plain``, the same problem without the keep costs) finds: benchmarks/README.md,
    re-planning. So that search runs too, and when it serves more (by care level), the
    keep costs are searched again from its routes: never fewer lunches than planning
    afresh, and as little upheaval as that allows. In time mode the two searches share
    the time; the third, when needed, gets half of it again.
    """
    half = dataclasses.replace(params, time_limit_s=params.time_limit_s / 2, restarts=())
    try:
        kept = solve(problem, half, start=start)
    except SolverError:  # the published routes do not fit today's model
        kept = None
    fresh = solve(plain, dataclasses.replace(params, time_limit_s=params.time_limit_s / 2))
    if kept is not None and _dropped(problem, kept) <= _dropped(problem, fresh):
        return kept
    routes = [[list(trip.visits) for trip in trips] for trips in fresh.trips]
    try:
        return solve(problem, half, start=routes)
    except SolverError:
        return fresh


def _solve_familiar(
    problem: RoutingProblem,
    params: SearchParams,
    start: list[list[list[int]]] | None,
    settings: Settings,
) -> Solution:
    """The planner's search; with an earlier plan also one from its routes, the better kept.

    In time mode the search from the earlier routes gets :data:`START_SHARE` of the
    time; bounded by work, each search gets the work limit (same input, same plan).
    """
    if start is None:
        return solve(problem, params)
    fresh, again = params, dataclasses.replace(params, restarts=())
    if not settings.reproducible:
        fresh = dataclasses.replace(params, time_limit_s=params.time_limit_s * (1 - START_SHARE))
        again = dataclasses.replace(again, time_limit_s=params.time_limit_s * START_SHARE)
    found = solve(problem, fresh)
    try:
        kept = solve(problem, again, start=start)
    except SolverError:  # the earlier routes do not fit today's model: the fresh search stands
        return found
    return kept if kept.objective < found.objective else found


def _replan(day: StationDay, settings: Settings, prepared: _Prepared) -> StationPlan:
    """Change the station's published plan (``day.previous``) as little as needed.

    The search starts from the earlier routes, each worker's trips kept as far as
    today's rules allow (a stop that no longer fits is taken out first), and
    minimises, in this order: clients left unserved (by care level, as always),
    clients served by another worker than before, legs that were not in the earlier
    plan (the order of the visits), then travel (see :class:`~mealroute.solver.Keep`).
    So a worker whom no change touches keeps their route, order and times unless
    moving someone is what it takes to serve a client who would otherwise go without.
    """
    assert day.previous is not None
    candidates = prepared.candidates
    position = {i: k + 1 for k, i in enumerate(candidates)}  # client index -> problem node
    workers = day.workers
    orders, usual = _earlier_orders(day, day.previous)
    start = _start(day, prepared, orders, position)
    reach = [
        _Reach(r.clients, max(r.trips, len(trips)))
        for r, trips in zip(_reach(day, prepared, candidates), start, strict=True)
    ]
    problem = _routing_problem(
        day,
        prepared.rules,
        prepared.matrices,
        candidates,
        [prepared.allowed[i] for i in candidates],
        reach,
        balance=str(settings.balance),
    )
    # Lexicographic: a new leg costs more than all travel, a move more than all new legs.
    new_leg = sum(max(1, w.shift_end - w.shift_start) for w in workers) + 1
    slots = sum(vehicle.max_trips for vehicle in problem.vehicles)
    keep = Keep(
        usual=(None, *(usual.get(i) for i in candidates)),
        legs=_earlier_legs(day, day.previous, position),
        move_cost=new_leg * (len(candidates) + slots + 1),
        new_leg_cost=new_leg,
    )
    chosen = [day.clients[i] for i in candidates]
    plain, problem = problem, _with_keep(problem, keep, chosen, workers, settings)
    solution = _least_upheaval(problem, plain, start, search_params(settings, visits=len(chosen)))
    moved = sum(
        1
        for v, trips_v in enumerate(solution.trips)
        for trip in trips_v
        for node in trip.visits
        if usual.get(candidates[node - 1], v) != v
    )
    return _finished(
        day,
        settings,
        prepared,
        solution,
        candidates=candidates,
        solver={
            "first_solution": "EARLIER_PLAN",
            "metaheuristic": METAHEURISTIC,
            "status": solution.status,
            "objective": solution.objective,
            "seconds": round(solution.seconds, 3),
            "moved": moved,
        },
    )


def _replan_at(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
    """Re-plan the station's published plan from ``day.at`` on, in the middle of the round.

    What is done is done: a stop whose service started before ``at`` stays as it was.
    A worker on a trip at ``at`` carries that trip's meals: the trip goes on with its
    remaining stops in its order (minus clients no longer due, the times after them
    earlier, never later: the food-safety clock of the trip keeps running from its
    departure), and the worker takes new meals only back at the station. A worker who
    drops out (absent, or leaving before the trip is back) ends the trip after the last
    stop served: those meals are taken as lost, and the kitchen boxes new ones for the
    trip's remaining clients, who go to the others. Everything not yet on the road is
    re-planned from ``at`` with as little upheaval as :func:`_replan` makes.
    """
    assert day.previous is not None
    assert day.at is not None
    at = day.at
    working = {w.worker_id: w for w in day.workers}
    due = {c.client_id for c in day.clients}
    source = travel_source(settings)
    reload = round(settings.reload_min * 60)
    fixed: dict[str, list[Trip]] = {}
    taken: set[str] = set()  # served before ``at``, or on a bike on the road
    free_from: dict[str, int] = {}
    for route in day.previous.routes:
        worker = working.get(route.worker_id)
        if worker is None:
            # Gone from the workers table since: the plan cannot show what they did, so
            # their clients are planned again (a lunch twice rather than none).
            continue
        for trip in route.trips:
            if trip.depart >= at:
                continue  # not on the road yet: re-planned
            done = [s for s in trip.stops if s.start < at]
            rest = [s for s in trip.stops if s.start >= at and s.client_id in due]
            carried = _carried_on(trip, done, rest, day.station, route.mode, source)
            if carried.return_ > worker.shift_end:
                carried = _carried_on(trip, done, [], day.station, route.mode, source)
            taken.update(s.client_id for s in carried.stops)
            taken.update(s.client_id for s in done)
            if carried.stops:
                fixed.setdefault(route.worker_id, []).append(carried)
                free_from[route.worker_id] = carried.return_ + reload
    rest_workers = []
    for worker in day.workers:
        start = max(worker.shift_start, at, free_from.get(worker.worker_id, 0))
        if start < worker.shift_end:
            rest_workers.append(dataclasses.replace(worker, shift_start=start))
    future = dataclasses.replace(
        day.previous,
        routes=tuple(
            dataclasses.replace(r, trips=tuple(t for t in r.trips if t.depart >= at))
            for r in day.previous.routes
        ),
    )
    rest_day = dataclasses.replace(
        day,
        workers=tuple(rest_workers),
        clients=tuple(c for c in day.clients if c.client_id not in taken),
        previous=future,
        at=None,
    )
    later = plan_station(rest_day, date, settings)  # its trips are drawn already
    new_trips = {r.worker_id: r.trips for r in later.routes}
    on_road = _drawn(
        day.station,
        tuple(worker_route(w, fixed[w.worker_id]) for w in day.workers if w.worker_id in fixed),
        source,
    )
    carried_trips = {r.worker_id: r.trips for r in on_road}
    routes = []
    for worker in day.workers:
        trips = (*carried_trips.get(worker.worker_id, ()), *new_trips.get(worker.worker_id, ()))
        if trips:
            routes.append(worker_route(worker, trips))
    drawn = tuple(routes)
    plan = station_plan(
        day,
        settings,
        routes=drawn,
        unserved=later.unserved[len(day.rejected) :],
        error=later.error,
        solver={**later.solver, "at": format_clock(at), "kept_on_the_road": len(taken)},
    )
    prepared = _Prepared.build(day, settings) if day.familiar and day.familiar.usual else None
    continuity = None if prepared is None else _continuity(day, settings, prepared, drawn)
    return dataclasses.replace(plan, continuity=continuity)


def _carried_on(
    trip: Trip,
    done: Sequence[Stop],
    rest: Sequence[Stop],
    station: Station,
    mode: Any,
    source: TravelSource,
) -> Trip:
    """``trip`` with the stops ``done`` as they were, then ``rest`` in their order at the
    earliest (no later than published, as stops are only taken out), then back."""
    stops = [*done, *rest]
    if not stops:
        return dataclasses.replace(trip, stops=())
    points = [(station.lat, station.lon), *((s.lat, s.lon) for s in stops)]
    matrices = source.matrices(points, {mode})
    travel, distance = matrices.travel_s[mode], matrices.distance_m[mode]
    timed = list(done)
    clock = done[-1].depart if done else trip.depart
    for k, stop in enumerate(rest, start=len(done) + 1):
        leg = int(travel[k - 1, k])
        arrive = clock + leg
        start = max(arrive, stop.window[0])
        timed.append(
            dataclasses.replace(
                stop,
                arrive=arrive,
                start=start,
                depart=start + (stop.depart - stop.start),
                travel_s=leg,
                distance_m=int(distance[k - 1, k]),
            )
        )
        clock = timed[-1].depart
    last = len(stops)
    back = int(travel[last, 0])
    return Trip(
        depart=trip.depart,
        return_=clock + back,
        stops=tuple(timed),
        return_travel_s=back,
        return_distance_m=int(distance[last, 0]),
    )


def plan_from_orders(
    day: StationDay,
    date: dt.date,
    settings: Settings,
    orders: Mapping[str, Sequence[Sequence[str]]],
) -> StationPlan:
    """The plan that visits the clients in the given orders.

    ``orders[worker_id]`` lists that worker's trips, each as client ids in visiting
    order. The times are worked out and every rule checked as for the planner's own
    plans; clients on no trip are unserved with the reason the planner would give.
    Benchmarks use it to check a plan found elsewhere (an exact optimum, a best-known).

    Raises
    ------
    SolverError
        When the orders break a rule.
    """
    if not day.workers or not day.clients:
        return plan_station(day, date, settings)
    prepared = _Prepared.build(day, settings)
    node = {c.client_id: i + 1 for i, c in enumerate(day.clients)}
    trips = []
    for worker in day.workers:
        trips.append(
            tuple(
                SolvedTrip(0, tuple(node[client_id] for client_id in trip), ())
                for trip in orders.get(worker.worker_id, ())
                if trip
            )
        )
    served = {n for worker_trips in trips for trip in worker_trips for n in trip.visits}
    solution = Solution(
        trips=tuple(trips),
        dropped=tuple(n for n in node.values() if n not in served),
        objective=0,
        status="GIVEN",
        seconds=0.0,
    )
    return _finished(
        day, settings, prepared, solution, candidates=range(len(day.clients)), solver={}
    )


@dataclass(frozen=True)
class _Prepared:
    """What the planner knows before it searches: rules, travel, who could serve whom."""

    rules: _Rules
    matrices: Matrices
    allowed: tuple[frozenset[int], ...]  # per client: the workers who could serve them
    reasons: dict[int, Message]  # per client no worker could serve: why
    source: TravelSource

    @property
    def candidates(self) -> list[int]:
        return [i for i, ok in enumerate(self.allowed) if ok]

    @classmethod
    def build(cls, day: StationDay, settings: Settings) -> _Prepared:
        rules = _Rules.build(day, settings)
        workers = day.workers
        points = [(day.station.lat, day.station.lon)] + [(c.lat, c.lon) for c in day.clients]
        source = travel_source(settings)
        matrices = source.matrices(points, {w.mode for w in workers})
        allowed: list[frozenset[int]] = []
        reasons: dict[int, Message] = {}
        for i, client in enumerate(day.clients):
            why = {
                v: _why_not(i, client, w, rules, matrices, settings) for v, w in enumerate(workers)
            }
            if client.pinned_to:  # only the worker the coordinator named
                pinned = [v for v, w in enumerate(workers) if w.worker_id == client.pinned_to]
                ok = frozenset(v for v in pinned if why[v] is None)
                if not pinned:
                    reasons[i] = Message("pinned_worker_away", {"worker": client.pinned_to})
                elif not ok:
                    reasons[i] = Message(
                        "pinned_worker_cannot",
                        {"worker": client.pinned_to, "reason": why[pinned[0]]},
                    )
                allowed.append(ok)
                continue
            ok = frozenset(v for v, reason in why.items() if reason is None)
            allowed.append(ok)
            if not ok:
                reasons[i] = _best_reason(why, client, workers)
        return cls(rules, matrices, tuple(allowed), reasons, source)


def _finished(
    day: StationDay,
    settings: Settings,
    prepared: _Prepared,
    solution: Solution | None,
    *,
    candidates: Sequence[int] | None = None,
    solver: dict[str, object],
) -> StationPlan:
    """The station's plan from a solution: routes with times, checked; the unserved."""
    routes: tuple[Route, ...] = ()
    if solution is not None:
        chosen = prepared.candidates if candidates is None else candidates
        routes = _routes(day, prepared.rules, prepared.matrices, solution, chosen)
        _check(day, prepared.rules, routes)
        routes = _drawn(day.station, routes, prepared.source)
    served = {stop.client_id for route in routes for trip in route.trips for stop in trip.stops}
    unserved = tuple(
        unserved_client(client, prepared.reasons.get(i, RAN_OUT))
        for i, client in enumerate(day.clients)
        if client.client_id not in served
    )
    if solution is not None and solver:
        routed = sum(len(trip.visits) for trips in solution.trips for trip in trips)
        # Stops the rules check took out (a model bug if ever non-zero).
        solver = {**solver, "left_out_by_check": routed - len(served)}
    plan = station_plan(day, settings, routes=routes, unserved=unserved, solver=solver)
    return dataclasses.replace(plan, continuity=_continuity(day, settings, prepared, routes))


def _continuity(
    day: StationDay, settings: Settings, prepared: _Prepared, routes: Sequence[Route]
) -> Continuity | None:
    """Who has their usual worker today, and why the others do not."""
    known = day.familiar
    if known is None or not known.usual:
        return None
    worker_of = {stop.client_id: route.worker_id for route in routes for stop in route.stops}
    vehicle = {w.worker_id: v for v, w in enumerate(day.workers)}
    kept = 0
    changed = []
    for i, client in enumerate(day.clients):
        usual = known.usual.get(client.client_id)
        now = worker_of.get(client.client_id)
        if usual is None or now is None:
            continue
        if now == usual:
            kept += 1
            continue
        name = known.names.get(usual, usual)
        v = vehicle.get(usual)
        if client.pinned_to and client.pinned_to != usual:
            pinned = known.names.get(client.pinned_to, client.pinned_to)
            reason = Message("usual_pinned", {"worker": pinned})
        elif v is None:
            reason = Message("usual_away", {"worker": name})
        elif v not in prepared.allowed[i]:
            why = _why_not(i, client, day.workers[v], prepared.rules, prepared.matrices, settings)
            reason = Message("usual_cannot", {"worker": name, "reason": why or RAN_OUT})
        else:
            reason = Message(
                "usual_busy", {"worker": name, "minutes": round(settings.familiar_min)}
            )
        changed.append(FaceChange(client.client_id, client.name, usual, name, now, reason))
    return Continuity(known=kept + len(changed), kept=kept, changed=tuple(changed))


@dataclass(frozen=True)
class _Reach:
    """What one worker could do at most today (bounds, not a plan)."""

    clients: int  # at most this many clients served
    trips: int  # at most this many trips that serve someone


def _reach(day: StationDay, prepared: _Prepared, candidates: Sequence[int]) -> list[_Reach]:
    """Upper bounds on each worker's clients and trips, from the windows and the shift.

    Every service starts between the earliest a worker can be at a door and the
    latest window end (or the shift end, less the way back); consecutive services
    are at least a service and a hop to the nearest other client apart, and the
    first services of consecutive trips at least a service, the shortest way home,
    a reload and the shortest way out.
    """
    rules, matrices = prepared.rules, prepared.matrices
    reach = []
    for v, worker in enumerate(day.workers):
        mine = [i for i in candidates if v in prepared.allowed[i]]
        if not mine:
            reach.append(_Reach(0, 1))
            continue
        travel = matrices.travel_s[worker.mode]
        node = np.asarray(mine) + 1
        service = np.asarray([rules.service[i] for i in mine])
        out, home = travel[0, node], service + travel[node, 0]
        first = max(
            max(rules.ready, worker.shift_start) + int(out.min()),
            min(rules.windows[i][0] for i in mine),
        )
        last = min(max(rules.windows[i][1] for i in mine), worker.shift_end - int(home.min()))
        hops = travel[np.ix_(node, node)].astype(float)
        np.fill_diagonal(hops, np.inf)
        step = np.sort(service + (hops.min(axis=1) if len(mine) > 1 else 0))
        span = max(0, last - first)
        clients = min(len(mine), 1 + int(np.searchsorted(np.cumsum(step), span, side="right")))
        cycle = int(home.min()) + rules.reload + int(out.min())
        trips = max(1, min(clients, 1 + span // max(1, cycle)))
        reach.append(_Reach(clients, trips))
    return reach


def _select(
    day: StationDay, prepared: _Prepared, candidates: Sequence[int], reach: Sequence[_Reach]
) -> list[int]:
    """The clients to give the solver: all, unless far more are due than can be served.

    A station with several times more clients than its workers can reach (a list
    of 500 and three workers) keeps the :data:`SELECT_FACTOR` x (what they can
    reach at most) clients that come first by care level, then by distance from the
    station; the rest are out of reach today ("ran out"). The search then spends its
    time on the clients that can be served, disabled first.
    """
    limit = round(SELECT_FACTOR * sum(r.clients for r in reach))
    if len(candidates) <= limit:
        return list(candidates)
    matrices, workers = prepared.matrices, day.workers

    def key(i: int) -> tuple[int, int, int]:
        nearest = min(
            int(matrices.travel_s[workers[v].mode][0, i + 1]) for v in prepared.allowed[i]
        )
        return (_PRIORITY[day.clients[i].care_level], nearest, i)

    return sorted(sorted(candidates, key=key)[:limit])


def _routing_problem(
    day: StationDay,
    rules: _Rules,
    matrices: Matrices,
    candidates: Sequence[int],
    allowed: Sequence[frozenset[int]],
    reach: Sequence[_Reach],
    *,
    balance: str = "off",
) -> RoutingProblem:
    """The solver's view of the station: node 0 the station, node k client candidates[k-1]."""
    workers = day.workers
    chosen = [day.clients[i] for i in candidates]
    nodes = np.ix_([0, *(i + 1 for i in candidates)], [0, *(i + 1 for i in candidates)])
    modes = sorted({w.mode for w in workers})
    profile = {mode: p for p, mode in enumerate(modes)}
    longest = max((w.shift_end - w.shift_start for w in workers), default=0)
    penalty = _drop_penalties(chosen, workers, extra=balance_bound(balance, len(chosen), longest))
    # As many trips as can fit in the worker's day (see _reach): more reload nodes
    # only make the search slower, fewer can leave clients out.
    vehicles = tuple(
        Vehicle(
            profile=profile[w.mode],
            capacity=w.capacity,
            earliest_start=min(max(rules.ready, w.shift_start), w.shift_end),
            latest_end=w.shift_end,
            max_trips=max(1, min(MAX_TRIPS, reach[v].trips)),
        )
        for v, w in enumerate(workers)
    )
    return RoutingProblem(
        distance=matrices.distance_m[modes[0]][nodes],
        travel=tuple(matrices.travel_s[mode][nodes] for mode in modes),
        service=(0, *(rules.service[i] for i in candidates)),
        windows=((0, 0), *(rules.windows[i] for i in candidates)),
        demand=(0, *(c.meals for c in chosen)),
        drop_penalty=(None, *(penalty[c.care_level] for c in chosen)),
        allowed=(None, *allowed),
        vehicles=vehicles,
        reload_s=rules.reload,
        max_age_s=rules.max_age,
        objective="time",
        tiers=(0, *(_PRIORITY[c.care_level] for c in chosen)),
        balance=balance,
    )


def search_params(settings: Settings, *, visits: int = SMALL_VISITS + 1) -> SearchParams:
    """The search the planner runs: bounded by time, or by work when reproducible.

    A station of at most :data:`SMALL_VISITS` clients for the solver gets a second
    start: one search over everyone at once beside the search by care level. Its
    search settles in a fraction of the time, and the staged search can settle in
    another local optimum than the whole one (benchmark station s07: +29% travel
    staged, the proved optimum with the second start; benchmarks/README.md).
    """
    small = visits <= SMALL_VISITS
    restarts = (FIRST_SOLUTION,) if small else ()
    if settings.reproducible:
        return SearchParams(
            time_limit_s=RUNAWAY_LIMIT_S,
            first_solution=FIRST_SOLUTION,
            metaheuristic=METAHEURISTIC,
            solution_limit=settings.work_limit,
            branch_limit=BRANCHES_PER_STEP * settings.work_limit,
            restarts=restarts,
            restarts_staged=False,
            operators=OPERATORS,
            # Bounded by work, a stage from the last one's routes puts its new clients
            # in one step at a time; beside it, a stage from a first solution of its own
            # (benchmarks/README.md: 15 -> 18 of 43 stations at the reference).
            fresh_stages=True,
            descents=() if small else DESCENTS[:REPRODUCIBLE_DESCENTS],
        )
    return SearchParams(
        time_limit_s=settings.time_limit_s,
        first_solution=FIRST_SOLUTION,
        metaheuristic=METAHEURISTIC,
        restarts=restarts,
        restarts_staged=False,
        operators=OPERATORS,
        descents=() if small else _descents(settings.time_limit_s),
    )


def _descents(time_limit_s: float) -> tuple[str, ...]:
    return DESCENTS[:SHORT_DESCENTS] if time_limit_s < SHORT_SEARCH_S else DESCENTS


def _best_reason(
    why: dict[int, Message | None], client: Client, workers: Sequence[Worker]
) -> Message:
    """The one reason to show when no worker can serve a client.

    A missing skill is the reason only when no worker has all the skills needed;
    otherwise the reason of the closest skilled worker is more useful: timing reasons
    first (see ``_REASON_RANK``), and among those the earliest time.
    """
    skilled = [
        reason
        for v, w in enumerate(workers)
        if client.skills <= w.skills and (reason := why[v]) is not None
    ]
    if not skilled:
        return _missing_skills(client, workers)
    return min(skilled, key=_rank)


def _missing_skills(client: Client, workers: Sequence[Worker]) -> Message:
    have: frozenset[str] = frozenset().union(*(w.skills for w in workers))
    missing = sorted(client.skills - have)
    if missing:
        return Message("skill_missing", {"skills": missing})
    return Message("skills_not_together", {"skills": sorted(client.skills)})


def _rank(reason: Message) -> tuple[int, str, str]:
    code = reason.code
    rank = _REASON_RANK.index(code) if code in _REASON_RANK else len(_REASON_RANK)
    earliest = str(reason.params.get("earliest") or reason.params.get("back") or "")
    return rank, earliest, str(sorted(reason.params.items()))


def _drawn(station: Station, routes: tuple[Route, ...], source: TravelSource) -> tuple[Route, ...]:
    """Routes with each trip's way along the streets, when the source knows streets."""
    path = getattr(source, "path", None)
    if path is None:
        return routes
    home = (station.lat, station.lon)
    return tuple(
        dataclasses.replace(
            route,
            trips=tuple(
                dataclasses.replace(
                    trip,
                    path=tuple(
                        path([home, *((s.lat, s.lon) for s in trip.stops), home], route.mode)
                    ),
                )
                for trip in route.trips
            ),
        )
        for route in routes
    )


def _routes(
    day: StationDay,
    rules: _Rules,
    matrices: Matrices,
    solution: Solution,
    candidates: Sequence[int],
) -> tuple[Route, ...]:
    """The solver's visiting order, with times from :func:`schedule_trips`."""
    # Station-wide node numbering (0 = station, i + 1 = client i) for the matrices.
    service = (0, *rules.service)
    routes = []
    for v, worker in enumerate(day.workers):
        if not solution.trips[v]:
            continue  # idle today; _station_plan lists the worker all the same
        travel = matrices.travel_s[worker.mode]
        distance = matrices.distance_m[worker.mode]
        orders = [
            [candidates[visit - 1] + 1 for visit in solved.visits] for solved in solution.trips[v]
        ]
        orders, times = _schedulable(orders, day.clients, **rules.of_trips(worker, matrices))
        if not orders:
            continue
        trips = []
        for order, when in zip(orders, times, strict=True):
            stops = []
            previous = 0
            for node, arrive, start in zip(order, when.arrive, when.start, strict=True):
                client = day.clients[node - 1]
                stops.append(
                    Stop(
                        client_id=client.client_id,
                        name=client.name,
                        lat=client.lat,
                        lon=client.lon,
                        arrive=arrive,
                        start=start,
                        depart=start + service[node],
                        travel_s=int(travel[previous, node]),
                        distance_m=int(distance[previous, node]),
                        meals=client.meals,
                        diet=client.diet,
                        care_level=client.care_level,
                        window=rules.asked[node - 1],
                        address=client.address,
                        phone=client.phone,
                        notes=client.notes,
                        skills=client.skills,
                    )
                )
                previous = node
            trips.append(
                Trip(
                    depart=when.depart,
                    return_=when.return_,
                    stops=tuple(stops),
                    return_travel_s=int(travel[previous, 0]),
                    return_distance_m=int(distance[previous, 0]),
                )
            )
        routes.append(worker_route(worker, trips))
    return tuple(routes)


def _schedulable(
    orders: list[list[int]], clients: Sequence[Client], **rules: Any
) -> tuple[list[list[int]], list[TripTimes]]:
    """The trips with their times; a stop that cannot be kept is left out.

    The solver's orders keep every rule, so this normally schedules them as they
    are. Should a trip still break a rule (a gap between the model and the rules
    is a bug, but a bug must cost a client at most, never the station's plan), its
    least dependent stop up to the broken one is taken out, and so on until every
    trip can be scheduled; those clients are then unserved ("ran out").
    """
    orders = [list(trip) for trip in orders]
    while True:
        try:
            return orders, schedule_trips(orders, **rules)
        except ScheduleError as error:
            trip = orders[error.trip]
            upto = len(trip) if error.stop is None else error.stop + 1
            victim = max(
                range(upto),
                key=lambda k: (_PRIORITY[clients[trip[k] - 1].care_level], k),
            )
            del trip[victim]
            orders = [trip for trip in orders if trip]


_PRIORITY = {CareLevel.DISABLED: 0, CareLevel.SEMI_DISABLED: 1, CareLevel.OTHER: 2}


def _check(day: StationDay, rules: _Rules, routes: Sequence[Route]) -> None:
    """Every rule again, on the finished routes: a safety net against model bugs."""
    workers = {w.worker_id: w for w in day.workers}
    clients = {c.client_id: c for c in day.clients}
    problems = []
    for route in routes:
        worker = workers[route.worker_id]
        not_before = max(rules.ready, worker.shift_start)
        for k, trip in enumerate(route.trips, start=1):
            where = f"worker {route.worker_id} trip {k}"
            if trip.depart < not_before:
                problems.append(f"{where} leaves at {format_clock(trip.depart)}, too early")
            if trip.meals > worker.capacity:
                problems.append(f"{where} carries {trip.meals} > {worker.capacity} meals")
            for stop in trip.stops:
                client = clients[stop.client_id]
                if not stop.window[0] <= stop.start <= min(stop.window[1], rules.latest):
                    problems.append(f"{where}: service start outside the window")
                if stop.start - trip.depart > rules.max_age:
                    problems.append(f"{where}: a meal is served too long after leaving")
                if not client.skills <= worker.skills:
                    problems.append(f"{where}: worker lacks a skill the client needs")
                if client.pinned_to and client.pinned_to != worker.worker_id:
                    problems.append(f"{where}: the client is pinned to another worker")
            not_before = trip.return_ + rules.reload
        if route.trips and route.trips[-1].return_ > worker.shift_end:
            problems.append(f"worker {route.worker_id} is back after shift end")
    if problems:
        raise SolverError("the solver's plan breaks a rule: " + "; ".join(problems))
