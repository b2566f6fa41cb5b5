"""Where each input table lives: the files and sheets of a folder or a workbook.

Files → sources: a table is a file or a sheet named for it (``clients``, ``客户``,
...), or, when none is, the one whose columns say what it is (a sheet with 失能等级
and 地址 is the clients). The cells come from :mod:`mealroute.csvfile` and
:mod:`mealroute.xlsx`; :mod:`mealroute.tables` reads the chosen ones.

What was decided is said as issues: which sheet or unfamiliar file fed which
table (``info``), a hidden sheet that looks like a table (never read without a
word), two candidates for one table (an error naming both).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..messages.input import and_list, quoted_list, table_word
from ..model import Issue, Message, Severity
from .columns import KEPT_FOR_PEOPLE, RECOGNITION_ORDER, TABLES, Column, Table
from .csvfile import StrayQuote, decode, delimiter_of, read_rows
from .limits import MAX_COLUMNS, MAX_ROWS, MAX_TEXT_BYTES, MB
from .words import cell_text, header_key, key
from .xlsx import Sheet, read_workbook

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheet formats openpyxl cannot read; named so the user is told to re-save.
OTHER_SPREADSHEETS = (".xls", ".et", ".ett", ".ods", ".numbers", ".xlsb")
HEADER_SEARCH_ROWS = 10  # a title row or two may sit above the header
LISTED = 10  # names shown in one message before "... (N in all)"

Record = tuple[int, list[Any]]  # (row as the spreadsheet numbers it, cell values)

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# ---------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Grid:
    """The cells of one file or sheet, rows numbered as the spreadsheet numbers them."""

    rows: tuple[Record, ...]
    text: bool = False  # a delimited text file (cells past the header are suspicious)
    copies: frozenset[tuple[int, int]] = frozenset()  # (row, column) filled from a merge
    strays: Mapping[int, StrayQuote] = field(default_factory=dict)
    multiline: tuple[int, ...] = ()


@dataclass(frozen=True)
class TableSource:
    """A file or a sheet that may hold a table."""

    label: str  # as issues name it: "clients.csv", "data.xlsx[客户]"
    file: str
    sheet: str | None = None
    named: Table | None = None  # the table its file or sheet name says
    grid: Grid | None = None
    problem: Message | None = None  # it cannot be read (None: it was read)
    state: str = "visible"  # a sheet's: visible, hidden, veryHidden

    @property
    def hidden(self) -> bool:
        return self.state != "visible"


def issue(
    severity: Severity,
    file: str,
    message: Message,
    *,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> Issue:
    """An :class:`Issue` of ``file``, at a row and column when given."""
    return Issue(severity, file, row, column, value, message)


def _table_named(name: str) -> Table | None:
    wanted = key(name)
    for table in TABLES:
        if wanted in {key(table.name), *(key(alias) for alias in table.aliases)}:
            return table
    return None


def columns_by_key(table: Table) -> dict[str, Column]:
    """The table's columns by :func:`~mealroute.words.header_key` of each name and alias."""
    found: dict[str, Column] = {}
    for column in table.columns:
        for name in (column.name, *column.aliases):
            found.setdefault(header_key(name), column)
    return found


#: Each table's :func:`columns_by_key`; KEPT: headers of columns kept for people.
BY_KEY = {table.name: columns_by_key(table) for table in TABLES}
KEPT = frozenset(header_key(name) for name in KEPT_FOR_PEOPLE)


def text_source(path: Path, named: Table | None) -> TableSource | None:
    """A text file as a source; an unnamed file that is not a table is None."""
    label = path.name
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            if named is None:
                return None
            limit = MAX_TEXT_BYTES // MB
            problem = Message("file_too_big", {"size": math.ceil(size / MB), "limit": limit})
            return TableSource(label, label, named=named, problem=problem)
        data = path.read_bytes()
    except OSError as error:
        if named is None:
            return None
        detail = error.strerror or str(error)
        return TableSource(
            label, label, named=named, problem=Message("file_unreadable", {"detail": detail})
        )
    text = decode(data)
    if isinstance(text, Message):
        return TableSource(label, label, named=named, problem=text) if named else None
    read = read_rows(text, delimiter_of(text))
    widest = max((len(values) for _, values in read.rows), default=0)
    if len(read.rows) > MAX_ROWS or widest > MAX_COLUMNS:
        if named is None:
            return None
        problem = Message("text_too_big", {"rows": MAX_ROWS, "columns": MAX_COLUMNS})
        return TableSource(label, label, named=named, problem=problem)
    grid = Grid(
        rows=read.rows,
        text=True,
        strays={stray.row: stray for stray in read.strays},
        multiline=read.multiline,
    )
    return TableSource(label, label, named=named, grid=grid)


def _sheet_source(path: Path, sheet: Sheet, named: Table | None, label: str) -> TableSource:
    grid = Grid(rows=sheet.rows, copies=sheet.copies)
    return TableSource(
        label, path.name, sheet.name, named, grid, problem=sheet.refused, state=sheet.state
    )


