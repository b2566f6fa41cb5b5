"""Where each file of a day's output folder goes.

All paths are relative to the output folder. File names built from station and
worker IDs (which come from spreadsheets) are reduced to safe characters so that
an ID such as ``../../etc`` cannot leave the folder.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

_UNSAFE = re.compile(r"[^0-9A-Za-z_\-\u4e00-\u9fff]+")

PLAN_JSON = PurePosixPath("plan.json")
ROUTES_CSV = PurePosixPath("routes.csv")
ROUTES_XLSX = PurePosixPath("routes.xlsx")
INDEX_HTML = PurePosixPath("index.html")
CHANGES_HTML = PurePosixPath("changes.html")  # only in the pack of a re-plan
ASSETS = PurePosixPath("assets")


def safe_name(identifier: str) -> str:
    """A file-name-safe form of ``identifier``; distinct IDs give distinct names.

    Letters, digits, ``_``, ``-`` and CJK characters are kept; anything else is
    replaced by ``_`` and a short hash of the original is appended so that
    ``"a/b"`` and ``"a_b"`` do not collide.
    """
    cleaned = _UNSAFE.sub("_", identifier).strip("_-")[:60]
    if cleaned == identifier and cleaned:
        return cleaned
    digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned}-{digest}" if cleaned else digest


def station_dir(station_id: str) -> PurePosixPath:
    return PurePosixPath("stations") / safe_name(station_id)


def overview_map(station_id: str) -> PurePosixPath:
    """The station's overview map (every worker's trips)."""
    return station_dir(station_id) / "map.html"


def worker_map(station_id: str, worker_id: str) -> PurePosixPath:
    """The phone map one worker opens."""
    return station_dir(station_id) / f"worker-{safe_name(worker_id)}.html"


def route_sheets(station_id: str) -> PurePosixPath:
    """Printable A4 route sheets of a station, one worker per page."""
    return station_dir(station_id) / "sheets.html"


def kitchen_list(station_id: str) -> PurePosixPath:
    """The station's kitchen and loading list."""
    return station_dir(station_id) / "kitchen.html"


def inside(out_dir: Path, relative: PurePosixPath) -> Path:
    """``out_dir / relative``, refusing any path that would leave ``out_dir``."""
    root = Path(out_dir).resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    return target


def relative_link(from_file: PurePosixPath, to_file: PurePosixPath) -> str:
    """A relative URL from one output file to another (both relative to the folder)."""
    up = len(from_file.parent.parts)
    return "/".join([".."] * up + list(to_file.parts))
