"""Loading a data directory into the domain.

:func:`dataset_from_dir` reads ``stations``, ``workers`` and ``clients`` (see
:mod:`mealroute.tables` for files and headers) and builds :class:`Station`,
:class:`Worker` and :class:`Client` values. It never raises for a problem in the
data: every problem is an :class:`Issue`, and every client row ends up either as a
``Client`` or as a :class:`RejectedRow` that says why it cannot be planned.
The checks that look across rows are in :mod:`mealroute.checks`.

Messages quote ids and the offending cell, never a name, address or phone number.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .clock import format_clock, parse_clock
from .columns import CARE_LEVELS, DIETS, MODES
from .model import Client, Dataset, Issue, Message, RejectedRow, Source, Station, Worker, diet_of
from .tables import (
    DAYS_EXPECTED,
    RawRow,
    RawTable,
    cell_text,
    choices,
    count,
    key,
    keyed,
    parse_days,
    parse_diet,
    parse_skills,
    tables_from_dir,
)

T = TypeVar("T")

KNOWN_STATIONS_SHOWN = 10

_CARE_LEVELS = keyed(CARE_LEVELS)
_MODES = keyed(MODES)
_COORDINATES = {"lat": "latitude", "lon": "longitude"}
_MINUTES_UNIT = re.compile(r"\s*(分钟|分|minutes?|mins?)\s*$", re.IGNORECASE)


# ---------------------------------------------------------------------- one row


class _Row:
    """Reads the cells of one row, collecting every problem instead of stopping at one."""

    def __init__(self, raw: RawTable, row: RawRow) -> None:
        self.raw = raw
        self.row = row
        self.source = Source(raw.label, row.row)
        self.problems: list[tuple[str | None, str | None, str]] = []  # column, value, message
        self.quiet: list[str] = []  # problems reported once for the table, not per row
        self.warnings: list[tuple[str | None, str | None, str]] = []
        if row.extra:
            message = (
                f"the row has {count(row.extra, 'more value')} than the header has columns; "
                "a value probably holds an unquoted delimiter"
            )
            self.problems.append((None, None, message))

    def text(self, column: str) -> str:
        return cell_text(self.row.values.get(column))

    def fail(self, column: str | None, message: str) -> None:
        self.problems.append((column, None if column is None else self.text(column), message))

    def ident(self, column: str) -> str:
        """An id as text: full-width characters made half-width, ``1.0`` -> ``"1"``."""
        text = unicodedata.normalize("NFKC", self.text(column)).strip()
        if not text:
            self.fail(column, f"{column} is empty; every row needs one")
        return text

    def name(self) -> str:
        text = self.text("name")
        if not text:
            self.fail("name", "name is empty; every row needs one")
        return text

    def _number(self, column: str, what: str, expected: str = "a number") -> float | None:
        value = self.row.values.get(column)
        text = cell_text(value)
        if not text:
            return None
        try:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                number = float(value)
            else:
                number = float(unicodedata.normalize("NFKC", text).strip().rstrip("°"))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.fail(column, f"{what} {text!r} is not {expected}")
            return None
        return number

    def coordinates(self) -> tuple[float, float] | None:
        """Latitude and longitude, checked for range, swapping and an empty geocode."""
        found: dict[str, float] = {}
        for column, what in _COORDINATES.items():
            if not self.text(column):
                self.fail(column, f"{what} is empty; expected WGS-84 degrees")
            elif (number := self._number(column, what)) is not None:
                found[column] = number
        if len(found) < 2:
            return None
        lat, lon = found["lat"], found["lon"]
        if not -90 <= lat <= 90:
            message = f"latitude {self.text('lat')} is outside -90..90"
            if -90 <= lon <= 90 and -180 <= lat <= 180:
                message += "; latitude and longitude look swapped"
            self.fail("lat", message)
        if not -180 <= lon <= 180:
            self.fail("lon", f"longitude {self.text('lon')} is outside -180..180")
        if lat == 0 and lon == 0:
            self.fail("lat", "latitude and longitude are both 0; the address was not geocoded")
        return lat, lon

    def clock(self, column: str, *, required: bool = False) -> int | None:
        value = self.row.values.get(column)
        if cell_text(value) == "":
            if required:
                self.fail(column, f"{column} is empty; expected a time such as 11:30")
            return None
        try:
            return parse_clock(value)
        except ValueError as error:
            self.fail(column, f"{column} {error}")
            return None

    def whole(self, column: str, *, default: int | None = None) -> int | None:
        """A positive whole number; ``default`` when the cell is empty (None: required)."""
        text = self.text(column)
        if not text:
            if default is None:
                self.fail(column, f"{column} is empty; expected a whole number such as 6")
            return default
        number = self._number(column, column, "a whole number")
        if number is None:
            return None
        if not number.is_integer():
            self.fail(column, f"{column} {text} is not a whole number")
            return None
        if number < 1:
            self.fail(column, f"{column} {text} must be at least 1")
            return None
        return int(number)

    def minutes(self, column: str) -> float | None:
        value = self.row.values.get(column)
        text = cell_text(value)
        if not text:
            return None
        if isinstance(value, str):
            value = _MINUTES_UNIT.sub("", unicodedata.normalize("NFKC", text))
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            self.fail(column, f"{column} {text!r} is not a number of minutes")
            return None
        if not 0 <= number <= 240:
            self.fail(column, f"{column} {text} is outside 0..240 minutes")
            return None
        return number

    def choice(self, column: str, table: dict[str, T], names: dict[str, Any]) -> T | None:
        text = self.text(column)
        if not text:
            self.fail(column, f"{column} is empty; expected {choices(names)}")
            return None
        found = table.get(key(text))
        if found is None:
            self.fail(column, f"unknown {column} {text!r}; expected {choices(names)}")
        return found

    def days(self) -> frozenset[int] | None:
        try:
            return parse_days(self.row.values.get("days"))
        except ValueError as error:
            self.fail("days", f"days {self.text('days')!r}: {error}; {DAYS_EXPECTED}")
            return None

    def window(self, names: tuple[str, str], *, required: bool) -> tuple[int | None, int | None]:
        start = self.clock(names[0], required=required)
        end = self.clock(names[1], required=required)
        if start is not None and end is not None and end < start:
            self.fail(
                names[1],
                f"{names[1]} {format_clock(end)} is before {names[0]} {format_clock(start)}",
            )
        return start, end

    def unique(self, column: str, ident: str, first_row: dict[str, int]) -> bool:
        """Whether ``ident`` is new in its table (a duplicate is a problem of this row)."""
        if ident in first_row:
            self.fail(column, f"duplicate {column} {ident!r}; row {first_row[ident]} has it too")
            return False
        if ident:
            first_row[ident] = self.row.row
        return True

    @property
    def usable(self) -> bool:
        return not (self.problems or self.quiet)

    def make(self, kind: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``kind(*args, **kwargs)``; the ValueError of its ``__post_init__`` is a problem."""
        try:
            return kind(*args, **kwargs)
        except ValueError as error:
            self.fail(None, str(error))
            return None

    def report(self, issues: list[Issue]) -> None:
        for severity, found in (("error", self.problems), ("warning", self.warnings)):
            for column, value, message in found:
                header = None if column is None else self.raw.header(column)
                issues.append(Issue(severity, self.raw.label, self.row.row, header, value, message))

    @property
    def problem(self) -> str:
        return " | ".join([*(message for _, _, message in self.problems), *self.quiet])


