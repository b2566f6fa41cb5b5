"""WGS-84 -> GCJ-02 -> BD-09 against published reference points."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mealroute.coords import (
    Datum,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# (wgs lat, wgs lon, gcj lat, gcj lon) from eviltransform's tests
# (https://github.com/googollee/eviltransform, python/test.py).
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]

# wandergis/coordtransform's README and tests, input (lon 116.404, lat 39.915).
WANDERGIS_WGS_TO_GCJ = (39.91640428150164, 116.41024449916938)
WANDERGIS_GCJ_TO_BD = (39.92133699351021, 116.41036949371029)
WANDERGIS_WGS_TO_BD = (39.922699552216216, 116.41662724378733)

# geoChina (https://github.com/caijun/geoChina, R/cst.R docs): Beijing railway
# station, GCJ-02 (39.90245, 116.42703) is BD-09 (39.90851, 116.43351).
GEOCHINA_GCJ = (39.90245, 116.42703)
GEOCHINA_BD = (39.90851, 116.43351)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance, plenty for points metres apart."""
    lat = math.radians((a[0] + b[0]) / 2)
    dy = math.radians(a[0] - b[0]) * 6_371_000
    dx = math.radians(a[1] - b[1]) * 6_371_000 * math.cos(lat)
    return math.hypot(dx, dy)


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_wgs84_to_gcj02_matches_eviltransform(
    wlat: float, wlon: float, glat: float, glon: float
) -> None:
    lat, lon = wgs84_to_gcj02(wlat, wlon)
    assert lat == pytest.approx(glat, abs=1e-9)
    assert lon == pytest.approx(glon, abs=1e-9)


def test_wgs84_to_gcj02_matches_coordtransform() -> None:
    assert wgs84_to_gcj02(39.915, 116.404) == pytest.approx(WANDERGIS_WGS_TO_GCJ, abs=1e-9)


def test_gcj02_to_bd09_matches_coordtransform_and_geochina() -> None:
    assert gcj02_to_bd09(39.915, 116.404) == pytest.approx(WANDERGIS_GCJ_TO_BD, abs=1e-9)
    # geoChina publishes five decimals (Baidu's own answer): within about a metre.
    assert metres(gcj02_to_bd09(*GEOCHINA_GCJ), GEOCHINA_BD) < 1.0


def test_wgs84_to_bd09_goes_through_gcj02() -> None:
    assert wgs84_to_bd09(39.915, 116.404) == pytest.approx(WANDERGIS_WGS_TO_BD, abs=1e-9)


def test_jinan_offset_is_hundreds_of_metres() -> None:
    # Quancheng Square, Jinan: the GCJ-02 shift is what puts WGS-84 markers on
    # the wrong street on AMap tiles.
    wgs = (36.6623, 117.0210)
    gcj = wgs84_to_gcj02(*wgs)
    assert 0.0055 < gcj[1] - wgs[1] < 0.0065  # east, in degrees of longitude
    assert 0.0002 < gcj[0] - wgs[0] < 0.0006  # north
    assert 500 < metres(wgs, gcj) < 700


def test_outside_china_is_unchanged() -> None:
    assert out_of_china(51.5007, -0.1246)
    assert wgs84_to_gcj02(51.5007, -0.1246) == (51.5007, -0.1246)
    assert gcj02_to_wgs84(51.5007, -0.1246) == (51.5007, -0.1246)
    assert not out_of_china(36.66, 117.02)


@given(
    lat=st.floats(min_value=18.0, max_value=53.0),
    lon=st.floats(min_value=74.0, max_value=134.0),
)
def test_gcj02_inverse_round_trips_to_a_millimetre(lat: float, lon: float) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lon))
    assert metres(back, (lat, lon)) < 0.001


def test_from_wgs84_dispatches_by_datum() -> None:
    point = (36.6623, 117.0210)
    assert from_wgs84(*point, "wgs84") == point
    assert from_wgs84(*point, Datum.GCJ02) == wgs84_to_gcj02(*point)
    assert from_wgs84(*point, "bd09ll") == wgs84_to_bd09(*point)
    with pytest.raises(ValueError, match="mars"):
        from_wgs84(*point, "mars")
