"""The domain: what a station's day is made of, and what a plan for it is.

Plain frozen dataclasses with no I/O. ``load`` builds the input side (Station,
Worker, Client) from files; ``planner`` turns them into the output side (Plan,
StationPlan, Route, Trip, Stop, Unserved); ``planjson`` writes and reads the output
side; ``render`` only draws it.

Times of day are whole seconds since local midnight of the plan date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Mode(StrEnum):
    """How a worker travels."""

    WALK = "walk"
    BIKE = "bike"
    EBIKE = "ebike"
    CAR = "car"


class Profile(StrEnum):
    """A road network's way of travelling: which ways, which directions, which turns."""

    FOOT = "foot"
    BICYCLE = "bicycle"
    CAR = "car"


PROFILE_OF: dict[Mode, Profile] = {
    Mode.WALK: Profile.FOOT,
    Mode.BIKE: Profile.BICYCLE,
    Mode.EBIKE: Profile.BICYCLE,  # at its own speed (settings: travel.speed_kmh)
    Mode.CAR: Profile.CAR,
}


class Balance(StrEnum):
    """How the day's work is shared among a station's workers (settings: day.balance)."""

    OFF = "off"  # least travel
    MINUTES = "minutes"  # the busiest worker's minutes of work as few as can be
    STOPS = "stops"  # the busiest worker's stops as few as can be


class TravelKind(StrEnum):
    """Where travel times come from (settings: travel.source)."""

    STRAIGHT = "straight"  # geodesic distance x detour factor
    ROAD = "road"  # a road network (mealroute network build, or a routing server)


class ServerKind(StrEnum):
    """Which routing engine answers at ``travel.server`` (settings: travel.server_engine)."""

    OSRM = "osrm"  # osrm-routed, one profile per process
    VALHALLA = "valhalla"  # valhalla_service, every costing in one process


class CareLevel(StrEnum):
    """How much help a client needs; also the order in which nobody may be left out."""

    DISABLED = "disabled"
    SEMI_DISABLED = "semi-disabled"
    OTHER = "other"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY = frozenset(range(7))

REGULAR = "regular"
Diet = frozenset[str]


def diet_of(words: Iterable[str]) -> Diet:
    """A diet as a set of words; ``regular`` only when nothing else is asked for.

    ``diet_of([])`` and ``diet_of(["regular"])`` are ``{"regular"}``;
    ``diet_of(["regular", "halal"])`` is ``{"halal"}``.
    """
    found = frozenset(word for word in words if word)
    special = found - {REGULAR}
    return special or frozenset({REGULAR})


def is_halal(diet: Iterable[str]) -> bool:
    """Whether a meal of ``diet`` must be halal (also when combined with others)."""
    return "halal" in diet


