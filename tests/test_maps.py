"""The map pages as files: offline links, escaping, datums, navigation links, layout."""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from mealroute.coords import Datum, wgs84_to_bd09, wgs84_to_gcj02
from mealroute.model import Mode, Plan, Route, StationPlan, Trip
from mealroute.render.assets import LEAFLET_DIR, install_assets, leaflet_version
from mealroute.render.mapkit import PALETTE, WorkerStyle, js_literal, trip_dash
from mealroute.render.maps import write_station_map, write_worker_map
from mealroute.render.navigation import (
    amap_app_link,
    baidu_app_link,
    navigation_links,
    tel_link,
    web_link,
)
from tests.plan_factory import (
    INJECTED_ADDRESS,
    INJECTED_NAME,
    INJECTED_NOTES,
    INJECTED_REASON,
    INJECTED_WORKER,
    plain,
)

MARKER = re.compile(r"L\.marker\(\s*\[(-?[\d.]+), (-?[\d.]+)\]")


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


# ----------------------------------------------------------------- offline


def test_install_assets_copies_leaflet_with_its_images(tmp_path: Path) -> None:
    install_assets(tmp_path)
    folder = tmp_path / LEAFLET_DIR
    assert (folder / "leaflet.js").stat().st_size > 100_000
    assert "leaflet-container" in (folder / "leaflet.css").read_text("utf-8")
    for name in ("layers.png", "marker-icon.png", "marker-shadow.png"):
        assert (folder / "images" / name).read_bytes().startswith(b"\x89PNG")
    assert leaflet_version().startswith("1.9.")


def test_pages_load_only_local_files_that_exist(map_pages: dict[str, Path]) -> None:
    for page in map_pages.values():
        links = parse(page)
        assert links.resources, page
        for url in links.resources:
            assert not urlsplit(url).scheme, f"{page.name} loads {url}"
            assert not url.startswith("/"), f"{page.name} loads {url}"
            assert (page.parent / url).resolve().is_file(), f"{page.name}: missing {url}"


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
    )
    for page in map_pages.values():
        for url in re.findall(r"https?://[^\s\"'<>\\]+", page.read_text("utf-8")):
            assert url.startswith(allowed), f"{page.name}: {url}"


# ----------------------------------------------------------------- escaping


def test_spreadsheet_text_is_escaped_in_html(map_pages: dict[str, Path]) -> None:
    worker = map_pages["zh-osm-W1"].read_text("utf-8")
    for text in (INJECTED_NAME, INJECTED_NOTES):
        assert text not in worker
        assert html.escape(text) in worker  # shown in the stop list, as text
    assert html.escape(INJECTED_ADDRESS) in worker
    assert "<img" not in worker
    assert "<svg onload" not in worker
    overview = map_pages["zh-osm-overview"].read_text("utf-8")
    assert INJECTED_WORKER not in overview
    assert "<b onmouseover" not in overview


def test_scripts_cannot_be_closed_by_spreadsheet_text(map_pages: dict[str, Path]) -> None:
    for page in map_pages.values():
        text = page.read_text("utf-8")
        # Every "</script" closes a script element the page opened itself.
        assert text.lower().count("</script") == parse(page).scripts, page.name
        assert "<!--" not in text


def test_popup_text_is_escaped_json(map_pages: dict[str, Path]) -> None:
    overview = map_pages["zh-osm-overview"].read_text("utf-8")
    # The unserved reason reaches the page only as HTML-escaped text in a JSON string.
    assert js_literal(html.escape(INJECTED_REASON))[1:-1] in overview
    assert "bindPopup(`" not in overview
    assert "bindTooltip(`" not in overview


def test_js_literal_escapes_what_could_end_a_script() -> None:
    value = "</script><!-- & ' \u2028"
    literal = js_literal(value)
    assert "<" not in literal
    assert ">" not in literal
    assert "&" not in literal
    assert literal.isascii()


# ----------------------------------------------------------------- datums


def _markers(page: Path) -> list[float]:
    """Every marker's latitude and longitude, flattened, in the order drawn."""
    return [float(v) for pair in MARKER.findall(page.read_text("utf-8")) for v in pair]


