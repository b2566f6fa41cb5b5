"""Finding the three input tables in a folder or a workbook, and their rows.

Files → tables: this module finds where each table lives (CSV files, per-table
workbooks, sheets of one workbook), by its name (``clients``, ``客户``, ...) or,
when no file or sheet has such a name, by its columns (a sheet with 失能等级 and
地址 is the clients). It reads the cells through :mod:`mealroute.csvfile` and
:mod:`mealroute.xlsx`, finds the header row, maps its headers to the column names
of :mod:`mealroute.columns`, skips totals and footers, and hands back raw cell
values by row. :mod:`mealroute.load` turns them into the domain.

Problems are returned as :class:`~mealroute.model.Issue` values, never raised.
Which file or sheet fed which table is said as an ``info`` issue whenever it is not
plain from a file's name, and a hidden sheet is never read without a word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .columns import KEPT_FOR_PEOPLE, RECOGNITION_ORDER, TABLES, Column, Table
from .csvfile import StrayQuote, decode, delimiter_of, read_rows
from .limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_BYTES, MB
from .messages.input import and_list, column_word, quoted_list, table_word
from .model import Issue, Message, Severity
from .words import cell_text, header_key, key, number_of
from .xlsx import Sheet, column_letter, read_workbook

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheet formats openpyxl cannot read; named so the user is told to re-save.
OTHER_SPREADSHEETS = (".xls", ".et", ".ett", ".ods", ".numbers", ".xlsb")
HEADER_SEARCH_ROWS = 10  # a title row or two may sit above the header
LISTED = 10  # names shown in one message before "... (N in all)"

Record = tuple[int, list[Any]]  # (row as the spreadsheet numbers it, cell values)

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# ----------------------------------------------------------------------- tables


@dataclass(frozen=True)
class CellProblem:
    """A problem of one row found while reading the file (a stray quote, a huge cell)."""

    column: str | None  # the header as the file spells it, or the column's letter
    message: Message


@dataclass(frozen=True)
class RawRow:
    """One data row: cell values by column name."""

    row: int  # as the spreadsheet numbers it: the header of a plain file is row 1
    values: Mapping[str, Any]
    extra: int = 0  # values past the end of the header (CSV only): a stray delimiter
    problems: tuple[CellProblem, ...] = ()


@dataclass(frozen=True)
class RawTable:
    """A table as read from one source, with its headers matched to column names."""

    table: Table
    label: str  # "clients.csv" or "data.xlsx[客户]"
    headers: Mapping[str, str]  # column name -> header text as in the file
    rows: tuple[RawRow, ...]
    header_row: int = 1
    header_cells: tuple[str, ...] = ()  # every header of the file, in order

    def header(self, column: str) -> str:
        """The header as the file spells it (the column name when it is absent)."""
        return self.headers.get(column, column)

    def has(self, column: str) -> bool:
        """Whether the file has this column."""
        return column in self.headers


@dataclass(frozen=True)
class TablesRead:
    """What :func:`tables_from_dir` found: usable tables and every problem on the way."""

    tables: Mapping[str, RawTable]  # only tables with a header and at least one row
    issues: tuple[Issue, ...]


# ---------------------------------------------------------------------- sources


@dataclass(frozen=True)
class _Grid:
    """The cells of one file or sheet, rows numbered as the spreadsheet numbers them."""

    rows: tuple[Record, ...]
    text: bool = False  # a delimited text file (cells past the header are suspicious)
    copies: frozenset[tuple[int, int]] = frozenset()  # (row, column) filled from a merge
    strays: Mapping[int, StrayQuote] = field(default_factory=dict)
    multiline: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Source:
    """A file or a sheet that may hold a table."""

    label: str  # as issues name it: "clients.csv", "data.xlsx[客户]"
    file: str
    sheet: str | None = None
    named: Table | None = None  # the table its file or sheet name says
    grid: _Grid | None = None
    problem: Message | None = None  # it cannot be read (None: it was read)
    state: str = "visible"  # a sheet's: visible, hidden, veryHidden

    @property
    def hidden(self) -> bool:
        return self.state != "visible"


def _issue(
    severity: Severity,
    file: str,
    message: Message,
    *,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> Issue:
    return Issue(severity, file, row, column, value, message)


def _table_named(name: str) -> Table | None:
    wanted = key(name)
    for table in TABLES:
        if wanted in {key(table.name), *(key(alias) for alias in table.aliases)}:
            return table
    return None


def _columns_by_key(table: Table) -> dict[str, Column]:
    found: dict[str, Column] = {}
    for column in table.columns:
        for name in (column.name, *column.aliases):
            found.setdefault(header_key(name), column)
    return found


_BY_KEY = {table.name: _columns_by_key(table) for table in TABLES}
_KEPT = frozenset(header_key(name) for name in KEPT_FOR_PEOPLE)


def _text_source(path: Path, named: Table | None) -> _Source | None:
    """A text file as a source; an unnamed file that is not a table is None."""
    label = path.name
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            if named is None:
                return None
            limit = MAX_TEXT_BYTES // MB
            problem = Message("file_too_big", {"size": math.ceil(size / MB), "limit": limit})
            return _Source(label, label, named=named, problem=problem)
        data = path.read_bytes()
    except OSError as error:
        if named is None:
            return None
        detail = error.strerror or str(error)
        return _Source(
            label, label, named=named, problem=Message("file_unreadable", {"detail": detail})
        )
    text = decode(data)
    if isinstance(text, Message):
        return _Source(label, label, named=named, problem=text) if named else None
    read = read_rows(text, delimiter_of(text))
    widest = max((len(values) for _, values in read.rows), default=0)
    if len(read.rows) > MAX_ROWS or widest > MAX_COLUMNS:
        if named is None:
            return None
        problem = Message("text_too_big", {"rows": MAX_ROWS, "columns": MAX_COLUMNS})
        return _Source(label, label, named=named, problem=problem)
    grid = _Grid(
        rows=read.rows,
        text=True,
        strays={stray.row: stray for stray in read.strays},
        multiline=read.multiline,
    )
    return _Source(label, label, named=named, grid=grid)


def _sheet_source(path: Path, sheet: Sheet, named: Table | None, label: str) -> _Source:
    grid = _Grid(rows=sheet.rows, copies=sheet.copies)
    return _Source(
        label, path.name, sheet.name, named, grid, problem=sheet.refused, state=sheet.state
    )


def _workbook_sources(path: Path, stem_table: Table | None, issues: list[Issue]) -> list[_Source]:
    """Each sheet of a workbook as a source.

    A sheet named for a table is that table; in a workbook named for a table
    (``clients.xlsx``) with no such sheet, the visible sheet that looks like the
    table (else the first visible one with cells) is it.
    """
    book = read_workbook(path)
    if book.problem is not None:
        if stem_table:  # it is the table's source, so the table is not also 'missing'
            return [_Source(path.name, path.name, named=stem_table, problem=book.problem)]
        issues.append(_issue(WARNING, path.name, book.problem))
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
            sources[index] = _Source(
                path.name,
                path.name,
                chosen.sheet,
                stem_table,
                chosen.grid,
                chosen.problem,
                chosen.state,
            )
    return sources


def _folder_sources(folder: Path, issues: list[Issue]) -> tuple[list[_Source], list[str]]:
    """Every file of ``folder`` that may hold a table, and the names of the others."""
    sources: list[_Source] = []
    others: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue  # hidden files, and the lock file Excel keeps beside an open workbook
        suffix = path.suffix.lower()
        table = _table_named(path.stem)
        if suffix in TEXT_SUFFIXES:
            source = _text_source(path, table)
            if source is None:
                others.append(path.name)
            else:
                sources.append(source)
        elif suffix in WORKBOOK_SUFFIXES:
            sources.extend(_workbook_sources(path, table, issues))
        elif suffix in OTHER_SPREADSHEETS:
            message = Message("resave_spreadsheet", {"suffix": suffix})
            issues.append(_issue(ERROR if table else WARNING, path.name, message))
            if table:
                sources.append(_Source(path.name, path.name, named=table, problem=message))
        elif suffix != ".toml":
            others.append(path.name)
    return sources, others


# ------------------------------------------------------------------ recognition


def _is_blank(values: list[Any]) -> bool:
    return all(cell_text(value) == "" for value in values)


def _header_values(grid: _Grid, number: int, values: list[Any]) -> list[Any]:
    """A header row's cells, without the copies of a merged header cell."""
    return [None if (number, i) in grid.copies else v for i, v in enumerate(values)]


