"""``mealroute geocode`` as a coordinator runs it, against a fake AMap on 127.0.0.1.

A client list with addresses and no coordinates: geocode writes the points beside the
data (never into it), validate and plan take them from there, a second run asks
nothing again, a spent quota stops the run with what was found saved and the next run
goes on where it stopped, and doubtful points are flagged for a person.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

from mealroute.coords import wgs84_to_gcj02
from mealroute.settings import Settings

from .conftest import checked_plan, run, write_data_dir
from .geoservers import AMAP_KEY, amap_error, amap_ok, amap_place, amap_server, slow

TUESDAY = "2026-12-01"


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = math.radians(a[0] - b[0]) * 6_371_000
    dx = math.radians(a[1] - b[1]) * 6_371_000 * math.cos(lat)
    return math.hypot(dx, dy)


def address(client_id: str) -> str:
    return f"济南市历下区泉城路{client_id[1:]}号"


def gcj_place(point: tuple[float, float], level: str = "门牌号", text: str = "") -> dict:
    lat, lon = wgs84_to_gcj02(*point)
    return amap_place(text or "山东省济南市历下区泉城路", f"{lon:.6f},{lat:.6f}", level)


@pytest.fixture
def listed(tmp_path: Path, tiny_station: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The tiny station's clients with addresses and empty coordinates; their true points."""
    truth = {}
    clients = []
    for client in tiny_station["clients"]:
        truth[client["client_id"]] = (client["lat"], client["lon"])
        clients.append({**client, "lat": "", "lon": "", "address": address(client["client_id"])})
    data = write_data_dir(tmp_path / "data", **{**tiny_station, "clients": clients})
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    return {"data": data, "truth": truth, "before": before}


@pytest.fixture
def amap(monkeypatch: pytest.MonkeyPatch, listed: dict[str, Any]) -> Any:
    monkeypatch.setenv("MEALROUTE_AMAP_KEY", AMAP_KEY)
    with amap_server() as server:
        for client_id, point in listed["truth"].items():
            server.script[address(client_id)] = amap_ok(gcj_place(point))
        yield server


def geocode(data: Path, server: Any, *extra: str) -> Any:
    return run(
        "geocode", data, "--domain", server.host, "--http", "--rate", "50", "--city", "济南",
        *extra,
    )  # fmt: skip


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_geocoded_points_are_written_beside_the_data_and_planned(
    tmp_path: Path, listed: dict[str, Any], amap: Any
) -> None:
    data = listed["data"]
    result = geocode(data, amap)
    assert result.exit_code == 0, result.output
    assert (
        "有地址、无经纬度的共 5 行：定位 5 行（查询 5 次，缓存 0 行），0 行需要核对"
        in result.output
    )
    # The coordinator's files are untouched; the points are in geocoded/.
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == listed["before"]
    written = rows(data / "geocoded" / "clients.csv")
    assert [r["编号"] for r in written] == ["C1", "C2", "C3", "C4", "C5"]
    for r in written:
        point = (float(r["纬度"]), float(r["经度"]))
        assert (
            metres(point, listed["truth"][r["编号"]]) < 0.2
        )  # back from GCJ-02 (6 decimals: 0.1 m)
        assert r["坐标来源"] == "高德地图"
        assert r["原坐标系"] == "GCJ-02（高德、腾讯）"
        assert r["精度"] == "门牌/楼栋"
        assert r["待核对"] == ""
    assert all(request.params["city"] == "济南" for request in amap.seen)

    checked = run("validate", data)
    assert checked.exit_code == 0, checked.output
    assert "5 行没有经纬度，已按地址取自 geocoded/clients.csv" in checked.output

    out = tmp_path / "out"
    planned = run("plan", data, "--date", TUESDAY, "--out", out, "--reproducible",
                  "--work-limit", "30", "--jobs", "1")  # fmt: skip
    assert planned.exit_code in (0, 3), planned.output
    plan = checked_plan(
        out, data, Settings(reproducible=True, work_limit=30), date=dt.date(2026, 12, 1)
    )
    stops = [
        s for st in plan["stations"] for r in st["routes"] for t in r["trips"] for s in t["stops"]
    ]
    assert stops
    for stop in stops:
        assert metres((stop["lat"], stop["lon"]), listed["truth"][stop["client_id"]]) < 0.2


def test_a_second_run_asks_nothing_again(listed: dict[str, Any], amap: Any) -> None:
    assert geocode(listed["data"], amap).exit_code == 0
    amap.seen.clear()
    again = geocode(listed["data"], amap)
    assert again.exit_code == 0, again.output
    assert amap.seen == []
    assert "查询 0 次，缓存 5 行" in again.output


