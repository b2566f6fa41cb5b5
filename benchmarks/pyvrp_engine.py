"""Solve a Solomon instance with PyVRP, on the same integer data as ``engines.py``.

PyVRP (the ``bench`` extra) is single-threaded by design. Every customer is required;
the vehicle type has the instance's 25 vehicles, capacity, horizon and the same fixed
cost per vehicle used as the OR-Tools run.
"""

from __future__ import annotations

import math
import os
import time
from importlib.metadata import version

import pyvrp
from pyvrp.stop import MaxRuntime

from .engines import SCALE, Run, integer_matrices
from .solomon import Instance, check_routes


def pyvrp_data(
    instance: Instance, *, scale: int = SCALE, fixed_cost: float = 0.0
) -> pyvrp.ProblemData:
    """The instance as a ``pyvrp.ProblemData`` on the same integer matrices."""

    distance, travel = integer_matrices(instance, scale=scale)
    horizon = instance.horizon * scale
    n = instance.num_customers
    return pyvrp.ProblemData(
        locations=[pyvrp.Location(x, y) for x, y in zip(instance.x, instance.y, strict=True)],
        clients=[
            pyvrp.Client(
                location=c,
                delivery=[instance.demand[c]],
                service_duration=instance.service[c] * scale,
                tw_early=instance.ready[c] * scale,
                tw_late=instance.due[c] * scale,
            )
            for c in range(1, n + 1)
        ],
        depots=[pyvrp.Depot(location=0, tw_early=0, tw_late=horizon)],
        vehicle_types=[
            pyvrp.VehicleType(
                num_available=instance.num_vehicles,
                capacity=[instance.capacity],
                fixed_cost=round(fixed_cost * scale),
                tw_early=0,
                tw_late=horizon,
            )
        ],
        # PyVRP's stubs spell the matrix type ``ndarray[int]``, which numpy's never match
        distance_matrices=[distance],  # type: ignore[list-item]
        duration_matrices=[travel],  # type: ignore[list-item]
    )


def run_pyvrp(
    instance: Instance,
    *,
    seconds: float,
    fixed_cost: float = 0.0,
    scale: int = SCALE,
    seed: int = 1,
) -> Run:
    """Solve with PyVRP (``pyvrp.solve``, ``MaxRuntime``) and check the routes."""
    data = pyvrp_data(instance, scale=scale, fixed_cost=fixed_cost)
    load1 = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    result = pyvrp.solve(data, stop=MaxRuntime(seconds), seed=seed, collect_stats=False)
    solve_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    routes = tuple(
        tuple(activity.idx + 1 for activity in route if activity.is_client())
        for route in result.best.routes()
    )
    cost = result.cost()
    return Run(
        solver="pyvrp",
        setting=f"pyvrp-{pyvrp_version()}-seed{seed}",
        time_limit_s=seconds,
        routes=routes,
        check=check_routes(instance, routes),
        solve_s=solve_s,
        cpu_s=cpu_s,
        scaled_objective=int(cost) if math.isfinite(cost) else -1,
        load1=load1,
    )


def pyvrp_version() -> str:
    """The installed PyVRP version."""
    return version("pyvrp")
