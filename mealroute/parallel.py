"""Planning many stations at once, each in a worker process.

Stations are independent, so each is planned in a worker process: a crash inside
OR-Tools (or the out-of-memory killer) takes down that process only. The pool
knows which station each process holds, so exactly that station becomes a failed
:class:`~mealroute.model.StationPlan` (all its clients unserved, saying why), a
fresh process takes its place, and every other station is still planned.

A station's advice (:mod:`mealroute.advice`) is worked out in the same process
after its plan. The plan is sent to the pool first, so should a re-plan of the
advice take the process down, the station keeps its plan, only without advice.

The workers die with the pool: on an error, an interrupt or a SIGTERM of the
parent the pool terminates them, and on Linux each worker also asks the kernel to
kill it when the parent dies, so even a SIGKILL of the parent leaves no orphans
solving on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait

from .errors import SolverError
from .model import Message, StationPlan
from .processes import PlanningProcess, start_planning_process, take_early
from .settings import Settings
from .station_day import StationDay, failed_station

# This module stays light to import: the planner (and with it OR-Tools) is loaded by
# the worker processes, so a caller can start one before loading it itself.

PlanFunction = Callable[[StationDay, dt.date, Settings], StationPlan]
AdviseFunction = Callable[[StationDay, dt.date, Settings, StationPlan], StationPlan]


def plan_station_safely(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
    """:func:`~mealroute.planner.plan_station`, with any error turned into a failed
    station plan."""
    from .planner import plan_station

    started = time.perf_counter()
    try:
        plan = plan_station(day, date, settings)
    except SolverError as error:
        plan = failed_station(day, Message("solver_error", {"detail": str(error)}), settings)
    except Exception as error:  # noqa: BLE001 - one station must not stop the others
        detail = Message("internal_error", {"kind": type(error).__name__, "detail": str(error)})
        plan = failed_station(day, detail, settings)
    elapsed = round(time.perf_counter() - started, 3)
    return replace(plan, solver={**plan.solver, "wall_s": elapsed})


def advise_station(
    day: StationDay, date: dt.date, settings: Settings, plan: StationPlan
) -> StationPlan:
    """:func:`mealroute.advice.advise_safely`, loaded where it runs."""
    from .advice import advise_safely

    return advise_safely(day, date, settings, plan)


def load_planner() -> None:
    """Load the planner and its advice (OR-Tools with them): a planning process does
    this as soon as it starts, before it is sent a station."""
    from . import advice, planner  # noqa: F401


def serve(connection: Connection, plan: PlanFunction, advise: AdviseFunction | None) -> None:
    """A worker process: plan the stations it is sent until told to stop.

    It answers ``(number, plan, final)``: a plan that wants advice is sent once
    without it (``final`` false), then again with it.
    """
    from .advice import needs_advice

    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        number, day, date, settings = task
        result = plan(day, date, settings)
        if advise is None or not needs_advice(result, settings):
            connection.send((number, result, True))
            continue
        connection.send((number, result, False))
        connection.send((number, advise(day, date, settings, result), True))


def how_it_ended(exitcode: int | None) -> str:
    if exitcode is None:
        return "no exit code"
    if exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


@dataclass
class _Worker:
    process: PlanningProcess
    task: int | None = None
    unadvised: StationPlan | None = None  # the task's plan, while its advice is worked out
    released: bool = False  # told to stop (see StationPool.release)

    @property
    def connection(self) -> Connection:
        return self.process.connection


class StationPool:
    """Worker processes that plan one station at a time each.

    Use as a context manager; leaving it (normally, by an error or an interrupt)
    stops every worker.
    """

    def __init__(
        self,
        jobs: int,
        plan: PlanFunction = plan_station_safely,
        advise: AdviseFunction | None = advise_station,
    ) -> None:
        if jobs < 1:
            raise ValueError(f"`jobs` must be at least 1, got {jobs!r}")
        self.jobs = jobs
        self.plan = plan
        self.advise = advise
        self._workers: list[_Worker] = []
        # Set once a station is sent: the caller's own work then waits no process.
        self.busy = threading.Event()

    def __enter__(self) -> StationPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        process = take_early() or start_planning_process()
        process.give(self.plan, self.advise)
        worker = _Worker(process)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        self._workers.remove(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.process.close()

    def warm(self) -> None:
        """Start one worker now, so it loads OR-Tools while the caller reads its input."""
        if not self._workers:
            self._start()

    def release(self) -> None:
        """Tell the idle workers to stop, without waiting for them.

        Called once the stations are planned, so the workers' processes end while
        the caller writes its output, and :meth:`close` finds them gone instead of
        waiting for them (a one-station run ended 0.3-0.5 s sooner).
        """
        for worker in self._workers:
            if worker.task is None and not worker.released:
                with contextlib.suppress(OSError):
                    worker.connection.send(None)
                worker.released = True

    def close(self) -> None:
        """Stop every worker now (a solve in progress is abandoned)."""
        self.release()
        for worker in list(self._workers):
            if worker.task is not None or worker.process.is_alive():
                worker.process.join(timeout=0.2 if worker.task is None else 0)
            self._retire(worker)

    def map(
        self,
        days: Sequence[StationDay],
        date: dt.date,
        settings: Settings,
        *,
        on_done: Callable[[StationPlan], None] | None = None,
    ) -> list[StationPlan]:
        """Plan every station day; results in the order of ``days``."""
        results: list[StationPlan | None] = [None] * len(days)
        pending = deque(range(len(days)))
        while pending or any(w.task is not None for w in self._workers):
            idle = [w for w in self._workers if w.task is None]
            idle = [w for w in idle if not w.released]
            while pending and (idle or len(self._workers) < self.jobs):
                worker = idle.pop() if idle else self._start()
                worker.task = pending.popleft()
                worker.connection.send((worker.task, days[worker.task], date, settings))
                self.busy.set()
            busy = [w for w in self._workers if w.task is not None]
            watched: list[Connection | int] = [w.connection for w in busy]
            watched += [w.process.sentinel for w in busy if w.process.sentinel is not None]
            ready = wait(watched)
            for worker in busy:
                if worker.connection in ready or worker.process.sentinel in ready:
                    number = worker.task
                    assert number is not None
                    plan = self._collect(worker, days, settings)
                    if plan is not None:
                        worker.task = None
                        worker.unadvised = None
                        results[number] = plan
                        if on_done:
                            on_done(plan)
        return [plan for plan in results if plan is not None]

    def _collect(
        self, worker: _Worker, days: Sequence[StationDay], settings: Settings
    ) -> StationPlan | None:
        """The worker's result; if its process died (then replaced), the plan it sent
        before working out the advice, else a failed plan."""
        number = worker.task
        assert number is not None
        ended = False  # the connection's end: the process is ending, if not yet gone
        try:
            while worker.connection.poll():
                got, plan, final = worker.connection.recv()
                if got != number:
                    continue
                if final:
                    return plan
                worker.unadvised = plan
        except (EOFError, OSError):
            ended = True
        if not ended and worker.process.is_alive():
            return None  # a spurious wake-up, or the advice is still being worked out
        worker.process.join(timeout=5)
        how = how_it_ended(worker.process.exitcode)
        self._retire(worker)
        worker.task = None
        if worker.unadvised is not None:
            unadvised, worker.unadvised = worker.unadvised, None
            return replace(unadvised, solver={**unadvised.solver, "advice_error": how})
        return failed_station(days[number], Message("process_died", {"how": how}), settings)


def plan_stations(
    days: Sequence[StationDay],
    date: dt.date,
    settings: Settings,
    *,
    jobs: int = 1,
    isolate: bool = True,
    on_done: Callable[[StationPlan], None] | None = None,
    plan: PlanFunction = plan_station_safely,
    advise: AdviseFunction | None = advise_station,
    pool: StationPool | None = None,
) -> list[StationPlan]:
    """Plan every station day; results in the order of ``days``.

    Parameters
    ----------
    jobs
        Worker processes (never more than there are stations).
    isolate
        Plan in worker processes even when ``jobs`` is 1, so that a crash of the
        solver fails one station, not the run. ``False`` plans in this process
        (for tests and notebooks).
    on_done
        Called with each finished station plan, as it finishes (for progress).
    plan
        What plans one station; a module-level function, as it is sent to the
        worker processes.
    advise
        What adds a station's advice after its plan, when
        :func:`~mealroute.advice.needs_advice` says it is wanted (``None``: never);
        module-level too.
    pool
        Worker processes the caller started (and closes); ``jobs``, ``plan`` and
        ``advise`` are then the pool's own.
    """
    if not days:
        return []
    if not isolate:
        from .advice import needs_advice

        results = []
        for day in days:
            result = plan(day, date, settings)
            if advise is not None and needs_advice(result, settings):
                result = advise(day, date, settings, result)
            results.append(result)
            if on_done:
                on_done(results[-1])
        return results
    if pool is not None:
        return pool.map(days, date, settings, on_done=on_done)
    with StationPool(min(jobs, len(days)), plan, advise) as own:
        return own.map(days, date, settings, on_done=on_done)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
