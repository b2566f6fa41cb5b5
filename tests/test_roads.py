"""Road networks: building Monaco's, its tables against known paths, planning on it.

The network is built once per session from ../shared/data/osm/monaco.osm.pbf by the
CLI itself; every plan is checked by the independent checker against OSRM's own
routes (asked pair by pair, not from the planner's table).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from geopy.distance import geodesic

from mealroute.model import Mode, Profile
from mealroute.settings import Settings
from tests.conftest import checked_plan, run
from tests.roadnet import (
    free_port,
    monaco_station,
    osm_dir,
    osrm_missing,
    running_server,
    street_points,
    ways,
)

pytestmark = pytest.mark.skipif(osrm_missing() is not None, reason=str(osrm_missing()))

DATE = "2026-12-07"  # a Monday


@pytest.fixture(scope="session")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Monaco's network, every profile, built by `mealroute network build`."""
    folder = osm_dir()
    assert folder is not None
    out = tmp_path_factory.mktemp("network") / "monaco"
    result = run("network", "build", folder / "monaco.osm.pbf", "--out", out, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    return out


def _road_toml(network: Path, extra: str = "") -> str:
    return f'[travel]\nsource = "road"\nnetwork = "{network}"\n{extra}'


def _settings(data: Path, **options: str) -> Settings:
    """The settings of a plan made with --reproducible (and ``options``) from ``data``."""
    return Settings.for_data_dir(data).replace(reproducible=True, **options)


# ----------------------------------------------------------------------------- build


def test_build_writes_each_profile_with_where_it_came_from(network: Path) -> None:
    manifest = json.loads((network / "network.json").read_text(encoding="utf-8"))
    assert "OpenStreetMap" in manifest["attribution"]
    assert "ODbL" in manifest["attribution"]
    for profile in Profile:
        entry = manifest["profiles"][str(profile)]
        assert entry["source"] == "monaco.osm.pbf"
        assert entry["source_sha256"] == (
            "36c0f0029ed838897322382611b67e8e5e7bcb07d5b17a25f3574dec54f1c23c"
        )
        assert (network / str(profile) / "map.osrm.properties").is_file()
    # nothing half-built is left beside the profiles
    assert sorted(p.name for p in network.iterdir()) == ["bicycle", "car", "foot", "network.json"]


def test_build_again_from_the_same_file_reuses_it(tmp_path: Path) -> None:
    pbf = osm_dir() / "monaco.osm.pbf"  # type: ignore[operator]
    first = run("network", "build", pbf, "--out", tmp_path, "--profile", "foot", "--lang", "en")
    assert first.exit_code == 0, first.stderr
    assert "foot: built in" in first.stderr
    assert 'source = "road"' in first.stdout and str(tmp_path.resolve()) in first.stdout
    stamp = (tmp_path / "foot" / "map.osrm.properties").stat().st_mtime_ns
    again = run("network", "build", pbf, "--out", tmp_path, "--profile", "foot", "--lang", "en")
    assert again.exit_code == 0
    assert "foot: already built from the same file, reused" in again.stderr
    assert (tmp_path / "foot" / "map.osrm.properties").stat().st_mtime_ns == stamp
    forced = run("network", "build", pbf, "--out", tmp_path, "--profile", "foot", "--force")
    assert forced.exit_code == 0
    assert "foot：已生成" in forced.stderr  # Chinese by default
    assert (tmp_path / "foot" / "map.osrm.properties").stat().st_mtime_ns != stamp


def test_a_bad_extract_says_so_and_keeps_the_good_network(tmp_path: Path) -> None:
    pbf = osm_dir() / "monaco.osm.pbf"  # type: ignore[operator]
    assert run("network", "build", pbf, "--out", tmp_path, "--profile", "foot").exit_code == 0
    before = sorted(p.name for p in (tmp_path / "foot").iterdir())
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"this is not a protobuf file\n" * 100)
    result = run("network", "build", broken, "--out", tmp_path, "--profile", "foot", "--lang", "en")
    assert result.exit_code == 1
    assert "building the road network from" in result.stderr
    assert "failed at extract" in result.stderr
    assert sorted(p.name for p in (tmp_path / "foot").iterdir()) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    missing = run("network", "build", tmp_path / "nope.osm.pbf", "--out", tmp_path, "--lang", "en")
    assert missing.exit_code == 1
    assert "no OpenStreetMap extract at" in missing.stderr


# ----------------------------------------------------------------------------- tables


def _table(network: Path, points: list[tuple[float, float]], profile: Profile) -> np.ndarray:
    from mealroute.roads import RoadTravel

    road = RoadTravel(Settings().speed_kmh, str(network))
    legs, _ = road.table(points, profile)
    return legs


