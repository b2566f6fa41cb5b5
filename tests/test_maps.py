"""The map pages as files: one file each, escaping, datums, places, navigation links."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from markupsafe import escape

from mealroute.coords import Datum, wgs84_to_bd09, wgs84_to_gcj02
from mealroute.model import Mode, Plan, Route, StationPlan, Trip
from mealroute.render.assets import cluster_version, inline_assets, leaflet_version
from mealroute.render.mapkit import PALETTE, WorkerStyle, js_literal, trip_dash
from mealroute.render.maps import write_station_map, write_worker_map
from mealroute.render.navigation import (
    amap_app_link,
    baidu_app_link,
    navigation_links,
    web_link,
)
from mealroute.render.phones import phones
from tests.plan_factory import (
    INJECTED_ADDRESS,
    INJECTED_NAME,
    INJECTED_NOTES,
    INJECTED_REASON,
    INJECTED_WORKER,
    plain,
)

DATA = re.compile(r'<script type="application/json" id="mr-data">(.*?)</script>', re.S)


class _Links(HTMLParser):
    """Collects the resources a page loads and the links it offers."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[str] = []
        self.anchors: list[dict[str, str | None]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if attributes.get("src"):
                self.resources.append(str(attributes["src"]))
        elif tag == "link" and attributes.get("href"):
            self.resources.append(str(attributes["href"]))
        elif tag in ("img", "iframe", "source") and attributes.get("src"):
            self.resources.append(str(attributes["src"]))
        elif tag == "a":
            self.anchors.append(attributes)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text("utf-8"))
    return parser


def page_data(path: Path) -> dict[str, Any]:
    """The JSON a map page draws (markers, lines, popups)."""
    found = DATA.search(path.read_text("utf-8"))
    assert found, f"{path.name} holds no map data"
    return dict(json.loads(found.group(1)))


def flat(points: list[list[float]]) -> list[float]:
    return [value for point in points for value in point]


def marker_points(path: Path) -> list[list[float]]:
    """The station's point, then every place's point in the order drawn."""
    data = page_data(path)
    station = [[data["station"]["lat"], data["station"]["lon"]]] if data["station"] else []
    return station + [[place["lat"], place["lon"]] for place in data["places"]]


# ----------------------------------------------------------------- one file each


def test_map_pages_inline_leaflet_and_the_cluster_plugin(map_pages: dict[str, Path]) -> None:
    assert leaflet_version() == "1.9.4"
    assert cluster_version() == "1.4.1"
    assets = inline_assets()
    for page in map_pages.values():
        text = page.read_text("utf-8")
        assert str(assets.leaflet_js) in text, page.name
        assert str(assets.cluster_js) in text, page.name
        assert str(assets.maps_js) in text, page.name
        assert text.count("Leaflet 1.9.4") == 1, f"{page.name} inlines Leaflet twice"
        assert "sourceMappingURL" not in text
        assert "url(images/" not in text  # no image beside the page is needed


def test_pages_load_nothing_beside_them(map_pages: dict[str, Path]) -> None:
    for page in map_pages.values():
        assert parse(page).resources == [], page.name


def test_pages_hold_no_cdn_library_or_icon_font(map_pages: dict[str, Path]) -> None:
    for page in map_pages.values():
        text = page.read_text("utf-8").lower()
        for banned in ("cdn", "jquery", "bootstrap", "font-awesome", "fontawesome", "glyphicon"):
            assert banned not in text, f"{page.name} mentions {banned}"
        assert "$(" not in text  # Folium's popups call jQuery
        assert "user-scalable=no" not in text  # the page can be zoomed


def test_the_only_remote_urls_are_tiles_and_navigation(map_pages: dict[str, Path]) -> None:
    allowed = (
        "https://tile.openstreetmap.org/",
        "https://webrd0{s}.is.autonavi.com/",
        "https://www.openstreetmap.org/copyright",
        "https://www.amap.com/",
        "https://uri.amap.com/navigation?",
        "https://leafletjs.com",  # Leaflet's attribution link
        "http://www.w3.org/2000/svg",  # a namespace name in Leaflet, never fetched
    )
    for page in map_pages.values():
        for url in re.findall(r"https?://[^\s\"'<>\\]+", page.read_text("utf-8")):
            assert url.startswith(allowed), f"{page.name}: {url}"


