"""Planning stations in worker processes: a dead process fails its station only.

The out-of-memory killer or a crash inside OR-Tools takes down the process that
plans a station. The pool knows which station each process holds, so only that
station fails (with the reason), a fresh process takes over, and every other station
is planned; a stopped run leaves no worker process behind.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from mealroute import processes
from mealroute.launch import wants_head_start
from mealroute.model import Message, Plan, StationPlan
from mealroute.parallel import StationPool, plan_station_safely, plan_stations
from mealroute.planjson import plan_to_dict
from mealroute.processes import start_early, take_early
from mealroute.read.load import dataset_from_dir
from mealroute.settings import Settings
from mealroute.station_day import StationDay, station_days

from .checker import assert_valid_plan
from .conftest import SAMPLE, read_plan

TUESDAY = dt.date(2026, 12, 1)
QUICK = Settings(reproducible=True, work_limit=20)


def die_on_s02(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
    """Plan a station; the process planning S02 is killed as the OOM killer would."""
    if day.station.station_id == "S02":
        os.kill(os.getpid(), signal.SIGKILL)
    return plan_station_safely(day, date, settings)


def sample_days(*ids: str) -> list[StationDay]:
    if not SAMPLE.is_dir():
        pytest.skip("data/jinan (the bundled sample) is missing")
    days, _ = station_days(dataset_from_dir(SAMPLE), TUESDAY, only=ids)
    return days


def test_a_dead_process_fails_its_station_only() -> None:
    days = sample_days("S01", "S02", "S03", "S04", "S05")
    done: list[str] = []
    plans = plan_stations(
        days, TUESDAY, QUICK, jobs=2, plan=die_on_s02, on_done=lambda p: done.append(p.station_id)
    )
    assert [p.station_id for p in plans] == ["S01", "S02", "S03", "S04", "S05"]
    assert sorted(done) == ["S01", "S02", "S03", "S04", "S05"]
    failed = {p.station_id: p.error for p in plans if p.error}
    assert list(failed) == ["S02"]
    assert failed["S02"] == Message("process_died", {"how": "signal SIGKILL"})
    s02 = plans[1]
    assert s02.served == 0 and len(s02.unserved) == len(days[1].clients)
    assert {u.reason.code for u in s02.unserved} == {"station_failed"}
    assert all(p.served > 0 for p in plans if p.station_id != "S02")
    # The failed station still lists its workers (idle) and every client, unserved.
    assert_checked(plans, days)


def assert_checked(plans: list[StationPlan], days: list[StationDay]) -> None:
    """The independent checker passes the plan these station plans make."""
    document = plan_to_dict(Plan(date=TUESDAY, stations=tuple(plans), settings=QUICK.to_dict()))
    assert_valid_plan(
        document,
        [c for d in days for c in d.clients],
        [w for d in days for w in d.workers],
        [d.station for d in days],
        QUICK,
        date=TUESDAY,
    )


def test_one_process_is_enough_and_survives_a_death() -> None:
    days = sample_days("S02", "S03")
    plans = plan_stations(days, TUESDAY, QUICK, jobs=1, plan=die_on_s02)
    assert [bool(p.error) for p in plans] == [True, False]


def planned_where(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
    """Plan a station and say which process planned it."""
    plan = plan_station_safely(day, date, settings)
    return replace(plan, solver={**plan.solver, "pid": os.getpid()})


def test_the_pool_plans_in_the_process_started_early() -> None:
    """``mealroute plan`` starts a planning process before it loads its command line;
    the pool must plan in that one (no second process loading OR-Tools), with the
    functions it is given, as in one it started itself."""
    days = sample_days("S01")
    start_early()
    early = processes._early[0].pid
    with StationPool(1, plan=planned_where) as pool:
        pool.warm()
        plans = plan_stations(days, TUESDAY, QUICK, pool=pool)
    assert plans[0].solver["pid"] == early
    assert plans[0].served > 0 and not plans[0].error
    assert take_early() is None, "the early process was taken once"
    assert_checked(plans, days)


def test_a_dead_early_process_is_not_taken() -> None:
    start_early()
    dead = processes._early[0]
    dead.kill()
    dead.join(timeout=10)
    assert take_early() is None
    days = sample_days("S03")
    plans = plan_stations(days, TUESDAY, QUICK, jobs=1)
    assert plans[0].served > 0 and not plans[0].error


def test_where_no_descriptor_can_be_passed_spawned_processes_plan_the_same_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On Windows a planning process is a multiprocessing spawn: the early one is
    taken, a dead one fails its station only, and the plans are those of the others."""
    monkeypatch.setattr(processes, "FD_PASSING", False)
    days = sample_days("S01", "S02", "S03")
    start_early()
    early = processes._early[0]
    assert type(early).__name__ == "_Spawned"
    with StationPool(2, plan=die_on_s02) as pool:
        pool.warm()
        plans = plan_stations(days, TUESDAY, QUICK, pool=pool)
    assert take_early() is None
    assert [p.station_id for p in plans] == ["S01", "S02", "S03"]
    assert plans[1].error == Message("process_died", {"how": "signal SIGKILL"})
    assert all(p.served > 0 for p in (plans[0], plans[2]))
    assert_checked(plans, days)
    monkeypatch.setattr(processes, "FD_PASSING", True)
    again = plan_stations([days[0], days[2]], TUESDAY, QUICK, jobs=2)
    assert [p.routes for p in again] == [plans[0].routes, plans[2].routes]


