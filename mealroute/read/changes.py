"""Reading the changes table: what differs for a client, a worker or a station, and when.

Rows → :class:`~mealroute.model.Change`: each row names its kind (暂停, 请假, 迟到…),
the id it is about, the first day and, optionally, the last day, and the cell its kind
needs (a window, meals, a diet, a time, a mode). A row that cannot be used is an error
with its file, row, column and value, and is left out: the other changes still apply.
Which changes hold on a date, and what they do to the day's data, is
:mod:`mealroute.changes`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from ..clock import format_clock
from ..messages.input import change_word, choices
from ..model import (
    CLIENT_CHANGES,
    STATION_CHANGES,
    WORKER_CHANGES,
    Change,
    ChangeKind,
    Client,
    Issue,
    Message,
    RejectedRow,
    Severity,
    Station,
    Worker,
)
from .columns import CHANGE_KINDS, DIETS, MODES
from .limits import MAX_MEALS
from .rows import RowReader
from .tables import RawTable
from .words import keyed, parse_diet

_KINDS = keyed(CHANGE_KINDS)
_MODES = keyed(MODES)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# The cell each kind needs, beside kind, subject and dates.
_NEEDS: dict[ChangeKind, tuple[str, ...]] = {
    ChangeKind.WINDOW: ("window_start", "window_end"),
    ChangeKind.MEALS: ("meals",),
    ChangeKind.DIET: ("diet",),
    ChangeKind.LATE: ("time",),
    ChangeKind.EARLY: ("time",),
    ChangeKind.MEALS_READY: ("time",),
    ChangeKind.MODE: ("mode",),
    ChangeKind.PIN: ("worker",),
}


def read_date(row: RowReader, column: str, *, required: bool) -> dt.date | None:
    """A date cell: an Excel date, or text such as 2026-12-03, 2026/12/3, 2026年12月3日."""
    value = row.value(column)
    text = row.text(column)
    if not text:
        if required:
            row.fail(column, Message("date_empty", {"column": row.word(column)}))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    found = _DATE.match(unicodedata.normalize("NFKC", text).strip())
    if found:
        try:
            return dt.date(*(int(part) for part in found.groups()))
        except ValueError:
            pass
    row.fail(column, Message("date_bad", {"column": row.word(column), "value": text}))
    return None


class _Known:
    """The ids a change may name, and the station of each."""

    def __init__(
        self,
        stations: Iterable[Station],
        workers: Iterable[Worker],
        clients: Iterable[Client],
        rejected: Iterable[RejectedRow],
    ) -> None:
        self.stations = {s.station_id: s for s in stations}
        self.workers = {w.worker_id: w for w in workers}
        self.clients = {c.client_id: c.station_id for c in clients}
        self.names = {c.client_id: c.name for c in clients}
        # A client whose own row is rejected is still a client: the change is kept
        # (and does nothing while the row cannot be planned).
        self.clients.update({r.client_id: r.station_id for r in rejected if r.client_id})
        self.names.update({r.client_id: r.name for r in rejected if r.client_id})

    def name_of(self, kind: ChangeKind, subject: str) -> str:
        if kind in CLIENT_CHANGES:
            return self.names.get(subject, "")
        if kind in WORKER_CHANGES:
            return self.workers[subject].name
        return self.stations[subject].name

    def station_of(self, kind: ChangeKind, subject: str) -> str | None:
        if kind in CLIENT_CHANGES:
            return self.clients.get(subject)
        if kind in WORKER_CHANGES:
            worker = self.workers.get(subject)
            return None if worker is None else worker.station_id
        return subject if subject in self.stations else None


def _change(row: RowReader, known: _Known) -> Change | None:
    kind = row.choice("kind", _KINDS, CHANGE_KINDS)
    subject = row.ident("subject")
    start = read_date(row, "start", required=True)
    end = read_date(row, "end", required=False)
    if start is not None and end is not None and end < start:
        row.fail(
            "end",
            Message("date_end_before_start", {"end": end.isoformat(), "start": start.isoformat()}),
        )
    if kind is None or not subject:
        return None
    station_id = known.station_of(kind, subject)
    if station_id is None:
        what = (
            "change_about_client"
            if kind in CLIENT_CHANGES
            else "change_about_worker"
            if kind in WORKER_CHANGES
            else "change_about_station"
        )
        row.fail(
            "subject",
            Message("change_subject_unknown", {"kind": change_word(kind), "what": Message(what)}),
        )
        return None
    value = _value(row, kind, known, subject)
    if not row.usable or start is None:
        return None
    if end is None and kind != ChangeKind.NEW:
        end = start  # one day; a new client is for good
    return Change(
        kind=kind,
        subject=subject,
        station_id=station_id,
        start=start,
        end=end,
        value=value,
        note=row.text("note"),
        source=row.source,
        name=known.name_of(kind, subject),
    )


def _value(row: RowReader, kind: ChangeKind, known: _Known, subject: str) -> Any:
    """The cell ``kind`` needs, read and checked (None when it needs none or is wrong)."""
    needs = _NEEDS.get(kind, ())
    missing = [column for column in needs if not row.text(column)]
    if missing:
        columns = [row.word(column) for column in missing]
        row.fail(
            missing[0],
            Message("change_needs", {"kind": change_word(kind), "columns": columns}),
            value="",
        )
        return None
    if kind == ChangeKind.WINDOW:
        start, end = row.window(("window_start", "window_end"), required=True)
        return None if start is None or end is None else (start, end)
    if kind == ChangeKind.MEALS:
        return row.whole("meals", most=MAX_MEALS)
    if kind == ChangeKind.DIET:
        diet, unknown = parse_diet(row.value("diet"))
        if unknown:
            row.fail(
                "diet",
                Message(
                    "choice_unknown",
                    {
                        "column": row.word("diet"),
                        "value": row.text("diet"),
                        "choices": choices(DIETS),
                    },
                ),
            )
            return None
        return diet
    if kind == ChangeKind.MODE:
        return row.choice("mode", _MODES, MODES)
    if kind in (ChangeKind.LATE, ChangeKind.EARLY):
        time = row.clock("time", required=True)
        worker = known.workers[subject]
        if time is not None and not worker.shift_start < time < worker.shift_end:
            row.fail(
                "time",
                Message(
                    "change_outside_shift",
                    {
                        "kind": change_word(kind),
                        "value": format_clock(time),
                        "start": format_clock(worker.shift_start),
                        "end": format_clock(worker.shift_end),
                    },
                ),
            )
            return None
        return time
    if kind in STATION_CHANGES:
        return row.clock("time", required=True)
    if kind == ChangeKind.PIN:
        worker_id = row.ident("worker")
        pinned = known.workers.get(worker_id)
        if pinned is None:
            row.fail("worker", Message("change_pin_unknown", {"worker": worker_id}))
            return None
        station = known.clients.get(subject)
        if pinned.station_id != station:
            row.fail(
                "worker",
                Message(
                    "change_pin_elsewhere",
                    {"worker": worker_id, "station": pinned.station_id, "client": station},
                ),
            )
            return None
        return worker_id
    return None


def changes_from(
    raw: RawTable | None,
    stations: Iterable[Station],
    workers: Iterable[Worker],
    clients: Iterable[Client],
    rejected: Iterable[RejectedRow],
    issues: list[Issue],
) -> list[Change]:
    """Every usable row of the changes table; the problems of the others go to ``issues``."""
    if raw is None:
        return []
    known = _Known(stations, workers, clients, rejected)
    changes: list[Change] = []
    for raw_row in raw.rows:
        row = RowReader(raw, raw_row)
        change = _change(row, known)
        row.report(issues)
        if change is not None:
            changes.append(change)
    issues.extend(_overlaps(raw.label, changes))
    return changes


# Kinds whose rows set a value: two of them for one subject on one day disagree.
_VALUED = frozenset(_NEEDS)


def _overlaps(label: str, changes: list[Change]) -> list[Issue]:
    """A warning for each later row that overrides an earlier one on some day."""
    found: list[Issue] = []
    for k, later in enumerate(changes):
        if later.kind not in _VALUED or later.source is None:
            continue
        for earlier in changes[:k]:
            if (
                earlier.kind != later.kind
                or earlier.subject != later.subject
                or earlier.value == later.value
                or earlier.source is None
            ):
                continue
            first = max(earlier.start, later.start)
            ends = [day for day in (earlier.end, later.end) if day is not None]
            if ends and min(ends) < first:
                continue
            message = Message(
                "change_overrides",
                {
                    "row": earlier.source.row,
                    "date": first.isoformat(),
                    "kind": change_word(later.kind),
                },
            )
            found.append(Issue(Severity.WARNING, label, later.source.row, None, None, message))
            break
    return found
