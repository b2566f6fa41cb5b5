"""The maps of the day pack: a station's overview map and each worker's phone page.

Each is one HTML file that works alone, copied anywhere or forwarded in a chat app:
Leaflet, the clustering plugin and mealroute's map script are inlined (see
:mod:`.assets`), the page's markers, lines and popups are one JSON object the
script draws, and the text a person reads (header, stop list, legend, the list of
workers) is HTML from autoescaped Jinja templates (``_templates/``). With no
network every marker, line, label and list shows; only the background tiles need
a connection. With ``tiles="amap"`` every point is converted to GCJ-02 first, since
AMap draws its tiles in that datum; navigation links always carry the datum their
app expects.

Stops of one door or one building share a marker (:mod:`.places`) that lists them
in visiting order; the worker's lines run to that marker.

An idle worker (no delivery today) gets a page that says so and whom to ask; it
has no map, so it weighs a few kilobytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import clock, messages
from ..model import Plan, Route, StationPlan, Stop, StopChange, StopChangeKind, Unserved
from ..revision import colour_indices
from . import i18n
from .advice import advice_entries
from .assets import inline_assets
from .mapkit import (
    CLUSTER_STYLE,
    UNSERVED_STYLE,
    OfflineMap,
    Projector,
    WorkerStyle,
    js_literal,
    map_script,
    tiles_of,
    trip_dash,
)
from .navigation import NavLink, navigation_links
from .pages import link, write_page
from .paths import INDEX_HTML, overview_map, worker_map
from .phones import phones
from .places import Located, group_places

Json = dict[str, Any]

# Care levels the worker page marks with a badge: they ask something of the worker
# (go in, help the client eat). An independent client gets no badge.
BADGE_LEVELS = frozenset({"disabled", "semi-disabled"})
FIT_MAX_ZOOM = 17


def worker_label(route: Route) -> str:
    """``"W1 王芳"``, or the ID alone when the worker has no name."""
    return i18n.worker_label(route)


def station_label(station: StationPlan) -> str:
    return station.name or station.station_id


def stay_minutes(stop: Stop) -> int:
    """Minutes the worker spends at the door (service time), rounded."""
    return round((stop.depart - stop.start) / 60)


@dataclass(frozen=True)
class NumberedStop:
    """A stop with its number in the worker's day and its trip (both from 1)."""

    number: int
    trip: int
    stop: Stop


def numbered(route: Route) -> list[NumberedStop]:
    """A worker's stops numbered 1, 2, 3 … through the day, across trips."""
    result: list[NumberedStop] = []
    for k, trip in enumerate(route.trips, start=1):
        for stop in trip.stops:
            result.append(NumberedStop(len(result) + 1, k, stop))
    return result


# ----------------------------------------------------------------- popups as data


def _phone_pairs(cell: str) -> list[list[str]]:
    return [[phone.text, phone.href] for phone in phones(cell)]


def _stop_block(item: NumberedStop, head: str, lang: str, detail_link: bool) -> Json:
    stop = item.stop
    t = i18n.label
    meals = f"{i18n.format_meals(stop.meals, lang)} · {i18n.diet_label(stop.diet, lang)}"
    rows = [
        [t("planned_arrival", lang), clock.format_clock(stop.arrive)],
        [t("window", lang), i18n.format_window(stop.window)],
    ]
    if stay_minutes(stop):
        rows[0][1] += " · " + t("stay_minutes", lang, n=stay_minutes(stop))
    if stop.address:
        rows.append([t("address", lang), stop.address])
    rows.append([t("meals", lang), meals])
    rows.append([t("care_level", lang), messages.care_word(stop.care_level, lang)])
    if stop.notes:
        rows.append([t("notes", lang), stop.notes])
    block: Json = {
        "head": head,
        "title": f"{item.number}. {stop.name}",
        "rows": rows,
        "tel": _phone_pairs(stop.phone),
        "telLabel": t("phone", lang),
    }
    if detail_link:
        block["link"] = [t("details", lang), f"#stop-{item.number}"]
    return block


def _unserved_block(item: Unserved, lang: str) -> Json:
    t = i18n.label
    rows = [
        [t("reason", lang), item.reason.text(lang), 1],
        [t("care_level", lang), messages.care_word(item.care_level, lang)],
    ]
    if item.address:
        rows.append([t("address", lang), item.address])
    return {
        "head": t("unserved", lang),
        "title": item.name,
        "rows": rows,
        "tel": _phone_pairs(item.phone),
        "telLabel": t("phone", lang),
    }