def test_worker_page_weighs_little_beyond_its_libraries(map_pages: dict[str, Path]) -> None:
    assets = inline_assets()
    libraries = sum(
        len(str(part).encode()) for part in (assets.libraries, assets.styles, assets.maps_js)
    )
    page = map_pages["zh-osm-W1"].stat().st_size
    assert libraries < 230_000  # Leaflet, the cluster plugin and mealroute's own script
    assert page - libraries < 30_000  # four stops: header, list and map data


# ----------------------------------------------------------------- escaping


def test_spreadsheet_text_is_escaped_in_html(map_pages: dict[str, Path]) -> None:
    worker = map_pages["zh-osm-W1"].read_text("utf-8")
    for text in (INJECTED_NAME, INJECTED_NOTES):
        assert text not in worker
        assert str(escape(text)) in worker  # shown in the stop list, as text
    assert str(escape(INJECTED_ADDRESS)) in worker
    assert "<img" not in worker
    assert "<svg onload" not in worker
    overview = map_pages["zh-osm-overview"].read_text("utf-8")
    assert INJECTED_WORKER not in overview
    assert "<b onmouseover" not in overview
    assert str(escape(INJECTED_WORKER)) in overview  # the list of workers, as text


def test_scripts_cannot_be_closed_by_spreadsheet_text(map_pages: dict[str, Path]) -> None:
    for page in map_pages.values():
        text = page.read_text("utf-8")
        # Every "</script" closes a script element the page opened itself.
        assert text.lower().count("</script") == parse(page).scripts, page.name
        assert "<!--" not in text


def test_popup_text_is_escaped_json(map_pages: dict[str, Path]) -> None:
    overview = map_pages["zh-osm-overview"].read_text("utf-8")
    # The unserved reason reaches the page only as text in a JSON string, which the
    # map script puts into the popup with textContent.
    assert js_literal(INJECTED_REASON)[1:-1] in overview
    assert INJECTED_REASON not in overview
    assert "bindPopup(`" not in overview
    data = page_data(map_pages["zh-osm-overview"])
    assert data["unserved"][0]["pop"][0]["rows"][0][1] == INJECTED_REASON


def test_js_literal_escapes_what_could_end_a_script() -> None:
    value = "</script><!-- & ' \u2028"
    literal = js_literal(value)
    assert "<" not in literal
    assert ">" not in literal
    assert "&" not in literal
    assert "\u2028" not in literal
    assert json.loads(literal) == value


def test_map_script_sets_text_never_html() -> None:
    script = str(inline_assets().maps_js)
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script
    assert "textContent" in script


# ----------------------------------------------------------------- datums


def test_osm_pages_draw_wgs84_and_amap_pages_gcj02(
    map_plan: Plan, map_pages: dict[str, Path]
) -> None:
    station = map_plan.stations[0]
    assert station.lat is not None
    assert station.lon is not None
    points = [(station.lat, station.lon)]
    points += [(s.lat, s.lon) for t in station.routes[0].trips for s in t.stops]
    wgs = [list(point) for point in points]
    gcj = [list(wgs84_to_gcj02(*point)) for point in points]
    osm, amap = marker_points(map_pages["zh-osm-W1"]), marker_points(map_pages["en-amap-W1"])
    assert flat(osm) == pytest.approx(flat(wgs), abs=1e-6)
    assert flat(amap) == pytest.approx(flat(gcj), abs=1e-6)
    shift = amap[1][1] - osm[1][1]
    assert 0.0055 < shift < 0.0065  # hundreds of metres east in Jinan


# ----------------------------------------------------------------- content


def test_overview_lists_every_worker_and_draws_every_place(map_pages: dict[str, Path]) -> None:
    path = map_pages["zh-osm-overview"]
    data = page_data(path)
    assert len(data["workers"]) == 2
    assert [place["n"] for place in data["places"]] == [[1], [2], [3], [4], [1], [2]]
    assert [place["w"] for place in data["places"]] == [0, 0, 0, 0, 1, 1]
    assert len(data["unserved"]) == 1
    assert data["station"]["label"] == "站"
    toggles = re.findall(r'<input type="checkbox" checked data-worker="(\d+)">', path.read_text())
    assert toggles == ["0", "1"]


