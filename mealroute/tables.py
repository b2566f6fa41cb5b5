"""Reading the three input tables out of a data directory, and the words in their cells.

This is the file side of ``load``: it finds where each table lives (CSV files,
per-table workbooks, sheets of one workbook), decodes text (UTF-8 with or without
a BOM, else GB18030, which Chinese Excel writes), sniffs the delimiter, finds the
header row and maps its headers to the column names of :mod:`mealroute.columns`.
It hands back raw cell values by row; ``load`` turns them into the domain.

Problems are returned as :class:`~mealroute.model.Issue` values, never raised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .columns import DAY_SETS, DIETS, SKILLS, TABLES, WEEKDAY_WORDS, Column, Table
from .model import WEEKDAYS, Issue

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheet formats openpyxl cannot read; named so the user is told to re-save.
OTHER_SPREADSHEETS = (".xls", ".et", ".ods", ".numbers")
DELIMITERS = ",\t;"
HEADER_SEARCH_ROWS = 10  # a title row or two may sit above the header

Record = tuple[int, list[Any]]  # (row as the spreadsheet numbers it, cell values)


# ------------------------------------------------------------------------ words


def key(text: str) -> str:
    """The form in which names and value words are compared.

    NFKC (full-width to half-width), case-folded, without spaces, ``_`` or ``-``:
    ``"Semi_Disabled"``, ``"semi-disabled"`` and ``"ｓｅｍｉ disabled"`` all give
    ``"semidisabled"``.
    """
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).casefold())


_BRACKETED = re.compile(r"[(\[{【〔<《].*?[)\]}】〕>》]")


def header_key(text: str) -> str:
    """:func:`key` of a header, also without a BOM, ``*`` marks and a bracketed unit."""
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    text = _BRACKETED.sub("", text).replace("*", "").strip().rstrip(":")
    return key(text)


def cell_text(value: object) -> str:
    """A cell as text: ``None`` -> ``""``, Excel's ``1.0`` -> ``"1"``, strings stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value).strip()


def keyed(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """``mapping`` with its keys in :func:`key` form, for case-insensitive look-ups."""
    return {key(word): value for word, value in mapping.items()}


def count(number: int, noun: str) -> str:
    """``"1 client"``, ``"3 clients"``: a number and an English noun for messages."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def choices(mapping: Mapping[str, Any]) -> str:
    """``"walk (步行), bike (自行车) or car (汽车)"``: each value and its first Chinese word."""
    first: dict[str, str] = {}
    for word, value in mapping.items():
        name = str(value)
        first.setdefault(name, "")
        if not first[name] and not word.isascii():
            first[name] = word
    parts = [f"{name} ({word})" if word else name for name, word in first.items()]
    return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else parts[0]


_LIST_SEPARATORS = re.compile(r"[;,、/]+")  # after NFKC: ； , ， ／ are these


def split_words(value: object) -> list[str]:
    """The words of a list cell such as ``"低盐；糖尿病"`` or ``"female, wheelchair"``."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    return [word.strip() for word in _LIST_SEPARATORS.split(text) if word.strip()]


_DIETS = keyed(DIETS)
_SKILLS = keyed(SKILLS)


def parse_diet(value: object) -> tuple[str, tuple[str, ...]]:
    """A diet cell as its words in canonical form, sorted and joined by ``;``.

    ``"低盐；糖尿病"`` -> ``("diabetic;low-salt", ())``; empty -> ``"regular"``. Words not
    in :data:`mealroute.columns.DIETS` are kept lower-cased and also returned apart, so
    the caller can warn about them.
    """
    words: set[str] = set()
    unknown: list[str] = []
    for word in split_words(value):
        known = _DIETS.get(key(word))
        if known is None:
            known = word.lower()
            unknown.append(known)
        words.add(known)
    return ";".join(sorted(words)) or "regular", tuple(unknown)


def parse_skills(value: object) -> frozenset[str]:
    """Skill words in canonical form (``轮椅`` -> ``wheelchair``); others kept lower-cased."""
    return frozenset(_SKILLS.get(key(word), word.lower()) for word in split_words(value))


# ------------------------------------------------------------------------- days

_DAY_SETS = keyed(DAY_SETS)
_WEEKDAYS = keyed(WEEKDAY_WORDS)
_BARE_CHINESE_DAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}
_RANGE_MARKS = "至到~〜–—-"
_RANGE = re.compile(rf"^(.+?)[{_RANGE_MARKS}](.+)$")
_DAY_TOKEN_SEPARATORS = re.compile(r"[\s;,、/]+")
DAYS_EXPECTED = (
    "expected daily, weekdays, weekends, a list such as mon,wed,fri or 周一、周三、周五, "
    "or a range such as mon-fri or 周一至周五"
)


