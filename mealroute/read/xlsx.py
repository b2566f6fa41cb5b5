"""Reading the sheets of an ``.xlsx`` workbook within bounds.

A workbook is a zip of XML files, and a small one can describe an enormous sheet:
one value in cell XFD1048576, a merged range over the whole sheet, or a zip bomb
that unpacks to gigabytes. openpyxl's ordinary mode builds a cell object for every
cell of a range it is asked for and for every cell of a merged range, and its
read-only mode pads every missing row; both exhausted memory on such files. So:

- the zip's directory is checked first: the declared unpacked size of all parts
  (which zipfile enforces while unpacking) and their number;
- each sheet's XML is streamed with openpyxl's own sheet parser, keeping only the
  cells that hold a value, and refused as soon as a value lies beyond
  :data:`~mealroute.limits.MAX_ROWS` rows or :data:`~mealroute.limits.MAX_COLUMNS`
  columns, or there are more than :data:`~mealroute.limits.MAX_CELLS`;
- merged ranges are filled in afterwards, only into rows that hold a value.

Nothing here raises for the content of a file: a problem is a :class:`Message`.
"""

from __future__ import annotations

import bisect
import math
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..model import Message
from .limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_WORKBOOK_BYTES,
    MAX_WORKBOOK_PARTS,
    MAX_WORKBOOK_UNPACKED,
    MB,
)

PROLOG_BYTES = 4096  # where an XML document type declaration would be
HEAD_ROWS = 12  # rows kept from a refused sheet, so it can still be recognised


@dataclass(frozen=True)
class Sheet:
    """One sheet: its rows with a value, numbered as the spreadsheet numbers them."""

    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    rows: tuple[tuple[int, list[Any]], ...]  # values by column, 0 = A
    copies: frozenset[tuple[int, int]] = frozenset()  # (row, column) filled from a merge
    refused: Message | None = None  # too big to read; rows holds only its first rows

    @property
    def hidden(self) -> bool:
        return self.state != "visible"


