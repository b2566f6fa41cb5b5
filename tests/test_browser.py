"""The day pack in a real browser (headless Debian Chromium) with the network blocked.

Every request that is not for a local file is aborted and recorded. Each kind of page a
person may forward (a worker's page, the station map, the sheets, the kitchen list) is
copied alone into an empty folder and opened there, as it is when it arrives in a chat
app: the maps must still draw every stop and line, open the tapped marker's popup and
show the lists, and the only requests they try are map tiles. Screenshots of each kind
of page, at phone (390x844) and desktop (1366x900) size, go to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from mealroute.coords import wgs84_to_gcj02
from mealroute.model import Plan
from mealroute.render import render_day
from mealroute.render.maps import write_worker_map
from tests.plan_factory import (
    INJECTED_ADDRESS,
    INJECTED_NAME,
    INJECTED_NOTES,
    INJECTED_REASON,
    INJECTED_WORKER,
    hostile_plan,
)

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (Debian: apt-get install chromium); "
        "the browser tests need it",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Dialog,
        Page,
        Route,
        ViewportSize,
    )

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
TILE_HOSTS = {"tile.openstreetmap.org"} | {f"webrd0{n}.is.autonavi.com" for n in range(1, 5)}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
IPHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"
ANDROID_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile"


@dataclass
class Visit:
    """An opened page and what happened while it ran."""

    page: Page
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def real_errors(self) -> list[str]:
        """Console errors other than the tile loads the test itself blocked."""
        return [e for e in self.console_errors if e not in self.blocked]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def visit(browser: Browser) -> Iterator[Callable[..., Visit]]:
    """Open a file with the network blocked; closes its context afterwards."""
    contexts: list[BrowserContext] = []

    def open_page(
        path: Path, viewport: ViewportSize = PHONE, user_agent: str | None = None
    ) -> Visit:
        context = browser.new_context(viewport=viewport, user_agent=user_agent)
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)

        def route(handle: Route) -> None:
            if handle.request.url.startswith("file://"):
                handle.continue_()
            else:
                seen.blocked.append(handle.request.url)
                handle.abort()

        context.route("**/*", route)
        page.on(
            "console",
            lambda m: (
                seen.console_errors.append(m.location.get("url") or m.text)
                if m.type == "error" and m.text.startswith("Failed to load resource")
                else (seen.console_errors.append(m.text) if m.type == "error" else None)
            ),
        )
        page.on("pageerror", lambda e: seen.console_errors.append(f"page error: {e}"))

        def dialog(d: Dialog) -> None:
            seen.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(path.as_uri())
        page.wait_for_function("window.mealroute && window.mealroute.map")
        return seen

    yield open_page
    for context in contexts:
        context.close()


def latlngs(page: Page, kind: str) -> list[list[float]]:
    """Where the page's markers of ``kind`` stand (their points, not their icons)."""
    return page.evaluate(
        f"window.mealroute.{kind}.map(m => [m.getLatLng().lat, m.getLatLng().lng])"
    )


def assert_offline_and_clean(seen: Visit) -> None:
    assert seen.real_errors() == []
    assert seen.dialogs == []
    assert seen.blocked, "the tiles were never requested"
    assert {urlsplit(url).hostname for url in seen.blocked} <= TILE_HOSTS
    assert seen.page.evaluate("typeof window.L === 'object' && L.version") == "1.9.4"


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(150)  # let Leaflet finish its zoom animation
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


# ----------------------------------------------------------------- helpers

DRAWN = """() => {
  const r = window.mealroute;
  const at = m => [m.getLatLng().lat, m.getLatLng().lng];
  return {
    places: r.places.length,
    stops: r.stops.filter(Boolean).length,
    shown: r.places.concat(r.unserved).every(m => !!r.group.getVisibleParent(m)),
    lines: r.lines.filter(l => r.map.hasLayer(l.stroke))
      .map(l => l.stroke.getLatLngs().map(p => [p.lat, p.lng])),
    points: r.places.map(at),
    station: r.station.map(at),
    unserved: r.unserved.length,
  };
}"""