def test_worker_page_lists_stops_in_order_with_trip_boundaries(map_pages: dict[str, Path]) -> None:
    text = map_pages["en-amap-W1"].read_text("utf-8")
    assert [int(n) for n in re.findall(r'id="stop-(\d+)"', text)] == [1, 2, 3, 4]
    assert "Tue 1 Dec 2026" in text
    assert "Trip 1 — depart 10:40, 4 meals" in text
    assert "Back at the station 11:40 to reload; depart again 11:45" in text
    assert "Back at the station 12:25; done for the day" in text
    assert text.index("张秀英") < text.index("刘桂兰") < text.index("陈志强")
    zh = map_pages["zh-osm-W1"].read_text("utf-8")
    assert "2026年12月1日 星期二" in zh
    assert "11:40 回到站点装餐，11:45 再出发" in zh
    assert "失能" in zh
    assert "清真、低盐" in zh


def test_worker_page_offers_a_call_and_three_navigation_links(
    map_plan: Plan, map_pages: dict[str, Path]
) -> None:
    anchors = parse(map_pages["zh-osm-W1"]).anchors
    hrefs = [str(a["href"]) for a in anchors]
    assert "tel:053188881234" in hrefs
    assert "tel:+8613900000000" in hrefs
    nav = [a for a in anchors if "mr-nav" in str(a.get("class"))]
    assert len(nav) == 3 * 4
    assert {a["data-datum"] for a in nav} == {"gcj02", "bd09ll"}
    names = [s.name for r in map_plan.stations[0].routes for t in r.trips for s in t.stops]
    for anchor in nav:
        for attribute in ("href", "data-ios", "data-android"):
            value = unquote(str(anchor.get(attribute) or ""))
            assert not any(name in value for name in names)  # names stay on the page


def test_station_without_location_or_routes_still_draws(map_plan: Plan, tmp_path: Path) -> None:
    failed = StationPlan(
        station_id="../../etc/passwd",
        name="",
        lat=None,
        lon=None,
        routes=(),
        unserved=dataclasses.replace(map_plan.stations[0], routes=()).unserved,
        error=plain("station has no coordinates"),
    )
    path = write_station_map(map_plan, failed, tmp_path, lang="en", tiles="osm")
    assert path.resolve().is_relative_to(tmp_path.resolve())
    assert "station has no coordinates" in path.read_text("utf-8")
    data = page_data(path)
    assert data["places"] == []
    assert data["station"] is None


def test_unserved_without_location_is_counted_in_the_legend(map_plan: Plan, tmp_path: Path) -> None:
    station = map_plan.stations[0]
    unplaced = dataclasses.replace(station.unserved[0], lat=None, lon=None)
    station = dataclasses.replace(station, unserved=(*station.unserved, unplaced))
    path = write_station_map(map_plan, station, tmp_path, lang="en", tiles="osm")
    assert "1 unserved client has no location and is not on the map" in path.read_text("utf-8")
    assert len(page_data(path)["unserved"]) == 1


def test_many_workers_keep_distinct_styles(map_plan: Plan, tmp_path: Path) -> None:
    styles = [WorkerStyle.of(i) for i in range(12)]
    assert len({s.color for s in styles[:8]}) == 8
    assert len({(s.color, s.shape) for s in styles}) == 12
    assert styles[8].color == styles[0].color
    assert styles[8].shape != styles[0].shape
    assert trip_dash(0) is None
    assert trip_dash(1) != trip_dash(2)
    station = map_plan.stations[0]
    trip = station.routes[0].trips[0]
    routes = tuple(
        Route(worker_id=f"W{i}", name=f"N{i}", mode=Mode.BIKE, capacity=5, trips=(trip,))
        for i in range(10)
    )
    many = dataclasses.replace(station, routes=routes)
    path = write_station_map(map_plan, many, tmp_path, lang="zh", tiles="osm")
    workers = page_data(path)["workers"]
    assert len(workers) == 10
    assert workers[8]["shape"] == "square"
    assert "mr-square" in path.read_text("utf-8")  # the list of workers shows the shape