@dataclass(frozen=True)
class Message:
    """A sentence for a person, kept as a stable code and its parameters.

    ``Message("window_unreachable", {"window": "11:00–11:10", "earliest": "11:18"})``.
    Plans and problems carry messages; :func:`mealroute.messages.render` turns one
    into words in a language only when it is shown. Parameter values are plain JSON
    values, lists of them, or messages.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("Message: `code` must not be empty")

    def text(self, lang: str = "en") -> str:
        """The message in words (see :func:`mealroute.messages.render`)."""
        from .messages import render

        return render(self, lang)

    def __str__(self) -> str:
        return self.text("en")

    def to_json(self) -> dict[str, Any]:
        """``{"code": ..., "params": {...}}`` with nested messages as such objects too."""

        def plain(value: Any) -> Any:
            if isinstance(value, Message):
                return value.to_json()
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            return value

        return {"code": self.code, "params": {k: plain(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Message:
        """Inverse of :meth:`to_json`."""

        def typed(value: Any) -> Any:
            if isinstance(value, Mapping) and "code" in value:
                return cls.from_json(value)
            if isinstance(value, list):
                return [typed(v) for v in value]
            return value

        return cls(document["code"], {k: typed(v) for k, v in document["params"].items()})


@dataclass(frozen=True)
class Source:
    """Where a record came from: file name and the row as the spreadsheet numbers it."""

    file: str
    row: int

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}"


def _check_coordinate(owner: str, lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise ValueError(f"{owner}: `lat` must be within -90..90, got {lat!r}")
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise ValueError(f"{owner}: `lon` must be within -180..180, got {lon!r}")


def _check_window(owner: str, start: int, end: int, names: tuple[str, str]) -> None:
    if not 0 <= start <= end <= 24 * 3600:
        raise ValueError(
            f"{owner}: `{names[0]}` ({start!r} s) must not be after `{names[1]}` ({end!r} s)"
        )


@dataclass(frozen=True)
class Station:
    """A social-work station with its kitchen: where every trip starts and ends."""

    station_id: str
    name: str
    lat: float
    lon: float
    address: str = ""
    meals_ready: int | None = None  # None: the settings' default
    phone: str = ""
    source: Source | None = None

    def __post_init__(self) -> None:
        if not self.station_id:
            raise ValueError("Station: `station_id` must not be empty")
        _check_coordinate(f"Station {self.station_id!r}", self.lat, self.lon)


@dataclass(frozen=True)
class Worker:
    """A social worker who carries meals from their station."""

    worker_id: str
    name: str
    station_id: str
    mode: Mode
    capacity: int
    shift_start: int
    shift_end: int
    skills: frozenset[str] = frozenset()
    phone: str = ""
    source: Source | None = None

    def __post_init__(self) -> None:
        if not self.worker_id:
            raise ValueError("Worker: `worker_id` must not be empty")
        if self.capacity < 1:
            raise ValueError(
                f"Worker {self.worker_id!r}: `capacity` must be at least 1, got {self.capacity!r}"
            )
        _check_window(
            f"Worker {self.worker_id!r}",
            self.shift_start,
            self.shift_end,
            ("shift_start", "shift_end"),
        )


@dataclass(frozen=True)
class Client:
    """An elderly person who gets lunch at home."""

    client_id: str
    name: str
    station_id: str
    lat: float
    lon: float
    care_level: CareLevel
    window_start: int | None = None  # None: the settings' lunch window
    window_end: int | None = None
    meals: int = 1
    diet: Diet = frozenset({REGULAR})
    service_min: float | None = None  # None: the settings' default for the care level
    skills: frozenset[str] = frozenset()
    days: frozenset[int] = EVERY_DAY  # 0 = Monday ... 6 = Sunday
    address: str = ""
    phone: str = ""
    notes: str = ""
    source: Source | None = None
    pinned_to: str = ""  # a worker_id: only they may bring the lunch (changes table, pin)
    usual_worker: str = ""  # a worker_id the client is used to (clients table); "" : from history

    def __post_init__(self) -> None:
        owner = f"Client {self.client_id!r}"
        if not self.client_id:
            raise ValueError("Client: `client_id` must not be empty")
        _check_coordinate(owner, self.lat, self.lon)
        if self.meals < 1:
            raise ValueError(f"{owner}: `meals` must be at least 1, got {self.meals!r}")
        if self.service_min is not None and not (
            math.isfinite(self.service_min) and 0 <= self.service_min <= 240
        ):
            raise ValueError(
                f"{owner}: `service_min` must be 0..240 minutes, got {self.service_min!r}"
            )
        if self.window_start is not None and self.window_end is not None:
            _check_window(owner, self.window_start, self.window_end, ("window_start", "window_end"))
        if not self.days or not self.days <= EVERY_DAY:
            raise ValueError(f"{owner}: `days` must be weekdays 0..6, got {sorted(self.days)!r}")
        if self.diet != diet_of(self.diet):
            raise ValueError(f"{owner}: `diet` must be a set made by diet_of(), got {self.diet!r}")

    def is_due(self, date: dt.date) -> bool:
        """Whether this client gets lunch on ``date``."""
        return date.weekday() in self.days


class ChangeKind(StrEnum):
    """What a row of the changes table changes (README: "Changes for a day")."""

    PAUSE = "pause"  # a client gets no lunch from start to end (hospital, family)
    NEW = "new"  # a client gets lunch from start on (no end: for good), not before
    ONCE = "once"  # a client gets lunch on these days only, whatever their usual days
    WINDOW = "window"  # a client's window, these days
    MEALS = "meals"  # a client's number of meals, these days
    DIET = "diet"  # a client's diet, these days
    ABSENT = "absent"  # a worker is away: no route
    LATE = "late"  # a worker starts at a later time
    EARLY = "early"  # a worker leaves at an earlier time
    MODE = "mode"  # a worker travels another way
    MEALS_READY = "meals_ready"  # a station's meals are ready at another time
    PIN = "pin"  # a client's lunch is brought by this worker, these days


CLIENT_CHANGES = frozenset(
    {
        ChangeKind.PAUSE,
        ChangeKind.NEW,
        ChangeKind.ONCE,
        ChangeKind.WINDOW,
        ChangeKind.MEALS,
        ChangeKind.DIET,
        ChangeKind.PIN,
    }
)
WORKER_CHANGES = frozenset({ChangeKind.ABSENT, ChangeKind.LATE, ChangeKind.EARLY, ChangeKind.MODE})
STATION_CHANGES = frozenset({ChangeKind.MEALS_READY})


@dataclass(frozen=True)
class Change:
    """One row of the changes table: what differs for a client, worker or station.

    ``end`` is the last day it holds (inclusive; None for a new client: for good).
    ``value`` is what the kind needs: a window ``(start, end)`` in seconds, a number
    of meals, a diet, a time of day in seconds, a mode, a worker_id (pin); None for
    pause, new, once and absent.
    """

    kind: ChangeKind
    subject: str  # client_id, worker_id or station_id
    station_id: str
    start: dt.date
    end: dt.date | None
    value: Any = None
    note: str = ""
    source: Source | None = None
    name: str = ""  # the client's, worker's or station's name, for the coordinator's page

    def holds_on(self, date: dt.date) -> bool:
        return self.start <= date and (self.end is None or date <= self.end)


@dataclass(frozen=True)
class RejectedRow:
    """A client row that cannot be planned; it is reported as unserved with its problems.

    It keeps what the row says of the person (as typed, even where a cell is bad), so
    the coordinator can still phone the family.
    """

    client_id: str
    name: str
    station_id: str
    source: Source
    problems: tuple[Message, ...]
    care_level: CareLevel | None = None
    address: str = ""
    phone: str = ""

    @property
    def reason(self) -> Message:
        return Message(
            "row_rejected",
            {"file": self.source.file, "row": self.source.row, "problems": list(self.problems)},
        )


class Severity(StrEnum):
    """How much an :class:`Issue` matters."""

    ERROR = "error"  # this row (or table) cannot be used
    WARNING = "warning"  # legal but suspicious: someone should look
    INFO = "info"  # what was done, for the record


@dataclass(frozen=True)
class Issue:
    """One problem found in the input, for ``validate`` and for the plan's warnings.

    ``row`` is numbered as the spreadsheet numbers it; ``column`` is the header as the
    file spells it; ``value`` the cell as read.
    """

    severity: Severity
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: Message

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
        if not isinstance(self.message, Message):
            raise TypeError(f"Issue: `message` must be a Message, got {self.message!r}")

    def text(self, lang: str = "en") -> str:
        """The issue in words: severity, where, and the message."""
        from .messages import render_issue

        return render_issue(self, lang)

    def __str__(self) -> str:
        return self.text("en")

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": str(self.severity),
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message.to_json(),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Issue:
        return cls(
            Severity(document["severity"]),
            document["file"],
            document["row"],
            document["column"],
            document["value"],
            Message.from_json(document["message"]),
        )


@dataclass(frozen=True)
class Dataset:
    """Everything read from a data directory, before any planning."""

    stations: tuple[Station, ...]
    workers: tuple[Worker, ...]
    clients: tuple[Client, ...]
    rejected: tuple[RejectedRow, ...] = ()
    issues: tuple[Issue, ...] = ()
    changes: tuple[Change, ...] = ()  # every usable row of the changes table, any date

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == Severity.WARNING)


# ----------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Stop:
    """A visit to one client on one trip. Times are seconds since midnight."""

    client_id: str
    name: str
    lat: float
    lon: float
    arrive: int
    start: int
    depart: int
    travel_s: int  # from the previous point (station or stop)
    distance_m: int
    meals: int
    diet: Diet
    care_level: CareLevel
    window: tuple[int, int]
    address: str = ""
    phone: str = ""
    notes: str = ""
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Trip:
    """One departure from the station and the way back."""

    depart: int
    return_: int
    stops: tuple[Stop, ...]
    return_travel_s: int
    return_distance_m: int
    # Along the streets, station to station, (lat, lon); empty on straight lines.
    path: tuple[tuple[float, float], ...] = ()

    @property
    def meals(self) -> int:
        return sum(stop.meals for stop in self.stops)

    @property
    def travel_s(self) -> int:
        return sum(stop.travel_s for stop in self.stops) + self.return_travel_s

    @property
    def distance_m(self) -> int:
        return sum(stop.distance_m for stop in self.stops) + self.return_distance_m


@dataclass(frozen=True)
class Route:
    """A worker's day: their trips in order (none when they have no delivery today)."""

    worker_id: str
    name: str
    mode: Mode
    capacity: int
    trips: tuple[Trip, ...]
    phone: str = ""
    shift: tuple[int, int] | None = None  # shift start and end, seconds

    @property
    def travel_s(self) -> int:
        return sum(trip.travel_s for trip in self.trips)

    @property
    def distance_m(self) -> int:
        return sum(trip.distance_m for trip in self.trips)

    @property
    def stops(self) -> tuple[Stop, ...]:
        """Every stop of the day in visiting order."""
        return tuple(stop for trip in self.trips for stop in trip.stops)

    @property
    def idle(self) -> bool:
        """Whether the worker has no delivery today."""
        return not self.trips


