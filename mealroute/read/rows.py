"""Reading the cells of one row into typed values, collecting every problem.

Tables → rows: :class:`RowReader` takes a :class:`~mealroute.tables.RawRow` and
reads ids, names, coordinates, times, whole numbers, minutes, choices and days out
of its cells. It does not stop at the first problem: each is kept with the header
as the file spells it and the cell's value, so a coordinator fixes a row once.
:mod:`mealroute.load` builds the domain from what it reads.

Problems are :class:`~mealroute.model.Message` values; they quote ids and cell
values, never a person's name, address or phone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..clock import format_clock, parse_clock
from ..coords import Datum, to_wgs84
from ..messages.input import choices, column_word, coordinate_word
from ..model import Issue, Message, Severity, Source
from .tables import RawRow, RawTable
from .words import UnknownDayError, cell_text, key, number_of, parse_days

T = TypeVar("T")

_MINUTES_UNIT = re.compile(r"\s*(分钟|分|minutes?|mins?)\s*$", re.IGNORECASE)
_COUNT_UNIT = re.compile(r"\s*(份|个|人份)(/趟|每趟)?\s*$")
_CLOCK_SHAPE = re.compile(r"^\s*\d{1,2}\s*[:：点时時]")

Problem = tuple[str | None, str | None, Message]  # header, value, what is wrong


class RowReader:
    """Reads the cells of one row, collecting every problem instead of stopping at one."""

    def __init__(self, raw: RawTable, row: RawRow) -> None:
        self.raw = raw
        self.row = row
        self.source = Source(raw.label, row.row)
        self.problems: list[Problem] = [(p.column, None, p.message) for p in row.problems]
        self.quiet: list[Message] = []  # problems reported once for the table, not per row
        self.warnings: list[Problem] = []
        self.station = ""  # the station_id the row belongs to, once resolved
        if row.extra:
            self.problems.append((None, None, Message("row_too_long", {"n": row.extra})))

    # ------------------------------------------------------------ basics

    def text(self, column: str) -> str:
        """The cell as text (``""`` when empty or when the table has no such column)."""
        return cell_text(self.row.values.get(column))

    def value(self, column: str) -> Any:
        return self.row.values.get(column)

    def word(self, column: str) -> Message:
        """The column's name in words (zh 纬度, en lat)."""
        return column_word(self.raw.table.name, column)

    def fail(self, column: str | None, message: Message, *, value: str | None = None) -> None:
        """A problem of ``column`` (None: of the row) with the cell's value."""
        if column is None:
            self.problems.append((None, value, message))
            return
        shown = self.text(column) if value is None else value
        self.problems.append((self.raw.header(column), shown, message))

    def warn(self, column: str | None, message: Message, *, value: str | None = None) -> None:
        """A warning about ``column``; ``value`` is what the warning may quote."""
        header = None if column is None else self.raw.header(column)
        self.warnings.append((header, value, message))

    @property
    def usable(self) -> bool:
        return not (self.problems or self.quiet)

    @property
    def reasons(self) -> tuple[Message, ...]:
        """Why the row cannot be used, in the order found."""
        return tuple(message for _, _, message in self.problems) + tuple(self.quiet)

    def report(self, issues: list[Issue]) -> None:
        for severity, found in ((Severity.ERROR, self.problems), (Severity.WARNING, self.warnings)):
            for header, value, message in found:
                issues.append(Issue(severity, self.raw.label, self.row.row, header, value, message))

    def make(self, kind: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``kind(*args, **kwargs)``; the ValueError of its ``__post_init__`` is a problem.

        The cells are checked before, so this is a last guard that keeps a row that
        slipped through from stopping the whole load.
        """
        try:
            return kind(*args, **kwargs)
        except ValueError as error:
            self.fail(None, Message("record_invalid", {"detail": str(error)}))
            return None

    # ------------------------------------------------------------ values

    def ident(self, column: str) -> str:
        """An id as text: full-width characters made half-width, ``1.0`` -> ``"1"``."""
        text = unicodedata.normalize("NFKC", self.text(column)).strip()
        if not text:
            self.fail(column, Message("required_empty", {"column": self.word(column)}))
        return text

    def name(self) -> str:
        text = self.text("name")
        if not text:
            self.fail("name", Message("required_empty", {"column": self.word("name")}))
        return text

    def number(self, column: str, what: Message, code: str = "not_a_number") -> float | None:
        text = self.text(column)
        if not text:
            return None
        number = number_of(self.value(column))
        if number is None:
            self.fail(column, Message(code, {"what": what, "value": text}))
        return number

    def coordinates(self) -> tuple[float, float] | None:
        """Latitude and longitude in WGS-84, checked for range, swapping and an empty geocode.

        Coordinates in another datum (the table's :attr:`RawTable.datum`) are converted.
        """
        found: dict[str, float] = {}
        empty = "coordinate_empty_geocode" if self.text("address") else "coordinate_empty"
        for column in ("lat", "lon"):
            what = coordinate_word(column)
            if not self.text(column):
                self.fail(column, Message(empty, {"what": what}))
            elif (number := self.number(column, what)) is not None:
                found[column] = number
        if len(found) < 2:
            return None
        lat, lon = found["lat"], found["lon"]
        if not -90 <= lat <= 90:
            swapped = -90 <= lon <= 90 and -180 <= lat <= 180
            code = "lat_out_of_range_swapped" if swapped else "lat_out_of_range"
            self.fail("lat", Message(code, {"value": self.text("lat")}))
        if not -180 <= lon <= 180:
            self.fail("lon", Message("lon_out_of_range", {"value": self.text("lon")}))
        if lat == 0 and lon == 0:
            self.fail("lat", Message("coordinates_zero"))
        if self.row.geocoded:  # looked up by `mealroute geocode`: WGS-84 already
            return lat, lon
        datum = self.raw.datum
        if datum is not None and datum != Datum.WGS84 and -90 <= lat <= 90 and -180 <= lon <= 180:
            return to_wgs84(lat, lon, datum)
        return lat, lon

    def clock(self, column: str, *, required: bool = False) -> int | None:
        value = self.value(column)
        text = cell_text(value)
        if text == "":
            if required:
                self.fail(column, Message("time_empty", {"column": self.word(column)}))
            return None
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
        try:
            return parse_clock(value)
        except ValueError:
            code = "time_out_of_range" if _CLOCK_SHAPE.match(text) else "time_bad"
            self.fail(column, Message(code, {"column": self.word(column), "value": text}))
            return None

    def whole(
        self, column: str, *, default: int | None = None, most: int | None = None
    ) -> int | None:
        """A whole number from 1 to ``most``; ``default`` when the cell is empty (None: required).

        A unit after the number (``2份``) is allowed.
        """
        text = self.text(column)
        word = self.word(column)
        if not text:
            if default is None:
                self.fail(column, Message("whole_empty", {"column": word}))
            return default
        value = self.value(column)
        if isinstance(value, str):
            value = _COUNT_UNIT.sub("", unicodedata.normalize("NFKC", value))
        number = number_of(value)
        if number is None or not number.is_integer():
            self.fail(column, Message("not_whole", {"column": word, "value": text}))
            return None
        if number < 1:
            self.fail(column, Message("below_one", {"column": word, "value": text}))
            return None
        if most is not None and number > most:
            code = f"{column}_too_many"
            self.fail(column, Message(code, {"value": text, "limit": most}))
            return None
        return int(number)

    def minutes(self, column: str) -> float | None:
        value = self.value(column)
        text = cell_text(value)
        if not text:
            return None
        if isinstance(value, str):
            value = _MINUTES_UNIT.sub("", unicodedata.normalize("NFKC", text))
        number = number_of(value)
        word = self.word(column)
        if number is None:
            self.fail(column, Message("not_minutes", {"column": word, "value": text}))
            return None
        if not 0 <= number <= 240:
            self.fail(column, Message("minutes_out_of_range", {"column": word, "value": text}))
            return None
        return number

    def choice(self, column: str, table: Mapping[str, T], names: Mapping[str, Any]) -> T | None:
        text = self.text(column)
        word = self.word(column)
        if not text:
            self.fail(column, Message("choice_empty", {"column": word, "choices": choices(names)}))
            return None
        found = table.get(key(text))
        if found is None:
            message = Message(
                "choice_unknown", {"column": word, "value": text, "choices": choices(names)}
            )
            self.fail(column, message)
        return found

    def days(self) -> frozenset[int] | None:
        try:
            return parse_days(self.value("days"))
        except UnknownDayError as error:
            self.fail(
                "days", Message("days_unknown", {"value": self.text("days"), "day": error.word})
            )
            return None

    def window(self, names: tuple[str, str], *, required: bool) -> tuple[int | None, int | None]:
        start = self.clock(names[0], required=required)
        end = self.clock(names[1], required=required)
        if start is not None and end is not None and end < start:
            message = Message(
                "end_before_start",
                {
                    "end_column": self.word(names[1]),
                    "end": format_clock(end),
                    "start_column": self.word(names[0]),
                    "start": format_clock(start),
                },
            )
            self.fail(names[1], message)
        return start, end

    def unique(self, column: str, ident: str, first_row: dict[str, int]) -> bool:
        """Whether ``ident`` is new in its table (a duplicate is a problem of this row)."""
        if ident in first_row:
            message = Message(
                "duplicate_id",
                {"column": self.word(column), "value": ident, "row": first_row[ident]},
            )
            self.fail(column, message)
            return False
        if ident:
            first_row[ident] = self.row.row
        return True