# ----------------------------------------------------------------- the tables


class _Stations:
    """The usable stations, and why the others are not, for rows that refer to them."""

    def __init__(self, raw: RawTable | None, issues: list[Issue]) -> None:
        self.table_read = raw is not None
        self.usable: dict[str, Station] = {}
        self.unusable: dict[str, str] = {}  # station_id -> "stations.csv, row 4: ..."
        first_row: dict[str, int] = {}
        for raw_row in raw.rows if raw is not None else ():
            row = _Row(raw, raw_row)  # type: ignore[arg-type]
            station_id = row.ident("station_id")
            new = row.unique("station_id", station_id, first_row)
            station = _station(row, station_id)
            row.report(issues)
            if station is not None:
                self.usable[station_id] = station
            elif station_id and new:
                self.unusable[station_id] = f"{row.source}: {row.problem}"
        names: dict[str, list[str]] = defaultdict(list)
        for station in self.usable.values():
            names[station.name.strip()].append(station.station_id)
        self.by_name = {name: ids[0] for name, ids in names.items() if len(ids) == 1}

    def resolve(self, row: _Row) -> str:
        """The station_id a row refers to (by id, or by a unique station name)."""
        text = row.ident("station_id")
        if not self.table_read:
            row.quiet.append(_NO_STATIONS)
        if not text or not self.table_read or text in self.usable:
            return text
        if text in self.unusable:
            row.fail("station_id", f"station {text!r} is not usable: {self.unusable[text]}")
            return text
        if row.text("station_id") in self.by_name:
            return self.by_name[row.text("station_id")]
        known = sorted(self.usable)
        listed = ", ".join(known[:KNOWN_STATIONS_SHOWN])
        if len(known) > KNOWN_STATIONS_SHOWN:
            listed += f", ... ({len(known)} in all)"
        row.fail(
            "station_id",
            f"unknown station {text!r}; "
            + (f"known stations: {listed}" if known else "no station is usable"),
        )
        return text


