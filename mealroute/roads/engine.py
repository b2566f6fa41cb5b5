"""Road distances and street-drawn legs: OSRM in this process, or a routing server.

A worker's leg from point A to point B is: A's way to the nearest road of the worker's
profile (straight, as the worker walks out of a compound), the road from there to the
road point nearest B, and B's way in. Travel time is that distance at the worker's
mode speed (settings: ``travel.speed_kmh``), so a bicycle and an e-bike share the
bicycle network at their own speeds, and the speeds mean what they mean for the
straight-line model. One-way streets make the table asymmetric; the solver and the
checker use it as it is.

Two things are never hidden:

- a point farther than ``travel.snap_m`` from the nearest road of a profile is not
  snapped: the planner leaves the client unserved with that distance as the reason;
- a pair with no route at all (an island of the network) gets :data:`UNREACHABLE_M`,
  which no worker's shift can cover, and the planner says there is no road.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import NetworkError
from ..model import PROFILE_OF, Message, Mode, Profile, ServerKind, TravelKind
from ..settings import Settings
from ..travel import GeodesicTravel, Matrices, Point, TravelSource
from .build import profile_path, read_manifest
from .servers import read_osrm_table, road_server

UNREACHABLE_M = 100_000_000  # no road between two points: farther than any shift reaches

_ENGINES: dict[str, Any] = {}  # one loaded network per .osrm path per process


def travel_source(settings: Settings) -> TravelSource:
    """The travel source ``settings`` ask for (``travel.source``)."""
    if settings.travel_source == TravelKind.ROAD:
        return RoadTravel.from_settings(settings)
    return GeodesicTravel.from_settings(settings)


@dataclass(frozen=True)
class RoadTravel:
    """Distances along a road network per profile, at a constant speed per mode."""

    speed_kmh: dict[Mode, float]
    network: str = ""  # a folder built by `mealroute network build`
    servers: dict[str, str] = field(default_factory=dict)  # profile -> server URL
    server_engine: ServerKind = ServerKind.OSRM  # what answers at those URLs

    @classmethod
    def from_settings(cls, settings: Settings) -> RoadTravel:
        if not settings.network and not settings.servers:
            raise NetworkError(Message("road_not_configured"))
        return cls(
            dict(settings.speed_kmh),
            settings.network,
            dict(settings.servers),
            settings.server_engine,
        )

    def ready(self, modes: Iterable[Mode]) -> None:
        """Check that every profile ``modes`` need can answer (raises :class:`NetworkError`)."""
        for profile in sorted({PROFILE_OF[mode] for mode in modes}):
            if profile in self.servers:
                self._server(profile).ready(profile)
            else:
                self._engine(profile)

    # ------------------------------------------------------------------ tables
    def matrices(self, points: Sequence[Point], modes: Iterable[Mode]) -> Matrices:
        modes = sorted(set(modes))
        distance: dict[Mode, np.ndarray] = {}
        travel: dict[Mode, np.ndarray] = {}
        off_road: dict[Mode, np.ndarray] = {}
        tables: dict[Profile, tuple[np.ndarray, np.ndarray]] = {}
        for mode in modes:
            profile = PROFILE_OF[mode]
            if profile not in tables:
                tables[profile] = self.table(points, profile)
            metres, snapped = tables[profile]
            distance[mode] = np.rint(metres).astype(np.int64)
            travel[mode] = np.rint(metres / (self.speed_kmh[mode] / 3.6)).astype(np.int64)
            off_road[mode] = snapped
        return Matrices(distance_m=distance, travel_s=travel, off_road_m=off_road)

    def table(self, points: Sequence[Point], profile: Profile) -> tuple[np.ndarray, np.ndarray]:
        """Leg distances (metres, unrounded) and each point's distance to the road.

        ``legs[i, j]`` includes the way from point ``i`` to its road and from the road
        to point ``j``; the diagonal is 0; no route is :data:`UNREACHABLE_M`.
        """
        n = len(points)
        if n == 0:
            return np.zeros((0, 0)), np.zeros(0)
        if profile in self.servers:
            road, snapped = self._server(profile).table(points, profile)
        else:
            road, snapped = _engine_table(self._engine(profile), points)
        legs = road + snapped[:, None] + snapped[None, :]
        legs[np.isnan(road)] = UNREACHABLE_M
        np.fill_diagonal(legs, 0.0)
        return legs, snapped

    # ------------------------------------------------------------------ drawing
    def path(self, points: Sequence[Point], mode: Mode) -> list[Point]:
        """The streets through ``points`` in order, as (lat, lon) for a map line.

        Starts and ends at the points themselves (the way to and from the road is a
        straight piece). Empty when the network cannot say.
        """
        if len(points) < 2:
            return list(points)
        profile = PROFILE_OF[mode]
        if profile in self.servers:
            line = self._server(profile).route(points, profile)
        else:
            line = _engine_route(self._engine(profile), points)
        if not line:
            return []
        return [points[0], *line, points[-1]]

    def _server(self, profile: Profile) -> Any:
        return road_server(self.servers[profile], self.server_engine)

    def _engine(self, profile: Profile) -> Any:
        path = profile_path(Path(self.network), profile)
        key = str(path)
        if not self.network:
            raise NetworkError(Message("road_not_configured"))
        if key not in _ENGINES:
            try:
                import osrm
            except ImportError:
                raise NetworkError(Message("road_engine_missing")) from None
            manifest = read_manifest(Path(self.network))
            if str(profile) not in manifest["profiles"]:
                raise NetworkError(
                    Message(
                        "road_profile_missing",
                        {"profile": str(profile), "path": self.network},
                    )
                )
            try:
                _ENGINES[key] = osrm.OSRM(
                    storage_config=key, algorithm="MLD", use_shared_memory=False
                )
            except RuntimeError as error:
                raise NetworkError(
                    Message("road_network_unreadable", {"path": key, "detail": str(error)})
                ) from None
        return _ENGINES[key]


# ----------------------------------------------------------------- in this process


def _engine_table(engine: Any, points: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
    import osrm

    answer = engine.Table(
        osrm.TableParameters(
            coordinates=[(lon, lat) for lat, lon in points], annotations=["distance"]
        )
    )
    return read_osrm_table(answer["distances"], answer["sources"], len(points))


def _engine_route(engine: Any, points: Sequence[Point]) -> list[Point]:
    import osrm

    try:
        answer = engine.Route(
            osrm.RouteParameters(
                coordinates=[(lon, lat) for lat, lon in points],
                geometries="geojson",
                overview="full",
            )
        )
    except RuntimeError:  # no route: drawn straight instead
        return []
    return [(float(lat), float(lon)) for lon, lat in answer["routes"][0]["geometry"]["coordinates"]]
