"""Routing servers the user already runs: OSRM (``osrm-routed``) or Valhalla.

Both answer the same two questions over HTTP on the user's own network (nothing here
needs the internet): a table of road distances between points with each point's way to
its road, and the streets through a list of points for a map line. A server that cannot
be reached, or answers with an error, raises :class:`~mealroute.errors.NetworkError`
with the server's own words; a table larger than the server accepts is asked in blocks.

- **OSRM** serves one profile per process (``osrm-routed network/foot/map.osrm``), so
  ``travel.server`` may name one URL per profile. Its table answers each point's
  distance to the road it snapped to.
- **Valhalla** serves every costing from one process (``pedestrian`` for walkers,
  ``bicycle`` for bicycles and e-bikes, ``auto`` for cars). Its matrix measures from
  road to road, so each point's way to its road is asked with ``/locate`` (the nearest
  edge the costing may use); a point with no edge at all has no road. Distances come
  in kilometres to the metre.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polyline

from ..errors import NetworkError
from ..model import Message, Profile, ServerKind
from ..travel import Point

SERVER_TIMEOUT_S = 60.0
SERVER_BLOCK = 50  # sources and destinations per request when a whole table is too big
ROUTE_PIECE = 20  # points per Valhalla route request (its default limit is 50 locations)

# Valhalla's costing per profile; its matrix and route refuse a request over their
# limits with these error codes (https://valhalla.github.io/valhalla/api/turn-by-turn/api-reference/).
VALHALLA_COSTING = {Profile.FOOT: "pedestrian", Profile.BICYCLE: "bicycle", Profile.CAR: "auto"}
_VALHALLA_TOO_BIG = {150, 154, 155, 157}  # max locations / distance / pairs
_VALHALLA_NO_ROUTE = {170, 171, 442, 443}  # unconnected regions / no edges / no path


class _TooBigError(NetworkError):
    """The server refuses a table this large."""


class _NoRouteError(NetworkError):
    """The server found no way between some of the points it was given."""


def road_server(url: str, engine: ServerKind) -> OsrmServer | ValhallaServer:
    """The client for the server at ``url`` (settings: travel.server, travel.server_engine)."""
    return ValhallaServer(url) if engine == ServerKind.VALHALLA else OsrmServer(url)


def _blocks(indices: Sequence[int]) -> list[list[int]]:
    return [list(indices[k : k + SERVER_BLOCK]) for k in range(0, len(indices), SERVER_BLOCK)]


@dataclass(frozen=True)
class OsrmServer:
    """An ``osrm-routed`` at ``url`` (any profile it was started with)."""

    url: str

    def ready(self, profile: Profile) -> None:
        self._ask("nearest", profile, [(0.0, 0.0)], {})

    def table(self, points: Sequence[Point], profile: Profile) -> tuple[np.ndarray, np.ndarray]:
        """Road metres between the points' roads (NaN: no route), and each point's way to it."""
        n = len(points)
        try:
            answer = self._ask("table", profile, points, {"annotations": "distance"})
            return read_osrm_table(answer["distances"], answer["sources"], n)
        except _TooBigError:
            pass
        # The server's --max-table-size (100 by default) is smaller than the station: ask
        # in blocks of sources x destinations that fit.
        road = np.full((n, n), np.nan)
        snapped = np.zeros(n)
        for rows in _blocks(range(n)):
            for columns in _blocks(range(n)):
                coords = [points[i] for i in rows] + [points[j] for j in columns]
                options = {
                    "annotations": "distance",
                    "sources": ";".join(str(k) for k in range(len(rows))),
                    "destinations": ";".join(str(len(rows) + k) for k in range(len(columns))),
                }
                answer = self._ask("table", profile, coords, options)
                block, near = read_osrm_table(
                    answer["distances"], answer["sources"], len(rows), len(columns)
                )
                road[np.ix_(rows, columns)] = block
                snapped[rows] = near
        return road, snapped

    def route(self, points: Sequence[Point], profile: Profile) -> list[Point]:
        """The streets through ``points`` as (lat, lon); empty when there is no route."""
        options = {"overview": "full", "geometries": "geojson"}
        try:
            answer = self._ask("route", profile, points, options)
        except NetworkError:
            return []
        line = answer["routes"][0]["geometry"]["coordinates"]
        return [(float(lat), float(lon)) for lon, lat in line]

    def _ask(
        self, service: str, profile: Profile, points: Sequence[Point], options: dict[str, str]
    ) -> dict[str, Any]:
        where = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        query = urllib.parse.urlencode(options, safe=";")
        address = f"{self.url.rstrip('/')}/{service}/v1/{profile}/{where}"
        answer = _fetch(self.url, address + (f"?{query}" if query else ""), None)
        if isinstance(answer, dict) and answer.get("code") == "TooBig":
            raise _TooBigError(_answer_error(self.url, "TooBig"))
        if not isinstance(answer, dict) or answer.get("code") != "Ok":
            detail = answer.get("message") or answer.get("code") if isinstance(answer, dict) else ""
            raise NetworkError(_answer_error(self.url, str(detail)))
        return answer


def read_osrm_table(
    distances: Any, sources: Any, rows: int, columns: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """OSRM's ``distances`` (None: no route) and each source's distance to its road."""
    columns = rows if columns is None else columns
    road = np.array(
        [[math.nan if d is None else float(d) for d in row] for row in distances], dtype=float
    ).reshape(rows, columns)
    snapped = np.array([float(source["distance"]) for source in sources], dtype=float)
    return road, snapped


@dataclass(frozen=True)
class ValhallaServer:
    """A ``valhalla_service`` at ``url`` (every costing)."""

    url: str

    def ready(self, profile: Profile) -> None:
        answer = _fetch(self.url, f"{self.url.rstrip('/')}/status", None)
        actions = answer.get("available_actions", []) if isinstance(answer, dict) else []
        if "sources_to_targets" not in actions or "locate" not in actions:
            raise NetworkError(_answer_error(self.url, "not a Valhalla server (/status)"))

    def nearest(self, points: Sequence[Point], profile: Profile) -> list[float]:
        """Metres from each point to the nearest road the profile may use (inf: none)."""
        from geopy.distance import geodesic  # loaded here: it brings geopy's geocoders

        result: list[float] = []
        for piece in _blocks(range(len(points))):
            located = self._post(
                "locate",
                {
                    "locations": _locations(points[i] for i in piece),
                    "costing": VALHALLA_COSTING[profile],
                    "verbose": False,
                },
            )
            if not isinstance(located, list) or len(located) != len(piece):
                raise NetworkError(_answer_error(self.url, "locate: not one answer per point"))
            for i, answer in zip(piece, located, strict=True):
                edges = answer.get("edges") or [] if isinstance(answer, dict) else []
                result.append(
                    min(
                        (
                            geodesic(
                                points[i], (edge["correlated_lat"], edge["correlated_lon"])
                            ).meters
                            for edge in edges
                        ),
                        default=math.inf,
                    )
                )
        return result

    def table(self, points: Sequence[Point], profile: Profile) -> tuple[np.ndarray, np.ndarray]:
        """Road metres between the points' roads (NaN: no route), and each point's way to it.

        A point with no road at all (no edge anywhere near) has no route to or from
        anything, and a way of 0 so that the planner says "no road" for it.
        """
        n = len(points)
        near = np.array(self.nearest(points, profile), dtype=float)
        on_road = [i for i in range(n) if math.isfinite(near[i])]
        road = np.full((n, n), np.nan)
        try:
            self._matrix(points, profile, on_road, on_road, road)
        except _TooBigError:
            for rows in _blocks(on_road):
                for columns in _blocks(on_road):
                    self._matrix(points, profile, rows, columns, road)
        return road, np.where(np.isfinite(near), near, 0.0)

    def _matrix(
        self,
        points: Sequence[Point],
        profile: Profile,
        rows: list[int],
        columns: list[int],
        road: np.ndarray,
    ) -> None:
        """Fill ``road[rows, columns]``; pairs Valhalla cannot join stay NaN."""
        if not rows or not columns:
            return
        request = {
            "sources": _locations(points[i] for i in rows),
            "targets": _locations(points[j] for j in columns),
            "costing": VALHALLA_COSTING[profile],
        }
        try:
            answer = self._post("sources_to_targets", request)
        except _NoRouteError:
            # Valhalla refuses a whole matrix when some of its points lie on an island
            # of the network: ask row by row, then pair by pair, to find which.
            if len(rows) > 1:
                for i in rows:
                    self._matrix(points, profile, [i], columns, road)
            elif len(columns) > 1:
                for j in columns:
                    self._matrix(points, profile, rows, [j], road)
            return
        try:
            for r, cells in zip(rows, answer["sources_to_targets"], strict=True):
                for c, cell in zip(columns, cells, strict=True):
                    distance = cell.get("distance")
                    if distance is not None:
                        road[r, c] = float(distance) * 1000.0
        except (KeyError, TypeError, AttributeError, ValueError):
            raise NetworkError(_answer_error(self.url, "sources_to_targets: malformed")) from None

    def route(self, points: Sequence[Point], profile: Profile) -> list[Point]:
        """The streets through ``points`` as (lat, lon); empty when there is no route."""
        line: list[Point] = []
        for start in range(0, len(points) - 1, ROUTE_PIECE - 1):
            piece = points[start : start + ROUTE_PIECE]
            request = {
                "locations": [{"lat": lat, "lon": lon, "type": "break"} for lat, lon in piece],
                "costing": VALHALLA_COSTING[profile],
                "directions_type": "none",
            }
            try:
                answer = self._post("route", request)
                shapes = [leg["shape"] for leg in answer["trip"]["legs"]]
            except (NetworkError, KeyError, TypeError):
                return []
            for shape in shapes:
                decoded = [(float(lat), float(lon)) for lat, lon in polyline.decode(shape, 6)]
                line.extend(decoded[1:] if line and decoded[:1] == line[-1:] else decoded)
        return line

    def _post(self, service: str, request: dict[str, Any]) -> Any:
        answer = _fetch(self.url, f"{self.url.rstrip('/')}/{service}", request)
        if isinstance(answer, dict) and ("error_code" in answer or "error" in answer):
            code = answer.get("error_code")
            detail = " ".join(str(part) for part in (code, answer.get("error")) if part)
            if code in _VALHALLA_TOO_BIG:
                raise _TooBigError(_answer_error(self.url, detail))
            if code in _VALHALLA_NO_ROUTE:
                raise _NoRouteError(_answer_error(self.url, detail))
            raise NetworkError(_answer_error(self.url, detail))
        return answer


def _locations(points: Any) -> list[dict[str, float]]:
    return [{"lat": lat, "lon": lon} for lat, lon in points]


def _answer_error(url: str, detail: str) -> Message:
    return Message("road_server_answer", {"url": url, "detail": detail})


def _fetch(url: str, address: str, body: dict[str, Any] | None) -> Any:
    """JSON from ``address`` (POSTed ``body`` when given); a server's error body as it is."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(address, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=SERVER_TIMEOUT_S) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:  # both servers say what was wrong in the body
        try:
            return json.loads(error.read())
        except ValueError:
            return {"code": f"HTTP {error.code}", "error": f"HTTP {error.code}"}
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise NetworkError(
            Message("road_server_unreachable", {"url": url, "detail": str(reason)})
        ) from None
    except ValueError:
        raise NetworkError(_answer_error(url, "not JSON")) from None
