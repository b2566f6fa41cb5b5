"""The day's plan as one call: what the command line, tests, a web desk and a cluster use.

::

    from mealroute.day import plan_day
    plan = plan_day("data/jinan", datetime.date(2026, 12, 1))

:func:`plan_day` reads a data folder (or one workbook), applies the changes table's
rows that hold on the date (:mod:`mealroute.changes`), plans every station in worker
processes and returns the :class:`~mealroute.model.Plan`; it writes nothing.
:func:`plan_dataset` does the same for a dataset already read, and
:func:`merge_plans` puts re-planned stations into an earlier plan of the day.
Writing the day's folder is :func:`mealroute.pack.write_pack`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from .changes import day_dataset, from_time
from .continuity import familiar
from .errors import InputError
from .model import Dataset, Message, Plan, StationPlan
from .parallel import StationPool, default_jobs, plan_stations
from .planjson import plan_id
from .revision import revision
from .settings import Settings
from .station_day import station_days


def now() -> dt.datetime:
    """The local time, to the second (what ``planned_at`` records)."""
    return dt.datetime.now().replace(microsecond=0)


def unknown_stations(dataset: Dataset, wanted: Sequence[str]) -> list[str]:
    """The ids in ``wanted`` that are neither a station nor named by a client row."""
    known = {s.station_id for s in dataset.stations} | {r.station_id for r in dataset.rejected}
    return [station for station in wanted if station not in known]


def plan_dataset(
    dataset: Dataset,
    date: dt.date,
    settings: Settings,
    *,
    stations: Sequence[str] | None = None,
    jobs: int | None = None,
    isolate: bool = True,
    on_done: Callable[[StationPlan], None] | None = None,
    planned_at: dt.datetime | None = None,
    scheduler: str | None = None,
    pool: StationPool | None = None,
    previous: Plan | None = None,
    history: Sequence[Plan] = (),
    at: int | None = None,
) -> Plan:
    """Plan every station of ``dataset`` (or those in ``stations``) for ``date``.

    Parameters
    ----------
    stations
        Only these station ids (unknown ids are ignored; see :func:`unknown_stations`).
    jobs
        Worker processes; default: every core this process may use.
    isolate
        Plan in worker processes, so a solver crash fails one station only
        (see :func:`mealroute.parallel.plan_stations`).
    on_done
        Called with each station plan as it is finished.
    planned_at
        When the plan is made (default: now).
    scheduler
        The address of a Dask distributed scheduler (``tcp://host:8786``): plan the
        stations on that cluster instead of in local processes (see
        :mod:`mealroute.cluster`); ``jobs`` and ``isolate`` are then not used.
    pool
        Worker processes already started (see :meth:`StationPool.warm`); the caller
        closes them.
    previous
        The published plan of the day: each station it planned is changed as
        little as needed instead of planned afresh (see :func:`replan_dataset`).
    at
        With ``previous``: re-plan from this time of day (seconds since midnight), in
        the middle of the round (see :func:`mealroute.planner.plan_station`); an
        absence then starts at ``at``.
    history
        Earlier days' plans, newest first (:func:`mealroute.continuity.earlier_plans`):
        each client's usual worker and each station's latest order come from them
        (see :mod:`mealroute.continuity`).

    Raises
    ------
    mealroute.cluster.ClusterError
        When a ``scheduler`` is given but cannot be used; nothing is planned then.
    """
    moment = planned_at or now()
    if at is not None and previous is not None:
        on_the_road = {
            r.worker_id
            for s in previous.stations
            for r in s.routes
            if r.trips and r.trips[0].depart < at
        }
        dataset = replace(dataset, changes=from_time(dataset.changes, date, at, on_the_road))
    roster = dataset.workers  # absent ones too: a client's usual worker may be away today
    dataset, applied = day_dataset(dataset, date)
    days, orphans = station_days(dataset, date, only=stations)
    days = [
        replace(
            d,
            familiar=familiar(
                d.station.station_id,
                d.clients,
                [w for w in roster if w.station_id == d.station.station_id],
                history,
            ),
        )
        for d in days
    ]
    if previous is not None:
        earlier = {s.station_id: s for s in previous.stations if s.error is None}
        days = [replace(d, previous=earlier.get(d.station.station_id), at=at) for d in days]
    planned = {day.station.station_id for day in days}
    if scheduler:
        from .cluster import plan_stations_on_cluster

        plans = plan_stations_on_cluster(days, date, settings, address=scheduler, on_done=on_done)
    else:
        plans = plan_stations(
            days,
            date,
            settings,
            jobs=jobs or default_jobs(),
            isolate=isolate,
            on_done=on_done,
            pool=pool,
        )
    plan = Plan(
        date=date,
        stations=tuple(replace(p, planned_at=moment) for p in (*plans, *orphans)),
        settings=settings.to_dict(),
        warnings=tuple(issue for issue in dataset.issues if issue.severity != "error"),
        planned_at=moment,
        changes=tuple(change for change in applied if change.station_id in planned),
    )
    return replace(plan, plan_id=plan_id(plan))


def plan_day(
    data: Path | str,
    date: dt.date,
    settings: Settings | None = None,
    **options: object,
) -> Plan:
    """Read a data folder (or workbook) and plan the day; writes nothing.

    ``settings`` default to the folder's ``mealroute.toml`` over the defaults; the
    ``options`` are those of :func:`plan_dataset`.

    Raises
    ------
    InputError
        When nothing can be planned: a table or a required column is missing, a file
        cannot be read. Its message lists every such problem.
    SettingsError
        When ``mealroute.toml`` is bad.
    """
    from .read.load import dataset_from_path

    path = Path(data)
    if settings is None:
        settings = Settings.for_data_dir(path if path.is_dir() else path.parent)
    dataset = dataset_from_path(path, settings.datum)
    fatal = [issue for issue in dataset.errors if issue.row is None]
    if fatal:
        raise InputError("; ".join(str(issue) for issue in fatal), file=str(path))
    return plan_dataset(dataset, date, settings, **options)  # type: ignore[arg-type]


def replan_dataset(
    dataset: Dataset,
    previous: Plan,
    settings: Settings,
    **options: object,
) -> Plan:
    """Re-plan the day of ``previous`` for ``dataset`` (with today's changes in it).

    Every station ``previous`` planned starts from its routes and changes them as
    little as needed (:func:`mealroute.planner.plan_station` with a previous plan:
    clients unserved first, then clients moved to another worker, then the order of
    the visits, then travel); a station it did not plan, or that failed, is planned
    afresh. The result says what changed (:attr:`Plan.revision`). ``options`` are
    those of :func:`plan_dataset`.

    Raises
    ------
    MergeError
        When ``settings`` have other rules than ``previous`` was planned with.
    """
    check_mergeable(previous, previous.date, settings.to_dict())
    plan = plan_dataset(dataset, previous.date, settings, previous=previous, **options)  # type: ignore[arg-type]
    only = options.get("stations")
    if only:
        plan = merge_plans(previous, plan)
    return replace(plan, revision=revision(previous, plan), data=previous.data)


class MergeError(ValueError):
    """Re-planned stations cannot go into the earlier plan (another date or other rules).

    ``message`` says why, in any language (``merge_other_date``, ``merge_other_rules``).
    """

    def __init__(self, message: Message) -> None:
        super().__init__(message.text("en"))
        self.message = message


# Settings that change what a plan is; a re-plan with other values of these would
# mix two sets of rules in one day. Preferences in those sections (how to weigh travel
# against fair days or familiar faces) may differ, and a key the earlier plan does not
# have (written by an older mealroute) is not a difference.
_RULE_SECTIONS = ("travel", "service", "day", "food_safety")
_PREFERENCES = {"day": frozenset({"balance", "familiar_min", "same_order_min"})}


def _rules_differ(section: str, before: object, now: object) -> bool:
    if not isinstance(before, dict) or not isinstance(now, dict):
        return before != now
    skip = _PREFERENCES.get(section, frozenset())
    return any(before[key] != now[key] for key in before if key in now and key not in skip)


def check_mergeable(previous: Plan, date: dt.date, settings: dict[str, object]) -> None:
    """Raise :class:`MergeError` unless a re-plan of ``date`` with ``settings`` fits ``previous``.

    Re-planned stations may go into a plan of the same date made with the same rules
    (travel speeds, service times, lunch window, food safety); the search settings
    may differ.
    """
    if previous.date != date:
        raise MergeError(
            Message(
                "merge_other_date",
                {"date": previous.date.isoformat(), "wanted": date.isoformat()},
            )
        )
    changed = [
        section
        for section in _RULE_SECTIONS
        if _rules_differ(section, previous.settings.get(section), settings.get(section))
    ]
    if changed:
        raise MergeError(Message("merge_other_rules", {"sections": f"[{'], ['.join(changed)}]"}))


def merge_plans(previous: Plan, replanned: Plan) -> Plan:
    """``previous`` with the stations of ``replanned`` put in (in place, or added).

    Stations only ``previous`` has keep their plan and their ``planned_at``; the
    merged plan takes the new warnings and gets a new id.

    Raises
    ------
    MergeError
        See :func:`check_mergeable`.
    """
    check_mergeable(previous, replanned.date, replanned.settings)
    new = {station.station_id: station for station in replanned.stations}
    changes = (
        *(c for c in previous.changes if c.station_id not in new),
        *replanned.changes,
    )
    kept = [new.pop(s.station_id, s) for s in previous.stations]
    plan = replace(replanned, stations=(*kept, *new.values()), plan_id="", changes=changes)
    return replace(plan, plan_id=plan_id(plan))
