"""plan.json: the contract between the planner and everything that draws a plan.

``plan_to_dict`` and ``plan_from_dict`` are exact inverses for what the schema
(``schema/plan.schema.json``) holds; maps and sheets read a plan only through
``plan_from_dict``, and a file only through :func:`read_plan`, which checks it
against the schema (formats included) before anything is drawn from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .clock import format_clock, iso_datetime, parse_clock, seconds_from_iso
from .errors import InputError
from .model import (
    WEEKDAYS,
    CareLevel,
    Change,
    ChangeKind,
    Continuity,
    FaceChange,
    Issue,
    KeptDay,
    Message,
    Mode,
    Plan,
    Revision,
    Route,
    Source,
    StationPlan,
    Stop,
    StopChange,
    StopChangeKind,
    Trip,
    Unserved,
    WorkerChange,
    diet_of,
)

SCHEMA_VERSION = 2
MAX_PLAN_BYTES = 200 * 1024 * 1024  # a 2,000-station province is about 60 MB


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
                "error": None if station.error is None else station.error.to_json(),
                "planned_at": _moment(station.planned_at),
                "workers": station.workers,
                "clients": station.clients,
                "served": station.served,
                "workers_used": len(station.busy_routes),
                "travel_s": sum(route.travel_s for route in station.routes),
                "distance_m": sum(route.distance_m for route in station.routes),
                "first_departure": when(min((t.depart for t in trips), default=None)),
                "last_return": when(max((t.return_ for t in trips), default=None)),
                "routes": [_route_to_dict(route, date) for route in station.routes],
                "unserved": [
                    {
                        "client_id": u.client_id,
                        "name": u.name,
                        "reason": u.reason.to_json(),
                        "care_level": None if u.care_level is None else str(u.care_level),
                        "lat": u.lat,
                        "lon": u.lon,
                        "address": u.address,
                        "phone": u.phone,
                    }
                    for u in station.unserved
                ],
                "solver": dict(station.solver),
                "advice": [advice.to_json() for advice in station.advice],
                "continuity": _continuity_to_dict(station.continuity),
            }
        )
    routes = [route for station in plan.stations for route in station.busy_routes]
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"mealroute {__version__}",
        "plan_id": plan.plan_id or plan_id(plan),
        "planned_at": _moment(plan.planned_at),
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
        "warnings": [issue.to_json() for issue in plan.warnings],
        "changes": [_change_to_dict(change) for change in plan.changes],
        **({"data": plan.data} if plan.data else {}),
        **({} if plan.revision is None else {"revision": _revision_to_dict(plan.revision, date)}),
        "stations": stations,
    }


def _continuity_to_dict(continuity: Continuity | None) -> dict[str, Any] | None:
    if continuity is None:
        return None
    return {
        "known": continuity.known,
        "kept": continuity.kept,
        "changed": [
            {
                "client_id": c.client_id,
                "name": c.name,
                "usual": c.usual,
                "usual_name": c.usual_name,
                "worker": c.worker,
                "reason": c.reason.to_json(),
            }
            for c in continuity.changed
        ],
    }


def _continuity_from_dict(document: dict[str, Any] | None) -> Continuity | None:
    if document is None:
        return None
    return Continuity(
        known=document["known"],
        kept=document["kept"],
        changed=tuple(
            FaceChange(
                client_id=c["client_id"],
                name=c["name"],
                usual=c["usual"],
                usual_name=c["usual_name"],
                worker=c["worker"],
                reason=Message.from_json(c["reason"]),
            )
            for c in document["changed"]
        ),
    )


def _revision_to_dict(revision: Revision, date: dt.date) -> dict[str, Any]:
    return {
        "previous_plan_id": revision.previous_plan_id,
        "previous_planned_at": _moment(revision.previous_planned_at),
        "moved": revision.moved,
        "newly_served": revision.newly_served,
        "no_longer_served": revision.no_longer_served,
        "retimed": revision.retimed,
        "colours": [
            {"station_id": station_id, "worker_id": worker_id, "index": index}
            for station_id, worker_id, index in revision.colours
        ],
        "kept": [
            {
                "station_id": k.station_id,
                "worker_id": k.worker_id,
                "plan_id": k.plan_id,
                "planned_at": _moment(k.planned_at),
                "change": None if k.change is None else _worker_change_to_dict(k.change, date),
            }
            for k in revision.kept
        ],
        "workers": [_worker_change_to_dict(w, date) for w in revision.workers],
    }


def _worker_change_to_dict(change: WorkerChange, date: dt.date) -> dict[str, Any]:
    def when(seconds: int | None) -> str | None:
        return None if seconds is None else iso_datetime(date, seconds)

    return {
        "station_id": change.station_id,
        "worker_id": change.worker_id,
        "name": change.name,
        "reordered": change.reordered,
        "absent": change.absent,
        "stops": [
            {
                "client_id": c.client_id,
                "name": c.name,
                "kind": str(c.kind),
                "before": when(c.before),
                "after": when(c.after),
                "other": c.other,
                "other_name": c.other_name,
            }
            for c in change.stops
        ],
    }


def _worker_change_from_dict(document: dict[str, Any], date: dt.date) -> WorkerChange:
    def secs(text: str | None) -> int | None:
        return None if text is None else seconds_from_iso(date, text)

    return WorkerChange(
        station_id=document["station_id"],
        worker_id=document["worker_id"],
        name=document["name"],
        reordered=document["reordered"],
        absent=document["absent"],
        stops=tuple(
            StopChange(
                client_id=c["client_id"],
                name=c["name"],
                kind=StopChangeKind(c["kind"]),
                before=secs(c["before"]),
                after=secs(c["after"]),
                other=c["other"],
                other_name=c["other_name"],
            )
            for c in document["stops"]
        ),
    )


def _revision_from_dict(document: dict[str, Any], date: dt.date) -> Revision:
    moment = document["previous_planned_at"]
    return Revision(
        previous_plan_id=document["previous_plan_id"],
        previous_planned_at=None if moment is None else dt.datetime.fromisoformat(moment),
        moved=document["moved"],
        newly_served=document["newly_served"],
        no_longer_served=document["no_longer_served"],
        retimed=document["retimed"],
        colours=tuple((c["station_id"], c["worker_id"], c["index"]) for c in document["colours"]),
        kept=tuple(
            KeptDay(
                station_id=k["station_id"],
                worker_id=k["worker_id"],
                plan_id=k["plan_id"],
                planned_at=None
                if k["planned_at"] is None
                else dt.datetime.fromisoformat(k["planned_at"]),
                change=None if k["change"] is None else _worker_change_from_dict(k["change"], date),
            )
            for k in document["kept"]
        ),
        workers=tuple(_worker_change_from_dict(w, date) for w in document["workers"]),
    )


_CLOCK_CHANGES = {ChangeKind.LATE, ChangeKind.EARLY, ChangeKind.MEALS_READY}


def _change_to_dict(change: Change) -> dict[str, Any]:
    value: Any = change.value
    if change.kind == ChangeKind.WINDOW:
        value = [format_clock(value[0]), format_clock(value[1])]
    elif change.kind in _CLOCK_CHANGES:
        value = format_clock(value)
    elif change.kind == ChangeKind.DIET:
        value = sorted(value)
    elif change.kind == ChangeKind.MODE:
        value = str(value)
    return {
        "kind": str(change.kind),
        "subject": change.subject,
        "name": change.name,
        "station_id": change.station_id,
        "start": change.start.isoformat(),
        "end": None if change.end is None else change.end.isoformat(),
        "value": value,
        "note": change.note,
        "file": None if change.source is None else change.source.file,
        "row": None if change.source is None else change.source.row,
    }


def _change_from_dict(document: dict[str, Any]) -> Change:
    kind = ChangeKind(document["kind"])
    value = document["value"]
    if kind == ChangeKind.WINDOW:
        value = (parse_clock(value[0]), parse_clock(value[1]))
    elif kind in _CLOCK_CHANGES:
        value = parse_clock(value)
    elif kind == ChangeKind.DIET:
        value = diet_of(value)
    elif kind == ChangeKind.MODE:
        value = Mode(value)
    return Change(
        kind=kind,
        subject=document["subject"],
        name=document["name"],
        station_id=document["station_id"],
        start=dt.date.fromisoformat(document["start"]),
        end=None if document["end"] is None else dt.date.fromisoformat(document["end"]),
        value=value,
        note=document["note"],
        source=None if document["file"] is None else Source(document["file"], document["row"]),
    )


def _moment(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.replace(microsecond=0).isoformat()


def plan_id(plan: Plan) -> str:
    """Eight hex digits naming what the plan says (not when it was made).

    The same routes, unserved clients and settings give the same id; any change
    gives another, so a page from an older plan can be told apart. The advice is not
    part of what a plan says (it never changes a route), nor is whether it was on.
    """
    content = plan_to_dict(
        Plan(date=plan.date, stations=plan.stations, settings=plan.settings, plan_id="-")
    )
    for key in ("plan_id", "planned_at", "generator", "warnings", "changes"):
        content.pop(key, None)
    content["settings"] = {k: v for k, v in content["settings"].items() if k != "advice"}
    for station in content["stations"]:
        station.pop("planned_at", None)
        station.pop("solver", None)
        station.pop("advice", None)
        station.pop("continuity", None)
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _route_to_dict(route: Route, date: dt.date) -> dict[str, Any]:
    return {
        "worker_id": route.worker_id,
        "name": route.name,
        "phone": route.phone,
        "mode": str(route.mode),
        "capacity": route.capacity,
        "shift": None
        if route.shift is None
        else {
            "start": iso_datetime(date, route.shift[0]),
            "end": iso_datetime(date, route.shift[1]),
        },
        "travel_s": route.travel_s,
        "distance_m": route.distance_m,
        "trips": [
            {
                "depart": iso_datetime(date, trip.depart),
                "return": iso_datetime(date, trip.return_),
                "meals": trip.meals,
                "return_travel_s": trip.return_travel_s,
                "return_distance_m": trip.return_distance_m,
                **(
                    {"path": [[round(lat, 6), round(lon, 6)] for lat, lon in trip.path]}
                    if trip.path
                    else {}
                ),
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
                        "diet": sorted(s.diet),
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
    planned_at = document["planned_at"]
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
                shift=None
                if r["shift"] is None
                else (secs(r["shift"]["start"]), secs(r["shift"]["end"])),
                trips=tuple(
                    Trip(
                        depart=secs(t["depart"]),
                        return_=secs(t["return"]),
                        return_travel_s=t["return_travel_s"],
                        return_distance_m=t["return_distance_m"],
                        path=tuple((lat, lon) for lat, lon in t.get("path", ())),
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
                                diet=diet_of(s["diet"]),
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
                reason=Message.from_json(u["reason"]),
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
                meals_ready=None if st["meals_ready"] is None else secs(st["meals_ready"]),
                error=None if st["error"] is None else Message.from_json(st["error"]),
                solver=dict(st["solver"]),
                advice=tuple(Message.from_json(advice) for advice in st.get("advice", ())),
                continuity=_continuity_from_dict(st.get("continuity")),
                planned_at=None
                if st["planned_at"] is None
                else dt.datetime.fromisoformat(st["planned_at"]),
            )
        )
    return Plan(
        date=date,
        stations=tuple(stations),
        settings=dict(document["settings"]),
        warnings=tuple(Issue.from_json(issue) for issue in document["warnings"]),
        planned_at=None if planned_at is None else dt.datetime.fromisoformat(planned_at),
        plan_id=document["plan_id"],
        changes=tuple(_change_from_dict(change) for change in document.get("changes", [])),
        revision=None
        if document.get("revision") is None
        else _revision_from_dict(document["revision"], date),
        data=document.get("data", ""),
    )


# ----------------------------------------------------------------- reading a file


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _local_datetime(text: object) -> bool:
    if not isinstance(text, str):
        return True
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _date(text: object) -> bool:
    if not isinstance(text, str):
        return True
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _validator() -> Any:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date")(_date)
    checker.checks("local-datetime")(_local_datetime)
    return jsonschema.Draft202012Validator(plan_schema(), format_checker=checker)


def plan_problem(document: object) -> str | None:
    """What makes ``document`` not a plan this mealroute can draw (``None``: nothing)."""
    if isinstance(document, dict) and document.get("schema_version") not in (None, SCHEMA_VERSION):
        return (
            f"it has schema version {document.get('schema_version')!r}; this mealroute reads "
            f"version {SCHEMA_VERSION}: plan the day again"
        )
    error = next(iter(sorted(_validator().iter_errors(document), key=lambda e: e.path)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top)"
        return f"at {where}: {error.message}"
    try:
        plan = plan_from_dict(document)  # type: ignore[arg-type]
    except (ValueError, KeyError, TypeError, OverflowError) as problem:
        return f"{type(problem).__name__}: {problem}"
    day = 24 * 3600
    for station in plan.stations:
        for route in station.routes:
            for trip in route.trips:
                times = [trip.depart, trip.return_] + [
                    t for stop in trip.stops for t in (stop.arrive, stop.start, stop.depart)
                ]
                if min(times) < 0 or max(times) > 2 * day:
                    return (
                        f"station {station.station_id!r}, worker {route.worker_id!r}: "
                        "a time lies outside the plan's date"
                    )
                if trip.return_ < trip.depart:
                    return (
                        f"station {station.station_id!r}, worker {route.worker_id!r}: "
                        "a trip returns before it leaves"
                    )
    return None


def read_plan(path: Path) -> Plan:
    """Read and check a plan.json file.

    Raises
    ------
    InputError
        Naming the file and what is wrong: unreadable, not UTF-8, not JSON (or
        NaN, or nested absurdly deep), not a mealroute plan of this version, or a
        value the schema allows but a plan cannot have (an impossible date).
    """
    label = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PLAN_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror or error}", file=label) from None
    if len(data) > MAX_PLAN_BYTES:
        raise InputError(
            f"the file is larger than {MAX_PLAN_BYTES // 2**20} MB; not a plan", file=label
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; plan.json is always UTF-8", file=label) from None
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise InputError("not a mealroute plan: JSON nested too deeply", file=label) from None
    except ValueError as error:
        raise InputError(f"not JSON ({error})", file=label) from None
    try:
        problem = plan_problem(document)
    except RecursionError:
        problem = "nested too deeply"
    if problem:
        raise InputError(f"not a mealroute plan: {problem}", file=label)
    return plan_from_dict(document)
