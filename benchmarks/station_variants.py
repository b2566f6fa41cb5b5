"""Model and search variants on a subset of the station benchmark (what was tried).

Each variant is a name and a function that changes the planner or the solver before
planning (run in its own process). Every plan is checked by the independent checker;
results go to ``results/variants.csv`` and are compared with the best known::

    python -m benchmarks.station_variants --variants base nowait --seconds 2
    python -m benchmarks.station_variants --summary results/variants.csv

The variants stay here, also those that did not help, so each line of the log in
``benchmarks/README.md`` can be measured again.
"""

from __future__ import annotations

import argparse
import csv
import statistics
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from mealroute import planner, solver

from .run_solomon import describe_machine
from .station_bench import RESULTS, _pool, load_best, offer, plan_one, save_best, write_rows

SUBSET = (
    "s03", "s06", "s07", "s12", "m03", "m07", "m08", "m11", "m12", "m14",
    "l02", "l04", "l07", "l08", "l09", "l11", "l12", "h01", "h03",
)  # fmt: skip

Tweak = Callable[[], None]


def _params(**fields: Any) -> Tweak:
    """Set fields of OR-Tools' search parameters (dotted names for nested ones)."""

    def apply() -> None:
        original = solver._search_parameters

        def patched(params: solver.SearchParams) -> Any:
            search = original(params)
            for name, value in fields.items():
                target = search
                *path, last = name.split(".")
                for part in path:
                    target = getattr(target, part)
                setattr(target, last, value)
            return search

        solver._search_parameters = patched

    return apply


def _set(module: Any, **values: Any) -> Tweak:
    def apply() -> None:
        for name, value in values.items():
            setattr(module, name, value)

    return apply


def _both(*tweaks: Tweak) -> Tweak:
    def apply() -> None:
        for tweak in tweaks:
            tweak()

    return apply


TRUE, FALSE = 3, 2  # OR-Tools' OptionalBoolean: BOOL_TRUE, BOOL_FALSE


def _waiting(allowed: bool) -> Tweak:
    """Plan with waiting between doors allowed or not in every stage."""

    def apply() -> None:
        original = planner._routing_problem

        def patched(*args: Any, **kwargs: Any) -> solver.RoutingProblem:
            return replace(original(*args, **kwargs), waiting=allowed)

        planner._routing_problem = patched

    return apply


NOWAIT = _waiting(False)
NEIGHBOURS = _params(ls_operator_neighbors_ratio=0.1, ls_operator_min_neighbors=20)
FAST_START = _params(
    **{
        "global_cheapest_insertion_first_solution_parameters.neighbors_ratio": 0.1,
        "global_cheapest_insertion_first_solution_parameters.min_neighbors": 10,
    }
)
SELECTION_OPS = _params(
    **{
        f"local_search_operators.{name}": TRUE
        for name in (
            "use_extended_swap_active",
            "use_relocate_and_make_active",
            "use_exchange_and_make_active",
            "use_global_cheapest_insertion_close_nodes_lns",
            "use_local_cheapest_insertion_close_nodes_lns",
        )
    }
)


LBTIE = _waiting(True)


def _ils(
    removed: int = 10, sequence: int = 10, recreate: str = "LOCAL_CHEAPEST_INSERTION"
) -> Tweak:
    """OR-Tools' iterated local search: SISR ruin, cheapest-insertion recreate."""

    def apply() -> None:
        original = solver._search_parameters

        def patched(params: solver.SearchParams) -> Any:
            search = original(params)
            search.use_iterated_local_search = True
            ils = search.iterated_local_search_parameters
            rr = ils.ruin_recreate_parameters
            del rr.ruin_strategies[:]
            sisr = rr.ruin_strategies.add().sisr
            sisr.max_removed_sequence_size = sequence
            sisr.avg_num_removed_visits = removed
            sisr.bypass_factor = 0.01
            rr.recreate_strategy.heuristic = solver.FIRST_SOLUTION[recreate]
            return search

        solver._search_parameters = patched

    return apply


def _search(**fields: Any) -> Tweak:
    """Change fields of the planner's :class:`solver.SearchParams`."""

    def apply() -> None:
        original = planner.search_params

        def patched(settings: Any, **kwargs: Any) -> solver.SearchParams:
            return replace(original(settings, **kwargs), **fields)

        planner.search_params = patched

    return apply


