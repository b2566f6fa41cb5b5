"""Shared test helpers: small data folders written as a coordinator would, the CLI,
and the map pages of the hand-made map plan (drawn once for test_maps and test_browser)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from mealroute.cli import app
from mealroute.model import Plan
from mealroute.render.maps import write_station_map, write_worker_map
from tests.plan_factory import map_plan as hand_made_map_plan

REPO = Path(__file__).resolve().parents[1]

# In CI (.ci/run sets CI) the random stations and inputs are the same on every run, so
# a failure there is about the change, not the draw. Elsewhere each run draws new
# ones and Hypothesis keeps any failure it finds in .hypothesis/ to try first next time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
SAMPLE = REPO / "data" / "jinan"


def shared_dir() -> Path | None:
    """``../shared`` beside the checkout (read-only reference data), if present."""
    for candidate in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (candidate / "benchmarks").is_dir():
            return candidate
    return None


def write_table(path: Path, rows: Sequence[dict[str, Any]], *, encoding: str = "utf-8") -> Path:
    """Write ``rows`` as a CSV file with the union of their keys as the header."""
    header: list[str] = []
    for row in rows:
        header += [key for key in row if key not in header]
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_data_dir(
    folder: Path,
    *,
    stations: Sequence[dict[str, Any]],
    workers: Sequence[dict[str, Any]],
    clients: Sequence[dict[str, Any]],
) -> Path:
    """A data folder with stations.csv, workers.csv and clients.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    write_table(folder / "stations.csv", stations)
    write_table(folder / "workers.csv", workers)
    write_table(folder / "clients.csv", clients)
    return folder


def run(*args: str) -> Any:
    """Run the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def read_plan(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "plan.json").read_text(encoding="utf-8")))


def write_changes(path: Path, headers: Sequence[str], rows: list[list[Any]]) -> Path:
    """A changes table at ``path`` as Chinese Excel saves it (GBK); short rows padded."""
    records = [
        dict(zip(headers, [*row, *[""] * (len(headers) - len(row))], strict=True)) for row in rows
    ]
    return write_table(path, records, encoding="gbk")


def checked_plan(
    out: Path, data: Path, settings: Any, *, changes_file: Path | None = None, **options: Any
) -> dict[str, Any]:
    """``out``'s plan.json, after the independent checker passed it against ``data``.

    ``settings`` are those the plan was made with; ``changes_file`` a changes table
    given to ``replan --changes``; ``options`` go to
    :func:`tests.checker.assert_valid_plan` (e.g. ``date``, ``previous``, ``at``,
    ``history``). Rejected client rows of ``data`` must be listed unserved.
    """
    from mealroute.read.load import dataset_from_path, with_changes_file
    from tests.checker import assert_valid_plan

    plan = read_plan(out)
    dataset = dataset_from_path(data, settings.datum)
    if changes_file is not None:
        dataset = with_changes_file(dataset, changes_file)
    assert_valid_plan(
        plan,
        dataset.clients,
        dataset.workers,
        dataset.stations,
        settings,
        rejected_ids={row.client_id for row in dataset.rejected},
        changes=dataset.changes,
        **options,
    )
    return plan


@pytest.fixture
def tiny_station() -> dict[str, list[dict[str, Any]]]:
    """One station in Jinan with two workers and five clients a few hundred metres away."""
    return {
        "stations": [
            {"station_id": "S1", "name": "泉城路街道社工站", "lat": 36.6650, "lon": 117.0200}
        ],
        "workers": [
            {
                "worker_id": "W1",
                "name": "李娜",
                "station_id": "S1",
                "mode": "ebike",
                "capacity": 4,
                "shift_start": "09:00",
                "shift_end": "14:00",
                "skills": "female",
            },
            {
                "worker_id": "W2",
                "name": "王强",
                "station_id": "S1",
                "mode": "walk",
                "capacity": 3,
                "shift_start": "10:00",
                "shift_end": "13:30",
                "skills": "",
            },
        ],
        "clients": [
            {
                "client_id": "C1",
                "name": "张桂兰",
                "station_id": "S1",
                "lat": 36.6680,
                "lon": 117.0230,
                "care_level": "disabled",
                "diet": "soft",
                "skills": "female",
            },
            {
                "client_id": "C2",
                "name": "刘建国",
                "station_id": "S1",
                "lat": 36.6630,
                "lon": 117.0250,
                "care_level": "semi-disabled",
                "meals": 2,
            },
            {
                "client_id": "C3",
                "name": "马秀英",
                "station_id": "S1",
                "lat": 36.6690,
                "lon": 117.0170,
                "care_level": "other",
                "diet": "halal",
                "window_start": "11:30",
                "window_end": "12:00",
            },
            {
                "client_id": "C4",
                "name": "陈玉珍",
                "station_id": "S1",
                "lat": 36.6610,
                "lon": 117.0180,
                "care_level": "disabled",
                "days": "mon,wed,fri",
            },
            {
                "client_id": "C5",
                "name": "赵德明",
                "station_id": "S1",
                "lat": 36.6700,
                "lon": 117.0260,
                "care_level": "semi-disabled",
                "days": "weekdays",
            },
        ],
    }


@pytest.fixture(scope="session")
def map_plan() -> Plan:
    """The plan of the map pages (:func:`tests.plan_factory.map_plan`)."""
    return hand_made_map_plan()


@pytest.fixture(scope="session")
def map_pages(map_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The map plan's station drawn in Chinese on OSM tiles and in English on AMap tiles.

    Keys are ``"{lang}-{tiles}-overview"`` for the station's map and
    ``"{lang}-{tiles}-{worker_id}"`` for each worker's (``"zh-osm-W1"``); each
    drawing is a folder of its own (each page carries what it needs).
    """
    station = map_plan.stations[0]
    drawn: dict[str, Path] = {}
    for lang, tiles in (("zh", "osm"), ("en", "amap")):
        out = tmp_path_factory.mktemp(f"maps-{lang}-{tiles}")
        drawn[f"{lang}-{tiles}-overview"] = write_station_map(
            map_plan, station, out, lang=lang, tiles=tiles
        )
        for route in station.routes:
            drawn[f"{lang}-{tiles}-{route.worker_id}"] = write_worker_map(
                map_plan, station, route, out, lang=lang, tiles=tiles
            )
    return drawn
