"""Markdown summaries of the Solomon result CSVs written by ``run_solomon.py``."""

from __future__ import annotations

import csv
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .solomon import FAMILIES

Row = dict[str, str]


def read_rows(path: Path) -> list[Row]:
    """The rows of a result CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def summarise(path: Path, *, pyvrp_from: Path | None = None) -> str:
    """A Markdown summary of one result CSV (strategy study or solver comparison).

    ``pyvrp_from`` replaces the PyVRP runs by those of another CSV (to compare another
    OR-Tools setting, run alone, with PyVRP runs made earlier under the same limit).
    """
    rows = read_rows(path)
    if pyvrp_from is not None:
        rows = [r for r in rows if r["solver"] != "pyvrp"]
        rows += [r for r in read_rows(pyvrp_from) if r["solver"] == "pyvrp"]
    if not rows:
        return f"{path.name}: no rows"
    head = f"**{path.name}** ({len(rows)} runs, {_limits(rows)})\n\n"
    if {r["solver"] for r in rows} == {"ortools"}:
        return head + strategy_table(rows)
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row["fixed_cost"]].append(row)
    parts = []
    for cost, group in sorted(groups.items(), key=lambda item: float(item[0])):
        title = f"Fixed cost per vehicle {float(cost):g}:\n\n" if len(groups) > 1 else ""
        parts.append(title + comparison_table(group))
    return head + "\n\n".join(parts)


def _limits(rows: Sequence[Row]) -> str:
    return ", ".join(f"{float(s):g} s" for s in sorted({float(r["time_limit_s"]) for r in rows}))


def _mean(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    return fmt.format(statistics.fmean(values)) if values else "–"


def _feasible(rows: Sequence[Row]) -> list[Row]:
    return [r for r in rows if r["feasible"] == "1"]


def objective(row: Mapping[str, object]) -> float:
    """The run's objective in real units: fixed cost x vehicles + real-valued distance."""
    return float(str(row["fixed_cost"])) * int(str(row["vehicles"])) + float(str(row["distance"]))


def objective_gaps(rows: Sequence[Mapping[str, object]]) -> list[float]:
    """Per feasible run: % over the best objective any run reached on its instance."""
    ok = [r for r in rows if str(r["feasible"]) == "1"]
    best: dict[str, float] = {}
    for row in ok:
        best[str(row["instance"])] = min(best.get(str(row["instance"]), math.inf), objective(row))
    return [100 * (objective(r) / best[str(r["instance"])] - 1) for r in ok]


def rank_settings(rows: Sequence[Mapping[str, object]]) -> list[tuple[str, int, float]]:
    """``(setting, infeasible runs, mean % over the best objective)``, best first.

    The gap is to the best run of *any* setting on the same instance, so settings are
    compared on the objective they minimised (not on best-known distances, which
    rank vehicles first).
    """
    by: dict[str, list[Mapping[str, object]]] = defaultdict(list)
    for row in rows:
        by[str(row["setting"])].append(row)
    ok = [r for r in rows if str(r["feasible"]) == "1"]
    gaps = dict(zip((id(r) for r in ok), objective_gaps(rows), strict=True))
    ranking = []
    for setting, group in by.items():
        mine = [gaps[id(r)] for r in group if id(r) in gaps]
        bad = len(group) - len(mine)
        ranking.append((setting, bad, statistics.fmean(mine) if mine else math.inf))
    return sorted(ranking, key=lambda item: (item[1], item[2]))


def strategy_table(rows: Sequence[Row]) -> str:
    """One line per OR-Tools setting, ranked by the objective it minimised."""
    ok = _feasible(rows)
    gap_of = dict(zip((id(r) for r in ok), objective_gaps(rows), strict=True))
    lines = [
        "| setting | feasible | mean % over best | worst % | best on | BKS vehicles on "
        "| mean vehicles | " + " | ".join(FAMILIES) + " | CPU s |",
        "|---|---|---|---|---|---|---|" + "---|" * len(FAMILIES) + "---|",
    ]
    for setting, bad, mean in rank_settings(rows):
        group = [r for r in rows if r["setting"] == setting]
        good = [r for r in group if id(r) in gap_of]
        gaps = [gap_of[id(r)] for r in good]
        per_family = [
            _mean([gap_of[id(r)] for r in good if r["family"] == f], "{:.2f}") for f in FAMILIES
        ]
        matches = sum(1 for r in good if r["bks_vehicles"] and r["vehicles"] == r["bks_vehicles"])
        lines.append(
            f"| {setting} | {len(group) - bad}/{len(group)} | {mean:.2f} | "
            f"{max(gaps, default=math.nan):.2f} | {sum(1 for g in gaps if g < 1e-6)} | "
            f"{matches} | {_mean([float(r['vehicles']) for r in good])} | "
            + " | ".join(per_family)
            + f" | {_mean([float(r['cpu_s']) for r in group if r.get('cpu_s')], '{:.1f}')} |"
        )
    lines += [
        "",
        "% over best: the run's objective (fixed cost x vehicles + real-valued distance) over "
        "the best objective any setting reached on that instance; per class columns are means "
        "of it. 'best on': runs that reached that best. CPU s: mean CPU time a run got.",
    ]
    return "\n".join(lines)


def _gaps(rows: Sequence[Row]) -> list[float]:
    return [float(r["gap_pct"]) for r in rows if r["gap_pct"] != ""]


