"""Planning on a Dask distributed cluster (``--scheduler``), against a local cluster
started by the test: the same plans as local processes, progress as stations finish,
and failures that stay with their station."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SAMPLE, read_plan, run

distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed")

TUESDAY = "2026-12-01"
STATIONS = "S01,S02,S03,S04"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local Dask cluster: two worker processes of one thread each."""
    if not SAMPLE.is_dir():
        pytest.skip("data/jinan (the bundled sample) is missing")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distributed's own deprecation chatter
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    try:
        yield cluster.scheduler_address
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster.close()


def without_times(plan: dict) -> dict:
    plan = json.loads(json.dumps(plan))
    plan.pop("planned_at")
    for station in plan["stations"]:
        station.pop("planned_at")
        station["solver"] = {}
    return plan


@pytest.mark.slow
def test_the_cluster_makes_the_plans_local_processes_make(scheduler: str, tmp_path: Path) -> None:
    common = ("--date", TUESDAY, "--stations", STATIONS, "--reproducible", "--work-limit", "30")
    local = run("plan", SAMPLE, *common, "--out", tmp_path / "local", "--jobs", "2")
    assert local.exit_code in (0, 3), local.output
    remote = run("plan", SAMPLE, *common, "--out", tmp_path / "cluster", "--scheduler", scheduler)
    assert remote.exit_code == local.exit_code, remote.output
    assert without_times(read_plan(tmp_path / "cluster")) == without_times(
        read_plan(tmp_path / "local")
    )
    log = (tmp_path / "cluster.log").read_text("utf-8")
    assert log.count("status=planned") == 4


def processes(pattern: bytes) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if pattern in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def kill_when_running(pattern: bytes, *, after: float, killed: list[int]) -> threading.Thread:
    """A thread that kills the first process whose command line holds ``pattern``."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = processes(pattern)
            if found:
                time.sleep(after)
                victim = min(found)
                try:
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)
                except ProcessLookupError:
                    continue
                return
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.slow
def test_a_crashed_solve_fails_its_station_only(scheduler: str, tmp_path: Path) -> None:
    if not Path("/proc").is_dir():
        pytest.skip("needs Linux /proc to find the planning process")
    killed: list[int] = []
    watcher = kill_when_running(b"mealroute.isolate", after=0.5, killed=killed)
    result = run(
        "plan", SAMPLE, "--date", TUESDAY, "--stations", STATIONS, "--time-limit", "3",
        "--out", tmp_path / "day", "--scheduler", scheduler, "--lang", "en",
    )  # fmt: skip
    watcher.join()
    assert killed, "no planning subprocess was seen"
    assert result.exit_code == 3, result.output
    plan = read_plan(tmp_path / "day")
    failed = [s for s in plan["stations"] if s["error"]]
    assert [s["error"]["code"] for s in failed] == ["process_died"]
    assert len(plan["stations"]) == 4
    assert all(s["served"] > 0 for s in plan["stations"] if not s["error"])


@pytest.mark.slow
def test_a_lost_worker_is_replaced_and_its_station_planned(scheduler: str, tmp_path: Path) -> None:
    if not Path("/proc").is_dir():
        pytest.skip("needs Linux /proc to find the Dask workers")
    with distributed.Client(scheduler, set_as_default=False) as client:
        workers = set(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_a_worker() -> None:
        # Wait until a worker is planning a station (its subprocess runs), then kill
        # that worker, as a machine that stops would take it.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for child in processes(b"mealroute.isolate"):
                try:
                    stat = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # it finished meanwhile
                if int(stat[1]) in workers:
                    time.sleep(0.5)
                    os.kill(int(stat[1]), signal.SIGKILL)
                    killed.append(int(stat[1]))
                    return
            time.sleep(0.05)

    thread = threading.Thread(target=kill_a_worker, daemon=True)
    thread.start()
    result = run(
        "plan", SAMPLE, "--date", TUESDAY, "--stations", STATIONS, "--time-limit", "3",
        "--out", tmp_path / "day", "--scheduler", scheduler, "--lang", "en",
    )  # fmt: skip
    thread.join()
    assert killed
    assert result.exit_code in (0, 3), result.output
    plan = read_plan(tmp_path / "day")
    assert [s["station_id"] for s in plan["stations"]] == STATIONS.split(",")
    assert not [s["station_id"] for s in plan["stations"] if s["error"]]


def test_an_unreachable_scheduler_is_a_message_and_nothing_is_written(tmp_path: Path) -> None:
    if not SAMPLE.is_dir():
        pytest.skip("data/jinan (the bundled sample) is missing")
    import mealroute.cluster

    original = mealroute.cluster.CONNECT_TIMEOUT_S
    mealroute.cluster.CONNECT_TIMEOUT_S = 2
    try:
        result = run(
            "plan", SAMPLE, "--date", TUESDAY, "--stations", "S01", "--out", tmp_path / "day",
            "--scheduler", "tcp://127.0.0.1:9", "--lang", "en",
        )  # fmt: skip
    finally:
        mealroute.cluster.CONNECT_TIMEOUT_S = original
    assert result.exit_code == 1
    assert "the Dask scheduler at tcp://127.0.0.1:9 cannot be reached" in result.stderr
    assert not (tmp_path / "day").exists()


@pytest.mark.slow
def test_the_cluster_gives_the_same_advice(scheduler: str, tmp_path: Path) -> None:
    """Advice is worked out inside the cluster too, as in local runs."""
    from .test_advice import OPTIONS, two_short_workers

    data = two_short_workers(tmp_path / "data")
    local = run("plan", data, "--out", tmp_path / "local", *OPTIONS)
    remote = run("plan", data, "--out", tmp_path / "cluster", *OPTIONS, "--scheduler", scheduler)
    assert local.exit_code == remote.exit_code == 3, remote.output
    advice = read_plan(tmp_path / "cluster")["stations"][0]["advice"]
    assert advice, "a station whose workers ran out gets advice on the cluster too"
    assert advice == read_plan(tmp_path / "local")["stations"][0]["advice"]
