"""The routing solver: a vehicle routing problem with time windows in, routes out.

This module knows OR-Tools and nothing about files, stations or spreadsheets. The
planner (``planner.py``) builds a :class:`RoutingProblem` from a station's day; the
Solomon benchmark builds one from a benchmark instance. Both are solved by
:func:`solve`.

Model (see ``shared/notes/ortools-findings.md`` for why):

- node 0 is the depot; nodes ``1..n`` are visits;
- one OR-Tools vehicle per worker. A worker who may make several trips gets
  optional "back to the depot" nodes of their own (the pattern of OR-Tools'
  ``cvrp_reload`` sample): the load resets there and ``reload_s`` is spent;
- the ``Time`` dimension holds the service start at every visit (arriving early
  means waiting, which is the slack);
- the ``Age`` dimension holds the time since the current trip left the depot. It
  is fixed at 0 at every start and reload node and restarts by its transits, so
  the local-search filters see the one-hour rule (see :meth:`_Model._age`);
- every visit is optional with a drop penalty, so a solution always exists and the
  penalties decide who is left out first.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from .errors import SolverError
from .schedule import ScheduleError, schedule_trips

HORIZON = 2 * 24 * 3600  # time values are seconds since midnight; room for slack arithmetic
WAITING_SHARE = 0.2  # of the search time, for a last stage with waits where they may help
DESCENT_SHARE = 0.6  # of the search time at most, for the descents of SearchParams.descents


@dataclass(frozen=True)
class Vehicle:
    """One worker (or benchmark vehicle).

    Parameters
    ----------
    profile
        Index into :attr:`RoutingProblem.travel` (the travel-time matrix of this
        vehicle's mode).
    capacity
        Demand one trip can carry.
    earliest_start, latest_end
        The first departure from the depot is not before ``earliest_start``; the
        vehicle is back at the depot by ``latest_end``.
    max_trips
        How many times the vehicle may leave the depot (1: a classic single route).
    """

    profile: int
    capacity: int
    earliest_start: int
    latest_end: int
    max_trips: int = 1

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError(f"Vehicle: `capacity` must be >= 1, got {self.capacity!r}")
        if self.max_trips < 1:
            raise ValueError(f"Vehicle: `max_trips` must be >= 1, got {self.max_trips!r}")
        if self.earliest_start > self.latest_end:
            raise ValueError(
                f"Vehicle: `earliest_start` {self.earliest_start!r} is after "
                f"`latest_end` {self.latest_end!r}"
            )


@dataclass(frozen=True)
class Keep:
    """What a re-plan prefers to keep of an earlier plan (costs in the objective).

    ``usual[node]`` is the vehicle that served the visit before (``None``: nobody,
    or a vehicle that is gone); serving it with another vehicle costs
    ``move_cost``. ``legs`` are the earlier plan's legs between nodes (0 the depot,
    whichever vehicle drove them); each leg of a route that is not one of them costs
    ``new_leg_cost`` (depot to depot is free). With ``move_cost`` above every
    ``new_leg_cost`` the routes can add up to, and ``new_leg_cost`` above all
    travel, the search keeps, in this order: the visits' vehicles, the order of
    the visits, then travel; the drop penalties stay above all of it, so keeping
    never costs a visit.
    """

    usual: tuple[int | None, ...]
    legs: frozenset[tuple[int, int]]
    move_cost: int
    new_leg_cost: int

    def bound(self, visits: int, trips: int) -> int:
        """The most these costs can add up to over ``visits`` visits in ``trips`` trips."""
        return self.move_cost * visits + self.new_leg_cost * (visits + trips)


@dataclass(frozen=True)
class RoutingProblem:
    """A VRP with time windows, capacities, multiple trips and optional visits.

    All per-node sequences have one entry per node, the depot (node 0) included;
    the depot's entries are ignored except in ``distance`` and ``travel``.

    Parameters
    ----------
    distance
        ``(n+1, n+1)`` whole-number distances, used when ``objective`` is
        ``"distance"`` and for reporting.
    travel
        One ``(n+1, n+1)`` whole-number travel-time matrix per vehicle profile.
    service
        Time spent at each visit.
    windows
        ``(earliest, latest)`` service start of each visit.
    demand
        Load of each visit.
    drop_penalty
        Cost of leaving a visit out; ``None`` makes it mandatory.
    allowed
        Per visit, the set of vehicles that may serve it (``None``: any).
    reload_s
        Time spent at the depot between two trips.
    max_age_s
        Latest service start after the trip left the depot (``None``: no limit).
    objective
        ``"time"``: minimise total travel time; ``"distance"``: total distance.
    vehicle_fixed_cost
        Added to the objective for each vehicle that is used.
    waiting
        With ``max_age_s``: whether a worker may wait between two doors of a trip.
        ``False`` (the default) makes every trip leave late enough to need no
        waiting on the way, which keeps the one-hour rule exact in the local-search
        filters; waiting can then only help where windows force it.
    balance
        ``"off"``; ``"minutes"``: add :data:`BALANCE_PER_SECOND` x the busiest
        vehicle's working seconds (travel and service; not waiting) to the
        objective; ``"stops"``: :data:`BALANCE_PER_STOP` x the busiest vehicle's
        visits. Both are OR-Tools' global span cost on a dimension of their own;
        :func:`balance_bound` says how large the term can get, so that drop
        penalties can stay larger than it (balance never leaves a visit out).
    tiers
        Per node, a priority tier (0 first; the depot's entry is ignored). With
        several tiers the search runs in stages: first the visits of tier 0 alone,
        then tiers 0 and 1 starting from that solution, and so on (see
        :func:`solve`). Empty: one search over every visit.
    keep
        An earlier plan to stay close to (see :class:`Keep`); its costs are part
        of the arc costs, which are then per vehicle.
    """

    distance: np.ndarray
    travel: tuple[np.ndarray, ...]
    service: tuple[int, ...]
    windows: tuple[tuple[int, int], ...]
    demand: tuple[int, ...]
    drop_penalty: tuple[int | None, ...]
    vehicles: tuple[Vehicle, ...]
    allowed: tuple[frozenset[int] | None, ...] = ()
    reload_s: int = 0
    max_age_s: int | None = None
    objective: str = "time"
    vehicle_fixed_cost: int = 0
    waiting: bool = False
    tiers: tuple[int, ...] = ()
    balance: str = "off"
    keep: Keep | None = None

    def __post_init__(self) -> None:
        n = self.distance.shape[0]
        if self.distance.shape != (n, n):
            raise ValueError(
                f"RoutingProblem: `distance` must be square, got {self.distance.shape}"
            )
        for name in ("service", "windows", "demand", "drop_penalty"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"RoutingProblem: `{name}` has {len(getattr(self, name))} entries, "
                    f"expected {n} (one per node, depot included)"
                )
        if self.tiers and len(self.tiers) != n:
            raise ValueError(f"RoutingProblem: `tiers` has {len(self.tiers)} entries, expected {n}")
        if self.allowed and len(self.allowed) != n:
            raise ValueError(
                f"RoutingProblem: `allowed` has {len(self.allowed)} entries, expected {n}"
            )
        for vehicle in self.vehicles:
            if not 0 <= vehicle.profile < len(self.travel):
                raise ValueError(f"RoutingProblem: vehicle profile {vehicle.profile} has no matrix")
        if self.keep is not None and len(self.keep.usual) != n:
            raise ValueError(
                f"RoutingProblem: `keep.usual` has {len(self.keep.usual)} entries, expected {n}"
            )
        if self.objective not in ("time", "distance"):
            raise ValueError(
                f"RoutingProblem: `objective` must be 'time' or 'distance', got {self.objective!r}"
            )

    @property
    def num_visits(self) -> int:
        return self.distance.shape[0] - 1

    def restricted(self, nodes: Sequence[int]) -> RoutingProblem:
        """The same problem over ``nodes`` only (the depot, node 0, first)."""
        index = np.ix_(nodes, nodes)
        return replace(
            self,
            distance=self.distance[index],
            travel=tuple(matrix[index] for matrix in self.travel),
            service=tuple(self.service[i] for i in nodes),
            windows=tuple(self.windows[i] for i in nodes),
            demand=tuple(self.demand[i] for i in nodes),
            drop_penalty=tuple(self.drop_penalty[i] for i in nodes),
            allowed=tuple(self.allowed[i] for i in nodes) if self.allowed else (),
            tiers=tuple(self.tiers[i] for i in nodes) if self.tiers else (),
            keep=None if self.keep is None else _kept(self.keep, nodes),
        )


def _kept(keep: Keep, nodes: Sequence[int]) -> Keep:
    """``keep`` over ``nodes`` only, renumbered as :meth:`RoutingProblem.restricted` does."""
    new = {old: k for k, old in enumerate(nodes)}
    return replace(
        keep,
        usual=tuple(keep.usual[i] for i in nodes),
        legs=frozenset((new[a], new[b]) for a, b in keep.legs if a in new and b in new),
    )


_OPERATORS = pywrapcp.DefaultRoutingSearchParameters().local_search_operators

FIRST_SOLUTION = {
    name: getattr(routing_enums_pb2.FirstSolutionStrategy, name)
    for name in (
        "AUTOMATIC",
        "PATH_CHEAPEST_ARC",
        "PARALLEL_CHEAPEST_INSERTION",
        "LOCAL_CHEAPEST_INSERTION",
        "SEQUENTIAL_CHEAPEST_INSERTION",
        "SAVINGS",
        "CHRISTOFIDES",
        "GLOBAL_CHEAPEST_ARC",
        "LOCAL_CHEAPEST_ARC",
        "FIRST_UNBOUND_MIN_VALUE",
    )
}
METAHEURISTIC = {
    name: getattr(routing_enums_pb2.LocalSearchMetaheuristic, name)
    for name in (
        "AUTOMATIC",
        "GREEDY_DESCENT",
        "GUIDED_LOCAL_SEARCH",
        "SIMULATED_ANNEALING",
        "TABU_SEARCH",
        "GENERIC_TABU_SEARCH",
    )
}


@dataclass(frozen=True)
class SearchParams:
    """How long and how to search.

    ``solution_limit`` and ``branch_limit`` bound the search by work instead of
    time: the search stops after that many solutions or search-tree branches, and
    the result is the same on any machine (the time limit then only guards against
    a runaway search and should be generous). The branch limit matters where the
    metaheuristic finds no new solution at all (a station with one client): it
    would otherwise search until the time limit.

    ``restarts`` are further first-solution strategies: the search is run again
    from each (the time shared equally, a work limit for each run) and the best
    result is kept. Small problems, where one search soon stops finding better
    solutions, gain from several starts. ``operators`` turns on local-search
    operators that OR-Tools leaves off by default (``use_<name>`` of its
    ``local_search_operators``). ``restarts_staged=False`` runs the
    restarts over every visit at once, ignoring the problem's priority tiers: a
    different path, which the staged search's first stages cannot lock in.
    ``first_stage_starts`` are further first-solution strategies for the first
    stage of a staged search alone (the most important clients): that stage runs
    from each (its time shared equally) and the later stages go on from the best.
    ``fresh_stages`` runs each later stage twice, from the stage before's routes
    and from a first solution of its own (half the time each, or the work limit
    each), and keeps the better: a stage that starts from routes inserts its new
    visits one local-search step at a time, which a small work limit cuts short.

    ``descents`` are further first-solution strategies for a search that begins
    with plain descents: the staged search runs with ``GREEDY_DESCENT`` (each stage
    stops at its nearest local optimum) from ``first_solution`` and from each of
    these, within :data:`DESCENT_SHARE` of the time (all of them under a work
    limit), and the metaheuristic then searches on from the best for the rest. How
    many clients are served is settled mostly by where a search starts, far less by
    how long it goes on (benchmarks/README.md), so several cheap starts serve more
    than one long search from one start.
    """

    time_limit_s: float = 5.0
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    solution_limit: int | None = None
    branch_limit: int | None = None
    restarts: tuple[str, ...] = ()
    restarts_staged: bool = True
    operators: tuple[str, ...] = ()
    first_stage_starts: tuple[str, ...] = ()
    fresh_stages: bool = False
    descents: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in (
            self.first_solution,
            *self.restarts,
            *self.first_stage_starts,
            *self.descents,
        ):
            if name not in FIRST_SOLUTION:
                raise ValueError(
                    f"SearchParams: unknown `first_solution` {name!r}; "
                    f"expected one of {', '.join(FIRST_SOLUTION)}"
                )
        for name in self.operators:
            if not hasattr(_OPERATORS, f"use_{name}"):
                raise ValueError(f"SearchParams: unknown local-search operator {name!r}")
        if self.metaheuristic not in METAHEURISTIC:
            raise ValueError(
                f"SearchParams: unknown `metaheuristic` {self.metaheuristic!r}; "
                f"expected one of {', '.join(METAHEURISTIC)}"
            )
        if not self.time_limit_s > 0:
            raise ValueError(f"SearchParams: `time_limit_s` must be > 0, got {self.time_limit_s!r}")


@dataclass(frozen=True)
class SolvedTrip:
    """One departure from the depot: the visits in order, with the solver's times."""

    depart: int
    visits: tuple[int, ...]  # node numbers
    starts: tuple[int, ...]  # service start at each visit


@dataclass(frozen=True)
class Solution:
    """The result of :func:`solve`."""

    trips: tuple[tuple[SolvedTrip, ...], ...]  # per vehicle; empty trips left out
    dropped: tuple[int, ...]
    objective: int
    status: str
    seconds: float
    stats: dict[str, object] = field(default_factory=dict)

    @property
    def vehicles_used(self) -> int:
        return sum(1 for trips in self.trips if trips)

    def cost(self, matrix: np.ndarray) -> int:
        """Total of ``matrix`` over every leg, returns to the depot included."""
        total = 0
        for trips in self.trips:
            for trip in trips:
                path = (0, *trip.visits, 0)
                total += int(sum(matrix[a, b] for a, b in itertools.pairwise(path)))
        return total


def solve(
    problem: RoutingProblem,
    params: SearchParams,
    *,
    start: Sequence[Sequence[Sequence[int]]] | None = None,
) -> Solution:
    """Solve ``problem`` with OR-Tools (from each start of ``params``; the best wins).

    With ``start`` (per vehicle, its trips as lists of visit nodes) one search runs
    over the whole problem from those routes instead: no stages, no restarts.

    Raises
    ------
    SolverError
        When no start finds a solution (cannot happen when every visit is optional,
        which the planner ensures), or when ``start`` does not fit the problem.
    """
    if start is not None:
        if len(start) != len(problem.vehicles):
            raise SolverError(
                f"start has routes for {len(start)} vehicles, the problem has "
                f"{len(problem.vehicles)}"
            )
        return _solve_stage(
            problem, params, start=[[list(trip) for trip in trips] for trips in start], strict=True
        )
    starts = (params.first_solution, *params.restarts)
    if len(starts) == 1:
        return _search(problem, params)
    best: Solution | None = None
    seconds = 0.0
    failure: SolverError | None = None
    for k, first in enumerate(starts):
        share = params.time_limit_s / len(starts)
        run = replace(params, first_solution=first, restarts=(), time_limit_s=share)
        whole = k > 0 and not params.restarts_staged
        try:
            found = _search(replace(problem, tiers=()) if whole else problem, run)
        except SolverError as error:  # a start that finds nothing: the next one
            failure = error
            continue
        seconds += found.seconds
        if best is None or found.objective < best.objective:
            best = found
    if best is None:
        assert failure is not None
        raise failure
    return replace(best, seconds=seconds, stats={**best.stats, "starts": len(starts)})


def _search(problem: RoutingProblem, params: SearchParams) -> Solution:
    """One search of ``problem``: from descents when ``params`` has them, else staged."""
    if params.descents:
        return _solve_descended(problem, params)
    return _solve_staged(problem, params)


def _solve_descended(problem: RoutingProblem, params: SearchParams) -> Solution:
    """Staged descents from several first solutions, then the metaheuristic from the best.

    Under a time limit the descents stop being started once :data:`DESCENT_SHARE`
    of it is spent (the first always runs); under a work limit all of them run,
    so the result does not depend on the machine. The metaheuristic then searches
    the whole problem (every tier at once: the drop penalties keep the order of
    care levels) from the best descent; its result is kept only if it is better
    and, where the descent's routes wait between doors, every trip can be
    scheduled (as in :func:`_solve_staged`).
    """
    started = time.perf_counter()
    timed = params.solution_limit is None
    budget = params.time_limit_s * DESCENT_SHARE
    best: Solution | None = None
    failure: SolverError | None = None
    tried = 0
    for first in (params.first_solution, *params.descents):
        left = budget - (time.perf_counter() - started)
        if best is not None and timed and left <= 0:
            break
        run = replace(
            params,
            first_solution=first,
            metaheuristic="GREEDY_DESCENT",
            descents=(),
            fresh_stages=False,  # a descent stops at its local optimum anyway
            time_limit_s=max(0.01, left) if timed else params.time_limit_s,
        )
        try:
            found = _solve_staged(problem, run)
        except SolverError as error:  # a start that finds nothing: the next one
            failure = error
            continue
        tried += 1
        if best is None or found.objective < best.objective:
            best = replace(found, stats={**found.stats, "descent": first})
    if best is None:
        assert failure is not None
        raise failure
    rest = params.time_limit_s - (time.perf_counter() - started) if timed else params.time_limit_s
    if rest > 0.01:
        best = _search_on(problem, replace(params, descents=(), time_limit_s=rest), best)
    seconds = time.perf_counter() - started
    return replace(best, seconds=seconds, stats={**best.stats, "descents": tried})


def _search_on(problem: RoutingProblem, params: SearchParams, best: Solution) -> Solution:
    """The metaheuristic over the whole problem from ``best``'s routes; the better kept.

    As in :func:`_solve_staged`: where nobody may wait between doors but waits may
    help and someone is left out, the last :data:`WAITING_SHARE` of the time
    searches with waits allowed, and routes that wait are kept only if every trip
    can be scheduled. Routes that already wait are searched with waits allowed.
    """
    waits = bool(best.stats.get("waiting", False)) or problem.waiting
    may_wait = not waits and problem.max_age_s is not None and _waits_may_help(problem)
    steps = [(waits, 1 - WAITING_SHARE if may_wait else 1.0)]
    if may_wait:
        steps.append((True, WAITING_SHARE))
    lost = int(best.stats.get("starts_lost", 0))  # type: ignore[call-overload]
    for waiting, share in steps:
        if waiting and not waits and not best.dropped:
            break  # waits can only serve someone more where someone is left out
        on = _solve_stage(
            replace(problem, tiers=(), waiting=waiting),
            replace(params, time_limit_s=max(0.01, params.time_limit_s * share)),
            start=[[list(trip.visits) for trip in trips] for trips in best.trips],
        )
        lost += int(on.stats.get("starts_lost", 0))  # type: ignore[call-overload]
        if on.objective < best.objective and (not waiting or _schedulable(problem, on)):
            best = replace(on, stats={**best.stats, **on.stats, "waiting": waiting})
    return replace(best, stats={**best.stats, "starts_lost": lost})


def _solve_staged(problem: RoutingProblem, params: SearchParams) -> Solution:
    """One search of ``problem``: in stages when it has priority tiers or may need waits.

    With priority ``tiers`` the search runs in stages, each over the visits of the
    tiers so far and starting from the previous stage's routes; its time is shared
    out by the number of visits each stage holds (a work limit, ``solution_limit``
    and ``branch_limit``, holds for each stage). A stage that sees only the disabled
    clients finds how many of them can be served without lower tiers filling the
    workers' time first; later stages fit the others around them, and their drop
    penalties keep a served higher tier from being traded away.

    When nobody may wait between doors (``waiting`` false) but some windows could
    make a wait worth it (:func:`_waits_may_help`) and someone is left out, a last
    stage searches on from the best routes with waiting allowed, for
    :data:`WAITING_SHARE` of the time; its result is kept only if it is better and
    every trip can be scheduled under the rules (:func:`_schedulable`), so it can
    never make the plan worse.

    Raises
    ------
    SolverError
        When OR-Tools returns no solution at all (cannot happen when every visit is
        optional, which the planner ensures).
    """
    every = list(range(problem.num_visits + 1))
    levels = sorted(set(problem.tiers[1:])) if problem.tiers else []
    stages = [
        [0, *(i for i in every[1:] if problem.tiers[i] <= level)] for level in levels[:-1]
    ] + [every]
    waits = problem.max_age_s is not None and not problem.waiting and _waits_may_help(problem)
    budget = params.time_limit_s * (1 - WAITING_SHARE if waits else 1)
    shares = _stage_shares(stages)
    start: list[list[list[int]]] | None = None  # per vehicle, trips of nodes of `problem`
    seconds = 0.0
    lost = 0  # stages whose start could not be read (see _solve_stage)
    previous = 0  # nodes of the stage before
    solution: Solution | None = None
    for nodes, share in zip(stages, shares, strict=True):
        stage = replace(params, time_limit_s=max(0.01, budget * share))
        position = {node: k for k, node in enumerate(nodes)}
        part = problem if nodes is every else problem.restricted(nodes)
        if start is None:
            found, spent = _solve_first_stage(part, stage)
        else:
            carried = [[[position[node] for node in trip] for trip in trips] for trips in start]
            if params.fresh_stages:
                half = replace(stage, time_limit_s=max(0.01, stage.time_limit_s / 2))
                on = _solve_stage(
                    part, _with_insertions(half, len(nodes) - previous), start=carried
                )
                anew = _solve_stage(part, half, start=None)
                found = on if on.objective <= anew.objective else anew
                spent = on.seconds + anew.seconds
            else:
                found = _solve_stage(
                    part, _with_insertions(stage, len(nodes) - previous), start=carried
                )
                spent = found.seconds
        seconds += spent
        previous = len(nodes)
        lost += int(found.stats.get("starts_lost", 0))  # type: ignore[call-overload]
        start = [
            [[nodes[visit] for visit in trip.visits] for trip in trips] for trips in found.trips
        ]
        solution = found
    assert solution is not None
    assert start is not None
    if waits:
        # Waits can only serve someone more where someone is left out; otherwise the
        # time set aside goes on searching without them, from the best routes.
        stage = replace(params, time_limit_s=max(0.01, params.time_limit_s * WAITING_SHARE))
        more = _solve_stage(replace(problem, waiting=bool(solution.dropped)), stage, start=start)
        seconds += more.seconds
        lost += int(more.stats.get("starts_lost", 0))  # type: ignore[call-overload]
        if more.objective < solution.objective and _schedulable(problem, more):
            solution = replace(more, stats={**more.stats, "waiting": bool(solution.dropped)})
    stats = {**solution.stats, "stages": len(stages) + waits, "starts_lost": lost}
    return replace(solution, seconds=seconds, stats=stats)


def _with_insertions(params: SearchParams, new: int) -> SearchParams:
    """A work limit that also covers inserting a stage's ``new`` visits.

    A stage that starts from the routes of the stage before has its new visits
    all left out: the local search puts them in one accepted move (one solution)
    at a time. A work limit counts solutions, so without this a stage of 100 new
    clients and a limit of 30 would end with most of them unplaced.
    """
    if params.solution_limit is None or new <= 0:
        return params
    limit = params.solution_limit + new
    branches = None
    if params.branch_limit is not None:
        branches = params.branch_limit * limit // max(1, params.solution_limit)
    return replace(params, solution_limit=limit, branch_limit=branches)


def _solve_first_stage(problem: RoutingProblem, params: SearchParams) -> tuple[Solution, float]:
    """The first stage: from each of its first solutions (the best kept) and the seconds."""
    starts = (params.first_solution, *params.first_stage_starts)
    if len(starts) == 1:
        found = _solve_stage(problem, params, start=None)
        return found, found.seconds
    share = params.time_limit_s / len(starts)
    best: Solution | None = None
    seconds = 0.0
    for first in starts:
        run = replace(params, first_solution=first, time_limit_s=max(0.01, share))
        try:
            found = _solve_stage(problem, run, start=None)
        except SolverError:
            if first is starts[-1] and best is None:
                raise
            continue
        seconds += found.seconds
        if best is None or found.objective < best.objective:
            best = found
    assert best is not None
    return best, seconds


def _stage_shares(stages: Sequence[Sequence[int]]) -> list[float]:
    """Each stage's share of the search time: by the number of nodes it holds."""
    weight = sum(len(nodes) for nodes in stages)
    return [len(nodes) / weight for nodes in stages]


def _waits_may_help(problem: RoutingProblem) -> bool:
    """Whether some visit ``j`` can only follow some ``i`` on a trip after a wait.

    That is when ``j``'s window opens later than ``i``'s closes plus ``i``'s service
    and the way from ``i`` to ``j`` (for some vehicle that may serve both), and
    less than the food age limit later. Without such a pair, leaving the station
    late enough to need no wait on the way loses nothing.
    """
    limit = problem.max_age_s
    if limit is None:
        return False
    opens = np.array([start for start, _ in problem.windows], dtype=np.int64)
    closes = np.array([end for _, end in problem.windows], dtype=np.int64)
    service = np.asarray(problem.service, dtype=np.int64)
    gap = opens[None, :] - closes[:, None]  # gap[i, j]: j opens this long after i closes
    near = gap < limit
    near[0, :] = near[:, 0] = False
    for v, vehicle in enumerate(problem.vehicles):
        travel = np.asarray(problem.travel[vehicle.profile], dtype=np.int64)
        forced = near & (gap > service[:, None] + travel)
        if problem.allowed:
            mine = np.array([a is None or v in a for a in problem.allowed])
            forced &= mine[:, None] & mine[None, :]
        if forced.any():
            return True
    return False


def _schedulable(problem: RoutingProblem, solution: Solution) -> bool:
    """Whether every vehicle's trips keep every rule with the closed-form schedule."""
    for v, vehicle in enumerate(problem.vehicles):
        trips = [list(trip.visits) for trip in solution.trips[v]]
        if not trips:
            continue
        try:
            schedule_trips(
                trips,
                travel=problem.travel[vehicle.profile],
                service=problem.service,
                windows=problem.windows,
                earliest=vehicle.earliest_start,
                latest_return=vehicle.latest_end,
                reload=problem.reload_s,
                max_age=problem.max_age_s if problem.max_age_s is not None else HORIZON,
            )
        except ScheduleError:
            return False
    return True


def _solve_stage(
    problem: RoutingProblem,
    params: SearchParams,
    *,
    start: list[list[list[int]]] | None,
    strict: bool = False,
) -> Solution:
    """One search; from ``start`` (per vehicle, trips of visits) when it is given.

    A ``start`` OR-Tools cannot read is an error when ``strict``; otherwise the
    search begins from a first solution of its own.
    """
    model = _Model(problem)
    if params.branch_limit is not None:
        limit = model.routing.solver().BranchesLimit(params.branch_limit)
        model.routing.AddSearchMonitor(limit)
    search = _search_parameters(params)
    started = time.perf_counter()
    initial = None if start is None else model.assignment_from(start, search)
    if strict and start is not None and initial is None:
        raise SolverError("the start routes do not fit the problem (trips or rules)")
    # A start that cannot be read otherwise makes the stage search from a first
    # solution of its own: counted in `starts_lost`, since it loses what the stages
    # before found (a bug if it ever happens).
    if initial is not None:
        assignment = model.routing.SolveFromAssignmentWithParameters(initial, search)
    else:
        assignment = model.routing.SolveWithParameters(search)
    seconds = time.perf_counter() - started
    status = _status_name(model.routing.status())
    if assignment is None:
        raise SolverError(f"OR-Tools found no solution (status {status})")
    found = model.extract(assignment, status=status, seconds=seconds)
    lost = int(start is not None and initial is None)
    return replace(found, stats={**found.stats, "starts_lost": lost})


def _search_parameters(params: SearchParams) -> pywrapcp.DefaultRoutingSearchParameters:
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = FIRST_SOLUTION[params.first_solution]
    search.local_search_metaheuristic = METAHEURISTIC[params.metaheuristic]
    seconds = math.floor(params.time_limit_s)
    search.time_limit.seconds = seconds
    search.time_limit.nanos = round((params.time_limit_s - seconds) * 1e9)
    if params.solution_limit is not None:
        search.solution_limit = params.solution_limit
    for name in params.operators:
        setattr(search.local_search_operators, f"use_{name}", optional_boolean_pb2.BOOL_TRUE)
    search.log_search = False
    return search


def _status_name(code: int) -> str:
    try:
        name = routing_enums_pb2.RoutingSearchStatus.Value.Name(code)
    except ValueError:
        return str(code)
    return str(name).removeprefix("ROUTING_")


BALANCE_PER_SECOND = 1  # a second off the busiest day is worth a second of travel
BALANCE_PER_STOP = 600  # a stop off the busiest worker is worth ten minutes of travel


def balance_bound(problem_balance: str, visits: int, longest_day_s: int) -> int:
    """The most the balance term can add to the objective (0 when off)."""
    if problem_balance == "stops":
        return BALANCE_PER_STOP * visits
    if problem_balance == "minutes":
        return BALANCE_PER_SECOND * longest_day_s
    return 0


class _Model:
    """The OR-Tools model of one :class:`RoutingProblem` (built in ``__init__``)."""

    def __init__(self, problem: RoutingProblem) -> None:
        self.problem = problem
        n_nodes = problem.num_visits + 1
        # Reload nodes: copies of the depot, each owned by one vehicle.
        self.reload_owner: dict[int, int] = {}
        node = n_nodes
        for v, vehicle in enumerate(problem.vehicles):
            for _ in range(vehicle.max_trips - 1):
                self.reload_owner[node] = v
                node += 1
        self.num_nodes = node
        # base[i]: the original node a (possibly copied) node stands for
        self.base = [i if i < n_nodes else 0 for i in range(self.num_nodes)]
        # Time values must fit the dimensions: at least two days, more when the
        # problem's own times are larger (the Solomon benchmark scales them x1000).
        self.horizon = max(
            HORIZON,
            *(v.latest_end for v in problem.vehicles),
            *(end for _, end in problem.windows),
        )
        num_vehicles = len(problem.vehicles)
        self.manager = pywrapcp.RoutingIndexManager(self.num_nodes, num_vehicles, 0)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self._costs()
        self._load()
        self._time()
        self._balance()
        self._optional_visits()

    # ------------------------------------------------------------ matrices
    def _expand(self, matrix: np.ndarray, *, extra: np.ndarray | None = None) -> list[list[int]]:
        """``matrix`` over all nodes (depot copies included), plus ``extra`` per origin."""
        base = np.asarray(self.base)
        full = np.asarray(matrix, dtype=np.int64)[np.ix_(base, base)]
        if extra is not None:
            full = full + extra[:, None]
        return full.tolist()

    def _costs(self) -> None:
        problem = self.problem
        routing = self.routing
        if problem.objective == "distance":
            index = routing.RegisterTransitMatrix(self._expand(problem.distance))
            routing.SetArcCostEvaluatorOfAllVehicles(index)
        elif problem.keep is not None:
            for v, vehicle in enumerate(problem.vehicles):
                matrix = self._kept_costs(v, problem.travel[vehicle.profile], problem.keep)
                routing.SetArcCostEvaluatorOfVehicle(routing.RegisterTransitMatrix(matrix), v)
        else:
            by_profile = {
                p: routing.RegisterTransitMatrix(self._expand(matrix))
                for p, matrix in enumerate(problem.travel)
            }
            for v, vehicle in enumerate(problem.vehicles):
                routing.SetArcCostEvaluatorOfVehicle(by_profile[vehicle.profile], v)
        if problem.vehicle_fixed_cost:
            routing.SetFixedCostOfAllVehicles(problem.vehicle_fixed_cost)

    def _kept_costs(self, v: int, travel: np.ndarray, keep: Keep) -> list[list[int]]:
        """Vehicle ``v``'s arc costs: travel, plus a new leg's cost, plus a move's."""
        n = self.problem.num_visits + 1
        extra = np.full((n, n), keep.new_leg_cost, dtype=np.int64)
        extra[0, 0] = 0  # unused reload nodes sit next to each other and the start
        for a, b in keep.legs:
            extra[a, b] = 0
        moved = np.array([u is not None and u != v for u in keep.usual], dtype=np.int64)
        moved[0] = 0
        extra += keep.move_cost * moved[None, :]  # paid on the way into the visit
        base = np.asarray(self.base)
        full = np.asarray(travel, dtype=np.int64)[np.ix_(base, base)] + extra[np.ix_(base, base)]
        return full.tolist()

    def _service(self) -> np.ndarray:
        """Service time per node (depot and reload copies: none)."""
        problem = self.problem
        service = np.array(
            [problem.service[b] if i == b else 0 for i, b in enumerate(self.base)], dtype=np.int64
        )
        service[0] = 0
        return service

    def _load(self) -> None:
        problem = self.problem
        demand = [problem.demand[b] if i == b else 0 for i, b in enumerate(self.base)]
        demand[0] = 0
        for node, v in self.reload_owner.items():
            demand[node] = -problem.vehicles[v].capacity
        callback = self.routing.RegisterUnaryTransitVector(demand)
        capacities = [vehicle.capacity for vehicle in problem.vehicles]
        self.routing.AddDimensionWithVehicleCapacity(
            callback, max(capacities), capacities, True, "Load"
        )
        load = self.routing.GetDimensionOrDie("Load")
        for node in range(1, problem.num_visits + 1):
            load.SlackVar(self.manager.NodeToIndex(node)).SetValue(0)

    def _time(self) -> None:
        problem = self.problem
        routing, manager = self.routing, self.manager
        service = self._service()
        # The reload time is spent on coming back from a trip: on the arcs from a
        # visit into a reload node. A reload node right after the start or another
        # reload node costs no time (nor travel), so idle ones harm nothing.
        reloading = np.zeros((self.num_nodes, self.num_nodes), dtype=np.int64)
        if self.reload_owner:
            visits = np.arange(1, problem.num_visits + 1)
            reloads = np.array(list(self.reload_owner))
            reloading[np.ix_(visits, reloads)] = problem.reload_s
        transit = {
            p: routing.RegisterTransitMatrix(
                (np.asarray(self._expand(matrix, extra=service)) + reloading).tolist()
            )
            for p, matrix in enumerate(problem.travel)
        }
        per_vehicle = [transit[vehicle.profile] for vehicle in problem.vehicles]
        routing.AddDimensionWithVehicleTransits(
            per_vehicle, self.horizon, self.horizon, False, "Time"
        )
        time_dim = routing.GetDimensionOrDie("Time")
        for node in range(1, problem.num_visits + 1):
            start, end = problem.windows[node]
            time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(start, end)
        for v, vehicle in enumerate(problem.vehicles):
            time_dim.CumulVar(routing.Start(v)).SetRange(vehicle.earliest_start, vehicle.latest_end)
            time_dim.CumulVar(routing.End(v)).SetRange(vehicle.earliest_start, vehicle.latest_end)
            routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        for node, v in self.reload_owner.items():
            time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(
                problem.vehicles[v].earliest_start, problem.vehicles[v].latest_end
            )
        self.time_dim = time_dim
        if problem.max_age_s is not None:
            self._age(service, time_dim)

    def _age(self, service: np.ndarray, time_dim: pywrapcp.RoutingDimension) -> None:
        """Time since the current trip left the depot, as the local search sees it.

        A plain dimension: it is 0 at every start and reload node (cumul and slack
        fixed), grows by the travel out of them and by service plus travel between
        visits, and drops by the horizon into a depot-like node, where the slack of
        the trip's last visit takes up the difference. Every bound is on a cumul, a
        slack or a transit, so OR-Tools' local-search filters check the one-hour
        rule on every move.

        Waiting at a door is the ``Time`` slack of the visit before it; it counts
        towards the meal's age through ``Age slack >= Time slack`` (a constraint
        the filters do not see; they see the age without waiting, a lower bound).
        With ``waiting=False`` nobody waits between two doors of a trip (the
        ``Time`` slack of a visit is 0) and the age is exact in the filters alone.
        """
        problem = self.problem
        routing, manager = self.routing, self.manager
        depotlike = np.zeros(self.num_nodes, dtype=bool)
        depotlike[0] = True
        depotlike[list(self.reload_owner)] = True
        back = np.where(~depotlike[:, None] & depotlike[None, :], -self.horizon, 0)
        transit = {
            p: routing.RegisterTransitMatrix(
                (np.asarray(self._expand(matrix, extra=service)) + back).tolist()
            )
            for p, matrix in enumerate(problem.travel)
        }
        per_vehicle = [transit[vehicle.profile] for vehicle in problem.vehicles]
        routing.AddDimensionWithVehicleTransits(
            per_vehicle, self.horizon, self.horizon, True, "Age"
        )
        age = routing.GetDimensionOrDie("Age")
        for v in range(len(problem.vehicles)):
            age.SlackVar(routing.Start(v)).SetValue(0)
        for node in self.reload_owner:
            index = manager.NodeToIndex(node)
            age.CumulVar(index).SetValue(0)
            age.SlackVar(index).SetValue(0)
        for node in range(1, problem.num_visits + 1):
            index = manager.NodeToIndex(node)
            age.CumulVar(index).SetRange(0, problem.max_age_s)
            if problem.waiting:
                routing.solver().Add(age.SlackVar(index) >= time_dim.SlackVar(index))
            else:
                time_dim.SlackVar(index).SetValue(0)

    def _balance(self) -> None:
        """The busiest vehicle's work as an objective term (global span cost)."""
        problem, routing = self.problem, self.routing
        if problem.balance == "stops":
            ones = [1 if 0 < i == b else 0 for i, b in enumerate(self.base)]
            callback = routing.RegisterUnaryTransitVector(ones)
            routing.AddDimension(callback, 0, problem.num_visits + 1, True, "Stops")
            routing.GetDimensionOrDie("Stops").SetGlobalSpanCostCoefficient(BALANCE_PER_STOP)
        elif problem.balance == "minutes":
            service = self._service()
            busy = {
                p: routing.RegisterTransitMatrix(self._expand(matrix, extra=service))
                for p, matrix in enumerate(problem.travel)
            }
            routing.AddDimensionWithVehicleTransits(
                [busy[vehicle.profile] for vehicle in problem.vehicles],
                0,
                self.horizon,
                True,
                "Busy",
            )
            routing.GetDimensionOrDie("Busy").SetGlobalSpanCostCoefficient(BALANCE_PER_SECOND)

    def _optional_visits(self) -> None:
        problem = self.problem
        routing, manager = self.routing, self.manager
        every = list(range(len(problem.vehicles)))
        for node in range(1, problem.num_visits + 1):
            index = manager.NodeToIndex(node)
            penalty = problem.drop_penalty[node]
            if penalty is not None:
                routing.AddDisjunction([index], int(penalty))
            allowed = problem.allowed[node] if problem.allowed else None
            if allowed is not None:
                # SetAllowedVehiclesForIndex raises TypeError in the 9.15 binding.
                forbidden = [v for v in every if v not in allowed]
                if forbidden:
                    routing.VehicleVar(index).RemoveValues(forbidden)
        for node, owner in self.reload_owner.items():
            # Mandatory: an unused reload node sits next to the start or another
            # reload node at no cost, and the first-solution heuristics place them
            # all before the visits, so a first solution already has several trips.
            index = manager.NodeToIndex(node)
            routing.VehicleVar(index).RemoveValues([v for v in every if v != owner])

    def assignment_from(
        self, trips: list[list[list[int]]], search: pywrapcp.DefaultRoutingSearchParameters
    ) -> pywrapcp.Assignment | None:
        """An assignment with these trips per vehicle (visit nodes), or ``None``.

        Each vehicle's unused reload nodes go right after its start (where they
        cost nothing); the others separate its trips.
        """
        owned: dict[int, list[int]] = {}
        for node, v in self.reload_owner.items():
            owned.setdefault(v, []).append(node)
        routes = []
        for v, vehicle_trips in enumerate(trips):
            reloads = owned.get(v, [])
            between = max(0, len(vehicle_trips) - 1)  # a worker without trips has none
            if between > len(reloads):
                return None
            route = list(reloads[between:])
            for k, trip in enumerate(vehicle_trips):
                if k:
                    route.append(reloads[k - 1])
                route += trip
            routes.append([self.manager.NodeToIndex(node) for node in route])
        self.routing.CloseModelWithParameters(search)
        return self.routing.ReadAssignmentFromRoutes(routes, True)

    # ------------------------------------------------------------ solution
    def extract(self, assignment: pywrapcp.Assignment, *, status: str, seconds: float) -> Solution:
        problem = self.problem
        routing, manager = self.routing, self.manager
        served: set[int] = set()
        all_trips = []
        for v, vehicle in enumerate(problem.vehicles):
            matrix = problem.travel[vehicle.profile]
            trips: list[SolvedTrip] = []
            visits: list[int] = []
            starts: list[int] = []
            index = routing.Start(v)
            while True:
                index = assignment.Value(routing.NextVar(index))
                node = manager.IndexToNode(index)
                if routing.IsEnd(index) or node in self.reload_owner:
                    if visits:
                        depart = starts[0] - int(matrix[0, visits[0]])
                        trips.append(SolvedTrip(depart, tuple(visits), tuple(starts)))
                    visits, starts = [], []
                    if routing.IsEnd(index):
                        break
                    continue
                visits.append(node)
                starts.append(assignment.Value(self.time_dim.CumulVar(index)))
                served.add(node)
            all_trips.append(tuple(trips))
        dropped = tuple(n for n in range(1, problem.num_visits + 1) if n not in served)
        return Solution(
            trips=tuple(all_trips),
            dropped=dropped,
            objective=assignment.ObjectiveValue(),
            status=status,
            seconds=seconds,
            stats={"nodes": self.num_nodes, "reload_nodes": len(self.reload_owner)},
        )