@dataclass(frozen=True)
class Unserved:
    """A client of the date who is on no trip, and the checked reason why."""

    client_id: str
    name: str
    reason: Message
    care_level: CareLevel | None = None
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class FaceChange:
    """A client served today by another worker than their usual one, and why."""

    client_id: str
    name: str
    usual: str  # the usual worker's id
    usual_name: str
    worker: str  # today's worker's id
    reason: Message


@dataclass(frozen=True)
class Continuity:
    """How many of a station's clients have their usual worker today.

    ``known``: served clients who have a usual worker (the clients table's
    ``usual_worker``, or the earlier plans); ``kept``: of those, served by them;
    ``changed``: the others, each with why.
    """

    known: int
    kept: int
    changed: tuple[FaceChange, ...]

    @property
    def share(self) -> float | None:
        return None if not self.known else self.kept / self.known


@dataclass(frozen=True)
class StationPlan:
    """The plan of one station for the date.

    ``routes`` has one route per rostered worker, in roster order; a worker with no
    delivery today has a route with no trips (see :attr:`Route.idle`).
    """

    station_id: str
    name: str
    lat: float | None
    lon: float | None
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    address: str = ""
    phone: str = ""
    meals_ready: int | None = None
    error: Message | None = None  # set when the station could not be planned at all
    solver: dict[str, object] = field(default_factory=dict)
    planned_at: dt.datetime | None = None
    # What would serve clients left unserved, best first: messages with an ``advice_``
    # code, each found by planning the station again with one change (``advice.py``).
    advice: tuple[Message, ...] = ()
    continuity: Continuity | None = None  # None: nobody's usual worker is known

    @property
    def workers(self) -> int:
        """Rostered workers."""
        return len(self.routes)

    @property
    def busy_routes(self) -> tuple[Route, ...]:
        """The routes of workers who deliver today."""
        return tuple(route for route in self.routes if route.trips)

    @property
    def served(self) -> int:
        return sum(len(trip.stops) for route in self.routes for trip in route.trips)

    @property
    def clients(self) -> int:
        return self.served + len(self.unserved)


