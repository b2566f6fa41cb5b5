"""Small hand-made plans for tests of everything that draws a plan.

``sample_plan()`` holds two stations in Jinan on Tuesday 1 December 2026:

- ``S1`` 阳光社工站, planned: worker ``W1`` (张伟, e-bike) with two trips and worker
  ``W2`` (李娜, on foot) with two trips; halal, ``halal;soft``, soft, low-salt and
  regular stops; a client named :data:`INJECTED_NAME` (HTML injection), one named
  :data:`FORMULA_NAME` (spreadsheet formula injection) and one with a compound
  surname (欧阳秀英); one unserved client (:data:`UNSERVED_REASON`).
- ``S2`` 和平社工站, failed (:data:`FAILED_ERROR`) with one unserved client.

Travel between points is a fixed 8 minutes and 600 m, service time follows the care
level, so every time can be checked by hand (see :func:`build_trip`).

Both plans carry :data:`PLAN_ID` and :data:`PLANNED_AT`, which every page shows.

``map_plan()`` is the plan of the map pages, on the same day: one station ``S1``
泉城社工站 whose worker ``W1`` (王芳, e-bike) has two trips (three stops, then one)
and ``W2`` (named :data:`INJECTED_WORKER`, on foot) one trip of two stops. Its six
stops stand at points of their own around Jinan, with times as given (see
:func:`stop_at`); W1's second stop holds :data:`INJECTED_NAME`,
:data:`INJECTED_ADDRESS` and :data:`INJECTED_NOTES`, and the one unserved client's
reason is :data:`INJECTED_REASON`.

Also here: :func:`hostile_plan` (injections in every free-text field),
:func:`parse_html` (a small tree from :mod:`html.parser` to assert on pages) and
:func:`assert_injection_is_text`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from mealroute.model import (
    CareLevel,
    Issue,
    Message,
    Mode,
    Plan,
    Route,
    Severity,
    StationPlan,
    Stop,
    Trip,
    Unserved,
    diet_of,
)
from mealroute.settings import Settings

DATE = dt.date(2026, 12, 1)
PLAN_ID = "5e1f2a3b"
PLANNED_AT = dt.datetime(2026, 12, 1, 9, 5, 12)


def plain(text: str) -> Message:
    """A reason or error with no code of its own: shown as it is in every language."""
    return Message("plain", {"detail": text})


INJECTED_NAME = "<img src=x onerror=alert(1)>"
INJECTED_NOTES = "</script><script>alert('notes')</script>"
INJECTED_ADDRESS = "${alert(3)} `x` \"q\" 'a' & more"
INJECTED_WORKER = 'Li "Lei" <b onmouseover=alert(4)>bold</b>'
INJECTED_REASON = "<svg onload=alert(5)>: window too early"
FORMULA_NAME = "=cmd|' /C calc'!A0"
UNSERVED_REASON = "no worker of the station can arrive before 12:30 (window ends)"
FAILED_ERROR = "station S2 has no workers on 2026-12-01"
LEG_S = 8 * 60
LEG_M = 600
SERVICE_S = {CareLevel.DISABLED: 600, CareLevel.SEMI_DISABLED: 300, CareLevel.OTHER: 180}
LUNCH = (11 * 3600, 12 * 3600 + 30 * 60)


def hm(text: str) -> int:
    """``"11:05"`` as seconds since midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


@dataclass(frozen=True)
class Visit:
    """What a test says about one stop; :func:`build_trip` works out the times."""

    client_id: str
    name: str
    meals: int = 1
    diet: str = "regular"
    care_level: CareLevel = CareLevel.OTHER
    window: tuple[int, int] = LUNCH
    address: str = ""
    phone: str = ""
    notes: str = ""


def _stop(
    visit: Visit,
    at: tuple[float, float],
    *,
    arrive: int,
    start: int,
    depart: int,
    travel_s: int,
    distance_m: int,
) -> Stop:
    return Stop(
        client_id=visit.client_id,
        name=visit.name,
        lat=at[0],
        lon=at[1],
        arrive=arrive,
        start=start,
        depart=depart,
        travel_s=travel_s,
        distance_m=distance_m,
        meals=visit.meals,
        diet=diet_of(visit.diet.split(";")),
        care_level=visit.care_level,
        window=visit.window,
        address=visit.address,
        phone=visit.phone,
        notes=visit.notes,
    )


