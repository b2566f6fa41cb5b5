"""Printable route sheets: one A4 page per worker, with room to tick and sign.

Many stations still keep paper proof of delivery. Each worker's sheet has a header
(station, worker, date, how they travel), then per trip a heading ("Trip 2 — depart
11:40, 6 meals") and a table of the stops in visiting order with empty columns to
tick "delivered" and for the client's signature, and a signature line for the
worker at the foot. Stops are numbered 1, 2, 3 … through the worker's whole day,
across trips, as on the worker's phone map.

The page is plain HTML with inline CSS (``@page { size: A4 landscape }``,
``break-after: page`` between workers); print it from any browser. Nothing is told
by colour alone, so it reads the same printed in black and white.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Plan, Route, StationPlan, Stop, Trip, is_halal
from . import paths
from .i18n import html_environment
from .pages import link, write_page


@dataclass(frozen=True)
class SheetStop:
    """A stop with its number in the worker's day."""

    number: int
    stop: Stop
    halal: bool


@dataclass(frozen=True)
class SheetTrip:
    """A trip with its number and its numbered stops."""

    number: int
    trip: Trip
    stops: tuple[SheetStop, ...]


@dataclass(frozen=True)
class Sheet:
    """One worker's page."""

    route: Route
    trips: tuple[SheetTrip, ...]
    stops: int
    meals: int


def sheet_for(route: Route) -> Sheet:
    """Number a worker's stops through the day, trip by trip."""
    number = 0
    trips = []
    for trip_number, trip in enumerate(route.trips, start=1):
        stops = []
        for stop in trip.stops:
            number += 1
            stops.append(SheetStop(number, stop, is_halal(stop.diet)))
        trips.append(SheetTrip(trip_number, trip, tuple(stops)))
    return Sheet(
        route=route,
        trips=tuple(trips),
        stops=number,
        meals=sum(trip.meals for trip in route.trips),
    )


def render_route_sheets(plan: Plan, station: StationPlan, *, lang: str) -> str:
    """The HTML text of a station's route sheets in ``lang``."""
    own_path = paths.route_sheets(station.station_id)
    template = html_environment(lang).get_template("sheets.html")
    return template.render(
        plan=plan,
        station=station,
        sheets=[sheet_for(route) for route in station.busy_routes],
        idle=[route for route in station.routes if route.idle],
        index_href=link(own_path, paths.INDEX_HTML),
    )


def write_route_sheets(plan: Plan, station: StationPlan, out_dir: Path, *, lang: str) -> Path:
    """Write the printable route sheets of ``station`` (one worker per A4 page).

    Parameters
    ----------
    plan
        The day's plan (for its date).
    station
        One of ``plan.stations``. A station with no routes (or one that failed) gets
        a single page that says so.
    out_dir
        The output folder; the file goes to :func:`mealroute.render.paths.route_sheets`.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Path
        The file written.
    """
    text = render_route_sheets(plan, station, lang=lang)
    return write_page(out_dir, paths.route_sheets(station.station_id), text)