@dataclass(frozen=True)
class Workbook:
    """The worksheets of a workbook, in tab order (chart sheets are left out)."""

    sheets: tuple[Sheet, ...] = ()
    problem: Message | None = None  # the workbook cannot be read at all
    skipped: tuple[str, ...] = field(default=())  # chart sheets


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how spreadsheets name a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _zip_problem(path: Path) -> Message | None:
    """Why the zip cannot be unpacked within bounds (None when it can)."""
    try:
        stored = path.stat().st_size
        if stored > MAX_WORKBOOK_BYTES:
            return Message(
                "workbook_too_big",
                {"size": math.ceil(stored / MB), "limit": MAX_WORKBOOK_BYTES // MB},
            )
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_WORKBOOK_PARTS:
                return Message(
                    "workbook_too_many_parts", {"parts": len(parts), "limit": MAX_WORKBOOK_PARTS}
                )
            unpacked = sum(part.file_size for part in parts)
            if unpacked > MAX_WORKBOOK_UNPACKED:
                return Message(
                    "workbook_unpacks_too_big",
                    {"size": math.ceil(unpacked / MB), "limit": MAX_WORKBOOK_UNPACKED // MB},
                )
            for part in parts:
                if part.filename.endswith((".xml", ".rels")):
                    with archive.open(part) as handle:
                        head = handle.read(PROLOG_BYTES)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        return Message("workbook_has_dtd", {"part": part.filename})
    except Exception as error:  # noqa: BLE001 - a damaged zip raises zlib, EOF, OS, ... errors
        return Message("workbook_unreadable", {"detail": _detail(error)})
    return None


def read_workbook(path: Path) -> Workbook:
    """Every worksheet of the ``.xlsx`` at ``path``, bounded (see the module's notes).

    Returns
    -------
    Workbook
        With ``problem`` set when the file is not a readable workbook or unpacks
        too big; a sheet that is too big has ``refused`` set.
    """
    problem = _zip_problem(path)
    if problem is not None:
        return Workbook(problem=problem)
    import openpyxl  # only needed when there is a workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation, ...).
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types on damaged files
        return Workbook(problem=Message("workbook_unreadable", {"detail": _detail(error)}))
    try:
        sheets = []
        for sheet in book.worksheets:
            try:
                sheets.append(_read_sheet(book, sheet))
            except Exception as error:  # noqa: BLE001 - a damaged sheet's XML
                refused = Message("sheet_unreadable", {"detail": _detail(error)})
                sheets.append(Sheet(sheet.title, sheet.sheet_state, (), refused=refused))
        charts = tuple(chart.title for chart in book.chartsheets)
        return Workbook(sheets=tuple(sheets), skipped=charts)
    finally:
        book.close()


def _detail(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return text or type(error).__name__


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _MERGE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}mergeCell"
MAX_CELL_PARTS = 10_000  # elements inside one cell (rich-text runs); Excel writes a few


class _RefusedError(Exception):
    """The sheet is beyond the limits; ``message`` says which."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def _read_sheet(book: Any, sheet: Any) -> Sheet:
    """The cells of one sheet that hold a value, streamed from its XML."""
    cells: dict[int, dict[int, Any]] = {}
    merged: list[tuple[int, int, int, int]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with sheet._get_source() as source:  # the sheet's XML, unpacked as it is read
                _stream_cells(book, sheet, source, cells, merged)
        result = _fill_merged(cells, merged)
    except _RefusedError as refused:
        head = sorted(cells)[:HEAD_ROWS]
        return Sheet(sheet.title, sheet.sheet_state, _dense(cells, head), refused=refused.message)
    return Sheet(sheet.title, sheet.sheet_state, _dense(cells, sorted(cells)), result)


def _stream_cells(
    book: Any,
    sheet: Any,
    source: Any,
    cells: dict[int, dict[int, Any]],
    merged: list[tuple[int, int, int, int]],
) -> None:
    """Put each cell with a value into ``cells``; stop with :class:`_RefusedError` at a limit.

    Each ``<c>`` element is turned into a value by openpyxl's own cell parser (shared
    strings, dates, booleans, inline text) and dropped at once, so memory holds the
    values only, however the XML is laid out (a million cells in one row included).
    """
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    parser = WorkSheetParser(
        None,
        sheet._shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    count = 0
    stack: list[Any] = []
    parts = 0  # elements inside the current cell
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        if event == "start":
            if element.tag == _ROW:
                number = element.get("r")
                parser.row_counter = int(float(number)) if number else parser.row_counter + 1
                parser.col_counter = 0
            elif (stack and stack[-1].tag == _CELL) or parts:
                parts += 1
                if parts > MAX_CELL_PARTS:
                    raise _RefusedError(Message("sheet_too_many_cells", {"limit": MAX_CELLS}))
            stack.append(element)
            continue
        stack.pop()
        parent = stack[-1] if stack else None
        if element.tag == _CELL:
            parts = 0
            cell = parser.parse_cell(element)
            value = cell["value"]
            if value is not None and value != "":
                row, column = cell["row"], cell["column"]
                if row > MAX_ROWS or column > MAX_COLUMNS:
                    raise _RefusedError(
                        Message(
                            "sheet_too_far",
                            {
                                "cell": f"{column_letter(column - 1)}{row}",
                                "rows": MAX_ROWS,
                                "columns": MAX_COLUMNS,
                                "last": column_letter(MAX_COLUMNS - 1),
                            },
                        )
                    )
                count += 1
                if count > MAX_CELLS:
                    raise _RefusedError(Message("sheet_too_many_cells", {"limit": MAX_CELLS}))
                cells.setdefault(row, {})[column] = value
        elif element.tag == _MERGE:
            try:
                bounds = range_boundaries(element.get("ref", ""))
            except (TypeError, ValueError):
                bounds = (None, None, None, None)
            if None not in bounds:
                merged.append(bounds)
        if parent is not None and parent.tag != _CELL and not parts:
            parent.remove(element)  # done with it: keep nothing but values
    if len(merged) > MAX_CELLS:
        raise _RefusedError(Message("sheet_too_many_cells", {"limit": MAX_CELLS}))


def _fill_merged(
    cells: dict[int, dict[int, Any]], merged: list[tuple[int, int, int, int]]
) -> frozenset[tuple[int, int]]:
    """Copy each merged range's value into its other cells, in rows that hold a value.

    Excel keeps the value of a merged range in its top-left cell only; a station id
    merged down a block of clients belongs to every client of the block. A row that
    holds nothing but the merged range is left blank: it is not a record.
    Returns the cells filled in (row, 0-based column); raises :class:`_RefusedError` when
    they would be too many.
    """
    count = sum(len(row) for row in cells.values())
    rows = sorted(cells)
    copies: set[tuple[int, int]] = set()
    for min_col, min_row, max_col, max_row in merged:
        value = cells.get(min_row, {}).get(min_col)
        if value is None:
            continue
        start = bisect.bisect_left(rows, min_row)
        stop = bisect.bisect_right(rows, max_row)
        for row in rows[start:stop]:
            for column in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                if (row, column) == (min_row, min_col) or column in cells[row]:
                    continue
                count += 1
                if count > MAX_CELLS:
                    raise _RefusedError(Message("sheet_too_many_cells", {"limit": MAX_CELLS}))
                cells[row][column] = value
                copies.add((row, column - 1))
    return frozenset(copies)


def _dense(cells: dict[int, dict[int, Any]], rows: list[int]) -> tuple[tuple[int, list[Any]], ...]:
    """Rows as lists indexed by column (0 = A), ``None`` where a cell is empty."""
    dense = []
    for number in rows:
        by_column = cells[number]
        values: list[Any] = [None] * max(by_column)
        for column, value in by_column.items():
            values[column - 1] = value
        dense.append((number, values))
    return tuple(dense)
