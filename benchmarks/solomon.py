"""Solomon VRPTW instances: reading them and checking solutions independently.

Nothing here uses the solver. The checker recomputes everything from the instance
with real-valued (double precision) Euclidean distances, the convention of the
hierarchical best-known solutions in ``bks.csv``: travel time equals distance,
service must *start* inside ``[ready, due]`` (arriving early means waiting), every
vehicle is back at the depot by the depot's due date, loads stay within capacity,
every customer is served exactly once and at most ``num_vehicles`` routes are used.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FAMILIES = ("C1", "C2", "R1", "R2", "RC1", "RC2")
TOLERANCE = 1e-6  # on real-valued times; the integer model is conservative (see engines.py)
_ROW = re.compile(r"^\s*\d+(\s+-?\d+(\.\d+)?){6}\s*$")


@dataclass(frozen=True)
class Instance:
    """One Solomon instance. Index 0 of every per-node tuple is the depot."""

    name: str
    num_vehicles: int
    capacity: int
    x: tuple[float, ...]
    y: tuple[float, ...]
    demand: tuple[int, ...]
    ready: tuple[int, ...]
    due: tuple[int, ...]
    service: tuple[int, ...]

    def __post_init__(self) -> None:
        n = len(self.x)
        for name in ("y", "demand", "ready", "due", "service"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"Instance {self.name!r}: `{name}` has {len(getattr(self, name))} entries, "
                    f"expected {n}"
                )
        if n < 2:
            raise ValueError(f"Instance {self.name!r}: no customers")

    @property
    def num_customers(self) -> int:
        return len(self.x) - 1

    @property
    def horizon(self) -> int:
        """The depot's due date: every vehicle is back by then."""
        return self.due[0]

    @property
    def family(self) -> str:
        """``C1``, ``C2``, ``R1``, ``R2``, ``RC1`` or ``RC2``."""
        return family_of(self.name)


@dataclass(frozen=True)
class BestKnown:
    """A hierarchical best-known solution: vehicles first, then real-valued distance."""

    vehicles: int
    distance: float


@dataclass(frozen=True)
class Check:
    """The verdict of :func:`check_routes`."""

    feasible: bool
    vehicles: int
    distance: float
    problems: tuple[str, ...]


def family_of(name: str) -> str:
    """The class of an instance name, e.g. ``"RC208"`` -> ``"RC2"``."""
    match = re.fullmatch(r"(RC|R|C)([12])\d\d", name.upper())
    if match is None:
        raise ValueError(f"not a Solomon instance name: {name!r}")
    return match.group(1) + match.group(2)


def find_solomon_dir() -> Path | None:
    """The shared Solomon data directory, or ``None`` when it is not there.

    Looked for in ``$MEALROUTE_SOLOMON_DIR``, then ``../shared/benchmarks/solomon``
    relative to the repository root, then ``/work/shared/benchmarks/solomon``.
    """
    candidates = []
    if env := os.environ.get("MEALROUTE_SOLOMON_DIR"):
        candidates.append(Path(env))
    repo = Path(__file__).resolve().parent.parent
    candidates += [
        repo.parent / "shared" / "benchmarks" / "solomon",
        Path("/work/shared/benchmarks/solomon"),
    ]
    for path in candidates:
        if (path / "bks.csv").is_file():
            return path
    return None


def instance_names(directory: Path) -> list[str]:
    """All instance names in ``directory``, by class then number."""
    names = [p.stem for p in directory.glob("*.txt") if re.fullmatch(r"(RC|R|C)[12]\d\d", p.stem)]
    return sorted(names, key=lambda n: (FAMILIES.index(family_of(n)), n))


