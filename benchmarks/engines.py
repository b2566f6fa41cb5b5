"""Solve a Solomon instance with mealroute's solver (OR-Tools); the data both solvers get.

OR-Tools here and PyVRP (``pyvrp_engine.py``) get the same integer data:

- ``distance``: Euclidean distance x ``scale``, rounded (the objective);
- ``travel``: Euclidean distance x ``scale``, rounded *up*. Rounding travel times up
  makes the integer model conservative: a schedule that is feasible with the integer
  times is feasible with the real ones (each real service start is no later than the
  integer one), so the real-valued checker in ``solomon.py`` needs no slack;
- windows, service times and the horizon x ``scale``;
- 25 vehicles of the instance's capacity, out at 0 and back by the depot's due date,
  each used at most once, with the same optional fixed cost per vehicle used.

OR-Tools solves through :func:`mealroute.solver.solve`, the code the planner runs,
with every customer optional behind a drop penalty larger than any solution's whole
cost (so dropping never pays; a drop is reported as infeasible by the checker).
PyVRP (single-threaded by design) gets every customer as required.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace

import numpy as np

from mealroute.solver import RoutingProblem, SearchParams, Vehicle, solve

from .solomon import Check, Instance, check_routes, euclidean

SCALE = 1000


@dataclass(frozen=True)
class Run:
    """One solver run on one instance, checked independently."""

    solver: str  # "ortools" or "pyvrp"
    setting: str
    time_limit_s: float
    routes: tuple[tuple[int, ...], ...]
    check: Check
    solve_s: float  # wall time of the solve
    cpu_s: float  # CPU time the solve got (less than solve_s on a loaded machine)
    scaled_objective: int
    load1: float  # 1-minute load average when the run started


def integer_matrices(instance: Instance, *, scale: int = SCALE) -> tuple[np.ndarray, np.ndarray]:
    """``(distance, travel)``: scaled Euclidean distance rounded, and rounded up."""
    real = euclidean(instance) * scale
    return np.rint(real).astype(np.int64), np.ceil(real).astype(np.int64)


def drop_penalty(distance: np.ndarray, *, num_vehicles: int, fixed_cost: int) -> int:
    """A penalty above the whole cost of any solution, so no drop ever pays.

    A solution has at most one outgoing arc per node plus one per vehicle start,
    each no longer than the longest arc, and pays at most one fixed cost per vehicle.
    """
    longest = int(distance.max())
    return (distance.shape[0] + num_vehicles) * longest + num_vehicles * fixed_cost + 1


def routing_problem(
    instance: Instance, *, scale: int = SCALE, fixed_cost: float = 0.0
) -> RoutingProblem:
    """The instance as mealroute's :class:`~mealroute.solver.RoutingProblem`.

    Parameters
    ----------
    instance
        A Solomon instance.
    scale
        Factor applied to distances and times before making them integers.
    fixed_cost
        Cost per vehicle used, in the instance's distance units (scaled here).
    """
    distance, travel = integer_matrices(instance, scale=scale)
    fixed = round(fixed_cost * scale)
    penalty = drop_penalty(distance, num_vehicles=instance.num_vehicles, fixed_cost=fixed)
    n = instance.num_customers
    vehicle = Vehicle(
        profile=0,
        capacity=instance.capacity,
        earliest_start=0,
        latest_end=instance.horizon * scale,
        max_trips=1,
    )
    return RoutingProblem(
        distance=distance,
        travel=(travel,),
        service=tuple(s * scale for s in instance.service),
        windows=tuple(
            (r * scale, d * scale) for r, d in zip(instance.ready, instance.due, strict=True)
        ),
        demand=instance.demand,
        drop_penalty=(None, *([penalty] * n)),
        vehicles=(vehicle,) * instance.num_vehicles,
        objective="distance",
        vehicle_fixed_cost=fixed,
    )


def run_ortools(
    instance: Instance,
    *,
    seconds: float,
    first_solution: str,
    metaheuristic: str,
    fixed_cost: float = 0.0,
    scale: int = SCALE,
    fleet_share: float = 0.0,
) -> Run:
    """Solve with :func:`mealroute.solver.solve` and check the routes.

    ``fleet_share`` > 0 (with a fixed cost) splits the time in two phases: that share
    of it searches with the fixed cost, which settles the number of vehicles; the
    rest searches distance alone with only the vehicles the first phase used,
    starting from its routes. Guided local search scales its penalties by the mean
    cost of an arc, which a large fixed cost inflates, so distance improves slowly
    while the fixed cost is in the objective.
    """
    problem = routing_problem(instance, scale=scale, fixed_cost=fixed_cost)
    params = SearchParams(
        time_limit_s=seconds * (fleet_share or 1.0),
        first_solution=first_solution,
        metaheuristic=metaheuristic,
    )
    load1 = os.getloadavg()[0]
    cpu = time.process_time()
    solution = solve(problem, params)
    seconds_used = solution.seconds
    setting = f"{first_solution}+{metaheuristic}"
    if fleet_share and fixed_cost:
        used = [trips for trips in solution.trips if trips]
        fleet = replace(problem, vehicles=problem.vehicles[: len(used)], vehicle_fixed_cost=0)
        start = [[list(trip.visits) for trip in trips] for trips in used]
        second = solve(
            fleet, replace(params, time_limit_s=seconds * (1 - fleet_share)), start=start
        )
        if second.objective + fixed_cost * scale * len(used) <= solution.objective:
            solution = second
        seconds_used += second.seconds
        setting += f"+fleet{fleet_share:g}"
    cpu_s = time.process_time() - cpu
    routes = tuple(trip.visits for trips in solution.trips for trip in trips)
    return Run(
        solver="ortools",
        setting=setting,
        time_limit_s=seconds,
        routes=routes,
        check=check_routes(instance, routes),
        solve_s=seconds_used,
        cpu_s=cpu_s,
        scaled_objective=int(solution.objective),
        load1=load1,
    )
