"""When each trip leaves and each stop is served, given the order of the stops.

The solver decides who is visited, by whom and in which order. The times are
worked out here, exactly and in closed form, rather than read from the solver's
time variables (OR-Tools' cumul finaliser knows nothing of the food-safety tie
between the two time dimensions, so its values can break the one-hour rule even
when a valid schedule exists).

For one trip leaving at ``D``, the service start at stop ``i`` is
``S_i(D) = max(D + P_i, W_i)``: ``P_i`` is the time to reach ``i`` without waiting
and ``W_i`` the start forced by the windows. The food age ``S_i(D) - D`` falls as
``D`` grows and the window ends bind as ``D`` grows, so the earliest departure
that keeps every age within the limit is the best one: it leaves most room for
the next trip, and serves everyone as early as the rules allow. The worker then
leaves later by the time they would have waited at the first door.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TripTimes:
    depart: int
    arrive: tuple[int, ...]
    start: tuple[int, ...]
    return_: int


class ScheduleError(ValueError):
    """No schedule keeps every rule for this order of stops.

    ``trip`` and ``stop`` (0-based) say where the first broken rule was found;
    ``stop`` is ``None`` when the worker is back after the shift end.
    """

    def __init__(self, message: str, *, trip: int, stop: int | None = None) -> None:
        super().__init__(message)
        self.trip = trip
        self.stop = stop


def schedule_trips(
    trips: Sequence[Sequence[int]],
    *,
    travel: np.ndarray,
    service: Sequence[int],
    windows: Sequence[tuple[int, int]],
    earliest: int,
    latest_return: int,
    reload: int,
    max_age: int,
) -> list[TripTimes]:
    """Times for a worker's trips (node 0 is the station; ``service`` and
    ``windows`` are indexed by node).

    Raises
    ------
    ScheduleError
        Naming the stop and rule that cannot be kept.
    """
    result = []
    not_before = earliest
    for number, stops in enumerate(trips, start=1):
        # W_i: start forced by windows alone; P_i: time to reach i without waiting.
        forced: list[int] = []
        reach: list[int] = []
        previous, w, p = 0, None, 0
        for node in stops:
            leg = int(travel[previous, node])
            p += leg
            w = windows[node][0] if w is None else max(windows[node][0], w + leg)
            forced.append(w)
            reach.append(p)
            w += service[node]
            p += service[node]
            previous = node
        depart = max([not_before] + [f - max_age for f in forced])
        starts, arrives = [], []
        clock, previous = depart, 0
        for k, node in enumerate(stops):
            arrive = clock + int(travel[previous, node])
            start = max(arrive, windows[node][0])
            if start > windows[node][1]:
                raise ScheduleError(
                    f"trip {number}: stop {k + 1} starts after its window", trip=number - 1, stop=k
                )
            if start - depart > max_age:
                raise ScheduleError(
                    f"trip {number}: stop {k + 1} is served too long after leaving",
                    trip=number - 1,
                    stop=k,
                )
            arrives.append(arrive)
            starts.append(start)
            clock = start + service[node]
            previous = node
        back = clock + int(travel[previous, 0])
        # Leave later by the wait at the first door: no start time changes.
        wait = starts[0] - arrives[0] if stops else 0
        depart += wait
        arrives[0] += wait
        result.append(TripTimes(depart, tuple(arrives), tuple(starts), back))
        not_before = back + reload
    if result and result[-1].return_ > latest_return:
        raise ScheduleError("back at the station after shift end", trip=len(result) - 1)
    return result
