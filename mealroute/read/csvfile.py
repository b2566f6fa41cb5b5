"""Reading a delimited text table (CSV, TSV, TXT) into rows, however it was saved.

Text is UTF-8 with or without a BOM, else GB18030 (what Chinese Excel writes), or
UTF-16 with its BOM (Excel's "Unicode text"). The delimiter is sniffed and checked
against the known headers.

A cell may hold line breaks inside quotes (Excel writes them for Alt+Enter in a
notes cell), so one row can span several lines of the file. A stray quote at the
start of a cell looks the same to a CSV reader: it swallows every line up to the
next quote into one value, and the clients on those lines disappear (or, closing
at another cell's quote on the same line, it runs cells together). So the rows are
read in one pass that checks each row against the usual number of cells: a row
that swallowed rows, is short of cells, or has a quote that closes and goes on
(which Excel never writes) has its stray quote taken out, and the reading goes on
from there. The stray quote is reported (:class:`StrayQuote`); no row is lost and
the rows after it keep their own cells, multi-line ones included.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Message
from .columns import TABLES
from .words import header_key

DELIMITERS = ",\t;"
QUOTE = '"'
SNIFF_LINES = 50
HEADER_LINES = 10  # a title row or two may sit above the header

Record = tuple[int, list[Any]]  # (row as the spreadsheet numbers it, cell values)


@dataclass(frozen=True)
class StrayQuote:
    """A quote that opened a cell and ran on over other cells or lines; it was taken out."""

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


def _openers(line: str, delimiter: str) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """The quotes that open a cell of ``line``, and the one the line leaves open.

    Returns each opening quote as (position in the line, cell index), and the one
    still open at the end of the line (None when every quoted cell is closed). A
    quote opens a cell only as its first character, as the csv module reads it.
    """
    in_quotes = False
    at_start = True
    index = 0
    openers: list[tuple[int, int]] = []
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
            openers.append((position, index))
        elif char not in "\r\n":
            at_start = False
        position += 1
    return openers, (openers[-1] if in_quotes else None)


def _malformed(text: str, delimiter: str) -> bool:
    """Whether a quoted cell of ``text`` closes and then goes on (``"1号,"敲门``).

    Excel never writes that: it is a stray quote closing at another cell's quote.
    Spaces after a closing quote are tolerated.
    """
    in_quotes = False
    at_start = True
    closed = False
    position = 0
    while position < len(text):
        char = text[position]
        if in_quotes:
            if char == QUOTE:
                if text.startswith(QUOTE, position + 1):
                    position += 1
                else:
                    in_quotes, closed = False, True
        elif char in (delimiter, "\r", "\n"):
            at_start, closed = True, False
        elif closed and not char.isspace():
            return True
        elif char == QUOTE and at_start:
            in_quotes, at_start = True, False
        elif not char.isspace():
            at_start = False
        position += 1
    return False


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


def _usual_width(lines: list[str], delimiter: str) -> int:
    """How many cells a row has: the most common count among lines without quotes.

    Lines with quotes are left out: a stray quote changes their count.
    """
    plain = [line for line in lines if QUOTE not in line and not _is_blank_line(line, delimiter)]
    sample = plain or [line for line in lines if not _is_blank_line(line, delimiter)]
    widths = Counter(len(next(csv.reader([line], delimiter=delimiter), [])) for line in sample)
    return widths.most_common(1)[0][0] if widths else 0


class _Reading:
    """One pass over the lines of a file, repairing stray quotes as they are met."""

    def __init__(self, lines: list[str], delimiter: str) -> None:
        self.lines = lines
        self.delimiter = delimiter
        self.usual = _usual_width(lines, delimiter)
        self.records: list[tuple[int, int, list[str]]] = []  # first line, end line, cells
        self.strays: list[tuple[int, int, int]] = []  # line, cell, end line it ran to

    def _record_at(self, first: int, line: str) -> tuple[list[str], int]:
        """The record that starts at line ``first`` if that line were ``line``."""
        following = (self.lines[i] for i in range(first + 1, len(self.lines)))
        reader = csv.reader(itertools.chain([line], following), delimiter=self.delimiter)
        return next(reader, []), reader.line_num

    def _text(self, first: int, end: int, line: str | None = None) -> str:
        head = self.lines[first] if line is None else line
        return head + "".join(self.lines[first + 1 : end])

    def _fits(self, values: list[str], first: int, span: int, line: str) -> bool:
        if _malformed(self._text(first, first + span, line), self.delimiter):
            return False
        if span == 1:
            return len(values) == self.usual
        return not _swallowed(values, self.usual, self.delimiter)

    def _suspicious(self, values: list[str], first: int, end: int) -> bool:
        if QUOTE not in self.lines[first] or not self.usual:
            return False
        if end - first > 1 and _swallowed(values, self.usual, self.delimiter):
            return True
        if end - first == 1 and len(values) < self.usual:
            return True  # cells ran together on the line
        return _malformed(self._text(first, end), self.delimiter)

    def _repair(self, first: int, end: int) -> bool:
        """Drop the stray quote of line ``first``; whether one was found.

        The quote whose removal lets the row read as a row is the stray one; the quote
        the line leaves open is tried first. A row that spans lines loses that quote
        even when nothing fits better, so the lines it swallowed come back.
        """
        line = self.lines[first]
        openers, still_open = _openers(line, self.delimiter)
        order = ([still_open] if still_open else []) + [o for o in openers if o != still_open]
        for position, cell in order:
            trial = line[:position] + line[position + 1 :]
            values, span = self._record_at(first, trial)
            if self._fits(values, first, span, trial):
                self.lines[first] = trial
                self.strays.append((first, cell, end))
                return True
        if (end - first > 1 or _malformed(self._text(first, end), self.delimiter)) and order:
            position, cell = order[0]
            self.lines[first] = line[:position] + line[position + 1 :]
            self.strays.append((first, cell, end))
            return True
        return False

    def read(self) -> None:
        start = 0
        while start < len(self.lines):
            following = (self.lines[i] for i in range(start, len(self.lines)))
            reader = csv.reader(following, delimiter=self.delimiter)
            done = 0
            restart = None
            for values in reader:
                first, end = start + done, start + reader.line_num
                done = reader.line_num
                if self._suspicious(values, first, end) and self._repair(first, end):
                    restart = first
                    break
                self.records.append((first, end, values))
            if restart is None:
                break
            start = restart


def read_rows(text: str, delimiter: str) -> TextTable:
    """Split ``text`` into rows of cells, repairing stray quotes so no row is lost.

    Rows are numbered as a spreadsheet numbers them (a row with a line break inside
    a cell is one row). A quote that opens a cell and runs on over the following
    cells or lines, where the row would otherwise have the usual number of cells, is
    taken out and reported as a :class:`StrayQuote`. Never raises for the content.
    """
    lines = _LINE.findall(text)
    with _field_limit(len(text) + 1):
        reading = _Reading(lines, delimiter)
        reading.read()
    firsts = [first for first, _, _ in reading.records]
    row_of_line = {first: row for row, first in enumerate(firsts, 1)}

    def row_holding(line: int) -> int:
        return max(1, bisect.bisect_right(firsts, line))

    strays = tuple(
        StrayQuote(
            row=row_of_line[line],
            index=cell,
            end_row=row_holding(end - 1),
            lines=(line + 1, end),
        )
        for line, cell, end in reading.strays
        if line in row_of_line
    )
    return TextTable(
        rows=tuple((row, values) for row, (_, _, values) in enumerate(reading.records, 1)),
        strays=strays,
        multiline=tuple(
            row for row, (first, end, _) in enumerate(reading.records, 1) if end - first > 1
        ),
    )