def _header_at(table: Table, grid: _Grid) -> int | None:
    """The index among the non-blank rows of the first with two of the table's headers."""
    by_key = _BY_KEY[table.name]
    filled = [(n, v) for n, v in grid.rows if not _is_blank(v)][:HEADER_SEARCH_ROWS]
    for at, (number, values) in enumerate(filled):
        names = {
            by_key[k].name
            for v in _header_values(grid, number, values)
            if (k := header_key(cell_text(v))) in by_key
        }
        if len(names) >= 2:
            return at
    return None


def _signature_found(table: Table, grid: _Grid) -> list[str] | None:
    """The headers by which ``grid`` is recognised as ``table`` (None: it is not)."""
    at = _header_at(table, grid)
    if at is None:
        return None
    number, values = [(n, v) for n, v in grid.rows if not _is_blank(v)][at]
    by_key = _BY_KEY[table.name]
    spelled: dict[str, str] = {}
    for value in _header_values(grid, number, values):
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


def _recognise(source: _Source) -> Table | None:
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


def _choose(
    sources: list[_Source], where: str, others: list[str]
) -> tuple[dict[str, _Source], dict[str, list[Issue]], list[Issue]]:
    """The source of each table.

    Returns the chosen sources, the errors of each table (none found, two found,
    only a hidden one), and the infos and warnings that say what was read.
    """
    chosen: dict[str, _Source] = {}
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
            found.append(_issue(ERROR, where, message))
        elif named:
            chosen[table.name] = named[0]
        elif len(by_columns) > 1:
            names = and_list([source.label for source in by_columns])
            message = Message(
                "table_ambiguous",
                {"table": word, "sources": names, "name": table.name, "alias": table.aliases[0]},
            )
            found.append(_issue(ERROR, where, message))
        elif by_columns:
            chosen[table.name] = by_columns[0]
        elif hidden:
            source = hidden[0]
            code = "table_only_very_hidden" if source.state == "veryHidden" else "table_only_hidden"
            message = Message(code, {"table": word, "sheet": source.sheet or ""})
            found.append(_issue(ERROR, source.file, message))
        else:
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
                found.append(_issue(ERROR, where, Message("table_missing_unused", params)))
            else:
                found.append(_issue(ERROR, where, Message("table_missing", params)))
    return chosen, errors, _what_was_read(sources, chosen, kinds)


