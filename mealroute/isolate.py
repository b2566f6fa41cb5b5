"""One station planned in a child process of its own, wherever the caller runs.

:mod:`mealroute.parallel` keeps long-lived worker processes for local runs. Inside a
Dask worker (:mod:`mealroute.cluster`) that is not possible: Dask runs its workers as
daemonic processes, which may not start ``multiprocessing`` children. So there each
station is planned by ``python -m mealroute.isolate``, a plain subprocess that reads
the station's day from stdin and writes its plan to stdout. A crash inside OR-Tools
(or the out-of-memory killer) ends that subprocess only; the caller gets a failed
:class:`~mealroute.model.StationPlan` that says so, and the Dask worker lives on.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import signal
import subprocess
import sys

from .model import Message, StationPlan
from .parallel import how_it_ended, plan_station_safely
from .settings import Settings
from .station_day import StationDay, failed_station


def plan_in_subprocess(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
    """Plan ``day`` in a child process; a failed plan if that process dies."""
    task = pickle.dumps((day, date, settings), protocol=pickle.HIGHEST_PROTOCOL)
    # The child dies with us (PR_SET_PDEATHSIG in the child).
    child = subprocess.Popen(
        [sys.executable, "-m", "mealroute.isolate"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        output, _ = child.communicate(task)
    except BaseException:
        child.kill()
        child.wait()
        raise
    # The child writes the plan, then (when advice is wanted) the plan with its advice:
    # the last whole plan wins, so a crash while advising keeps the plan.
    answers = io.BytesIO(output)
    plan: StationPlan | None = None
    while True:
        try:
            answer = pickle.load(answers)  # our own child's answer
        except (pickle.UnpicklingError, EOFError, ValueError, AttributeError):
            break
        if isinstance(answer, StationPlan):
            plan = answer
    if plan is not None:
        return plan
    how = how_it_ended(child.returncode)
    return failed_station(day, Message("process_died", {"how": how}), settings)


def main() -> None:
    """``python -m mealroute.isolate``: one station from stdin to stdout, pickled."""
    from .advice import advise_safely, needs_advice
    from .processes import die_with_parent

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    day, date, settings = pickle.loads(sys.stdin.buffer.read())  # from our parent
    plan = plan_station_safely(day, date, settings)
    sys.stdout.buffer.write(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    if needs_advice(plan, settings):
        advised = advise_safely(day, date, settings, plan)
        sys.stdout.buffer.write(pickle.dumps(advised, protocol=pickle.HIGHEST_PROTOCOL))
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