def alone(path: Path, folder: Path) -> Path:
    """``path`` copied into the empty ``folder``, as a file arrives in a chat app."""
    folder.mkdir(parents=True)
    copy = folder / path.name
    shutil.copyfile(path, copy)
    assert [p.name for p in folder.iterdir()] == [path.name]
    return copy


def offline_router(blocked: list[str]) -> Callable[[Route], None]:
    """A route handler that lets local files through and blocks (and records) the rest."""

    def route(handle: Route) -> None:
        if handle.request.url.startswith("file://"):
            handle.continue_()
        else:
            blocked.append(handle.request.url)
            handle.abort()

    return route


def drawn(page: Page) -> dict:
    return page.evaluate(DRAWN)


def assert_lines_end_at_markers(seen: dict) -> None:
    """Every vertex of every line is the station or a marker's own point."""
    ends = {tuple(p) for p in seen["points"]} | {tuple(p) for p in seen["station"]}
    for line in seen["lines"]:
        assert line, "an empty line"
        for point in line:
            assert tuple(point) in ends, f"a line bends at {point}, where no marker stands"


def settle(page: Page) -> None:
    """Wait until the cluster layer's zoom and fan-out animations are over."""
    page.wait_for_function("!document.querySelector('.leaflet-cluster-anim')")
    page.wait_for_timeout(350)  # the markers' CSS transitions (0.3 s)


def tap_marker_opens_its_own_popup(page: Page, index: int) -> None:
    """Tap place marker ``index`` where it shows; the popup must be that marker's."""
    settle(page)
    box = page.evaluate(
        f"""() => {{
          const m = window.mealroute.places[{index}];
          const r = m._icon.getBoundingClientRect();
          return [r.left + r.width / 2, r.top + r.height / 2];
        }}"""
    )
    page.mouse.click(box[0], box[1])
    page.locator(".leaflet-popup-content").wait_for()
    assert page.evaluate(
        f"window.mealroute.map._popup._source === window.mealroute.places[{index}]"
    ), f"tapping marker {index} opened another marker's popup"
    numbers = page.evaluate(f"window.mealroute.places[{index}].options.mr.n")
    text = page.locator(".leaflet-popup-content").inner_text()
    for n in numbers:
        assert f"{n}. " in text
    page.evaluate("window.mealroute.map.closePopup()")
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")


def individually_shown(page: Page) -> list[int]:
    """Place markers drawn as themselves (not inside a cluster) at this zoom."""
    return page.evaluate(
        "window.mealroute.places.map((m, i) => m._icon && window.mealroute.group"
        ".getVisibleParent(m) === m ? i : -1).filter(i => i >= 0)"
    )


