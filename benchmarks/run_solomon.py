"""Solomon VRPTW benchmark: mealroute's OR-Tools solver against PyVRP and best-known.

Run from the repository root (``benchmarks`` is not installed)::

    python -m benchmarks.run_solomon strategies --seconds 5
    python -m benchmarks.run_solomon fixed-cost --seconds 5 --costs 0,100,1000,20000
    python -m benchmarks.run_solomon compare --seconds 30 --out benchmarks/results/compare_30s.csv
    python -m benchmarks.run_solomon summary benchmarks/results/compare_30s.csv

Every run is checked by the independent checker of ``solomon.py``; its real-valued
distance and vehicle count are what the tables report. Runs go two at a time
(``--jobs``), one thread each; ``compare`` runs OR-Tools and PyVRP on the same
instance at the same time so both see the same machine load.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import multiprocessing
import os
import platform
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mealroute import planner
from mealroute.settings import Settings

from .engines import SCALE, Run, run_ortools
from .pyvrp_engine import pyvrp_version, run_pyvrp
from .solomon import find_solomon_dir, instance_names, read_bks, read_instance
from .tables import rank_settings, summarise

RESULTS = Path(__file__).resolve().parent / "results"
# The tightest-window instance (x01) and the middle one of each class.
SUBSET = ("C101", "C105", "C201", "C205", "R101", "R107", "R201", "R206",
          "RC101", "RC105", "RC201", "RC205")  # fmt: skip
FIRST_SOLUTIONS = (
    "PATH_CHEAPEST_ARC",
    "PARALLEL_CHEAPEST_INSERTION",
    "LOCAL_CHEAPEST_INSERTION",
    "SEQUENTIAL_CHEAPEST_INSERTION",
    "SAVINGS",
    "GLOBAL_CHEAPEST_ARC",
)
METAHEURISTICS = ("GUIDED_LOCAL_SEARCH", "SIMULATED_ANNEALING", "TABU_SEARCH")
# What the planner runs (chosen from the measurements in README.md).
RECOMMENDED = (planner.FIRST_SOLUTION, planner.METAHEURISTIC)
COLUMNS = (
    "instance", "family", "solver", "setting", "fixed_cost", "time_limit_s", "feasible",
    "vehicles", "distance", "bks_vehicles", "bks_distance", "gap_pct", "solve_s", "cpu_s",
    "load1", "repeat", "scaled_objective", "problems", "routes",
)  # fmt: skip


@dataclass(frozen=True)
class Job:
    """One run to make: which solver, on which instance, how."""

    solver: str
    instance: str
    seconds: float
    fixed_cost: float = 0.0
    first_solution: str = RECOMMENDED[0]
    metaheuristic: str = RECOMMENDED[1]
    repeat: int = 0
    fleet_share: float = 0.0  # OR-Tools: two phases, vehicles then distance (engines.py)


def run_job(job: Job, data_dir: str) -> dict[str, object]:
    """Run one job (in a worker process) and return its CSV row."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    directory = Path(data_dir)
    instance = read_instance(directory / f"{job.instance}.txt")
    bks = read_bks(directory / "bks.csv").get(job.instance)
    run: Run
    if job.solver == "ortools":
        run = run_ortools(
            instance,
            seconds=job.seconds,
            first_solution=job.first_solution,
            metaheuristic=job.metaheuristic,
            fixed_cost=job.fixed_cost,
            fleet_share=job.fleet_share,
        )
    else:
        run = run_pyvrp(instance, seconds=job.seconds, fixed_cost=job.fixed_cost)
    gap = "" if bks is None else round(100 * (run.check.distance / bks.distance - 1), 3)
    return {
        "instance": instance.name,
        "family": instance.family,
        "solver": run.solver,
        "setting": run.setting,
        "fixed_cost": job.fixed_cost,
        "time_limit_s": job.seconds,
        "feasible": int(run.check.feasible),
        "vehicles": run.check.vehicles,
        "distance": round(run.check.distance, 4),
        "bks_vehicles": "" if bks is None else bks.vehicles,
        "bks_distance": "" if bks is None else bks.distance,
        "gap_pct": gap,
        "solve_s": round(run.solve_s, 3),
        "cpu_s": round(run.cpu_s, 3),
        "repeat": job.repeat,
        "load1": round(run.load1, 2),
        "scaled_objective": run.scaled_objective,
        "problems": "; ".join(run.check.problems),
        "routes": "|".join(" ".join(map(str, r)) for r in run.routes),
    }


