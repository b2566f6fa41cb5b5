"""The travel matrices: one vectorised geodesic against geopy's, pair by pair."""

from __future__ import annotations

import numpy as np
from geopy.distance import geodesic

from mealroute.model import Mode
from mealroute.settings import Settings
from mealroute.travel import GeodesicTravel, geodesic_matrix_m


def test_the_matrix_agrees_with_geopy_to_a_millimetre() -> None:
    rng = np.random.default_rng(7)
    lat = 36.66 + rng.normal(0, 0.03, 60)
    lon = 117.02 + rng.normal(0, 0.03, 60)
    lat[1], lon[1] = lat[0], lon[0]  # two clients at one point
    lat[2], lon[2] = lat[0] + 0.05, lon[0]  # due north: the same meridian
    matrix = geodesic_matrix_m(lat, lon)
    for i in range(len(lat)):
        for j in range(len(lat)):
            expected = geodesic((lat[i], lon[i]), (lat[j], lon[j])).meters
            assert abs(matrix[i, j] - expected) < 1e-3
    assert matrix[0, 1] == 0.0


def test_matrices_are_whole_symmetric_and_per_mode() -> None:
    travel = GeodesicTravel.from_settings(Settings())
    points = [(36.665, 117.02), (36.67, 117.03), (36.66, 117.01)]
    result = travel.matrices(points, [Mode.WALK, Mode.EBIKE])
    walk = result.distance_m[Mode.WALK]
    assert walk.dtype == np.int64
    assert (walk == walk.T).all()
    assert set(result.travel_s) == set(result.distance_m) == {Mode.WALK, Mode.EBIKE}
    road = travel.road_distance_m(points[0], points[1], Mode.WALK)
    assert walk[0, 1] == round(road)
    assert result.travel_s[Mode.WALK][0, 1] == round(road / (4 / 3.6))


def test_a_detour_factor_per_mode_as_network_calibrate_suggests(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A walker's streets wind more than a rider's: each mode gets its own factor."""
    (tmp_path / "mealroute.toml").write_text(
        "[travel]\ndetour_factor = { walk = 1.5, ebike = 1.2 }\n", encoding="utf-8"
    )
    settings = Settings.for_data_dir(tmp_path)
    assert settings.detour(Mode.WALK) == 1.5
    assert settings.detour(Mode.CAR) == 1.3  # not named: the default
    points = [(36.665, 117.02), (36.67, 117.03)]
    result = GeodesicTravel.from_settings(settings).matrices(points, [Mode.WALK, Mode.EBIKE])
    line = geodesic(points[0], points[1]).meters
    assert result.distance_m[Mode.WALK][0, 1] == round(line * 1.5)
    assert result.distance_m[Mode.EBIKE][0, 1] == round(line * 1.2)
    assert Settings.from_dict(settings.to_dict()) == settings
