"""The planner on its own benchmark: served per care level and travel, against the best known.

Run from the repository root::

    python -m benchmarks.station_bench run --seconds 2          # default settings, 2 s
    python -m benchmarks.station_bench run --reproducible       # --reproducible, work 100
    python -m benchmarks.station_bench exact                    # CP-SAT optima, small ones
    python -m benchmarks.station_bench long --seconds 120 --starts 3
    python -m benchmarks.station_bench table results/stations_*.csv

Every plan is checked by the independent checker (``tests/checker.py``) before it
counts. ``run`` appends one row per instance to ``results/stations_<label>.csv`` with
the served clients per care level, the travel time, the search and whole-station wall
time, the CPU time, the load average and the visiting orders (so any row can be
checked again). Every checked plan is also offered to the best-known store
``results/stations_best.json``, which keeps, per instance, the lexicographically best
plan ever seen (most disabled served, then semi-disabled, then others, then least
travel), how it was found and its orders.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import fcntl
import json
import math
import multiprocessing
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from mealroute import planner, station_day
from mealroute.model import CareLevel, Message, Plan, StationPlan
from mealroute.planjson import plan_id, plan_to_dict
from mealroute.settings import Settings

from .run_solomon import describe_machine
from .stations import DATE, EXACT_MAX, load, names

RESULTS = Path(__file__).resolve().parent / "results"
BEST = RESULTS / "stations_best.json"
LEVELS = (CareLevel.DISABLED, CareLevel.SEMI_DISABLED, CareLevel.OTHER)
COLUMNS = (
    "instance", "label", "due", "workers", "served_disabled", "served_semi", "served_other",
    "served", "travel_s", "solve_s", "wall_s", "cpu_s", "load1", "valid", "started", "orders",
)  # fmt: skip


# ------------------------------------------------------------------ checking
def check(name: str, plan: StationPlan, settings: Settings) -> list[str]:
    """Every rule ``plan`` breaks, by the independent checker (empty: valid)."""
    from tests.checker import check_plan

    day, _ = load(name)
    whole = Plan(date=DATE, stations=(plan,), settings=settings.to_dict())
    whole = replace(whole, plan_id=plan_id(whole))
    return check_plan(
        plan_to_dict(whole), day.clients, day.workers, (day.station,), settings, date=DATE
    )


def served_by_level(plan: StationPlan) -> tuple[int, int, int]:
    counts = [0, 0, 0]
    for route in plan.routes:
        for stop in route.stops:
            counts[LEVELS.index(stop.care_level)] += 1
    return counts[0], counts[1], counts[2]


def orders_of(plan: StationPlan) -> dict[str, list[list[str]]]:
    return {
        route.worker_id: [[stop.client_id for stop in trip.stops] for trip in route.trips]
        for route in plan.routes
        if route.trips
    }


def travel_of(plan: StationPlan) -> int:
    return sum(route.travel_s for route in plan.routes)


# ------------------------------------------------------------------ one run
def plan_one(name: str, label: str, changes: Mapping[str, Any], shuffle: int | None) -> dict:
    """Plan instance ``name`` with the settings ``changes`` (in a worker process).

    ``shuffle`` permutes the clients' order before planning (a different start for
    the same problem); ``None`` keeps the file's order.
    """
    day, base = load(name)
    settings = base.replace(**changes)
    if shuffle is not None:
        clients = list(day.clients)
        random.Random(shuffle).shuffle(clients)
        day = replace(day, clients=tuple(clients))
    load1 = os.getloadavg()[0]
    started = dt.datetime.now().isoformat(timespec="seconds")
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        plan = planner.plan_station(day, DATE, settings)
    except planner.SolverError as error:  # the CLI reports the station as failed
        plan = station_day.failed_station(
            day, Message("solver_error", {"detail": str(error)}), settings
        )
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    problems = (
        check(name, plan, settings) if plan.error is None else [f"failed: {plan.error.params}"]
    )
    served = served_by_level(plan)
    return {
        "instance": name,
        "label": label,
        "due": len(day.clients),
        "workers": len(day.workers),
        "served_disabled": served[0],
        "served_semi": served[1],
        "served_other": served[2],
        "served": sum(served),
        "travel_s": travel_of(plan),
        "solve_s": plan.solver.get("seconds", 0),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "load1": round(load1, 2),
        "valid": "; ".join(problems[:3]) if problems else "yes",
        "started": started,
        "orders": json.dumps(orders_of(plan), ensure_ascii=False, separators=(",", ":")),
    }


# ------------------------------------------------------------------ best known
def load_best() -> dict[str, dict[str, Any]]:
    if BEST.exists():
        return dict(json.loads(BEST.read_text(encoding="utf-8")))
    return {}


def save_best(best: dict[str, dict[str, Any]]) -> None:
    """Write the store, merged with what other runs wrote meanwhile (better wins).

    Several benchmark processes may offer plans at once; the file is re-read and
    each instance keeps the better of the two entries (a proved optimum always
    wins), under an exclusive lock.
    """
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (Path(tempfile.gettempdir()) / "mealroute-stations-best.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for name, theirs in load_best().items():
            mine = best.get(name)
            if mine is None or _better(theirs, mine):
                best[name] = theirs
        _write_best(best)


def _better(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a.get("proved") != b.get("proved"):
        return bool(a.get("proved"))
    return rank(a["served"], a["travel_s"]) < rank(b["served"], b["travel_s"])


def _write_best(best: Mapping[str, Any]) -> None:
    lines = [
        f"{json.dumps(name)}: {json.dumps(entry, ensure_ascii=False, separators=(',', ':'))}"
        for name, entry in sorted(best.items())
    ]
    BEST.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def rank(served: Sequence[int], travel: int) -> tuple[int, int, int, int]:
    """Lower is better: most disabled, then semi-disabled, then others, then travel."""
    return (-served[0], -served[1], -served[2], travel)


def offer(best: dict[str, dict[str, Any]], row: Mapping[str, Any], method: str) -> bool:
    """Keep ``row``'s plan as the best known if it is better; ``True`` if it was."""
    if row["valid"] != "yes":
        return False
    served = [int(row["served_disabled"]), int(row["served_semi"]), int(row["served_other"])]
    travel = int(row["travel_s"])
    name = row["instance"]
    known = best.get(name)
    if known is not None and (
        known.get("proved") or rank(known["served"], known["travel_s"]) <= rank(served, travel)
    ):
        return False
    orders = json.loads(row["orders"]) if isinstance(row["orders"], str) else row["orders"]
    if not verify(name, orders, served, travel):
        return False
    best[name] = {
        "served": served,
        "travel_s": travel,
        "due": int(row["due"]),
        "method": method,
        "found": row.get("started") or dt.date.today().isoformat(),
        "proved": False,
        "orders": orders,
    }
    return True