_NO_STATIONS = "there is no usable stations table"


def _no_stations_issue(raw: RawTable, noun: str) -> Issue:
    return Issue(
        "error",
        raw.label,
        None,
        raw.header("station_id"),
        None,
        f"{_NO_STATIONS}, so none of the {count(len(raw.rows), noun)} can be used",
    )


def _station(row: _Row, station_id: str) -> Station | None:
    name = row.name()
    place = row.coordinates()
    ready = row.clock("meals_ready")
    if not row.usable or place is None:
        return None
    return row.make(
        Station,
        station_id,
        name,
        *place,
        address=row.text("address"),
        meals_ready=ready,
        phone=row.text("phone"),
        source=row.source,
    )


def _worker(row: _Row, stations: _Stations, first_row: dict[str, int]) -> Worker | None:
    worker_id = row.ident("worker_id")
    row.unique("worker_id", worker_id, first_row)
    name = row.name()
    station_id = stations.resolve(row)
    mode = row.choice("mode", _MODES, MODES)
    capacity = row.whole("capacity")
    start, end = row.window(("shift_start", "shift_end"), required=True)
    if not row.usable or mode is None or capacity is None or start is None or end is None:
        return None
    return row.make(
        Worker,
        worker_id,
        name,
        station_id,
        mode,
        capacity,
        start,
        end,
        skills=parse_skills(row.row.values.get("skills")),
        phone=row.text("phone"),
        source=row.source,
    )


def _client(row: _Row, stations: _Stations, first_row: dict[str, int]) -> Client | None:
    client_id = row.ident("client_id")
    row.unique("client_id", client_id, first_row)
    name = row.name()
    station_id = stations.resolve(row)
    place = row.coordinates()
    care = row.choice("care_level", _CARE_LEVELS, CARE_LEVELS)
    start, end = row.window(("window_start", "window_end"), required=False)
    meals = row.whole("meals", default=1)
    diet, unknown_diets = parse_diet(row.row.values.get("diet"))
    for word in unknown_diets:
        message = f"unknown diet {word!r} is kept as it is; known diets: {choices(DIETS)}"
        row.warnings.append(("diet", row.text("diet"), message))
    service = row.minutes("service_min")
    days = row.days()
    if not row.usable or place is None or care is None or meals is None or days is None:
        return None
    return row.make(
        Client,
        client_id,
        name,
        station_id,
        *place,
        care_level=care,
        window_start=start,
        window_end=end,
        meals=meals,
        diet=diet_of(diet.split(";")),
        service_min=service,
        skills=parse_skills(row.row.values.get("skills")),
        days=days,
        address=row.text("address"),
        phone=row.text("phone"),
        notes=row.text("notes"),
        source=row.source,
    )


