"""Reading a delimited text table (CSV, TSV, TXT) into rows, however it was saved.

Text is UTF-8 with or without a BOM, else GB18030 (what Chinese Excel writes), or
UTF-16 with its BOM (Excel's "Unicode text"). The delimiter is sniffed and checked
against the known headers.

A cell may hold line breaks inside quotes (Excel writes them for Alt+Enter in a
notes cell), so one row can span several lines of the file. A stray quote at the
start of a cell looks the same to a CSV reader: it swallows every line up to the
next quote into one value, and the clients on those lines disappear. A quoted
value that spans lines *and* takes in what look like whole rows is therefore read
again line by line, and the line with the stray quote is reported
(:class:`StrayQuote`), so no row is lost.
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .columns import TABLES
from .model import Message
from .words import header_key

DELIMITERS = ",\t;"
QUOTE = '"'
SNIFF_LINES = 50
HEADER_LINES = 10  # a title row or two may sit above the header

Record = tuple[int, list[Any]]  # (row as the spreadsheet numbers it, cell values)


@dataclass(frozen=True)
class StrayQuote:
    """A quote that opens a cell and is not closed on its line."""

    row: int  # the row of the cell, as the spreadsheet numbers it
    index: int  # the cell's column, 0 = A
    end_row: int  # the row up to which the quoted value ran
    lines: tuple[int, int]  # the lines of the file it ran over, first and last


@dataclass(frozen=True)
class TextTable:
    """The rows of a text file and what was found while splitting it into rows."""

    rows: tuple[Record, ...]  # every row, blank ones too
    strays: tuple[StrayQuote, ...]
    multiline: tuple[int, ...]  # rows with a line break inside a quoted cell
    lines: int  # lines of the file that are not blank


# ---------------------------------------------------------------------- decoding


def decode(data: bytes) -> str | Message:
    """UTF-8 (BOM stripped), else GB18030; UTF-16 only with its BOM ('Unicode text').

    Returns the text, or the message saying why it cannot be decoded.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-16")
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8-sig")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return Message("not_text", {"byte": f"0x{data[error.start]:02x}", "line": line})


# --------------------------------------------------------------------- delimiter

_KNOWN_HEADERS = frozenset(
    header_key(name)
    for table in TABLES
    for column in table.columns
    for name in (column.name, *column.aliases)
)


def delimiter_of(text: str) -> str:
    """The delimiter :class:`csv.Sniffer` finds, unless another one matches more headers."""
    lines = [line for line in text.splitlines()[: SNIFF_LINES * 4] if line.strip()][:SNIFF_LINES]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","

    def headers_known(delimiter: str) -> int:
        rows = csv.reader(lines[:HEADER_LINES], delimiter=delimiter)
        try:
            with _field_limit(len(text) + 1):
                counts = [sum(header_key(cell) in _KNOWN_HEADERS for cell in row) for row in rows]
        except csv.Error:
            return 0
        return max(counts, default=0)

    # max() keeps the first of equals, so the sniffed delimiter wins ties.
    return max([sniffed, *DELIMITERS.replace(sniffed, "")], key=headers_known)


# ------------------------------------------------------------------------- rows

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z")


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """Let the csv module read a field of up to ``limit`` characters.

    Its default (128 KiB) rejects a whole file for one long cell; over-long cells
    are reported per row instead (see :data:`mealroute.limits.MAX_CELL_CHARS`).
    """
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, limit))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _open_quote(line: str, delimiter: str) -> tuple[int, int] | None:
    """Where a quote opens a cell of ``line`` that the line does not close.

    Returns the quote's position in the line and the cell's index, or None when
    every quoted cell of the line is closed.
    """
    in_quotes = False
    at_start = True
    index = 0
    opened = (0, 0)
    position = 0
    while position < len(line):
        char = line[position]
        if in_quotes:
            if char == QUOTE:
                if line.startswith(QUOTE, position + 1):
                    position += 1  # "" is a quote inside the value
                else:
                    in_quotes = False
        elif char == delimiter:
            at_start = True
            index += 1
        elif char == QUOTE and at_start:
            in_quotes, at_start = True, False
            opened = (position, index)
        elif char not in "\r\n":
            at_start = False
        position += 1
    return opened if in_quotes else None


def _line_alone(line: str, delimiter: str) -> tuple[list[str], int | None]:
    """The cells of one line read on its own, and the cell whose stray quote was dropped.

    A quote that opens a cell and is not closed on the line is taken as a stray
    character and left out, so the line's other cells fall into their columns.
    """
    stray: int | None = None
    for _ in range(line.count(QUOTE)):
        found = _open_quote(line, delimiter)
        if found is None:
            break
        position, index = found
        stray = index if stray is None else stray
        line = line[:position] + line[position + 1 :]
    return next(csv.reader([line], delimiter=delimiter), []), stray


def _swallowed(values: list[str], usual: int, delimiter: str) -> bool:
    """Whether a row spanning several lines is a stray quote's work.

    A genuine multi-line cell (an address or notes typed with Alt+Enter) leaves the
    row with the usual number of cells, and the lines inside the cell do not look
    like rows; a stray quote takes whole rows, delimiters and all, into one cell.
    """
    if len(values) != usual:
        return True
    if usual < 3:
        return False
    looks_like_a_row = max(3, (usual + 1) // 2)
    return any(
        line.count(delimiter) + 1 >= looks_like_a_row
        for value in values
        if "\n" in value or "\r" in value
        for line in value.splitlines()
    )


def _is_blank_line(line: str, delimiter: str) -> bool:
    return not line.strip().replace(delimiter, "").replace(QUOTE, "").strip()


def read_rows(text: str, delimiter: str) -> TextTable:
    """Split ``text`` into rows of cells, recovering the rows a stray quote swallowed.

    Rows are numbered as a spreadsheet numbers them (a row with a line break inside
    a cell is one row). Never raises for the content of the text.
    """
    lines = _LINE.findall(text)
    spans: list[tuple[int, int, list[str]]] = []  # first line, end line (exclusive), cells
    with _field_limit(len(text) + 1):
        reader = csv.reader(iter(lines), delimiter=delimiter)
        previous = 0
        for values in reader:
            spans.append((previous, reader.line_num, values))
            previous = reader.line_num
    widths = Counter(len(v) for first, end, v in spans if end - first == 1 and any(v))
    usual = widths.most_common(1)[0][0] if widths else 0

    rows: list[list[str]] = []
    strays: list[tuple[int, int, int, int]] = []  # row index, cell, first and end line
    multiline: list[int] = []
    for first, end, values in spans:
        if end - first == 1:
            rows.append(values)
        elif not _swallowed(values, usual, delimiter):
            multiline.append(len(rows))
            rows.append(values)
        else:
            for number in range(first, end):
                cells, stray = _line_alone(lines[number], delimiter)
                if stray is not None:
                    strays.append((len(rows), stray, number, end))
                rows.append(cells)
    # Each line of a swallowed span became a row, so the span's last line is the
    # row as many rows on as it is lines on.
    found = tuple(
        StrayQuote(row=at + 1, index=cell, end_row=at + end - line, lines=(line + 1, end))
        for at, cell, line, end in strays
    )
    return TextTable(
        rows=tuple((number, values) for number, values in enumerate(rows, 1)),
        strays=found,
        multiline=tuple(index + 1 for index in multiline),
        lines=sum(not _is_blank_line(line, delimiter) for line in lines),
    )
