"""Loading a data folder (or one workbook) into the domain.

Rows → domain: :func:`dataset_from_path` reads ``stations``, ``workers``,
``clients`` and, when there is one, ``changes`` (see :mod:`mealroute.tables` for
files, sheets and headers and :mod:`mealroute.rows` for cells) and builds
:class:`Station`, :class:`Worker`, :class:`Client` and :class:`Change` values
(:mod:`mealroute.read.changes`). It never raises for a problem in the data: every problem
is an :class:`Issue`, and every client row ends up either as a ``Client`` or as a
:class:`RejectedRow` that says why it cannot be planned and keeps the name,
address, phone and care level as typed, so the family can be phoned. The checks
that look across rows are in :mod:`mealroute.checks`.

Messages quote ids and the offending cell, never a name, address or phone number.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..coords import Datum, metres, to_wgs84
from ..messages.input import choices, datum_word, quoted_list
from ..model import (
    CareLevel,
    Client,
    Dataset,
    Issue,
    Message,
    RejectedRow,
    Severity,
    Station,
    Worker,
    diet_of,
)
from .changes import changes_from
from .columns import CARE_LEVELS, CHANGES, DIETS, MODES
from .limits import MAX_CAPACITY, MAX_MEALS
from .rows import RowReader
from .sources import OTHER_SPREADSHEETS, TEXT_SUFFIXES, WORKBOOK_SUFFIXES
from .tables import (
    RawTable,
    TablesRead,
    table_from_file,
    tables_from_dir,
    tables_from_workbook,
)
from .words import (
    cell_text,
    diets_in_text,
    key,
    keyed,
    number_of,
    parse_diet,
    parse_skills,
    phone_text,
)

KNOWN_STATIONS_SHOWN = 10

_CARE_LEVELS = keyed(CARE_LEVELS)
_MODES = keyed(MODES)
_NO_STATIONS = Message("no_stations_table")


# ----------------------------------------------------------------- stations


class _Stations:
    """The stations table as rows refer to it: usable stations, and why the others are not."""

    def __init__(self, raw: RawTable | None, issues: list[Issue]) -> None:
        self.table_read = raw is not None
        self.usable: dict[str, Station] = {}
        self.unusable: dict[str, RowReader] = {}  # station_id -> its row
        self.ids: list[str] = []  # every station id of the table, in order
        first_row: dict[str, int] = {}
        names: dict[str, list[str]] = defaultdict(list)
        for raw_row in raw.rows if raw is not None else ():
            row = RowReader(raw, raw_row)  # type: ignore[arg-type]
            station_id = row.ident("station_id")
            new = row.unique("station_id", station_id, first_row)
            station = _station(row, station_id)
            row.report(issues)
            if station_id and new:
                self.ids.append(station_id)
                if row.text("name"):
                    names[row.text("name")].append(station_id)
            if station is not None:
                self.usable[station_id] = station
            elif station_id and new:
                self.unusable[station_id] = row
        # A row may name its station by name instead of id, when the name is unique.
        self.by_name = {name: ids[0] for name, ids in names.items() if len(ids) == 1}

    @property
    def only(self) -> str | None:
        """The id of the only station of the table, if it has exactly one."""
        return self.ids[0] if len(self.ids) == 1 else None

    def resolve(self, row: RowReader) -> str:
        """The station_id a row refers to (by id, or by a unique station name).

        A problem of the row when the station is unknown or unusable; the id is
        returned anyway (the name resolved to its id), so a rejected row is reported
        under its real station. It is also kept as ``row.station``.
        """
        row.station = self._resolve(row)
        return row.station

    def _resolve(self, row: RowReader) -> str:
        if not self.table_read:
            row.quiet.append(_NO_STATIONS)
            return unicodedata.normalize("NFKC", row.text("station_id")).strip()
        if not row.raw.has("station_id"):
            return self.only or ""
        if not row.text("station_id") and self.only is not None:
            message = Message("station_empty_only", {"station": self.only})
            row.warn("station_id", message, value="")
            return self.only
        text = row.ident("station_id")
        if text and text not in self.usable and text not in self.unusable:
            text = self.by_name.get(row.text("station_id"), text)
        if not text or text in self.usable:
            return text
        if text in self.unusable:
            bad = self.unusable[text]
            message = Message(
                "station_unusable",
                {
                    "station": text,
                    "file": bad.source.file,
                    "row": bad.source.row,
                    "problems": list(bad.reasons),
                },
            )
            row.fail("station_id", message)
            return text
        known = sorted(self.usable)
        if known:
            shown = known[:KNOWN_STATIONS_SHOWN]
            if len(known) > KNOWN_STATIONS_SHOWN:
                shown.append(f"… ({len(known)})")
            row.fail("station_id", Message("station_unknown", {"station": text, "known": shown}))
        else:
            row.fail("station_id", Message("station_unknown_none", {"station": text}))
        return text


def _station(row: RowReader, station_id: str) -> Station | None:
    name = row.name()
    place = row.coordinates()
    ready = row.clock("meals_ready")
    phone = _phone(row)
    if not row.usable or place is None:
        return None
    return row.make(
        Station,
        station_id,
        name,
        *place,
        address=row.text("address"),
        meals_ready=ready,
        phone=phone,
        source=row.source,
    )


def _phone(row: RowReader) -> str:
    """The phone as typed; Excel's ``13800000000.0`` as ``13800000000``."""
    phone, lost = phone_text(row.value("phone"))
    if lost:
        row.warn("phone", Message("phone_digits_lost"))
    return phone


