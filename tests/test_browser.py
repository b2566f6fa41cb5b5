"""The map pages in a real browser (headless Debian Chromium) with the network blocked.

Every request that is not for a local file is aborted and recorded: the pages must
still load Leaflet, draw every marker and line, open popups and show the lists, and
the only requests they try are map tiles. Screenshots of each kind of page, at phone
(390x844) and desktop (1366x900) size, go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from mealroute.coords import wgs84_to_gcj02
from mealroute.model import Plan
from mealroute.render.assets import install_assets
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
        FloatRect,
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


def settled_boxes(page: Page, selector: str) -> list[FloatRect]:
    """The boxes of ``selector`` once they stop moving (Leaflet animates the first zoom)."""
    locator = page.locator(selector)
    before: list[FloatRect] = []
    for _ in range(40):
        boxes = [box for i in range(locator.count()) if (box := locator.nth(i).bounding_box())]
        if boxes and boxes == before:
            return boxes
        before = boxes
        page.wait_for_timeout(50)
    raise AssertionError(f"{selector} kept moving for 2 s")


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


# ----------------------------------------------------------------- the overview map


def test_overview_draws_every_marker_and_line_offline(
    map_pages: dict[str, Path], visit, map_plan: Plan
) -> None:
    seen = visit(map_pages["zh-osm-overview"], DESKTOP)
    assert_offline_and_clean(seen)
    page = seen.page
    station = map_plan.stations[0]
    assert page.evaluate("window.mealroute.stops.length") == station.served
    assert page.locator(".leaflet-marker-icon .mr-num:not(.mr-unserved)").count() == 6
    assert page.locator(".leaflet-marker-icon .mr-unserved").count() == 1
    assert page.locator(".leaflet-marker-icon .mr-station").count() == 1
    trips = sum(len(route.trips) for route in station.routes)
    assert page.locator("path.leaflet-interactive").count() == 2 * trips  # casing + line
    labels = page.locator(".leaflet-control-layers-overlays label")
    assert labels.count() == 3
    assert INJECTED_WORKER in labels.nth(1).inner_text()  # shown as text
    assert page.locator("b[onmouseover]").count() == 0
    assert page.locator(".mr-legend").inner_text().startswith("图例")
    shoot(page, "overview-desktop")


def test_overview_layer_switch_hides_a_worker(map_pages: dict[str, Path], visit) -> None:
    page = visit(map_pages["zh-osm-overview"], DESKTOP).page
    page.locator(".leaflet-control-layers-overlays input").nth(0).uncheck()
    assert page.locator(".leaflet-marker-icon .mr-num:not(.mr-unserved)").count() == 2
    page.locator(".leaflet-control-layers-overlays input").nth(0).check()
    assert page.locator(".leaflet-marker-icon .mr-num:not(.mr-unserved)").count() == 6


def test_clicking_an_unserved_marker_shows_the_reason_as_text(
    map_pages: dict[str, Path], visit
) -> None:
    seen = visit(map_pages["zh-osm-overview"], PHONE)
    page = seen.page
    page.locator(".leaflet-marker-icon .mr-unserved").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert INJECTED_REASON in popup.inner_text()
    assert page.locator("svg[onload]").count() == 0
    assert seen.dialogs == []
    shoot(page, "overview-phone")


# ----------------------------------------------------------------- the worker phone map


def test_worker_map_shows_stops_in_order_offline(
    map_pages: dict[str, Path], visit, map_plan: Plan
) -> None:
    seen = visit(map_pages["zh-osm-W1"], PHONE)
    assert_offline_and_clean(seen)
    page = seen.page
    route = map_plan.stations[0].routes[0]
    stops = [stop for trip in route.trips for stop in trip.stops]
    assert page.evaluate("window.mealroute.stops.length") == len(stops)
    icons = page.locator(".leaflet-marker-icon .mr-num")
    assert [icons.nth(i).inner_text() for i in range(icons.count())] == ["1", "2", "3", "4"]
    items = page.locator("li.mr-stop .mr-name")
    assert [items.nth(i).inner_text() for i in range(items.count())] == [s.name for s in stops]
    assert page.locator(".mr-reload").count() == len(route.trips)
    assert "11:40" in page.locator(".mr-reload").first.inner_text()
    # The sticky header stays on screen while the list scrolls.
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    assert page.locator(".mr-top").bounding_box()["y"] == 0
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "worker-phone")


def test_injected_text_stays_text_on_the_worker_page(map_pages: dict[str, Path], visit) -> None:
    seen = visit(map_pages["zh-osm-W1"], PHONE)
    page = seen.page
    item = page.locator("#stop-2")
    assert INJECTED_NAME in item.locator(".mr-name").inner_text()
    assert INJECTED_NOTES in item.locator(".mr-notes").inner_text()
    assert INJECTED_ADDRESS in item.locator(".mr-addr").inner_text()
    page.locator(".leaflet-marker-icon .mr-num").nth(1).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert INJECTED_NAME in popup.inner_text()
    assert page.locator('img[src="x"]').count() == 0
    assert seen.dialogs == []
    assert seen.real_errors() == []
    shoot(page, "worker-phone-popup")


def test_clicking_a_stop_marker_shows_its_details(map_pages: dict[str, Path], visit) -> None:
    page = visit(map_pages["zh-osm-W1"], DESKTOP).page
    page.locator(".leaflet-marker-icon .mr-num").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    for expected in ("张秀英", "11:02", "11:00–12:30", "历下区解放路12号", "2份", "软食", "失能"):
        assert expected in text
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
    map_pages: dict[str, Path], visit, map_plan: Plan
) -> None:
    osm = visit(map_pages["zh-osm-overview"], DESKTOP)
    amap = visit(map_pages["en-amap-overview"], DESKTOP)
    assert_offline_and_clean(amap)
    assert {urlsplit(u).hostname for u in amap.blocked} <= {
        h for h in TILE_HOSTS if "autonavi" in h
    }
    for kind in ("stops", "unserved", "station"):
        before, after = latlngs(osm.page, kind), latlngs(amap.page, kind)
        assert len(before) == len(after) > 0
        for (lat, lon), (glat, glon) in zip(before, after, strict=True):
            expected = wgs84_to_gcj02(lat, lon)
            assert glat == pytest.approx(expected[0], abs=1e-9)
            assert glon == pytest.approx(expected[1], abs=1e-9)
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


def test_clients_in_one_building_are_all_visible_and_clickable(
    map_plan: Plan, tmp_path: Path, visit
) -> None:
    station = map_plan.stations[0]
    first = station.routes[0]
    trip = first.trips[0]
    same = (36.6690, 117.0300)  # three clients at one address, one next door
    points = [same, same, same, (same[0] + 0.00004, same[1])]
    stops = tuple(
        dataclasses.replace(stop, lat=lat, lon=lon)
        for stop, (lat, lon) in zip((*trip.stops, first.trips[1].stops[0]), points, strict=True)
    )
    route = dataclasses.replace(first, trips=(dataclasses.replace(trip, stops=stops),))
    station = dataclasses.replace(station, routes=(route,))
    install_assets(tmp_path)
    path = write_worker_map(map_plan, station, route, tmp_path, lang="zh", tiles="osm")
    page = visit(path, PHONE).page
    boxes = settled_boxes(page, ".leaflet-marker-icon .mr-num")
    assert len(boxes) == 4
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"] + 1
                or b["x"] + b["width"] <= a["x"] + 1
                or a["y"] + a["height"] <= b["y"] + 1
                or b["y"] + b["height"] <= a["y"] + 1
            )
            assert apart, "two stop markers cover each other"
    # Each marker still stands for its own point, and each can be clicked.
    assert latlngs(page, "stops") == [list(p) for p in points]
    page.locator(".leaflet-marker-icon .mr-num").nth(2).click()
    assert stops[2].name in page.locator(".leaflet-popup-content").inner_text()
    shoot(page, "worker-phone-one-building")


# --------------------------------------------------- the coordinator's pages and prints
@pytest.fixture(scope="module")
def day_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole day pack (render_day) of the hostile sample plan."""
    from mealroute.render import render_day

    folder = tmp_path_factory.mktemp("browser-day-pack")
    render_day(hostile_plan(), folder, lang="zh", tiles="osm", redact=False)
    return folder


@pytest.mark.parametrize(
    ("name", "relative"),
    [
        ("index", "index.html"),
        ("sheets", "sheets.html"),
        ("kitchen", "kitchen.html"),
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

        def route(handle: Route, requests: list[str] = requests) -> None:
            if handle.request.url.startswith("file://"):
                handle.continue_()
            else:
                requests.append(handle.request.url)
                handle.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on(
            "console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        assert requests == []  # these pages need nothing from the network at all
        assert errors == []
        assert dialogs == []
        if name != "kitchen":  # the kitchen list shows meals, not names
            assert INJECTED_NAME in page.inner_text("body")
        assert page.locator("img[src=x]").count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}-{size_name}.png", full_page=True)
        context.close()