def _unused(sources: list[_Source], kinds: Mapping[int, Table | None]) -> list[str]:
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
    sources: list[_Source],
    chosen: Mapping[str, _Source],
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
            said.append(_issue(INFO, source.label, message))
        elif source.sheet is not None:
            message = Message("read_sheet_as", {"table": word, "sheet": source.sheet})
            said.append(_issue(INFO, source.label, message))
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
                said.append(_issue(WARNING, source.file, message))
        elif source.problem is not None and source.sheet is not None:
            message = Message("sheet_not_read", {"sheet": source.sheet, "why": source.problem})
            said.append(_issue(WARNING, source.file, message))
        elif kind is not None:
            if used is not None:  # (else an error names it: two sources for the table)
                message = Message(
                    "also_looks_like", {"table": table_word(kind.name), "used": used.label}
                )
                said.append(_issue(INFO, source.label, message))
        elif source.sheet is not None and source.grid and source.grid.rows:
            books.setdefault(source.file, []).append(source.sheet)
    for file, names in hidden.items():
        message = Message("hidden_sheets_not_read", {"sheets": _sheet_list(names), "n": len(names)})
        said.append(_issue(INFO, file, message))
    for file, names in books.items():
        message = Message("sheets_not_read", {"sheets": _sheet_list(names), "n": len(names)})
        said.append(_issue(INFO, file, message))
    return said


# ------------------------------------------------------------------ entry points


def tables_from_dir(data_dir: Path) -> TablesRead:
    """Read the stations, workers and clients tables of ``data_dir``.

    A table is ``stations.csv`` (also ``.tsv``/``.txt``), ``stations.xlsx``, or a
    sheet named ``stations`` in any workbook; the aliases of
    :mod:`mealroute.columns` (``站点``, ...) work for file and sheet names too. A
    table no file or sheet is named for is looked for by its columns.

    Parameters
    ----------
    data_dir
        The directory; other files in it (``mealroute.toml``, notes) are left alone.

    Returns
    -------
    TablesRead
        Never raises for file problems: a missing table, an unreadable file, a
        missing required column or two sources for one table is an error
        :class:`Issue` with ``row=None`` and that table is left out; the other
        tables are still read.
    """
    issues: list[Issue] = []
    folder = Path(data_dir)
    if not folder.is_dir():
        issues.append(_issue(ERROR, str(data_dir), Message("data_dir_missing")))
        return TablesRead({}, tuple(issues))
    sources, others = _folder_sources(folder, issues)
    return _tables(sources, str(data_dir), others, issues)