def build_trip(depart: int, visits: list[Visit], *, origin: tuple[float, float]) -> Trip:
    """A trip leaving at ``depart`` that visits ``visits`` in order and comes back.

    Each leg takes :data:`LEG_S` seconds over :data:`LEG_M` metres; a worker who
    arrives before a window opens waits; service takes :data:`SERVICE_S` by care level.
    Stops are placed a little north-east of ``origin``, one after another.
    """
    clock = depart
    stops = []
    for number, visit in enumerate(visits, start=1):
        arrive = clock + LEG_S
        start = max(arrive, visit.window[0])
        leave = start + SERVICE_S[visit.care_level]
        at = (origin[0] + 0.002 * number, origin[1] + 0.003 * number)
        stops.append(
            _stop(
                visit,
                at,
                arrive=arrive,
                start=start,
                depart=leave,
                travel_s=LEG_S,
                distance_m=LEG_M,
            )
        )
        clock = leave
    return Trip(
        depart=depart,
        return_=clock + LEG_S,
        stops=tuple(stops),
        return_travel_s=LEG_S,
        return_distance_m=LEG_M,
    )


S1_ORIGIN = (36.6512, 117.1201)

W1_TRIP1 = [
    Visit(
        "C01",
        "王建国",
        meals=2,
        diet="regular",
        care_level=CareLevel.DISABLED,
        address="历下区文化东路12号3单元501",
        phone="13800000001",
        notes="敲门后稍等，老人行动慢",
    ),
    Visit(
        "C02",
        "欧阳秀英",
        diet="halal;soft",
        care_level=CareLevel.SEMI_DISABLED,
        address="历下区文化东路14号1单元202",
        phone="13800000002",
    ),
    Visit("C03", INJECTED_NAME, diet="soft", address="历下区山大路5号", notes=INJECTED_NOTES),
]
W1_TRIP2 = [
    Visit(
        "C04",
        "Alice Smith",
        diet="halal",
        window=(hm("11:30"), hm("12:30")),
        address="12 Jingshi Road",
        phone="+86 531 5555 0101",
    ),
    Visit("C05", FORMULA_NAME, diet="low-salt", address="-1 basement", notes="@note"),
]
W2_TRIP1 = [
    Visit("C06", "李秀兰", meals=2, diet="regular", address="历下区燕子山路3号"),
    Visit("C07", "赵四", diet="diabetic", address="历下区燕子山路7号"),
]
W2_TRIP2 = [
    Visit("C08", "孙丽", diet="halal", care_level=CareLevel.DISABLED, address="历下区和平路1号"),
]


def station_s1() -> StationPlan:
    """The planned station: two workers with two trips each and one unserved client."""
    w1 = Route(
        worker_id="W1",
        name="张伟",
        mode=Mode.EBIKE,
        capacity=6,
        phone="13900000001",
        trips=(
            build_trip(hm("10:40"), W1_TRIP1, origin=S1_ORIGIN),
            build_trip(hm("11:50"), W1_TRIP2, origin=S1_ORIGIN),
        ),
    )
    w2 = Route(
        worker_id="W2",
        name="李娜",
        mode=Mode.WALK,
        capacity=4,
        trips=(
            build_trip(hm("10:45"), W2_TRIP1, origin=S1_ORIGIN),
            build_trip(hm("11:40"), W2_TRIP2, origin=S1_ORIGIN),
        ),
    )
    return StationPlan(
        station_id="S1",
        name="阳光社工站",
        lat=S1_ORIGIN[0],
        lon=S1_ORIGIN[1],
        address="历下区文化东路10号",
        phone="0531-8888-0001",
        routes=(w1, w2),
        unserved=(
            Unserved(
                client_id="C09",
                name="周大福",
                reason=plain(UNSERVED_REASON),
                care_level=CareLevel.DISABLED,
                lat=36.70,
                lon=117.20,
                address="历城区远郊路99号",
                phone="13800000009",
            ),
        ),
        meals_ready=hm("10:30"),
        solver={"status": "ok"},
    )