def _restarts(*starts: str) -> Tweak:
    return _search(restarts=starts)


def _operators(*names: str) -> Tweak:
    return _params(**{f"local_search_operators.use_{name}": TRUE for name in names})


CLOSE_LNS = _operators(
    "global_cheapest_insertion_close_nodes_lns", "local_cheapest_insertion_close_nodes_lns"
)
CHAIN_LNS = _operators(
    "global_cheapest_insertion_expensive_chain_lns", "local_cheapest_insertion_expensive_chain_lns"
)
VARIANTS: dict[str, Tweak] = {
    "close+chain": _both(CLOSE_LNS, CHAIN_LNS),
    "close10": _both(CLOSE_LNS, _params(heuristic_close_nodes_lns_num_nodes=10)),
    "close3": _both(CLOSE_LNS, _params(heuristic_close_nodes_lns_num_nodes=3)),
    "closeglobal": _operators("global_cheapest_insertion_close_nodes_lns"),
    "closelocal": _operators("local_cheapest_insertion_close_nodes_lns"),
    "sa": _set(planner, METAHEURISTIC="SIMULATED_ANNEALING"),
    "tabu": _set(planner, METAHEURISTIC="TABU_SEARCH"),
    "gls05": _params(guided_local_search_lambda_coefficient=0.5),
    "gls001": _params(guided_local_search_lambda_coefficient=0.01),
    "glsreset": _params(guided_local_search_reset_penalties_on_new_best_solution=True),
    "rescale": _set(solver, RESCALE=True),
    "rescale+mab": _both(
        _set(solver, RESCALE=True), _params(use_multi_armed_bandit_concatenate_operators=True)
    ),
    "nbr30": _params(ls_operator_neighbors_ratio=0.3, ls_operator_min_neighbors=10),
    "nbr10": _params(ls_operator_neighbors_ratio=0.1, ls_operator_min_neighbors=20),
    "mab": _params(use_multi_armed_bandit_concatenate_operators=True),
    "fullpathlns": _operators("full_path_lns"),
    "pathlns": _operators("path_lns"),
    "inactivelns": _operators("inactive_lns"),
    "lns3": _operators("path_lns", "full_path_lns", "inactive_lns"),
    "relocact": _operators("relocate_and_make_active"),
    "exchact": _operators("exchange_and_make_active"),
    "extswap": _operators("extended_swap_active"),
    "closelns": _operators(
        "global_cheapest_insertion_close_nodes_lns", "local_cheapest_insertion_close_nodes_lns"
    ),
    "exchact+closelns": _operators(
        "exchange_and_make_active",
        "global_cheapest_insertion_close_nodes_lns",
        "local_cheapest_insertion_close_nodes_lns",
    ),
    "restart2": _restarts("LOCAL_CHEAPEST_INSERTION"),
    "restart2staged": _search(restarts=("LOCAL_CHEAPEST_INSERTION",), restarts_staged=True),
    "fresh": _search(fresh_stages=True),
    "sel125": _set(planner, SELECT_FACTOR=1.25),
    "sel15": _set(planner, SELECT_FACTOR=1.5),
    "sel3": _set(planner, SELECT_FACTOR=3.0),
    "first2": _search(first_stage_starts=("LOCAL_CHEAPEST_INSERTION",)),
    "first3": _search(
        first_stage_starts=("LOCAL_CHEAPEST_INSERTION", "SEQUENTIAL_CHEAPEST_INSERTION")
    ),
    "first2+exchact": _both(
        _search(first_stage_starts=("LOCAL_CHEAPEST_INSERTION",)),
        _operators("exchange_and_make_active"),
    ),
    "restart4": _restarts("LOCAL_CHEAPEST_INSERTION", "SAVINGS", "PATH_CHEAPEST_ARC"),
    "ops": SELECTION_OPS,
    "nowait+ops": _both(NOWAIT, SELECTION_OPS),
    "nowait+sav": _both(NOWAIT, _set(planner, FIRST_SOLUTION="SAVINGS")),
    "ils": _ils(),
    "lbtie": LBTIE,
    "lbtie+ils": _both(LBTIE, _ils()),
    "nowait+ils": _both(NOWAIT, _ils()),
    "lbtie+ops": _both(LBTIE, SELECTION_OPS),
    "nodescents": _search(descents=()),
    "share03": _set(solver, DESCENT_SHARE=0.3),
    "share045": _set(solver, DESCENT_SHARE=0.45),
    "descents3": _search(descents=planner.DESCENTS[:2]),
    "repro4": _set(planner, REPRODUCIBLE_DESCENTS=3),
    "pcafirst": _set(
        planner,
        FIRST_SOLUTION="PATH_CHEAPEST_ARC",
        DESCENTS=("PARALLEL_CHEAPEST_INSERTION", *planner.DESCENTS[1:]),
    ),
    "base": lambda: None,
    "nowait": NOWAIT,
    "nowait+nbr": _both(NOWAIT, NEIGHBOURS),
    "nowait+fast": _both(NOWAIT, FAST_START),
    "nowait+lci": _both(NOWAIT, _set(planner, FIRST_SOLUTION="LOCAL_CHEAPEST_INSERTION")),
    "nowait+trips3": _both(NOWAIT, _set(planner, MAX_TRIPS=3)),
}


