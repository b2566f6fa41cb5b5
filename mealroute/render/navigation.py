"""One-tap links that open a navigation app at a stop (``tel:`` links: :mod:`.phones`).

Each app expects its own datum, and each link carries it:

* AMap app: ``amapuri://route/plan/`` (Android) and ``iosamap://path`` (iOS) with
  ``dlat``/``dlon`` in GCJ-02 and ``dev=0`` ("already GCJ-02, do not shift"); ``t``
  is the travel mode (0 car, 2 walk, 3 ride). AMap's "高德地图手机版" developer guide,
  路径规划, https://lbs.amap.com/api/amap-mobile/guide/android/route and
  .../guide/ios/route.
* Baidu Maps app: ``baidumap://map/direction`` (iOS and apps), ``bdapp://map/direction``
  (Android web pages) with ``destination=name:...|latlng:lat,lon``,
  ``coord_type=bd09ll`` and ``mode`` driving/walking/riding. Baidu 百度地图调起API,
  https://lbsyun.baidu.com/docs/webapi?title=mapadjustment/uri/andriod and /ios.
* Web fallback: ``https://uri.amap.com/navigation`` with ``to=lon,lat,name`` in
  GCJ-02 (``coordinate=gaode``), which also offers to open the app
  (``callnative=1``). AMap URI API, 路径规划,
  https://lbs.amap.com/api/uri-api/guide/travel/route.

The destination label is the stop's address (or "stop N"), never the client's name:
the label travels to the map provider, the name does not need to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ..coords import Datum, wgs84_to_bd09, wgs84_to_gcj02
from ..model import Mode

SOURCE = "mealroute"
BAIDU_SOURCE = "webapp.mealroute.routes"

_AMAP_MODE = {Mode.WALK: 2, Mode.BIKE: 3, Mode.EBIKE: 3, Mode.CAR: 0}
_BAIDU_MODE = {Mode.WALK: "walking", Mode.BIKE: "riding", Mode.EBIKE: "riding", Mode.CAR: "driving"}
_WEB_MODE = {Mode.WALK: "walk", Mode.BIKE: "ride", Mode.EBIKE: "ride", Mode.CAR: "car"}

# Characters that separate fields inside these URL parameters.
_FIELD_SEPARATORS = re.compile(r"[|,;\r\n\t]+")


@dataclass(frozen=True)
class NavLink:
    """A link that opens navigation to one point.

    Attributes
    ----------
    app
        ``"amap"``, ``"baidu"`` or ``"web"``.
    url
        The link; for app links the Android form where the two differ only by scheme
        and the page swaps in ``ios_url`` / ``android_url`` by the phone it runs on.
    datum
        The datum of the coordinates in the URL.
    ios_url, android_url
        The platform-specific form, when the platform needs another one.
    """

    app: str
    url: str
    datum: Datum
    ios_url: str | None = None
    android_url: str | None = None


def _place_label(text: str) -> str:
    return " ".join(_FIELD_SEPARATORS.sub(" ", text).split())[:60]


def _q(value: str) -> str:
    return quote(value, safe="")


def _deg(value: float) -> str:
    return f"{value:.6f}"


def amap_app_link(lat: float, lon: float, label: str, mode: Mode) -> NavLink:
    """AMap app route planning to a WGS-84 point (sent as GCJ-02, ``dev=0``)."""
    g_lat, g_lon = wgs84_to_gcj02(lat, lon)
    query = urlencode(
        {
            "sourceApplication": SOURCE,
            "dlat": _deg(g_lat),
            "dlon": _deg(g_lon),
            "dname": _place_label(label),
            "dev": "0",
            "t": str(_AMAP_MODE[Mode(mode)]),
        },
        quote_via=quote,
    )
    return NavLink(
        app="amap",
        url=f"amapuri://route/plan/?{query}",
        datum=Datum.GCJ02,
        ios_url=f"iosamap://path?{query}",
    )


def baidu_app_link(lat: float, lon: float, label: str, mode: Mode) -> NavLink:
    """Baidu Maps app directions to a WGS-84 point (sent as BD-09, ``coord_type=bd09ll``)."""
    b_lat, b_lon = wgs84_to_bd09(lat, lon)
    destination = f"name:{_q(_place_label(label))}|latlng:{_deg(b_lat)},{_deg(b_lon)}"
    query = (
        f"destination={destination}&coord_type={Datum.BD09.value}"
        f"&mode={_BAIDU_MODE[Mode(mode)]}&src={BAIDU_SOURCE}"
    )
    return NavLink(
        app="baidu",
        url=f"baidumap://map/direction?{query}",
        datum=Datum.BD09,
        android_url=f"bdapp://map/direction?{query}",
    )


def web_link(lat: float, lon: float, label: str, mode: Mode) -> NavLink:
    """AMap's web route page to a WGS-84 point (sent as GCJ-02, ``coordinate=gaode``)."""
    g_lat, g_lon = wgs84_to_gcj02(lat, lon)
    to = f"{_deg(g_lon)},{_deg(g_lat)},{_place_label(label)}"
    query = urlencode(
        {
            "to": to,
            "mode": _WEB_MODE[Mode(mode)],
            "coordinate": "gaode",
            "callnative": "1",
            "src": SOURCE,
        },
        quote_via=quote,
        safe=",",
    )
    return NavLink(app="web", url=f"https://uri.amap.com/navigation?{query}", datum=Datum.GCJ02)


def navigation_links(lat: float, lon: float, label: str, mode: Mode) -> tuple[NavLink, ...]:
    """AMap app, Baidu app and web links to a WGS-84 point, in that order.

    Parameters
    ----------
    lat, lon
        The destination in WGS-84 (as plans hold it).
    label
        What the app shows as the destination (an address, not a person's name).
    mode
        How the worker travels; picks the app's walking, riding or driving route.
    """
    return (
        amap_app_link(lat, lon, label, mode),
        baidu_app_link(lat, lon, label, mode),
        web_link(lat, lon, label, mode),
    )
