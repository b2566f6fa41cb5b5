"""Reading ``geocoded/<table>.csv`` back: the points ``mealroute geocode`` found.

Kept apart from :mod:`mealroute.geocode.fill` so that reading the data needs neither
geopy's geocoders nor SQLite: only the CSV the geocoding wrote (and a coordinator
may have opened and saved again in Excel, so GBK is read too).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

GEOCODED_DIR = "geocoded"  # beside the data; a folder, so it is never taken for a table

# The columns of geocoded/<table>.csv: (English header, Chinese header).
COLUMNS = (
    ("id", "编号"),
    ("station_id", "所属站点"),
    ("address", "地址"),
    ("lat", "纬度"),
    ("lon", "经度"),
    ("provider", "坐标来源"),
    ("level", "精度"),
    ("provider_level", "服务商精度"),
    ("confidence", "可信度"),
    ("candidates", "候选数"),
    ("datum", "原坐标系"),
    ("matched", "匹配地址"),
    ("check", "待核对"),
    ("row", "原表行号"),
)
_NAME = {header: en for en, zh in COLUMNS for header in (en, zh)}


@dataclass(frozen=True)
class Point:
    """A geocoded point (WGS-84) and what to check about it."""

    lat: float
    lon: float
    check: str  # "" when nothing
    file: str  # geocoded/clients.csv


def _text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_geocoded(folder: Path, table: str) -> dict[tuple[str, str], Point]:
    """``(id, address) -> Point`` from ``folder/geocoded/<table>.csv`` (empty if none).

    Rows without a point (no result, not asked yet) and rows that cannot be read
    are left out: their data row stays without coordinates and says so.
    """
    path = Path(folder) / GEOCODED_DIR / f"{table}.csv"
    if not path.is_file():
        return {}
    try:
        rows = list(csv.reader(io.StringIO(_text(path))))
    except (OSError, csv.Error):
        return {}
    if not rows:
        return {}
    names = [_NAME.get(cell.strip(), "") for cell in rows[0]]
    points: dict[tuple[str, str], Point] = {}
    for cells in rows[1:]:
        record = dict(zip(names, cells, strict=False))
        try:
            lat, lon = float(record.get("lat", "")), float(record.get("lon", ""))
        except ValueError:
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        key = (record.get("id", "").strip(), record.get("address", "").strip())
        points[key] = Point(lat, lon, record.get("check", "").strip(), f"geocoded/{table}.csv")
    return points
