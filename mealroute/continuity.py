"""The same familiar face: each client's usual worker, and the days planned before.

For many clients the worker who brings lunch is their one visitor of the day, so a
plan prefers to keep it: the planner is given, per station,

- each client's **usual worker**: the clients table's ``usual_worker`` cell when it has
  one, else the worker who brought their lunch most often in the earlier plans (the
  most recent of them on a tie);
- the **latest earlier plan** of the station, whose order of visits today's plan
  starts from and prefers to keep (with no change in the input, tomorrow's routes look
  like today's instead of a fresh shuffle from a time-limited search).

Both are preferences with a weight in minutes of travel (``[day] familiar_min``,
``[day] same_order_min``), below every drop penalty: keeping a face or an order never
leaves anyone unserved. The earlier plans are the ``plan.json`` of the day folders
beside the one being written (``maps/2026-11-30/`` when planning ``maps/2026-12-01/``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import Client, Plan, StationPlan, Worker

HISTORY_DAYS = 28  # earlier plans looked at (the usual worker is the most frequent there)


@dataclass(frozen=True)
class Familiar:
    """What one station's plan should stay close to."""

    usual: dict[str, str]  # client id -> the usual worker's id
    latest: StationPlan | None  # the station's most recent earlier plan
    names: dict[str, str]  # worker id -> name, the whole roster (absent today too)


def earlier_plans(out_dir: Path, date: dt.date, *, days: int = HISTORY_DAYS) -> list[Plan]:
    """The plans of the ``days`` days before ``date`` in the day folders beside ``out_dir``.

    A folder is a day's when its name is that date (``2026-11-30``) and its plan.json
    is of that date; one that cannot be read is skipped (it is history, not input).
    Newest first.
    """
    from .errors import MealrouteError
    from .planjson import read_plan

    plans = []
    parent = Path(out_dir).parent
    for back in range(1, days + 1):
        day = date - dt.timedelta(days=back)
        path = parent / day.isoformat() / "plan.json"
        if not path.is_file():
            continue
        try:
            plan = read_plan(path)
        except (MealrouteError, OSError):
            continue
        if plan.date == day:
            plans.append(plan)
    return plans


def familiar(
    station_id: str, clients: Iterable[Client], workers: Sequence[Worker], history: Sequence[Plan]
) -> Familiar:
    """The usual workers of the station's clients and its latest earlier plan.

    Parameters
    ----------
    clients
        The station's clients (their ``usual_worker`` wins over the history).
    workers
        The station's workers, absent ones too (a usual worker must be one of them).
    history
        Earlier plans, newest first (see :func:`earlier_plans`).
    """
    rostered = {w.worker_id for w in workers}
    counts: dict[str, Counter[str]] = {}
    newest: dict[tuple[str, str], int] = {}  # (client, worker) -> how recent (0 newest)
    latest = None
    for age, plan in enumerate(history):
        station = next((s for s in plan.stations if s.station_id == station_id), None)
        if station is None or station.error is not None:
            continue
        latest = latest or station
        for route in station.routes:
            for stop in route.stops:
                counts.setdefault(stop.client_id, Counter())[route.worker_id] += 1
                newest.setdefault((stop.client_id, route.worker_id), age)
    usual: dict[str, str] = {}
    for client in clients:
        if client.usual_worker:
            if client.usual_worker in rostered:
                usual[client.client_id] = client.usual_worker
            continue
        seen = {w: n for w, n in counts.get(client.client_id, Counter()).items() if w in rostered}
        if seen:
            usual[client.client_id] = max(
                seen, key=lambda w: (seen[w], -newest[(client.client_id, w)], w)
            )
    return Familiar(usual, latest, {w.worker_id: w.name or w.worker_id for w in workers})