def test_marker_numbers_are_readable_on_their_colour() -> None:
    text = {color: WorkerStyle.of(i).text_color for i, color in enumerate(PALETTE)}
    assert text["#F0E442"] == text["#E69F00"] == text["#56B4E9"] == "#000000"
    assert text["#0072B2"] == text["#000000"] == "#ffffff"


def test_unknown_tiles_or_language_are_refused(map_plan: Plan, tmp_path: Path) -> None:
    station = map_plan.stations[0]
    with pytest.raises(ValueError, match="tiles"):
        write_station_map(map_plan, station, tmp_path, lang="zh", tiles="google")
    with pytest.raises(ValueError, match="lang"):
        write_station_map(map_plan, station, tmp_path, lang="fr", tiles="osm")


# ----------------------------------------------------------------- navigation links

JINAN = (36.6702, 117.0251)


def test_amap_app_link_is_gcj02_without_further_shift() -> None:
    link = amap_app_link(*JINAN, "历下区解放路12号", Mode.EBIKE)
    assert link.datum is Datum.GCJ02
    parts = urlsplit(link.url)
    assert (parts.scheme, parts.netloc, parts.path) == ("amapuri", "route", "/plan/")
    query = parse_qs(parts.query)
    lat, lon = wgs84_to_gcj02(*JINAN)
    assert float(query["dlat"][0]) == pytest.approx(lat, abs=1e-6)
    assert float(query["dlon"][0]) == pytest.approx(lon, abs=1e-6)
    assert query["dev"] == ["0"]
    assert query["t"] == ["3"]  # riding
    assert query["dname"] == ["历下区解放路12号"]
    assert link.ios_url is not None
    assert link.ios_url.startswith("iosamap://path?")
    assert link.ios_url.split("?")[1] == parts.query


def test_baidu_app_link_is_bd09() -> None:
    link = baidu_app_link(*JINAN, "Heping Rd 3 | back", Mode.WALK)
    assert link.datum is Datum.BD09
    assert link.url.startswith("baidumap://map/direction?")
    assert link.android_url is not None
    assert link.android_url.startswith("bdapp://map/direction?")
    query = parse_qs(urlsplit(link.url).query)
    assert query["coord_type"] == ["bd09ll"]
    assert query["mode"] == ["walking"]
    name, latlng = query["destination"][0].split("|")
    assert name == "name:Heping Rd 3 back"  # the separator cannot split the field
    lat, lon = (float(v) for v in latlng.removeprefix("latlng:").split(","))
    assert (lat, lon) == pytest.approx(wgs84_to_bd09(*JINAN), abs=1e-6)


def test_web_link_is_amap_uri_api_in_gcj02() -> None:
    link = web_link(*JINAN, "文化东路5号", Mode.CAR)
    parts = urlsplit(link.url)
    assert parts.netloc == "uri.amap.com"
    assert parts.path == "/navigation"
    query = parse_qs(parts.query)
    lon, lat, name = query["to"][0].split(",")
    assert (float(lat), float(lon)) == pytest.approx(wgs84_to_gcj02(*JINAN), abs=1e-6)
    assert name == "文化东路5号"
    assert query["coordinate"] == ["gaode"]
    assert query["mode"] == ["car"]


def test_navigation_links_come_in_app_order() -> None:
    assert [link.app for link in navigation_links(*JINAN, "x", Mode.BIKE)] == [
        "amap",
        "baidu",
        "web",
    ]


def test_trip_lines_leave_and_return_to_the_station(
    map_plan: Plan, map_pages: dict[str, Path]
) -> None:
    data = page_data(map_pages["zh-osm-W1"])
    station = [map_plan.stations[0].lat, map_plan.stations[0].lon]
    trips: list[Trip] = list(map_plan.stations[0].routes[0].trips)
    assert len(data["lines"]) == len(trips)
    for line, trip in zip(data["lines"], trips, strict=True):
        points = line["pts"]
        assert points[0] == station
        assert points[-1] == station
        assert flat(points[1:-1]) == pytest.approx(flat([[s.lat, s.lon] for s in trip.stops]))
    assert [line["dash"] for line in data["lines"]] == [None, "12 8"]