def comparison_table(rows: Sequence[Row]) -> str:
    """Per class: vehicles, distance and gap to best-known of OR-Tools and PyVRP."""
    pairs: dict[str, dict[str, Row]] = defaultdict(dict)
    for row in rows:
        pairs[row["instance"]][row["solver"]] = row
    both = {k: v for k, v in pairs.items() if {"ortools", "pyvrp"} <= set(v)}
    families = [*FAMILIES, "all"]
    lines = [
        "| class | n | BKS veh | BKS dist | OR-Tools feasible | OR-Tools veh | OR-Tools dist "
        "| OR-Tools gap % | PyVRP feasible | PyVRP veh | PyVRP dist | PyVRP gap % |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for family in families:
        group = [v for v in both.values() if family in ("all", v["ortools"]["family"])]
        if not group:
            continue
        bks = [v["ortools"] for v in group if v["ortools"]["bks_distance"] != ""]
        cells = [
            family,
            str(len(group)),
            _mean([float(r["bks_vehicles"]) for r in bks]),
            _mean([float(r["bks_distance"]) for r in bks], "{:.1f}"),
        ]
        for solver in ("ortools", "pyvrp"):
            runs = [v[solver] for v in group]
            ok = _feasible(runs)
            cells += [
                f"{len(ok)}/{len(runs)}",
                _mean([float(r["vehicles"]) for r in ok]),
                _mean([float(r["distance"]) for r in ok], "{:.1f}"),
                _mean(_gaps(ok), "{:+.2f}"),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Means over the class; distance is real-valued (double precision)."]
    lines += ["", *head_to_head(list(both.values()))]
    return "\n".join(lines)


def head_to_head(pairs: Sequence[dict[str, Row]]) -> list[str]:
    """OR-Tools against PyVRP, instance by instance."""
    ok = [p for p in pairs if p["ortools"]["feasible"] == "1" and p["pyvrp"]["feasible"] == "1"]

    def count(test: Callable[[dict[str, Row]], bool]) -> int:
        return sum(1 for p in ok if test(p))

    def veh(p: dict[str, Row], s: str) -> int:
        return int(p[s]["vehicles"])

    same = [p for p in ok if veh(p, "ortools") == veh(p, "pyvrp")]
    gaps = [
        100 * (float(p["ortools"]["distance"]) / float(p["pyvrp"]["distance"]) - 1) for p in same
    ]
    cpu = {
        s: [float(p[s]["cpu_s"]) for p in pairs if p[s].get("cpu_s")] for s in ("ortools", "pyvrp")
    }
    loads = [float(p["ortools"]["load1"]) for p in pairs]
    lines = [
        f"- CPU time a run got: OR-Tools mean {_mean(cpu['ortools'])} s, PyVRP mean "
        f"{_mean(cpu['pyvrp'])} s; 1-minute load average at the start of a pair: median "
        f"{statistics.median(loads):.2f}, max {max(loads):.2f} (2 of them are this benchmark).",
        f"- Both feasible on {len(ok)} of {len(pairs)} instances.",
        f"- Vehicles: OR-Tools uses fewer than PyVRP on "
        f"{count(lambda p: veh(p, 'ortools') < veh(p, 'pyvrp'))}, the same on {len(same)}, "
        f"more on {count(lambda p: veh(p, 'ortools') > veh(p, 'pyvrp'))}.",
    ]
    if gaps:
        lines.append(
            f"- Same vehicle count ({len(gaps)} instances): OR-Tools distance over PyVRP's, "
            f"median {statistics.median(gaps):+.2f}%, mean {statistics.fmean(gaps):+.2f}%, "
            f"worst {max(gaps):+.2f}% ({_worst(same, gaps)}); "
            f"OR-Tools shorter or equal on {sum(1 for g in gaps if g <= 0.005)}."
        )
    if ok and all(float(p["ortools"]["fixed_cost"]) == 0 for p in ok):
        whole = [100 * (objective(p["ortools"]) / objective(p["pyvrp"]) - 1) for p in ok]
        lines.append(
            f"- Distance (the objective here), all {len(whole)} instances: OR-Tools over "
            f"PyVRP median {statistics.median(whole):+.2f}%, mean {statistics.fmean(whole):+.2f}%;"
            f" OR-Tools shorter or equal on {sum(1 for g in whole if g <= 0.005)}."
        )
    elif ok:

        def key(row: Row) -> tuple[int, float]:
            return int(row["vehicles"]), round(float(row["distance"]), 2)

        better = count(lambda p: key(p["ortools"]) < key(p["pyvrp"]))
        equal = count(lambda p: key(p["ortools"]) == key(p["pyvrp"]))
        lines.append(
            f"- Vehicles first, then distance: OR-Tools better on {better}, equal on {equal}, "
            f"worse on {len(ok) - better - equal}."
        )
    for solver, label in (("ortools", "OR-Tools"), ("pyvrp", "PyVRP")):
        runs = [p[solver] for p in pairs if p[solver]["feasible"] == "1"]
        known = [r for r in runs if r["bks_vehicles"]]
        match = [r for r in known if int(r["vehicles"]) == int(r["bks_vehicles"])]
        fewer = [r for r in known if int(r["vehicles"]) < int(r["bks_vehicles"])]
        text = f"- {label}: best-known vehicle count on {len(match)} of {len(pairs)}"
        if fewer:
            text += f" (fewer than best-known on {len(fewer)})"
        if match:
            text += (
                f"; on those, median gap to best-known distance "
                f"{statistics.median(_gaps(match)):+.2f}%"
            )
        lines.append(text + ".")
    return lines


def _worst(same: Sequence[dict[str, Row]], gaps: Sequence[float]) -> str:
    return same[max(range(len(gaps)), key=gaps.__getitem__)]["ortools"]["instance"]
