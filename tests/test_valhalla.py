"""A Valhalla server the user already runs: tables, plans and maps from it.

The server is Valhalla's own ``valhalla_service`` (shipped in pyvalhalla) on
127.0.0.1, its tiles built by ``valhalla_build_tiles`` from Monaco's extract in
../shared/data/osm. Every plan is checked by the independent checker, which asks
Valhalla's ``/route`` and ``/locate`` pair by pair, not the matrix the planner used;
the matrix is compared with OSRM's on the same extract (a peer engine).
"""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from geopy.distance import geodesic

from mealroute.model import Profile, ServerKind
from mealroute.settings import Settings
from tests.conftest import checked_plan, run
from tests.roadnet import (
    SEA,
    free_port,
    monaco_station,
    osm_dir,
    osrm_missing,
    running_server,
    street_points,
    valhalla_missing,
)

pytestmark = pytest.mark.skipif(valhalla_missing() is not None, reason=str(valhalla_missing()))

DATE = "2026-12-07"  # a Monday


@pytest.fixture(scope="module")
def valhalla_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``valhalla_service`` on 127.0.0.1 with Monaco's tiles (every costing)."""
    import valhalla
    from valhalla import get_config

    root = tmp_path_factory.mktemp("valhalla")
    (root / "tiles").mkdir()
    port = free_port()
    config = get_config(tile_extract="", tile_dir=str(root / "tiles"))
    config["httpd"]["service"].update(
        listen=f"tcp://127.0.0.1:{port}",
        loopback=f"ipc://{root}/loopback",
        interrupt=f"ipc://{root}/interrupt",
        drain_seconds=0,  # stop at once when the tests are done
        shutdown_seconds=0,
    )
    config_path = root / "valhalla.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    binaries = Path(valhalla.__file__).parent / "bin"
    pbf = osm_dir() / "monaco.osm.pbf"  # type: ignore[operator]
    subprocess.run(
        [str(binaries / "valhalla_build_tiles"), "-c", str(config_path), str(pbf)],
        check=True,
        capture_output=True,
    )
    url = f"http://127.0.0.1:{port}"
    with running_server(
        [str(binaries / "valhalla_service"), str(config_path), "1"], f"{url}/status"
    ):
        yield url


def _toml(url: str) -> str:
    return f'[travel]\nsource = "road"\nserver = "{url}"\nserver_engine = "valhalla"\n'


def _settings(data: Path, **options: str) -> Settings:
    return Settings.for_data_dir(data).replace(reproducible=True, **options)


def _valhalla(url: str) -> object:
    from mealroute.roads import RoadTravel

    return RoadTravel(
        Settings().speed_kmh,
        servers={str(p): url for p in Profile},
        server_engine=ServerKind.VALHALLA,
    )


def test_plan_from_a_valhalla_server_is_checked_against_its_routes(
    valhalla_url: str, tmp_path: Path
) -> None:
    data = monaco_station(
        tmp_path / "data", clients=8, modes=("walk", "ebike", "car"), sea_client=True,
        toml=_toml(valhalla_url),
    )  # fmt: skip
    out = tmp_path / "day"
    result = run("plan", data, "--date", DATE, "--out", out, "--reproducible", "--lang", "en")
    assert result.exit_code == 3, result.stderr  # the client in the harbour is unserved
    settings = _settings(data, lang="en")
    assert settings.server_engine == "valhalla" and settings.network == ""
    plan = checked_plan(out, data, settings)
    (station,) = plan["stations"]
    assert station["served"] == 8
    (sea,) = station["unserved"]
    assert sea["client_id"] == "C99" and sea["reason"]["code"] == "off_road"
    assert sea["reason"]["params"]["metres"] > 400
    assert "from the nearest road" in result.stdout
    for route in station["routes"]:
        for trip in route["trips"]:  # drawn along Valhalla's streets
            assert len(trip["path"]) > 3 * (len(trip["stops"]) + 2)
    assert plan["settings"]["travel"]["server_engine"] == "valhalla"
    # The checker measured those legs on Valhalla's routes: a leg 5 m long, or a door
    # said to be nearer its road than /locate says, is caught.
    from mealroute.read.load import dataset_from_path
    from tests.checker import check_plan

    dataset = dataset_from_path(data)
    lie = json.loads(json.dumps(plan))
    trip = next(t for r in lie["stations"][0]["routes"] for t in r["trips"])
    trip["stops"][0]["distance_m"] += 5
    lie["stations"][0]["unserved"][0]["reason"]["params"]["metres"] = 300
    found = check_plan(lie, dataset.clients, dataset.workers, dataset.stations, settings)
    assert any("the travel model gives" in p for p in found)
    assert any("off_road at 300 m, the network gives" in p for p in found)