def test_in_process_planning_gives_the_same_plans() -> None:
    days = sample_days("S01", "S03")
    isolated = plan_stations(days, TUESDAY, QUICK, jobs=2)
    inline = plan_stations(days, TUESDAY, QUICK, isolate=False)
    assert [p.routes for p in isolated] == [p.routes for p in inline]


# ----------------------------------------------------------------- the command line


def children(pid: int) -> set[int]:
    """The live station-planning processes of ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z" and b"mealroute.processes" in command:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_plan(out: Path, *extra: str) -> subprocess.Popen[bytes]:
    if not SAMPLE.is_dir():
        pytest.skip("data/jinan (the bundled sample) is missing")
    if not Path("/proc").is_dir():
        pytest.skip("needs Linux /proc to find the planning processes")
    command = [sys.executable, "-m", "mealroute", "plan", str(SAMPLE), "--date", "2026-12-01"]
    command += ["--out", str(out), "--jobs", "2", "--lang", "en", "--time-limit", "3", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_workers(parent: subprocess.Popen[bytes], count: int = 2) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = children(parent.pid)
        if len(found) >= count:
            time.sleep(1.0)  # let them take a station each
            return children(parent.pid)
        assert parent.poll() is None, parent.communicate()
        time.sleep(0.1)
    pytest.fail("the planning processes did not start within 60 s")


@pytest.mark.slow
def test_killing_a_planning_process_fails_one_station_of_the_city(tmp_path: Path) -> None:
    out = tmp_path / "day"
    run = start_plan(out, "--stations", "S01,S02,S03,S04,S05,S06")
    victim = min(wait_for_workers(run))
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 3, stderr.decode()
    plan = read_plan(out)
    failed = [s for s in plan["stations"] if s["error"]]
    assert len(failed) == 1, [s["station_id"] for s in failed]
    assert failed[0]["error"]["code"] == "process_died"
    assert "SIGKILL" in failed[0]["error"]["params"]["how"]
    planned = [s for s in plan["stations"] if not s["error"]]
    assert len(planned) == 5 and all(s["served"] > 0 for s in planned)
    assert "the planning process stopped unexpectedly (signal SIGKILL)" in stdout.decode()


@pytest.mark.slow
def test_sigterm_stops_the_workers_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "day"
    run = start_plan(out)
    workers = wait_for_workers(run)
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=30)
    assert run.returncode == 143, stderr.decode()
    assert "nothing was written" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


@pytest.mark.slow
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    out = tmp_path / "day"
    run = start_plan(out)
    workers = wait_for_workers(run)
    run.kill()
    run.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "orphaned planning processes"


def planning_processes_marked(mark: bytes) -> set[int]:
    """Live planning processes whose environment holds ``mark`` (Linux /proc)."""
    found = set()
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if mark not in environ.read_bytes():
                continue
            command = (environ.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if b"mealroute.processes" in command and alive(int(environ.parent.name)):
            found.add(int(environ.parent.name))
    return found


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "2026-13-01"],  # refused before any input is read
        ["--date", "2026-12-01", "--stations", "NOPE"],  # refused after reading it
    ],
)
def test_a_plan_refused_early_leaves_no_planning_process(tmp_path: Path, args: list[str]) -> None:
    """The process started before the command line loads ends with the command."""
    if not SAMPLE.is_dir():
        pytest.skip("data/jinan (the bundled sample) is missing")
    if not Path("/proc").is_dir():
        pytest.skip("needs Linux /proc to find the planning processes")
    mark = uuid.uuid4().hex
    env = {**os.environ, "MEALROUTE_TEST_MARK": mark}
    command = [sys.executable, "-m", "mealroute", "plan", str(SAMPLE), *args]
    command += ["--out", str(tmp_path / "day")]
    done = subprocess.run(command, check=False, capture_output=True, env=env, timeout=120)
    assert done.returncode != 0, done.stdout.decode()
    assert "Traceback" not in done.stderr.decode()
    deadline = time.monotonic() + 20
    while planning_processes_marked(mark.encode()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not planning_processes_marked(mark.encode()), "a planning process outlived the command"
    assert not (tmp_path / "day").exists()


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (["plan", "data/jinan"], True),
        (["plan", "data/jinan", "--jobs", "2", "--time-limit", "5"], True),
        (["plan", "--help"], False),
        (["plan", "data/jinan", "-h"], False),
        (["plan", "data/jinan", "--scheduler", "tcp://10.0.0.5:8786"], False),
        (["plan", "data/jinan", "--scheduler=tcp://10.0.0.5:8786"], False),
        (["validate", "data/jinan"], False),
        (["replan", "maps/2026-12-01"], True),
        (["replan", "maps/2026-12-01", "--help"], False),
        ([], False),
    ],
)
def test_only_a_local_plan_gets_a_head_start(args: list[str], wanted: bool) -> None:
    assert wants_head_start(args) is wanted


@pytest.mark.slow
@pytest.mark.parametrize("after_s", [0.1, 0.3, 0.8])
def test_ctrl_c_at_any_moment_stops_quietly_and_leaves_nothing(
    tmp_path: Path, after_s: float
) -> None:
    """Ctrl-C in a terminal signals the whole foreground group: the command (loading,
    reading or planning) and, unless they are kept out of it, its planning processes.
    Whenever it comes: exit 130, no traceback, no process left, nothing written."""
    if not SAMPLE.is_dir():
        pytest.skip("data/jinan (the bundled sample) is missing")
    if not Path("/proc").is_dir():
        pytest.skip("needs Linux /proc to find the planning processes")
    mark = uuid.uuid4().hex
    out = tmp_path / "day"
    command = [sys.executable, "-m", "mealroute", "plan", str(SAMPLE), "--date", "2026-12-01"]
    command += ["--out", str(out), "--jobs", "2", "--lang", "en"]
    run = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "MEALROUTE_TEST_MARK": mark},
        start_new_session=True,  # a group of its own, as a terminal's foreground job
    )
    time.sleep(after_s)
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    # 130; or, on a busy machine, killed by the signal before Python could take it.
    assert run.returncode in (130, -signal.SIGINT), stderr.decode()
    assert "Traceback" not in stderr.decode()
    deadline = time.monotonic() + 20
    while planning_processes_marked(mark.encode()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not planning_processes_marked(mark.encode()), "a planning process outlived Ctrl-C"
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
