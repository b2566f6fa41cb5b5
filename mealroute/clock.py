"""Times of day as whole seconds since midnight, parsed from what spreadsheets hold.

Everything in mealroute works in seconds since local midnight of the plan date; this
module is the one place that turns cell values into that and back.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

_HHMM = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{1,2})(?:\s*[:：]\s*(\d{1,2}))?\s*$")
# 11点30, 11点30分, 11点, 11点半, 11时30分, 11:30 with Chinese colon handled above
_CHINESE = re.compile(r"^\s*(\d{1,2})\s*[点時时]\s*(?:(\d{1,2})\s*分?|(半))?\s*$")

DAY = 24 * 3600


def parse_clock(value: object) -> int:
    """Return a time of day as seconds since midnight.

    Accepts ``"11:00"``, ``"11:00:00"``, ``"11点30"``, ``"11点半"``, ``"11时30分"``,
    :class:`datetime.time` and :class:`datetime.datetime` (Excel time cells) and an
    Excel day fraction such as ``0.4583`` (11:00).

    Raises
    ------
    ValueError
        With a message quoting the value and the accepted forms.
    """
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        if 0 <= seconds <= DAY:
            return seconds
        raise ValueError(f"time {value!r} is not within one day")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and 0 <= value < 1:
            return round(value * DAY)
        raise ValueError(f"{value!r} is not a time of day; expected HH:MM such as 11:30")
    text = unicodedata.normalize("NFKC", str(value)).strip()  # full-width １１：３０ too
    match = _HHMM.match(text)
    if match:
        hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    else:
        match = _CHINESE.match(text)
        if not match:
            raise ValueError(
                f"{text!r} is not a time of day; expected HH:MM such as 11:30 "
                "(also 11:30:00 or 11点30)"
            )
        hours = int(match[1])
        minutes = 30 if match[3] else int(match[2] or 0)
        seconds = 0
    if hours > 24 or minutes > 59 or seconds > 59 or hours * 3600 + minutes * 60 + seconds > DAY:
        raise ValueError(f"{text!r} is not a time of day; hours 0-24, minutes 0-59")
    return hours * 3600 + minutes * 60 + seconds


def format_clock(seconds: int, *, round_up: bool = False) -> str:
    """``41400`` -> ``"11:30"``: the one way mealroute shows a time of day.

    Seconds are dropped (rounded down), so a planned arrival inside its window never
    shows after the window's end; ``round_up`` rounds up instead, for the earliest
    time something can happen ("earliest arrival 11:19" when it is 11:18:30). Times
    past midnight keep counting hours (``"24:10"``).
    """
    seconds = int(seconds)
    minutes = -(-seconds // 60) if round_up else seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_window(start: int, end: int) -> str:
    """A window of the day as ``"11:00–12:30"``."""
    return f"{format_clock(start)}–{format_clock(end)}"


def iso_datetime(date: dt.date, seconds: int) -> str:
    """Local ISO 8601 date-time of ``seconds`` after midnight of ``date``."""
    moment = dt.datetime.combine(date, dt.time()) + dt.timedelta(seconds=int(seconds))
    return moment.isoformat(timespec="seconds")


def seconds_from_iso(date: dt.date, text: str) -> int:
    """Inverse of :func:`iso_datetime`: seconds after midnight of ``date``."""
    moment = dt.datetime.fromisoformat(text)
    return round((moment - dt.datetime.combine(date, dt.time())).total_seconds())
