"""Reading the three input tables: headers, columns and rows.

Sources → tables: for each table :mod:`mealroute.sources` found, this module finds
the header row (a title or two may sit above it), maps its headers to the column
names of :mod:`mealroute.columns` (a 序号 column stands in for a missing id), skips
totals and footers (合计, 制表人, a row of only numbers), flags what the file
reading found wrong in a row (a stray quote, an over-long cell), and hands back
raw cell values by row. :mod:`mealroute.rows` and :mod:`mealroute.load` turn them
into the domain.

Problems are returned as :class:`~mealroute.model.Issue` values, never raised.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..coords import Datum, datum_hint
from ..messages.input import DATUM_NAME, and_list, column_word, quoted_list, table_word
from ..model import Issue, Message, Severity
from .columns import TABLES, Table
from .limits import MAX_CELL_CHARS
from .sources import (
    BY_KEY,
    KEPT,
    LISTED,
    TEXT_SUFFIXES,
    WORKBOOK_SUFFIXES,
    Grid,
    TableSource,
    choose,
    find_header,
    folder_sources,
    is_blank,
    issue,
    text_source,
    without_copies,
    workbook_sources,
)
from .words import cell_text, header_key, number_of
from .xlsx import column_letter

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
    # Where its coordinates were looked up (``geocoded/clients.csv``) when its own cells
    # are empty; those are WGS-84 (see mealroute.geocode.fill).
    geocoded: str = ""


@dataclass(frozen=True)
class RawTable:
    """A table as read from one source, with its headers matched to column names."""

    table: Table
    label: str  # "clients.csv" or "data.xlsx[客户]"
    headers: Mapping[str, str]  # column name -> header text as in the file
    rows: tuple[RawRow, ...]
    header_row: int = 1
    header_cells: tuple[str, ...] = ()  # every header of the file, in order
    # The datum of the coordinates: what a header names (datum_header), else what the
    # loader sets from the settings; None when neither has said (read as WGS-84).
    datum: Datum | None = None
    datum_header: str | None = None

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
        issues.append(issue(ERROR, str(data_dir), Message("data_dir_missing")))
        return TablesRead({}, tuple(issues))
    sources, others = folder_sources(folder, issues)
    return _tables(sources, str(data_dir), others, issues)


def tables_from_workbook(path: Path) -> TablesRead:
    """Read the three tables from the sheets of one ``.xlsx`` workbook.

    Sheets are found by name or by their columns as in :func:`tables_from_dir`.
    """
    issues: list[Issue] = []
    sources = workbook_sources(Path(path), None, issues)
    if issues:  # the workbook itself cannot be read: that is the whole story
        fatal = [Issue(ERROR, issue.file, None, None, None, issue.message) for issue in issues]
        return TablesRead({}, tuple(fatal))
    return _tables(sources, str(path), [], issues)


def table_from_file(path: Path, table: Table) -> tuple[RawTable | None, list[Issue]]:
    """One table from one file of any name (``--changes 12月请假.xlsx``).

    A text file is the table; in a workbook, the sheet named for the table, else the
    visible sheet whose columns say it is the table, else the first with cells. A
    file that cannot be read gives ``None`` and an error issue saying why.
    """
    issues: list[Issue] = []
    path = Path(path)
    suffix = path.suffix.lower()
    source: TableSource | None = None
    if not path.is_file():
        issues.append(issue(ERROR, str(path), Message("no_such_data")))
    elif suffix in TEXT_SUFFIXES:
        source = text_source(path, table)
    elif suffix in WORKBOOK_SUFFIXES and not path.name.startswith("~$"):
        sources = workbook_sources(path, table, issues)
        source = next((s for s in sources if s.named is table), None)
        if source is None and not issues:
            issues.append(issue(ERROR, path.name, Message("table_empty", {"columns": []})))
    else:
        word = table_word(table.name)
        issues.append(issue(ERROR, str(path), Message("not_a_table_file", {"table": word})))
    if source is None:
        return None, [replace(i, severity=ERROR, row=None) for i in issues]
    if source.problem is not None:
        issues.append(issue(ERROR, source.label, source.problem))
        return None, issues
    assert source.grid is not None
    return _raw_table(table, source.label, source.grid, issues), issues


def _tables(
    sources: list[TableSource], where: str, others: list[str], issues: list[Issue]
) -> TablesRead:
    chosen, errors, said = choose(sources, where, others)
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
                issues.append(issue(ERROR, source.label, message))
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
        elif _COUNT.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))):
            continue  # "4人", "60户": a count, never who a record is (合计 | 4人)
        elif index in identifying or number_of(value) is None:
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


def _raw_table(table: Table, label: str, grid: Grid, issues: list[Issue]) -> RawTable | None:
    """Find the header, match it to the table's columns, and collect the rows."""

    def say(severity: Severity, code: str, **params: Any) -> None:
        issues.append(issue(severity, label, Message(code, params)))

    records = [(number, values) for number, values in grid.rows if not is_blank(values)]
    if not records:
        say(ERROR, "table_empty", columns=list(table.required))
        return None
    by_key = BY_KEY[table.name]
    header_at = find_header(table, grid) or 0
    header_row, header_values = records[header_at]
    header_values = without_copies(grid, header_row, header_values)
    if header_at:
        above = [number for number, _ in records[:header_at]]
        say(INFO, "header_below_title", row=header_row, above=and_list(above), n=len(above))

    coordinates = [c for c in table.columns if c.name in ("lat", "lon")]
    index_of: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    kept: list[tuple[int, str]] = []
    fatal: list[Message] = []
    hinted: dict[str, Datum] = {}  # coordinate column -> the datum its header names
    for index, value in enumerate(header_values):
        text = cell_text(value)
        column = by_key.get(header_key(text)) if text else None
        datum, rest = datum_hint(text) if text else (None, text)
        if datum is not None and (hint := by_key.get(header_key(rest))) in coordinates:
            column = hint
            if column.name not in headers:
                hinted[column.name] = datum
        if column is None:
            if header_key(text) in KEPT:
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
                issues.append(issue(WARNING, label, message))
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
    for column in table.columns:
        if column.name in headers or column.same_as not in headers:
            continue
        source = column.same_as
        index_of[column.name] = index_of[source]
        headers[column.name] = headers[source]
        say(
            WARNING,
            "ids_from_names",
            header=headers[source],
            column=column_word(table.name, column.name),
            name=column.name,
        )
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
    datums = sorted(set(hinted.values()))
    if len(datums) > 1:
        params = {
            "headers": quoted_list([headers[c] for c in ("lat", "lon") if c in hinted]),
            "datums": and_list([DATUM_NAME[d] for d in datums]),
        }
        fatal.append(Message("datum_headers_differ", params))
    for message in fatal:
        issues.append(issue(ERROR, label, message))
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
            where = header_of.get(stray.index, column_letter(stray.index))
            if stray.lines[0] == stray.lines[1]:
                message = Message("stray_quote_in_row")
            else:
                params = {"end": stray.end_row, "first": stray.lines[0], "last": stray.lines[1]}
                message = Message("stray_quote", params)
            problems.append(CellProblem(where, message))
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
        shifted = longer and (len(values) > usual or not is_blank(values[width:]))
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
                issue(WARNING, label, Message("footer_skipped", {"word": word}), row=number)
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
    datum = datums[0] if datums else None
    return RawTable(
        table,
        label,
        headers,
        tuple(rows),
        header_row,
        header_cells,
        datum,
        next((headers[c] for c in ("lon", "lat") if c in hinted), None),
    )
