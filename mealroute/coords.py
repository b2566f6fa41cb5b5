"""China's map datums: WGS-84 (GPS) to GCJ-02 (AMap, Tencent) to BD-09 (Baidu).

Plans hold WGS-84 coordinates. Maps drawn on AMap tiles and links that open the
AMap app need GCJ-02; links that open Baidu Maps use BD-09. The offset between
WGS-84 and GCJ-02 is several hundred metres in Jinan, so a marker left in WGS-84
lands on the wrong street on AMap tiles.

The transforms are the public ones, as published and tested in eviltransform
(https://github.com/googollee/eviltransform, MIT; its tests hold the reference
points used in ``tests/test_coords.py``) and PRCoords
(https://github.com/Artoria2e5/PRCoords, CC0): the GCJ-02 distortion polynomials on
the Krasovsky 1940 ellipsoid, and Baidu's rotation and shift for BD-09. Outside
mainland China (a bounding box, as those libraries use) GCJ-02 equals WGS-84.

Why not a library: of those on PyPI, ``prcoords-typed`` needs Python 3.14 and
``geocoordinates-rs`` is a compiled extension for what is thirty lines here, while
``prcoords`` (2019, no wheel), ``eviltransform`` (2018) and ``coordinatesconverter``
(2022) are unmaintained, and ``prcoords`` warns on every point outside China.
"""

from __future__ import annotations

import math
import re
import unicodedata
from enum import StrEnum

# Krasovsky 1940 ellipsoid, as the GCJ-02 algorithm uses it.
_A = 6378245.0
_EE = 0.00669342162296594323
# Baidu's BD-09 constants.
_X_PI = math.pi * 3000.0 / 180.0
_BD_DLAT = 0.006
_BD_DLON = 0.0065


