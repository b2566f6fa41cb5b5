"""The same familiar face over a week: faces and order kept, at what cost in travel.

Run from the repository root::

    python -m benchmarks.continuity                      # data/jinan, reproducible mode
    python -m benchmarks.continuity --days 3 --seconds 2

Plans ``--days`` consecutive days of the data folder (from ``--date``) each day with
the days before as history (:func:`mealroute.day.plan_dataset` with ``history``),
for several weights of ``[day] familiar_min`` / ``same_order_min``, and, as the
reference, each day alone (no history: a fresh plan, what mealroute did before). For
every day after the first it measures, against the day before: clients served both
days who keep their worker, the share of the day's legs the day before had, clients
served and travel. One row per weighting and day goes to
``benchmarks/results/continuity.csv``; the table is in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
from pathlib import Path

from mealroute.day import plan_dataset
from mealroute.model import Plan
from mealroute.read.load import dataset_from_path

from .run_solomon import RESULTS, append_rows, describe_machine, planning_settings

OUT = RESULTS / "continuity.csv"
WEIGHTS = (("alone", None, None), ("15/1", 15.0, 1.0), ("5/0.5", 5.0, 0.5), ("15/0", 15.0, 0.0))


def _legs(plan: Plan) -> set[tuple[str, str, str]]:
    legs = set()
    for station in plan.stations:
        for route in station.routes:
            for trip in route.trips:
                ids = ["0", *(s.client_id for s in trip.stops), "0"]
                legs |= {(station.station_id, a, b) for a, b in itertools.pairwise(ids)}
    return legs


def _workers(plan: Plan) -> dict[str, str]:
    return {s.client_id: r.worker_id for st in plan.stations for r in st.routes for s in r.stops}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data/jinan")
    parser.add_argument("--date", default="2026-12-01")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=None, help="time mode (else reproducible)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    first = dt.date.fromisoformat(args.date)
    machine = describe_machine()
    base, mode = planning_settings(args.data, args.seconds)
    dataset = dataset_from_path(Path(args.data), base.datum)
    rows = []
    for label, familiar_min, same_order_min in WEIGHTS:
        settings = base
        if familiar_min is not None:
            settings = base.replace(familiar_min=familiar_min, same_order_min=same_order_min)
        history: list[Plan] = []
        for k in range(args.days):
            date = first + dt.timedelta(days=k)
            plan = plan_dataset(
                dataset, date, settings, jobs=args.jobs, history=history if familiar_min else ()
            )
            if history:
                before = history[0]
                a, b = _workers(before), _workers(plan)
                both = set(a) & set(b)
                legs = _legs(plan)
                rows.append(
                    {
                        "machine": machine,
                        "mode": mode,
                        "weights": label,
                        "date": date.isoformat(),
                        "served": sum(s.served for s in plan.stations),
                        "clients": sum(s.clients for s in plan.stations),
                        "both_days": len(both),
                        "same_worker": sum(1 for c in both if a[c] == b[c]),
                        "legs": len(legs),
                        "legs_kept": len(legs & _legs(before)),
                        "travel_s": sum(r.travel_s for s in plan.stations for r in s.routes),
                    }
                )
                print(rows[-1])
            history.insert(0, plan)
    append_rows(OUT, rows)


if __name__ == "__main__":
    main()
