"""The processes that plan stations: started, watched and ended here.

A planning process is ``python -m mealroute.processes FD``: a fresh interpreter that
loads the planner (OR-Tools, numpy) at once, then plans what it is sent on the socket
FD (:func:`mealroute.parallel.serve`). Not a :class:`multiprocessing.Process`: a
spawned process first runs the parent's main script again (for the ``mealroute``
command, the whole command line: 0.2 s), and the spawn context starts a resource
tracker beside it. :class:`PlanningProcess` has the part of ``multiprocessing.Process``
that :class:`mealroute.parallel.StationPool` uses.

Where a file descriptor cannot be handed to a child (Windows) a planning process is a
``multiprocessing`` spawn instead (:data:`FD_PASSING`), slower to start, the same to use.

This module loads nothing of mealroute, so the ``mealroute`` command can start a
planning process before it loads its command line (:func:`start_early`): a one-station
plan then spends 0.3 s less beside its search, as both load at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class PlanningProcess:
    """One planning process, started at once; it plans once it is :meth:`given` what.

    Use :func:`start_planning_process`, which picks how it is started.
    """

    connection: Connection
    pid: int | None
    sentinel: int | None  # readable once the process has ended, where there is one

    def give(self, plan: Callable[..., Any], advise: Callable[..., Any] | None) -> None:
        """What plans a station and what advises on it: module-level functions."""
        self.connection.send((plan, advise))

    @property
    def exitcode(self) -> int | None:
        """As multiprocessing's: negative for the signal that ended it."""
        raise NotImplementedError

    def is_alive(self) -> bool:
        raise NotImplementedError

    def join(self, timeout: float | None = None) -> None:
        raise NotImplementedError

    def kill(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Let go of the connection and the sentinel (the process must have ended)."""
        raise NotImplementedError


class _Subprocess(PlanningProcess):
    """``python -m mealroute.processes FD`` on a socket pair (POSIX)."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self._popen = subprocess.Popen(
                [sys.executable, "-m", "mealroute.processes", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # this process's output is the user's
                # A group of its own: Ctrl-C in a terminal reaches this process, which
                # stops its planning processes itself (even one still loading).
                process_group=0,
            )
        self.connection = Connection(ours.detach())
        self.pid = self._popen.pid
        # Readable once the process has ended (Linux); elsewhere the socket's end says so.
        self.sentinel = None
        with contextlib.suppress(AttributeError, OSError):
            self.sentinel = os.pidfd_open(self.pid)
        # Where to find the functions it will be given (a test's own, say).
        self.connection.send(list(sys.path))

    @property
    def exitcode(self) -> int | None:
        return self._popen.poll()

    def is_alive(self) -> bool:
        return self._popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self._popen.kill()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.close()
        if self.sentinel is not None:
            with contextlib.suppress(OSError):
                os.close(self.sentinel)
            self.sentinel = None


class _Spawned(PlanningProcess):
    """A :mod:`multiprocessing` spawn, where a file descriptor cannot be handed to a
    child (Windows). It starts slower: it first runs the parent's main script again."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        self._process = context.Process(
            target=_plan_here, args=(theirs,), name="mealroute-station", daemon=True
        )
        self._process.start()
        theirs.close()
        self.connection = ours
        self.pid = self._process.pid
        self.sentinel = self._process.sentinel
        self.connection.send(list(sys.path))

    @property
    def exitcode(self) -> int | None:
        return self._process.exitcode

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def join(self, timeout: float | None = None) -> None:
        self._process.join(timeout)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self._process.kill()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.close()
        with contextlib.suppress(ValueError):  # still running: let it be collected later
            self._process.close()


# Whether a planning process gets its socket as an inherited file descriptor.
FD_PASSING = os.name == "posix"


def start_planning_process() -> PlanningProcess:
    """A new planning process, loading the planner."""
    return _Subprocess() if FD_PASSING else _Spawned()


_early: list[PlanningProcess] = []  # started by start_early, not yet taken


def start_early() -> None:
    """Start a planning process now, for the next pool to take (:func:`take_early`)."""
    if not _early:
        _early.append(start_planning_process())


def take_early() -> PlanningProcess | None:
    """The process :func:`start_early` started, if it is still alive; once."""
    if not _early:
        return None
    process = _early.pop()
    if not process.is_alive():
        process.join(timeout=5)
        process.close()
        return None
    return process


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):  # best effort: the pipe's EOF also ends the loop
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def _child(fd: int) -> None:
    """``python -m mealroute.processes FD``: load the planner, then plan what is sent."""
    _plan_here(Connection(fd))


def _plan_here(connection: Connection) -> None:
    """A planning process (either kind): load the planner, then plan what is sent."""
    die_with_parent()
    # The parent handles Ctrl-C and SIGTERM and stops its planning processes itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        sys.path[:] = connection.recv()
        from mealroute import parallel

        parallel.load_planner()  # while the parent still loads and reads its input
        plan, advise = connection.recv()  # our own parent's functions, by name
    except (EOFError, OSError):
        return  # the parent ended before it had anything to plan
    parallel.serve(connection, plan, advise)


if __name__ == "__main__":
    from mealroute.processes import _child  # the module itself, not this __main__ copy

    _child(int(sys.argv[1]))
