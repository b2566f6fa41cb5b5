"""The ``mealroute`` command line.

Library code raises; this module alone turns errors into a message and an exit
code (never a traceback):

- 0: everything planned, every client served (``validate``: no errors);
- 1: nothing could be planned (a file or required column missing, bad settings;
  ``validate``: errors found);
- 2: usage error (bad option or argument);
- 3: a plan was written, but someone is unserved or a station failed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import MealrouteError
from .model import Plan

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_UNSERVED = 0, 1, 2, 3

app = typer.Typer(
    name="mealroute",
    help="Lunch routes for community meal delivery to elderly people at home (养老外卖).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def _parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today() + dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD") from None


def _version(value: bool) -> None:
    if value:
        out.print(f"mealroute {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Plan lunch routes; see `mealroute COMMAND --help`."""


DataDir = Annotated[
    Path,
    typer.Argument(
        help="Folder with stations, workers and clients (.csv or .xlsx), optional mealroute.toml.",
        show_default=False,
    ),
]


@app.command()
def plan(
    data_dir: DataDir,
    date: Annotated[
        str | None,
        typer.Option(help="Date to plan, YYYY-MM-DD. Default: tomorrow.", show_default=False),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder. Default: maps/<date>/.", show_default=False),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0.1, max=3600, help="Solver seconds per station."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(min=1, help="Stations planned in parallel. Default: all cores."),
    ] = None,
    stations: Annotated[
        str | None,
        typer.Option(help="Only these stations: comma-separated station ids."),
    ] = None,
    reproducible: Annotated[
        bool | None,
        typer.Option(
            "--reproducible/--no-reproducible",
            help="Bound the search by work, not time: same input, same plan on any machine.",
            show_default=False,
        ),
    ] = None,
    work_limit: Annotated[
        int | None, typer.Option(min=1, help="Search steps per station in reproducible mode.")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Language of maps and sheets: zh or en.")] = None,
    tiles: Annotated[str | None, typer.Option(help="Map tiles: osm or amap.")] = None,
    redact: Annotated[
        bool, typer.Option(help="Show clients by surname and initial only (maps to forward).")
    ] = False,
) -> None:
    """Plan every station's lunch routes for one date and write the day's folder."""
    from .load import dataset_from_dir
    from .parallel import plan_dataset
    from .settings import Settings

    day = _parse_date(date)
    if not data_dir.is_dir():
        raise _fail(f"{data_dir}: no such folder", EXIT_NOTHING)
    try:
        settings = Settings.for_data_dir(data_dir).replace(
            time_limit_s=time_limit,
            reproducible=reproducible,
            work_limit=work_limit,
            lang=lang,
            tiles=tiles,
        )
    except MealrouteError as error:
        raise _fail(str(error), EXIT_NOTHING) from None
    dataset = dataset_from_dir(data_dir)
    fatal = [issue for issue in dataset.errors if issue.row is None]
    if fatal:
        for issue in fatal:
            err.print(str(issue), markup=False)
        raise _fail("nothing could be planned; fix the problems above", EXIT_NOTHING)
    only = [s.strip() for s in stations.split(",") if s.strip()] if stations else None
    if only:
        known = {s.station_id for s in dataset.stations} | {r.station_id for r in dataset.rejected}
        unknown = [s for s in only if s not in known]
        if unknown:
            raise _fail(
                f"--stations: unknown station {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(known))}",
                EXIT_USAGE,
            )
    for issue in dataset.issues:
        err.print(str(issue), markup=False)
    target = out_dir or Path("maps") / day.isoformat()
    count = len(only) if only else len(dataset.stations)
    with Progress(
        TextColumn("planning stations"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("plan", total=count)
        result = plan_dataset(
            dataset,
            day,
            settings,
            jobs=jobs or os.cpu_count() or 1,
            only=only,
            on_done=lambda _station: progress.advance(task),
        )
    from .output import write_plan_json, write_routes_csv
    from .render import render_day

    try:
        written = [write_plan_json(result, target), write_routes_csv(result, target)]
    except OSError as error:
        raise _fail(f"cannot write the plan to {target}: {error}", EXIT_NOTHING) from None
    _print_summary(result)
    try:
        written += render_day(
            result, target, lang=settings.lang, tiles=settings.tiles, redact=redact
        )
    except Exception as error:  # noqa: BLE001 - the plan is written; say what is missing
        err.print(
            f"[red]error:[/red] plan.json and routes.csv are written, but the maps and "
            f"sheets could not be drawn: {type(error).__name__}: {error}"
        )
        raise typer.Exit(EXIT_NOTHING) from None
    out.print(f"wrote {len(written)} files to {target}/ (open {target / 'index.html'})")
    unserved = sum(len(s.unserved) for s in result.stations)
    failed = sum(1 for s in result.stations if s.error)
    raise typer.Exit(EXIT_UNSERVED if unserved or failed else EXIT_OK)


def _clock(seconds: int | None) -> str:
    """HH:MM for the summary table (seconds are in plan.json and routes.csv)."""
    return "-" if seconds is None else f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _print_summary(plan: Plan) -> None:
    table = Table(title=f"mealroute plan for {plan.date.isoformat()}", title_justify="left")
    for column in ("station", "clients", "served", "unserved", "workers", "km"):
        table.add_column(column, justify="right" if column != "station" else "left")
    table.add_column("first out")
    table.add_column("last back")
    for station in plan.stations:
        trips = [t for route in station.routes for t in route.trips]
        km = sum(route.distance_m for route in station.routes) / 1000
        table.add_row(
            station.station_id + (" [red](failed)[/red]" if station.error else ""),
            str(station.clients),
            str(station.served),
            f"[red]{len(station.unserved)}[/red]" if station.unserved else "0",
            f"{len(station.routes)}/{station.workers}",
            f"{km:.1f}",
            _clock(min((t.depart for t in trips), default=None)),
            _clock(max((t.return_ for t in trips), default=None)),
        )
    out.print(table)
    # Client ids and reasons only: names and health stay in the files the user asked for.
    for station in plan.stations:
        if station.error:
            out.print(f"[red]station {station.station_id} failed:[/red] {station.error}")
        for unserved in station.unserved:
            out.print(
                f"[yellow]unserved[/yellow] {station.station_id} {unserved.client_id}: "
                f"{unserved.reason}",
                markup=True,
            )


@app.command()
def validate(
    data_dir: DataDir,
    date: Annotated[
        str | None,
        typer.Option(help="Also check the clients due on this date (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Check the input files: every problem at once, with file, row, column and value."""
    from .checks import validate_dataset
    from .load import dataset_from_dir
    from .settings import Settings
    from .tables import count

    day = _parse_date(date) if date else None
    if not data_dir.is_dir():
        raise _fail(f"{data_dir}: no such folder", EXIT_NOTHING)
    try:
        settings = Settings.for_data_dir(data_dir)
    except MealrouteError as error:
        raise _fail(str(error), EXIT_NOTHING) from None
    dataset = dataset_from_dir(data_dir)
    issues = list(dataset.issues) + list(validate_dataset(dataset, date=day, settings=settings))
    by_severity = {s: [i for i in issues if i.severity == s] for s in ("error", "warning", "info")}
    for severity in ("error", "warning", "info"):
        for issue in by_severity[severity]:
            out.print(str(issue), markup=False)
    errors = by_severity["error"]
    out.print(
        f"{count(len(dataset.stations), 'station')}, {count(len(dataset.workers), 'worker')}, "
        f"{count(len(dataset.clients), 'client')}; "
        f"{count(len(errors), 'error')}, {count(len(by_severity['warning']), 'warning')}",
        markup=False,
    )
    raise typer.Exit(EXIT_NOTHING if errors else EXIT_OK)


@app.command()
def sample(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the sample city into.")],
    stations: Annotated[
        int, typer.Option(min=1, max=200, help="Stations (real Jinan streets).")
    ] = 8,
    clients_per_station: Annotated[int, typer.Option(min=1, max=500, help="Clients each.")] = 40,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 1,
    overwrite: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
) -> None:
    """Write a realistic synthetic city (stations at real Jinan street offices)."""
    from .sample import write_sample

    try:
        summary = write_sample(
            out_dir,
            stations=stations,
            clients_per_station=clients_per_station,
            seed=seed,
            overwrite=overwrite,
        )
    except MealrouteError as error:
        raise _fail(str(error), EXIT_NOTHING) from None
    out.print(
        f"wrote {summary.stations} stations, {summary.workers} workers and "
        f"{summary.clients} clients to {out_dir}/",
        markup=False,
    )


@app.command()
def render(
    plan_json: Annotated[Path, typer.Argument(help="A plan.json written by `mealroute plan`.")],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Output folder. Default: the folder of PLAN_JSON.", show_default=False
        ),
    ] = None,
    lang: Annotated[str | None, typer.Option(help="zh or en. Default: as planned.")] = None,
    tiles: Annotated[str | None, typer.Option(help="osm or amap. Default: as planned.")] = None,
    redact: Annotated[bool, typer.Option(help="Show clients by surname and initial only.")] = False,
) -> None:
    """Redraw the maps and sheets of a plan (e.g. in the other language)."""
    import jsonschema

    from .planjson import plan_from_dict, plan_schema
    from .render import render_day
    from .settings import Settings

    try:
        document = json.loads(plan_json.read_text(encoding="utf-8"))
        jsonschema.validate(document, plan_schema())
    except OSError as error:
        raise _fail(f"{plan_json}: {error.strerror or error}", EXIT_NOTHING) from None
    except json.JSONDecodeError as error:
        raise _fail(f"{plan_json}: not JSON ({error})", EXIT_NOTHING) from None
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise _fail(
            f"{plan_json}: not a mealroute plan at {where}: {error.message}", EXIT_NOTHING
        ) from None
    loaded = plan_from_dict(document)
    try:
        settings = Settings.from_dict(loaded.settings).replace(lang=lang, tiles=tiles)
    except MealrouteError as error:
        raise _fail(str(error), EXIT_USAGE) from None
    target = out_dir or plan_json.parent
    written = render_day(loaded, target, lang=settings.lang, tiles=settings.tiles, redact=redact)
    out.print(f"wrote {len(written)} files to {target}/", markup=False)


def main() -> None:
    """Console-script entry point."""
    app()