# ----------------------------------------------------------------- each page alone


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole day pack (render_day) of the map plan with an idle worker added."""
    from tests.plan_factory import map_plan_with_idle_worker

    folder = tmp_path_factory.mktemp("browser-pack")
    render_day(map_plan_with_idle_worker(), folder, lang="zh", tiles="osm", redact=False)
    return folder


def test_worker_page_alone_draws_every_stop_offline(
    pack: Path, tmp_path: Path, visit, map_plan: Plan
) -> None:
    path = alone(pack / "stations" / "S1" / "worker-W1.html", tmp_path / "chat")
    seen = visit(path, PHONE)
    assert_offline_and_clean(seen)
    page = seen.page
    route = map_plan.stations[0].routes[0]
    result = drawn(page)
    assert result["stops"] == len(route.stops) == 4
    assert result["places"] == 4
    assert result["shown"]
    assert len(result["lines"]) == len(route.trips)
    assert [len(line) for line in result["lines"]] == [5, 3]  # station, stops, station
    assert_lines_end_at_markers(result)
    items = page.locator("li.mr-stop .mr-name")
    assert [items.nth(i).inner_text() for i in range(items.count())] == [
        s.name for s in route.stops
    ]
    assert page.locator(".mr-reload").count() == len(route.trips)
    assert "11:40" in page.locator(".mr-reload").first.inner_text()
    assert "计划编号" in page.locator(".mr-top").inner_text()
    # The sticky header stays on screen while the list scrolls.
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    assert page.locator(".mr-top").bounding_box()["y"] == 0
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "worker-phone")


def test_station_map_alone_draws_every_stop_and_lists_every_worker(
    pack: Path, tmp_path: Path, visit, map_plan: Plan
) -> None:
    path = alone(pack / "stations" / "S1" / "map.html", tmp_path / "chat")
    seen = visit(path, DESKTOP)
    assert_offline_and_clean(seen)
    page = seen.page
    station = map_plan.stations[0]
    result = drawn(page)
    assert result["stops"] == station.served
    assert result["unserved"] == 1
    assert result["shown"]
    assert len(result["lines"]) == sum(len(r.trips) for r in station.routes)
    assert_lines_end_at_markers(result)
    entries = page.locator("#mr-workers li")
    assert entries.count() == 3  # two who deliver and the idle one
    assert "无送餐任务" in entries.nth(2).inner_text()
    assert INJECTED_WORKER in entries.nth(1).inner_text()  # shown as text
    assert page.locator("b[onmouseover]").count() == 0
    assert page.locator(".mr-legend").inner_text().startswith("图例")
    assert "计划编号" in page.locator(".mr-bar").inner_text()
    shoot(page, "overview-desktop")


@pytest.mark.parametrize("name", ["sheets.html", "kitchen.html"])
def test_printed_pages_alone_need_nothing_else(
    pack: Path, tmp_path: Path, browser: Browser, name: str
) -> None:
    path = alone(pack / "stations" / "S1" / name, tmp_path / "chat")
    context = browser.new_context(viewport=PHONE)
    requests: list[str] = []
    errors: list[str] = []
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith("file://")
            else (requests.append(r.request.url), r.abort())
        ),
    )
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert requests == []
    assert errors == []
    assert "计划编号" in page.inner_text("body")
    assert "赵敏" in page.inner_text("body")  # the idle worker is listed too
    context.close()


def test_idle_worker_page_says_there_is_no_delivery_and_whom_to_call(
    pack: Path, tmp_path: Path, browser: Browser
) -> None:
    path = alone(pack / "stations" / "S1" / "worker-W9.html", tmp_path / "chat")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    assert errors == []
    assert "今天无送餐任务" in page.locator(".mr-idle-big").inner_text()
    call = page.locator("a.mr-call")
    assert call.get_attribute("href") == "tel:053112345678"
    assert call.bounding_box()["height"] >= 44
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "worker-idle-phone.png"))
    context.close()


# ----------------------------------------------------------------- taps and popups


def test_every_tapped_marker_opens_its_own_popup(map_pages: dict[str, Path], visit) -> None:
    page = visit(map_pages["zh-osm-overview"], DESKTOP).page
    shown = individually_shown(page)
    assert shown, "no marker is drawn as itself"
    for index in shown:
        tap_marker_opens_its_own_popup(page, index)


def test_overview_switch_hides_a_worker_and_its_lines(map_pages: dict[str, Path], visit) -> None:
    page = visit(map_pages["zh-osm-overview"], DESKTOP).page
    page.locator("#mr-workers input[data-worker='0']").uncheck()
    result = drawn(page)
    assert len(result["lines"]) == 1  # W2's one trip
    assert (
        page.evaluate(
            "window.mealroute.places.filter(m => window.mealroute.group.hasLayer(m)).length"
        )
        == 2
    )
    page.locator("#mr-workers input[data-worker='0']").check()
    assert len(drawn(page)["lines"]) == 3


def test_clicking_an_unserved_marker_shows_the_reason_as_text(
    map_pages: dict[str, Path], visit
) -> None:
    seen = visit(map_pages["zh-osm-overview"], PHONE)
    page = seen.page
    page.evaluate("window.mealroute.open(window.mealroute.unserved[0])")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert INJECTED_REASON in popup.inner_text()
    assert page.locator("svg[onload]").count() == 0
    assert seen.dialogs == []
    shoot(page, "overview-phone")


def test_injected_text_stays_text_on_the_worker_page(map_pages: dict[str, Path], visit) -> None:
    seen = visit(map_pages["zh-osm-W1"], PHONE)
    page = seen.page
    item = page.locator("#stop-2")
    assert INJECTED_NAME in item.locator(".mr-name").inner_text()
    assert INJECTED_NOTES in item.locator(".mr-notes").inner_text()
    assert INJECTED_ADDRESS in item.locator(".mr-addr").inner_text()
    page.evaluate("window.mealroute.open(window.mealroute.stops[1])")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert INJECTED_NAME in popup.inner_text()
    assert page.locator('img[src="x"]').count() == 0
    assert seen.dialogs == []
    assert seen.real_errors() == []
    shoot(page, "worker-phone-popup")


def test_clicking_a_stop_marker_shows_its_details(map_pages: dict[str, Path], visit) -> None:
    page = visit(map_pages["zh-osm-W1"], DESKTOP).page
    tap_marker_opens_its_own_popup(page, 0)
    page.evaluate("window.mealroute.places[0].openPopup()")
    text = page.locator(".leaflet-popup-content").inner_text()
    for expected in ("张秀英", "11:02", "11:00–12:30", "历下区解放路12号", "2份", "软食", "失能"):
        assert expected in text
    assert "停留约5分钟" in text
    shoot(page, "worker-desktop")


def test_tapping_a_number_in_the_list_opens_it_on_the_map(
    map_pages: dict[str, Path], visit
) -> None:
    page = visit(map_pages["zh-osm-W1"], PHONE).page
    page.locator("#stop-4 button.mr-list-num").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "陈志强" in popup.inner_text()


def test_navigation_links_follow_the_phone(map_pages: dict[str, Path], visit) -> None:
    path = map_pages["zh-osm-W1"]
    iphone = visit(path, PHONE, IPHONE_UA).page
    assert iphone.locator("a.mr-nav-amap").first.get_attribute("href").startswith("iosamap://path?")
    assert iphone.locator("a.mr-nav-baidu").first.get_attribute("href").startswith("baidumap://")
    android = visit(path, PHONE, ANDROID_UA).page
    assert android.locator("a.mr-nav-amap").first.get_attribute("href").startswith("amapuri://")
    assert android.locator("a.mr-nav-baidu").first.get_attribute("href").startswith("bdapp://")
    box = android.locator("a.mr-nav-amap").first.bounding_box()
    assert box["height"] >= 44  # a thumb-sized tap target


# ----------------------------------------------------------------- AMap tiles and English


def test_amap_tiles_move_every_marker_by_the_gcj02_offset(
    map_pages: dict[str, Path], visit
) -> None:
    osm = visit(map_pages["zh-osm-overview"], DESKTOP)
    amap = visit(map_pages["en-amap-overview"], DESKTOP)
    assert_offline_and_clean(amap)
    assert {urlsplit(u).hostname for u in amap.blocked} <= {
        h for h in TILE_HOSTS if "autonavi" in h
    }
    for kind in ("places", "unserved", "station"):
        before, after = latlngs(osm.page, kind), latlngs(amap.page, kind)
        assert len(before) == len(after) > 0
        for (lat, lon), (glat, glon) in zip(before, after, strict=True):
            expected = wgs84_to_gcj02(lat, lon)
            assert glat == pytest.approx(expected[0], abs=1e-6)
            assert glon == pytest.approx(expected[1], abs=1e-6)
            assert 0.0055 < glon - lon < 0.0065  # about 550 m east in Jinan
            assert 0.0002 < glat - lat < 0.0006
    shoot(amap.page, "overview-desktop-en-amap")


def test_english_worker_page_on_amap_tiles(map_pages: dict[str, Path], visit) -> None:
    seen = visit(map_pages["en-amap-W2"], PHONE)
    assert_offline_and_clean(seen)
    page = seen.page
    assert "Tue 1 Dec 2026" in page.locator(".mr-top").inner_text()
    assert INJECTED_WORKER in page.locator(".mr-who").inner_text()
    assert page.locator("li.mr-stop").count() == 2
    assert "Back at the station 12:05; done for the day" in page.locator(".mr-reload").inner_text()
    shoot(page, "worker-phone-en-amap")


# ----------------------------------------------------------------- one building, many clients


def _compound(map_plan: Plan, points: list[tuple[float, float]], addresses: list[str]) -> tuple:
    """W1 of the map plan visiting ``points`` (with ``addresses``) on one trip."""
    station = map_plan.stations[0]
    first = station.routes[0]
    trip = first.trips[0]
    stops = tuple(
        dataclasses.replace(stop, lat=lat, lon=lon, address=address)
        for stop, (lat, lon), address in zip(
            (*trip.stops, first.trips[1].stops[0]), points, addresses, strict=True
        )
    )
    route = dataclasses.replace(first, trips=(dataclasses.replace(trip, stops=stops),))
    return dataclasses.replace(station, routes=(route, station.routes[1])), route


def test_one_building_is_one_marker_that_the_line_reaches(
    map_plan: Plan, tmp_path: Path, visit
) -> None:
    gate = (36.6690, 117.0300)
    points = [gate, gate, (gate[0] + 0.0001, gate[1]), (36.6601, 117.0150)]
    addresses = [
        "建设新村18号楼1单元401",
        "建设新村18号楼1单元502",
        "建设新村18号楼2单元301",
        "青年东路8号",
    ]
    station, route = _compound(map_plan, points, addresses)
    path = write_worker_map(map_plan, station, route, tmp_path, lang="zh", tiles="osm")
    page = visit(path, PHONE).page
    result = drawn(page)
    assert result["places"] == 2
    assert result["stops"] == 4
    assert_lines_end_at_markers(result)
    marker = page.locator(".leaflet-marker-icon .mr-num", has_text="1–3")
    assert marker.count() == 1  # one marker for the building, numbered for its stops
    # The marker stands on its point: its centre is where the map puts the point.
    centre = page.evaluate(
        """() => {
          const map = window.mealroute.map, m = window.mealroute.places[0];
          const r = m._icon.getBoundingClientRect(), c = map.getContainer().getBoundingClientRect();
          const p = map.latLngToContainerPoint(m.getLatLng());
          return [r.left + r.width / 2 - c.left - p.x, r.top + r.height / 2 - c.top - p.y];
        }"""
    )
    assert abs(centre[0]) <= 1 and abs(centre[1]) <= 1, "the marker was moved off its point"
    tap_marker_opens_its_own_popup(page, 0)
    page.evaluate("window.mealroute.places[0].openPopup()")
    text = page.locator(".leaflet-popup-content").inner_text()
    assert text.index("1. ") < text.index("2. ") < text.index("3. ")
    shoot(page, "worker-phone-one-building")


def test_crowded_doors_fan_out_and_each_opens_its_own_popup(
    map_plan: Plan, tmp_path: Path, visit
) -> None:
    here = (36.6690, 117.0300)
    points = [here, (here[0] + 0.00002, here[1]), (here[0], here[1] + 0.00003), (36.6601, 117.0150)]
    addresses = ["和平路1号", "和平路3号", "和平路5号", "青年东路8号"]
    station, route = _compound(map_plan, points, addresses)
    path = write_worker_map(map_plan, station, route, tmp_path, lang="zh", tiles="osm")
    page = visit(path, PHONE).page
    assert drawn(page)["places"] == 4
    cluster = page.locator(".leaflet-marker-icon .mr-cluster")
    assert cluster.count() == 1
    assert cluster.inner_text() == "1–3"  # the cluster says which stops it holds
    for index in range(3):
        page.evaluate(f"window.mealroute.open(window.mealroute.places[{index}])")
        page.wait_for_timeout(700)  # zoom and fan-out animations
        assert index in individually_shown(page)
        tap_marker_opens_its_own_popup(page, index)
    shoot(page, "worker-phone-spiderfied")


# --------------------------------------------------- the coordinator's pages and prints


@pytest.fixture(scope="module")
def day_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole day pack (render_day) of the hostile sample plan."""
    folder = tmp_path_factory.mktemp("browser-day-pack")
    render_day(hostile_plan(), folder, lang="zh", tiles="osm", redact=False)
    return folder


