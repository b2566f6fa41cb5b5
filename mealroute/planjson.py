"""plan.json: the contract between the planner and everything that draws a plan.

``plan_to_dict`` and ``plan_from_dict`` are exact inverses for what the schema
(``schema/plan.schema.json``) holds; maps and sheets read a plan only through
``plan_from_dict``.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any

from . import __version__
from .clock import iso_datetime, seconds_from_iso
from .model import WEEKDAYS, CareLevel, Mode, Plan, Route, StationPlan, Stop, Trip, Unserved

SCHEMA_VERSION = 1


@cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema of plan.json."""
    text = resources.files("mealroute").joinpath("schema/plan.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON types, in the layout of the schema."""
    date = plan.date

    def when(seconds: int | None) -> str | None:
        return None if seconds is None else iso_datetime(date, seconds)

    stations = []
    for station in plan.stations:
        trips = [trip for route in station.routes for trip in route.trips]
        stations.append(
            {
                "station_id": station.station_id,
                "name": station.name,
                "lat": station.lat,
                "lon": station.lon,
                "address": station.address,
                "phone": station.phone,
                "meals_ready": when(station.meals_ready),
                "error": station.error,
                "workers": station.workers,
                "clients": station.clients,
                "served": station.served,
                "workers_used": len(station.routes),
                "travel_s": sum(route.travel_s for route in station.routes),
                "distance_m": sum(route.distance_m for route in station.routes),
                "first_departure": when(min((t.depart for t in trips), default=None)),
                "last_return": when(max((t.return_ for t in trips), default=None)),
                "routes": [_route_to_dict(route, date) for route in station.routes],
                "unserved": [
                    {
                        "client_id": u.client_id,
                        "name": u.name,
                        "reason": u.reason,
                        "care_level": None if u.care_level is None else str(u.care_level),
                        "lat": u.lat,
                        "lon": u.lon,
                        "address": u.address,
                        "phone": u.phone,
                    }
                    for u in station.unserved
                ],
                "solver": dict(station.solver),
            }
        )
    routes = [route for station in plan.stations for route in station.routes]
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"mealroute {__version__}",
        "date": date.isoformat(),
        "weekday": WEEKDAYS[date.weekday()],
        "settings": plan.settings,
        "totals": {
            "stations": len(plan.stations),
            "stations_failed": sum(1 for s in plan.stations if s.error),
            "clients": sum(s.clients for s in plan.stations),
            "served": sum(s.served for s in plan.stations),
            "unserved": sum(len(s.unserved) for s in plan.stations),
            "meals": sum(trip.meals for route in routes for trip in route.trips),
            "workers_used": len(routes),
            "travel_s": sum(route.travel_s for route in routes),
            "distance_m": sum(route.distance_m for route in routes),
        },
        "warnings": list(plan.warnings),
        "stations": stations,
    }


def _route_to_dict(route: Route, date: dt.date) -> dict[str, Any]:
    return {
        "worker_id": route.worker_id,
        "name": route.name,
        "phone": route.phone,
        "mode": str(route.mode),
        "capacity": route.capacity,
        "travel_s": route.travel_s,
        "distance_m": route.distance_m,
        "trips": [
            {
                "depart": iso_datetime(date, trip.depart),
                "return": iso_datetime(date, trip.return_),
                "meals": trip.meals,
                "return_travel_s": trip.return_travel_s,
                "return_distance_m": trip.return_distance_m,
                "stops": [
                    {
                        "client_id": s.client_id,
                        "name": s.name,
                        "lat": s.lat,
                        "lon": s.lon,
                        "arrive": iso_datetime(date, s.arrive),
                        "start": iso_datetime(date, s.start),
                        "depart": iso_datetime(date, s.depart),
                        "travel_s": s.travel_s,
                        "distance_m": s.distance_m,
                        "meals": s.meals,
                        "diet": s.diet,
                        "care_level": str(s.care_level),
                        "window": {
                            "start": iso_datetime(date, s.window[0]),
                            "end": iso_datetime(date, s.window[1]),
                        },
                        "address": s.address,
                        "phone": s.phone,
                        "notes": s.notes,
                        "skills": sorted(s.skills),
                    }
                    for s in trip.stops
                ],
            }
            for trip in route.trips
        ],
    }


def plan_from_dict(document: dict[str, Any]) -> Plan:
    """Read back a plan written by :func:`plan_to_dict` (validate it first)."""
    date = dt.date.fromisoformat(document["date"])

    def secs(text: str) -> int:
        return seconds_from_iso(date, text)

    stations = []
    for st in document["stations"]:
        routes = tuple(
            Route(
                worker_id=r["worker_id"],
                name=r["name"],
                phone=r["phone"],
                mode=Mode(r["mode"]),
                capacity=r["capacity"],
                trips=tuple(
                    Trip(
                        depart=secs(t["depart"]),
                        return_=secs(t["return"]),
                        return_travel_s=t["return_travel_s"],
                        return_distance_m=t["return_distance_m"],
                        stops=tuple(
                            Stop(
                                client_id=s["client_id"],
                                name=s["name"],
                                lat=s["lat"],
                                lon=s["lon"],
                                arrive=secs(s["arrive"]),
                                start=secs(s["start"]),
                                depart=secs(s["depart"]),
                                travel_s=s["travel_s"],
                                distance_m=s["distance_m"],
                                meals=s["meals"],
                                diet=s["diet"],
                                care_level=CareLevel(s["care_level"]),
                                window=(secs(s["window"]["start"]), secs(s["window"]["end"])),
                                address=s["address"],
                                phone=s["phone"],
                                notes=s["notes"],
                                skills=frozenset(s["skills"]),
                            )
                            for s in t["stops"]
                        ),
                    )
                    for t in r["trips"]
                ),
            )
            for r in st["routes"]
        )
        unserved = tuple(
            Unserved(
                client_id=u["client_id"],
                name=u["name"],
                reason=u["reason"],
                care_level=None if u["care_level"] is None else CareLevel(u["care_level"]),
                lat=u["lat"],
                lon=u["lon"],
                address=u["address"],
                phone=u["phone"],
            )
            for u in st["unserved"]
        )
        stations.append(
            StationPlan(
                station_id=st["station_id"],
                name=st["name"],
                lat=st["lat"],
                lon=st["lon"],
                address=st["address"],
                phone=st["phone"],
                routes=routes,
                unserved=unserved,
                workers=st["workers"],
                meals_ready=None if st["meals_ready"] is None else secs(st["meals_ready"]),
                error=st["error"],
                solver=dict(st["solver"]),
            )
        )
    return Plan(
        date=date,
        stations=tuple(stations),
        settings=dict(document["settings"]),
        warnings=tuple(document["warnings"]),
    )