def workbook_sources(
    path: Path, stem_table: Table | None, issues: list[Issue]
) -> list[TableSource]:
    """Each sheet of a workbook as a source.

    A sheet named for a table is that table; in a workbook named for a table
    (``clients.xlsx``) with no such sheet, the visible sheet that looks like the
    table (else the first visible one with cells) is it.
    """
    book = read_workbook(path)
    if book.problem is not None:
        if stem_table:  # it is the table's source, so the table is not also 'missing'
            return [TableSource(path.name, path.name, named=stem_table, problem=book.problem)]
        issues.append(issue(WARNING, path.name, book.problem))
        return []
    sources = [
        _sheet_source(path, sheet, _table_named(sheet.name), f"{path.name}[{sheet.name}]")
        for sheet in book.sheets
    ]
    if stem_table and not any(source.named for source in sources):
        visible = [s for s, sheet in zip(sources, book.sheets, strict=True) if not s.hidden]
        filled = [s for s in visible if s.grid and s.grid.rows]
        chosen = next((s for s in filled if _recognise(s) is stem_table), None)
        chosen = chosen or next(iter(filled or visible), None)
        if chosen is not None:
            index = sources.index(chosen)
            sources[index] = TableSource(
                path.name,
                path.name,
                chosen.sheet,
                stem_table,
                chosen.grid,
                chosen.problem,
                chosen.state,
            )
    return sources


def folder_sources(folder: Path, issues: list[Issue]) -> tuple[list[TableSource], list[str]]:
    """Every file of ``folder`` that may hold a table, and the names of the others."""
    sources: list[TableSource] = []
    others: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue  # hidden files, and the lock file Excel keeps beside an open workbook
        suffix = path.suffix.lower()
        table = _table_named(path.stem)
        if suffix in TEXT_SUFFIXES:
            source = text_source(path, table)
            if source is None:
                others.append(path.name)
            else:
                sources.append(source)
        elif suffix in WORKBOOK_SUFFIXES:
            sources.extend(workbook_sources(path, table, issues))
        elif suffix in OTHER_SPREADSHEETS:
            message = Message("resave_spreadsheet", {"suffix": suffix})
            issues.append(issue(ERROR if table else WARNING, path.name, message))
            if table:
                sources.append(TableSource(path.name, path.name, named=table, problem=message))
        elif suffix != ".toml":
            others.append(path.name)
    return sources, others


# ------------------------------------------------------------------ recognition


def is_blank(values: list[Any]) -> bool:
    """Whether a row has no value in any cell."""
    return all(cell_text(value) == "" for value in values)


def without_copies(grid: Grid, number: int, values: list[Any]) -> list[Any]:
    """A header row's cells, without the copies of a merged header cell."""
    return [None if (number, i) in grid.copies else v for i, v in enumerate(values)]


def find_header(table: Table, grid: Grid) -> int | None:
    """The index among the non-blank rows of the first with two of the table's headers."""
    by_key = BY_KEY[table.name]
    filled = [(n, v) for n, v in grid.rows if not is_blank(v)][:HEADER_SEARCH_ROWS]
    for at, (number, values) in enumerate(filled):
        names = {
            by_key[k].name
            for v in without_copies(grid, number, values)
            if (k := header_key(cell_text(v))) in by_key
        }
        if len(names) >= 2:
            return at
    return None


def _signature_found(table: Table, grid: Grid) -> list[str] | None:
    """The headers by which ``grid`` is recognised as ``table`` (None: it is not)."""
    at = find_header(table, grid)
    if at is None:
        return None
    number, values = [(n, v) for n, v in grid.rows if not is_blank(v)][at]
    by_key = BY_KEY[table.name]
    spelled: dict[str, str] = {}
    for value in without_copies(grid, number, values):
        text = cell_text(value)
        column = by_key.get(header_key(text))
        if column is not None:
            spelled.setdefault(column.name, text)
    shown = []
    for group in table.signature:
        present = [spelled[name] for name in group if name in spelled]
        if not present:
            return None
        shown.append(present[0])
    return shown


def _recognise(source: TableSource) -> Table | None:
    """The table a source's columns say it is (clients first: they also have places)."""
    if source.grid is None:
        return None
    for table in RECOGNITION_ORDER:
        if _signature_found(table, source.grid) is not None:
            return table
    return None


# ------------------------------------------------------------------- choosing


def _sheet_list(names: list[str]) -> Any:
    return quoted_list(names, limit=LISTED)