def test_the_valhalla_table_is_its_routes_and_close_to_osrm(
    valhalla_url: str, tmp_path: Path
) -> None:
    """60 points: over Valhalla's 2,500 pairs, so asked in blocks; each leg is the route."""
    points = street_points(60, seed=3)
    legs, snapped = _valhalla(valhalla_url).table(points, Profile.FOOT)  # type: ignore[attr-defined]
    assert legs.shape == (60, 60) and (np.diag(legs) == 0).all()
    for i, j in [(0, 1), (5, 40), (59, 2), (17, 33), (44, 8)]:
        request = {
            "locations": [{"lat": p[0], "lon": p[1]} for p in (points[i], points[j])],
            "costing": "pedestrian",
            "directions_type": "none",
        }
        body = json.dumps(request).encode()
        with urllib.request.urlopen(f"{valhalla_url}/route", data=body, timeout=30) as response:
            length = json.loads(response.read())["trip"]["summary"]["length"] * 1000
        assert legs[i, j] == pytest.approx(length + snapped[i] + snapped[j], abs=2.0)
        assert legs[i, j] >= geodesic(points[i], points[j]).meters - 2.0
    if osrm_missing() is None:  # the peer engine on the same extract
        network = tmp_path / "osrm"
        pbf = osm_dir() / "monaco.osm.pbf"  # type: ignore[operator]
        built = run("network", "build", pbf, "--out", network, "--profile", "foot")
        assert built.exit_code == 0
        from mealroute.roads import RoadTravel

        osrm_legs, _ = RoadTravel(Settings().speed_kmh, str(network)).table(points, Profile.FOOT)
        off = ~np.eye(60, dtype=bool)
        ratio = legs[off] / osrm_legs[off]
        assert 0.97 <= float(np.median(ratio)) <= 1.05  # measured: 1.01
        assert float(np.percentile(ratio, 90)) <= 1.15  # measured: 1.055


def test_calibrate_asks_the_valhalla_server(valhalla_url: str, tmp_path: Path) -> None:
    data = monaco_station(tmp_path / "data", clients=12, toml=_toml(valhalla_url))
    result = run("network", "calibrate", data, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    factors = re.search(r"detour_factor = \{ ebike = ([\d.]+), walk = ([\d.]+) \}", result.stdout)
    assert factors, result.stdout
    assert all(1.0 < float(f) < 3.0 for f in factors.groups())


def test_a_point_without_any_road_has_no_route_not_a_guess(valhalla_url: str) -> None:
    far = (44.6, 7.42)  # 100 km north of the tiles: no edge near it
    points = [*street_points(3, seed=5), SEA, far]
    legs, snapped = _valhalla(valhalla_url).table(points, Profile.FOOT)  # type: ignore[attr-defined]
    assert (legs[4, :4] >= 1e8).all() and (legs[:4, 4] >= 1e8).all()
    assert snapped[3] > 400  # the harbour: far from its road, said by the planner
    assert (legs[:4, :4] < 1e8).all()


def test_a_valhalla_server_that_is_down_or_is_not_valhalla_fails_at_once(
    tmp_path: Path,
) -> None:
    data = monaco_station(
        tmp_path / "down", clients=3, toml=_toml(f"http://127.0.0.1:{free_port()}")
    )
    out = tmp_path / "day"
    result = run("plan", data, "--date", DATE, "--out", out, "--lang", "en")
    assert result.exit_code == 1
    assert "cannot reach the routing server http://127.0.0.1" in result.stderr
    assert not out.exists()

    class Elsewhere(http.server.BaseHTTPRequestHandler):  # a web server, not Valhalla
        def do_GET(self) -> None:
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b"<html>not found</html>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        other = monaco_station(tmp_path / "other", clients=3, toml=_toml(url))
        result = run("plan", other, "--date", DATE, "--out", out, "--lang", "en")
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert "answered with an error: not a Valhalla server" in result.stderr
    assert not out.exists()


def test_server_engine_is_osrm_or_valhalla(tmp_path: Path) -> None:
    (tmp_path / "mealroute.toml").write_text(
        '[travel]\nserver_engine = "graphhopper"\n', encoding="utf-8"
    )
    result = run("validate", tmp_path, "--lang", "en")
    assert result.exit_code == 1
    assert "travel.server_engine" in result.stderr
    assert "osrm" in result.stderr and "valhalla" in result.stderr