@pytest.mark.parametrize(
    ("name", "relative"),
    [
        ("index", "index.html"),
        ("sheets", "sheets.html"),
        ("kitchen", "kitchen.html"),
        ("hostile-map", "map.html"),
    ],
)
def test_coordinator_pages_load_offline_and_show_injections_as_text(
    browser: Browser, day_pack: Path, name: str, relative: str
) -> None:
    if relative != "index.html":
        (page_path,) = sorted(day_pack.glob(f"stations/*/{relative}"))[:1]
    else:
        page_path = day_pack / relative
    for size_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport)
        requests: list[str] = []
        errors: list[str] = []
        dialogs: list[str] = []
        route = offline_router(requests)
        context.route("**/*", route)
        page = context.new_page()
        page.on(
            "console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        if name == "hostile-map":
            requests = [u for u in requests if urlsplit(u).hostname not in TILE_HOSTS]
            errors = [e for e in errors if not e.startswith("Failed to load resource")]
        assert requests == []  # these pages need nothing from the network but tiles
        assert errors == []
        assert dialogs == []
        if name != "kitchen":  # the kitchen list shows meals, not names
            assert INJECTED_NAME in page.inner_text("body")
        assert page.locator("img[src=x]").count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}-{size_name}.png", full_page=True)
        context.close()