# ------------------------------------------------------------ workers, clients


def _worker(row: RowReader, stations: _Stations, first_row: dict[str, int]) -> Worker | None:
    worker_id = row.ident("worker_id")
    row.unique("worker_id", worker_id, first_row)
    name = row.name()
    station_id = stations.resolve(row)
    mode = row.choice("mode", _MODES, MODES)
    capacity = row.whole("capacity", most=MAX_CAPACITY)
    start, end = row.window(("shift_start", "shift_end"), required=True)
    phone = _phone(row)
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
        skills=parse_skills(row.value("skills")),
        phone=phone,
        source=row.source,
    )


def _diet(row: RowReader) -> frozenset[str]:
    """The diet of a client row: its diet cell, and any diet its notes name.

    A special diet named only in the notes is added to the diet, with a warning:
    a halal meal packed as regular is the harm to avoid, and an added one harms no
    one (see the README).
    """
    diet, unknown = parse_diet(row.value("diet"))
    for word in unknown:
        message = Message("diet_unknown", {"word": word, "known": choices(DIETS)})
        row.warn("diet", message, value=row.text("diet"))
    in_notes = diets_in_text(row.text("notes"))
    missing = {name: word for name, word in in_notes.items() if name not in diet}
    if missing:
        words = quoted_list(list(missing.values()))
        added = diet_of([*diet, *missing])
        if not row.raw.has("diet"):
            message = Message("diet_from_notes", {"words": words, "diet": sorted(added)})
        elif not row.text("diet"):
            message = Message("diet_from_notes_empty", {"words": words, "diet": sorted(added)})
        else:
            message = Message(
                "diet_contradicts_notes",
                {
                    "words": words,
                    "was": Message("diet_words", {"diet": sorted(diet)}),
                    "diet": sorted(added),
                },
            )
        row.warn("notes", message)
        diet = added
    return diet


def _client(row: RowReader, stations: _Stations, first_row: dict[str, int]) -> Client | None:
    client_id = row.ident("client_id")
    row.unique("client_id", client_id, first_row)
    name = row.name()
    station_id = stations.resolve(row)
    place = row.coordinates()
    care = row.choice("care_level", _CARE_LEVELS, CARE_LEVELS)
    start, end = row.window(("window_start", "window_end"), required=False)
    meals = row.whole("meals", default=1, most=MAX_MEALS)
    diet = _diet(row)
    service = row.minutes("service_min")
    days = row.days()
    phone = _phone(row)
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
        diet=diet,
        service_min=service,
        skills=parse_skills(row.value("skills")),
        days=days,
        address=row.text("address"),
        phone=phone,
        notes=row.text("notes"),
        source=row.source,
        usual_worker=row.text("usual_worker"),
    )