def verify(name: str, orders: Mapping[str, Sequence[Sequence[str]]], served, travel) -> bool:
    """Re-plan ``orders`` through the planner's scheduling and the independent checker."""
    day, settings = load(name)
    try:
        plan = planner.plan_from_orders(day, DATE, settings, orders)
    except planner.SolverError:
        return False
    return (
        not check(name, plan, settings)
        and list(served_by_level(plan)) == list(served)
        and travel_of(plan) == travel
    )


def exact(name: str, seconds: float) -> dict[str, Any]:
    """The CP-SAT optimum of a small instance, checked (in a worker process)."""
    from tests.exact import exact_optimum

    day, settings = load(name)
    started = time.perf_counter()
    optimum = exact_optimum(
        day.station, day.workers, day.clients, settings, seconds_per_stage=seconds
    )
    seconds_used = time.perf_counter() - started
    orders = {
        worker.worker_id: [[day.clients[i].client_id for i in trip] for trip in trips]
        for worker, trips in zip(day.workers, optimum.trips, strict=True)
        if trips
    }
    ok = verify(name, orders, optimum.served, optimum.travel_s)
    return {
        "instance": name,
        "served": list(optimum.served),
        "travel_s": optimum.travel_s,
        "due": len(day.clients),
        "proved": optimum.proved,
        "valid": ok,
        "seconds": round(seconds_used, 1),
        "orders": orders,
    }