# ----------------------------------------------------------------- print and phone layout


def pdf_pages(pdf: bytes) -> int:
    """The pages of a PDF that Chromium printed (one ``/Type /Page`` object each)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_route_sheets_print_one_a4_page_per_worker(browser: Browser, tmp_path: Path) -> None:
    """Thirteen stops on two trips, with two-line addresses, fit one landscape A4 page
    (the sample city's busiest worker has 11); a second worker starts a page of their own."""
    from mealroute.render.sheets import write_route_sheets
    from tests.plan_factory import S1_ORIGIN, Visit, build_trip, hm, sample_plan

    plan = sample_plan()
    station = plan.stations[0]
    address = "历下区花园路146号 银河小区25号楼4单元601（东门进，右手第二栋）"
    visits = [
        Visit(f"X{i:02}", f"王秀英{i}", address=address, phone="139-0000-0000", notes="敲门稍等")
        for i in range(13)
    ]
    busy = dataclasses.replace(
        station.routes[0],
        trips=(
            build_trip(hm("10:40"), visits[:6], origin=S1_ORIGIN),
            build_trip(hm("11:50"), visits[6:], origin=S1_ORIGIN),
        ),
    )
    station = dataclasses.replace(station, routes=(busy, station.routes[1]))
    path = write_route_sheets(plan, station, tmp_path, lang="zh")
    page = browser.new_page()
    page.goto(path.as_uri())
    pdf = page.pdf(prefer_css_page_size=True)
    (tmp_path / "sheets.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 2  # one page per worker, no row left over
    page.close()


def test_names_in_the_unserved_table_do_not_wrap_letter_by_letter(
    browser: Browser, day_pack: Path
) -> None:
    for width in (390, 800, 1366):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto((day_pack / "index.html").as_uri())
        lines = page.evaluate(
            "Array.from(document.querySelectorAll('tr.unserved-client td.who'))"
            ".map(td => { const r = document.createRange(); r.selectNodeContents(td);"
            " return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; })"
        )
        assert lines, "no unserved rows"
        assert max(lines) == 1, f"a name wraps onto {max(lines)} lines at {width} px"
        if width == 800:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "index-800.png"), full_page=True)
        page.close()


