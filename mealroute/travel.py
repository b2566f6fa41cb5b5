"""Travel between points: road distance in metres and travel time in seconds.

The default model is the one the issue fixes: road distance = geodesic distance on
the WGS-84 ellipsoid x a detour factor; travel time = road distance / the speed of
the worker's mode. A travel source is anything with a ``matrices`` method of the
same shape, so a road-network source (OSRM, OSMnx) can stand in later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from geopy.distance import geodesic

from .model import Mode
from .settings import Settings

Point = tuple[float, float]  # (lat, lon), WGS-84


@dataclass(frozen=True)
class Matrices:
    """Pairwise road distances (metres) and, per mode, travel times (seconds).

    ``distance_m[i, j]`` and ``travel_s[mode][i, j]`` are whole numbers, rounded
    leg by leg, so every total in a plan is an exact sum of its legs.
    """

    distance_m: np.ndarray
    travel_s: dict[Mode, np.ndarray]


class TravelSource(Protocol):
    def matrices(self, points: Sequence[Point], modes: Iterable[Mode]) -> Matrices: ...


@dataclass(frozen=True)
class GeodesicTravel:
    """Geodesic distance x detour factor, at a constant speed per mode."""

    detour_factor: float
    speed_kmh: dict[Mode, float]

    @classmethod
    def from_settings(cls, settings: Settings) -> GeodesicTravel:
        return cls(settings.detour_factor, dict(settings.speed_kmh))

    def road_distance_m(self, a: Point, b: Point) -> float:
        """Unrounded road distance between two points, in metres."""
        return float(geodesic(a, b).meters) * self.detour_factor

    def matrices(self, points: Sequence[Point], modes: Iterable[Mode]) -> Matrices:
        n = len(points)
        road = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                road[i, j] = road[j, i] = self.road_distance_m(points[i], points[j])
        travel = {
            mode: np.rint(road / (self.speed_kmh[mode] / 3.6)).astype(np.int64)
            for mode in set(modes)
        }
        return Matrices(distance_m=np.rint(road).astype(np.int64), travel_s=travel)