def _weekday(word: str) -> int:
    word = word.strip()
    found = _WEEKDAYS.get(key(word))
    if found is None:
        found = _BARE_CHINESE_DAYS.get(word)  # the 三 and 五 of 周一、三、五
    if found is None and word in {"1", "2", "3", "4", "5", "6", "7"}:
        found = int(word) - 1  # ISO: 1 = Monday
    if found is None:
        raise ValueError(f"unknown day {word!r}")
    return found


def parse_days(value: object) -> frozenset[int]:
    """The weekdays (0 = Monday) of a ``days`` cell.

    Accepts empty (every day), ``daily``/``每天``, ``weekdays``/``工作日``,
    ``weekends``/``周末``, lists (``mon,wed,fri``, ``周一、周三、周五``, ``周一、三、五``,
    ``1,3,5`` with 1 = Monday) and ranges (``mon-fri``, ``周一至周五``; ``fri-mon``
    wraps over the weekend), or a mix of these.

    Raises
    ------
    ValueError
        Naming the word that is not a day.
    """
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    whole = _DAY_SETS.get(key(text))
    if whole is not None:
        return whole
    text = re.sub(rf"\s*([{_RANGE_MARKS}])\s*", r"\1", text)
    days: set[int] = set()
    for token in _DAY_TOKEN_SEPARATORS.split(text):
        if not token:
            continue
        named = _DAY_SETS.get(key(token))
        if named is not None:
            days |= named
            continue
        match = _RANGE.match(token)
        if match:
            first, last = _weekday(match[1]), _weekday(match[2])
            days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
        else:
            days.add(_weekday(token))
    return frozenset(days)


def format_days(days: Iterable[int]) -> str:
    """The inverse of :func:`parse_days`: ``daily``, ``weekdays``, ``weekends`` or ``mon,wed``."""
    chosen = frozenset(days)
    for word in ("daily", "weekdays", "weekends"):
        if DAY_SETS[word] == chosen:
            return word
    return ",".join(WEEKDAYS[day] for day in sorted(chosen))


# ----------------------------------------------------------------------- tables


@dataclass(frozen=True)
class RawRow:
    """One non-blank data row: cell values by column name."""

    row: int  # as the spreadsheet numbers it: the header of a plain file is row 1
    values: Mapping[str, Any]
    extra: int = 0  # values past the end of the header (CSV only): a stray delimiter


@dataclass(frozen=True)
class RawTable:
    """A table as read from one source, with its headers matched to column names."""

    table: Table
    label: str  # "clients.csv" or "data.xlsx[客户]"
    headers: Mapping[str, str]  # column name -> header text as in the file
    rows: tuple[RawRow, ...]

    def header(self, column: str) -> str:
        """The header as the file spells it (the column name when it is absent)."""
        return self.headers.get(column, column)


@dataclass(frozen=True)
class TablesRead:
    """What :func:`tables_from_dir` found: usable tables and every problem on the way."""

    tables: Mapping[str, RawTable]  # only tables with a header and at least one row
    issues: tuple[Issue, ...]