# ----------------------------------------------------------------- Chinese glyphs

GLYPHS = """(selector) => {
  const el = document.querySelector(selector);
  const font = getComputedStyle(el).fontFamily;
  function pixels(ch) {
    const c = document.createElement('canvas');
    c.width = 64; c.height = 64;
    const g = c.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 64);
    g.fillStyle = '#000'; g.font = '48px ' + font; g.textBaseline = 'top';
    g.fillText(ch, 4, 4);
    return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
  }
  return {font: font, a: pixels('送'), b: pixels('餐'), missing: pixels('\\u0378')};
}"""


@pytest.mark.parametrize(
    ("relative", "selector"),
    [
        ("index.html", "h1"),
        ("stations/S1/worker-W1.html", ".mr-who"),
        ("stations/S1/map.html", ".mr-bar h1"),
        ("stations/S1/sheets.html", ".sheet-head h1"),
    ],
)
def test_chinese_text_renders_as_glyphs_not_boxes(
    pack: Path, browser: Browser, relative: str, selector: str
) -> None:
    """Chinese on the page is drawn with real glyphs, not empty boxes.

    The page's own font stack (computed for the element) draws two different Chinese
    characters, 送 and 餐, and U+0378, a code point that Unicode leaves unassigned, on
    a canvas. When a CJK font is installed (Debian: fonts-noto-cjk, which .ci/run
    installs), the two characters give two different pictures, and neither is the
    picture of the unassigned code point. When no font on the machine has Chinese
    glyphs, Chromium draws every one of them as the same "missing glyph" box (the
    .notdef glyph of the fallback font, the very box it draws for U+0378), so the
    two characters' pixels are equal to each other and to the box's, and this test
    fails, as the screenshots showed boxes where no CJK font was installed. (A font
    that draws nothing for a missing glyph gives three blank pictures: equal too.)
    """
    page = browser.new_page()
    page.goto((pack / relative).as_uri())
    drawn_glyphs = page.evaluate(GLYPHS, selector)
    page.close()
    assert drawn_glyphs["a"] != drawn_glyphs["b"], f"送 and 餐 look the same in {relative}"
    assert drawn_glyphs["a"] != drawn_glyphs["missing"], f"送 is a missing-glyph box in {relative}"
    assert drawn_glyphs["b"] != drawn_glyphs["missing"], f"餐 is a missing-glyph box in {relative}"


