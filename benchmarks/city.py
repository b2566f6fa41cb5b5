"""End-to-end benchmark: a synthetic city through the planner CLI, timed and measured.

Run from the repository root::

    python -m benchmarks.city --stations 161 --clients-per-station 30 --jobs 2
    python -m benchmarks.city --stations 1 --clients-per-station 50 --workers-per-station 4

It runs ``mealroute sample`` and then ``mealroute plan`` as child processes, exactly as
a user would, and records for each step the wall time, the CPU time, the peak resident
memory of the largest single process (from ``wait4``) and the peak of the whole process
tree (the CLI and its ``--jobs`` workers together, sampled from ``/proc`` every 50 ms).
Counts (clients, served, unserved, workers used) come from the written ``plan.json``.
A row is appended to ``benchmarks/results/city.csv``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .run_solomon import RESULTS, describe_machine

REPO = Path(__file__).resolve().parent.parent
TOTALS = ("stations", "stations_failed", "clients", "served", "unserved", "workers_used")
EXIT_OK, EXIT_UNSERVED = 0, 3  # mealroute.cli: some clients unserved is not a failure here


@dataclass(frozen=True)
class Step:
    """What one child command cost."""

    wall_s: float
    cpu_s: float
    max_rss_mb: float  # largest single process
    tree_rss_mb: float  # peak of the sum over the process tree
    exit_code: int


def run_measured(command: Sequence[str], *, cwd: Path, env: dict[str, str]) -> Step:
    """Run ``command``, wait for it, and measure time and memory of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    return Step(
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),
        tree_rss_mb=round(peak[0] / 1024, 1),
        exit_code=proc.returncode,
    )


def _tree_rss_kb(root: int) -> int:
    """Resident memory (kB) of ``root`` and all its descendants, from ``/proc``."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parent[int(entry.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, pp in parent.items() if pp == pid and p not in tree]
        tree.update(children)
        frontier += children
    total = 0
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def keep_workers(workers_csv: Path, per_station: int) -> int:
    """Keep the first ``per_station`` workers of each station; return how many remain."""
    with workers_csv.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    seen: dict[str, int] = {}
    kept = []
    for row in rows:
        seen[row["station_id"]] = seen.get(row["station_id"], 0) + 1
        if seen[row["station_id"]] <= per_station:
            kept.append(row)
    with workers_csv.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)
    return len(kept)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.city",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stations", type=int, default=161)
    parser.add_argument("--clients-per-station", type=int, default=30)
    parser.add_argument("--workers-per-station", type=int, help="keep only this many each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--date", default="2026-12-01", help="date to plan (YYYY-MM-DD)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--time-limit", type=float, help="solver seconds per station")
    parser.add_argument("--work", type=Path, help="keep the city and plan here (default: temp)")
    parser.add_argument(
        "--no-advice",
        action="store_true",
        help="plan without staffing advice ([advice] enabled = false in the city's mealroute.toml)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "city.csv")
    args = parser.parse_args(argv)
    dt.date.fromisoformat(args.date)

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-m", "mealroute"]
    with tempfile.TemporaryDirectory(prefix="mealroute-city-") as scratch:
        work = args.work or Path(scratch)
        data, plan_dir = work / "city", work / "plan"
        machine = describe_machine()
        print(machine, flush=True)
        sample = run_measured(
            [*cli, "sample", str(data), "--stations", str(args.stations),
             "--clients-per-station", str(args.clients_per_station), "--seed", str(args.seed),
             "--overwrite"],
            cwd=REPO, env=env,
        )  # fmt: skip
        if sample.exit_code != EXIT_OK:
            raise SystemExit(f"mealroute sample failed with exit code {sample.exit_code}")
        workers = (
            keep_workers(data / "workers.csv", args.workers_per_station)
            if args.workers_per_station
            else None
        )
        if args.no_advice:
            with (data / "mealroute.toml").open("a", encoding="utf-8") as toml:
                toml.write("\n[advice]\nenabled = false\n")
        command = [*cli, "plan", str(data), "--date", args.date, "--out", str(plan_dir),
                   "--jobs", str(args.jobs)]  # fmt: skip
        if args.time_limit:
            command += ["--time-limit", str(args.time_limit)]
        load = os.getloadavg()[0]
        plan = run_measured(command, cwd=REPO, env=env)
        if plan.exit_code not in (EXIT_OK, EXIT_UNSERVED):
            raise SystemExit(f"mealroute plan failed with exit code {plan.exit_code}")
        written = json.loads((plan_dir / "plan.json").read_text(encoding="utf-8"))
        totals, settings = written["totals"], written["settings"]
        files = [p for p in plan_dir.rglob("*") if p.is_file()]
        pack_mb = round(sum(p.stat().st_size for p in files) / 1e6, 1)
        worker_kb = sorted(p.stat().st_size / 1e3 for p in plan_dir.glob("stations/*/worker-*"))
    row = {
        "date_run": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "stations": args.stations,
        "clients_per_station": args.clients_per_station,
        "workers_per_station": args.workers_per_station or "",
        "workers": workers if workers is not None else "",
        "jobs": args.jobs,
        "advice": settings.get("advice", {}).get("enabled", ""),
        "time_limit_s": settings.get("solver", {}).get("time_limit_s", ""),
        "load1_before_plan": round(load, 2),
        **{f"sample_{k}": v for k, v in asdict(sample).items() if k != "exit_code"},
        **{f"plan_{k}": v for k, v in asdict(plan).items()},
        **{f"total_{k}": totals[k] for k in TOTALS},
        "pack_mb": pack_mb,
        "pack_files": len(files),
        "worker_page_kb_median": round(worker_kb[len(worker_kb) // 2]) if worker_kb else "",
        "machine": machine,
    }
    append_row(args.out, row)
    print(
        f"plan: {plan.wall_s} s wall, {plan.cpu_s} s CPU, peak RSS {plan.max_rss_mb} MB "
        f"(largest process), {plan.tree_rss_mb} MB (process tree); "
        f"served {totals['served']}/{totals['clients']}, unserved {totals['unserved']}, "
        f"failed stations {totals['stations_failed']}; pack {pack_mb} MB in {len(files)} "
        f"files; wrote a row to {args.out}"
    )


def append_row(path: Path, row: dict[str, object]) -> None:
    """Add ``row`` to the CSV at ``path``; new columns widen the file (old rows blank)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    fields: list[str] = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = list(reader.fieldnames or []), list(reader)
    fields += [key for key in row if key not in fields]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, restval="")
        writer.writeheader()
        writer.writerows([*rows, row])


if __name__ == "__main__":
    main()