def _rows_read[R: (Worker, Client)](
    raw: RawTable,
    stations: _Stations,
    issues: list[Issue],
    build: Callable[[RowReader, _Stations, dict[str, int]], R | None],
) -> list[tuple[RowReader, R | None]]:
    """Every row of a workers or clients table with what ``build`` made of it (or None).

    The problems of each row go to ``issues``, then one issue for the whole table
    when its station ids cannot be looked up or were inferred.
    """
    noun = f"n_{raw.table.name}"
    station_problem = _station_column(raw, stations, issues)
    first_row: dict[str, int] = {}
    read: list[tuple[RowReader, R | None]] = []
    for raw_row in raw.rows:
        row = RowReader(raw, raw_row)
        if station_problem is not None:
            row.quiet.append(station_problem)
        read.append((row, build(row, stations, first_row)))
        row.report(issues)
    if not stations.table_read:
        rows = Message(noun, {"n": len(raw.rows)})
        issues.append(
            Issue(
                Severity.ERROR,
                raw.label,
                None,
                raw.header("station_id") if raw.has("station_id") else None,
                None,
                Message("no_stations_table_rows", {"rows": rows}),
            )
        )
    return read


def _station_column(raw: RawTable, stations: _Stations, issues: list[Issue]) -> Message | None:
    """When a table has no station column: its rows belong to the only station, if any.

    Returns the problem of every row when they cannot (None when they can).
    """
    if raw.has("station_id") or not stations.table_read:
        return None
    rows = Message(f"n_{raw.table.name}", {"n": len(raw.rows)})
    if stations.only is not None:
        message = Message("station_inferred", {"rows": rows, "station": stations.only})
        issues.append(Issue(Severity.WARNING, raw.label, None, None, None, message))
        return None
    column = raw.table.column("station_id")
    message = Message(
        "station_column_missing",
        {
            "aliases": list(column.aliases),
            "row": raw.header_row,
            "found": list(raw.header_cells),
            "stations": len(stations.ids),
        },
    )
    issues.append(Issue(Severity.ERROR, raw.label, None, None, None, message))
    return Message("station_column_missing_row", {"stations": len(stations.ids)})


def _workers(raw: RawTable | None, stations: _Stations, issues: list[Issue]) -> list[Worker]:
    if raw is None:
        return []
    read = _rows_read(raw, stations, issues, _worker)
    return [worker for _, worker in read if worker is not None]


def _rejected(row: RowReader) -> RejectedRow:
    """A client row that cannot be planned, with what it says of the person as typed."""
    care: CareLevel | None = _CARE_LEVELS.get(key(row.text("care_level")))
    return RejectedRow(
        unicodedata.normalize("NFKC", row.text("client_id")).strip(),
        row.text("name"),
        row.station,
        row.source,
        row.reasons,
        care_level=care,
        address=row.text("address"),
        phone=phone_text(row.value("phone"))[0],
    )


def _clients(
    raw: RawTable | None, stations: _Stations, issues: list[Issue]
) -> tuple[list[Client], list[RejectedRow]]:
    if raw is None:
        return [], []
    clients: list[Client] = []
    rejected: list[RejectedRow] = []
    for row, client in _rows_read(raw, stations, issues, _client):
        if client is not None:
            clients.append(client)
        else:
            rejected.append(_rejected(row))
    return clients, rejected


def _in_datum(raw: RawTable | None, declared: Datum, issues: list[Issue]) -> RawTable | None:
    """The table with the datum its coordinates are read in: its header's, else the setting's.

    Says so whenever the points are converted, and warns when a header and the
    setting disagree (the header, which sits on the column, is followed).
    """
    if raw is None:
        return None
    datum = raw.datum or declared
    if raw.datum is not None and declared not in (raw.datum, Datum.WGS84):
        params = {
            "header": raw.datum_header,
            "header_datum": datum_word(raw.datum),
            "datum": datum_word(declared),
        }
        message = Message("datum_header_over_settings", params)
        issues.append(Issue(Severity.WARNING, raw.label, None, raw.datum_header, None, message))
    if datum != Datum.WGS84:
        why = (
            Message("datum_from_header", {"header": raw.datum_header})
            if raw.datum is not None
            else Message("datum_from_settings")
        )
        message = Message("datum_converted", {"datum": datum_word(datum), "why": why})
        issues.append(Issue(Severity.INFO, raw.label, None, None, None, message))
    return replace(raw, datum=datum)