def test_geocoding_review_page_alone_shows_each_point_and_what_to_check(
    visit, tmp_path: Path
) -> None:
    from mealroute.coords import Datum
    from mealroute.geocode.fill import Found, Wanted
    from mealroute.geocode.providers import Answer, Level
    from mealroute.geocode.review import write_review
    from mealroute.model import Message

    def answer(lat: float, lon: float, level: Level) -> Answer:
        return Answer(lat, lon, Datum.WGS84, level, str(level), None, 1, "", "")

    hostile = INJECTED_ADDRESS + INJECTED_WORKER
    door = answer(36.668, 117.023, Level.BUILDING)
    found = [
        Found(Wanted("clients", 2, "C1", "S1", "泉城路1号"), door,
              (36.668, 117.023), (), asked=True, provider="amap"),
        Found(Wanted("clients", 3, "C2", "S1", hostile), answer(36.663, 117.025, Level.STREET),
              (36.663, 117.025), (Message("geocode_vague", {"level": "道路"}),), asked=True,
              provider="amap"),
        Found(Wanted("clients", 4, "C3", "S1", "火星路"), None, None,
              (Message("geocode_no_result"),), asked=True),
    ]  # fmt: skip
    page_path = write_review(tmp_path / "review.html", found, {"S1": (36.665, 117.020)}, lang="zh")
    seen = visit(alone(page_path, tmp_path / "alone"))
    page = seen.page
    assert_offline_and_clean(seen)
    assert latlngs(page, "points") == [[36.668, 117.023], [36.663, 117.025]]
    assert latlngs(page, "stations") == [[36.665, 117.02]]
    page.evaluate("window.mealroute.points[1].openPopup()")
    settle(page)  # the map pans the popup into view
    box = page.locator(".leaflet-popup").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert f"C2 · {hostile}" in popup
    assert "只定位到道路，不是门牌" in popup
    listed = page.locator("main table").inner_text()
    assert "火星路" in listed and "查不到这个地址" in listed
    assert "泉城路1号" not in listed  # found to a door: nothing to check
    assert seen.dialogs == []
    shoot(page, "geocode-review-phone")
