"""A province overnight: stations planned on a Dask distributed cluster.

Stations are independent, so a province is a map over stations. With
``mealroute plan DATA --scheduler tcp://HOST:8786`` each station day is submitted to
an existing cluster (started with ``dask scheduler`` and ``dask worker``), and the
plans come back as they finish, in the order of the stations. Every Dask worker
needs mealroute installed (``pip install 'mealroute[cluster]'``); the data never
leaves the submitting machine except as the station days themselves.

Failures stay with their station, as in local runs:

- inside a Dask worker each station is planned in a subprocess of its own
  (:func:`mealroute.isolate.plan_in_subprocess`), so a crash of the solver fails that
  station, with the reason, and the worker lives on;
- if a whole worker is lost (its machine stops), the scheduler gives the station to
  another worker; after ``distributed.scheduler.allowed-failures`` losses (3 by
  default) the station is reported failed with the reason;
- if the scheduler itself goes away, every station not yet planned is reported
  failed with the reason. No station is ever silently missing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from .errors import MealrouteError
from .isolate import plan_in_subprocess
from .model import Message, StationPlan
from .settings import Settings
from .station_day import StationDay, failed_station

CONNECT_TIMEOUT_S = 30
REQUIREMENT = "mealroute[cluster]"


class ClusterError(MealrouteError, ConnectionError):
    """The cluster cannot be used at all (not installed, not reachable)."""


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ModuleNotFoundError:
        message = Message("cluster_not_installed", {"requirement": REQUIREMENT})
        raise ClusterError(message) from None
    try:
        return Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        detail = f"{type(error).__name__}: {error}"
        message = Message("cluster_unreachable", {"address": address, "detail": detail})
        raise ClusterError(message) from None


def plan_stations_on_cluster(
    days: Sequence[StationDay],
    date: dt.date,
    settings: Settings,
    *,
    address: str,
    on_done: Callable[[StationPlan], None] | None = None,
) -> list[StationPlan]:
    """Plan every station day on the Dask cluster at ``address``; results in order.

    Raises
    ------
    ClusterError
        When distributed is not installed or the scheduler cannot be reached;
        nothing was planned then.
    """
    if not days:
        return []
    from distributed import as_completed

    results: list[StationPlan | None] = [None] * len(days)
    run = secrets.token_hex(4)
    with _client(address) as client:
        futures = {
            client.submit(
                plan_in_subprocess,
                day,
                date,
                settings,
                pure=False,
                key=f"mealroute-{run}-{k}",
            ): k
            for k, day in enumerate(days)
        }
        try:
            for future in as_completed(futures, loop=client.loop):
                k = futures[future]
                results[k] = _result(future, days[k], settings)
                if on_done:
                    on_done(results[k])  # type: ignore[arg-type]
        except (OSError, TimeoutError) as error:  # the scheduler went away
            detail = f"{type(error).__name__}: {error}"
            lost = Message("cluster_unreachable", {"address": address, "detail": detail})
            for k, plan in enumerate(results):
                if plan is None:
                    results[k] = failed_station(days[k], lost, settings)
                    if on_done:
                        on_done(results[k])  # type: ignore[arg-type]
    return [plan for plan in results if plan is not None]


def _result(future: Any, day: StationDay, settings: Settings) -> StationPlan:
    """The station's plan, or a failed one that says what the cluster did."""
    if future.status == "finished":
        plan = future.result()
        if isinstance(plan, StationPlan):
            return plan
        detail = f"the task returned {type(plan).__name__}"
    else:
        error = future.exception()
        detail = f"{type(error).__name__}: {error}"
        if type(error).__name__ == "KilledWorker":
            return failed_station(day, Message("cluster_lost", {"detail": detail}), settings)
    return failed_station(day, Message("cluster_task_failed", {"detail": detail}), settings)
