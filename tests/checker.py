"""An independent checker of plan.json, for the tests.

It trusts nothing the planner computed: every leg is recomputed from the travel model
(geodesic distance on the WGS-84 ellipsoid x detour factor, divided by the worker's
speed; on a road network, OSRM's route between the two points asked on its own, plus
each point's way to the road), every time along a trip is re-derived, and every rule
of the issue is verified against the *input* (stations, workers, clients, settings).
It reads the plan as raw JSON and does not use ``mealroute.travel``,
``mealroute.roads``, the planner or the solver.

Messages name stations, workers and clients by id only (never names, addresses or
phone numbers), so failing tests do not print personal data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from geopy.distance import geodesic

import mealroute
from mealroute.errors import SettingsError
from mealroute.model import (
    WEEKDAYS,
    CareLevel,
    Change,
    ChangeKind,
    Client,
    Mode,
    Station,
    Worker,
)
from mealroute.settings import Settings

# Per-leg rounding tolerance: the planner rounds each leg to whole metres and seconds.
DISTANCE_TOLERANCE_M = 1.0
TIME_TOLERANCE_S = 1.0
# Service time is whole seconds; allow one second for round-vs-truncate.
SERVICE_TOLERANCE_S = 1

_PRIORITY = {CareLevel.DISABLED: 0, CareLevel.SEMI_DISABLED: 1, CareLevel.OTHER: 2}
# Special diets as coordinators write them in a notes cell (an input rule: the loader
# adds them to the diet, so halal is never packed as regular unnoticed).
_NOTE_DIETS = {
    "清真": "halal",
    "低盐": "low-salt",
    "少盐": "low-salt",
    "糖尿病": "diabetic",
    "低糖": "diabetic",
    "无糖": "diabetic",
    "软食": "soft",
    "软餐": "soft",
}


# ----------------------------------------------------------------------------- model


def road_leg(
    origin: tuple[float, float],
    destination: tuple[float, float],
    *,
    mode: Mode,
    settings: Settings,
) -> tuple[float, float]:
    """Road distance and travel time of one leg, unrounded, from the travel model.

    Parameters
    ----------
    origin, destination
        ``(lat, lon)`` in degrees.
    mode
        How the worker travels.
    settings
        Gives the detour factor and the speed of ``mode``.

    Returns
    -------
    tuple[float, float]
        ``(metres, seconds)``.
    """
    if settings.travel_source == "road":
        metres = _road_metres(origin, destination, _PROFILE[mode], settings)
    else:
        metres = geodesic(origin, destination, ellipsoid="WGS-84").meters * settings.detour(mode)
    speed_m_per_s = settings.speed_kmh[mode] * 1000.0 / 3600.0
    return metres, metres / speed_m_per_s


# ----------------------------------------------------------------------------- roads

_PROFILE = {Mode.WALK: "foot", Mode.BIKE: "bicycle", Mode.EBIKE: "bicycle", Mode.CAR: "car"}


def _road_metres(
    origin: tuple[float, float], destination: tuple[float, float], profile: str, settings: Settings
) -> float:
    """One leg on the road network: the engine's route, plus each end's way to its road."""
    if origin == destination:
        return 0.0
    if _valhalla_url(settings, profile):
        length = _valhalla_route_m(_valhalla_url(settings, profile), profile, origin, destination)
        return (
            length
            + _valhalla_off_m(_valhalla_url(settings, profile), profile, origin)
            + _valhalla_off_m(_valhalla_url(settings, profile), profile, destination)
        )
    answer = _osrm(_road_of(settings), profile, "route", (origin, destination))
    if answer is None:
        return math.inf
    ends = sum(float(w["distance"]) for w in answer["waypoints"])
    return float(answer["routes"][0]["distance"]) + ends


def off_road_m(
    point: tuple[float, float], mode: Mode, settings: Settings, *, station: tuple[float, float]
) -> float:
    """How far ``point`` is from the road it is reached by from ``station`` (``mode``'s).

    OSRM snaps a point to the nearest road that joins the rest of the network (not a
    stray piece of path), so this asks for the route from the station, as a worker
    would go; a point with no route is infinitely far. Valhalla measures from the
    nearest edge the worker's costing may use.
    """
    if _valhalla_url(settings, _PROFILE[mode]):
        return _valhalla_off_m(_valhalla_url(settings, _PROFILE[mode]), _PROFILE[mode], point)
    if point == station:  # the station: as reached from itself
        answer = _osrm(_road_of(settings), _PROFILE[mode], "route", (point, point))
        return math.inf if answer is None else float(answer["waypoints"][0]["distance"])
    answer = _osrm(_road_of(settings), _PROFILE[mode], "route", (station, point))
    return math.inf if answer is None else float(answer["waypoints"][1]["distance"])


def _road_of(settings: Settings) -> tuple[str, tuple[tuple[str, str], ...]]:
    return settings.network, tuple(sorted(settings.servers.items()))


@cache
def _osrm(
    road: tuple[str, tuple[tuple[str, str], ...]],
    profile: str,
    service: str,
    points: tuple[tuple[float, float], ...],
) -> Any:
    """OSRM's own route answer, from the network files or the server."""
    network, server_items = road
    servers = dict(server_items)
    if profile in servers:
        import urllib.error
        import urllib.request

        where = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        url = f"{servers[profile].rstrip('/')}/{service}/v1/{profile}/{where}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            answer = json.loads(error.read())
        return answer if answer.get("code") == "Ok" else None
    import osrm

    engine = _osrm_engine(str(Path(network) / profile / "map.osrm"))
    coordinates = [(lon, lat) for lat, lon in points]
    try:
        return engine.Route(osrm.RouteParameters(coordinates=coordinates))
    except RuntimeError:  # NoRoute
        return None


_COSTING = {"foot": "pedestrian", "bicycle": "bicycle", "car": "auto"}


def _valhalla_url(settings: Settings, profile: str) -> str:
    if settings.server_engine != "valhalla":
        return ""
    return settings.servers.get(profile, "")


@cache
def _valhalla(url: str, service: str, body: str) -> Any:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{url.rstrip('/')}/{service}", data=body.encode())
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def _valhalla_route_m(
    url: str, profile: str, origin: tuple[float, float], destination: tuple[float, float]
) -> float:
    """Valhalla's route between the two points' roads (inf: none)."""
    locations = [{"lat": lat, "lon": lon} for lat, lon in (origin, destination)]
    body = {"locations": locations, "costing": _COSTING[profile], "directions_type": "none"}
    answer = _valhalla(url, "route", json.dumps(body, sort_keys=True))
    if "trip" not in answer:
        return math.inf
    return float(answer["trip"]["summary"]["length"]) * 1000.0


def _valhalla_off_m(url: str, profile: str, point: tuple[float, float]) -> float:
    """From ``point`` to the nearest edge of the costing (Valhalla's /locate)."""
    body = {
        "locations": [{"lat": point[0], "lon": point[1]}],
        "costing": _COSTING[profile],
        "verbose": False,
    }
    edges = _valhalla(url, "locate", json.dumps(body, sort_keys=True))[0]["edges"] or []
    return min(
        (
            geodesic(point, (e["correlated_lat"], e["correlated_lon"]), ellipsoid="WGS-84").meters
            for e in edges
        ),
        default=math.inf,
    )


def _distance_tolerance(settings: Settings) -> float:
    """Valhalla answers kilometres to three places, rounded in its matrix and its route."""
    return (
        2 * DISTANCE_TOLERANCE_M if settings.server_engine == "valhalla" else DISTANCE_TOLERANCE_M
    )


@cache
def _osrm_engine(path: str) -> Any:
    import osrm

    return osrm.OSRM(storage_config=path, algorithm="MLD", use_shared_memory=False)


def _window(client: Client, settings: Settings) -> tuple[int, int]:
    start = settings.lunch_window[0] if client.window_start is None else client.window_start
    end = settings.lunch_window[1] if client.window_end is None else client.window_end
    return start, end


def _service_s(client: Client, settings: Settings) -> int:
    minutes = (
        settings.service_min[client.care_level]
        if client.service_min is None
        else client.service_min
    )
    return round(minutes * 60)


def _meals_ready(station: Station, settings: Settings) -> int:
    return settings.meals_ready if station.meals_ready is None else station.meals_ready


def _hms(seconds: float) -> str:
    whole = round(seconds)
    sign = "-" if whole < 0 else ""
    hours, rest = divmod(abs(whole), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _same_float(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0.0, abs_tol=1e-9)


# ----------------------------------------------------------------------------- schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    path = Path(mealroute.__file__).parent / "schema" / "plan.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _schema_violations(plan_doc: Mapping[str, Any]) -> list[str]:
    found = []
    errors = _validator().iter_errors(plan_doc)
    for error in sorted(errors, key=lambda e: [str(part) for part in e.absolute_path]):
        where = "/".join(str(part) for part in error.absolute_path) or "(document)"
        found.append(f"schema: at {where}: {error.message}")
    return found


# ----------------------------------------------------------------------------- checking


@dataclass
class _Context:
    date: dt.date
    settings: Settings
    clients: dict[str, Client]
    workers: dict[str, Worker]
    stations: dict[str, Station]
    rejected: frozenset[str]
    due: frozenset[str]  # the clients due on the date, the changes table applied
    pins: dict[str, str] = field(default_factory=dict)  # client id -> the only worker
    usual: dict[str, str] | None = None  # client id -> usual worker (None: not known here)
    at: int | None = None  # a re-plan from this time: trips that left before it are history
    violations: list[str] = field(default_factory=list)
    # client id -> [(station id of the plan section, "routed" | "unserved", where)]
    seen: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    routed_workers: Counter[str] = field(default_factory=Counter)

    def flag(self, message: str) -> None:
        self.violations.append(message)

    def secs(self, text: str) -> int:
        """Seconds after midnight of the plan date (more than a day if the text is later)."""
        moment = dt.datetime.fromisoformat(text)
        return round((moment - dt.datetime.combine(self.date, dt.time())).total_seconds())


def _index(items: Iterable[Any], key: str, kind: str) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for item in items:
        ident = getattr(item, key)
        if ident in index:
            raise ValueError(f"the input has {kind} id {ident!r} twice")
        index[ident] = item
    return index


def check_plan(
    plan_doc: dict[str, Any],
    clients: Sequence[Client],
    workers: Sequence[Worker],
    stations: Sequence[Station],
    settings: Settings,
    *,
    date: dt.date | None = None,
    rejected_ids: Collection[str] = (),
    changes: Sequence[Change] = (),
    previous: Mapping[str, Any] | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
    at: int | None = None,
) -> list[str]:
    """Every way ``plan_doc`` breaks the rules, as human-readable messages.

    Parameters
    ----------
    plan_doc
        plan.json as parsed JSON.
    clients, workers, stations
        The input the plan was made from (all stations; clients of every weekday).
    settings
        The settings the plan was made with.
    date
        The date the plan is expected to be for; ``None`` accepts the plan's date.
    rejected_ids
        Client ids of rows the loader rejected; each must be reported unserved.
    changes
        Every row of the changes table (any date). The checker applies those that hold
        on the plan's date itself (:func:`_as_on`) and checks the plan against the
        day they make, and that the plan lists exactly them.
    previous
        For a re-plan: the plan.json it replaced. Its ``revision`` must then say
        exactly what changed (see :func:`check_revision`).
    at
        With ``previous``: the plan re-plans from this time of day (seconds). What was
        done before it must be as published, a trip on the road keeps its worker and its
        meals, and nothing else leaves before it (see :func:`check_before`); an absence
        starts at ``at``.
    history
        The earlier days' plan.json documents the plan was made with, newest first:
        the checker then works out every client's usual worker itself
        (:func:`usual_workers`) and checks the continuity figures against them. Without
        it, only that they are true of the plan's own routes.

    Returns
    -------
    list[str]
        Empty when the plan is valid. A schema-invalid plan gets only the schema
        messages, since nothing else can be read reliably.

    Raises
    ------
    ValueError
        When the input itself repeats a station, worker or client id.
    """
    schema_problems = _schema_violations(plan_doc)
    if schema_problems:
        return schema_problems

    plan_date = dt.date.fromisoformat(plan_doc["date"])
    if at is not None and previous is not None:
        # README: the absence of a worker already on the road at --at starts then.
        left = {
            worker
            for worker, trips in _trips_by_worker(previous).items()
            if any(dt.datetime.fromisoformat(t["depart"]).time() < _clock(at) for t in trips)
        }
        changes = [
            dataclasses.replace(c, kind=ChangeKind.EARLY, value=at, start=plan_date, end=plan_date)
            if c.kind == "absent" and _holds(c, plan_date) and c.subject in left
            else c
            for c in changes
        ]
    usual = None if history is None else usual_workers(clients, workers, history)
    clients, workers, stations, due = _as_on(plan_date, clients, workers, stations, changes)
    paused = frozenset(c.subject for c in changes if c.kind == "pause" and _holds(c, plan_date))
    ctx = _Context(
        date=plan_date,
        settings=settings,
        clients=_index(clients, "client_id", "client"),
        workers=_index(workers, "worker_id", "worker"),
        stations=_index(stations, "station_id", "station"),
        rejected=frozenset(rejected_ids) - paused,
        due=due,
        pins={c.subject: c.value for c in changes if c.kind == "pin" and _holds(c, plan_date)},
        usual=usual,
        at=at,
    )
    _check_changes_listed(ctx, plan_doc, changes)
    _check_header(ctx, plan_doc, date)

    listed = Counter(st["station_id"] for st in plan_doc["stations"])
    for station_id, count in sorted(listed.items()):
        if count > 1:
            ctx.flag(f"station {station_id} appears {count} times in the plan")
    for station_id in ctx.stations:
        if station_id not in listed:
            ctx.flag(f"station {station_id} of the input is missing from the plan")
    for station_doc in plan_doc["stations"]:
        _check_station(ctx, station_doc)

    _check_coverage(ctx)
    for worker_id, count in sorted(ctx.routed_workers.items()):
        if count > 1:
            ctx.flag(f"worker {worker_id} has {count} routes; a worker has at most one")
    _check_totals(ctx, plan_doc)
    if previous is not None:
        ctx.violations += check_revision(plan_doc, previous)
        if at is not None:
            ctx.violations += check_before(plan_doc, previous, at, due)
    elif "revision" in plan_doc:
        ctx.flag("the plan has a revision, but no previous plan was given to check it by")
    return ctx.violations


def assert_valid_plan(
    plan_doc: dict[str, Any],
    clients: Sequence[Client],
    workers: Sequence[Worker],
    stations: Sequence[Station],
    settings: Settings,
    *,
    date: dt.date | None = None,
    rejected_ids: Collection[str] = (),
    changes: Sequence[Change] = (),
    previous: Mapping[str, Any] | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
    at: int | None = None,
) -> None:
    """Raise ``AssertionError`` listing every violation :func:`check_plan` finds.

    The parameters are those of :func:`check_plan`.
    """
    violations = check_plan(
        plan_doc,
        clients,
        workers,
        stations,
        settings,
        date=date,
        rejected_ids=rejected_ids,
        changes=changes,
        previous=previous,
        history=history,
        at=at,
    )
    if violations:
        listing = "\n  - ".join(violations)
        raise AssertionError(f"plan breaks {len(violations)} rule(s):\n  - {listing}")


# ----------------------------------------------------------------------------- re-plans

RETIME_S = 5 * 60  # the README's "more than five minutes": a new time worth telling


def _days(plan_doc: Mapping[str, Any]) -> dict[tuple[str, str], Any]:
    """(station, worker) -> the route exactly as plan.json has it."""
    return {
        (st["station_id"], r["worker_id"]): r for st in plan_doc["stations"] for r in st["routes"]
    }


def _visits(route: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(client id, service start) in visiting order."""
    if route is None:
        return []
    return [(s["client_id"], s["start"]) for t in route["trips"] for s in t["stops"]]


def _clock(seconds: int) -> dt.time:
    return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def _trips_by_worker(plan_doc: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    return {r["worker_id"]: r["trips"] for st in plan_doc["stations"] for r in st["routes"]}


def check_before(
    plan_doc: Mapping[str, Any], previous: Mapping[str, Any], at: int, due: Collection[str]
) -> list[str]:
    """What was done before a mid-round re-plan at ``at`` is as published.

    Every stop served before ``at`` is in the new plan with the same worker and times;
    a trip that left before ``at`` is in the new plan with the same departure and its
    stops a subsequence of the published ones (its meals are on that bike: nobody else
    brings them, and they stay in order); when its worker carries on, every remaining
    client still due stays on it. No other trip leaves before ``at``.
    """
    date = dt.date.fromisoformat(plan_doc["date"])

    def secs(text: str) -> int:
        moment = dt.datetime.fromisoformat(text)
        return round((moment - dt.datetime.combine(date, dt.time())).total_seconds())

    problems = []
    old, new = _trips_by_worker(previous), _trips_by_worker(plan_doc)
    for worker, trips in old.items():
        mine = {secs(t["depart"]): t for t in new.get(worker, ())}
        for trip in trips:
            depart = secs(trip["depart"])
            if depart >= at:
                continue
            done = [s for s in trip["stops"] if secs(s["start"]) < at]
            now = mine.get(depart)
            if now is None:
                if done:
                    problems.append(
                        f"worker {worker}: the trip that left at {_hms(depart)} and served "
                        f"{len(done)} stops before the re-plan is gone"
                    )
                continue
            ids = [s["client_id"] for s in now["stops"]]
            published = [s["client_id"] for s in trip["stops"]]
            if [c for c in published if c in ids] != ids:
                problems.append(
                    f"worker {worker}: the trip that left at {_hms(depart)} has stops "
                    f"{ids}, not those it left with in their order {published}"
                )
            for stop, kept in zip(done, now["stops"], strict=False):
                if (stop["client_id"], stop["start"]) != (kept["client_id"], kept["start"]):
                    problems.append(
                        f"worker {worker}: stop of {stop['client_id']} at "
                        f"{stop['start'][11:16]}, served before the re-plan, changed"
                    )
            if len(now["stops"]) > len(done):  # carried on: every remaining client still due
                missing = [
                    s["client_id"]
                    for s in trip["stops"][len(done) :]
                    if s["client_id"] in due and s["client_id"] not in ids
                ]
                if missing:
                    problems.append(
                        f"worker {worker}: meals of {missing} are on the trip that left at "
                        f"{_hms(depart)}, but the plan takes them off it"
                    )
    for worker, trips in new.items():
        left = {secs(t["depart"]) for t in old.get(worker, ()) if secs(t["depart"]) < at}
        for trip in trips:
            depart = secs(trip["depart"])
            if depart < at and depart not in left:
                problems.append(
                    f"worker {worker}: a trip leaves at {_hms(depart)}, before the re-plan "
                    f"at {_hms(at)}"
                )
    return problems


def check_revision(plan_doc: Mapping[str, Any], previous: Mapping[str, Any]) -> list[str]:
    """Every way a re-plan's ``revision`` misstates what changed against ``previous``.

    Worked out from the two plan.json files alone: which workers' days are exactly
    as before (their routes identical) and which are not; per changed worker the
    clients added (and who had them), taken off (and who has them now), and kept at a
    time more than five minutes away; the counts of moved, newly served, no longer
    served and retimed clients.
    """
    problems: list[str] = []
    revision = plan_doc.get("revision")
    if revision is None:
        return ["a re-plan without a revision: it does not say what changed"]
    if revision["previous_plan_id"] != previous["plan_id"]:
        problems.append(
            f"revision: previous plan {revision['previous_plan_id']}, "
            f"but the plan replaced is {previous['plan_id']}"
        )
    both = {st["station_id"] for st in plan_doc["stations"]} & {
        st["station_id"] for st in previous["stations"]
    }
    old, new = _days(previous), _days(plan_doc)
    keys = {k for k in (*old, *new) if k[0] in both}
    listed = {(w["station_id"], w["worker_id"]): w for w in revision["workers"]}
    kept = {(k["station_id"], k["worker_id"]) for k in revision["kept"]}
    where_old = {(k[0], c): k[1] for k, r in old.items() for c, _ in _visits(r)}
    where_new = {(k[0], c): k[1] for k, r in new.items() for c, _ in _visits(r)}
    for key in sorted(keys):
        same = old.get(key) == new.get(key)
        if same and key in listed:
            problems.append(f"revision lists worker {key[1]} as changed; their day is as before")
        if same and key not in kept and key in new:
            problems.append(f"revision: worker {key[1]}'s day is as before but not listed as kept")
        if not same and key in kept:
            problems.append(f"revision lists worker {key[1]} as kept; their day changed")
        if not same and key not in listed:
            problems.append(f"revision does not list worker {key[1]}, whose day changed")
        if not same and key in listed:
            problems += _check_worker_change(
                key, listed[key], _visits(old.get(key)), _visits(new.get(key)), where_old, where_new
            )
    served_before = {k for k in where_old if k[0] in both}
    served_after = {k for k in where_new if k[0] in both}
    expected = {
        "moved": sum(1 for k in served_before & served_after if where_old[k] != where_new[k]),
        "newly_served": len(served_after - served_before),
        "no_longer_served": len(served_before - served_after),
        "retimed": sum(
            1 for w in revision["workers"] for stop in w["stops"] if stop["kind"] == "retimed"
        ),
    }
    for name, value in expected.items():
        if revision[name] != value:
            problems.append(f"revision says {name} = {revision[name]}; the plans say {value}")
    colours = [(c["station_id"], c["index"]) for c in revision["colours"]]
    if len(colours) != len(set(colours)):
        problems.append("revision gives two workers of one station the same colour")
    return problems


def _seconds(text: str | None) -> int | None:
    if text is None:
        return None
    clock = dt.datetime.fromisoformat(text)
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _check_worker_change(
    key: tuple[str, str],
    change: Mapping[str, Any],
    before: list[tuple[str, str]],
    after: list[tuple[str, str]],
    where_old: Mapping[tuple[str, str], str],
    where_new: Mapping[tuple[str, str], str],
) -> list[str]:
    station, worker = key
    was, now = dict(before), dict(after)
    expected: dict[tuple[str, str], str] = {}
    for client in now:
        if client not in was:
            expected[("added", client)] = where_old.get((station, client), "")
    for client in was:
        if client not in now:
            expected[("removed", client)] = where_new.get((station, client), "")
    for client, start in now.items():
        if client in was:
            moved = abs((_seconds(start) or 0) - (_seconds(was[client]) or 0))
            if moved > RETIME_S:
                expected[("retimed", client)] = ""
    said = {(s["kind"], s["client_id"]): s["other"] for s in change["stops"]}
    problems = []
    if said != expected:
        problems.append(
            f"revision of worker {worker}: says {sorted(said.items())}, "
            f"the plans say {sorted(expected.items())}"
        )
    kept_order = [c for c, _ in after if c in was]
    if change["reordered"] != (kept_order != [c for c, _ in before if c in now]):
        problems.append(f"revision of worker {worker}: 'reordered' is {change['reordered']}")
    return problems


# ----------------------------------------------------------------------------- changes


def _holds(change: Change, date: dt.date) -> bool:
    return change.start <= date and (change.end is None or date <= change.end)


def _as_on(
    date: dt.date,
    clients: Sequence[Client],
    workers: Sequence[Worker],
    stations: Sequence[Station],
    changes: Sequence[Change],
) -> tuple[list[Client], list[Worker], list[Station], frozenset[str]]:
    """The input as the changes table makes it on ``date`` (README: "Changes for a day").

    Returns every client with the day's window, meals and diet, the workers at work
    (their shift and mode that day), the stations (their meals-ready time), and the
    ids of the clients due that day. Written apart from mealroute.changes on purpose.
    """
    today = [c for c in changes if _holds(c, date)]
    of: dict[str, list[Change]] = {}
    for change in today:
        of.setdefault(f"{change.kind}:{change.subject}", []).append(change)

    def last(kind: str, subject: str) -> Change | None:
        found = of.get(f"{kind}:{subject}")
        return found[-1] if found else None

    starting = {c.subject for c in changes if c.kind == "new"}
    due: set[str] = set()
    today_clients = []
    for usual_client in clients:
        client, cid = usual_client, usual_client.client_id
        usual = date.weekday() in client.days
        if last("pause", cid) is not None:
            pass
        elif last("once", cid) is not None:
            due.add(cid)
        elif cid in starting:
            if usual and last("new", cid) is not None:
                due.add(cid)
        elif usual:
            due.add(cid)
        if (window := last("window", cid)) is not None:
            client = dataclasses.replace(
                client, window_start=window.value[0], window_end=window.value[1]
            )
        if (meals := last("meals", cid)) is not None:
            client = dataclasses.replace(client, meals=meals.value)
        if (diet := last("diet", cid)) is not None:
            client = dataclasses.replace(client, diet=diet.value)
        today_clients.append(client)
    at_work = []
    for worker in workers:
        wid = worker.worker_id
        start, end = worker.shift_start, worker.shift_end
        if (late := last("late", wid)) is not None:
            start = late.value
        if (early := last("early", wid)) is not None:
            end = early.value
        if last("absent", wid) is not None or start >= end:
            continue
        mode = last("mode", wid)
        at_work.append(
            dataclasses.replace(
                worker,
                shift_start=start,
                shift_end=end,
                mode=worker.mode if mode is None else mode.value,
            )
        )
    kitchens = []
    for station in stations:
        ready = last("meals_ready", station.station_id)
        kitchens.append(
            station if ready is None else dataclasses.replace(station, meals_ready=ready.value)
        )
    return today_clients, at_work, kitchens, frozenset(due)


def _check_changes_listed(
    ctx: _Context, plan_doc: Mapping[str, Any], changes: Sequence[Change]
) -> None:
    """plan.json lists the changes that held on the date, for the stations it plans."""
    planned = {st["station_id"] for st in plan_doc["stations"]}
    expected = sorted(
        (str(c.kind), c.subject, c.start.isoformat())
        for c in changes
        if _holds(c, ctx.date) and c.station_id in planned and _has_effect(ctx, c)
    )
    listed = sorted((c["kind"], c["subject"], c["start"]) for c in plan_doc.get("changes", []))
    if listed != expected:
        ctx.flag(f"plan lists changes {listed}, the changes table holds {expected} that day")


def _has_effect(ctx: _Context, change: Change) -> bool:
    """Whether a change has something to change on the day (the planner lists only those)."""
    if change.kind in ("new", "once", "window", "meals", "diet", "pin"):
        return change.subject in ctx.due
    if change.kind == "pause":
        return True
    if change.kind in ("absent", "late", "early", "mode"):
        return True
    return change.subject in ctx.stations


def _check_header(ctx: _Context, plan_doc: Mapping[str, Any], expected: dt.date | None) -> None:
    if expected is not None and ctx.date != expected:
        ctx.flag(
            f"plan date {ctx.date.isoformat()} is not the expected date {expected.isoformat()}"
        )
    weekday = plan_doc.get("weekday")
    if weekday is not None and weekday != WEEKDAYS[ctx.date.weekday()]:
        ctx.flag(f"weekday {weekday!r} does not match date {ctx.date.isoformat()}")
    try:
        written = Settings.from_dict(plan_doc["settings"])
    except SettingsError as error:
        ctx.flag(f"settings in the plan cannot be read: {error}")
    else:
        if written != ctx.settings:
            ctx.flag("settings in the plan differ from the settings the plan was checked with")


def _reason_problem(reason: Mapping[str, Any]) -> str | None:
    """What is wrong with a reason or an error as plan.json holds it (``None``: nothing).

    A reason is a code with parameters that mealroute can say in every language of
    the pack; an empty or unknown code would reach a coordinator as nothing.
    """
    from mealroute.messages import LANGS, render
    from mealroute.model import Message

    try:
        message = Message.from_json(reason)
    except (KeyError, TypeError, ValueError):
        return f"has a reason that is not a message: {reason!r}"
    for lang in LANGS:
        try:
            words = render(message, lang)
        except (KeyError, IndexError, ValueError) as error:
            return f"has a reason {message.code!r} that cannot be said in {lang}: {error}"
        if not words.strip():
            return f"has an empty reason ({message.code!r} in {lang})"
    return None


def usual_workers(
    clients: Sequence[Client], workers: Sequence[Worker], history: Sequence[Mapping[str, Any]]
) -> dict[str, str]:
    """client id -> usual worker, worked out independently of the planner.

    The client's ``usual_worker`` cell when it names a worker of their station; else
    the worker who brought their lunch on most of the ``history`` plans (plan.json
    documents, newest first), the newest of them on a tie, among the station's workers.
    """
    station_of = {w.worker_id: w.station_id for w in workers}
    counts: dict[str, Counter[str]] = {}
    first_seen: dict[tuple[str, str], int] = {}
    for age, doc in enumerate(history):
        for st in doc["stations"]:
            if st["error"] is not None:
                continue
            for route in st["routes"]:
                for trip in route["trips"]:
                    for stop in trip["stops"]:
                        key = (stop["client_id"], route["worker_id"])
                        counts.setdefault(stop["client_id"], Counter())[route["worker_id"]] += 1
                        first_seen.setdefault(key, age)
    usual = {}
    for client in clients:
        if client.usual_worker:
            if station_of.get(client.usual_worker) == client.station_id:
                usual[client.client_id] = client.usual_worker
            continue
        seen = {
            w: n
            for w, n in counts.get(client.client_id, Counter()).items()
            if station_of.get(w) == client.station_id
        }
        if seen:
            best = max(seen.values())
            newest = min(first_seen[(client.client_id, w)] for w, n in seen.items() if n == best)
            tied = [
                w
                for w, n in seen.items()
                if n == best and first_seen[(client.client_id, w)] == newest
            ]
            usual[client.client_id] = max(tied)
    return usual


def _check_continuity(ctx: _Context, st: Mapping[str, Any], where: str) -> None:
    """What the plan says of familiar faces: true of its routes (and of the usual workers,
    when the checker was given the history to work them out)."""
    continuity = st.get("continuity")
    worker_of = {
        stop["client_id"]: route["worker_id"]
        for route in st["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    }
    if ctx.usual is not None:
        expected = {
            c: w
            for c, w in ctx.usual.items()
            if c in worker_of and ctx.clients[c].station_id == st["station_id"]
        }
        if not expected and continuity is not None and continuity["known"]:
            ctx.flag(
                f"{where}: continuity counts {continuity['known']} clients, "
                "but nobody's usual worker is known"
            )
        if expected and continuity is None:
            ctx.flag(
                f"{where}: {len(expected)} served clients have a usual worker; "
                "no continuity reported"
            )
        if continuity is None:
            return
        kept = sum(1 for c, w in expected.items() if worker_of[c] == w)
        if (continuity["known"], continuity["kept"]) != (len(expected), kept):
            ctx.flag(
                f"{where}: continuity says {continuity['kept']} of {continuity['known']} with "
                f"their usual worker; the plan has {kept} of {len(expected)}"
            )
        said = {f["client_id"]: (f["usual"], f["worker"]) for f in continuity["changed"]}
        truth = {c: (w, worker_of[c]) for c, w in expected.items() if worker_of[c] != w}
        if said != truth:
            ctx.flag(
                f"{where}: continuity lists {sorted(said.items())}, "
                f"the plan says {sorted(truth.items())}"
            )
        return
    if continuity is None:
        return
    for face in continuity["changed"]:
        if worker_of.get(face["client_id"]) != face["worker"] or face["usual"] == face["worker"]:
            ctx.flag(
                f"{where}: continuity: client {face['client_id']} is not served by "
                f"{face['worker']} instead of their usual worker"
            )
        problem = _reason_problem(face["reason"])
        if problem:
            ctx.flag(f"{where}: continuity: client {face['client_id']} {problem}")
    if continuity["kept"] + len(continuity["changed"]) != continuity["known"]:
        ctx.flag(f"{where}: continuity: kept + changed != known")


def _check_station(ctx: _Context, st: Mapping[str, Any]) -> None:
    station_id = st["station_id"]
    where = f"station {station_id}"
    station = ctx.stations.get(station_id)
    for route in st["routes"]:
        ctx.routed_workers[route["worker_id"]] += 1
    for unserved in st["unserved"]:
        ctx.seen[unserved["client_id"]].append((station_id, "unserved", where))
        problem = _reason_problem(unserved["reason"])
        if problem:
            ctx.flag(f"{where}: unserved client {unserved['client_id']} {problem}")
        client = ctx.clients.get(unserved["client_id"])
        if client is not None and station is not None:
            _check_road_reason(ctx, unserved["reason"], client, station, where)
        if (
            client is not None
            and unserved["care_level"] is not None
            and unserved["care_level"] != client.care_level
        ):
            ctx.flag(
                f"{where}: unserved client {client.client_id} has care_level "
                f"{unserved['care_level']!r}, the input says {str(client.care_level)!r}"
            )
    _check_station_counts(ctx, st, where)
    _check_advice(ctx, st, where)
    _check_continuity(ctx, st, where)
    if station is None:
        # The planner reports rejected rows naming a station the input lacks under a
        # failed section of that id: allowed, as long as that is all it holds.
        orphan_section = (
            st["error"] is not None
            and not st["routes"]
            and all(u["client_id"] in ctx.rejected for u in st["unserved"])
        )
        if not orphan_section:
            ctx.flag(f"{where} is not in the input")
        for route in st["routes"]:
            for trip in route["trips"]:
                for stop in trip["stops"]:
                    ctx.seen[stop["client_id"]].append((station_id, "routed", where))
        return

    if st["name"] != station.name:
        ctx.flag(f"{where}: name differs from the input")
    for axis in ("lat", "lon"):
        if st[axis] is not None and not _same_float(st[axis], getattr(station, axis)):
            ctx.flag(f"{where}: {axis} {st[axis]} differs from the input {getattr(station, axis)}")
    ready = _meals_ready(station, ctx.settings)
    if st["meals_ready"] is not None and ctx.secs(st["meals_ready"]) != ready:
        ctx.flag(
            f"{where}: meals_ready {_hms(ctx.secs(st['meals_ready']))} differs from the "
            f"input's {_hms(ready)}"
        )
    roster = [w.worker_id for w in ctx.workers.values() if w.station_id == station_id]
    if st["workers"] != len(roster):
        ctx.flag(f"{where}: workers is {st['workers']}, the input has {len(roster)}")
    listed = [route["worker_id"] for route in st["routes"]]
    for worker_id in roster:
        if worker_id not in listed:
            ctx.flag(
                f"{where}: rostered worker {worker_id} is missing "
                "(an idle worker has a route without trips)"
            )
    if st["workers"] != len(st["routes"]):
        ctx.flag(f"{where}: workers is {st['workers']} but it lists {len(st['routes'])} route(s)")
    if st["error"] is not None:
        problem = _reason_problem(st["error"])
        if problem:
            ctx.flag(f"{where}: error {problem}")
        if any(route["trips"] for route in st["routes"]):
            ctx.flag(f"{where}: has an error but a worker still has trips")

    for route in st["routes"]:
        _check_route(ctx, route, station)


# Reasons a change of the station's workers may cure; advice is only given for them.
_ADVISED_REASONS = frozenset({"ran_out", "skill_missing", "skills_not_together"})
MAX_ADVICE = 3


def _check_advice(ctx: _Context, st: Mapping[str, Any], where: str) -> None:
    """Advice (optional in plan.json) says what would serve clients the station left
    unserved: only clients it really left unserved, counted as the input says, best
    first (most disabled, then semi-disabled, then everyone), sayable in every language.
    """
    from mealroute.messages import LANGS
    from mealroute.messages.plan import advice_text
    from mealroute.model import Message

    advice = st.get("advice", [])
    if not advice:
        return
    if st["error"] is not None:
        ctx.flag(f"{where}: a station that could not be planned has advice")
    if len(advice) > MAX_ADVICE:
        ctx.flag(f"{where}: {len(advice)} advices, at most {MAX_ADVICE}")
    reasons = {u["reason"]["code"] for u in st["unserved"]}
    if not reasons & _ADVISED_REASONS:
        ctx.flag(f"{where}: advice, but nobody is unserved for lack of workers ({sorted(reasons)})")
    unserved = {
        u["client_id"]
        for u in st["unserved"]
        if u["client_id"] in ctx.clients and u["client_id"] not in ctx.rejected
    }
    scores = []
    for k, item in enumerate(advice, start=1):
        here = f"{where}: advice {k} ({item['code']})"
        params = item["params"]
        for lang in LANGS:
            try:
                words = advice_text(Message.from_json(item), lang)
            except (KeyError, IndexError, ValueError, TypeError) as error:
                ctx.flag(f"{here} cannot be said in {lang}: {error!r}")
                continue
            if not words.strip():
                ctx.flag(f"{here} is empty in {lang}")
        clients = list(params["clients"])
        if len(set(clients)) != len(clients):
            ctx.flag(f"{here} names a client twice")
        strangers = sorted(set(clients) - unserved)
        if strangers:
            ctx.flag(f"{here} would serve {strangers}, who are not unserved clients of the station")
        levels = Counter(ctx.clients[c].care_level for c in clients if c in ctx.clients)
        expected = {
            "serves": len(clients),
            "of": len(unserved),
            "disabled": levels[CareLevel.DISABLED],
        }
        for key, value in expected.items():
            if params[key] != value:
                ctx.flag(f"{here}: {key} is {params[key]}, its clients and the input say {value}")
        scores.append((levels[CareLevel.DISABLED], levels[CareLevel.SEMI_DISABLED], len(clients)))
    if scores != sorted(scores, reverse=True):
        ctx.flag(f"{where}: advice is not best first (disabled, semi-disabled, all): {scores}")


def _check_station_counts(ctx: _Context, st: Mapping[str, Any], where: str) -> None:
    routes = st["routes"]
    trips = [trip for route in routes for trip in route["trips"]]
    served = sum(len(trip["stops"]) for trip in trips)
    expected = {
        "served": served,
        "clients": served + len(st["unserved"]),
        "workers_used": sum(1 for route in routes if route["trips"]),
        "travel_s": sum(route["travel_s"] for route in routes),
        "distance_m": sum(route["distance_m"] for route in routes),
    }
    for key, value in expected.items():
        if st[key] != value:
            ctx.flag(f"{where}: {key} is {st[key]}, its routes and unserved add up to {value}")
    departures = [ctx.secs(trip["depart"]) for trip in trips]
    returns = [ctx.secs(trip["return"]) for trip in trips]
    for key, values, pick in (
        ("first_departure", departures, min),
        ("last_return", returns, max),
    ):
        written = None if st[key] is None else ctx.secs(st[key])
        wanted = pick(values) if values else None
        if written != wanted:
            shown = "null" if wanted is None else _hms(wanted)
            ctx.flag(f"{where}: {key} does not match its trips (expected {shown})")


def _check_route(ctx: _Context, route: Mapping[str, Any], station: Station) -> None:
    worker_id = route["worker_id"]
    where = f"station {station.station_id} / worker {worker_id}"
    worker = ctx.workers.get(worker_id)
    if worker is None:
        ctx.flag(f"{where}: unknown worker {worker_id}")
        return
    if worker.station_id != station.station_id:
        ctx.flag(
            f"{where}: worker {worker_id} belongs to station {worker.station_id}, "
            f"not to station {station.station_id}"
        )
    if route["name"] != worker.name:
        ctx.flag(f"{where}: worker name differs from the input")
    if route["mode"] != worker.mode:
        ctx.flag(
            f"{where}: route mode {route['mode']!r} differs from the worker's {str(worker.mode)!r}"
        )
    if route["capacity"] != worker.capacity:
        ctx.flag(
            f"{where}: route capacity {route['capacity']} differs from the worker's "
            f"{worker.capacity}"
        )
    if route["shift"] is not None:
        shift = (ctx.secs(route["shift"]["start"]), ctx.secs(route["shift"]["end"]))
        if shift != (worker.shift_start, worker.shift_end):
            ctx.flag(f"{where}: shift {_hms(shift[0])}-{_hms(shift[1])} differs from the input's")

    travel_s = distance_m = 0
    previous_return: int | None = None
    reload_s = round(ctx.settings.reload_min * 60)
    for number, trip in enumerate(route["trips"], start=1):
        trip_where = f"{where} / trip {number}"
        depart, returned = ctx.secs(trip["depart"]), ctx.secs(trip["return"])
        if previous_return is not None:
            if depart < previous_return:
                ctx.flag(
                    f"{trip_where}: leaves at {_hms(depart)} before trip {number - 1} is back "
                    f"at {_hms(previous_return)}; trips overlap"
                )
            elif depart - previous_return < reload_s:
                ctx.flag(
                    f"{trip_where}: only {depart - previous_return} s at the station after trip "
                    f"{number - 1}, reload needs {reload_s} s (reload_min)"
                )
        previous_return = returned
        _check_trip(ctx, trip, trip_where, worker, station)
        travel_s += sum(stop["travel_s"] for stop in trip["stops"]) + trip["return_travel_s"]
        distance_m += sum(stop["distance_m"] for stop in trip["stops"]) + trip["return_distance_m"]
    if route["travel_s"] != travel_s:
        ctx.flag(
            f"{where}: route travel_s {route['travel_s']} is not the sum of its legs {travel_s}"
        )
    if route["distance_m"] != distance_m:
        ctx.flag(
            f"{where}: route distance_m {route['distance_m']} is not the sum of its legs "
            f"{distance_m}"
        )


def _check_leg(
    ctx: _Context,
    where: str,
    written: tuple[int, int],
    *,
    ends: tuple[tuple[float, float], tuple[float, float]],
    mode: Mode,
) -> None:
    travel_s, distance_m = written
    origin, destination = ends
    metres, seconds = road_leg(origin, destination, mode=mode, settings=ctx.settings)
    tolerance = _distance_tolerance(ctx.settings)
    if abs(distance_m - metres) > tolerance:
        ctx.flag(f"{where}: leg distance {distance_m} m, the travel model gives {metres:.1f} m")
    # A time derived from the rounded distance may be off by half a metre's worth (and
    # Valhalla's by its rounding of kilometres too).
    slack = TIME_TOLERANCE_S + (tolerance - 0.5) / ctx.settings.speed_m_per_s(mode)
    if abs(travel_s - seconds) > slack:
        ctx.flag(f"{where}: leg travel time {travel_s} s, the travel model gives {seconds:.1f} s")


def _check_road_reason(
    ctx: _Context, reason: Mapping[str, Any], client: Client, station: Station, where: str
) -> None:
    """A client left out for being off the road network must really be off it."""
    code = reason.get("code")
    if code not in ("off_road", "station_off_road"):
        return
    if ctx.settings.travel_source != "road":
        ctx.flag(f"{where}: client {client.client_id} is {code}, but the plan is on straight lines")
        return
    point = (station.lat, station.lon) if code == "station_off_road" else (client.lat, client.lon)
    modes = {w.mode for w in ctx.workers.values() if w.station_id == station.station_id}
    home = (station.lat, station.lon)
    found = sorted(off_road_m(point, mode, ctx.settings, station=home) for mode in modes)
    said = reason["params"]["metres"]
    if not any(abs(said - metres) <= 1 and metres > ctx.settings.snap_m for metres in found):
        ctx.flag(
            f"{where}: client {client.client_id} is {code} at {said} m, the network gives "
            f"{[round(m) for m in found]} m (limit {ctx.settings.snap_m:g} m)"
        )


def _check_road_trip(
    ctx: _Context, trip: Mapping[str, Any], where: str, worker: Worker, station: Station
) -> None:
    """On a road network: every door near a road, and a drawn path from and to the station."""
    settings = ctx.settings
    for point, what in [((station.lat, station.lon), "the station")] + [
        ((stop["lat"], stop["lon"]), f"client {stop['client_id']}") for stop in trip["stops"]
    ]:
        off = off_road_m(point, worker.mode, settings, station=(station.lat, station.lon))
        if off > settings.snap_m:
            ctx.flag(f"{where}: {what} is {off:.0f} m from the road, over snap_m; yet served")
    path = trip.get("path")
    if not path:
        ctx.flag(f"{where}: planned on a road network, but the trip has no path to draw")
        return
    home = [station.lat, station.lon]
    if path[0] != [round(v, 6) for v in home] or path[-1] != [round(v, 6) for v in home]:
        ctx.flag(f"{where}: the trip's path does not start and end at the station")


def _check_trip(
    ctx: _Context, trip: Mapping[str, Any], where: str, worker: Worker, station: Station
) -> None:
    settings = ctx.settings
    if settings.travel_source == "road":
        _check_road_trip(ctx, trip, where, worker, station)
    elif trip.get("path"):
        ctx.flag(f"{where}: a path along streets, but the plan is on straight lines")
    depart, returned = ctx.secs(trip["depart"]), ctx.secs(trip["return"])
    ready = _meals_ready(station, settings)
    if depart < ready:
        ctx.flag(f"{where}: leaves at {_hms(depart)}, before meals_ready {_hms(ready)}")
    # A trip on the road before a mid-round re-plan is checked against the published
    # plan instead (check_before): its worker may since have dropped out.
    if ctx.at is None or depart >= ctx.at:
        if depart < worker.shift_start:
            ctx.flag(
                f"{where}: leaves at {_hms(depart)}, before shift start {_hms(worker.shift_start)}"
            )
        if returned > worker.shift_end:
            ctx.flag(f"{where}: back at {_hms(returned)}, after shift end {_hms(worker.shift_end)}")

    stops = trip["stops"]
    meals = sum(stop["meals"] for stop in stops)
    if trip["meals"] != meals:
        ctx.flag(f"{where}: trip meals {trip['meals']} is not the sum of its stops' meals {meals}")
    if meals > worker.capacity:
        ctx.flag(f"{where}: carries {meals} meals, over the worker's capacity {worker.capacity}")

    point = (station.lat, station.lon)
    previous_depart = depart
    for number, stop in enumerate(stops, start=1):
        client_id = stop["client_id"]
        stop_where = f"{where} / stop {number} (client {client_id})"
        ctx.seen[client_id].append((station.station_id, "routed", stop_where))
        client = ctx.clients.get(client_id)
        here = (stop["lat"], stop["lon"]) if client is None else (client.lat, client.lon)
        _check_leg(
            ctx,
            stop_where,
            (stop["travel_s"], stop["distance_m"]),
            ends=(point, here),
            mode=worker.mode,
        )
        arrive, start, leave = (ctx.secs(stop[key]) for key in ("arrive", "start", "depart"))
        if arrive != previous_depart + stop["travel_s"]:
            ctx.flag(
                f"{stop_where}: arrive {_hms(arrive)} is not the previous departure "
                f"{_hms(previous_depart)} + travel_s {stop['travel_s']}"
            )
        if start < arrive:
            ctx.flag(f"{stop_where}: service starts {_hms(start)}, before arrival {_hms(arrive)}")
        if start - depart > settings.max_min_after_departure * 60:
            ctx.flag(
                f"{stop_where}: food safety: service starts {(start - depart) / 60:.1f} min "
                f"after the trip left the station (max_min_after_departure "
                f"{settings.max_min_after_departure:g})"
            )
        if start - ready > settings.max_min_after_ready * 60:
            ctx.flag(
                f"{stop_where}: food safety: service starts {(start - ready) / 60:.1f} min "
                f"after meals_ready (max_min_after_ready {settings.max_min_after_ready:g})"
            )
        if client is not None:
            _check_stop_against_client(
                ctx, stop, stop_where, client=client, worker=worker, times=(start, leave)
            )
        point, previous_depart = here, leave

    _check_leg(
        ctx,
        f"{where} / return",
        (trip["return_travel_s"], trip["return_distance_m"]),
        ends=(point, (station.lat, station.lon)),
        mode=worker.mode,
    )
    if returned != previous_depart + trip["return_travel_s"]:
        ctx.flag(
            f"{where}: return {_hms(returned)} is not the last departure "
            f"{_hms(previous_depart)} + return_travel_s {trip['return_travel_s']}"
        )


def _check_stop_against_client(
    ctx: _Context,
    stop: Mapping[str, Any],
    where: str,
    *,
    client: Client,
    worker: Worker,
    times: tuple[int, int],
) -> None:
    start, leave = times
    pinned = ctx.pins.get(client.client_id)
    if pinned is not None and pinned != worker.worker_id:
        ctx.flag(f"{where}: client {client.client_id} is pinned to {pinned} for the day")
    window_start, window_end = _window(client, ctx.settings)
    if start < window_start:
        ctx.flag(f"{where}: service starts {_hms(start)}, before window start {_hms(window_start)}")
    if start > window_end:
        ctx.flag(f"{where}: service starts {_hms(start)}, after window end {_hms(window_end)}")
    written_window = (ctx.secs(stop["window"]["start"]), ctx.secs(stop["window"]["end"]))
    if written_window != (window_start, window_end):
        ctx.flag(
            f"{where}: window {_hms(written_window[0])}-{_hms(written_window[1])} differs "
            f"from the input's {_hms(window_start)}-{_hms(window_end)}"
        )
    service = _service_s(client, ctx.settings)
    if abs(leave - (start + service)) > SERVICE_TOLERANCE_S:
        ctx.flag(
            f"{where}: departs {_hms(leave)}, expected start {_hms(start)} + service {service} s"
        )
    missing = client.skills - worker.skills
    if missing:
        ctx.flag(
            f"{where}: worker {worker.worker_id} lacks the skills {sorted(missing)} "
            f"the client needs"
        )
    if client.station_id != worker.station_id:
        ctx.flag(
            f"{where}: client of station {client.station_id} is served by worker "
            f"{worker.worker_id} of station {worker.station_id}"
        )
    if not (_same_float(stop["lat"], client.lat) and _same_float(stop["lon"], client.lon)):
        ctx.flag(f"{where}: stop lat/lon differ from the client's")
    named = sorted(diet for word, diet in _NOTE_DIETS.items() if word in stop["notes"])
    if any(diet not in stop["diet"] for diet in named):
        ctx.flag(
            f"{where}: the notes name the diet {named} but the stop's diet is "
            f"{sorted(stop['diet'])}; a meal the notes ask for must not be packed as another"
        )
    for key, expected in (
        ("name", client.name),
        ("meals", client.meals),
        ("diet", sorted(client.diet)),
        ("care_level", str(client.care_level)),
        ("address", client.address),
        ("phone", client.phone),
        ("notes", client.notes),
    ):
        if stop[key] != expected:
            shown = (
                ""
                if key in ("name", "address", "phone", "notes")
                else (f" ({stop[key]!r}, input {expected!r})")
            )
            ctx.flag(f"{where}: stop {key} differs from the input{shown}")
    if frozenset(stop["skills"]) != client.skills:
        ctx.flag(f"{where}: stop skills {sorted(stop['skills'])} differ from the input")


def _check_coverage(ctx: _Context) -> None:
    weekday = WEEKDAYS[ctx.date.weekday()]
    for client_id, places in sorted(ctx.seen.items()):
        client = ctx.clients.get(client_id)
        rejected = client_id in ctx.rejected
        routed = [where for _, kind, where in places if kind == "routed"]
        if client is None and not rejected:
            ctx.flag(f"unknown client {client_id} appears in the plan ({places[0][2]})")
            continue
        due = client is not None and client_id in ctx.due
        if client is not None and not due and not rejected:
            ctx.flag(
                f"client {client_id} is not due on {weekday} {ctx.date.isoformat()} but "
                f"appears in the plan ({places[0][2]})"
            )
            continue
        allowed = int(due) + int(rejected)
        if len(places) > allowed:
            listing = "; ".join(where for _, _, where in places)
            ctx.flag(f"client {client_id} appears more than once: {listing}")
        if rejected and not due and routed:
            ctx.flag(f"client {client_id} is a rejected row but is routed ({routed[0]})")
        if due and client is not None:
            for station_id, _, where in places:
                if station_id != client.station_id and client.station_id in ctx.stations:
                    ctx.flag(
                        f"client {client_id} of station {client.station_id} is listed under "
                        f"station {station_id} ({where})"
                    )
    for client in ctx.clients.values():
        if client.client_id in ctx.due and client.client_id not in ctx.seen:
            ctx.flag(
                f"client {client.client_id} of station {client.station_id} is due on {weekday} "
                f"but is missing: neither routed nor unserved"
            )
    for client_id in sorted(ctx.rejected):
        kinds = [kind for _, kind, _ in ctx.seen.get(client_id, [])]
        if "unserved" not in kinds:
            ctx.flag(f"rejected row of client {client_id} is missing from unserved")


def _check_totals(ctx: _Context, plan_doc: Mapping[str, Any]) -> None:
    stations = plan_doc["stations"]
    routes = [route for st in stations for route in st["routes"]]
    trips = [trip for route in routes for trip in route["trips"]]
    expected = {
        "stations": len(stations),
        "stations_failed": sum(1 for st in stations if st["error"]),
        "clients": sum(st["clients"] for st in stations),
        "served": sum(len(trip["stops"]) for trip in trips),
        "unserved": sum(len(st["unserved"]) for st in stations),
        "meals": sum(stop["meals"] for trip in trips for stop in trip["stops"]),
        "workers_used": sum(1 for route in routes if route["trips"]),
        "travel_s": sum(route["travel_s"] for route in routes),
        "distance_m": sum(route["distance_m"] for route in routes),
    }
    for key, value in expected.items():
        if plan_doc["totals"][key] != value:
            ctx.flag(f"totals: {key} is {plan_doc['totals'][key]}, the stations add up to {value}")


# ----------------------------------------------------------------------------- priority


def servable_alone(client: Client, worker: Worker, station: Station, settings: Settings) -> bool:
    """Whether ``worker`` could serve ``client`` on a trip of its own, on an empty day.

    Checks skills, capacity, the window, both food-safety limits and the shift, leaving
    as late as helps (no waiting beyond the window start). A client no worker can
    serve alone is unserved for a reason no other client caused.

    Parameters
    ----------
    client, worker, station
        From the input.
    settings
        The planning settings.
    """
    if not client.skills <= worker.skills or client.meals > worker.capacity:
        return False
    here, home = (station.lat, station.lon), (client.lat, client.lon)
    if (
        settings.travel_source == "road"
        and max(
            off_road_m(here, worker.mode, settings, station=here),
            off_road_m(home, worker.mode, settings, station=here),
        )
        > settings.snap_m
    ):
        return False
    _, out_s = road_leg(here, home, mode=worker.mode, settings=settings)
    _, back_s = road_leg(home, here, mode=worker.mode, settings=settings)
    out, back = round(out_s), round(back_s)
    ready = _meals_ready(station, settings)
    window_start, window_end = _window(client, settings)
    depart = max(ready, worker.shift_start, window_start - out)
    start = max(depart + out, window_start)
    return (
        start <= window_end
        and start - depart <= settings.max_min_after_departure * 60
        and start - ready <= settings.max_min_after_ready * 60
        and start + _service_s(client, settings) + back <= worker.shift_end
    )


def priority_inversions(
    plan_doc: Mapping[str, Any],
    clients: Sequence[Client],
    *,
    workers: Sequence[Worker] | None = None,
    stations: Sequence[Station] | None = None,
    settings: Settings | None = None,
) -> list[str]:
    """Unserved clients who outrank a served client of the same station.

    Care levels rank disabled, then semi-disabled, then other: a planner that leaves
    anyone out should leave out the lowest level first. Whether an unserved client
    could have been served *instead* is not decidable locally (a swap may break
    windows or capacity elsewhere), so this is kept apart from :func:`check_plan`;
    call it on instances built so that no inversion is forced.

    Parameters
    ----------
    plan_doc
        plan.json as parsed JSON (schema-valid).
    clients
        The input clients; unserved ids not among them (rejected rows) are ignored.
    workers, stations, settings
        When all three are given, an unserved client whom no worker of the station
        could serve even alone (:func:`servable_alone`) is excused: that client is out
        for their own reason (skills, meals, window, food safety, shift).

    Returns
    -------
    list[str]
        One message per unserved client who outranks a served client of their station.
    """
    by_id = {client.client_id: client for client in clients}
    station_by_id = {s.station_id: s for s in stations or ()}
    excusable = workers is not None and stations is not None and settings is not None
    found = []
    for st in plan_doc["stations"]:
        served = [
            by_id[stop["client_id"]]
            for route in st["routes"]
            for trip in route["trips"]
            for stop in trip["stops"]
            if stop["client_id"] in by_id
        ]
        station = station_by_id.get(st["station_id"])
        for entry in st["unserved"]:
            client = by_id.get(entry["client_id"])
            if client is None:
                continue
            if excusable and station is not None and settings is not None:
                own = [w for w in workers or () if w.station_id == station.station_id]
                if not any(servable_alone(client, w, station, settings) for w in own):
                    continue
            rank = _PRIORITY[client.care_level]
            lower = [other for other in served if _PRIORITY[other.care_level] > rank]
            if lower:
                found.append(
                    f"station {st['station_id']}: {client.care_level} client {client.client_id} "
                    f"is unserved while {len(lower)} lower-priority client(s) are served, e.g. "
                    f"{lower[0].care_level} client {lower[0].client_id}"
                )
    return found