def read_instance(path: Path) -> Instance:
    """Read an instance in the original Solomon text layout.

    Raises
    ------
    ValueError
        If the vehicle line or the customer table is missing or malformed.
    """
    lines = path.read_text(encoding="ascii").splitlines()
    name = next((line.strip() for line in lines if line.strip()), "")
    try:
        header = next(i for i, line in enumerate(lines) if "CAPACITY" in line.upper())
    except StopIteration:
        raise ValueError(f"{path.name}: no 'NUMBER CAPACITY' line") from None
    fleet = next((line.split() for line in lines[header + 1 :] if line.strip()), [])
    if len(fleet) != 2 or not all(v.isdigit() for v in fleet):
        raise ValueError(f"{path.name}: expected '<vehicles> <capacity>' after the header")
    rows = [line.split() for line in lines if _ROW.match(line)]
    if not rows or int(float(rows[0][0])) != 0:
        raise ValueError(f"{path.name}: the customer table must start with the depot (row 0)")
    numbers = [int(float(r[0])) for r in rows]
    if numbers != list(range(len(rows))):
        raise ValueError(f"{path.name}: customer numbers are not 0, 1, 2, ... in order")
    columns = list(zip(*rows, strict=True))
    return Instance(
        name=name,
        num_vehicles=int(fleet[0]),
        capacity=int(fleet[1]),
        x=tuple(float(v) for v in columns[1]),
        y=tuple(float(v) for v in columns[2]),
        demand=tuple(int(float(v)) for v in columns[3]),
        ready=tuple(int(float(v)) for v in columns[4]),
        due=tuple(int(float(v)) for v in columns[5]),
        service=tuple(int(float(v)) for v in columns[6]),
    )


def read_bks(path: Path) -> dict[str, BestKnown]:
    """``bks.csv`` (``instance,vehicles,distance,source``) by instance name."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["instance"]: BestKnown(int(row["vehicles"]), float(row["distance"]))
            for row in csv.DictReader(handle)
        }


def read_routes(path: Path) -> list[list[int]]:
    """Routes from a ``Route k: c1 c2 ...`` solution file (customer numbers)."""
    routes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        head, sep, tail = line.partition(":")
        if sep and head.strip().lower().startswith("route"):
            routes.append([int(v) for v in tail.split()])
    return routes


def euclidean(instance: Instance) -> np.ndarray:
    """Real-valued Euclidean distances between all nodes (depot first)."""
    xy = np.column_stack([instance.x, instance.y])
    return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))


def route_distance(instance: Instance, routes: Iterable[Sequence[int]]) -> float:
    """Total real-valued distance of ``routes``, depot legs included."""
    x, y = instance.x, instance.y
    total = 0.0
    for route in routes:
        path = (0, *route, 0)
        total += sum(math.hypot(x[a] - x[b], y[a] - y[b]) for a, b in itertools.pairwise(path))
    return total


def check_routes(
    instance: Instance, routes: Sequence[Sequence[int]], *, tolerance: float = TOLERANCE
) -> Check:
    """Check ``routes`` against every rule of the instance, independently of any solver.

    Parameters
    ----------
    instance
        The instance the routes claim to solve.
    routes
        One list of customer numbers (1..n) per vehicle, in visiting order; empty
        routes are ignored (they use no vehicle).
    tolerance
        Slack allowed on real-valued times.

    Returns
    -------
    Check
        ``feasible`` is true when no rule is broken; ``problems`` names each broken
        rule once per occurrence; ``distance`` is the real-valued total.
    """
    x, y = instance.x, instance.y
    used = [list(r) for r in routes if len(r)]
    problems: list[str] = []
    if len(used) > instance.num_vehicles:
        problems.append(f"{len(used)} routes, fleet is {instance.num_vehicles}")
    seen = Counter(c for route in used for c in route)
    for customer, times in sorted(seen.items()):
        if not 1 <= customer <= instance.num_customers:
            problems.append(f"customer {customer} does not exist")
        elif times > 1:
            problems.append(f"customer {customer} served {times} times")
    missing = [c for c in range(1, instance.num_customers + 1) if c not in seen]
    if missing:
        problems.append(f"{len(missing)} customers not served: {missing[:10]}")
    for k, route in enumerate(used, start=1):
        if any(not 1 <= c <= instance.num_customers for c in route):
            continue
        load = sum(instance.demand[c] for c in route)
        if load > instance.capacity:
            problems.append(f"route {k}: load {load} > capacity {instance.capacity}")
        clock, here = float(instance.ready[0]), 0
        for c in route:
            clock = max(clock + math.hypot(x[here] - x[c], y[here] - y[c]), instance.ready[c])
            if clock > instance.due[c] + tolerance:
                problems.append(
                    f"route {k}: customer {c} starts at {clock:.4f} > due {instance.due[c]}"
                )
            clock += instance.service[c]
            here = c
        back = clock + math.hypot(x[here] - x[0], y[here] - y[0])
        if back > instance.horizon + tolerance:
            problems.append(f"route {k}: back at the depot at {back:.4f} > {instance.horizon}")
    return Check(
        feasible=not problems,
        vehicles=len(used),
        distance=route_distance(instance, used),
        problems=tuple(problems),
    )
