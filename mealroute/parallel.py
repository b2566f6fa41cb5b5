"""Planning many stations at once, in separate processes.

Stations are independent, so each is planned in a worker process. One station
failing (bad data, a solver error, even a crashed process) is turned into a failed
:class:`~mealroute.model.StationPlan` whose clients are all listed as unserved with
the reason; the other stations are still planned.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed

from .model import Dataset, Plan, StationPlan
from .planner import StationDay, failed_station, plan_station, station_days
from .settings import Settings


def plan_station_safely(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
    """:func:`plan_station`, with any error turned into a failed station plan."""
    try:
        return plan_station(day, date, settings)
    except Exception as error:  # noqa: BLE001 - one station must not stop the others
        return failed_station(day, f"{type(error).__name__}: {error}", settings)


def plan_stations(
    days: Sequence[StationDay],
    date: dt.date,
    settings: Settings,
    *,
    jobs: int = 1,
    on_done: Callable[[StationPlan], None] | None = None,
) -> list[StationPlan]:
    """Plan every station day; results in the order of ``days``.

    Parameters
    ----------
    jobs
        Worker processes; 1 plans in this process.
    on_done
        Called with each finished station plan (for a progress bar).
    """
    results: list[StationPlan | None] = [None] * len(days)
    if jobs <= 1 or len(days) <= 1:
        for k, day in enumerate(days):
            results[k] = plan_station_safely(day, date, settings)
            if on_done:
                on_done(results[k])  # type: ignore[arg-type]
        return [r for r in results if r is not None]
    # "spawn": a fresh interpreter per worker; fork is unsafe once OR-Tools has threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(days)), mp_context=context) as pool:
        futures: dict[Future[StationPlan], int] = {
            pool.submit(plan_station_safely, day, date, settings): k for k, day in enumerate(days)
        }
        for future in as_completed(futures):
            k = futures[future]
            try:
                plan = future.result()
            except Exception as error:  # noqa: BLE001 - e.g. the process died
                plan = failed_station(days[k], f"{type(error).__name__}: {error}", settings)
            results[k] = plan
            if on_done:
                on_done(plan)
    return [r for r in results if r is not None]


def plan_dataset(
    dataset: Dataset,
    date: dt.date,
    settings: Settings,
    *,
    jobs: int = 1,
    only: Sequence[str] | None = None,
    on_done: Callable[[StationPlan], None] | None = None,
) -> Plan:
    """Plan every station of ``dataset`` (or those in ``only``) for ``date``."""
    days, orphans = station_days(dataset, date, only=only)
    plans = plan_stations(days, date, settings, jobs=jobs, on_done=on_done)
    return Plan(
        date=date,
        stations=tuple(plans) + tuple(orphans),
        settings=settings.to_dict(),
        warnings=tuple(str(issue) for issue in dataset.issues),
    )