def station_s2() -> StationPlan:
    """The failed station: no routes, an error and its client unserved."""
    return StationPlan(
        station_id="S2",
        name="和平社工站",
        lat=36.66,
        lon=117.05,
        routes=(),
        unserved=(
            Unserved(
                client_id="C20",
                name="钱七",
                reason=plain(FAILED_ERROR),
                care_level=CareLevel.OTHER,
                address="市中区和平路20号",
                phone="13800000020",
            ),
        ),
        error=plain(FAILED_ERROR),
    )


def sample_plan() -> Plan:
    """Both stations on :data:`DATE`, with one warning; planned at :data:`PLANNED_AT`."""
    return Plan(
        date=DATE,
        stations=(station_s1(), station_s2()),
        settings=Settings().to_dict(),
        plan_id=PLAN_ID,
        planned_at=PLANNED_AT,
        warnings=(
            Issue(
                Severity.WARNING,
                "clients.xlsx",
                12,
                None,
                None,
                plain("phone '12345' looks too short"),
            ),
        ),
    )


def all_stops(plan: Plan) -> list[Stop]:
    """Every stop of the plan in station, worker, trip and visiting order."""
    return [
        stop
        for station in plan.stations
        for route in station.routes
        for trip in route.trips
        for stop in trip.stops
    ]


# ----------------------------------------------------------------------------- the map plan

MAP_STATION = (36.6650, 117.0200)


def stop_at(visit: Visit, lat: float, lon: float, arrive: str) -> Stop:
    """A stop at a point of its own: reached at ``arrive`` (400 s, 900 m), left 5 minutes later."""
    at = hm(arrive)
    return _stop(
        visit, (lat, lon), arrive=at, start=at, depart=at + 300, travel_s=400, distance_m=900
    )


def map_plan() -> Plan:
    """The plan the map pages draw (see the module's docstring)."""
    w1_trip1 = Trip(
        depart=hm("10:40"),
        return_=hm("11:40"),
        stops=(
            stop_at(
                Visit(
                    "C01",
                    "张秀英",
                    meals=2,
                    diet="soft",
                    care_level=CareLevel.DISABLED,
                    address="历下区解放路12号3单元201",
                    phone="0531-8888 1234",
                    notes="敲门后稍等，老人行动慢",
                ),
                36.6702,
                117.0251,
                "11:02",
            ),
            stop_at(
                Visit(
                    "C02",
                    INJECTED_NAME,
                    address=INJECTED_ADDRESS,
                    phone="13800000000",
                    notes=INJECTED_NOTES,
                ),
                36.6731,
                117.0302,
                "11:12",
            ),
            stop_at(
                Visit(
                    "C03",
                    "刘桂兰",
                    diet="halal;low-salt",
                    care_level=CareLevel.SEMI_DISABLED,
                    address="历下区文化东路5号",
                ),
                36.6688,
                117.0340,
                "11:24",
            ),
        ),
        return_travel_s=600,
        return_distance_m=1300,
    )
    w1_trip2 = Trip(
        depart=hm("11:45"),
        return_=hm("12:25"),
        stops=(
            stop_at(
                Visit(
                    "C04",
                    "陈志强",
                    meals=3,
                    diet="diabetic",
                    address="历下区青年东路8号",
                    phone="+86 139 0000 0000",
                ),
                36.6601,
                117.0150,
                "11:58",
            ),
        ),
        return_travel_s=500,
        return_distance_m=1100,
    )
    w2_trip = Trip(
        depart=hm("10:50"),
        return_=hm("12:05"),
        stops=(
            stop_at(Visit("C05", "Zhao Min", address="Heping Rd 3"), 36.6620, 117.0262, "11:08"),
            stop_at(
                Visit("C06", "孙丽", care_level=CareLevel.DISABLED, address="历下区和平路20号"),
                36.6585,
                117.0290,
                "11:30",
            ),
        ),
        return_travel_s=700,
        return_distance_m=900,
    )
    station = StationPlan(
        station_id="S1",
        name="泉城社工站",
        lat=MAP_STATION[0],
        lon=MAP_STATION[1],
        address="历下区泉城路1号",
        phone="0531-12345678",
        meals_ready=hm("10:30"),
        routes=(
            Route(
                worker_id="W1",
                name="王芳",
                mode=Mode.EBIKE,
                capacity=8,
                trips=(w1_trip1, w1_trip2),
                phone="13900000001",
            ),
            Route(
                worker_id="W2",
                name=INJECTED_WORKER,
                mode=Mode.WALK,
                capacity=4,
                trips=(w2_trip,),
            ),
        ),
        unserved=(
            Unserved(
                client_id="C07",
                name="周建国",
                reason=plain(INJECTED_REASON),
                care_level=CareLevel.OTHER,
                lat=36.6760,
                lon=117.0120,
                address="历下区北园大街100号",
            ),
        ),
    )
    return Plan(date=DATE, stations=(station,), plan_id=PLAN_ID, planned_at=PLANNED_AT)


