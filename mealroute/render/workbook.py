"""``routes.xlsx``: the day's routes as a workbook, one sheet per worker.

The first sheet is a summary with one row per worker; then one sheet per worker
with their stops in visiting order; last, when anybody is unserved or a station
failed, a sheet of those clients and reasons. Every sheet has a bold, frozen header
row, set column widths and prints landscape on A4 with the station, worker and date
in the page header.

Times are real Excel times (``datetime.time`` shown as ``hh:mm``, seconds dropped as
on the HTML pages), so they sort and subtract. Every text cell passes through
:func:`mealroute.render.cells.spreadsheet_safe`, so a name such as ``=cmd|...`` is
text, not a formula; characters that XML cannot hold are removed first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from .. import atomic
from ..clock import format_clock
from ..messages import care_word, check_lang, mode_word
from ..model import Plan, Route, StationPlan, is_halal
from . import paths
from .cells import spreadsheet_safe
from .i18n import diet_label, format_date, label, worker_label

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = {"history"}  # Excel keeps "History" for itself
TIME_FORMAT = "hh:mm"

Cell = str | int | float | dt.time | None


def excel_time(seconds: int | None) -> dt.time | str | None:
    """Seconds since midnight as an Excel time, seconds dropped; ``"24:00"`` as text."""
    if seconds is None:
        return None
    minutes = int(seconds) // 60
    if minutes >= 24 * 60:
        return format_clock(seconds)
    return dt.time(minutes // 60, minutes % 60)


def clean_text(value: object) -> object:
    """A cell value that is safe to store: no XML-illegal characters, no formula start."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return spreadsheet_safe(value)