class StopChangeKind(StrEnum):
    """How one client's stop on a worker's day changed in a re-plan."""

    ADDED = "added"  # now on this worker's day, not before
    REMOVED = "removed"  # on it before, not now
    RETIMED = "retimed"  # on it before and now, starting more than RETIME_S apart


RETIME_S = 5 * 60  # a stop whose time moves by more than this is worth telling the worker


@dataclass(frozen=True)
class StopChange:
    """One client's stop that a re-plan added to, took from or moved on a worker's day.

    ``before``/``after``: the service start before and now (seconds), where there
    was or is one. ``other``: for an added stop, the worker who had the client
    before; for a removed one, the worker who has them now ("" if nobody: a new
    client, or one no longer served or no longer due).
    """

    client_id: str
    name: str
    kind: StopChangeKind
    before: int | None = None
    after: int | None = None
    other: str = ""
    other_name: str = ""  # that worker's name, as the plan that had them says


@dataclass(frozen=True)
class WorkerChange:
    """How one worker's day differs from the plan it replaces (only workers whose day did)."""

    station_id: str
    worker_id: str
    name: str
    stops: tuple[StopChange, ...]
    reordered: bool = False  # the clients kept are visited in another order
    absent: bool = False  # on the earlier plan, not rostered now

    def of(self, kind: StopChangeKind) -> tuple[StopChange, ...]:
        return tuple(stop for stop in self.stops if stop.kind == kind)


