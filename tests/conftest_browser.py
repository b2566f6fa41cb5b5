"""A small hand-made plan for the map tests (imported by test_maps and test_browser).

One station in Jinan, two workers (the first with two trips), six stops, one
unserved client, and texts that try to run as HTML or JavaScript.
"""

from __future__ import annotations

import datetime as dt

from mealroute.model import CareLevel, Mode, Plan, Route, StationPlan, Stop, Trip, Unserved

INJECTED_NAME = "<img src=x onerror=alert(1)>"
INJECTED_NOTES = "</script><script>alert(2)</script>"
INJECTED_ADDRESS = "${alert(3)} `x` \"q\" 'a' & more"
INJECTED_WORKER = 'Li "Lei" <b onmouseover=alert(4)>bold</b>'
INJECTED_REASON = "<svg onload=alert(5)>: window too early"

STATION = (36.6650, 117.0200)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _stop(
    client_id: str,
    name: str,
    lat: float,
    lon: float,
    arrive: str,
    *,
    meals: int = 1,
    diet: str = "regular",
    care: CareLevel = CareLevel.OTHER,
    address: str = "",
    phone: str = "",
    notes: str = "",
) -> Stop:
    t = hm(arrive)
    return Stop(
        client_id=client_id,
        name=name,
        lat=lat,
        lon=lon,
        arrive=t,
        start=t,
        depart=t + 300,
        travel_s=400,
        distance_m=900,
        meals=meals,
        diet=diet,
        care_level=care,
        window=(hm("11:00"), hm("12:30")),
        address=address,
        phone=phone,
        notes=notes,
    )


def sample_plan() -> Plan:
    """The plan the map tests draw."""
    w1_trip1 = Trip(
        depart=hm("10:40"),
        return_=hm("11:40"),
        stops=(
            _stop(
                "C01",
                "张秀英",
                36.6702,
                117.0251,
                "11:02",
                meals=2,
                diet="soft",
                care=CareLevel.DISABLED,
                address="历下区解放路12号3单元201",
                phone="0531-8888 1234",
                notes="敲门后稍等，老人行动慢",
            ),
            _stop(
                "C02",
                INJECTED_NAME,
                36.6731,
                117.0302,
                "11:12",
                address=INJECTED_ADDRESS,
                phone="13800000000",
                notes=INJECTED_NOTES,
            ),
            _stop(
                "C03",
                "刘桂兰",
                36.6688,
                117.0340,
                "11:24",
                diet="halal;low-salt",
                care=CareLevel.SEMI_DISABLED,
                address="历下区文化东路5号",
            ),
        ),
        return_travel_s=600,
        return_distance_m=1300,
    )
    w1_trip2 = Trip(
        depart=hm("11:45"),
        return_=hm("12:25"),
        stops=(
            _stop(
                "C04",
                "陈志强",
                36.6601,
                117.0150,
                "11:58",
                meals=3,
                diet="diabetic",
                address="历下区青年东路8号",
                phone="+86 139 0000 0000",
            ),
        ),
        return_travel_s=500,
        return_distance_m=1100,
    )
    w2_trip = Trip(
        depart=hm("10:50"),
        return_=hm("12:05"),
        stops=(
            _stop("C05", "Zhao Min", 36.6620, 117.0262, "11:08", address="Heping Rd 3"),
            _stop(
                "C06",
                "孙丽",
                36.6585,
                117.0290,
                "11:30",
                care=CareLevel.DISABLED,
                address="历下区和平路20号",
            ),
        ),
        return_travel_s=700,
        return_distance_m=900,
    )
    station = StationPlan(
        station_id="S1",
        name="泉城社工站",
        lat=STATION[0],
        lon=STATION[1],
        address="历下区泉城路1号",
        phone="0531-12345678",
        workers=2,
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
                reason=INJECTED_REASON,
                care_level=CareLevel.OTHER,
                lat=36.6760,
                lon=117.0120,
                address="历下区北园大街100号",
            ),
        ),
    )
    return Plan(date=dt.date(2026, 12, 1), stations=(station,))


def stop_count(plan: Plan) -> int:
    return sum(len(t.stops) for s in plan.stations for r in s.routes for t in r.trips)