def test_a_spent_quota_keeps_what_was_found_and_the_next_run_goes_on(
    listed: dict[str, Any], amap: Any
) -> None:
    data = listed["data"]
    amap.script[address("C3")] = amap_error("10003", "DAILY_QUERY_OVER_LIMIT")
    stopped = geocode(data, amap, "--lang", "en")
    assert stopped.exit_code == 1, stopped.output
    assert "AMap's daily quota is spent: what was found is saved" in stopped.output
    assert AMAP_KEY not in stopped.output
    first = {r["id"]: r for r in rows(data / "geocoded" / "clients.csv")}
    assert first["C1"]["lat"] and first["C2"]["lat"]
    assert not first["C4"]["lat"]
    assert "not asked yet (the run stopped first)" in first["C4"]["check"]
    assert len(amap.seen) == 3  # C4 and C5 were never asked

    amap.seen.clear()
    amap.script[address("C3")] = amap_ok(gcj_place(listed["truth"]["C3"]))
    resumed = geocode(data, amap, "--lang", "en")
    assert resumed.exit_code == 0, resumed.output
    assert sorted(r.params["address"] for r in amap.seen) == [
        address(c) for c in ("C3", "C4", "C5")
    ]
    assert all(r["lat"] for r in rows(data / "geocoded" / "clients.csv"))


def test_doubtful_points_are_flagged_for_a_person(listed: dict[str, Any], amap: Any) -> None:
    data = listed["data"]
    truth = listed["truth"]
    amap.script[address("C1")] = amap_ok(gcj_place(truth["C1"], "道路"))  # a street only
    amap.script[address("C2")] = amap_ok(gcj_place(truth["C2"]), gcj_place(truth["C3"]))
    amap.script[address("C3")] = amap_ok()  # nothing found
    amap.script[address("C4")] = amap_ok(gcj_place((36.70, 117.10)))  # 8 km away
    result = geocode(data, amap)
    assert result.exit_code == 3, result.output
    check = {r["编号"]: r["待核对"] for r in rows(data / "geocoded" / "clients.csv")}
    assert check["C1"] == "只定位到道路，不是门牌：请在核对地图上确认位置"
    assert check["C2"] == "有2个候选地点，取了第一个：请确认是否正确"
    assert check["C3"] == "查不到这个地址：请核对地址，或手工填写经纬度"
    assert check["C4"].startswith("距所属站点8.")
    assert check["C5"] == ""
    assert "服务对象表第4行（C3）：查不到这个地址" in result.output
    assert "泉城路" not in result.output  # addresses stay in the files, not the terminal

    checked = run("validate", data)
    assert checked.exit_code == 1  # C3 still has no coordinates
    assert "按地址查出的坐标需要核对：只定位到道路" in checked.output
    assert "运行 `mealroute geocode` 可按地址查出坐标" in checked.output


def test_an_edited_address_is_looked_up_again(listed: dict[str, Any], amap: Any) -> None:
    data = listed["data"]
    assert geocode(data, amap).exit_code == 0
    clients = (data / "clients.csv").read_text(encoding="utf-8")
    (data / "clients.csv").write_text(
        clients.replace(address("C2"), "济南市历下区泉城路2号院"), encoding="utf-8"
    )
    checked = run("validate", data, "--lang", "en")
    assert "run `mealroute geocode` to look the address up" in checked.output
    amap.seen.clear()
    amap.script["济南市历下区泉城路2号院"] = amap_ok(gcj_place(listed["truth"]["C2"]))
    assert geocode(data, amap).exit_code == 0
    assert [r.params["address"] for r in amap.seen] == ["济南市历下区泉城路2号院"]


