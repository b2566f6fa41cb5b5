"""What planning on a Dask cluster costs against local processes, and a province projected.

Run from the repository root::

    python -m benchmarks.cluster --stations 24 --workers 2

It writes a sample city, plans it through the ``mealroute`` CLI twice with the same
settings, once with ``--jobs W`` (local worker processes) and once with
``--scheduler`` on a local Dask cluster of ``W`` single-thread worker processes
(started here, as ``dask scheduler``/``dask worker`` would be on a real cluster),
and reports the wall times, the overhead per station, and the wall time this
projects for a province of 2,000 stations on 64 cores. A row is appended to
``benchmarks/results/cluster.csv``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from .run_solomon import RESULTS, describe_machine

REPO = Path(__file__).resolve().parent.parent


def plan(cli: list[str], data: Path, out: Path, extra: list[str]) -> float:
    """Wall seconds of one ``mealroute plan`` run."""
    started = time.perf_counter()
    done = subprocess.run(
        [*cli, "plan", str(data), "--date", "2026-12-01", "--out", str(out), "--quiet", *extra],
        cwd=REPO,
        check=False,
    )
    if done.returncode not in (0, 3):
        raise SystemExit(f"mealroute plan failed with exit code {done.returncode}")
    return time.perf_counter() - started


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cluster", description=__doc__)
    parser.add_argument("--stations", type=int, default=24)
    parser.add_argument("--clients-per-station", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--province", type=int, default=2000, help="stations to project")
    parser.add_argument("--cores", type=int, default=64, help="cores to project on")
    args = parser.parse_args()

    import distributed

    cli = [sys.executable, "-m", "mealroute"]
    with tempfile.TemporaryDirectory(prefix="mealroute-cluster-") as scratch:
        work = Path(scratch)
        subprocess.run(
            [*cli, "sample", str(work / "city"), "--stations", str(args.stations),
             "--clients-per-station", str(args.clients_per_station)],
            cwd=REPO, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        machine = describe_machine()
        load = os.getloadavg()[0]
        local = plan(cli, work / "city", work / "local", ["--jobs", str(args.workers)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster = distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, dashboard_address=None
            )
        try:
            remote = plan(
                cli, work / "city", work / "cluster", ["--scheduler", cluster.scheduler_address]
            )
        finally:
            cluster.close()
    per_station_local = local * args.workers / args.stations
    overhead = (remote - local) * args.workers / args.stations
    province = args.province * (per_station_local + max(overhead, 0.0)) / args.cores
    row = {
        "date_run": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "stations": args.stations,
        "clients_per_station": args.clients_per_station,
        "workers": args.workers,
        "load1_before": round(load, 2),
        "local_wall_s": round(local, 1),
        "cluster_wall_s": round(remote, 1),
        "station_s_local": round(per_station_local, 2),
        "overhead_s_per_station": round(overhead, 2),
        "province_stations": args.province,
        "province_cores": args.cores,
        "province_wall_s": round(province),
        "machine": machine,
    }
    out = RESULTS / "cluster.csv"
    new = not out.exists()
    with out.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        if new:
            writer.writeheader()
        writer.writerow(row)
    print(
        f"local {local:.1f} s, cluster {remote:.1f} s for {args.stations} stations on "
        f"{args.workers} workers: {overhead:.2f} s more per station; a province of "
        f"{args.province} stations on {args.cores} cores: about {province / 60:.0f} min"
    )


if __name__ == "__main__":
    main()