def tables_from_workbook(path: Path) -> TablesRead:
    """Read the three tables from the sheets of one ``.xlsx`` workbook.

    Sheets are found by name or by their columns as in :func:`tables_from_dir`.
    """
    issues: list[Issue] = []
    sources = _workbook_sources(Path(path), None, issues)
    if issues:  # the workbook itself cannot be read: that is the whole story
        fatal = [Issue(ERROR, issue.file, None, None, None, issue.message) for issue in issues]
        return TablesRead({}, tuple(fatal))
    return _tables(sources, str(path), [], issues)


def _tables(
    sources: list[_Source], where: str, others: list[str], issues: list[Issue]
) -> TablesRead:
    chosen, errors, said = _choose(sources, where, others)
    issues.extend(said)
    tables: dict[str, RawTable] = {}
    for table in TABLES:
        issues.extend(errors[table.name])
        source = chosen.get(table.name)
        if source is None:
            continue
        if source.problem is not None:
            if source.sheet is not None:
                message = Message("table_not_read", {"why": source.problem})
            else:
                message = source.problem
            if source.problem.code != "resave_spreadsheet":  # said when the file was found
                issues.append(_issue(ERROR, source.label, message))
            continue
        assert source.grid is not None
        raw = _raw_table(table, source.label, source.grid, issues)
        if raw is not None:
            tables[table.name] = raw
    return TablesRead(tables, tuple(issues))


# ------------------------------------------------------------------ one table

_FOOTER_START = re.compile(
    r"^(合计|總計|总计|小计|共计|累计|总数|总人数|人数合计|制表|填表|填报|审核|审批|统计人|"
    r"负责人|经办人|签字|签名|盖章|total|subtotal|grandtotal|sum)",
    re.IGNORECASE,
)
_FOOTER_COUNT = re.compile(r"^共\d+[人户名位份]?$")
_COUNT = re.compile(r"^\d+(\.\d+)?[人户名位份个]$")


def _footer_word(text: str) -> str | None:
    """The word that makes a cell a total or a footer (合计, 制表人, 共60人), if any."""
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if _FOOTER_START.match(plain):
        # The label only ("制表人" of "制表人：李娜"): what follows may be a name.
        return re.split(r"[:：\d(（]", plain, maxsplit=1)[0][:8] or plain[:8]
    if _FOOTER_COUNT.match(plain):
        return plain
    return None


def _footer(values: list[Any], identifying: set[int]) -> str | None:
    """Why a data row is a total or a footer, not a record; None when it is a record.

    A footer has a total or signature word (合计, 总计, 小计, 共60人, 制表人, 填表日期)
    or holds only numbers, and nothing in the columns that say who a record is
    (name, address, phone, coordinates).
    """
    word: str | None = None
    for index, value in enumerate(values):
        text = cell_text(value)
        if not text:
            continue
        found = _footer_word(text)
        if found is not None:
            word = word or found
        elif index in identifying or (
            number_of(value) is None and not _COUNT.match(unicodedata.normalize("NFKC", text))
        ):
            return None
    return word or ""


def _rows_text(numbers: list[int]) -> str:
    """``[4, 5, 6, 9]`` -> ``"4–6, 9"``."""
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)