IDLE_WORKER = Route(
    worker_id="W9", name="赵敏", mode=Mode.BIKE, capacity=6, trips=(), phone="13900000009"
)


def map_plan_with_idle_worker() -> Plan:
    """:func:`map_plan` with a third rostered worker, ``W9`` 赵敏, who has no delivery."""
    plan = map_plan()
    station = plan.stations[0]
    station = replace(station, routes=(*station.routes, IDLE_WORKER))
    return replace(plan, stations=(station,))


# ----------------------------------------------------------------------------- hostile input

INJECTED_ID = '"><script>alert(1)</script>'


def hostile_plan() -> Plan:
    """:func:`sample_plan` with HTML and formula injections in every free-text field."""
    plan = sample_plan()

    def stop(s: Stop) -> Stop:
        return replace(
            s,
            name=INJECTED_NAME,
            address=INJECTED_NAME,
            phone=INJECTED_NAME,
            notes=INJECTED_NOTES,
            diet=frozenset({"halal", INJECTED_NAME}),
        )

    def route(r: Route) -> Route:
        trips = tuple(replace(t, stops=tuple(stop(s) for s in t.stops)) for t in r.trips)
        return replace(r, name=INJECTED_NAME, worker_id=r.worker_id + INJECTED_ID, trips=trips)

    def unserved(u: Unserved) -> Unserved:
        return replace(u, name=INJECTED_NAME, reason=plain(INJECTED_NAME), address=INJECTED_NAME)

    stations = tuple(
        replace(
            st,
            station_id=st.station_id + INJECTED_ID,
            name=INJECTED_NAME,
            address=INJECTED_NAME,
            phone=INJECTED_NAME,
            error=plain(INJECTED_NAME) if st.error else None,
            routes=tuple(route(r) for r in st.routes),
            unserved=tuple(unserved(u) for u in st.unserved),
        )
        for st in plan.stations
    )
    warning = Issue(
        Severity.WARNING, INJECTED_NAME, None, None, INJECTED_NAME, plain(INJECTED_NAME)
    )
    return replace(plan, stations=stations, warnings=(warning,))


# ----------------------------------------------------------------------------- reading HTML


@dataclass
class Node:
    """An element of a parsed page: tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """The text inside, with runs of white space collapsed."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag == "br":
                    parts.append(" ")
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Node]:
        """This node and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag) and (cls is None or cls in node.classes)
        ]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'} class={cls!r}>"
        return found[0]


_VOID = {"meta", "br", "img", "input", "link", "col", "hr", "source", "wbr", "area", "base"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    """Parse a page with :mod:`html.parser` into a small tree of :class:`Node`."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def assert_injection_is_text(page_text: str) -> None:
    """The injected names show as text and never as elements or attributes."""
    page = parse_html(page_text)
    assert not page.find_all("img"), "an injected <img> became an element"
    assert not page.find_all("script"), "an injected <script> became an element"
    assert not any(name.startswith("on") for node in page.iter() for name in node.attrs), (
        "an injected event handler became an attribute"
    )
    assert INJECTED_NAME in page.text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page_text
