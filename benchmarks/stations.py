"""The planner's own benchmark: station days as stations really look (instances and reading).

Each instance is one station's lunch on Tuesday 1 December 2026, made by
``mealroute sample`` (real Jinan street offices, clients in compounds, the data
contract's mix of care levels, couples, diets, skills, windows and modes) with a
seed, a client count and a fixed worker count, sometimes changed afterwards in one
documented way (a *variant*: narrow windows, walkers only, short shifts, ...). The
instances are written once as data folders under ``benchmarks/instances/<name>/``
(``stations.csv``, ``workers.csv``, ``clients.csv``), so they stay the same when the
sample generator changes; ``python -m benchmarks.stations`` rewrites them from
:data:`SPECS` and says which changed.

Small instances (at most :data:`EXACT_MAX` clients due) get their exact optimum from
CP-SAT (``tests/exact.py``); the others a best-known plan from long runs
(``benchmarks/station_bench.py``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mealroute.read.load import dataset_from_dir
from mealroute.sample import FILE_NAMES, write_sample
from mealroute.settings import Settings
from mealroute.station_day import StationDay, station_days

HERE = Path(__file__).resolve().parent
INSTANCES = HERE / "instances"
DATE = dt.date(2026, 12, 1)  # a Tuesday
EXACT_MAX = 9  # clients due: exact optimum by CP-SAT up to this

Rows = list[dict[str, str]]


@dataclass(frozen=True)
class Spec:
    """How one instance is made.

    ``mealroute sample`` writes a city of ``city`` stations with ``clients`` clients
    each and ``workers`` workers each (seeded); the instance is the station ``pick``
    of it (``"halal"``: the station with the most halal meals), then ``variant``.
    At most ``max_due`` clients due on :data:`DATE` are kept (the first in the file).
    """

    name: str
    clients: int
    workers: int
    seed: int
    pick: int | str = 0
    variant: str = ""
    city: int = 4
    max_due: int | None = None
    note: str = ""


def _narrow(rng: random.Random, clients: Rows, workers: Rows) -> None:
    """Half the clients ask for a 20-minute window between 11:00 and 12:30."""
    for row in clients:
        if rng.random() < 0.5:
            start = 11 * 60 + 10 * rng.randrange(0, 8)
            row["window_start"] = f"{start // 60}:{start % 60:02d}"
            row["window_end"] = f"{(start + 20) // 60}:{(start + 20) % 60:02d}"


def _walkers(rng: random.Random, clients: Rows, workers: Rows) -> None:
    """Every worker walks and carries 4 to 6 meals: many short trips."""
    for row in workers:
        row["mode"] = "walk"
        row["capacity"] = str(rng.randint(4, 6))


def _mixed(rng: random.Random, clients: Rows, workers: Rows) -> None:
    """Half walk with 4 to 6 meals, half ride e-bikes with 8 to 12."""
    for k, row in enumerate(workers):
        walker = k % 2 == 0
        row["mode"] = "walk" if walker else "ebike"
        row["capacity"] = str(rng.randint(4, 6) if walker else rng.randint(8, 12))


def _short_shifts(rng: random.Random, clients: Rows, workers: Rows) -> None:
    """Part-time workers: 10:30 to 12:30, so trips must fit the lunch itself."""
    for row in workers:
        row["shift_start"], row["shift_end"] = "10:30", "12:30"


def _small_loads(rng: random.Random, clients: Rows, workers: Rows) -> None:
    """Insulated boxes of 3 to 4 meals: every worker makes several trips."""
    for row in workers:
        row["capacity"] = str(rng.randint(3, 4))


VARIANTS: dict[str, Callable[[random.Random, Rows, Rows], None]] = {
    "narrow": _narrow,
    "walkers": _walkers,
    "mixed": _mixed,
    "short-shifts": _short_shifts,
    "small-loads": _small_loads,
}

# fmt: off
SPECS: tuple[Spec, ...] = (
    # Small: the exact optimum is known (CP-SAT).
    Spec("s01", 9, 1, 11, 0),
    Spec("s02", 9, 1, 12, 1, "walkers"),
    Spec("s03", 10, 1, 13, 2, "narrow", max_due=9),
    Spec("s04", 10, 2, 14, 0, "narrow", max_due=9),
    Spec("s05", 10, 2, 15, 3, "small-loads", max_due=9),
    Spec("s06", 8, 1, 16, 1, "short-shifts"),
    Spec("s07", 10, 2, 17, 2, "mixed", max_due=9),
    Spec("s08", 10, 1, 18, 0, "small-loads", max_due=9),
    Spec("s09", 12, 1, 19, "halal", max_due=9),
    Spec("s10", 10, 3, 20, 1, "short-shifts", max_due=9),
    Spec("s11", 7, 1, 21, 2, "walkers"),
    Spec("s12", 10, 2, 22, 3, "walkers", max_due=9),
    # Medium: 10 to 60 clients.
    Spec("m01", 14, 1, 31, 0),
    Spec("m02", 20, 2, 32, 1),
    Spec("m03", 25, 2, 33, 2, "narrow"),
    Spec("m04", 30, 3, 34, 3),
    Spec("m05", 30, 2, 35, 0, note="tight"),
    Spec("m06", 35, 4, 36, 1, note="as in the issue"),
    Spec("m07", 40, 3, 37, 2, "mixed"),
    Spec("m08", 40, 4, 38, 3, "walkers"),
    Spec("m09", 45, 3, 39, "halal", note="Hui station"),
    Spec("m10", 50, 4, 40, 0),
    Spec("m11", 55, 4, 41, 1, "narrow"),
    Spec("m12", 60, 3, 42, 2, note="tight"),
    Spec("m13", 60, 6, 43, 3, note="loose"),
    Spec("m14", 35, 2, 44, 0, "small-loads"),
    # Large: 60 to 150 clients.
    Spec("l01", 70, 5, 51, 0),
    Spec("l02", 80, 4, 52, 1, note="tight"),
    Spec("l03", 90, 6, 53, 2, "mixed"),
    Spec("l04", 100, 5, 54, 3),
    Spec("l05", 100, 8, 55, 0, note="loose"),
    Spec("l06", 110, 5, 56, "halal", note="Hui station"),
    Spec("l07", 120, 6, 57, 1, "narrow"),
    Spec("l08", 130, 6, 58, 2, "short-shifts"),
    Spec("l09", 150, 6, 59, 3, note="tight"),
    Spec("l10", 150, 10, 60, 0, note="loose"),
    Spec("l11", 140, 6, 61, 1, "small-loads"),
    Spec("l12", 80, 3, 62, 2, note="very tight"),
    # Huge, few workers: most must be left out, disabled served first.
    Spec("h01", 250, 3, 71, 0),
    Spec("h02", 300, 2, 72, 1),
    Spec("h03", 500, 3, 3, 0, city=1, note="the lead's: sample --stations 1 --seed 3, 3 workers"),
    Spec("h04", 700, 4, 74, 2),
    Spec("h05", 1000, 4, 75, 3),
)
# fmt: on


def _read(path: Path) -> tuple[list[str], Rows]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _csv_bytes(fields: Sequence[str], rows: Rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def build(spec: Spec) -> dict[str, bytes]:
    """The three files of one instance, as bytes."""
    with tempfile.TemporaryDirectory(prefix="mealroute-bench-") as scratch:
        city = Path(scratch)
        write_sample(
            city, stations=spec.city, clients_per_station=spec.clients, seed=spec.seed,
            workers_per_station=(spec.workers, spec.workers),
        )  # fmt: skip
        tables = {name: _read(city / name) for name in FILE_NAMES}
    station_fields, stations = tables["stations.csv"]
    worker_fields, workers = tables["workers.csv"]
    client_fields, clients = tables["clients.csv"]
    if spec.pick == "halal":
        station_id = max(
            (s["station_id"] for s in stations),
            key=lambda sid: sum("halal" in c["diet"] for c in clients if c["station_id"] == sid),
        )
    else:
        station_id = stations[int(spec.pick)]["station_id"]
    stations = [s for s in stations if s["station_id"] == station_id]
    workers = [w for w in workers if w["station_id"] == station_id]
    clients = [c for c in clients if c["station_id"] == station_id]
    if spec.max_due is not None:
        clients = _keep_due(clients, spec.max_due)
    if spec.variant:
        VARIANTS[spec.variant](random.Random(f"bench:{spec.name}"), clients, workers)
    return {
        "stations.csv": _csv_bytes(station_fields, stations),
        "workers.csv": _csv_bytes(worker_fields, workers),
        "clients.csv": _csv_bytes(client_fields, clients),
    }


def _keep_due(clients: Rows, limit: int) -> Rows:
    weekday = {"", "daily", "weekdays", "tue,thu,sat"}  # due on a Tuesday
    kept, due = [], 0
    for row in clients:
        if row["days"] in weekday:
            if due == limit:
                continue
            due += 1
        kept.append(row)
    return kept


def instance_dir(name: str) -> Path:
    return INSTANCES / name


def load(name: str) -> tuple[StationDay, Settings]:
    """The station day of instance ``name`` and the settings it is planned with."""
    folder = instance_dir(name)
    dataset = dataset_from_dir(folder)
    if dataset.rejected:
        raise ValueError(f"instance {name}: {len(dataset.rejected)} rows rejected")
    (day,), _ = station_days(dataset, DATE)
    return day, Settings.for_data_dir(folder)


def names(kinds: str = "smlh") -> list[str]:
    return [spec.name for spec in SPECS if spec.name[0] in kinds]


def main(argv: Sequence[str] | None = None) -> None:
    """Write every instance of :data:`SPECS`; print each with its size."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stations", description=__doc__)
    parser.add_argument("--only", nargs="*", help="instance names")
    args = parser.parse_args(argv)
    for spec in SPECS:
        if args.only and spec.name not in args.only:
            continue
        files = build(spec)
        folder = instance_dir(spec.name)
        folder.mkdir(parents=True, exist_ok=True)
        changed = any(
            not (folder / f).exists() or (folder / f).read_bytes() != data
            for f, data in files.items()
        )
        for f, data in files.items():
            (folder / f).write_bytes(data)
        day, _ = load(spec.name)
        modes = sorted({str(w.mode) for w in day.workers})
        print(
            f"{spec.name}: {len(day.clients)} due, {len(day.workers)} workers "
            f"({', '.join(modes)}), {spec.variant or '-'}"
            f"{' (changed)' if changed else ''}"
        )


if __name__ == "__main__":
    main()