def test_a_street_segment_is_its_own_shortest_path(network: Path) -> None:
    """Two neighbouring nodes of a two-way street: the road is the segment between them."""
    pairs = [
        (way.points[k], way.points[k + 1])
        for way in ways()
        if way.highway == "residential" and not way.oneway
        for k in range(len(way.points) - 1)
        if geodesic(way.points[k], way.points[k + 1]).meters > 30
    ][:40]
    assert len(pairs) >= 20
    for a, b in pairs:
        legs = _table(network, [a, b], Profile.FOOT)
        segment = geodesic(a, b).meters
        assert legs[0, 1] == pytest.approx(segment, rel=0.02, abs=2.0)
        assert legs[1, 0] == pytest.approx(segment, rel=0.02, abs=2.0)


def test_road_distances_are_bounded_by_the_line_and_by_the_street(network: Path) -> None:
    """Never shorter than the straight line; never longer than following one street."""
    points = street_points(40, seed=7)
    legs = _table(network, points, Profile.FOOT)
    for i in range(len(points)):
        for j in range(len(points)):
            if i != j:
                assert legs[i, j] >= geodesic(points[i], points[j]).meters - 1.0
    for way in [w for w in ways() if w.highway == "residential" and not w.oneway][:30]:
        along = sum(geodesic(a, b).meters for a, b in zip(way.points, way.points[1:], strict=False))
        legs = _table(network, [way.points[0], way.points[-1]], Profile.FOOT)
        assert legs[0, 1] <= along + 1.0


def test_one_way_streets_make_the_car_table_asymmetric(network: Path) -> None:
    longer = 0
    for way in [w for w in ways() if w.oneway and w.highway in {"residential", "tertiary"}][:40]:
        a, b = way.points[0], way.points[-1]
        legs = _table(network, [a, b], Profile.CAR)
        if legs[1, 0] > legs[0, 1] + 50:
            longer += 1
        walk = _table(network, [a, b], Profile.FOOT)  # a walker may go either way
        assert walk[0, 1] == pytest.approx(walk[1, 0], abs=1.0)
    assert longer >= 5