def _raw_table(table: Table, label: str, grid: _Grid, issues: list[Issue]) -> RawTable | None:
    """Find the header, match it to the table's columns, and collect the rows."""

    def say(severity: Severity, code: str, **params: Any) -> None:
        issues.append(_issue(severity, label, Message(code, params)))

    records = [(number, values) for number, values in grid.rows if not _is_blank(values)]
    if not records:
        say(ERROR, "table_empty", columns=list(table.required))
        return None
    by_key = _BY_KEY[table.name]
    header_at = _header_at(table, grid) or 0
    header_row, header_values = records[header_at]
    header_values = _header_values(grid, header_row, header_values)
    if header_at:
        above = [number for number, _ in records[:header_at]]
        say(INFO, "header_below_title", row=header_row, above=and_list(above), n=len(above))

    index_of: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    kept: list[tuple[int, str]] = []
    fatal: list[Message] = []
    for index, value in enumerate(header_values):
        text = cell_text(value)
        column = by_key.get(header_key(text)) if text else None
        if column is None:
            if header_key(text) in _KEPT:
                kept.append((index, text))
            elif text:
                unknown.append(text)
        elif column.name in headers:
            first = headers[column.name]
            code = "column_twice_required" if column.required else "column_twice"
            message = Message(
                code,
                {"first": first, "second": text, "column": column_word(table.name, column.name)},
            )
            if column.required:
                fatal.append(message)
            else:
                issues.append(_issue(WARNING, label, message))
        else:
            index_of[column.name] = index
            headers[column.name] = text
    for column in table.columns:
        if column.name in headers or not column.fallbacks:
            continue
        fallbacks = {header_key(name) for name in column.fallbacks}
        for index, text in kept:
            if header_key(text) in fallbacks:
                index_of[column.name] = index
                headers[column.name] = text
                kept.remove((index, text))
                say(
                    WARNING,
                    "ids_from_serial",
                    header=text,
                    column=column_word(table.name, column.name),
                    name=column.name,
                )
                break
    if unknown:
        say(WARNING, "columns_unknown", columns=quoted_list(unknown, limit=LISTED), n=len(unknown))
    if kept:
        names = [text for _, text in kept]
        say(INFO, "columns_for_people", columns=quoted_list(names, limit=LISTED), n=len(names))
    header_cells = tuple(text for value in header_values if (text := cell_text(value)))
    fatal.extend(
        Message(
            "column_missing",
            {
                "column": column.name,
                "aliases": list(column.aliases),
                "row": header_row,
                "found": list(header_cells),
            },
        )
        for column in table.columns
        if column.required and not column.inferable and column.name not in headers
    )
    for message in fatal:
        issues.append(_issue(ERROR, label, message))
    if fatal:
        return None

    width = len(header_values)
    data = records[header_at + 1 :]
    # Rows longer than the header are fine when all rows are (trailing delimiters);
    # one row longer than the others had a delimiter inside a value: its cells shifted.
    usual = Counter(len(values) for _, values in data).most_common(1)[0][0] if data else width
    used = set(index_of.values())
    header_of = {
        index: text for index, value in enumerate(header_values) if (text := cell_text(value))
    }
    identifying = {index_of[name] for name in table.identifying if name in index_of}
    unnamed: set[int] = set()
    footers: list[tuple[int, str]] = []
    rows = []
    for number, values in data:
        footer = _footer(values, identifying)
        if footer is not None:
            footers.append((number, footer))
            continue
        problems: list[CellProblem] = []
        stray = grid.strays.get(number)
        if stray is not None:
            params = {
                "end": stray.end_row,
                "first": stray.lines[0],
                "last": stray.lines[1],
            }
            where = header_of.get(stray.index, column_letter(stray.index))
            problems.append(CellProblem(where, Message("stray_quote", params)))
        named: dict[str, Any] = {}
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                where = header_of.get(index, column_letter(index))
                message = Message("cell_too_long", {"length": len(value), "limit": MAX_CELL_CHARS})
                problems.append(CellProblem(where, message))
        for name, index in index_of.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                value = value[:MAX_CELL_CHARS]
            named[name] = value
        longer = grid.text and len(values) > width
        shifted = longer and (len(values) > usual or not _is_blank(values[width:]))
        extra = len(values) - width if shifted else 0
        for index, value in enumerate(values[:width] if grid.text else values):
            if index in used or cell_text(value) == "":
                continue
            if (header_row, index) in grid.copies or (number, index) in grid.copies:
                continue  # a merged cell's copy under a merged header
            if index >= width or not cell_text(header_values[index]):
                unnamed.add(index)
        rows.append(RawRow(number, named, extra, tuple(problems)))
    if unnamed:
        letters = and_list([column_letter(index) for index in sorted(unnamed)])
        say(WARNING, "values_without_header", columns=letters, n=len(unnamed))
    for number, word in footers:
        if word:
            issues.append(
                _issue(WARNING, label, Message("footer_skipped", {"word": word}), row=number)
            )
    numbers_only = [number for number, word in footers if not word]
    if numbers_only:
        say(
            WARNING,
            "numbers_only_skipped",
            rows=_rows_text(numbers_only),
            n=len(numbers_only),
            table=table_word(table.name),
        )
    multiline = [number for number in grid.multiline if number > header_row]
    if multiline:
        say(INFO, "rows_span_lines", rows=and_list(multiline), n=len(multiline))
    if not rows:
        say(ERROR, "no_rows", row=header_row)
        return None
    return RawTable(table, label, headers, tuple(rows), header_row, header_cells)