def sheet_names(wanted: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    """Valid, unique Excel sheet names for ``wanted``, in order.

    Characters Excel refuses (``[ ] : * ? / \\``) become ``_``, leading and trailing
    apostrophes and spaces are removed, names are cut to 31 characters, and a name
    already used (Excel compares without case) or reserved gets ``~2``, ``~3`` …
    An empty result becomes ``"sheet"``.
    """
    used = {name.casefold() for name in taken} | _RESERVED_SHEET_NAMES
    result = []
    for raw in wanted:
        base = _SHEET_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", raw))
        base = base.strip(" '")[:SHEET_NAME_MAX].strip(" '") or "sheet"
        name, number = base, 1
        while name.casefold() in used:
            number += 1
            suffix = f"~{number}"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip(" '") + suffix
        used.add(name.casefold())
        result.append(name)
    return result


@dataclass(frozen=True)
class Column:
    """A column: its label key and width in characters."""

    key: str
    width: float


def _fill(
    sheet: Worksheet, columns: Sequence[Column], rows: Iterable[Sequence[Cell]], lang: str
) -> None:
    sheet.append([clean_text(label(column.key, lang)) for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        sheet.append([clean_text(value) for value in row])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.time):
                cell.number_format = TIME_FORMAT
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


SUMMARY_COLUMNS = (
    Column("station", 18),
    Column("worker_id", 10),
    Column("worker", 14),
    Column("mode", 10),
    Column("trips", 7),
    Column("clients", 9),
    Column("meals", 8),
    Column("halal", 8),
    Column("distance", 10),
    Column("first_departure", 10),
    Column("last_return", 10),
    Column("sheet", 18),
)

STOP_COLUMNS = (
    Column("trip", 6),
    Column("stop_no", 6),
    Column("planned_arrival", 10),
    Column("window_start", 9),
    Column("window_end", 9),
    Column("client_id", 10),
    Column("name", 14),
    Column("address", 32),
    Column("phone", 15),
    Column("meals", 6),
    Column("diet", 12),
    Column("care_level", 10),
    Column("notes", 28),
    Column("delivered", 10),
    Column("signature", 14),
)

UNSERVED_COLUMNS = (
    Column("station", 18),
    Column("client_id", 10),
    Column("name", 14),
    Column("care_level", 10),
    Column("address", 32),
    Column("phone", 15),
    Column("reason", 60),
)


def _km(metres: int) -> float:
    return round(metres / 1000, 1)


def _summary_row(station: StationPlan, route: Route, sheet: str, lang: str) -> list[Cell]:
    stops = [stop for trip in route.trips for stop in trip.stops]
    return [
        station.name,
        route.worker_id,
        route.name,
        mode_word(route.mode, lang),
        len(route.trips),
        len(stops),
        sum(stop.meals for stop in stops),
        sum(stop.meals for stop in stops if is_halal(stop.diet)),
        _km(route.distance_m),
        excel_time(min((trip.depart for trip in route.trips), default=None)),
        excel_time(max((trip.return_ for trip in route.trips), default=None)),
        sheet,
    ]


def _stop_rows(route: Route, lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    number = 0
    for trip_number, trip in enumerate(route.trips, start=1):
        for stop in trip.stops:
            number += 1
            rows.append(
                [
                    trip_number,
                    number,
                    excel_time(stop.arrive),
                    excel_time(stop.window[0]),
                    excel_time(stop.window[1]),
                    stop.client_id,
                    stop.name,
                    stop.address,
                    stop.phone,
                    stop.meals,
                    diet_label(stop.diet, lang),
                    care_word(stop.care_level, lang),
                    stop.notes,
                    None,
                    None,
                ]
            )
    return rows


def build_workbook(plan: Plan, *, lang: str) -> Workbook:
    """The workbook of ``plan`` in ``lang`` (see the module docstring for its sheets)."""
    check_lang(lang)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary_name = label("summary", lang)
    unserved_name = label("unserved", lang)
    summary.title = summary_name
    pairs = [(station, route) for station in plan.stations for route in station.routes]
    names = sheet_names(
        (worker_label(route) for _, route in pairs),
        taken=(summary_name, unserved_name),
    )
    rows = (_summary_row(s, r, name, lang) for (s, r), name in zip(pairs, names, strict=True))
    _fill(summary, SUMMARY_COLUMNS, rows, lang)
    sheet_column = len(SUMMARY_COLUMNS)
    for row_number, name in enumerate(names, start=2):
        cell = summary.cell(row=row_number, column=sheet_column)
        location = "'{}'!A1".format(name.replace("'", "''"))
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location)
        cell.style = "Hyperlink"
    summary.oddHeader.center.text = _header_text(
        f"{label('summary', lang)} · {format_date(plan.date, lang)}"
    )
    for (station, route), name in zip(pairs, names, strict=True):
        sheet = workbook.create_sheet(name)
        _fill(sheet, STOP_COLUMNS, _stop_rows(route, lang), lang)
        header = (
            f"{station.name} · {route.name} ({route.worker_id}) · {format_date(plan.date, lang)}"
        )
        sheet.oddHeader.center.text = _header_text(header)
    unserved: list[list[Cell]] = [
        [
            station.name,
            u.client_id,
            u.name,
            care_word(u.care_level, lang),
            u.address,
            u.phone,
            u.reason.text(lang),
        ]
        for station in plan.stations
        for u in station.unserved
    ]
    unserved += [
        [
            station.name,
            None,
            None,
            None,
            None,
            None,
            f"{label('error', lang)}: {station.error.text(lang)}",
        ]
        for station in plan.stations
        if station.error and not station.unserved
    ]
    if unserved:
        sheet = workbook.create_sheet(unserved_name)
        _fill(sheet, UNSERVED_COLUMNS, unserved, lang)
        sheet.oddHeader.center.text = _header_text(
            f"{unserved_name} · {format_date(plan.date, lang)}"
        )
    return workbook


def _header_text(text: str) -> str:
    # "&" starts a control code in Excel page headers.
    return str(clean_text(text)).replace("&", "&&")


def write_workbook(plan: Plan, out_dir: Path, *, lang: str) -> Path:
    """Write ``routes.xlsx`` for ``plan`` into ``out_dir``.

    Parameters
    ----------
    plan
        The day's plan.
    out_dir
        The output folder; the file goes to :data:`mealroute.render.paths.ROUTES_XLSX`.
    lang
        ``"zh"`` or ``"en"`` for headers, sheet names, diets, care levels and modes.

    Returns
    -------
    Path
        The file written.
    """
    target = paths.inside(out_dir, paths.ROUTES_XLSX)
    workbook = build_workbook(plan, lang=lang)
    with atomic.atomic_path(target) as temporary:
        workbook.save(temporary)
    return target