def _with_geocoded(
    raw: RawTable | None, folder: Path | None, issues: list[Issue]
) -> RawTable | None:
    """The table with the points ``mealroute geocode`` found for rows that have none.

    Only a row whose coordinate cells are both empty takes a point, and only one
    looked up for its id and the address it has now (an edited address is looked up
    again). A point the geocoding flagged for a person to check is a warning.
    """
    if raw is None or folder is None or not raw.has("address"):
        return raw
    from ..geocode.sidecar import read_geocoded

    name = raw.table.name
    found = read_geocoded(folder, name)
    if not found:
        return raw
    ident = "station_id" if name == "stations" else "client_id"
    rows = []
    used = 0
    pairs: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for row in raw.rows:
        values = row.values
        point = found.get((cell_text(values.get(ident)), cell_text(values.get("address"))))
        if cell_text(values.get("lat")) or cell_text(values.get("lon")):
            lat, lon = number_of(values.get("lat")), number_of(values.get("lon"))
            if point is not None and not point.check and lat is not None and lon is not None:
                pairs.append(((lat, lon), (point.lat, point.lon)))
            point = None  # a row's own coordinates are never replaced
        if point is None:
            rows.append(row)
            continue
        used += 1
        filled = {**values, "lat": point.lat, "lon": point.lon}
        rows.append(replace(row, values=filled, geocoded=point.file))
        if point.check:
            message = Message("geocoded_to_check", {"check": point.check})
            header = raw.header("address")
            issues.append(Issue(Severity.WARNING, raw.label, row.row, header, None, message))
    if used:
        message = Message("coordinates_geocoded", {"n": used, "file": f"geocoded/{name}.csv"})
        issues.append(Issue(Severity.INFO, raw.label, None, None, None, message))
    _check_datum(raw, pairs, issues)
    return replace(raw, rows=tuple(rows))


DATUM_CHECK_ROWS = 3  # at least this many rows with coordinates and a geocoded point
DATUM_FAR_M = 150.0  # the median offset, in the declared datum, that looks wrong ...
DATUM_NEAR_M = 50.0  # ... when another datum brings it under this


def _check_datum(
    raw: RawTable,
    pairs: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    issues: list[Issue],
) -> None:
    """Warn when a table's coordinates look like another datum than they are read in.

    ``pairs`` are (the row's own coordinates as written, the point its address was
    geocoded to, WGS-84), for rows the geocoding found to a door. Points picked in AMap
    but read as WGS-84 lie consistently about 500 m off in China; read as GCJ-02 they
    fall on their addresses. The datum that brings the median offset down to a few
    tens of metres is the one the file is in.
    """
    if len(pairs) < DATUM_CHECK_ROWS:
        return
    declared = raw.datum or Datum.WGS84
    median = {
        datum: statistics.median(
            metres(to_wgs84(lat, lon, datum), point) for (lat, lon), point in pairs
        )
        for datum in Datum
    }
    best = min(median, key=lambda d: median[d])
    if best == declared or median[declared] <= DATUM_FAR_M or median[best] > DATUM_NEAR_M:
        return
    params = {
        "n": len(pairs),
        "far": round(median[declared]),
        "declared": datum_word(declared),
        "other": datum_word(best),
        "near": round(median[best]),
    }
    issues.append(
        Issue(Severity.WARNING, raw.label, None, None, None, Message("datum_looks_other", params))
    )


def _dataset(
    read: TablesRead,
    datum: Mapping[str, Datum] | None = None,
    folder: Path | None = None,
) -> Dataset:
    issues = list(read.issues)
    declared = datum or {}

    def table(name: str) -> RawTable | None:
        raw = _in_datum(read.tables.get(name), declared.get(name, Datum.WGS84), issues)
        return _with_geocoded(raw, folder, issues)

    stations = _Stations(table("stations"), issues)
    workers = _workers(read.tables.get("workers"), stations, issues)
    clients, rejected = _clients(table("clients"), stations, issues)
    clients = _usual_workers(read.tables.get("clients"), clients, workers, issues)
    changes = changes_from(
        read.tables.get("changes"), stations.usable.values(), workers, clients, rejected, issues
    )
    return Dataset(
        stations=tuple(stations.usable.values()),
        workers=tuple(workers),
        clients=tuple(clients),
        rejected=tuple(rejected),
        issues=tuple(issues),
        changes=tuple(changes),
    )