def _trip_times(route: Route, lang: str) -> list[str]:
    return [
        i18n.label(
            "trip_times",
            lang,
            n=k,
            depart=clock.format_clock(trip.depart),
            back=clock.format_clock(trip.return_),
        )
        for k, trip in enumerate(route.trips, start=1)
    ]


def _station_block(station: StationPlan, routes: Sequence[Route], lang: str) -> Json:
    t = i18n.label
    rows = []
    if station.address:
        rows.append([t("address", lang), station.address])
    if station.meals_ready is not None:
        rows.append([t("meals_ready", lang), clock.format_clock(station.meals_ready)])
    for route in routes:
        times = _trip_times(route, lang)
        rows.append([worker_label(route), ", ".join(times) or t("idle_short", lang)])
    return {
        "head": t("station", lang),
        "title": station_label(station),
        "rows": rows,
        "tel": _phone_pairs(station.phone),
        "telLabel": t("phone", lang),
    }


# ----------------------------------------------------------------- the page's data


def _worker_data(
    route: Route,
    index: int,
    offset: int,
    station_point: list[float] | None,
    project: Projector,
    lang: str,
    *,
    overview: bool,
) -> tuple[list[Json], list[Json]]:
    """The places (markers) and lines of one worker."""
    items = numbered(route)
    located = [Located(i.number, i.stop.lat, i.stop.lon, i.stop.address) for i in items]
    by_number = {item.number: item for item in items}
    places: list[Json] = []
    point_of: dict[int, list[float]] = {}
    for place in group_places(located):
        point = project(place.lat, place.lon)
        for number in place.numbers:
            point_of[number] = point
        blocks = []
        for number in place.numbers:
            item = by_number[number]
            if overview:
                head = i18n.label(
                    "stop_of_worker", lang, worker=worker_label(route), trip=item.trip
                )
            else:
                head = i18n.label("trip_n", lang, n=item.trip)
            blocks.append(_stop_block(item, head, lang, detail_link=not overview))
        names = " · ".join(f"{n}. {by_number[n].stop.name}" for n in place.numbers)
        places.append(
            {
                "lat": point[0],
                "lon": point[1],
                "w": index,
                "n": list(place.numbers),
                "offset": offset,
                "tip": names,
                "pop": blocks,
            }
        )
    lines: list[Json] = []
    number = 0
    for k, trip in enumerate(route.trips):
        points = [station_point] if station_point else []
        for _ in trip.stops:
            number += 1
            here = point_of[number]
            if not points or points[-1] != here:
                points.append(here)
        if station_point:
            points.append(station_point)
        if trip.path and station_point:  # planned on a road network: along the streets
            points = [project(lat, lon) for lat, lon in trip.path]
        if len(points) >= 2:
            lines.append(
                {"w": index, "dash": trip_dash(k), "weight": 4 if overview else 5, "pts": points}
            )
    return places, lines


def _page_data(
    station: StationPlan,
    routes: Sequence[tuple[int, Route]],
    project: Projector,
    lang: str,
    *,
    overview: bool,
) -> tuple[Json, int]:
    """The JSON a map page draws, and how many unserved clients have no location."""
    station_point = (
        project(station.lat, station.lon)
        if station.lat is not None and station.lon is not None
        else None
    )
    places: list[Json] = []
    lines: list[Json] = []
    offset = 0
    for index, route in routes:
        more_places, more_lines = _worker_data(
            route, index, offset, station_point, project, lang, overview=overview
        )
        places += more_places
        lines += more_lines
        offset += len(route.stops)
    unserved: list[Json] = []
    without_location = 0
    if overview:
        for item in station.unserved:
            if item.lat is None or item.lon is None:
                without_location += 1
                continue
            point = project(item.lat, item.lon)
            unserved.append(
                {"lat": point[0], "lon": point[1], "pop": [_unserved_block(item, lang)]}
            )
    # A phone page carries its own worker's colour (and those before it) only, so
    # it does not change when another worker of the station comes or goes.
    shown = max((index for index, _ in routes), default=-1) + 1
    workers = [WorkerStyle.of(i).to_json() for i in range(shown)]
    data: Json = {
        "big": not overview,
        "fitMaxZoom": FIT_MAX_ZOOM,
        "workers": workers,
        "places": places,
        "lines": lines,
        "unserved": unserved,
        "unservedStyle": UNSERVED_STYLE.to_json(),
        "clusterStyle": CLUSTER_STYLE.to_json(),
        "clusterCount": i18n.label("cluster_count", lang, n="{n}"),
        "station": None,
    }
    if station_point:
        data["station"] = {
            "lat": station_point[0],
            "lon": station_point[1],
            "label": i18n.label("station_short", lang),
            "pop": [_station_block(station, [route for _, route in routes], lang)],
        }
    return data, without_location


