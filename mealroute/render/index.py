"""``index.html``: the coordinator's page for the day.

Problems first (stations that could not be planned, clients with no delivery and
why, and what would serve them), the day's changes, then one row per station and one
per worker, with relative links to every map, sheet and download of the folder, and
each worker's day as a bar (road, doors, waiting, station) to compare at a glance.
The page is a single file with inline CSS and no script, so it opens from disk with
the network off.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import CareLevel, Plan, Route, StationPlan, Unserved
from . import paths
from .advice import advised_stations
from .i18n import html_environment
from .pages import link, write_page

_CARE_ORDER: dict[CareLevel | None, int] = {level: rank for rank, level in enumerate(CareLevel)}


@dataclass(frozen=True)
class StationRow:
    """One station of the day as the index shows it."""

    station: StationPlan
    meals: int
    distance_m: int
    first_departure: int | None
    last_return: int | None
    overview_href: str
    sheets_href: str
    kitchen_href: str
    workers: tuple[WorkerRow, ...]

    @property
    def longest_day(self) -> int:
        """The longest working day of the station (the chart's full width), seconds."""
        return max((worker.day.span for worker in self.workers), default=0)

    @property
    def has_pages(self) -> bool:
        """Whether the station's map, sheets and kitchen list are written (it has a place)."""
        return self.station.lat is not None and self.station.lon is not None


@dataclass(frozen=True)
class WorkerDay:
    """Where a worker's time goes between leaving first and coming back last (seconds).

    The four parts add up to ``span``: on the road, at the doors (the service the
    client gets), waiting outside for a window to open, and at the station between two
    trips (loading the next meals).
    """

    road: int
    doors: int
    waiting: int
    station: int

    @property
    def span(self) -> int:
        return self.road + self.doors + self.waiting + self.station

    def parts(self) -> tuple[tuple[str, int], ...]:
        """(label key, seconds) in the order the chart draws them."""
        return (
            ("day_road", self.road),
            ("day_doors", self.doors),
            ("day_waiting", self.waiting),
            ("day_station", self.station),
        )

    @classmethod
    def of(cls, route: Route) -> WorkerDay:
        stops = route.stops
        between = sum(
            later.depart - earlier.return_
            for earlier, later in zip(route.trips, route.trips[1:], strict=False)
        )
        return cls(
            road=route.travel_s,
            doors=sum(stop.depart - stop.start for stop in stops),
            waiting=sum(stop.start - stop.arrive for stop in stops),
            station=between,
        )


@dataclass(frozen=True)
class WorkerRow:
    """One worker's day as the index shows it."""

    route: Route
    stops: int
    meals: int
    first_departure: int | None
    last_return: int | None
    map_href: str
    day: WorkerDay


@dataclass(frozen=True)
class UnservedRow:
    """A client with no delivery, with the station it belongs to."""

    station: StationPlan
    client: Unserved


def _worker_row(station: StationPlan, route: Route) -> WorkerRow:
    return WorkerRow(
        route=route,
        stops=sum(len(trip.stops) for trip in route.trips),
        meals=sum(trip.meals for trip in route.trips),
        first_departure=min((trip.depart for trip in route.trips), default=None),
        last_return=max((trip.return_ for trip in route.trips), default=None),
        map_href=link(paths.INDEX_HTML, paths.worker_map(station.station_id, route.worker_id)),
        day=WorkerDay.of(route),
    )


def station_row(station: StationPlan) -> StationRow:
    """The figures of one station's row: meals, distance, first departure, last return."""
    trips = [trip for route in station.routes for trip in route.trips]
    sid = station.station_id
    return StationRow(
        station=station,
        meals=sum(trip.meals for trip in trips),
        distance_m=sum(route.distance_m for route in station.routes),
        first_departure=min((trip.depart for trip in trips), default=None),
        last_return=max((trip.return_ for trip in trips), default=None),
        overview_href=link(paths.INDEX_HTML, paths.overview_map(sid)),
        sheets_href=link(paths.INDEX_HTML, paths.route_sheets(sid)),
        kitchen_href=link(paths.INDEX_HTML, paths.kitchen_list(sid)),
        workers=tuple(_worker_row(station, route) for route in station.routes),
    )


def unserved_rows(plan: Plan) -> list[UnservedRow]:
    """Every unserved client of the day, most care first (disabled, semi-disabled, other)."""
    rows = [
        UnservedRow(station, client) for station in plan.stations for client in station.unserved
    ]
    rows.sort(key=lambda row: _CARE_ORDER.get(row.client.care_level, len(_CARE_ORDER)))
    return rows


def render_index(plan: Plan, *, lang: str) -> str:
    """The HTML text of ``index.html`` for ``plan`` in ``lang``."""
    stations = [station_row(station) for station in plan.stations]
    routes = [route for station in plan.stations for route in station.busy_routes]
    template = html_environment(lang).get_template("index.html")
    return template.render(
        plan=plan,
        stations=stations,
        failed=[station for station in plan.stations if station.error],
        unserved=unserved_rows(plan),
        advised=advised_stations(plan),
        totals={
            "clients": sum(station.clients for station in plan.stations),
            "served": sum(station.served for station in plan.stations),
            "unserved": sum(len(station.unserved) for station in plan.stations),
            "meals": sum(row.meals for row in stations),
            "workers_used": len(routes),
            "workers": sum(station.workers for station in plan.stations),
            "distance_m": sum(row.distance_m for row in stations),
        },
        xlsx_href=link(paths.INDEX_HTML, paths.ROUTES_XLSX),
        json_href=link(paths.INDEX_HTML, paths.PLAN_JSON),
        changes_href=link(paths.INDEX_HTML, paths.CHANGES_HTML),
        worker_names={
            (station.station_id, route.worker_id): route.name or route.worker_id
            for station in plan.stations
            for route in station.routes
        },
    )


def write_index(plan: Plan, out_dir: Path, *, lang: str) -> Path:
    """Write the day's ``index.html`` into ``out_dir``.

    Parameters
    ----------
    plan
        The day's plan.
    out_dir
        The output folder; the page links to the other files by relative paths from
        :mod:`mealroute.render.paths`: ``routes.xlsx``, ``plan.json``, every worker's
        map, and the overview map, sheets and kitchen list of every station that has
        coordinates (also a failed one, whose map shows its unserved clients).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Path
        The file written.
    """
    return write_page(out_dir, paths.INDEX_HTML, render_index(plan, lang=lang))
