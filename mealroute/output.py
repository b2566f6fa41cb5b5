"""Writing a plan to disk: plan.json (the contract) and routes.csv (for Excel).

Each file is written atomically (see ``atomic.py``): a crash leaves the previous
good file, never a half-written one.

``routes.csv`` is in the pack's language: a Chinese pack has Chinese headers and
words (交通方式 电动车, 照护等级 半失能, 餐型 清真、软食); an English pack keeps the
snake_case column names of earlier versions (``worker_id``, ``arrive``) with English
words (``e-bike``, ``semi-disabled``). Times of day are ``HH:MM``
(:func:`mealroute.clock.format_clock`); ``travel_s`` and ``distance_m`` are seconds
and metres.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from . import atomic
from .clock import format_clock
from .messages import care_word, mode_word
from .model import Plan
from .planjson import plan_to_dict
from .render.cells import spreadsheet_safe
from .render.i18n import diet_label, label
from .render.paths import PLAN_JSON, ROUTES_CSV, inside

ROUTES_COLUMNS = (
    "date",
    "station_id",
    "station_name",
    "worker_id",
    "worker_name",
    "mode",
    "trip",
    "trip_depart",
    "stop",
    "client_id",
    "name",
    "address",
    "phone",
    "arrive",
    "start",
    "depart",
    "window_start",
    "window_end",
    "meals",
    "diet",
    "care_level",
    "notes",
    "travel_s",
    "distance_m",
)


def write_plan_json(plan: Plan, out_dir: Path) -> Path:
    """Write ``plan.json`` into ``out_dir``; returns its path."""
    path = inside(out_dir, PLAN_JSON)
    text = json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2) + "\n"
    atomic.write_text(path, text)
    return path


def routes_csv_text(plan: Plan, *, lang: str = "en") -> str:
    """One row per stop in visiting order, as CSV text in ``lang`` (see the module)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label(f"csv_{column}", lang) for column in ROUTES_COLUMNS])
    for station in plan.stations:
        for route in station.routes:
            number = 0
            for k, trip in enumerate(route.trips, start=1):
                for stop in trip.stops:
                    number += 1
                    row = (
                        plan.date.isoformat(),
                        station.station_id,
                        station.name,
                        route.worker_id,
                        route.name,
                        mode_word(route.mode, lang),
                        k,
                        format_clock(trip.depart),
                        number,
                        stop.client_id,
                        stop.name,
                        stop.address,
                        stop.phone,
                        format_clock(stop.arrive),
                        format_clock(stop.start),
                        format_clock(stop.depart),
                        format_clock(stop.window[0]),
                        format_clock(stop.window[1]),
                        stop.meals,
                        diet_label(stop.diet, lang),
                        care_word(stop.care_level, lang),
                        stop.notes,
                        stop.travel_s,
                        stop.distance_m,
                    )
                    writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


def write_routes_csv(plan: Plan, out_dir: Path, *, lang: str = "en") -> Path:
    """Write ``routes.csv`` in ``lang`` (UTF-8 with BOM, so Excel keeps Chinese text intact)."""
    path = inside(out_dir, ROUTES_CSV)
    atomic.write_text(path, routes_csv_text(plan, lang=lang), encoding="utf-8-sig")
    return path