def choose(
    sources: list[TableSource], where: str, others: list[str]
) -> tuple[dict[str, TableSource], dict[str, list[Issue]], list[Issue]]:
    """The source of each table.

    Returns the chosen sources, the errors of each table (none found, two found,
    only a hidden one), and the infos and warnings that say what was read.
    """
    chosen: dict[str, TableSource] = {}
    errors: dict[str, list[Issue]] = {table.name: [] for table in TABLES}
    kinds = {id(source): source.named or _recognise(source) for source in sources}
    for table in TABLES:
        named = [s for s in sources if s.named is table and not s.hidden]
        by_columns = [
            s for s in sources if s.named is None and kinds[id(s)] is table and not s.hidden
        ]
        hidden = [s for s in sources if kinds[id(s)] is table and s.hidden]
        word = table_word(table.name)
        found = errors[table.name]
        if len(named) > 1:
            names = and_list([source.label for source in named])
            message = Message("table_twice", {"table": word, "sources": names})
            found.append(issue(ERROR, where, message))
        elif named:
            chosen[table.name] = named[0]
        elif len(by_columns) > 1:
            names = and_list([source.label for source in by_columns])
            message = Message(
                "table_ambiguous",
                {"table": word, "sources": names, "name": table.name, "alias": table.aliases[0]},
            )
            found.append(issue(ERROR, where, message))
        elif by_columns:
            chosen[table.name] = by_columns[0]
        elif hidden:
            source = hidden[0]
            code = "table_only_very_hidden" if source.state == "veryHidden" else "table_only_hidden"
            message = Message(code, {"table": word, "sheet": source.sheet or ""})
            found.append(issue(ERROR, source.file, message))
        elif not table.optional:
            params: dict[str, Any] = {
                "table": word,
                "name": table.name,
                "aliases": list(table.aliases),
            }
            unused = others + _unused(sources, kinds)
            if unused:
                params["unused"] = unused[:LISTED] + (
                    [f"… ({len(unused)})"] if len(unused) > LISTED else []
                )
                found.append(issue(ERROR, where, Message("table_missing_unused", params)))
            else:
                found.append(issue(ERROR, where, Message("table_missing", params)))
    return chosen, errors, _what_was_read(sources, chosen, kinds)


def _unused(sources: list[TableSource], kinds: Mapping[int, Table | None]) -> list[str]:
    """Sources that are no table, as "file" or "book.xlsx (sheets: a, b)"."""
    files: dict[str, list[str]] = {}
    for source in sources:
        if kinds[id(source)] is None and not source.hidden:
            files.setdefault(source.file, [])
            if source.sheet is not None:
                files[source.file].append(source.sheet)
    return [
        f"{name} (sheets: {', '.join(sheets)})" if sheets else name
        for name, sheets in files.items()
    ]


def _what_was_read(
    sources: list[TableSource],
    chosen: Mapping[str, TableSource],
    kinds: Mapping[int, Table | None],
) -> list[Issue]:
    """Which sheet or unfamiliar file fed which table; what else was not read, and why."""
    said: list[Issue] = []
    taken = {id(source) for source in chosen.values()}
    for table in TABLES:
        source = chosen.get(table.name)
        if source is None:
            continue
        word = table_word(table.name)
        if source.named is None:
            found = _signature_found(table, source.grid) if source.grid else None
            message = Message(
                "read_by_columns", {"table": word, "headers": quoted_list(found or [])}
            )
            said.append(issue(INFO, source.label, message))
        elif source.sheet is not None:
            message = Message("read_sheet_as", {"table": word, "sheet": source.sheet})
            said.append(issue(INFO, source.label, message))
    books: dict[str, list[str]] = {}  # file -> visible sheets that are no table
    hidden: dict[str, list[str]] = {}  # file -> hidden sheets that are no table
    for source in sources:
        if id(source) in taken:
            continue
        kind = kinds[id(source)]
        used = chosen.get(kind.name) if kind is not None else None
        if source.hidden:
            if kind is None:
                hidden.setdefault(source.file, []).append(source.sheet or "")
            elif used is not None:
                code = (
                    "very_hidden_sheet_skipped"
                    if source.state == "veryHidden"
                    else "hidden_sheet_skipped"
                )
                message = Message(code, {"sheet": source.sheet, "table": table_word(kind.name)})
                said.append(issue(WARNING, source.file, message))
        elif source.problem is not None and source.sheet is not None:
            message = Message("sheet_not_read", {"sheet": source.sheet, "why": source.problem})
            said.append(issue(WARNING, source.file, message))
        elif kind is not None:
            if used is not None:  # (else an error names it: two sources for the table)
                message = Message(
                    "also_looks_like", {"table": table_word(kind.name), "used": used.label}
                )
                said.append(issue(INFO, source.label, message))
        elif source.sheet is not None and source.grid and source.grid.rows:
            books.setdefault(source.file, []).append(source.sheet)
    for file, names in hidden.items():
        message = Message("hidden_sheets_not_read", {"sheets": _sheet_list(names), "n": len(names)})
        said.append(issue(INFO, file, message))
    for file, names in books.items():
        message = Message("sheets_not_read", {"sheets": _sheet_list(names), "n": len(names)})
        said.append(issue(INFO, file, message))
    return said