@dataclass(frozen=True)
class _Source:
    path: Path
    label: str
    sheet: str | None = None  # None: a text file
    broken: bool = False  # a workbook that could not be opened (already reported)


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


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def tables_from_dir(data_dir: Path) -> TablesRead:
    """Read the stations, workers and clients tables of ``data_dir``.

    A table is ``stations.csv`` (also ``.tsv``/``.txt``), ``stations.xlsx``, or a
    sheet named ``stations`` in any workbook; the aliases of
    :mod:`mealroute.columns` (``站点``, ...) work for file and sheet names too.

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
    where = str(data_dir)
    if not Path(data_dir).is_dir():
        issues.append(Issue("error", where, None, None, None, "data directory not found"))
        return TablesRead({}, tuple(issues))
    sources: dict[str, list[_Source]] = {table.name: [] for table in TABLES}
    unused: list[str] = []
    workbooks: dict[Path, Any] = {}
    for path in sorted(Path(data_dir).iterdir(), key=lambda p: p.name):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        suffix = path.suffix.lower()
        table = _table_named(path.stem)
        if suffix in TEXT_SUFFIXES and table:
            sources[table.name].append(_Source(path, path.name))
        elif suffix in WORKBOOK_SUFFIXES:
            _workbook_sources(
                path, table, sources=sources, workbooks=workbooks, issues=issues, unused=unused
            )
        elif suffix in OTHER_SPREADSHEETS:
            message = (
                f"{suffix} files cannot be read; open it and save it as "
                "an Excel workbook (.xlsx) or as CSV"
            )
            severity = "error" if table else "warning"
            issues.append(Issue(severity, path.name, None, None, None, message))
            if table:
                sources[table.name].append(_Source(path, path.name, broken=True))
        elif suffix != ".toml":
            unused.append(path.name)
    tables: dict[str, RawTable] = {}
    for table in TABLES:
        found = sources[table.name]
        if not found:
            message = (
                f"no {table.name} table: expected {table.name}.csv or {table.name}.xlsx, "
                f"or a sheet named {table.name} in a workbook "
                f"(other accepted names: {', '.join(table.aliases)})"
            )
            if unused:
                message += f"; files not used: {', '.join(unused)}"
            issues.append(Issue("error", where, None, None, None, message))
        elif len(found) > 1:
            names = _and([source.label for source in found])
            message = f"two sources for the {table.name} table: {names}; keep only one"
            issues.append(Issue("error", where, None, None, None, message))
        elif not found[0].broken:
            records = _records(found[0], workbooks, issues)
            raw = None if records is None else _raw_table(table, found[0].label, records, issues)
            if raw is not None:
                tables[table.name] = raw
    return TablesRead(tables, tuple(issues))


def _workbook_sources(
    path: Path,
    stem_table: Table | None,
    *,
    sources: dict[str, list[_Source]],
    workbooks: dict[Path, Any],
    issues: list[Issue],
    unused: list[str],
) -> None:
    """Sheets named for a table are sources; else the first sheet of ``clients.xlsx``."""
    import openpyxl  # only needed when there is a workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation, ...).
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types on damaged files
        message = (
            f"cannot read the workbook ({error}); it is not an .xlsx file, "
            "or it is damaged or password-protected"
        )
        issues.append(
            Issue("error" if stem_table else "warning", path.name, None, None, None, message)
        )
        if stem_table:  # it is the table's source, so the table is not also 'missing'
            sources[stem_table.name].append(_Source(path, path.name, broken=True))
        return
    workbooks[path] = book
    matched = False
    for sheet in book.sheetnames:
        table = _table_named(sheet)
        if table:
            sources[table.name].append(_Source(path, f"{path.name}[{sheet}]", sheet))
            matched = True
    if not matched and stem_table:
        sources[stem_table.name].append(_Source(path, path.name, book.sheetnames[0]))
    elif not matched:
        unused.append(f"{path.name} (sheets: {', '.join(book.sheetnames)})")


def _records(
    source: _Source, workbooks: dict[Path, Any], issues: list[Issue]
) -> list[Record] | None:
    """Every row of the source, blank ones included, numbered as the spreadsheet does."""
    if source.sheet is not None:
        sheet = workbooks[source.path][source.sheet]
        rows = sheet.iter_rows(min_row=1, values_only=True)
        return [(number, list(values)) for number, values in enumerate(rows, 1)]
    try:
        data = source.path.read_bytes()
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        issues.append(Issue("error", source.label, None, None, None, message))
        return None
    text = _decode(data, source.label, issues)
    if text is None:
        return None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        return [(number, row) for number, row in enumerate(reader, 1)]
    except csv.Error as error:
        message = f"cannot read the file as CSV: {error}"
        issues.append(Issue("error", source.label, None, None, None, message))
        return None


def _decode(data: bytes, label: str, issues: list[Issue]) -> str | None:
    """UTF-8 (BOM stripped), else GB18030; UTF-16 only with its BOM ('Unicode text')."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = (
            "cannot decode the file: it is neither UTF-8 nor GBK/GB18030 text "
            f"(byte 0x{data[error.start]:02x} on line {line}); "
            "save it from Excel as 'CSV UTF-8 (comma delimited)'"
        )
        issues.append(Issue("error", label, None, None, None, message))
        return None


