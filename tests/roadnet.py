"""Monaco's streets for the road-network tests and benchmark.

``../shared/data/osm/`` holds the OpenStreetMap extract of Monaco (ODbL, ©
OpenStreetMap contributors; see its README) and a highways-only XML copy. Points on
the streets are read from the XML's ways; the network is built from the .pbf by
``mealroute network build`` itself.
"""

from __future__ import annotations

import bz2
import contextlib
import functools
import os
import random
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import shared_dir, write_data_dir

# Streets a walker and a rider both use, above ground.
_STREETS = {"residential", "living_street", "tertiary", "secondary", "unclassified", "service"}
# Monaco proper: the extract also has the hills of France around it.
_BOX = (43.725, 43.750, 7.405, 7.435)
SEA = (43.745, 7.445)  # in the harbour's water, ~670 m from the nearest street


def osm_dir() -> Path | None:
    shared = shared_dir()
    folder = None if shared is None else shared / "data" / "osm"
    return folder if folder is not None and (folder / "monaco.osm.pbf").is_file() else None


def osrm_missing() -> str | None:
    """Why the road tests cannot run here (``None``: they can)."""
    try:
        import osrm  # noqa: F401
    except ImportError:
        return "osrm-bindings is not installed (pip install 'mealroute[road]')"
    if osm_dir() is None:
        return "../shared/data/osm/monaco.osm.pbf is not beside the checkout"
    return None


def valhalla_missing() -> str | None:
    """Why the Valhalla server tests cannot run here (``None``: they can)."""
    try:
        import valhalla  # noqa: F401
    except ImportError:
        return "pyvalhalla is not installed (pip install 'mealroute[test]')"
    if osm_dir() is None:
        return "../shared/data/osm/monaco.osm.pbf is not beside the checkout"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_server(command: Sequence[str], probe: str) -> Iterator[None]:
    """Run a routing server (``command``) until ``probe``, a URL on it, answers; stop it after."""
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "LC_ALL": "C"},
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(probe, timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.05)
        else:
            raise RuntimeError(f"{command[0]} did not answer at {probe}")
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} stopped with exit code {process.returncode}")
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@dataclass(frozen=True)
class Way:
    """One street: its nodes in order, (lat, lon); whether it is one-way."""

    points: tuple[tuple[float, float], ...]
    highway: str
    oneway: bool


@functools.cache
def ways() -> tuple[Way, ...]:
    """The extract's streets inside Monaco proper, from the highways XML."""
    folder = osm_dir()
    assert folder is not None
    with bz2.open(folder / "monaco-highways.osm.bz2") as handle:
        root = ET.parse(handle).getroot()
    nodes = {
        n.get("id"): (float(n.get("lat", 0)), float(n.get("lon", 0))) for n in root.iter("node")
    }
    found = []
    for way in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in way.iter("tag")}
        if tags.get("tunnel") or tags.get("bridge") or tags.get("layer"):
            continue
        points = tuple(nodes[n.get("ref")] for n in way.iter("nd") if n.get("ref") in nodes)
        if len(points) < 2 or not all(_inside(p) for p in points):
            continue
        found.append(Way(points, str(tags.get("highway")), tags.get("oneway") == "yes"))
    return tuple(found)


def street_points(count: int, seed: int) -> list[tuple[float, float]]:
    """``count`` distinct street nodes of Monaco, drawn reproducibly."""
    pool = sorted({p for way in ways() if way.highway in _STREETS for p in way.points})
    return random.Random(seed).sample(pool, count)


def _inside(point: tuple[float, float]) -> bool:
    lat, lon = point
    return _BOX[0] <= lat <= _BOX[1] and _BOX[2] <= lon <= _BOX[3]


def monaco_station(
    folder: Path,
    *,
    clients: int = 10,
    seed: int = 1,
    modes: tuple[str, ...] = ("walk", "ebike"),
    sea_client: bool = False,
    toml: str = "",
) -> Path:
    """A station on Monaco's streets: its workers, its clients at street doors."""
    points = street_points(clients + 1, seed)
    station = points[0]
    rows = [
        {
            "client_id": f"C{k:02d}",
            "name": f"客户{k}",
            "station_id": "MC",
            "lat": lat,
            "lon": lon,
            "care_level": ("disabled", "semi-disabled", "other")[k % 3],
            "meals": 1,
            "diet": "regular",
            "address": f"Rue {k}",
        }
        for k, (lat, lon) in enumerate(points[1:], start=1)
    ]
    if sea_client:
        rows.append(
            {
                "client_id": "C99",
                "name": "海上",
                "station_id": "MC",
                "lat": SEA[0],
                "lon": SEA[1],
                "care_level": "disabled",
                "meals": 1,
                "diet": "regular",
                "address": "Port",
            }
        )
    workers = [
        {
            "worker_id": f"W{k}",
            "name": f"员工{k}",
            "station_id": "MC",
            "mode": mode,
            "capacity": 6,
            "shift_start": "10:00",
            "shift_end": "14:00",
        }
        for k, mode in enumerate(modes, start=1)
    ]
    write_data_dir(
        folder,
        stations=[{"station_id": "MC", "name": "摩纳哥站", "lat": station[0], "lon": station[1]}],
        workers=workers,
        clients=rows,
    )
    if toml:
        (folder / "mealroute.toml").write_text(toml, encoding="utf-8")
    return folder
