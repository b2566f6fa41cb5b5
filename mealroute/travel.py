"""Travel between points: road distance in metres and travel time in seconds.

The default model is the one the issue fixes: road distance = geodesic distance on
the WGS-84 ellipsoid x a detour factor; travel time = road distance / the speed of
the worker's mode. A station's whole matrix is computed at once with Vincenty's
inverse formula in numpy (0.1 s for 500 points, where one geopy call per pair took
7 s); on these distances it agrees with Karney's algorithm (geopy) to well under a
millimetre. A travel source is anything with a ``matrices`` method of the
same shape: :class:`mealroute.roads.RoadTravel` is the road-network one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .model import Mode
from .settings import Settings

Point = tuple[float, float]  # (lat, lon), WGS-84


@dataclass(frozen=True)
class Matrices:
    """Per mode, road distances (metres) and travel times (seconds) between points.

    ``distance_m[mode][i, j]`` and ``travel_s[mode][i, j]`` are whole numbers, rounded
    leg by leg, so every total in a plan is an exact sum of its legs. They need not
    be symmetric (one-way streets). ``off_road_m[mode][i]``, from a road network, is
    how far point ``i`` lies from the nearest road that mode may use.
    """

    distance_m: dict[Mode, np.ndarray]
    travel_s: dict[Mode, np.ndarray]
    off_road_m: dict[Mode, np.ndarray] | None = None


class TravelSource(Protocol):
    def matrices(self, points: Sequence[Point], modes: Iterable[Mode]) -> Matrices: ...


@dataclass(frozen=True)
class GeodesicTravel:
    """Geodesic distance x a detour factor per mode, at a constant speed per mode."""

    detour_factor: dict[Mode, float]
    speed_kmh: dict[Mode, float]

    @classmethod
    def from_settings(cls, settings: Settings) -> GeodesicTravel:
        return cls({mode: settings.detour(mode) for mode in Mode}, dict(settings.speed_kmh))

    def road_distance_m(self, a: Point, b: Point, mode: Mode) -> float:
        """Unrounded road distance between two points, in metres."""
        # geopy loads its geocoders (and requests) with it: 0.1 s a planning process
        # need not spend, as whole matrices are computed here in numpy.
        from geopy.distance import geodesic

        return float(geodesic(a, b).meters) * self.detour_factor[mode]

    def matrices(self, points: Sequence[Point], modes: Iterable[Mode]) -> Matrices:
        if points:
            lat, lon = np.asarray(points, dtype=float).T
            upper = np.triu(geodesic_matrix_m(lat, lon), 1)
            line = upper + upper.T
        else:
            line = np.zeros((0, 0))
        distance, travel = {}, {}
        for mode in set(modes):
            road = line * self.detour_factor[mode]
            distance[mode] = np.rint(road).astype(np.int64)
            travel[mode] = np.rint(road / (self.speed_kmh[mode] / 3.6)).astype(np.int64)
        return Matrices(distance_m=distance, travel_s=travel)


# WGS-84
_A = 6378137.0
_F = 1 / 298.257223563
_B = (1 - _F) * _A


def geodesic_matrix_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Geodesic distances (metres) between all pairs of points on the WGS-84 ellipsoid.

    Vincenty's inverse formula, iterated to convergence, over the whole matrix at
    once. It converges for any two points that are not nearly antipodal, which a
    city's points never are; coincident points are 0 apart.
    """
    phi, lam = np.radians(lat), np.radians(lon)
    reduced = np.arctan((1 - _F) * np.tan(phi))
    s1, c1 = np.sin(reduced)[:, None], np.cos(reduced)[:, None]
    s2, c2 = s1.T, c1.T
    along = lam[None, :] - lam[:, None]
    guess = along
    for _ in range(100):
        sin_l, cos_l = np.sin(guess), np.cos(guess)
        sin_s = np.hypot(c2 * sin_l, c1 * s2 - s1 * c2 * cos_l)
        cos_s = s1 * s2 + c1 * c2 * cos_l
        sigma = np.arctan2(sin_s, cos_s)
        apart = sin_s > 0
        sin_a = np.divide(c1 * c2 * sin_l, sin_s, out=np.zeros_like(sin_s), where=apart)
        cos2_a = 1 - sin_a * sin_a
        cos_2sm = np.subtract(
            cos_s,
            np.divide(2 * s1 * s2, cos2_a, out=np.zeros_like(cos2_a), where=cos2_a > 0),
            out=np.zeros_like(cos_s),
            where=cos2_a > 0,
        )
        c = _F / 16 * cos2_a * (4 + _F * (4 - 3 * cos2_a))
        step = along + (1 - c) * _F * sin_a * (
            sigma + c * sin_s * (cos_2sm + c * cos_s * (2 * cos_2sm * cos_2sm - 1))
        )
        converged = float(np.max(np.abs(step - guess), initial=0.0)) < 1e-12
        guess = step
        if converged:
            break
    u2 = cos2_a * (_A * _A - _B * _B) / (_B * _B)
    big_a = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
    big_b = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
    delta = (
        big_b
        * sin_s
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_s * (2 * cos_2sm * cos_2sm - 1)
                - big_b / 6 * cos_2sm * (4 * sin_s * sin_s - 3) * (4 * cos_2sm * cos_2sm - 3)
            )
        )
    )
    return np.asarray(_B * big_a * (sigma - delta))