class Datum(StrEnum):
    """A coordinate system of latitude and longitude in degrees."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09ll"


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two ``(lat, lon)`` points (haversine).

    Plenty for the input checks (5 m to tens of km); travel times use geopy's
    geodesic distance instead (:mod:`mealroute.travel`).
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def out_of_china(lat: float, lon: float) -> bool:
    """Whether a point lies outside the box where GCJ-02 applies.

    The box (latitude 0.8293..55.8271, longitude 72.004..137.8347) is the one
    eviltransform and PRCoords use; inside it the GCJ-02 offset is applied.
    """
    return not (0.8293 <= lat <= 55.8271 and 72.004 <= lon <= 137.8347)


def _delta_lat(x: float, y: float) -> float:
    pi = math.pi
    result = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    result += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    result += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    result += (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    return result


def _delta_lon(x: float, y: float) -> float:
    pi = math.pi
    result = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    result += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    result += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    result += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return result


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Convert a WGS-84 point to GCJ-02 (AMap's datum).

    Parameters
    ----------
    lat, lon
        WGS-84 latitude and longitude in degrees.

    Returns
    -------
    tuple of float
        ``(lat, lon)`` in GCJ-02; the point unchanged outside China.
    """
    if out_of_china(lat, lon):
        return lat, lon
    x, y = lon - 105.0, lat - 35.0
    rad_lat = math.radians(lat)
    magic = 1.0 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (_delta_lat(x, y) * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (_delta_lon(x, y) * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float, *, tolerance: float = 1e-9) -> tuple[float, float]:
    """Convert a GCJ-02 point back to WGS-84 by fixed-point iteration.

    GCJ-02 has no closed-form inverse; a few iterations of
    ``wgs = wgs - (forward(wgs) - gcj)`` bring the error below ``tolerance``
    degrees (about 0.1 mm at the default).
    """
    if out_of_china(lat, lon):
        return lat, lon
    w_lat, w_lon = lat, lon
    for _ in range(30):
        g_lat, g_lon = wgs84_to_gcj02(w_lat, w_lon)
        e_lat, e_lon = g_lat - lat, g_lon - lon
        w_lat, w_lon = w_lat - e_lat, w_lon - e_lon
        if abs(e_lat) < tolerance and abs(e_lon) < tolerance:
            break
    return w_lat, w_lon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """Convert a GCJ-02 point to BD-09 (Baidu's datum, ``bd09ll``)."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + _BD_DLAT, z * math.cos(theta) + _BD_DLON


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Convert a BD-09 point to GCJ-02: Baidu's published inverse of its shift.

    It is not the exact inverse of :func:`gcj02_to_bd09`: a round trip is off by
    about 5 cm in Jinan and at most 0.21 m over China (``tests/test_coords.py``).
    """
    x, y = lon - _BD_DLON, lat - _BD_DLAT
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Convert a BD-09 point to WGS-84 (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


def wgs84_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """Convert a WGS-84 point to BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))


def from_wgs84(lat: float, lon: float, datum: Datum | str) -> tuple[float, float]:
    """A WGS-84 point in ``datum`` (``"wgs84"``, ``"gcj02"`` or ``"bd09ll"``).

    Raises
    ------
    ValueError
        If ``datum`` is not one of these.
    """
    match Datum(datum):
        case Datum.WGS84:
            return lat, lon
        case Datum.GCJ02:
            return wgs84_to_gcj02(lat, lon)
        case Datum.BD09:
            return wgs84_to_bd09(lat, lon)


def to_wgs84(lat: float, lon: float, datum: Datum | str) -> tuple[float, float]:
    """A point given in ``datum`` as WGS-84, the datum everything inside the planner uses.

    GCJ-02 has no closed-form inverse: :func:`gcj02_to_wgs84` iterates until a
    round trip agrees to 1e-9 degrees (about 0.1 mm); BD-09 goes through GCJ-02.

    Raises
    ------
    ValueError
        If ``datum`` is not one of ``"wgs84"``, ``"gcj02"``, ``"bd09ll"``.
    """
    match Datum(datum):
        case Datum.WGS84:
            return lat, lon
        case Datum.GCJ02:
            return gcj02_to_wgs84(lat, lon)
        case Datum.BD09:
            return bd09_to_wgs84(lat, lon)


# The words a coordinator or a setting may use for a datum (compared without case,
# spaces, "-" or "_"): the map an app picked the point in, or the datum's name.
DATUM_WORDS: dict[Datum, tuple[str, ...]] = {
    Datum.WGS84: ("wgs84", "wgs", "gps", "epsg4326", "osm", "openstreetmap", "谷歌地球"),
    Datum.GCJ02: ("gcj02", "gcj", "高德", "amap", "autonavi", "腾讯", "tencent", "qq", "火星"),
    Datum.BD09: ("bd09", "bd09ll", "bd", "百度", "baidu"),
}


def _folded(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).casefold())


def datum_named(word: str) -> Datum | None:
    """The datum a word names (``"GCJ-02"``, ``"高德"``, ``"bd09"``), or ``None``."""
    folded = _folded(word)
    for datum, words in DATUM_WORDS.items():
        if folded in words:
            return datum
    return None


_HINT = re.compile(
    "|".join(sorted((re.escape(w) for words in DATUM_WORDS.values() for w in words), key=len)[::-1])
)


def datum_hint(header: str) -> tuple[Datum | None, str]:
    """The datum a coordinate header names, and the header without it.

    ``经度(高德)``, ``高德经度``, ``lng_gcj02``, ``百度纬度`` and ``lat (WGS-84)`` name
    their datum; ``经度`` names none. The header left (``经度``, ``lng``) is what the
    column is matched by. A header naming two datums names none (``None``).
    """
    folded = _folded(header)
    found = {datum for match in _HINT.finditer(folded) if (datum := datum_named(match[0]))}
    if len(found) != 1:
        return None, header
    rest = _HINT.sub("", folded)
    return found.pop(), re.sub(r"[()\[\]{}（）【】〔〕<>《》:：]", "", rest)
