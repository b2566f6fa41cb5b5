"""Re-planning the morning of: upheaval and time of `replan` against planning afresh.

Run from the repository root::

    python -m benchmarks.replan                  # data/jinan, 20 generated mornings
    python -m benchmarks.replan --mornings 5 --seconds 2

Plans the day of the data folder once (the published plan). Then, for each of
``--mornings`` generated mornings (a seeded mix of the changes stations see: a worker
absent, two clients paused, a worker 30 minutes late, a client whose window moves),
it makes the day twice with the same changes: re-planned from the published plan
(:func:`mealroute.day.replan_dataset`) and planned afresh (:func:`mealroute.day.plan_dataset`),
and measures both against the published plan with :func:`mealroute.revision.revision`:
clients served, clients moved to another worker, workers whose day changed, stops whose
time moved by more than five minutes, travel; the wall time of the whole city, and the
median of one station's. One row per morning and way goes to
``benchmarks/results/replan.csv``; the table is in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from dataclasses import replace
from pathlib import Path

from mealroute.day import plan_dataset, replan_dataset
from mealroute.model import Change, ChangeKind, Dataset
from mealroute.read.load import dataset_from_path
from mealroute.revision import revision

from .run_solomon import RESULTS, append_rows, describe_machine, planning_settings

OUT = RESULTS / "replan.csv"


def morning(dataset: Dataset, date: dt.date, rng: random.Random) -> tuple[Change, ...]:
    """A generated morning: one absence, two pauses, one late worker, one moved window."""
    workers = sorted(dataset.workers, key=lambda w: w.worker_id)
    clients = sorted(dataset.clients, key=lambda c: c.client_id)
    absent, late = rng.sample(workers, 2)
    paused = rng.sample(clients, 2)
    moved = rng.choice(clients)

    def change(kind: ChangeKind, subject: str, station: str, value: object = None) -> Change:
        return Change(kind=kind, subject=subject, name="", station_id=station, start=date,
                      end=None, value=value, note="benchmark")  # fmt: skip

    return (
        change(ChangeKind.ABSENT, absent.worker_id, absent.station_id),
        change(ChangeKind.LATE, late.worker_id, late.station_id, late.shift_start + 1800),
        *(change(ChangeKind.PAUSE, c.client_id, c.station_id) for c in paused),
        change(ChangeKind.WINDOW, moved.client_id, moved.station_id, (12 * 3600, 12 * 3600 + 1800)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data/jinan")
    parser.add_argument("--date", default="2026-12-01")
    parser.add_argument("--mornings", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=None, help="time mode (else reproducible)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    date = dt.date.fromisoformat(args.date)
    machine = describe_machine()
    settings, mode = planning_settings(args.data, args.seconds)
    dataset = dataset_from_path(Path(args.data), settings.datum)
    published = plan_dataset(dataset, date, settings, jobs=args.jobs)
    rows = []
    for k in range(args.mornings):
        day = replace(
            dataset, changes=(*dataset.changes, *morning(dataset, date, random.Random(k)))
        )
        for way in ("replan", "afresh"):
            started = time.perf_counter()
            if way == "replan":
                plan = replan_dataset(day, published, settings, jobs=args.jobs)
            else:
                plan = plan_dataset(day, date, settings, jobs=args.jobs)
            seconds = time.perf_counter() - started
            diff = revision(published, plan)
            rows.append(
                {
                    "machine": machine,
                    "mode": mode,
                    "morning": k,
                    "way": way,
                    "clients": sum(s.clients for s in plan.stations),
                    "served": sum(s.served for s in plan.stations),
                    "moved": diff.moved,
                    "workers_changed": len(diff.workers),
                    "workers": sum(s.workers for s in plan.stations),
                    "retimed": diff.retimed,
                    "travel_s": sum(r.travel_s for s in plan.stations for r in s.routes),
                    "wall_s": round(seconds, 2),
                    # one station's re-plan in its process: search, checks, the lot
                    "station_wall_s_median": statistics.median(
                        float(s.solver.get("wall_s", 0.0)) for s in plan.stations
                    ),
                }
            )
            print(rows[-1])
    append_rows(OUT, rows)


if __name__ == "__main__":
    main()