def _usual_workers(
    raw: RawTable | None, clients: list[Client], workers: list[Worker], issues: list[Issue]
) -> list[Client]:
    """Clients whose ``usual_worker`` is not a worker of their station lose it, with a warning."""
    station_of = {w.worker_id: w.station_id for w in workers}
    checked = []
    for client in clients:
        usual = client.usual_worker
        if usual and station_of.get(usual) != client.station_id:
            source = client.source
            issues.append(
                Issue(
                    Severity.WARNING,
                    source.file if source else (raw.label if raw else ""),
                    source.row if source else None,
                    raw.header("usual_worker") if raw else "usual_worker",
                    usual,
                    Message(
                        "usual_not_of_station",
                        {"worker": usual, "station": client.station_id},
                    ),
                )
            )
            checked.append(replace(client, usual_worker=""))
        else:
            checked.append(client)
    return checked


def dataset_from_dir(data_dir: Path, datum: Mapping[str, Datum] | None = None) -> Dataset:
    """Read a data directory into stations, workers and clients.

    Parameters
    ----------
    data_dir
        A directory with ``stations``, ``workers`` and ``clients`` as CSV files,
        per-table workbooks or sheets of one workbook (see :mod:`mealroute.tables`).
    datum
        The datum of the ``stations`` and ``clients`` coordinates (the setting
        ``input.datum``; WGS-84 when not given). A coordinate header that names
        its datum (``经度(高德)``, ``lng_gcj02``) wins. Every coordinate comes back
        in WGS-84.

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
    return _dataset(tables_from_dir(Path(data_dir)), datum, Path(data_dir))


def dataset_from_path(path: Path, datum: Mapping[str, Datum] | None = None) -> Dataset:
    """Read a data folder, or one ``.xlsx`` workbook holding the tables as sheets.

    Anything else (a CSV file, an ``.xls``, Excel's ``~$`` lock file, a path that
    does not exist) gives a dataset with one error saying exactly what to pass.
    Settings are the caller's business (a workbook's come from its folder); the
    one reading needs, ``datum``, is as for :func:`dataset_from_dir`.
    """
    path = Path(path)
    if path.is_dir():
        return dataset_from_dir(path, datum)
    suffix = path.suffix.lower()
    if path.is_file() and suffix in WORKBOOK_SUFFIXES and not path.name.startswith("~$"):
        return _dataset(tables_from_workbook(path), datum, path.parent)
    if not path.exists():
        message = Message("no_such_data")
    elif path.name.startswith("~$"):
        message = Message("lock_file", {"workbook": path.name[2:]})
    elif suffix in TEXT_SUFFIXES:
        message = Message("one_text_file", {"folder": str(path.parent)})
    elif suffix in OTHER_SPREADSHEETS:
        message = Message("resave_spreadsheet", {"suffix": suffix})
    else:
        message = Message("not_data")
    return Dataset(
        (), (), (), issues=(Issue(Severity.ERROR, str(path), None, None, None, message),)
    )


def with_changes_file(dataset: Dataset, path: Path) -> Dataset:
    """``dataset`` with the rows of one more changes table (``replan --changes FILE``).

    Its rows come after those of the data's own changes table, so where both say
    something of one client, worker or station on a day, the file's row wins. Its
    problems join the dataset's issues (an unreadable file is an error issue with
    ``row=None``; a bad row one with its row, column and value).
    """
    raw, issues = table_from_file(Path(path), CHANGES)
    stations = {s.station_id: s for s in dataset.stations}
    changes = changes_from(
        raw, stations.values(), dataset.workers, dataset.clients, dataset.rejected, issues
    )
    return replace(
        dataset,
        changes=(*dataset.changes, *changes),
        issues=(*dataset.issues, *issues),
    )
