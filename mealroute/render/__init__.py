"""The day pack: everything a station needs for the day, drawn from a plan alone.

Renderers take a finished :class:`~mealroute.model.Plan` (as read back from
plan.json) and only draw; they never plan. ``render_day`` writes the whole folder:

- ``index.html``: the coordinator's page (``index.py``);
- per station a map of every worker's trips, per worker a phone page (``maps.py``);
  each map page is one file that works alone (Leaflet inlined, see ``assets.py``),
  so there is no ``assets/`` folder;
- printable route sheets and ``routes.xlsx`` (``sheets.py``, ``workbook.py``);
- a kitchen and loading list per station (``kitchen.py``);
- after a re-plan, ``changes.html``: what changed for each worker (``revision.py``).
"""

from __future__ import annotations

from pathlib import Path

from ..model import Plan


def prepare(lang: str) -> None:
    """Import the renderers and compile every page template of ``lang``, ahead of time.

    ``mealroute plan`` calls this in a thread while the stations are being planned
    in other processes, so the pack is drawn right after the search instead of
    first loading folium and compiling templates (about 0.9 s of a one-station run).
    """
    from . import index, kitchen, maps, revision, sheets, workbook  # noqa: F401
    from .i18n import html_environment

    environment = html_environment(lang)
    for name in environment.list_templates(extensions=["html"]):
        environment.get_template(name)


def render_day(plan: Plan, out_dir: Path, *, lang: str, tiles: str, redact: bool) -> list[Path]:
    """Write the day pack of ``plan`` into ``out_dir``; returns the files written."""
    from .index import write_index
    from .kitchen import write_kitchen_list
    from .maps import write_station_map, write_worker_map
    from .redact import redact_plan
    from .revision import write_changes
    from .sheets import write_route_sheets
    from .workbook import write_workbook

    if redact:
        plan = redact_plan(plan)
    written = []
    for station in plan.stations:
        if station.lat is None or station.lon is None:
            continue  # a station missing from the stations table: only listed in index.html
        written.append(write_station_map(plan, station, out_dir, lang=lang, tiles=tiles))
        written += [
            write_worker_map(plan, station, route, out_dir, lang=lang, tiles=tiles)
            for route in station.routes
        ]
        written.append(write_route_sheets(plan, station, out_dir, lang=lang))
        written.append(write_kitchen_list(plan, station, out_dir, lang=lang))
    written.append(write_workbook(plan, out_dir, lang=lang))
    changes = write_changes(plan, out_dir, lang=lang)
    if changes is not None:
        written.append(changes)
    written.append(write_index(plan, out_dir, lang=lang))
    return written