@dataclass(frozen=True)
class KeptDay:
    """A worker whose day a re-plan left exactly as it was, and the plan that gave it.

    Their page keeps that plan's id and time, so it stays byte for byte the page
    the worker already has (through any number of re-plans that leave it alone).
    """

    station_id: str
    worker_id: str
    plan_id: str
    planned_at: dt.datetime | None
    # What that plan marked as new on the page, if it was itself a re-plan.
    change: WorkerChange | None = None


@dataclass(frozen=True)
class Revision:
    """What a re-plan changed against the plan of the day it replaces.

    ``workers`` lists every worker whose day is not exactly as before (a worker
    with no stop changes there had times moved by at most ``RETIME_S``); ``kept``
    the others.
    """

    previous_plan_id: str
    previous_planned_at: dt.datetime | None
    workers: tuple[WorkerChange, ...]
    moved: int  # clients served before and now, by another worker
    newly_served: int  # served now, not before (new, or unserved before)
    no_longer_served: int  # served before, not now (paused, cancelled, or unserved now)
    retimed: int  # clients on the same worker whose time moved by more than RETIME_S
    kept: tuple[KeptDay, ...] = ()
    # (station id, worker id, colour index): each worker keeps the colour of the plan
    # before, so a page that is otherwise the same stays the same (a new one gets a free one).
    colours: tuple[tuple[str, str, int], ...] = ()

    def kept_day(self, station_id: str, worker_id: str) -> KeptDay | None:
        for day in self.kept:
            if day.station_id == station_id and day.worker_id == worker_id:
                return day
        return None

    def worker(self, station_id: str, worker_id: str) -> WorkerChange | None:
        for change in self.workers:
            if change.station_id == station_id and change.worker_id == worker_id:
                return change
        return None


@dataclass(frozen=True)
class Plan:
    """The plan of every station for one date.

    ``plan_id`` names this plan's content (the same plan, the same id); every page of
    a day pack shows it with ``planned_at``, so an outdated page can be recognised.
    """

    date: dt.date
    stations: tuple[StationPlan, ...]
    settings: dict[str, object] = field(default_factory=dict)
    warnings: tuple[Issue, ...] = ()
    planned_at: dt.datetime | None = None
    plan_id: str = ""
    changes: tuple[Change, ...] = ()  # the changes table's rows that held on the date
    # Set by a re-plan: what changed against the plan of the day it replaces.
    revision: Revision | None = None
    # The data folder or workbook the plan was made from (what `replan` reads again).
    data: str = ""
