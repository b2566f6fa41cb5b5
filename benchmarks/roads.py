"""Road networks: build time, table times, and a city planned on streets vs straight lines.

Run from the repository root (needs ``mealroute[road]`` and ../shared/data/osm)::

    python -m benchmarks.roads tables            # build + 50x50 / 500x500 tables
    python -m benchmarks.roads city --jobs 2     # 161 stations x 30 clients, both sources
    python -m benchmarks.roads valhalla          # the same extract through pyvalhalla

``tables`` builds Monaco's network per profile with ``mealroute network build`` and
times tables of street points in this process and through ``osrm-routed`` on
127.0.0.1. ``city`` writes 161 stations of 30 clients each at Monaco street nodes
(clients within 1.5 km of their station) and plans them with ``mealroute plan``, once
on straight lines and once on the road network, measured as ``benchmarks/city.py``
measures (wall, CPU, peak memory of the process tree). ``valhalla`` (when pyvalhalla
is installed) builds Valhalla's tiles from the same extract and times its matrix, for
the engine choice in the README, and the same through ``valhalla_service`` as a server.
Rows go to ``benchmarks/results/roads-<bench>.csv``.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geopy.distance import geodesic

from tests.roadnet import free_port, running_server

from .city import REPO, run_measured
from .run_solomon import RESULTS, describe_machine


def _record(row: dict[str, object]) -> None:
    """Append ``row`` to ``results/roads-<bench>.csv`` (one file per kind of row)."""
    out = RESULTS / f"roads-{row['bench']}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    new = not out.exists()
    row = {"when": dt.datetime.now().isoformat(timespec="seconds"), **row,
           "machine": describe_machine()}  # fmt: skip
    with out.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        if new:
            writer.writeheader()
        writer.writerow(row)
    print(json.dumps(row, ensure_ascii=False))


def _pbf() -> Path:
    from tests.roadnet import osm_dir

    folder = osm_dir()
    if folder is None:
        sys.exit("../shared/data/osm/monaco.osm.pbf is not beside the checkout")
    return folder / "monaco.osm.pbf"


def _build(out: Path) -> dict[str, float]:
    from mealroute.roads import build_network

    built = build_network(_pbf(), out, force=True)
    return {f"build_{b.profile}_s": b.seconds for b in built}


def _timed(call, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4)


def tables(_: argparse.Namespace) -> None:
    from mealroute.model import Profile
    from mealroute.roads import RoadTravel
    from mealroute.settings import Settings
    from tests.roadnet import street_points

    with tempfile.TemporaryDirectory() as tmp:
        network = Path(tmp) / "monaco"
        row: dict[str, object] = {"bench": "tables", **_build(network)}
        here = RoadTravel(dict(Settings().speed_kmh), str(network))
        for n in (50, 500):
            points = street_points(n, seed=n)
            for profile in Profile:
                here.table(points[:2], profile)  # load the network first
                row[f"table_{n}_{profile}_s"] = _timed(lambda p=points, f=profile: here.table(p, f))
        import osrm

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        binary = Path(osrm.__file__).parent / "bin" / "osrm-routed"
        command = [str(binary), "--algorithm", "mld", "--ip", "127.0.0.1", "--port", str(port),
                   str(network / "foot" / "map.osrm")]  # fmt: skip
        with running_server(command, f"{url}/nearest/v1/foot/7.42,43.73"):
            there = RoadTravel(dict(Settings().speed_kmh), servers={"foot": url})
            for n in (50, 500):
                points = street_points(n, seed=n)
                row[f"server_table_{n}_foot_s"] = _timed(
                    lambda p=points: there.table(p, Profile.FOOT)
                )
    _record(row)


def valhalla(_: argparse.Namespace) -> None:
    try:
        from valhalla import Actor, get_config
    except ImportError:
        sys.exit("pyvalhalla is not installed (pip install pyvalhalla)")
    from mealroute.model import Profile, ServerKind
    from mealroute.roads import RoadTravel
    from mealroute.settings import Settings
    from tests.roadnet import street_points

    with tempfile.TemporaryDirectory() as tmp:
        tiles = Path(tmp) / "tiles"
        tiles.mkdir()
        port = free_port()
        config = get_config(tile_extract="", tile_dir=tiles)
        config["httpd"]["service"].update(
            listen=f"tcp://127.0.0.1:{port}", loopback=f"ipc://{tmp}/loopback",
            interrupt=f"ipc://{tmp}/interrupt", drain_seconds=0, shutdown_seconds=0,
        )  # fmt: skip
        config_path = Path(tmp) / "valhalla.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        import valhalla

        binaries = Path(valhalla.__file__).parent / "bin"
        started = time.perf_counter()
        subprocess.run([str(binaries / "valhalla_build_tiles"), "-c", str(config_path),
                        str(_pbf())], check=True, capture_output=True)  # fmt: skip
        row: dict[str, object] = {
            "bench": "valhalla",
            "build_s": round(time.perf_counter() - started, 3),
        }
        actor = Actor(str(config_path))
        for n in (50,):
            locations = [{"lat": lat, "lon": lon} for lat, lon in street_points(n, seed=n)]
            for costing in ("pedestrian", "bicycle", "auto"):
                request = {"sources": locations, "targets": locations, "costing": costing}
                row[f"matrix_{n}_{costing}_s"] = _timed(lambda r=request: actor.matrix(r))
        # As a server, through mealroute's own client (/locate, then the matrix in
        # blocks of 50 x 50 when it is over Valhalla's 2,500 pairs).
        url = f"http://127.0.0.1:{port}"
        command = [str(binaries / "valhalla_service"), str(config_path), "1"]
        with running_server(command, f"{url}/status"):
            there = RoadTravel(dict(Settings().speed_kmh), servers={"foot": url},
                               server_engine=ServerKind.VALHALLA)  # fmt: skip
            for n in (50, 500):
                points = street_points(n, seed=n)
                row[f"server_table_{n}_foot_s"] = _timed(
                    lambda p=points: there.table(p, Profile.FOOT), repeat=3
                )
    _record(row)


def city(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        network = root / "network"
        _build(network)
        data = _write_city(root / "city", args.stations, args.clients, seed=args.seed)
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        for source in ("straight", "road"):
            toml = data / "mealroute.toml"
            if source == "road":
                toml.write_text(f'[travel]\nsource = "road"\nnetwork = "{network}"\n', "utf-8")
            else:
                toml.unlink(missing_ok=True)
            out = root / f"out-{source}"
            command = [sys.executable, "-m", "mealroute", "plan", str(data), "--date",
                       "2026-12-07", "--out", str(out), "--jobs", str(args.jobs), "--quiet",
                       "--no-log"]  # fmt: skip
            step = run_measured(command, cwd=REPO, env=env)
            plan = json.loads((out / "plan.json").read_text("utf-8"))
            totals = plan["totals"]
            reasons = collections.Counter(
                u["reason"]["code"] for st in plan["stations"] for u in st["unserved"]
            )
            _record(
                {
                    "bench": "city",
                    "source": source,
                    "stations": args.stations,
                    "clients_per_station": args.clients,
                    "jobs": args.jobs,
                    "wall_s": round(step.wall_s, 1),
                    "cpu_s": round(step.cpu_s, 1),
                    "tree_rss_mb": round(step.tree_rss_mb),
                    "max_rss_mb": round(step.max_rss_mb),
                    "served": totals["served"],
                    "clients": totals["clients"],
                    "km": round(totals["distance_m"] / 1000),
                    "exit": step.exit_code,
                    "unserved_by_reason": ";".join(f"{k}:{v}" for k, v in sorted(reasons.items())),
                }
            )


def _write_city(folder: Path, stations: int, clients: int, *, seed: int) -> Path:
    from tests.conftest import write_data_dir
    from tests.roadnet import street_points

    pool = street_points(3000, seed=seed)
    draw = random.Random(seed)
    station_rows, worker_rows, client_rows = [], [], []
    for s in range(stations):
        sid = f"S{s + 1:03d}"
        home = draw.choice(pool)
        station_rows.append(
            {"station_id": sid, "name": f"站{s + 1}", "lat": home[0], "lon": home[1]}
        )
        near = [p for p in pool if p != home and geodesic(home, p).meters <= 1500]
        for k, mode in enumerate(("walk", "ebike", "bike")):
            worker_rows.append({"worker_id": f"{sid}-W{k + 1}", "name": f"员工{k + 1}",
                                "station_id": sid, "mode": mode, "capacity": 8,
                                "shift_start": "10:00", "shift_end": "14:00"})  # fmt: skip
        for c, (lat, lon) in enumerate(draw.sample(near, clients)):
            client_rows.append({"client_id": f"{sid}-{c + 1:03d}", "name": f"客户{c + 1}",
                                "station_id": sid, "lat": lat, "lon": lon,
                                "care_level": ("disabled", "semi-disabled", "other")[c % 3],
                                "meals": 1, "diet": "regular"})  # fmt: skip
    return write_data_dir(folder, stations=station_rows, workers=worker_rows, clients=client_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("tables").set_defaults(run=tables)
    commands.add_parser("valhalla").set_defaults(run=valhalla)
    city_parser = commands.add_parser("city")
    city_parser.add_argument("--stations", type=int, default=161)
    city_parser.add_argument("--clients", type=int, default=30)
    city_parser.add_argument("--jobs", type=int, default=2)
    city_parser.add_argument("--seed", type=int, default=1)
    city_parser.set_defaults(run=city)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
