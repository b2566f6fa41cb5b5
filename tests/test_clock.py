"""Times of day as spreadsheets hold them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mealroute.clock import format_clock, iso_datetime, parse_clock, seconds_from_iso


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("11:00", 39600),
        ("11:00:00", 39600),
        ("9:05", 32700),
        ("11：30", 41400),
        ("１１：３０", 41400),
        ("１１点半", 41400),
        ("11点30", 41400),
        ("11点30分", 41400),
        ("11点半", 41400),
        ("11点", 39600),
        ("11时30分", 41400),
        (dt.time(11, 30), 41400),
        (dt.datetime(1900, 1, 1, 11, 30), 41400),
        (0.5, 43200),
    ],
)
def test_accepted_forms(value: object, seconds: int) -> None:
    assert parse_clock(value) == seconds


@pytest.mark.parametrize("value", ["noon", "25:00", "11:60", "", "11.30.00", 1.5, -0.1])
def test_rejected_forms_say_what_is_expected(value: object) -> None:
    with pytest.raises(ValueError, match="time of day"):
        parse_clock(value)


@given(st.integers(min_value=0, max_value=24 * 3600 - 1))
def test_format_shows_minutes_and_parse_reads_them_back(seconds: int) -> None:
    shown = format_clock(seconds)
    assert re.fullmatch(r"\d\d:\d\d", shown)  # one format everywhere: no seconds
    assert parse_clock(shown) == seconds // 60 * 60
    assert parse_clock(format_clock(seconds, round_up=True)) == -(-seconds // 60) * 60


@given(st.integers(min_value=0, max_value=2 * 24 * 3600))
def test_iso_round_trip(seconds: int) -> None:
    day = dt.date(2026, 12, 1)
    assert seconds_from_iso(day, iso_datetime(day, seconds)) == seconds
