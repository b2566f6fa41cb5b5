"""The day as the changes table makes it: who is due, who works, and when.

Input data + the changes table → the data of one date. :func:`day_dataset` takes a
:class:`~mealroute.model.Dataset` (with its ``changes``, read by
:mod:`mealroute.read.changes`) and returns the dataset of ``date`` with every change
that holds that day applied, and those changes, for the pack to list:

- a **pause** (暂停) takes a client out of the day (their lunch is not due);
- **new** (新增) makes a client due from the start date on (to the end date, when
  given), on their usual days, and on no other day (a one-off client: start and end
  the same day); **once** (加送) makes a client due on each day from start to end
  whatever their usual days (an extra day);
- **window**, **meals** and **diet** replace the client's own for the day; **pin**
  (指定送餐员) lets only the named worker bring the client's lunch (when that worker
  cannot, the client is unserved with that reason: the coordinator asked for them);
- **absent** (请假) takes a worker out of the day; **late** and **early** move the
  start or end of their shift; **mode** changes how they travel;
- **meals_ready** moves the time a station's meals are ready.

When two rows change the same thing on one day, the later row wins. A change that
finds nothing to change (a client whose own row cannot be planned) is not listed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import replace

from .model import (
    CLIENT_CHANGES,
    WORKER_CHANGES,
    Change,
    ChangeKind,
    Client,
    Dataset,
    Station,
    Worker,
)


def from_time(
    changes: tuple[Change, ...], date: dt.date, at: int, on_the_road: Collection[str]
) -> tuple[Change, ...]:
    """The changes as they act from ``at`` on ``date`` (re-planning mid-round).

    A worker of ``on_the_road`` (who left the station before ``at`` in the published
    plan) who is absent on the date leaves at ``at``: what they delivered before is done
    (an ``early`` change at ``at`` in place of the absence). Any other absence stays
    one: a worker on leave all day is still away.
    """
    return tuple(
        replace(change, kind=ChangeKind.EARLY, value=at, start=date, end=date)
        if change.kind == ChangeKind.ABSENT
        and change.holds_on(date)
        and change.subject in on_the_road
        else change
        for change in changes
    )


def day_dataset(dataset: Dataset, date: dt.date) -> tuple[Dataset, tuple[Change, ...]]:
    """``dataset`` as it is on ``date``, and the changes that hold that day (table order)."""
    by_subject: dict[tuple[bool, str], list[Change]] = defaultdict(list)
    for change in dataset.changes:
        by_subject[(change.kind in CLIENT_CHANGES, change.subject)].append(change)
    applied: list[Change] = []

    clients: list[Client] = []
    for client in dataset.clients:
        changes = by_subject.get((True, client.client_id), [])
        due, used = _client_due(client, changes, date)
        applied.extend(used)
        if due is not None:
            clients.append(due)
    paused = {c.subject for c in dataset.changes if c.kind == ChangeKind.PAUSE and c.holds_on(date)}
    rejected = tuple(r for r in dataset.rejected if r.client_id not in paused)
    # A pause of a client whose own row cannot be planned still spares them the
    # "unserved" line; listed once, even when a valid row has the same id.
    only_rejected = {r.client_id for r in dataset.rejected} - {c.client_id for c in dataset.clients}
    applied.extend(
        c
        for c in dataset.changes
        if c.kind == ChangeKind.PAUSE and c.holds_on(date) and c.subject in only_rejected
    )

    workers: list[Worker] = []
    for worker in dataset.workers:
        today = [
            c
            for c in by_subject.get((False, worker.worker_id), [])
            if c.kind in WORKER_CHANGES and c.holds_on(date)
        ]
        applied.extend(today)
        changed = _worker_on(worker, today)
        if changed is not None:
            workers.append(changed)

    stations: list[Station] = []
    for station in dataset.stations:
        today = [
            c
            for c in by_subject.get((False, station.station_id), [])
            if c.kind == ChangeKind.MEALS_READY and c.holds_on(date)
        ]
        applied.extend(today)
        stations.append(replace(station, meals_ready=today[-1].value) if today else station)

    order = {id(change): k for k, change in enumerate(dataset.changes)}
    day = replace(
        dataset,
        stations=tuple(stations),
        workers=tuple(workers),
        clients=tuple(clients),
        rejected=rejected,
    )
    return day, tuple(sorted(applied, key=lambda change: order[id(change)]))


def _client_due(
    client: Client, changes: list[Change], date: dt.date
) -> tuple[Client | None, list[Change]]:
    """The client as on ``date`` (None: not due) and the changes that made it so."""
    today = [c for c in changes if c.holds_on(date)]
    if any(c.kind == ChangeKind.PAUSE for c in today):
        return None, [c for c in today if c.kind == ChangeKind.PAUSE]
    usual = date.weekday() in client.days
    starts = [c for c in changes if c.kind == ChangeKind.NEW]
    once = [c for c in today if c.kind == ChangeKind.ONCE]
    new_today = [c for c in starts if c.holds_on(date)]
    if once:
        due, why = True, once + new_today
    elif starts:
        due, why = usual and bool(new_today), new_today
    else:
        due, why = usual, []
    if not due:
        return None, []
    used = list(why)
    for change in today:
        if change.kind == ChangeKind.WINDOW:
            client = replace(client, window_start=change.value[0], window_end=change.value[1])
        elif change.kind == ChangeKind.MEALS:
            client = replace(client, meals=change.value)
        elif change.kind == ChangeKind.DIET:
            client = replace(client, diet=change.value)
        elif change.kind == ChangeKind.PIN:
            client = replace(client, pinned_to=change.value)
        else:
            continue
        used.append(change)
    if once and not usual:  # due today by the change, whatever the usual days
        client = replace(client, days=client.days | {date.weekday()})
    return client, used


def _worker_on(worker: Worker, today: list[Change]) -> Worker | None:
    """The worker as on the day (None: away)."""
    if any(c.kind == ChangeKind.ABSENT for c in today):
        return None
    start, end, mode = worker.shift_start, worker.shift_end, worker.mode
    for change in today:
        if change.kind == ChangeKind.LATE:
            start = change.value
        elif change.kind == ChangeKind.EARLY:
            end = change.value
        elif change.kind == ChangeKind.MODE:
            mode = change.value
    if start >= end:  # late and early together leave no shift: away for the day
        return None
    return replace(worker, shift_start=start, shift_end=end, mode=mode)