def test_idle_worker_gets_a_page_saying_so_and_whom_to_ask(map_plan: Plan, tmp_path: Path) -> None:
    station = map_plan.stations[0]
    idle = Route(worker_id="W9", name="赵敏", mode=Mode.WALK, capacity=3, trips=())
    station = dataclasses.replace(station, routes=(*station.routes, idle))
    path = write_worker_map(map_plan, station, idle, tmp_path, lang="zh", tiles="osm")
    text = path.read_text("utf-8")
    assert "今天无送餐任务" in text
    assert "请联系泉城社工站" in text
    assert 'href="tel:053112345678"' in text  # the station's phone, one tap
    assert "Leaflet" not in text  # no map: a few kilobytes that open anywhere
    assert path.stat().st_size < 20_000
    english = write_worker_map(map_plan, station, idle, tmp_path / "en", lang="en", tiles="osm")
    assert "No deliveries today" in english.read_text("utf-8")


def test_stops_of_one_building_share_a_marker_and_the_line_runs_to_it(
    map_plan: Plan, tmp_path: Path
) -> None:
    station = map_plan.stations[0]
    route = station.routes[0]
    trip = route.trips[0]
    gate = (36.6690, 117.0300)
    moved = (
        dataclasses.replace(
            trip.stops[0], lat=gate[0], lon=gate[1], address="兴业路69号 18号楼1单元401"
        ),
        dataclasses.replace(
            trip.stops[1], lat=gate[0] + 0.0001, lon=gate[1], address="兴业路69号 18号楼2单元302"
        ),
        trip.stops[2],
    )
    route = dataclasses.replace(
        route, trips=(dataclasses.replace(trip, stops=moved), route.trips[1])
    )
    station = dataclasses.replace(station, routes=(route, station.routes[1]))
    data = page_data(write_worker_map(map_plan, station, route, tmp_path, lang="zh", tiles="osm"))
    assert [place["n"] for place in data["places"]] == [[1, 2], [3], [4]]
    shared = data["places"][0]
    assert [block["title"] for block in shared["pop"]] == [
        f"1. {moved[0].name}",
        f"2. {moved[1].name}",
    ]
    first_line = data["lines"][0]["pts"]
    assert first_line[1] == [shared["lat"], shared["lon"]]  # the line ends at the marker
    assert len(first_line) == 4  # station, the building, stop 3, station


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0531-8888 1234", ["tel:053188881234"]),
        ("+86 139 0000 0000", ["tel:+8613900000000"]),
        ("138 0000 0000 / 139 1111 1111", ["tel:13800000000", "tel:13911111111"]),
        ("13800000000或13900000000", ["tel:13800000000", "tel:13900000000"]),
        ("13800000000、0531-88881234", ["tel:13800000000", "tel:053188881234"]),
        ("0531-8888 1234 转 806", ["tel:053188881234,806"]),
        ('1380000"><script>', ["tel:1380000"]),
        ("none", []),
        ("", []),
    ],
)
def test_every_number_of_a_phone_cell_is_its_own_link(cell: str, expected: list[str]) -> None:
    assert [phone.href for phone in phones(cell)] == expected


def test_several_numbers_become_several_call_buttons(map_plan: Plan, tmp_path: Path) -> None:
    station = map_plan.stations[0]
    route = station.routes[0]
    trip = route.trips[0]
    first = dataclasses.replace(trip.stops[0], phone="138 0000 0000 / 139 1111 1111")
    route = dataclasses.replace(
        route, trips=(dataclasses.replace(trip, stops=(first, *trip.stops[1:])), route.trips[1])
    )
    station = dataclasses.replace(station, routes=(route, station.routes[1]))
    path = write_worker_map(map_plan, station, route, tmp_path, lang="zh", tiles="osm")
    calls = [a for a in parse(path).anchors if "mr-call" in str(a.get("class"))]
    assert [a["href"] for a in calls][:2] == ["tel:13800000000", "tel:13911111111"]
    block = page_data(path)["places"][0]["pop"][0]
    assert block["tel"] == [
        ["138 0000 0000", "tel:13800000000"],
        ["139 1111 1111", "tel:13911111111"],
    ]
