"""Planning many stations at once, each in a worker process.

Stations are independent, so each is planned in a worker process: a crash inside
OR-Tools (or the out-of-memory killer) takes down that process only. The pool
knows which station each process holds, so exactly that station becomes a failed
:class:`~mealroute.model.StationPlan` (all its clients unserved, saying why), a
fresh process takes its place, and every other station is still planned.

The workers die with the pool: on an error, an interrupt or a SIGTERM of the
parent the pool terminates them, and on Linux each worker also asks the kernel to
kill it when the parent dies, so even a SIGKILL of the parent leaves no orphans
solving on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from .errors import SolverError
from .model import Message, StationPlan
from .planner import StationDay, failed_station, plan_station
from .settings import Settings

PlanFunction = Callable[[StationDay, dt.date, Settings], StationPlan]


def plan_station_safely(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
    """:func:`plan_station`, with any error turned into a failed station plan."""
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


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):  # best effort: the pipe's EOF also ends the loop
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def _serve(connection: Connection, plan: PlanFunction) -> None:
    """A worker process: plan the stations it is sent until told to stop."""
    die_with_parent()
    # The parent handles Ctrl-C and SIGTERM and stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        number, day, date, settings = task
        connection.send((number, plan(day, date, settings)))


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
    process: Any  # multiprocessing.context.SpawnProcess
    connection: Connection
    task: int | None = None


class StationPool:
    """Worker processes that plan one station at a time each.

    Use as a context manager; leaving it (normally, by an error or an interrupt)
    stops every worker.
    """

    def __init__(self, jobs: int, plan: PlanFunction = plan_station_safely) -> None:
        if jobs < 1:
            raise ValueError(f"`jobs` must be at least 1, got {jobs!r}")
        self.jobs = jobs
        self.plan = plan
        # "spawn": a fresh interpreter per worker; fork is unsafe once OR-Tools has threads.
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def __enter__(self) -> StationPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        mine, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve, args=(theirs, self.plan), name="mealroute-station", daemon=True
        )
        process.start()
        theirs.close()
        worker = _Worker(process, mine)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        self._workers.remove(worker)
        with contextlib.suppress(OSError):
            worker.connection.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)

    def warm(self) -> None:
        """Start one worker now, so it loads OR-Tools while the caller reads its input."""
        if not self._workers:
            self._start()

    def close(self) -> None:
        """Stop every worker now (a solve in progress is abandoned)."""
        for worker in list(self._workers):
            if worker.task is None:
                with contextlib.suppress(OSError):
                    worker.connection.send(None)
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
            while pending and (idle or len(self._workers) < self.jobs):
                worker = idle.pop() if idle else self._start()
                worker.task = pending.popleft()
                worker.connection.send((worker.task, days[worker.task], date, settings))
            busy = [w for w in self._workers if w.task is not None]
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.connection in ready or worker.process.sentinel in ready:
                    number = worker.task
                    assert number is not None
                    plan = self._collect(worker, days, settings)
                    if plan is not None:
                        worker.task = None
                        results[number] = plan
                        if on_done:
                            on_done(plan)
        return [plan for plan in results if plan is not None]

    def _collect(
        self, worker: _Worker, days: Sequence[StationDay], settings: Settings
    ) -> StationPlan | None:
        """The worker's result, or a failed plan if its process died (then replaced)."""
        number = worker.task
        assert number is not None
        try:
            if worker.connection.poll():
                got, plan = worker.connection.recv()
                if got == number:
                    return plan
        except (EOFError, OSError):
            pass
        if worker.process.is_alive():
            return None  # a spurious wake-up
        worker.process.join(timeout=5)
        how = how_it_ended(worker.process.exitcode)
        self._retire(worker)
        worker.task = None
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
    pool
        Worker processes the caller started (and closes); ``jobs`` and ``plan`` are
        then the pool's own.
    """
    if not days:
        return []
    if not isolate:
        results = []
        for day in days:
            results.append(plan(day, date, settings))
            if on_done:
                on_done(results[-1])
        return results
    if pool is not None:
        return pool.map(days, date, settings, on_done=on_done)
    with StationPool(min(jobs, len(days)), plan) as own:
        return own.map(days, date, settings, on_done=on_done)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