def run_jobs(
    batches: Iterable[Sequence[Job]], *, data_dir: Path, out: Path, jobs: int, append: bool = False
) -> list[dict[str, object]]:
    """Run batches of jobs; the jobs of a batch run at the same time.

    Rows are appended to ``out`` as each batch finishes, so a long run that stops
    keeps what it did.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    context = multiprocessing.get_context("spawn")
    with (
        out.open("a" if append else "w", encoding="utf-8", newline="") as handle,
        ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool,
    ):
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        if not append:
            writer.writeheader()
        for batch in batches:
            futures: list[Future[dict[str, object]]] = [
                pool.submit(run_job, job, str(data_dir)) for job in batch
            ]
            for future in futures:
                row = future.result()
                rows.append(row)
                writer.writerow(row)
                print(_progress(row), flush=True)
            handle.flush()
    return rows


def _progress(row: dict[str, object]) -> str:
    ok = "ok" if row["feasible"] else f"INFEASIBLE ({row['problems']})"
    return (
        f"{row['instance']:6} {row['solver']:7} {row['setting']:48} fc={row['fixed_cost']:<6} "
        f"veh {row['vehicles']:>2} dist {row['distance']:>9} gap {row['gap_pct']:>7}% "
        f"cpu {row['cpu_s']}s load {row['load1']} {ok}"
    )


def _pairs(jobs: Sequence[Job], size: int) -> list[list[Job]]:
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


# ------------------------------------------------------------------ experiments
def strategies(args: argparse.Namespace) -> None:
    """First-solution strategies with GLS, then metaheuristics from the best start.

    The settings run interleaved (instance by instance, all settings of an instance
    back to back), so a change in machine load over the study hits them alike.
    """
    names = args.instances or list(SUBSET)
    reps = range(args.repeats)
    first = [
        Job("ortools", name, args.seconds, args.fixed_cost, fs, "GUIDED_LOCAL_SEARCH", rep)
        for rep in reps
        for name in names
        for fs in FIRST_SOLUTIONS
    ]
    out = args.out or RESULTS / f"strategies_{_tag(args.seconds)}_fc{args.fixed_cost:g}.csv"
    rows = run_jobs(_pairs(first, args.jobs), data_dir=args.data, out=out, jobs=args.jobs)
    ranking = rank_settings(rows)
    best = ranking[0][0].split("+")[0]
    print(f"best first solution with GLS: {best} ({ranking[0][2]:+.3f}% mean)", flush=True)
    second = [
        Job("ortools", name, args.seconds, args.fixed_cost, best, meta, rep)
        for rep in reps
        for name in names
        for meta in METAHEURISTICS
    ]
    out2 = out.with_name(out.stem + "_meta.csv")
    run_jobs(_pairs(second, args.jobs), data_dir=args.data, out=out2, jobs=args.jobs)
    print(f"wrote {out} and {out2}")


def fixed_cost(args: argparse.Namespace) -> None:
    """OR-Tools (recommended setting) and PyVRP side by side for several fixed costs."""
    names = args.instances or list(SUBSET)
    batches = [
        [
            Job("ortools", name, args.seconds, cost, args.first_solution, args.metaheuristic),
            Job("pyvrp", name, args.seconds, cost),
        ]
        for cost in args.costs
        for name in names
    ]
    out = args.out or RESULTS / f"fixed_cost_{_tag(args.seconds)}.csv"
    run_jobs(batches, data_dir=args.data, out=out, jobs=args.jobs)
    print(f"wrote {out}")


def compare(args: argparse.Namespace) -> None:
    """Every instance: OR-Tools and PyVRP at the same time, same limit."""
    names = args.instances or instance_names(args.data)
    batches = [
        [
            Job(
                "ortools",
                name,
                args.seconds,
                args.fixed_cost,
                args.first_solution,
                args.metaheuristic,
                fleet_share=args.fleet_share,
            ),
            Job("pyvrp", name, args.seconds, args.fixed_cost),
        ]
        for name in names
    ]
    if args.solvers != ["ortools", "pyvrp"]:
        # one solver only: run two instances at a time instead of a pair per instance
        chosen = [job for batch in batches for job in batch if job.solver in args.solvers]
        batches = _pairs(chosen, args.jobs)
    out = args.out or RESULTS / f"compare_{_tag(args.seconds)}.csv"
    run_jobs(batches, data_dir=args.data, out=out, jobs=args.jobs)
    print(f"wrote {out}")


def summary(args: argparse.Namespace) -> None:
    """Print Markdown tables of result CSVs."""
    for path in args.csv:
        print(summarise(path, pyvrp_from=args.pyvrp_from))
        print()


def _tag(seconds: float) -> str:
    return f"{seconds:g}s"


def describe_machine() -> str:
    """One line: date, CPU, cores, Python, OR-Tools and PyVRP versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {cpu}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}; ortools {version('ortools')}; "
        f"pyvrp {pyvrp_version()}; scale x{SCALE}; load {os.getloadavg()[0]:.2f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run_solomon",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--seconds", type=float, default=5.0, help="time limit per run")
        p.add_argument("--jobs", type=int, default=2, help="runs at the same time")
        p.add_argument("--instances", type=lambda s: s.split(","), help="comma-separated names")
        p.add_argument("--fixed-cost", type=float, default=0.0, help="cost per vehicle used")
        p.add_argument("--first-solution", default=RECOMMENDED[0])
        p.add_argument("--metaheuristic", default=RECOMMENDED[1])
        p.add_argument("--data", type=Path, default=find_solomon_dir(), help="Solomon directory")
        p.add_argument("--out", type=Path, help="CSV to write (default under results/)")

    for name, func in (("strategies", strategies), ("fixed-cost", fixed_cost),
                       ("compare", compare)):  # fmt: skip
        sub = commands.add_parser(name, help=(func.__doc__ or "").splitlines()[0])
        common(sub)
        sub.set_defaults(func=func)
        if name == "compare":
            sub.add_argument(
                "--solvers",
                type=lambda s: s.split(","),
                default=["ortools", "pyvrp"],
                help="ortools,pyvrp or one of them",
            )
            sub.add_argument(
                "--fleet-share",
                type=float,
                default=0.0,
                help="OR-Tools in two phases: this share of the time with the fixed cost "
                "(settles the vehicles), the rest distance alone on those vehicles",
            )
        if name == "strategies":
            sub.add_argument("--repeats", type=int, default=1, help="runs per setting")
        if name == "fixed-cost":
            sub.add_argument("--costs", type=lambda s: [float(v) for v in s.split(",")],
                             default=[0.0, 100.0, 1000.0, 20000.0])  # fmt: skip
    sub = commands.add_parser("summary", help="Markdown tables of result CSVs")
    sub.add_argument("csv", type=Path, nargs="+")
    sub.add_argument("--pyvrp-from", type=Path, help="take the PyVRP runs from this CSV")
    sub.set_defaults(func=summary)
    args = parser.parse_args(argv)
    if args.command != "summary":
        if args.data is None:
            parser.error("no Solomon data found; pass --data DIR")
        print(describe_machine(), flush=True)
        print("command: python -m benchmarks.run_solomon " + " ".join(sys.argv[1:]), flush=True)
    args.func(args)


if __name__ == "__main__":
    main()


def append_rows(path: Path, rows: list[dict[str, object]]) -> None:
    """Append ``rows`` to the CSV at ``path`` (its header first, when it is new)."""
    if not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        if new:
            writer.writeheader()
        writer.writerows(rows)


def planning_settings(data: str, seconds: float | None, **overrides: Any) -> tuple[Settings, str]:
    """The data folder's settings for a planner benchmark, advice off, and the mode's name:
    reproducible (bounded by work) when ``seconds`` is None, else that many per station."""
    settings = Settings.for_data_dir(Path(data)).replace(advice=False, **overrides)
    if seconds is None:
        return settings.replace(reproducible=True), "reproducible"
    return settings.replace(time_limit_s=seconds, reproducible=False), f"{seconds:g}s"