def test_osm_pages_draw_wgs84_and_amap_pages_gcj02(
    map_plan: Plan, map_pages: dict[str, Path]
) -> None:
    station = map_plan.stations[0]
    assert station.lat is not None
    assert station.lon is not None
    points = [(station.lat, station.lon)]
    points += [(s.lat, s.lon) for t in station.routes[0].trips for s in t.stops]
    wgs = [v for point in points for v in point]
    gcj = [v for point in points for v in wgs84_to_gcj02(*point)]
    assert _markers(map_pages["zh-osm-W1"]) == pytest.approx(wgs, abs=1e-9)
    assert _markers(map_pages["en-amap-W1"]) == pytest.approx(gcj, abs=1e-9)
    shift = _markers(map_pages["en-amap-W1"])[1] - _markers(map_pages["zh-osm-W1"])[1]
    assert 0.0055 < shift < 0.0065  # hundreds of metres east in Jinan


# ----------------------------------------------------------------- content


def test_overview_has_a_layer_per_worker_and_every_marker(map_pages: dict[str, Path]) -> None:
    text = map_pages["zh-osm-overview"].read_text("utf-8")
    assert text.count("L.featureGroup(") == 3  # two workers and the unserved
    assert text.count("L.control.layers(") == 1
    assert text.count("window.mealroute.stops.push") == 6
    assert text.count("window.mealroute.unserved.push") == 1
    assert text.count("window.mealroute.station.push") == 1


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
    text = path.read_text("utf-8")
    assert "station has no coordinates" in text
    assert "window.mealroute.stops.push" not in text


def test_unserved_without_location_is_counted_in_the_legend(map_plan: Plan, tmp_path: Path) -> None:
    station = map_plan.stations[0]
    unplaced = dataclasses.replace(station.unserved[0], lat=None, lon=None)
    station = dataclasses.replace(station, unserved=(*station.unserved, unplaced))
    text = write_station_map(map_plan, station, tmp_path, lang="en", tiles="osm").read_text("utf-8")
    assert "1 unserved clients have no location" in text
    assert text.count("window.mealroute.unserved.push") == 1


def test_worker_without_trips_gets_a_page_saying_so(map_plan: Plan, tmp_path: Path) -> None:
    station = map_plan.stations[0]
    idle = Route(worker_id="W9", name="Idle", mode=Mode.WALK, capacity=3, trips=())
    path = write_worker_map(map_plan, station, idle, tmp_path, lang="en", tiles="osm")
    assert "No deliveries today." in path.read_text("utf-8")


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
    text = write_station_map(map_plan, many, tmp_path, lang="zh", tiles="osm").read_text("utf-8")
    assert text.count("L.featureGroup(") == 11
    assert "mr-square" in text


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


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("0531-8888 1234", "tel:053188881234"),
        ("+86 139 0000 0000", "tel:+8613900000000"),
        ("13800000000 / 13900000000", "tel:13800000000"),
        ("13800000000或13900000000", "tel:13800000000"),
        ('1380000"><script>', "tel:1380000"),
        ("none", None),
        ("", None),
    ],
)
def test_tel_link_keeps_only_digits(phone: str, expected: str | None) -> None:
    assert tel_link(phone) == expected


def test_trip_lines_leave_and_return_to_the_station(
    map_plan: Plan, map_pages: dict[str, Path]
) -> None:
    text = map_pages["zh-osm-W1"].read_text("utf-8")
    lines = re.findall(r"L\.polyline\(\s*(\[\[.*?\]\])", text, flags=re.S)
    station = [map_plan.stations[0].lat, map_plan.stations[0].lon]
    trips: list[Trip] = list(map_plan.stations[0].routes[0].trips)
    coloured = lines[1::2]  # each trip: a white casing, then the coloured line
    assert len(coloured) == len(trips)
    for line, trip in zip(coloured, trips, strict=True):
        points = [[float(v) for v in p.split(",")] for p in re.findall(r"\[([^\[\]]+)\]", line)]
        assert points[0] == station
        assert points[-1] == station
        assert points[1:-1] == [[s.lat, s.lon] for s in trip.stops]


def test_map_labels_exist_in_both_languages() -> None:
    from mealroute.render.maps import _LABELS

    def base(keys: set[str]) -> set[str]:
        return {key.removesuffix("_one") for key in keys}

    assert base(set(_LABELS["zh"])) == base(set(_LABELS["en"]))
    assert all(text.strip() for labels in _LABELS.values() for text in labels.values())