# ------------------------------------------------------------------ commands
def _pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes; each plans one instance and exits (no state carries over)."""
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1
    )


def write_rows(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        if new:
            writer.writeheader()
        for row in rows:
            writer.writerow(row)
            handle.flush()


def run(args: argparse.Namespace) -> None:
    if args.reproducible:
        label = f"repro{args.work_limit}"
        changes: dict[str, Any] = {"reproducible": True, "work_limit": args.work_limit}
    else:
        label = f"{args.seconds:g}s"
        changes = {"time_limit_s": args.seconds}
    label = args.label or label
    out = args.out or RESULTS / f"stations_{label}.csv"
    chosen = args.only or names(args.kinds)
    print(describe_machine(), flush=True)
    best = load_best()
    with _pool(args.jobs) as pool:
        futures = [pool.submit(plan_one, name, label, changes, None) for name in chosen]
        for future in futures:
            _record(out, best, future.result(), f"mealroute {label}")
    print(f"wrote {out}")


def _record(out: Path, best: dict[str, dict[str, Any]], row: dict, method: str) -> None:
    """Append ``row`` to ``out``, offer it to the best-known store, say it in a line."""
    write_rows(out, [row])
    improved = offer(best, row, method)
    if improved:
        save_best(best)
    print(
        f"{row['instance']:4} {row['served']:4}/{row['due']:<4} "
        f"({row['served_disabled']}/{row['served_semi']}/{row['served_other']}) "
        f"travel {row['travel_s']:6} solve {row['solve_s']} wall {row['wall_s']} "
        f"load {row['load1']} {row['label']} {row['valid'][:60]}{' *best*' if improved else ''}",
        flush=True,
    )


def long_runs(args: argparse.Namespace) -> None:
    """Many starts: each instance with several first solutions and client orders."""
    chosen = args.only or names(args.kinds)
    out = args.out or RESULTS / "stations_long.csv"
    starts = [(first, seed) for seed in range(args.starts) for first in args.first_solutions]
    print(describe_machine(), flush=True)
    best = load_best()
    with _pool(args.jobs) as pool:
        futures = []
        for name in chosen:
            for first, seed in starts:
                seconds = args.seconds * (args.huge_factor if name.startswith("h") else 1)
                label = f"long {seconds:g}s {first} order {seed}"
                futures.append(
                    pool.submit(
                        _plan_with_start, name, label, {"time_limit_s": seconds}, seed, first
                    )
                )
        for future in futures:
            row = future.result()
            _record(out, best, row, f"mealroute {row['label']}")


def _plan_with_start(
    name: str, label: str, changes: Mapping[str, Any], seed: int, first: str
) -> dict:
    planner.FIRST_SOLUTION = first
    return plan_one(name, label, changes, None if seed == 0 else seed)


def ingest(paths: Sequence[Path]) -> None:
    """Offer every checked row of earlier result files to the best-known store."""
    best = load_best()
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if offer(best, row, f"mealroute {row['label']}"):
                    print(f"{row['instance']}: best known from {path.name} ({row['label']})")
    save_best(best)


def exact_cmd(args: argparse.Namespace) -> None:
    chosen = args.only or [name for name in names("s") if len(load(name)[0].clients) <= EXACT_MAX]
    best = load_best()
    with _pool(args.jobs) as pool:
        for result in pool.map(exact, chosen, [args.seconds] * len(chosen)):
            name = result["instance"]
            print(
                f"{name}: served {result['served']} travel {result['travel_s']} "
                f"proved {result['proved']} valid {result['valid']} in {result['seconds']} s",
                flush=True,
            )
            if not result["valid"]:
                continue
            known = best.get(name)
            if known and rank(known["served"], known["travel_s"]) < rank(
                result["served"], result["travel_s"]
            ):
                raise SystemExit(f"{name}: a known plan beats the 'optimum': a bug somewhere")
            best[name] = {
                "served": result["served"],
                "travel_s": result["travel_s"],
                "due": result["due"],
                "method": f"CP-SAT (tests/exact.py), four stages, {result['seconds']} s",
                "found": dt.date.today().isoformat(),
                "proved": result["proved"],
                "orders": result["orders"],
            }
            save_best(best)


# ------------------------------------------------------------------ the table
def table(paths: Sequence[Path], *, labels: Sequence[str] | None = None) -> str:
    """Markdown: per run label, served and travel against the best known."""
    best = load_best()
    rows: list[dict[str, str]] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    by_label: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row)
    order = labels or sorted(by_label, key=_label_key)
    lines = [
        "| run | stations | invalid | served = best | fewer disabled | fewer semi | "
        "fewer other | clients short (d/s/o) | travel gap median | travel gap worst | "
        "travel gap mean | wall s median / max |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label in order:
        group = [r for r in by_label.get(label, []) if r["instance"] in best]
        if not group:
            continue
        invalid = sum(1 for r in group if r["valid"] != "yes")
        equal, fewer, short, gaps = 0, [0, 0, 0], [0, 0, 0], []
        for r in group:
            known = best[r["instance"]]
            got = [int(r["served_disabled"]), int(r["served_semi"]), int(r["served_other"])]
            if got == known["served"]:
                equal += 1
                gaps.append(100 * (int(r["travel_s"]) / max(1, known["travel_s"]) - 1))
            for k in range(3):
                if got[k] < known["served"][k]:
                    fewer[k] += 1
                short[k] += max(0, known["served"][k] - got[k])
        walls = [float(r["wall_s"]) for r in group]
        lines.append(
            f"| {label} | {len(group)} | {invalid} | {equal} ({100 * equal / len(group):.0f}%) | "
            f"{fewer[0]} | {fewer[1]} | {fewer[2]} | {short[0]}/{short[1]}/{short[2]} | "
            f"{_pct(statistics.median(gaps) if gaps else math.nan)} | "
            f"{_pct(max(gaps) if gaps else math.nan)} | "
            f"{_pct(statistics.fmean(gaps) if gaps else math.nan)} | "
            f"{statistics.median(walls):.1f} / {max(walls):.1f} |"
        )
    return "\n".join(lines)


def per_instance(paths: Sequence[Path]) -> str:
    """Markdown: each instance's best known and every run's served and travel gap."""
    best = load_best()
    rows: list[dict[str, str]] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    labels = sorted({r["label"] for r in rows}, key=_label_key)
    cell: dict[tuple[str, str], str] = {}
    for r in rows:
        known = best.get(r["instance"])
        if known is None:
            continue
        got = [int(r["served_disabled"]), int(r["served_semi"]), int(r["served_other"])]
        if got == known["served"]:
            text = _pct(100 * (int(r["travel_s"]) / max(1, known["travel_s"]) - 1))
        else:
            text = "/".join(f"{g - k:+d}" for g, k in zip(got, known["served"], strict=True))
        cell[(r["instance"], r["label"])] = text
    lines = [
        "| instance | due | best known d/s/o | travel s | how | " + " | ".join(labels) + " |",
        "|---|---|---|---|---|" + "---|" * len(labels),
    ]
    for name in sorted(best):
        known = best[name]
        how = "exact" if known.get("proved") else known["method"].removeprefix("mealroute ")
        lines.append(
            f"| {name} | {known['due']} | {'/'.join(map(str, known['served']))} | "
            f"{known['travel_s']} | {how} | "
            + " | ".join(cell.get((name, label), "") for label in labels)
            + " |"
        )
    return "\n".join(lines)


def _pct(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:+.2f}%"


def _label_key(label: str) -> tuple[str, int, float, str]:
    """Runs of one model together (``base-2s``), timed ones by their seconds, then others."""
    model, _, run = label.rpartition("-")
    if run.endswith("s") and run[:-1].replace(".", "").isdigit():
        return (model, 0, float(run[:-1]), label)
    return (model, 1, 0.0, label)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.station_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="plan every instance once with one setting")
    p_run.add_argument("--seconds", type=float, default=2.0)
    p_run.add_argument("--reproducible", action="store_true")
    p_run.add_argument("--work-limit", type=int, default=100)
    p_run.add_argument("--label")
    p_long = sub.add_parser("long", help="long runs from several starts, for the best known")
    p_long.add_argument("--seconds", type=float, default=120.0)
    p_long.add_argument("--huge-factor", type=float, default=2.0)
    p_long.add_argument("--starts", type=int, default=2, help="client orders per strategy")
    p_long.add_argument(
        "--first-solutions", nargs="+",
        default=["PARALLEL_CHEAPEST_INSERTION", "LOCAL_CHEAPEST_INSERTION"],
    )  # fmt: skip
    p_exact = sub.add_parser("exact", help="CP-SAT optima of the small instances")
    p_exact.add_argument("--seconds", type=float, default=600.0, help="per stage")
    for p in (p_run, p_long, p_exact):
        p.add_argument("--jobs", type=int, default=2)
        p.add_argument("--only", nargs="*")
        p.add_argument("--kinds", default="smlh", help="s, m, l, h: which sizes")
        p.add_argument("--out", type=Path)
    p_table = sub.add_parser("table", help="gap table of result files")
    p_table.add_argument("paths", type=Path, nargs="+")
    p_table.add_argument("--per-instance", action="store_true")
    p_ingest = sub.add_parser("ingest", help="offer the rows of result files to the best known")
    p_ingest.add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "ingest":
        ingest(args.paths)
    elif args.command == "run":
        run(args)
    elif args.command == "long":
        long_runs(args)
    elif args.command == "exact":
        exact_cmd(args)
    else:
        print(per_instance(args.paths) if args.per_instance else table(args.paths))


if __name__ == "__main__":
    main()