def _delimiter(text: str) -> str:
    """The delimiter :class:`csv.Sniffer` finds, unless another one matches more headers."""
    lines = [line for line in text.splitlines() if line.strip()][:50]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    known = {name for table in TABLES for name in _columns_by_key(table)}

    def headers_known(delimiter: str) -> int:
        rows = csv.reader(lines[:HEADER_SEARCH_ROWS], delimiter=delimiter)
        return max((sum(header_key(cell) in known for cell in row) for row in rows), default=0)

    # max() keeps the first of equals, so the sniffed delimiter wins ties.
    return max([sniffed, *DELIMITERS.replace(sniffed, "")], key=headers_known)


def _is_blank(values: list[Any]) -> bool:
    return all(cell_text(value) == "" for value in values)


def _raw_table(
    table: Table, label: str, records: list[Record], issues: list[Issue]
) -> RawTable | None:
    """Find the header, match it to the table's columns, and collect the rows."""
    fatal: list[str] = []

    def warn(message: str) -> None:
        issues.append(Issue("warning", label, None, None, None, message))

    records = [(number, values) for number, values in records if not _is_blank(values)]
    if not records:
        message = f"the table is empty; expected a header row with {', '.join(table.required)}"
        issues.append(Issue("error", label, None, None, None, message))
        return None
    by_key = _columns_by_key(table)

    def known(values: list[Any]) -> int:
        return len({by_key[k].name for v in values if (k := header_key(cell_text(v))) in by_key})

    header_at = next(
        (i for i, (_, values) in enumerate(records[:HEADER_SEARCH_ROWS]) if known(values) >= 2),
        0,
    )
    header_row, header_values = records[header_at]
    if header_at:
        above = [str(number) for number, _ in records[:header_at]]
        rows_word = "row" if len(above) == 1 else "rows"
        verb = "is" if len(above) == 1 else "are"
        warn(f"the header is row {header_row}; {rows_word} {_and(above)} above it {verb} not read")
    index_of: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for index, value in enumerate(header_values):
        text = cell_text(value)
        column = by_key.get(header_key(text)) if text else None
        if column is None:
            if text:
                unknown.append(repr(text))
        elif column.name in headers:
            first = headers[column.name]
            if column.required:
                fatal.append(
                    f"columns {first!r} and {text!r} both mean {column.name}; keep only one"
                )
            else:
                warn(
                    f"columns {first!r} and {text!r} both mean {column.name}; "
                    f"using {first!r} and ignoring {text!r}"
                )
        else:
            index_of[column.name] = index
            headers[column.name] = text
    if unknown:
        warn(f"unknown columns are ignored: {', '.join(unknown)}")
    found = ", ".join(text for value in header_values if (text := cell_text(value)))
    fatal.extend(
        f"missing required column {column.name} (also accepted: {', '.join(column.aliases)}); "
        f"the header in row {header_row} has: {found}"
        for column in table.columns
        if column.required and column.name not in headers
    )
    for message in fatal:
        issues.append(Issue("error", label, None, None, None, message))
    if fatal:
        return None

    width = len(header_values)
    is_text = not label.endswith("]") and Path(label).suffix.lower() in TEXT_SUFFIXES
    data = records[header_at + 1 :]
    # Rows longer than the header are fine when all rows are (trailing delimiters);
    # one row longer than the others had a delimiter inside a value: its cells shifted.
    usual = Counter(len(values) for _, values in data).most_common(1)[0][0] if data else width
    used = set(index_of.values())
    unnamed: set[int] = set()
    rows = []
    for number, values in data:
        named = {name: values[i] if i < len(values) else None for name, i in index_of.items()}
        longer = is_text and len(values) > width
        shifted = longer and (len(values) > usual or not _is_blank(values[width:]))
        extra = len(values) - width if shifted else 0
        for index, value in enumerate(values[:width] if is_text else values):
            if index in used or cell_text(value) == "":
                continue
            if index >= width or not cell_text(header_values[index]):
                unnamed.add(index)
        rows.append(RawRow(number, named, extra))
    if unnamed:
        letters = _and([_column_letter(index) for index in sorted(unnamed)])
        noun = "column" if len(unnamed) == 1 else "columns"
        warn(f"values in {noun} {letters} have no header and are ignored")
    if not rows:
        message = f"there are no rows below the header (row {header_row}); at least one is needed"
        issues.append(Issue("error", label, None, None, None, message))
        return None
    return RawTable(table, label, headers, tuple(rows))


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how spreadsheets name a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