def _rows_read[R: (Worker, Client)](
    raw: RawTable,
    stations: _Stations,
    issues: list[Issue],
    build: Callable[[_Row, _Stations, dict[str, int]], R | None],
    noun: str,
) -> list[tuple[_Row, R | None]]:
    """Every row of a workers or clients table with what ``build`` made of it (or None).

    The problems of each row go to ``issues``, then one error for the whole table
    when there is no stations table to look its station ids up in.
    """
    first_row: dict[str, int] = {}
    read: list[tuple[_Row, R | None]] = []
    for raw_row in raw.rows:
        row = _Row(raw, raw_row)
        read.append((row, build(row, stations, first_row)))
        row.report(issues)
    if not stations.table_read:
        issues.append(_no_stations_issue(raw, noun))
    return read


def _workers(raw: RawTable | None, stations: _Stations, issues: list[Issue]) -> list[Worker]:
    if raw is None:
        return []
    read = _rows_read(raw, stations, issues, _worker, "worker")
    return [worker for _, worker in read if worker is not None]


def _clients(
    raw: RawTable | None, stations: _Stations, issues: list[Issue]
) -> tuple[list[Client], list[RejectedRow]]:
    if raw is None:
        return [], []
    clients: list[Client] = []
    rejected: list[RejectedRow] = []
    for row, client in _rows_read(raw, stations, issues, _client, "client"):
        if client is not None:
            clients.append(client)
        else:
            client_id = unicodedata.normalize("NFKC", row.text("client_id"))
            station_id = unicodedata.normalize("NFKC", row.text("station_id"))
            rejected.append(
                RejectedRow(
                    client_id,
                    row.text("name"),
                    station_id,
                    row.source,
                    tuple(
                        Message("untranslated", {"text": text})
                        for text in [*(m for _, _, m in row.problems), *row.quiet]
                    ),
                    care_level=_CARE_LEVELS.get(key(row.text("care_level"))),
                    address=row.text("address"),
                    phone=row.text("phone"),
                )
            )
    return clients, rejected


def dataset_from_dir(data_dir: Path) -> Dataset:
    """Read a data directory into stations, workers and clients.

    Parameters
    ----------
    data_dir
        A directory with ``stations``, ``workers`` and ``clients`` as CSV files,
        per-table workbooks or sheets of one workbook (see :mod:`mealroute.tables`).

    Returns
    -------
    Dataset
        Never raises for a problem in the files. Table-level problems (missing
        table, unreadable file, missing required column, two sources for a table)
        are error issues with ``row=None``; row problems are issues with the file,
        row, column and value. A station or worker row with an error is left out;
        a client row with an error becomes a :class:`RejectedRow`, so every client
        row is either a client or a rejected row.
    """
    read = tables_from_dir(Path(data_dir))
    issues = list(read.issues)
    stations = _Stations(read.tables.get("stations"), issues)
    workers = _workers(read.tables.get("workers"), stations, issues)
    clients, rejected = _clients(read.tables.get("clients"), stations, issues)
    return Dataset(
        stations=tuple(stations.usable.values()),
        workers=tuple(workers),
        clients=tuple(clients),
        rejected=tuple(rejected),
        issues=tuple(issues),
    )


def dataset_from_path(path: Path) -> Dataset:
    """:func:`dataset_from_dir` of a folder (a single workbook: see the input helper)."""
    return dataset_from_dir(Path(path))
