"""Fair days: what `[day] balance` does to served clients, travel and the busiest day.

Run from the repository root::

    python -m benchmarks.balance                       # data/jinan, reproducible mode
    python -m benchmarks.balance --seconds 2           # the same at 2 s per station

Plans every station of the data folder with balance off, minutes and stops (advice
off) through :func:`mealroute.day.plan_day` and appends one row per mode and station to
``benchmarks/results/balance.csv``: served per care level, travel, the busiest worker's
minutes on the road and at the doors, and the spreads (most minus fewest) of those
minutes and of stops. Results are tabled in ``benchmarks/README.md``.

``--reference SECONDS`` adds the outside reference for the busiest day: each station
searched that long with the busiest worker's minutes weighted ``REFERENCE_WEIGHT`` x
travel (so the busiest day nearly alone decides), in this process (the weight is the
solver module's constant), as mode ``reference``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter

from mealroute import solver
from mealroute.day import plan_day
from mealroute.render.index import WorkerDay

from .run_solomon import RESULTS, append_rows, describe_machine, planning_settings

OUT = RESULTS / "balance.csv"
REFERENCE_WEIGHT = 50  # a minute off the busiest day is worth 50 minutes of travel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data/jinan")
    parser.add_argument("--date", default="2026-12-01")
    parser.add_argument("--seconds", type=float, default=None, help="time mode (else reproducible)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reference", type=float, default=None, metavar="SECONDS")
    args = parser.parse_args()
    date = dt.date.fromisoformat(args.date)
    machine = describe_machine()
    rows = []
    runs = [(b, args.seconds, False) for b in ("off", "minutes", "stops")]
    if args.reference is not None:
        runs = [("minutes", args.reference, True)]
    for balance, seconds, reference in runs:
        settings, _ = planning_settings(args.data, seconds, balance=balance)
        if reference:
            solver.BALANCE_PER_SECOND = REFERENCE_WEIGHT
            plan = plan_day(args.data, date, settings, jobs=1, isolate=False)
        else:
            plan = plan_day(args.data, date, settings, jobs=args.jobs)
        for station in plan.stations:
            days = [WorkerDay.of(route) for route in station.routes]
            busy = [day.road + day.doors for day in days] or [0]
            stops = [len(route.stops) for route in station.routes] or [0]
            levels = Counter(str(s.care_level) for r in station.routes for s in r.stops)
            row = {
                "when": dt.datetime.now().isoformat(timespec="seconds"),
                "data": args.data,
                "mode": "reference"
                if reference
                else ("reproducible" if seconds is None else f"{seconds:g}s"),
                "balance": balance,
                "station": station.station_id,
                "served": station.served,
                "served_disabled": levels["disabled"],
                "served_semi": levels["semi-disabled"],
                "travel_s": sum(route.travel_s for route in station.routes),
                "busiest_s": max(busy),
                "busy_spread_s": max(busy) - min(busy),
                "stops_spread": max(stops) - min(stops),
                "machine": machine,
            }
            rows.append(row)
            print(row, flush=True)
    append_rows(OUT, rows)


if __name__ == "__main__":
    main()