def test_without_a_key_it_says_which_variable_to_set(
    listed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEALROUTE_AMAP_KEY", raising=False)
    result = run("geocode", listed["data"], "--lang", "en")
    assert result.exit_code == 2
    assert "AMap needs a key: set the environment variable MEALROUTE_AMAP_KEY" in result.output
    said = run("geocode", listed["data"], "--provider", "nominatim", "--domain", "127.0.0.1")
    assert said.exit_code == 2
    assert "错误：使用自建 Nominatim 服务需要 --user-agent" in said.output
    assert not (listed["data"] / "geocoded").exists()


def test_the_review_page_shows_addresses_as_text(
    tmp_path: Path, tiny_station: dict[str, list[dict[str, Any]]], amap: Any
) -> None:
    hostile = '泉城路<script>alert("x")</script>1号'
    clients = [
        {**tiny_station["clients"][0], "lat": "", "lon": "", "address": hostile},
    ]
    data = write_data_dir(tmp_path / "hostile", **{**tiny_station, "clients": clients})
    amap.script[hostile] = amap_ok(gcj_place((36.6680, 117.0230), "道路"))
    assert geocode(data, amap).exit_code == 3
    page = (data / "geocoded" / "review.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page  # the table under the map
    assert "\\u003cscript\\u003ealert" in page  # the map's data
    assert "只定位到道路" in page


def test_ctrl_c_keeps_what_was_found_and_the_next_run_goes_on(
    listed: dict[str, Any], amap: Any
) -> None:
    """Stopped halfway as a coordinator would, with Ctrl-C in the real console script."""
    import os
    import signal
    import subprocess
    import sys
    import time

    data = listed["data"]
    amap.script[address("C3")] = slow(20.0)
    command = [sys.executable, "-m", "mealroute", "geocode", str(data), "--domain", amap.host,
               "--http", "--rate", "50", "--city", "济南", "--lang", "en"]  # fmt: skip
    env = {**os.environ, "MEALROUTE_AMAP_KEY": AMAP_KEY}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not any(r.params.get("address") == address("C3") for r in amap.seen):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (out + err).decode()
    assert "stopped: what was found is saved" in (out + err).decode()
    written = {r["id"]: r for r in rows(data / "geocoded" / "clients.csv")}
    assert written["C1"]["lat"] and written["C2"]["lat"]
    assert not written["C3"]["lat"] and not written["C5"]["lat"]
    assert "not asked yet" in written["C5"]["check"]

    amap.seen.clear()
    amap.script[address("C3")] = amap_ok(gcj_place(listed["truth"]["C3"]))
    again = geocode(data, amap)
    assert again.exit_code == 0, again.output
    assert sorted(r.params["address"] for r in amap.seen) == [
        address(c) for c in ("C3", "C4", "C5")
    ]


@pytest.mark.parametrize(("declared", "warned"), [(None, True), ("gcj02", False)])
def test_validate_tells_coordinates_picked_in_amap_but_read_as_wgs84(
    tmp_path: Path,
    tiny_station: dict[str, list[dict[str, Any]]],
    amap: Any,
    declared: str | None,
    warned: bool,
) -> None:
    # A list whose points were picked in AMap (GCJ-02), with plain 纬度/经度 headers.
    clients = []
    for client in tiny_station["clients"]:
        lat, lon = wgs84_to_gcj02(client["lat"], client["lon"])
        clients.append(
            {**client, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}",
             "address": address(client["client_id"])}
        )  # fmt: skip
    data = write_data_dir(tmp_path / "picked", **{**tiny_station, "clients": clients})
    if declared:
        (data / "mealroute.toml").write_text(f'[input]\ndatum = "{declared}"\n', "utf-8")
    result = geocode(data, amap, "--check-datum", "5", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "0 rows with an address and no coordinates" in result.output
    checked = run("validate", data, "--lang", "en")
    said = "the coordinates of 5 rows lie a median 5"  # about 530 m in Jinan
    assert (said in checked.output) is warned, checked.output
    if warned:
        assert "read as WGS-84 (GPS); read as GCJ-02 (AMap, Tencent) they lie 0 m away" in (
            checked.output
        )


def test_a_client_in_another_district_than_its_station_is_flagged(
    tmp_path: Path, tiny_station: dict[str, list[dict[str, Any]]], amap: Any, listed: dict
) -> None:
    station = {**tiny_station["stations"][0], "address": "济南市历下区泉城路街道办事处"}
    clients = [
        {**c, "lat": "", "lon": "", "address": address(c["client_id"])}
        for c in tiny_station["clients"]
    ]
    data = write_data_dir(
        tmp_path / "districts", **{**tiny_station, "stations": [station], "clients": clients}
    )
    home = (station["lat"], station["lon"])
    lat, lon = wgs84_to_gcj02(*home)
    amap.script[station["address"]] = amap_ok(
        amap_place("山东省济南市历下区", f"{lon:.6f},{lat:.6f}", "门牌号")
    )
    lat, lon = wgs84_to_gcj02(*listed["truth"]["C2"])
    amap.script[address("C2")] = amap_ok(
        amap_place("山东省济南市市中区", f"{lon:.6f},{lat:.6f}", "门牌号", district="市中区")
    )
    result = geocode(data, amap)
    assert result.exit_code == 3, result.output
    assert "有地址、无经纬度的共 5 行" in result.output  # the station had its coordinates
    check = {r["编号"]: r["待核对"] for r in rows(data / "geocoded" / "clients.csv")}
    assert check["C2"] == "地址在市中区，所属站点在历下区：区县是否写对？"
    assert check["C1"] == ""
    assert [r["编号"] for r in rows(data / "geocoded" / "stations.csv")] == ["S1"]
