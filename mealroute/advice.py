"""What would serve the clients a station left unserved: one change, planned again.

When clients stay unserved because the station's workers ran out of time or capacity
(``ran_out``), :func:`advise` plans the station again with one change at a time and
keeps the changes that serve some of them:

- one more worker of the station's commonest travel mode (and one of its fastest, if
  that is another), with the station's commonest shift and capacity;
- meals ready 30 minutes earlier (and then 15, if 30 helped);
- the worker with the most usable time on an e-bike instead of on foot or a bicycle;
- the most hemmed-in worker's shift 30 minutes longer;
- the fastest worker carrying 2 more meals a trip.

A client unserved for a missing skill also gets one candidate: one more worker with
that skill. Every candidate is a real plan of the station (:func:`plan_station`, a
black box here), and it counts only if everyone the plan serves is still served.
Best first: the most disabled clients served, then semi-disabled, then everyone;
among equals the smaller change. At most :data:`SHOWN` are kept; one that serves
nobody is not.

The advice comes after the station's plan and never changes it. The re-plans share a
budget of ``[advice] seconds`` per station, each searching no longer than the
station's own time limit; in reproducible mode each re-plan is bounded by the work
limit instead (the same search as the plan's, so the advice is reproducible and a
change applied to the input files plans exactly as advised), and the clock decides
nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .clock import DAY, format_clock, format_window
from .model import CareLevel, Message, Mode, StationPlan, Worker
from .planner import plan_station
from .settings import Settings
from .station_day import StationDay

SHOWN = 3  # advices kept per station, best first
MIN_REPLAN_S = 0.3  # search seconds a re-plan gets at least (unless the budget is spent)
EXTRA_CAPACITY = 2  # meals a trip more, for the "more capacity" candidate
LONGER_MIN = 30  # minutes, for the "longer shift" candidate
EARLIER_MIN = (30, 15)  # minutes, for the "meals ready earlier" candidates
FASTER_MODE = Mode.EBIKE
SKILL_REASONS = frozenset({"skill_missing", "skills_not_together"})

PlanFunction = Callable[[StationDay, dt.date, Settings], StationPlan]


@dataclass(frozen=True)
class Change:
    """One candidate: the station's day with one thing changed, and how to say it.

    ``kind`` groups changes of one sort (of two meals-earlier changes, the smaller one
    that serves as many is enough); ``cost`` orders changes that serve the same
    clients, smaller first.
    """

    kind: str
    cost: int
    day: StationDay
    message: Message


def needs_advice(plan: StationPlan, settings: Settings) -> bool:
    """Whether advice is wanted for ``plan``: it is on, and someone is unserved whom a
    change of workers could serve (the workers ran out, or a skill is missing)."""
    if not settings.advice or plan.error is not None:
        return False
    return any(u.reason.code == "ran_out" or u.reason.code in SKILL_REASONS for u in plan.unserved)


def advise_safely(
    day: StationDay, date: dt.date, settings: Settings, plan: StationPlan
) -> StationPlan:
    """:func:`advise`; should it fail, ``plan`` as it was, the error noted in its
    ``solver`` record (advice never costs a station its plan)."""
    try:
        return advise(day, date, settings, plan)
    except Exception as error:  # noqa: BLE001 - the plan stands without advice
        return replace(plan, solver={**plan.solver, "advice_error": type(error).__name__})


def advise(
    day: StationDay,
    date: dt.date,
    settings: Settings,
    plan: StationPlan,
    *,
    plan_function: PlanFunction = plan_station,
    clock: Callable[[], float] = time.monotonic,
) -> StationPlan:
    """``plan`` with its advice: what would serve the clients it leaves unserved.

    Parameters
    ----------
    day, date, settings
        What ``plan`` was made from.
    plan
        The station's plan; its routes and unserved are returned unchanged.
    plan_function
        Plans the station with one change (the planner's :func:`plan_station`).
    clock
        Seconds, for the budget of ``[advice] seconds``; in reproducible mode it only
        records how long the advice took.

    Returns
    -------
    StationPlan
        ``plan`` with ``advice`` (best first, at most :data:`SHOWN`) and, in its
        ``solver`` record, ``advice_replans``, ``advice_swaps`` (re-plans that left out
        someone served today, so not advice), ``advice_s`` and ``advice_cut`` (the
        budget ran out before every candidate was tried).
    """
    if not needs_advice(plan, settings):
        return plan
    started = clock()
    served = {stop.client_id for route in plan.routes for stop in route.stops}
    unserved = [c for c in day.clients if c.client_id not in served]
    reasons = {u.client_id: u.reason.code for u in plan.unserved}
    changes = candidates(day, settings, reasons)
    deadline = started + settings.advice_s
    share = settings.advice_s / max(1, len(changes))
    found: list[tuple[tuple[int, ...], Change, Message]] = []
    replans = 0
    swaps = 0  # re-plans that served more but left out someone served today
    cut = False
    queue = list(changes)
    while queue:
        change = queue.pop(0)
        search = settings
        if not settings.reproducible:
            floor = min(MIN_REPLAN_S, settings.time_limit_s)
            left = deadline - clock()
            if left < floor:
                cut = True
                break
            search = settings.replace(
                time_limit_s=min(settings.time_limit_s, max(share, floor), left)
            )
        replans += 1
        try:
            result = plan_function(change.day, date, search)
        except Exception:  # noqa: BLE001 - a failed re-plan is a candidate that does not help
            continue
        now_served = {stop.client_id for route in result.routes for stop in route.stops}
        if result.error is not None:
            continue
        if not served <= now_served:
            swaps += 1  # someone served today would lose their meal: no advice
            continue
        gained = [c for c in unserved if c.client_id in now_served]
        if not gained:
            continue
        levels = Counter(c.care_level for c in gained)
        score = (
            -levels[CareLevel.DISABLED],
            -levels[CareLevel.SEMI_DISABLED],
            -len(gained),
            change.cost,
        )
        message = Message(
            change.message.code,
            {
                **change.message.params,
                "serves": len(gained),
                "of": len(unserved),
                "disabled": levels[CareLevel.DISABLED],
                "clients": [c.client_id for c in gained],
            },
        )
        found.append((score, change, message))
        if change.kind == "meals_earlier" and change.message.params.get("minutes") == max(
            EARLIER_MIN
        ):
            queue[0:0] = _smaller_earlier(day, settings)
    return replace(
        plan,
        advice=best(found),
        solver={
            **plan.solver,
            "advice_replans": replans,
            "advice_swaps": swaps,
            "advice_s": round(clock() - started, 3),
            "advice_cut": cut,
        },
    )


def best(found: Sequence[tuple[tuple[int, ...], Change, Message]]) -> tuple[Message, ...]:
    """The best :data:`SHOWN` advices; of one kind, a bigger change that serves no
    more than a smaller one is left out."""
    kept: list[tuple[tuple[int, ...], Change, Message]] = []
    for score, change, message in sorted(found, key=lambda entry: entry[0]):
        if any(other.kind == change.kind and other.cost <= change.cost for _, other, _ in kept):
            continue
        kept.append((score, change, message))
    return tuple(message for _, _, message in kept[:SHOWN])


# ------------------------------------------------------------------ the candidates


def candidates(day: StationDay, settings: Settings, reasons: dict[str, str]) -> list[Change]:
    """The changes worth a re-plan, most promising first (the budget may end the list).

    ``reasons`` are the codes of the plan's unserved clients by client id.
    """
    changes: list[Change] = []
    if not day.workers:
        return changes
    if "ran_out" in reasons.values():
        changes += _extra_workers(day, settings)
    skilled = _extra_skilled_worker(day, settings, reasons)
    if skilled is not None:
        changes.append(skilled)
    if "ran_out" in reasons.values():
        changes += [
            change
            for change in (
                _faster_mode(day, settings),
                _longer_shift(day, settings),
                _meals_earlier(day, settings, max(EARLIER_MIN)),
                _more_capacity(day, settings),
            )
            if change is not None
        ]
    return changes


def _speed(settings: Settings, mode: Mode) -> float:
    return settings.speed_kmh[mode]


def _ready(day: StationDay, settings: Settings) -> int:
    return settings.ready_at(day.station)


def _useful_span(worker: Worker, day: StationDay, settings: Settings) -> tuple[int, int]:
    """When a worker can be out with meals: from meals ready (or the shift) to the
    shift end, no later than the last meal's time plus a trip back."""
    ready = _ready(day, settings)
    last_back = ready + round(
        (settings.max_min_after_ready + settings.max_min_after_departure) * 60
    )
    return max(ready, worker.shift_start), min(worker.shift_end, last_back)


def _commonest[T](values: Sequence[T], tie: Callable[[T], Any]) -> T:
    """The value found most often; among equals, the one with the smallest ``tie``."""
    counts = Counter(values)
    return min(counts, key=lambda value: (-counts[value], tie(value)))


def _commonest_mode(day: StationDay, settings: Settings) -> Mode:
    """The mode most of the station's workers travel by; the faster among equals."""
    return _commonest([w.mode for w in day.workers], lambda m: -_speed(settings, m))


def _new_worker(
    day: StationDay, settings: Settings, mode: Mode, skills: frozenset[str] = frozenset()
) -> Worker:
    """A worker like the station's own: its commonest shift and capacity (of ``mode``)."""
    shifts = [(w.shift_start, w.shift_end) for w in day.workers]
    start, end = _commonest(shifts, lambda s: (s[0] - s[1], s[0]))  # the longer, the earlier
    same_mode = [w.capacity for w in day.workers if w.mode == mode]
    capacity = _commonest(same_mode or [w.capacity for w in day.workers], lambda c: c)
    taken = {w.worker_id for w in day.workers}
    number = len(day.workers) + 1
    while f"+{number}" in taken:
        number += 1
    return Worker(
        worker_id=f"+{number}",
        name="",
        station_id=day.station.station_id,
        mode=mode,
        capacity=capacity,
        shift_start=start,
        shift_end=end,
        skills=skills,
    )


def _hired(day: StationDay, worker: Worker, code: str, cost: int, **params: object) -> Change:
    return Change(
        kind=code,
        cost=cost,
        day=replace(day, workers=(*day.workers, worker)),
        message=Message(
            code,
            {
                **params,
                "mode": str(worker.mode),
                "shift": format_window(worker.shift_start, worker.shift_end),
                "capacity": worker.capacity,
            },
        ),
    )


def _extra_workers(day: StationDay, settings: Settings) -> list[Change]:
    commonest = _commonest_mode(day, settings)
    fastest = max((w.mode for w in day.workers), key=lambda m: _speed(settings, m))
    chosen = [commonest] if fastest == commonest else [commonest, fastest]
    return [
        _hired(day, _new_worker(day, settings, mode), "advice_extra_worker", 60) for mode in chosen
    ]


def _extra_skilled_worker(
    day: StationDay, settings: Settings, reasons: dict[str, str]
) -> Change | None:
    needed: frozenset[str] = frozenset().union(
        *(c.skills for c in day.clients if reasons.get(c.client_id) in SKILL_REASONS)
    )
    if not needed:
        return None
    worker = _new_worker(day, settings, _commonest_mode(day, settings), needed)
    return _hired(day, worker, "advice_extra_skilled_worker", 70, skills=sorted(needed))


def _with_worker(day: StationDay, worker: Worker) -> StationDay:
    return replace(
        day, workers=tuple(worker if w.worker_id == worker.worker_id else w for w in day.workers)
    )


def _who(worker: Worker) -> dict[str, str]:
    return {"worker": worker.name or worker.worker_id, "worker_id": worker.worker_id}


def _faster_mode(day: StationDay, settings: Settings) -> Change | None:
    slower = [w for w in day.workers if _speed(settings, w.mode) < _speed(settings, FASTER_MODE)]
    if not slower:
        return None

    def usable(worker: Worker) -> int:
        start, end = _useful_span(worker, day, settings)
        return end - start

    worker = max(slower, key=usable)  # the first of the roster among equals
    return Change(
        kind="faster_mode",
        cost=20,
        day=_with_worker(day, replace(worker, mode=FASTER_MODE)),
        message=Message(
            "advice_faster_mode",
            {**_who(worker), "mode": str(FASTER_MODE), "old_mode": str(worker.mode)},
        ),
    )


def _longer_shift(day: StationDay, settings: Settings) -> Change | None:
    """The worker with the least usable time works 30 minutes longer: starting
    earlier if they start after meals are ready, else ending later."""
    ready = _ready(day, settings)
    longer = LONGER_MIN * 60
    options = []
    for worker in day.workers:
        start, end = _useful_span(worker, day, settings)
        if worker.shift_start > ready:
            changed = replace(worker, shift_start=max(ready, worker.shift_start - longer))
        elif end == worker.shift_end and worker.shift_end < DAY:
            changed = replace(worker, shift_end=min(DAY, worker.shift_end + longer))
        else:
            continue  # their shift already covers every meal's time
        options.append((end - start, worker, changed))
    if not options:
        return None
    _, worker, changed = min(options, key=lambda option: option[0])
    minutes = round(
        ((changed.shift_end - changed.shift_start) - (worker.shift_end - worker.shift_start)) / 60
    )
    return Change(
        kind="longer_shift",
        cost=50,
        day=_with_worker(day, changed),
        message=Message(
            "advice_longer_shift",
            {
                **_who(worker),
                "shift": format_window(changed.shift_start, changed.shift_end),
                "was": format_window(worker.shift_start, worker.shift_end),
                "minutes": minutes,
            },
        ),
    )


def _meals_earlier(day: StationDay, settings: Settings, minutes: int) -> Change | None:
    """Meals ready ``minutes`` earlier, if a worker is on shift by then."""
    ready = _ready(day, settings)
    earlier = ready - minutes * 60
    first_on_shift = min(w.shift_start for w in day.workers)
    if earlier < 0 or first_on_shift >= ready:
        return None  # nobody could leave earlier than today
    return Change(
        kind="meals_earlier",
        cost=30 + minutes,
        day=replace(day, station=replace(day.station, meals_ready=earlier)),
        message=Message(
            "advice_meals_earlier",
            {"ready": format_clock(earlier), "was": format_clock(ready), "minutes": minutes},
        ),
    )


def _smaller_earlier(day: StationDay, settings: Settings) -> list[Change]:
    """The smaller meals-earlier changes, tried once the biggest one helped."""
    smaller = (_meals_earlier(day, settings, m) for m in EARLIER_MIN if m < max(EARLIER_MIN))
    return [change for change in smaller if change is not None]


def _more_capacity(day: StationDay, settings: Settings) -> Change | None:
    """The fastest worker (the most usable time among equals) carries 2 meals more."""

    def rank(worker: Worker) -> tuple[float, int]:
        start, end = _useful_span(worker, day, settings)
        return _speed(settings, worker.mode), end - start

    worker = max(day.workers, key=rank)
    capacity = min(200, worker.capacity + EXTRA_CAPACITY)
    if capacity == worker.capacity:
        return None
    return Change(
        kind="more_capacity",
        cost=10,
        day=_with_worker(day, replace(worker, capacity=capacity)),
        message=Message(
            "advice_more_capacity", {**_who(worker), "capacity": capacity, "was": worker.capacity}
        ),
    )
