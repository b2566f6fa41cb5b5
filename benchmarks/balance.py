"""Fair days: what `[day] balance` does to served clients, travel and the busiest day.

Run from the repository root::

    python -m benchmarks.balance                       # data/jinan, reproducible mode
    python -m benchmarks.balance --seconds 2           # the same at 2 s per station

Plans every station of the data folder with balance off, minutes and stops (advice
off) through :func:`mealroute.day.plan_day` and appends one row per mode and station to
``benchmarks/results/balance.csv``: served per care level, travel, the busiest worker's
minutes on the road and at the doors, and the spreads (most minus fewest) of those
minutes and of stops. Results are tabled in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter

from mealroute.day import plan_day
from mealroute.render.index import WorkerDay

from .run_solomon import RESULTS, append_rows, describe_machine, planning_settings

OUT = RESULTS / "balance.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data/jinan")
    parser.add_argument("--date", default="2026-12-01")
    parser.add_argument("--seconds", type=float, default=None, help="time mode (else reproducible)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    date = dt.date.fromisoformat(args.date)
    machine = describe_machine()
    rows = []
    for balance in ("off", "minutes", "stops"):
        settings, _ = planning_settings(args.data, args.seconds, balance=balance)
        plan = plan_day(args.data, date, settings, jobs=args.jobs)
        for station in plan.stations:
            days = [WorkerDay.of(route) for route in station.routes]
            busy = [day.road + day.doors for day in days] or [0]
            stops = [len(route.stops) for route in station.routes] or [0]
            levels = Counter(str(s.care_level) for r in station.routes for s in r.stops)
            row = {
                "when": dt.datetime.now().isoformat(timespec="seconds"),
                "data": args.data,
                "mode": "reproducible" if args.seconds is None else f"{args.seconds:g}s",
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
