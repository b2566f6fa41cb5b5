"""OR-Tools strategies on the planner's own problems (a synthetic city, station by station).

The Solomon study (``run_solomon.py strategies``) has one trip per vehicle and no
side rules. The planner's problems add optional reload visits (several trips per
worker), who-may-serve-whom restrictions, the food-age dimension and lexicographic drop
penalties. This script plans every station of a sample city with
:func:`mealroute.planner.plan_station` once per setting, setting only the planner's
``FIRST_SOLUTION`` and ``METAHEURISTIC`` constants, and compares the solver objective
station by station (lower is better; it counts unserved clients first, by care level,
then travel time). Run from the repository root::

    python -m benchmarks.planner_strategies --stations 16 --seconds 2
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import multiprocessing
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

from mealroute import planner, station_day
from mealroute.read.load import dataset_from_dir
from mealroute.sample import write_sample
from mealroute.settings import Settings

from .run_solomon import FIRST_SOLUTIONS, METAHEURISTICS, RESULTS, describe_machine

COLUMNS = ("seed", "station", "clients", "setting", "time_limit_s", "served", "unserved",
           "objective", "travel_s", "solve_s", "cpu_s", "load1")  # fmt: skip


@cache
def _days(data_dir: str, date: str) -> dict[str, station_day.StationDay]:
    dataset = dataset_from_dir(Path(data_dir))
    days, _ = station_day.station_days(dataset, dt.date.fromisoformat(date))
    return {day.station.station_id: day for day in days}


def plan_one(
    data_dir: str, date: str, station: str, setting: tuple[str, str], seconds: float, seed: int
) -> dict[str, object]:
    """Plan one station with one setting (in a worker process); return its CSV row."""
    day = _days(data_dir, date)[station]
    planner.FIRST_SOLUTION, planner.METAHEURISTIC = setting
    settings = Settings.for_data_dir(Path(data_dir)).replace(time_limit_s=seconds)
    load1 = os.getloadavg()[0]
    cpu = time.process_time()
    plan = planner.plan_station(day, dt.date.fromisoformat(date), settings)
    cpu_s = time.process_time() - cpu
    if plan.error:
        raise RuntimeError(f"station {station}: {plan.error}")
    return {
        "seed": seed,
        "station": station,
        "clients": plan.clients,
        "setting": "+".join(setting),
        "time_limit_s": seconds,
        "served": plan.served,
        "unserved": len(plan.unserved),
        "objective": plan.solver.get("objective", 0),
        "travel_s": sum(route.travel_s for route in plan.routes),
        "solve_s": plan.solver.get("seconds", 0),
        "cpu_s": round(cpu_s, 3),
        "load1": round(load1, 2),
    }


def summarise(rows: Sequence[dict[str, str]]) -> str:
    """Markdown: per setting, clients left out first, then objective over the best.

    The objective is lexicographic (a left-out client costs more than any travel), so
    percentages are only taken on stations where the setting served as many clients as
    the best setting did there.
    """

    def key(row: dict[str, str]) -> str:
        return f"{row['seed']}:{row['station']}"

    most: dict[str, int] = defaultdict(int)
    for row in rows:
        most[key(row)] = max(most[key(row)], int(row["served"]))
    best: dict[str, int] = {}
    for row in rows:
        if int(row["served"]) == most[key(row)]:
            best[key(row)] = min(best.get(key(row), 1 << 62), int(row["objective"]))
    by: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by[row["setting"]].append(row)

    def fewer(group: Sequence[dict[str, str]]) -> int:
        return sum(1 for r in group if int(r["served"]) < most[key(r)])

    def gaps(group: Sequence[dict[str, str]]) -> list[float]:
        return [
            100 * (int(r["objective"]) / max(1, best[key(r)]) - 1)
            for r in group
            if int(r["served"]) == most[key(r)]
        ]

    ranked = sorted(
        by.items(), key=lambda item: (fewer(item[1]), statistics.fmean(gaps(item[1]) or [0.0]))
    )
    lines = [
        "| setting | stations | unserved | stations serving fewer than the best "
        "| mean % over best | median % | best on | travel h | CPU s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for setting, group in ranked:
        mine = gaps(group)
        lines.append(
            f"| {setting} | {len(group)} | {sum(int(r['unserved']) for r in group)} | "
            f"{fewer(group)} | {statistics.fmean(mine or [math.nan]):.2f} | "
            f"{statistics.median(mine or [math.nan]):.2f} | "
            f"{sum(1 for g in mine if g < 1e-9)} | "
            f"{sum(int(r['travel_s']) for r in group) / 3600:.1f} | "
            f"{statistics.fmean(float(r['cpu_s']) for r in group):.2f} |"
        )
    lines += [
        "",
        "Unserved: clients left out over all stations (some no worker can serve at all). "
        "% over best: solver objective (travel time once everyone possible is served) over "
        "the best any setting reached for that station, on stations where the setting "
        "served as many clients as the best one.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.planner_strategies",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stations", type=int, default=16)
    parser.add_argument("--clients-per-station", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--date", default="2026-12-01")
    parser.add_argument("--seconds", type=float, default=2.0, help="solver limit per station")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--summary", type=Path, nargs="+", help="only summarise these CSVs")
    args = parser.parse_args(argv)
    if args.summary:
        rows_read: list[dict[str, str]] = []
        for path in args.summary:
            with path.open(encoding="utf-8", newline="") as handle:
                rows_read += list(csv.DictReader(handle))
        print(summarise(rows_read))
        return
    out = args.out or RESULTS / f"planner_strategies_{args.seconds:g}s_seed{args.seed}.csv"
    print(describe_machine(), flush=True)
    settings = [(fs, "GUIDED_LOCAL_SEARCH") for fs in FIRST_SOLUTIONS]
    settings += [(planner.FIRST_SOLUTION, m) for m in METAHEURISTICS[1:]]
    with tempfile.TemporaryDirectory(prefix="mealroute-bench-") as scratch:
        data = Path(scratch) / "city"
        write_sample(
            data, stations=args.stations, clients_per_station=args.clients_per_station,
            seed=args.seed,
        )  # fmt: skip
        stations = sorted(_days(str(data), args.date))
        context = multiprocessing.get_context("spawn")
        rows: list[dict[str, str]] = []
        with (
            ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool,
            out.open("w", encoding="utf-8", newline="") as handle,
        ):
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            # station by station, every setting back to back: equal machine load
            futures = [
                pool.submit(
                    plan_one, str(data), args.date, station, setting, args.seconds, args.seed
                )
                for station in stations
                for setting in settings
            ]
            for future in futures:
                row = future.result()
                writer.writerow(row)
                rows.append({k: str(v) for k, v in row.items()})
                print(
                    f"{row['station']} {row['setting']:50} served {row['served']}/"
                    f"{row['clients']} objective {row['objective']} cpu {row['cpu_s']}",
                    flush=True,
                )
    print(summarise(rows))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