def run_variant(name: str, variant: str, changes: dict[str, Any]) -> dict:
    VARIANTS[variant]()
    return plan_one(name, variant, changes, None)


def summary(path: Path, variants: Sequence[str] | None = None) -> str:
    best = load_best()
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    by: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by.setdefault(row["label"], []).append(row)
    lines = [
        "| variant | stations | invalid | served = best | short d/s/o | travel gap median "
        "(served = best) | mean |",
        "|---|---|---|---|---|---|---|",
    ]
    for label in variants or by:
        group = by.get(label, [])
        if not group:
            continue
        equal, short, gaps, invalid = 0, [0, 0, 0], [], 0
        for r in group:
            known = best[r["instance"]]["served"]
            got = [int(r["served_disabled"]), int(r["served_semi"]), int(r["served_other"])]
            invalid += r["valid"] != "yes"
            for k in range(3):
                short[k] += max(0, known[k] - got[k])
            if got == known:
                equal += 1
                gaps.append(
                    100 * (int(r["travel_s"]) / max(1, best[r["instance"]]["travel_s"]) - 1)
                )
        lines.append(
            f"| {label} | {len(group)} | {invalid} | {equal} | {short[0]}/{short[1]}/{short[2]} | "
            f"{statistics.median(gaps) if gaps else float('nan'):+.2f}% | "
            f"{statistics.fmean(gaps) if gaps else float('nan'):+.2f}% |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.station_variants")
    parser.add_argument("--variants", nargs="+", default=["base"])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument(
        "--work-limit",
        type=int,
        help="reproducible mode with this work limit instead of --seconds: the same "
        "result on a loaded machine",
    )
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "variants.csv")
    parser.add_argument("--summary", type=Path)
    args = parser.parse_args(argv)
    if args.summary:
        print(summary(args.summary, args.variants if args.variants != ["base"] else None))
        return
    print(describe_machine(), flush=True)
    chosen = args.only or list(SUBSET)
    best = load_best()
    if args.work_limit:
        changes: dict[str, Any] = {"reproducible": True, "work_limit": args.work_limit}
        run = f"repro{args.work_limit}"
    else:
        changes, run = {"time_limit_s": args.seconds}, f"{args.seconds:g}s"
    with _pool(args.jobs) as pool:
        futures = [
            pool.submit(run_variant, name, variant, changes)
            for name in chosen
            for variant in args.variants
        ]
        for future in futures:
            row = future.result()
            row["label"] = f"{row['label']} {run}"
            write_rows(args.out, [row])
            if offer(best, row, f"variant {row['label']}"):
                save_best(best)
            print(
                f"{row['instance']:4} {row['label']:28} {row['served']:4}/{row['due']:<4} "
                f"({row['served_disabled']}/{row['served_semi']}/{row['served_other']}) "
                f"travel {row['travel_s']:6} {row['valid'][:50]}",
                flush=True,
            )
    print(summary(args.out, [f"{v} {run}" for v in args.variants]))


if __name__ == "__main__":
    main()
