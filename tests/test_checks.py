"""The checks across rows behind `mealroute validate` (mealroute.read.checks).

Each test builds a station, its workers and a few clients by hand, so every
distance, window and load in a message can be checked by hand; the last ones run
the checks on tests/data/formats/utf8 as loaded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from mealroute.model import CareLevel, Client, Dataset, Issue, Mode, Source, Station, Worker
from mealroute.read.checks import validate_dataset
from mealroute.read.load import dataset_from_dir
from mealroute.settings import Settings

UTF8 = Path(__file__).parent / "data" / "formats" / "utf8"


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


# Lunch is ready at 10:30; W01 carries at most 6 meals and is the one with a skill.
STATION = Station(
    "S01",
    "阳光社工站",
    36.6512,
    117.1201,
    meals_ready=hm("10:30"),
    source=Source("stations.csv", 2),
)
WORKERS = (
    Worker(
        "W01", "张敏", "S01", Mode.EBIKE, 6, hm("10:00"), hm("13:00"), skills=frozenset({"female"})
    ),
    Worker("W02", "李强", "S01", Mode.BIKE, 4, hm("10:15"), hm("13:30")),
)


def lines(issues: tuple[Issue, ...]) -> list[str]:
    return [str(issue) for issue in issues]


def client(cid: str, lat: float, lon: float, **fields: Any) -> Client:
    fields.setdefault("care_level", CareLevel.OTHER)
    return Client(
        cid,
        "某某",
        fields.pop("station_id", "S01"),
        lat,
        lon,
        source=Source("clients.csv", int(cid[1:]) + 1),
        **fields,
    )


def dataset(*clients: Client, workers: tuple[Worker, ...] = WORKERS) -> Dataset:
    return Dataset((STATION,), workers, clients)


def test_validate_warns_about_places():
    issues = validate_dataset(
        dataset(
            client("C1", 36.6550, 117.1250),  # fine
            client("C2", 36.9000, 117.1200),  # 27.7 km north
            client("C3", 36.6600, 117.1300, address="文化东路1号"),
            client("C4", 36.66002, 117.13002, address="文化东路 99号"),  # 2.8 m from C3
            client("C5", 36.66003, 117.13000, address="文化东路1号"),
            client("C6", 36.6700, 117.1400, address="幸福小区3号楼2单元502"),
            client("C7", 36.6700, 117.1400, address="幸福小区 3号楼 1单元101室"),  # same building
            client("C8", 36.6710, 117.1400, address="幸福小区8号楼"),
            client("C9", 36.6710, 117.1400),  # no address: nothing to compare
        )
    )
    assert lines(issues) == [
        "warning: clients.csv, row 3: client 'C2' is 27.7 km from station 'S01' (more than "
        "10 km); check its latitude and longitude",
        "warning: clients.csv, row 4: clients 'C3' (row 4), 'C4' (row 5) and 'C5' (row 6) are at "
        "one point (within 5 m) but live in 2 different buildings; the coordinates probably "
        "mark a compound or street, not each home",
    ]


# Where longitude is below 90 (Xinjiang, Tibet) swapped coordinates are still valid ones.
URUMQI = Station("S01", "站", 43.8256, 87.6168, source=Source("stations.csv", 2))


def test_validate_finds_a_client_with_swapped_coordinates():
    clients = (client("C1", 43.8300, 87.6200), client("C2", 87.6100, 43.8200))
    issues = validate_dataset(Dataset((URUMQI,), WORKERS[:1], clients))
    assert lines(issues) == [
        "warning: clients.csv, row 3: client 'C2' is 4945.2 km from station 'S01'; its latitude "
        "and longitude look swapped (swapped, it would be 0.8 km away)",
    ]


def test_validate_finds_a_station_with_swapped_coordinates():
    station = dataclasses.replace(URUMQI, lat=URUMQI.lon, lon=URUMQI.lat)
    clients = tuple(client(f"C{i}", 43.82 + i / 1000, 87.61) for i in range(1, 4))
    issues = validate_dataset(Dataset((station,), WORKERS[:1], clients))
    assert lines(issues) == [
        "warning: stations.csv, row 2: station 'S01': latitude and longitude look swapped; 3 of "
        "its 3 clients are more than 10 km away, and 3 would be within 10 km with the two "
        "swapped"
    ]


def test_validate_warns_about_times_loads_and_skills():
    late_worker = Worker(
        "W09", "某", "S01", Mode.WALK, 2, hm("08:00"), hm("10:30"), source=Source("workers.csv", 9)
    )
    issues = validate_dataset(
        dataset(
            client(
                "C1",
                36.655,
                117.125,
                window_start=hm("11:00"),
                window_end=hm("11:05"),
                care_level=CareLevel.DISABLED,
            ),  # 5 min window, 10 min service
            client("C2", 36.655, 117.126, window_start=hm("12:45")),  # default end 12:30
            client("C3", 36.655, 117.127, window_start=hm("10:00"), window_end=hm("10:20")),
            client("C4", 36.655, 117.128, meals=7),
            client("C5", 36.655, 117.129, skills=frozenset({"wheelchair", "female"})),
            client("C6", 36.655, 117.130, skills=frozenset({"female"})),  # W01 has it
            workers=(*WORKERS, late_worker),
        )
    )
    assert lines(issues) == [
        "warning: workers.csv, row 9: worker 'W09''s shift ends at 10:30, before lunch is ready "
        "at station 'S01' (10:30)",
        "warning: clients.csv, row 2: client 'C1': the delivery window 11:00-11:05 (5 min) is "
        "shorter than the service time (10 min)",
        "warning: clients.csv, row 3: client 'C2': the delivery window 12:45-12:30 ends before "
        "it starts; the missing bound comes from the default lunch window 11:00-12:30",
        "warning: clients.csv, row 4: client 'C3' wants lunch by 10:20, but station 'S01' has it "
        "ready only at 10:30",
        "warning: clients.csv, row 5: client 'C4' needs 7 meals, but the workers of station "
        "'S01' carry at most 6 per trip",
        "warning: clients.csv, row 6: client 'C5' needs female, wheelchair, but no worker of "
        "station 'S01' has all of them",
    ]


def test_validate_uses_the_settings_for_defaults():
    short = Settings(lunch_window=(hm("11:00"), hm("11:02")))
    issues = validate_dataset(dataset(client("C1", 36.655, 117.125)), settings=short)
    assert lines(issues) == [
        "warning: clients.csv, row 2: client 'C1': the delivery window 11:00-11:02 (2 min) is "
        "shorter than the service time (3 min)"
    ]


def test_validate_with_a_date_checks_only_the_clients_due():
    monday, saturday = dt.date(2024, 5, 6), dt.date(2024, 5, 4)
    data = dataset(
        client("C1", 36.655, 117.125, days=frozenset(range(5)), meals=9),
        client("C2", 36.655, 117.126, days=frozenset({0})),
        workers=(),
    )
    assert lines(validate_dataset(data, date=monday)) == [
        "info: clients.csv: 2 of 2 clients are due on 2024-05-06 (mon)",
        "warning: stations.csv, row 2: station 'S01' has no workers; its 2 clients due on "
        "2024-05-06 (mon) cannot be served",
    ]
    assert lines(validate_dataset(data, date=saturday)) == [
        "info: clients.csv: 0 of 2 clients are due on 2024-05-04 (sat)",
        "warning: stations.csv, row 2: station 'S01' has no workers",
        "warning: stations.csv, row 2: station 'S01' has no clients due on 2024-05-04 (sat)",
    ]


def test_validate_a_loaded_fixture_with_a_date():
    data = dataset_from_dir(UTF8)
    assert lines(validate_dataset(data, date=dt.date(2024, 5, 7))) == [
        "info: clients.csv: 2 of 3 clients are due on 2024-05-07 (tue)"
    ]


def test_the_reference_data_passes_validation():
    assert validate_dataset(dataset_from_dir(UTF8)) == ()