_OSM = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def _map_parts(station: StationPlan, tiles: str, zoom: int, lang: str) -> dict[str, Any]:
    """What a map page needs from Folium and the inlined files."""
    source = tiles_of(tiles)
    center = (
        Projector(source.datum)(station.lat, station.lon)
        if station.lat is not None and station.lon is not None
        else None
    )
    streets = any(trip.path for route in station.routes for trip in route.trips)
    if streets and "openstreetmap.org" not in source.attribution:
        # Routes drawn along OpenStreetMap's streets: its ODbL asks for the credit.
        source = dataclasses.replace(
            source,
            attribution=f"{source.attribution} · {i18n.label('routes_credit', lang, osm=_OSM)}",
        )
    fmap = OfflineMap(center=center, zoom=zoom, tiles=source)
    return {"assets": inline_assets(), "map_name": fmap.get_name(), "map_script": map_script(fmap)}


# ----------------------------------------------------------------- the pages


@dataclass(frozen=True)
class StopItem:
    """A stop as the worker's list shows it."""

    number: int
    stop: Stop
    stay: int
    badge: bool
    navigation: tuple[NavLink, ...]


@dataclass(frozen=True)
class TripItem:
    """A trip as the worker's list shows it: header, stops, and what comes after it."""

    number: int
    depart: int
    meals: int
    back: int
    next_depart: int | None
    stops: tuple[StopItem, ...]


def _trip_items(route: Route, lang: str) -> list[TripItem]:
    items = numbered(route)
    trips = []
    for k, trip in enumerate(route.trips, start=1):
        stops = tuple(
            StopItem(
                number=item.number,
                stop=item.stop,
                stay=stay_minutes(item.stop),
                badge=str(item.stop.care_level) in BADGE_LEVELS,
                # The app shows this label; it is the address, never the client's name.
                navigation=navigation_links(
                    item.stop.lat,
                    item.stop.lon,
                    item.stop.address or f"{i18n.label('stop_no', lang)} {item.number}",
                    route.mode,
                ),
            )
            for item in items
            if item.trip == k
        )
        following = route.trips[k] if k < len(route.trips) else None
        trips.append(
            TripItem(
                number=k,
                depart=trip.depart,
                meals=trip.meals,
                back=trip.return_,
                next_depart=following.depart if following else None,
                stops=stops,
            )
        )
    return trips


def _route_index(plan: Plan, station: StationPlan, route: Route) -> int:
    return colour_indices(plan, station).get(route.worker_id, 0)


def _page_plan(plan: Plan, station: StationPlan, route: Route) -> Plan:
    """The plan whose id and time a worker's page shows: after a re-plan that left the
    worker's day exactly as it was, the plan that gave it (so the page is unchanged)."""
    if plan.revision is None:
        return plan
    kept = plan.revision.kept_day(station.station_id, route.worker_id)
    if kept is None:
        return plan
    marks = None
    if kept.change is not None:  # that plan was a re-plan: its marks, as drawn then
        marks = dataclasses.replace(plan.revision, workers=(kept.change,), kept=())
    return dataclasses.replace(
        plan, plan_id=kept.plan_id, planned_at=kept.planned_at, revision=marks
    )


def render_worker_map(
    plan: Plan, station: StationPlan, route: Route, *, lang: str, tiles: str
) -> str:
    """The HTML text of one worker's phone page (see :func:`write_worker_map`)."""
    i18n.check_lang(lang)
    index = _route_index(plan, station, route)  # the re-plan's colours, before _page_plan
    plan = _page_plan(plan, station, route)
    change = (
        None if plan.revision is None else plan.revision.worker(station.station_id, route.worker_id)
    )
    changed = () if change is None else change.stops

    def colleague(change: StopChange) -> str:
        return change.other_name or change.other

    tiles_of(tiles)
    style = WorkerStyle.of(index)
    context: dict[str, Any] = {
        "assets": inline_assets(),
        "plan": plan,
        "station": station,
        "route": route,
        "style": style,
        "worker_name": route.name or route.worker_id,
        "station_name": station_label(station),
        "trips": _trip_items(route, lang),
        "trip_times": _trip_times(route, lang),
        "dashes": [trip_dash(k) for k in range(len(route.trips))],
        "change": change,
        # clients used to another worker: their usual one's name, so this worker knows
        "stand_in": {
            face.client_id: face.usual_name
            for face in (station.continuity.changed if station.continuity else ())
            if face.worker == route.worker_id
        },
        # per client id: (how their stop changed, the other worker's name)
        "marks": {c.client_id: (c, colleague(c)) for c in changed},
        "removed": [(c, colleague(c)) for c in changed if c.kind == StopChangeKind.REMOVED],
    }
    has_map = not route.idle and station.lat is not None and station.lon is not None
    if has_map:
        project = Projector(tiles_of(tiles).datum)
        data, _ = _page_data(station, [(index, route)], project, lang, overview=False)
        context |= _map_parts(station, tiles, 15, lang) | {"data_json": js_literal(data)}
    template = i18n.html_environment(lang).get_template("worker.html")
    return template.render(has_map=has_map, **context)


