"""WGS-84 -> GCJ-02 -> BD-09 against published reference points."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mealroute.coords import (
    Datum,
    bd09_to_gcj02,
    bd09_to_wgs84,
    datum_named,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
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

# ... and its inverses, input (lon 116.404, lat 39.915): Baidu's published BD-09 ->
# GCJ-02 formula, and the one-step GCJ-02 -> WGS-84 approximation it ships (not ours).
WANDERGIS_BD_TO_GCJ = (39.90865673957631, 116.39762729119315)
WANDERGIS_GCJ_TO_WGS_ONE_STEP = (39.91359571849836, 116.39775550083061)

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


def test_bd09_to_gcj02_matches_coordtransform_and_geochina() -> None:
    assert bd09_to_gcj02(39.915, 116.404) == pytest.approx(WANDERGIS_BD_TO_GCJ, abs=1e-9)
    assert metres(bd09_to_gcj02(*GEOCHINA_BD), GEOCHINA_GCJ) < 1.0


def test_gcj02_inverse_is_exact_where_the_one_step_formula_is_centimetres_off() -> None:
    """The accuracy GCJ-02 -> WGS-84 reaches (README, "Coordinates and datums").

    GCJ-02 has no closed-form inverse. The common one-step formula (subtract the
    offset computed at the GCJ-02 point) is 6 cm off here and up to 4.6 m elsewhere
    in China (measured on a 0.4-degree grid); iterating until the forward transform
    gives the GCJ-02 point back to 1e-9 degrees makes it exact to about 0.1 mm.
    """
    gcj = (39.915, 116.404)
    ours = gcj02_to_wgs84(*gcj)
    assert wgs84_to_gcj02(*ours) == pytest.approx(gcj, abs=1e-9)
    assert 0.03 < metres(ours, WANDERGIS_GCJ_TO_WGS_ONE_STEP) < 0.1


@given(
    lat=st.floats(min_value=18.0, max_value=53.0),
    lon=st.floats(min_value=74.0, max_value=134.0),
)
def test_gcj02_inverse_gives_the_gcj02_point_back_to_a_tenth_of_a_millimetre(
    lat: float, lon: float
) -> None:
    back = wgs84_to_gcj02(*gcj02_to_wgs84(lat, lon))
    assert metres(back, (lat, lon)) < 0.0002


@given(
    lat=st.floats(min_value=18.0, max_value=53.0),
    lon=st.floats(min_value=74.0, max_value=134.0),
)
def test_bd09_round_trip_is_within_half_a_metre(lat: float, lon: float) -> None:
    # Baidu's inverse is not the exact inverse of its forward shift: up to 0.21 m
    # on a 0.4-degree grid over China, about 5 cm in Jinan.
    assert metres(bd09_to_wgs84(*wgs84_to_bd09(lat, lon)), (lat, lon)) < 0.5


def test_to_wgs84_dispatches_by_datum() -> None:
    point = (36.6623, 117.0210)
    assert to_wgs84(*point, "wgs84") == point
    assert to_wgs84(*wgs84_to_gcj02(*point), Datum.GCJ02) == pytest.approx(point, abs=1e-8)
    assert metres(to_wgs84(*wgs84_to_bd09(*point), "bd09ll"), point) < 0.1  # Jinan: ~5 cm
    with pytest.raises(ValueError, match="mars"):
        to_wgs84(*point, "mars")


@pytest.mark.parametrize(
    ("word", "datum"),
    [
        ("WGS-84", Datum.WGS84),
        ("gps", Datum.WGS84),
        ("GCJ_02", Datum.GCJ02),
        ("高德", Datum.GCJ02),
        ("腾讯", Datum.GCJ02),
        ("BD-09", Datum.BD09),
        ("bd09ll", Datum.BD09),
        ("百度", Datum.BD09),
        ("mars", None),
        ("", None),
    ],
)
def test_datum_words(word: str, datum: Datum | None) -> None:
    assert datum_named(word) is datum