def test_no_route_between_two_points_is_said_not_guessed(
    network: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A pair the network cannot join (an island) leaves the client out with that reason."""
    from mealroute.roads import engine

    real = engine._engine_table

    def islands(osrm_engine, points):  # type: ignore[no-untyped-def]
        road, snapped = real(osrm_engine, points)
        road[0, 1] = road[1, 0] = math.nan  # client 1 on an island
        return road, snapped

    monkeypatch.setattr(engine, "_engine_table", islands)
    data = monaco_station(tmp_path / "data", clients=4, toml=_road_toml(network))
    from mealroute.planner import plan_station
    from mealroute.read.load import dataset_from_path
    from mealroute.station_day import station_days

    settings = _settings(data)
    monday = dt.date(2026, 12, 7)
    (day,), _ = station_days(dataset_from_path(data), monday)
    plan = plan_station(day, monday, settings)
    (out,) = [u for u in plan.unserved if u.client_id == "C01"]
    assert out.reason.code == "no_road_route"
    assert out.reason.text("zh").startswith("道路网络中没有")
    assert len(plan.unserved) == 1


# ----------------------------------------------------------------------------- plans


def test_plan_on_monaco_streets_is_checked_against_osrm_routes(
    network: Path, tmp_path: Path
) -> None:
    data = monaco_station(tmp_path / "data", clients=10, sea_client=True, toml=_road_toml(network))
    out = tmp_path / "day"
    result = run("plan", data, "--date", DATE, "--out", out, "--reproducible", "--lang", "en")
    assert result.exit_code == 3, result.stderr  # the client in the harbour is unserved
    plan = checked_plan(out, data, _settings(data, lang="en"))
    (station,) = plan["stations"]
    assert plan["settings"]["travel"]["source"] == "road"
    assert station["served"] == 10
    (sea,) = station["unserved"]
    assert sea["client_id"] == "C99"
    assert sea["reason"]["code"] == "off_road"
    assert sea["reason"]["params"]["metres"] > 600
    assert "from the nearest road" in result.stdout
    trips = [trip for route in station["routes"] for trip in route["trips"]]
    for trip in trips:  # drawn along the streets: many more points than stops
        assert len(trip["path"]) > 3 * (len(trip["stops"]) + 2)
    # the worker's map draws that path, not straight lines between the doors
    route = next(r for r in station["routes"] if r["trips"])
    page = (out / "stations" / "MC" / f"worker-{route['worker_id']}.html").read_text("utf-8")
    found = re.search(r'id="mr-data"[^>]*>(.*?)</script>', page, re.S)
    assert found
    data_json = json.loads(found.group(1))
    drawn = sorted(len(line["pts"]) for line in data_json["lines"])
    assert drawn == sorted(len(t["path"]) for t in route["trips"])
    # On AMap's tiles the streets are still OpenStreetMap's: its credit stays on the map.
    amap = tmp_path / "amap"
    redraw = run("render", out / "plan.json", "--out", amap, "--tiles", "amap", "--lang", "zh")
    assert redraw.exit_code == 0
    page = (amap / "stations" / "MC" / "map.html").read_text("utf-8")
    found = re.search(r'"attribution": ("(?:[^"\\]|\\.)*")', page)
    assert found
    credit = json.loads(found.group(1))
    assert "高德地图" in credit and "路线道路 &copy;" in credit
    assert "openstreetmap.org/copyright" in credit


def test_road_plan_is_not_the_straight_line_plan(network: Path, tmp_path: Path) -> None:
    """Monaco is steep and winding: its streets are far longer than straight lines."""
    data = monaco_station(tmp_path / "data", clients=8, toml=_road_toml(network))
    road_out, line_out = tmp_path / "road", tmp_path / "line"
    assert run("plan", data, "--date", DATE, "--out", road_out, "--reproducible").exit_code == 0
    road_plan = checked_plan(road_out, data, _settings(data))
    (data / "mealroute.toml").unlink()
    assert run("plan", data, "--date", DATE, "--out", line_out, "--reproducible").exit_code == 0
    line_plan = checked_plan(line_out, data, _settings(data))
    assert road_plan["totals"]["distance_m"] > 1.2 * line_plan["totals"]["distance_m"]
    assert "path" not in json.dumps(line_plan["stations"][0]["routes"])


def test_a_missing_network_fails_at_once_with_what_to_run(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    data = monaco_station(tmp_path / "data", clients=3, toml=_road_toml(empty))
    out = tmp_path / "day"
    result = run("plan", data, "--date", DATE, "--out", out, "--lang", "en")
    assert result.exit_code == 1
    assert "is not a road network folder (no network.json)" in result.stderr
    assert "mealroute network build" in result.stderr
    assert not out.exists()
    unset = monaco_station(tmp_path / "unset", clients=3, toml='[travel]\nsource = "road"\n')
    result = run("plan", unset, "--date", DATE, "--out", out)
    assert result.exit_code == 1
    assert "travel.source 设为 road" in result.stderr


def test_network_path_is_relative_to_the_settings_file(network: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    link = data / "net"
    link.symlink_to(network)
    (data / "mealroute.toml").write_text(_road_toml(Path("net")), encoding="utf-8")
    assert Settings.for_data_dir(data).network == str(data / "net")


# ----------------------------------------------------------------------------- server


@pytest.fixture(scope="module")
def foot_server(network: Path) -> Iterator[str]:
    """OSRM's own server on 127.0.0.1, answering for the foot network."""
    import osrm

    port = free_port()
    binary = Path(osrm.__file__).parent / "bin" / "osrm-routed"
    url = f"http://127.0.0.1:{port}"
    command = [str(binary), "--algorithm", "mld", "--ip", "127.0.0.1", "--port", str(port),
               str(network / "foot" / "map.osrm")]  # fmt: skip
    with running_server(command, f"{url}/nearest/v1/foot/7.42,43.73"):
        yield url


def test_plan_with_a_routing_server_the_user_runs(foot_server: str, tmp_path: Path) -> None:
    toml = f'[travel]\nsource = "road"\nserver = {{ foot = "{foot_server}" }}\n'
    data = monaco_station(tmp_path / "data", clients=8, modes=("walk", "walk"), toml=toml)
    out = tmp_path / "day"
    result = run("plan", data, "--date", DATE, "--out", out, "--reproducible")
    assert result.exit_code == 0, result.stderr
    settings = _settings(data)
    assert settings.network == ""  # the checker asks the server too
    plan = checked_plan(out, data, settings)
    assert plan["stations"][0]["served"] == 8
    assert all(t["path"] for r in plan["stations"][0]["routes"] for t in r["trips"])


def test_the_server_and_the_network_give_the_same_table(foot_server: str, network: Path) -> None:
    from mealroute.roads import RoadTravel

    points = street_points(120, seed=3)  # over the server's 100: asked in blocks
    here = RoadTravel(Settings().speed_kmh, str(network)).table(points, Profile.FOOT)[0]
    there = RoadTravel(Settings().speed_kmh, servers={"foot": foot_server}).table(
        points, Profile.FOOT
    )[0]
    assert np.allclose(here, there, atol=1.0)  # the server gets 6 decimals (about 0.1 m)


def test_a_server_that_is_down_fails_at_once(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    toml = f'[travel]\nsource = "road"\nserver = "{url}"\n'
    data = monaco_station(tmp_path / "data", clients=3, modes=("walk",), toml=toml)
    result = run("plan", data, "--date", DATE, "--out", tmp_path / "day", "--lang", "en")
    assert result.exit_code == 1
    assert f"cannot reach the routing server {url}" in result.stderr


# ----------------------------------------------------------------------------- calibrate


def test_calibrate_suggests_a_detour_factor_per_mode(network: Path, tmp_path: Path) -> None:
    data = monaco_station(tmp_path / "data", clients=20, toml=_road_toml(network))
    result = run("network", "calibrate", data, "--pairs", "60", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "MC on foot: median" in result.stdout
    assert re.search(r"MC e-?bike: median", result.stdout), result.stdout
    found = re.search(r"detour_factor = \{ (.*) \}", result.stdout)
    assert found, result.stdout
    factors = dict(item.split(" = ") for item in found.group(1).split(", "))
    assert set(factors) == {"walk", "ebike"}
    for value in factors.values():
        assert 1.0 < float(value) < 3.0  # Monaco's hairpins, but not absurd


def test_settings_name_bad_road_values() -> None:
    from mealroute.errors import SettingsError
    from mealroute.settings import _changes

    with pytest.raises(SettingsError, match=r"travel\.source"):
        _changes({"travel": {"source": "roads"}}, Settings())
    with pytest.raises(SettingsError, match=r"travel\.server\.walk"):
        _changes({"travel": {"server": {"walk": "http://x"}}}, Settings())
    one = Settings().replace(**_changes({"travel": {"server": "http://h:5000"}}, Settings()))
    assert one.servers == {
        "foot": "http://h:5000",
        "bicycle": "http://h:5000",
        "car": "http://h:5000",
    }
    assert Settings.from_dict(one.to_dict()).servers == one.servers
    assert Mode.EBIKE  # the modes above are the planner's own


def test_validate_names_the_row_of_a_door_off_the_road(network: Path, tmp_path: Path) -> None:
    data = monaco_station(tmp_path / "data", clients=4, sea_client=True, toml=_road_toml(network))
    result = run("validate", data, "--lang", "en")
    assert result.exit_code == 0  # a warning: the plan still runs, and says it per client
    assert "clients.csv, row 6: the door is 672 m from the nearest road" in result.stdout
    assert "1 warning" in result.stdout
    broken = monaco_station(tmp_path / "broken", clients=2, toml=_road_toml(tmp_path / "none"))
    result = run("validate", broken, "--lang", "en")
    assert result.exit_code == 1
    assert "is not a road network folder" in result.stdout


def test_the_checker_catches_a_road_plan_that_lies(network: Path, tmp_path: Path) -> None:
    """Each road rule of tests/checker.py fails a plan that breaks it."""
    from mealroute.read.load import dataset_from_path
    from tests.checker import check_plan

    data = monaco_station(tmp_path / "data", clients=5, sea_client=True, toml=_road_toml(network))
    out = tmp_path / "day"
    assert run("plan", data, "--date", DATE, "--out", out, "--reproducible").exit_code == 3
    settings = _settings(data)
    good = checked_plan(out, data, settings)
    dataset = dataset_from_path(data)

    def problems(plan: dict, with_settings: Settings = settings) -> list[str]:  # type: ignore[type-arg]
        return check_plan(plan, dataset.clients, dataset.workers, dataset.stations, with_settings)

    def copy() -> dict:  # type: ignore[type-arg]
        return json.loads(json.dumps(good))

    def first_trip(plan: dict) -> dict:  # type: ignore[type-arg]
        return next(t for r in plan["stations"][0]["routes"] for t in r["trips"])

    longer = copy()
    first_trip(longer)["stops"][0]["distance_m"] += 60
    assert any("the travel model gives" in p for p in problems(longer))
    nearer = copy()
    nearer["stations"][0]["unserved"][0]["reason"]["params"]["metres"] = 300
    assert any("off_road at 300 m, the network gives [672" in p for p in problems(nearer))
    undrawn = copy()
    del first_trip(undrawn)["path"]
    assert any("has no path to draw" in p for p in problems(undrawn))
    elsewhere = copy()
    first_trip(elsewhere)["path"][0] = [43.0, 7.0]
    assert any("does not start and end at the station" in p for p in problems(elsewhere))
    straight = Settings(reproducible=True)
    found = problems(good, straight)
    assert any("a path along streets, but the plan is on straight lines" in p for p in found)
    assert any("off_road, but the plan is on straight lines" in p for p in found)