def write_worker_map(
    plan: Plan,
    station: StationPlan,
    route: Route,
    out_dir: Path,
    *,
    lang: str,
    tiles: str,
) -> Path:
    """Write the phone page of one worker: the map above, the stops in order below.

    Parameters
    ----------
    plan
        The day's plan (its date, id and time are on the page).
    station
        The worker's station (where every trip starts and ends).
    route
        The worker's day; one of ``station.routes`` (its colour follows its place).
        An idle worker's page says there is no delivery today and whom to ask.
    out_dir
        The day's output folder; the page goes to :func:`.paths.worker_map`. It is
        one file that needs no other.
    lang
        ``"zh"`` or ``"en"``.
    tiles
        ``"osm"`` or ``"amap"`` (points are then drawn in GCJ-02; navigation links
        carry the datum of their own app either way).

    Returns
    -------
    Path
        The file written.
    """
    text = render_worker_map(plan, station, route, lang=lang, tiles=tiles)
    return write_page(out_dir, worker_map(station.station_id, route.worker_id), text)


@dataclass(frozen=True)
class WorkerEntry:
    """A worker as the station map's list shows them."""

    index: int
    route: Route
    style: WorkerStyle
    stops: int
    href: str


def render_station_map(plan: Plan, station: StationPlan, *, lang: str, tiles: str) -> str:
    """The HTML text of a station's overview map (see :func:`write_station_map`)."""
    i18n.check_lang(lang)
    tiles_of(tiles)
    relative = overview_map(station.station_id)
    project = Projector(tiles_of(tiles).datum)
    colours = colour_indices(plan, station)
    routes = [(colours[route.worker_id], route) for route in station.routes]
    data, without_location = _page_data(station, routes, project, lang, overview=True)
    workers = [
        WorkerEntry(
            index=i,
            route=route,
            style=WorkerStyle.of(i),
            stops=len(route.stops),
            href=link(relative, worker_map(station.station_id, route.worker_id)),
        )
        for i, route in routes
    ]
    context: dict[str, Any] = {
        "plan": plan,
        "station": station,
        "station_name": station_label(station),
        "workers": workers,
        "most_trips": min(4, max((len(r.trips) for r in station.routes), default=0)),
        "dashes": [trip_dash(k) for k in range(4)],
        "unserved_style": UNSERVED_STYLE,
        "placed_unserved": len(station.unserved) - without_location,
        "without_location": without_location,
        "index_href": link(relative, INDEX_HTML),
        "data_json": js_literal(data),
        "advice": advice_entries(station),
    }
    context |= _map_parts(station, tiles, 14, lang)
    template = i18n.html_environment(lang).get_template("station_map.html")
    return template.render(has_map=True, **context)


def write_station_map(
    plan: Plan, station: StationPlan, out_dir: Path, *, lang: str, tiles: str
) -> Path:
    """Write a station's overview map: every worker's trips and the unserved clients.

    Parameters
    ----------
    plan
        The day's plan (its date, id and time are on the page).
    station
        The station to draw. Every rostered worker is listed (an idle one as such),
        with a switch to show or hide their markers and lines, and a link to their page.
    out_dir
        The day's output folder; the map goes to :func:`.paths.overview_map`. It is
        one file that needs no other.
    lang
        ``"zh"`` or ``"en"``.
    tiles
        ``"osm"`` or ``"amap"`` (points are then drawn in GCJ-02).

    Returns
    -------
    Path
        The file written.
    """
    text = render_station_map(plan, station, lang=lang, tiles=tiles)
    return write_page(out_dir, overview_map(station.station_id), text)
