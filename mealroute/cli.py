"""The ``mealroute`` command line: it parses, calls :mod:`mealroute.day` and prints.

Library code raises; this module alone turns errors into a message, in the
language of the pack (``--lang``, else ``[output] lang``), and an exit code, never
a traceback:

- 0: everything planned, every client served (``validate``: no errors);
- 1: nothing could be planned or written (a file or required column missing, bad
  settings, the folder cannot be written; ``validate``: errors found);
- 2: usage error (a bad option or argument);
- 3: a plan was written, but someone is unserved or a station failed;
- 130 / 143: stopped by Ctrl-C / SIGTERM; nothing was written.

Text that comes from files (ids, values, paths) is never read as terminal markup and
has its control characters made visible, so a cell cannot restyle or rewrite the
terminal.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import logging.handlers
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

try:  # typer 0.26 and later carry their own copy of click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click  # type: ignore[no-redef]

from . import __version__
from .errors import MealrouteError
from .messages import Lang, render
from .model import Issue, Message, Plan, Severity, StationPlan
from .settings import Settings, Tiles

if TYPE_CHECKING:
    from .parallel import StationPool

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_UNSERVED = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
LOG_BYTES, LOG_BACKUPS = 5 * 1024 * 1024, 5


class _Group(typer.core.TyperGroup):
    """Click's group, with usage errors told in the user's language (exit 2)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        extra["windows_expand_args"] = windows_expand_args
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        self.argv = argv  # for the language of a message before any setting is read
        try:
            # Not standalone, typer returns the code of a typer.Exit instead of exiting.
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            sys.exit(code if isinstance(code, int) else EXIT_OK)
        except click.NoArgsIsHelpError as error:
            error.show()
            sys.exit(error.exit_code)
        except click.UsageError as error:
            lang = _lang_from_argv(argv)
            command = error.ctx.command_path if error.ctx else "mealroute"
            text = render(Message("usage_error", {"detail": _usage_text(error, lang)}), lang)
            err.print(Text(safe(text), style="red"))
            err.print(Text(safe(render(Message("see_help", {"command": command}), lang))))
            sys.exit(EXIT_USAGE)
        except typer.Abort:
            sys.exit(EXIT_INTERRUPTED)
        except typer.Exit as done:
            sys.exit(done.exit_code)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C that the command did not take (typer: a silent 130)
            lang = _lang_from_argv(getattr(self, "argv", sys.argv[1:]))
            err.print(Text(safe(render(Message("stopped"), lang)), style="red"))
            raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    name="mealroute",
    cls=_Group,
    help="Lunch routes for community meal delivery to elderly people at home (养老外卖).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def safe(text: object) -> str:
    """``text`` fit for a terminal: control characters (ANSI escapes among them) shown."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


class Voice:
    """What the command says, in one language; ``quiet`` keeps only the errors."""

    def __init__(self, lang: str = "zh", *, quiet: bool = False) -> None:
        self.lang = lang
        self.quiet = quiet

    def words(self, code: str, **params: Any) -> str:
        return render(Message(code, params), self.lang)

    def say(self, code: str, **params: Any) -> None:
        if not self.quiet:
            out.print(Text(safe(self.words(code, **params))))

    def note(self, text: str, style: str | None = None) -> None:
        if not self.quiet:
            err.print(Text(safe(text), style=style or ""))

    def error(self, text: str) -> None:
        err.print(Text(safe(self.words("error_prefix", detail=text)), style="red"))

    def fail(self, code: str, exit_code: int, **params: Any) -> typer.Exit:
        self.error(self.words(code, **params))
        return typer.Exit(exit_code)

    def fail_with(self, error: MealrouteError, exit_code: int) -> typer.Exit:
        self.error(error.text(self.lang))
        return typer.Exit(exit_code)

    def issue(self, issue: Issue) -> None:
        if self.quiet and issue.severity != Severity.ERROR:
            return
        style = {"error": "red", "warning": "yellow"}.get(str(issue.severity), "")
        err.print(Text(safe(issue.text(self.lang)), style=style))


def _parse_date(value: str | None, voice: Voice) -> dt.date:
    if value is None:
        return dt.date.today() + dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise voice.fail("bad_date", EXIT_USAGE, value=repr(value)) from None


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


DataPath = Annotated[
    Path,
    typer.Argument(
        help="Folder with stations, workers and clients (.csv or .xlsx) and an optional "
        "mealroute.toml; or one workbook holding the three tables.",
        show_default=False,
        metavar="DATA",
    ),
]
TimeLimitOption = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        min=0.1,
        max=3600,
        help="Search seconds per station. Default: [solver] time_limit_s, else 2.",
        show_default=False,
        metavar="SECONDS",
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Stations planned at once, each in its own process. Default: all cores.",
        show_default=False,
        metavar="N",
    ),
]
ReproducibleOption = Annotated[
    bool | None,
    typer.Option(
        "--reproducible/--no-reproducible",
        help="Bound the search by work, not time: same input, same plan on any machine. "
        "Default: [solver] reproducible, else off.",
        show_default=False,
    ),
]
RedactOption = Annotated[
    bool,
    typer.Option("--redact", help="Show clients by surname and initial only (maps to forward)."),
]
NoLogOption = Annotated[bool, typer.Option("--no-log", help="Write no log.")]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print errors only (for cron); the exit code tells the rest."
    ),
]
LangOption = Annotated[
    Lang | None,
    typer.Option(
        help="Language of the pack and of these messages. Default: [output] lang of "
        "mealroute.toml, else zh.",
        show_default=False,
        case_sensitive=False,
    ),
]


def _settings(data: Path, voice: Voice, **overrides: Any) -> Settings:
    folder = data if data.is_dir() else data.parent
    try:
        return Settings.for_data_dir(folder).replace(**overrides)
    except MealrouteError as error:
        raise voice.fail_with(error, EXIT_NOTHING) from None


def _early_voice(lang: Lang | None, data: Path, quiet: bool = False) -> Voice:
    """The voice before the settings are read: --lang, else the folder's, else zh."""
    if lang is not None:
        return Voice(lang.value, quiet=quiet)
    with contextlib.suppress(MealrouteError, OSError):
        return Voice(
            Settings.for_data_dir(data if data.is_dir() else data.parent).lang, quiet=quiet
        )
    return Voice("zh", quiet=quiet)


# ----------------------------------------------------------------- plan


class _Stop(BaseException):
    """SIGTERM, raised in the main thread so every ``finally`` runs."""


def _stopped(stop: BaseException, voice: Voice) -> typer.Exit:
    """Say that nothing was written; exit 143 after SIGTERM, 130 after Ctrl-C."""
    voice.error(voice.words("interrupted"))
    return typer.Exit(EXIT_TERMINATED if isinstance(stop, _Stop) else EXIT_INTERRUPTED)


@contextlib.contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    def handler(signum: int, frame: object) -> None:
        raise _Stop

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding program): leave it be
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _logger(path: Path | None, voice: Voice) -> logging.Logger:
    """The run's log: one line per station, no personal data; rotated at 5 MB."""
    logger = logging.getLogger(f"mealroute.run.{id(voice)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if path is None:
        logger.addHandler(logging.NullHandler())
        return logger
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError as error:
        voice.error(voice.words("log_failed", path=str(path), detail=error.strerror or error))
        logger.addHandler(logging.NullHandler())
        return logger
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    logger.addHandler(handler)
    return logger


def _close(logger: logging.Logger) -> None:
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)


def _quote(text: str) -> str:
    return '"' + safe(text).replace('"', "'") + '"'


def _log_station(logger: logging.Logger, station: StationPlan, lang: str) -> None:
    fields = [
        f"station={_quote(station.station_id)}",
        f"status={'failed' if station.error else 'planned'}",
        f"clients={station.clients}",
        f"served={station.served}",
        f"unserved={len(station.unserved)}",
        f"seconds={station.solver.get('wall_s', '-')}",
    ]
    if station.error:
        fields.append(f"reason={station.error.code}:{_quote(station.error.text(lang))}")
    (logger.error if station.error else logger.info)(" ".join(fields))


@app.command()
def plan(
    data: DataPath,
    date: Annotated[
        str | None,
        typer.Option(
            help="Date to plan. Default: tomorrow.", show_default=False, metavar="YYYY-MM-DD"
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The day's folder; replaced as a whole. Default: maps/<date>/.",
            show_default=False,
            metavar="DIR",
        ),
    ] = None,
    time_limit: TimeLimitOption = None,
    jobs: JobsOption = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Plan on the Dask cluster of this scheduler (e.g. tcp://10.0.0.5:8786) "
            "instead of in local processes; every Dask worker needs mealroute installed.",
            show_default=False,
            metavar="ADDRESS",
        ),
    ] = None,
    stations: Annotated[
        str | None,
        typer.Option(
            help="Only these stations (comma-separated ids). Into a day's folder that "
            "holds the plan of that date, the other stations' plans are kept.",
            show_default=False,
            metavar="IDS",
        ),
    ] = None,
    reproducible: ReproducibleOption = None,
    work_limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Search steps per station with --reproducible. Default: [solver] "
            "work_limit, else 100.",
            show_default=False,
            metavar="STEPS",
        ),
    ] = None,
    lang: LangOption = None,
    tiles: Annotated[
        Tiles | None,
        typer.Option(help="Map tiles. Default: [output] tiles, else osm.", show_default=False),
    ] = None,
    redact: RedactOption = False,
    log: Annotated[
        Path | None,
        typer.Option(
            help="Append one line per station to this log (rotated at 5 MB). "
            "Default: <out>.log beside the day's folder.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    no_log: NoLogOption = False,
    quiet: QuietOption = False,
) -> None:
    """Plan every station's lunch routes for one date and write the day's folder."""
    from .parallel import StationPool, default_jobs

    started = time.perf_counter()
    voice = _early_voice(lang, data, quiet)
    day = _parse_date(date, voice)
    if not data.exists():
        raise voice.fail("no_such_input", EXIT_NOTHING, path=str(data))
    with contextlib.ExitStack() as resources:
        # Start a planning process first: it loads OR-Tools while this one loads the
        # rest and reads the input.
        pool = None if scheduler else resources.enter_context(StationPool(jobs or default_jobs()))
        if pool is not None:
            pool.warm()
        from .continuity import earlier_plans
        from .day import MergeError, merge_plans, now

        settings = _settings(
            data,
            voice,
            time_limit_s=time_limit,
            reproducible=reproducible,
            work_limit=work_limit,
            lang=lang.value if lang else None,
            tiles=tiles.value if tiles else None,
        )
        voice = Voice(settings.lang, quiet=quiet)
        if settings.reproducible and time_limit is not None:
            voice.note(voice.words("time_limit_ignored", steps=settings.work_limit), "yellow")
        dataset = _read_input(data, settings, voice)
        only = _only_stations(stations, dataset, voice)
        target = out_dir or Path("maps") / day.isoformat()
        previous = _previous_plan(target, only, day, settings, voice)
        history = earlier_plans(target, day)  # the days before, for the familiar faces

        log_path = None if no_log else (log or target.parent / f"{target.name}.log")
        logger = _logger(log_path, voice)
        logger.info(
            f"start date={day.isoformat()} data={_quote(str(data))} out={_quote(str(target))} "
            f"stations={len(only) if only else len(dataset.stations)} version={__version__}"
        )
        # The pages' renderers load while the stations are planned.
        after = pool.busy if pool is not None else None
        threading.Thread(target=_prepare_pages, args=(settings.lang, after), daemon=True).start()
        try:
            with _terminate_on_sigterm():
                result = _plan_with_progress(
                    dataset,
                    day,
                    settings,
                    only=only,
                    pool=pool,
                    scheduler=scheduler,
                    voice=voice,
                    logger=logger,
                    now=now(),
                    history=history,
                )
                if pool is not None:
                    pool.release()  # its processes end while the pack is written
                result = dataclasses.replace(result, data=str(data.resolve()))
                if previous is not None:
                    try:
                        result = merge_plans(previous, result)
                    except MergeError as error:  # checked before planning; kept for safety
                        raise voice.fail(
                            "merge_refused",
                            EXIT_NOTHING,
                            path=str(target),
                            stations=only,
                            detail=error.message.text(voice.lang),
                        ) from None
                written = _write(result, target, settings, redact, voice, logger)
        except (KeyboardInterrupt, _Stop) as stop:
            logger.warning("end status=interrupted")
            _close(logger)
            raise _stopped(stop, voice) from None
        _print_summary(result, voice)
        if previous is not None and only:
            kept = [s for s in result.stations if s.station_id not in set(only)]
            voice.say("merged", replanned=only, kept=len(kept))
        raise _written(result, target, written, voice, logger, started)


@app.command()
def replan(
    day_folder: Annotated[
        Path,
        typer.Argument(
            help="The day's folder written by `mealroute plan` (its plan.json is the plan "
            "to change).",
            metavar="DAY_FOLDER",
        ),
    ],
    changes: Annotated[
        Path | None,
        typer.Option(
            help="A changes table (.csv or .xlsx) with today's changes, applied after the "
            "data's own changes table.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Re-plan from this time, in the middle of the round: stops served before it "
            "stay, a worker on a trip keeps its meals, new trips leave from it.",
            show_default=False,
            metavar="HH:MM",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help="The data folder or workbook. Default: the one the day was planned from.",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    time_limit: TimeLimitOption = None,
    jobs: JobsOption = None,
    stations: Annotated[
        str | None,
        typer.Option(
            help="Only these stations (comma-separated ids); the others keep their plan.",
            show_default=False,
            metavar="IDS",
        ),
    ] = None,
    reproducible: ReproducibleOption = None,
    lang: LangOption = None,
    redact: RedactOption = False,
    no_log: NoLogOption = False,
    quiet: QuietOption = False,
) -> None:
    """Change the day's published plan as little as needed for today's changes.

    Workers whom no change touches keep their route, order and times (and their page,
    byte for byte) unless moving someone is what it takes to serve a client who would
    otherwise go without. The folder is replaced as a whole; the plan it held is kept
    in <DAY_FOLDER>.history/; changes.html says what changed for each worker.
    """
    from .clock import parse_clock
    from .continuity import earlier_plans
    from .day import MergeError, now
    from .pack import is_pack
    from .parallel import StationPool, default_jobs
    from .planjson import read_plan

    started = time.perf_counter()
    voice = _early_voice(lang, day_folder, quiet)
    from_time = None
    if at is not None:
        try:
            from_time = parse_clock(at)
        except ValueError:
            raise voice.fail("bad_at", EXIT_USAGE, value=at) from None
    plan_file = day_folder / "plan.json"
    if not plan_file.is_file() or not is_pack(day_folder):
        raise voice.fail("replan_no_plan", EXIT_NOTHING, path=str(day_folder))
    try:
        previous = read_plan(plan_file)
    except MealrouteError as error:
        raise voice.fail(
            "previous_unreadable", EXIT_NOTHING, path=str(day_folder), detail=error.text(voice.lang)
        ) from None
    if data is None:
        if not previous.data:
            raise voice.fail("replan_no_data", EXIT_USAGE, path=str(day_folder))
        data = Path(previous.data)
    if not data.exists():
        raise voice.fail("no_such_input", EXIT_NOTHING, path=str(data))
    if changes is not None and not changes.is_file():
        raise voice.fail("no_such_input", EXIT_NOTHING, path=str(changes))
    planned = Settings.from_dict(previous.settings)
    settings = _settings(
        data,
        voice,
        time_limit_s=time_limit,
        reproducible=reproducible,
        lang=lang.value if lang else planned.lang,
        tiles=planned.tiles,
    )
    voice = Voice(settings.lang, quiet=quiet)
    with contextlib.ExitStack() as resources:
        pool = resources.enter_context(StationPool(jobs or default_jobs()))
        pool.warm()
        threading.Thread(
            target=_prepare_pages, args=(settings.lang, pool.busy), daemon=True
        ).start()
        dataset = _read_input(data, settings, voice, changes=changes)
        only = _only_stations(stations, dataset, voice)
        log_path = None if no_log else day_folder.parent / f"{day_folder.name}.log"
        logger = _logger(log_path, voice)
        logger.info(
            f"start replan date={previous.date.isoformat()} from={previous.plan_id} "
            f"data={_quote(str(data))} out={_quote(str(day_folder))} version={__version__}"
        )
        try:
            with _terminate_on_sigterm():
                try:
                    result = _plan_with_progress(
                        dataset,
                        previous.date,
                        settings,
                        only=only,
                        pool=pool,
                        scheduler=None,
                        voice=voice,
                        logger=logger,
                        now=now(),
                        previous=previous,
                        history=earlier_plans(day_folder, previous.date),
                        at=from_time,
                    )
                except MergeError as error:
                    logger.error("end status=not-planned reason=settings")
                    raise voice.fail(
                        "replan_refused",
                        EXIT_NOTHING,
                        path=str(day_folder),
                        detail=error.message.text(voice.lang),
                    ) from None
                pool.release()
                result = dataclasses.replace(result, data=str(data.resolve()))
                written = _write(result, day_folder, settings, redact, voice, logger)
        except (KeyboardInterrupt, _Stop) as stop:
            logger.warning("end status=interrupted")
            _close(logger)
            raise _stopped(stop, voice) from None
        _print_summary(result, voice)
        revision = result.revision
        assert revision is not None
        voice.say(
            "replan_line",
            previous=previous.plan_id,
            moved=revision.moved,
            workers=len(revision.workers),
            retimed=revision.retimed,
            new=revision.newly_served,
            gone=revision.no_longer_served,
        )
        raise _written(
            result,
            day_folder,
            written,
            voice,
            logger,
            started,
            extra=f"moved={revision.moved} workers_changed={len(revision.workers)} ",
        )


def _read_input(
    data: Path, settings: Settings, voice: Voice, *, changes: Path | None = None
) -> Any:
    """The dataset of ``data`` (with a changes file's rows added), its problems printed.

    Stops the run when nothing can be planned (a table or file that cannot be used) or
    the road network cannot answer.
    """
    from .read.load import dataset_from_path, with_changes_file

    dataset = dataset_from_path(data, settings.datum)
    if changes is not None:
        dataset = with_changes_file(dataset, changes)
    for issue in dataset.issues:  # what was read from where is for `validate` to say
        if issue.severity != Severity.INFO:
            voice.issue(issue)
    fatal = [issue for issue in dataset.errors if issue.row is None]
    if fatal:
        if changes is not None and any(issue.file.endswith(changes.name) for issue in fatal):
            raise voice.fail("replan_changes_unread", EXIT_NOTHING, path=str(changes))
        raise voice.fail("nothing_planned", EXIT_NOTHING)
    _road_ready(settings, {w.mode for w in dataset.workers}, voice)
    return dataset


def _only_stations(stations: str | None, dataset: Any, voice: Voice) -> list[str] | None:
    """The station ids of ``--stations``; an id the data does not know stops the run."""
    from .day import unknown_stations

    only = [s.strip() for s in stations.split(",") if s.strip()] if stations else None
    if only:
        unknown = unknown_stations(dataset, only)
        if unknown:
            known = sorted({s.station_id for s in dataset.stations})
            raise voice.fail("unknown_stations", EXIT_USAGE, ids=unknown, known=known)
    return only


def _written(
    result: Plan,
    target: Path,
    written: list[Path],
    voice: Voice,
    logger: logging.Logger,
    started: float,
    *,
    extra: str = "",
) -> typer.Exit:
    """Say where the pack went, log the end, and the exit: 3 when anyone is unserved."""
    voice.say(
        "wrote_pack",
        n=len(written),
        path=str(target),
        index=str(target / "index.html"),
        plan_id=result.plan_id,
    )
    unserved = sum(len(s.unserved) for s in result.stations)
    failed = sum(1 for s in result.stations if s.error)
    code = EXIT_UNSERVED if unserved or failed else EXIT_OK
    clients = sum(s.clients for s in result.stations)
    logger.info(
        f"end status=written plan={result.plan_id} clients={clients} {extra}"
        f"unserved={unserved} failed={failed} exit={code} "
        f"seconds={time.perf_counter() - started:.1f}"
    )
    _close(logger)
    return typer.Exit(code)


def _road_ready(settings: Settings, modes: set[Any], voice: Voice) -> None:
    """A road network that cannot answer fails the run at once, not station by station."""
    from .model import TravelKind

    if settings.travel_source != TravelKind.ROAD:
        return
    from .roads.engine import RoadTravel

    try:
        RoadTravel.from_settings(settings).ready(modes)
    except MealrouteError as error:
        raise voice.fail_with(error, EXIT_NOTHING) from None


def _previous_plan(
    target: Path, only: Sequence[str] | None, day: dt.date, settings: Settings, voice: Voice
) -> Plan | None:
    """The plan already in the day's folder that re-planned stations go into, if any."""
    from .day import MergeError, check_mergeable
    from .pack import is_pack
    from .planjson import read_plan

    if not only or not (target / "plan.json").is_file() or not is_pack(target):
        return None
    try:
        previous = read_plan(target / "plan.json")
    except MealrouteError as error:
        raise voice.fail(
            "previous_unreadable", EXIT_NOTHING, path=str(target), detail=error.text(voice.lang)
        ) from None
    try:
        check_mergeable(previous, day, settings.to_dict())
    except MergeError as error:
        raise voice.fail(
            "merge_refused",
            EXIT_NOTHING,
            path=str(target),
            stations=list(only),
            detail=error.message.text(voice.lang),
        ) from None
    return previous


def _prepare_pages(lang: str, after: threading.Event | None = None) -> None:
    """Load the renderers ahead of time; a failure here is met again when drawing.

    With ``after``, only once it is set (or 5 s have passed): a station is sent to be
    planned 0.2 s sooner without this thread beside the one that sends it.
    """
    if after is not None:
        after.wait(5)
    from .render import prepare

    with contextlib.suppress(Exception):
        prepare(lang)


def _plan_with_progress(
    dataset: Any,
    day: dt.date,
    settings: Settings,
    *,
    only: Sequence[str] | None,
    pool: StationPool | None,
    scheduler: str | None,
    voice: Voice,
    logger: logging.Logger,
    now: dt.datetime,
    previous: Plan | None = None,
    history: Sequence[Plan] = (),
    at: int | None = None,
) -> Plan:
    from .cluster import ClusterError
    from .day import plan_dataset, replan_dataset

    count = len(only) if only else len(dataset.stations)
    with Progress(
        TextColumn(voice.words("planning")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=voice.quiet,
    ) as progress:
        task = progress.add_task("plan", total=count)

        def done(station: StationPlan) -> None:
            progress.advance(task)
            _log_station(logger, station, voice.lang)

        options: dict[str, Any] = {
            "stations": only,
            "pool": pool,
            "on_done": done,
            "planned_at": now,
            "scheduler": scheduler,
            "history": history,
        }
        if at is not None:
            options["at"] = at
        try:
            if previous is not None:
                return replan_dataset(dataset, previous, settings, **options)
            return plan_dataset(dataset, day, settings, **options)
        except ClusterError as error:
            logger.error(f"end status=not-planned reason={_quote(error.text(voice.lang))}")
            raise voice.fail_with(error, EXIT_NOTHING) from None


def _write(
    result: Plan,
    target: Path,
    settings: Settings,
    redact: bool,
    voice: Voice,
    logger: logging.Logger,
) -> list[Path]:
    from .pack import PackError, pack_plan

    try:
        return pack_plan(result, target, lang=settings.lang, tiles=settings.tiles, redact=redact)
    except PackError as error:
        logger.error(f"end status=not-written reason={_quote(str(error))}")
        raise voice.fail("pack_failed", EXIT_NOTHING, detail=str(error)) from None
    except Exception as error:  # noqa: BLE001 - drawing failed; nothing was swapped in
        logger.error(f"end status=not-written reason={_quote(type(error).__name__)}")
        raise voice.fail(
            "draw_failed", EXIT_NOTHING, detail=f"{type(error).__name__}: {error}"
        ) from None


def _clock(seconds: int | None) -> str:
    from .clock import format_clock

    return "-" if seconds is None else format_clock(seconds)


def _print_summary(plan: Plan, voice: Voice) -> None:
    if voice.quiet:
        return
    w = voice.words
    table = Table(title=w("summary_title", date=plan.date.isoformat()), title_justify="left")
    for code in (
        "col_station",
        "col_clients",
        "col_served",
        "col_unserved",
        "col_workers",
        "col_km",
    ):
        if code == "col_station":  # ids in full: a coordinator looks them up
            table.add_column(w(code), no_wrap=True, overflow="fold")
        else:
            table.add_column(w(code), justify="right")
    table.add_column(w("col_first_out"))
    table.add_column(w("col_last_back"))
    for station in plan.stations:
        trips = [t for route in station.routes for t in route.trips]
        km = sum(route.distance_m for route in station.routes) / 1000
        name = Text(safe(station.station_id))
        if station.error:
            name.append(" " + w("failed_mark"), style="red")
        table.add_row(
            name,
            str(station.clients),
            str(station.served),
            Text(str(len(station.unserved)), style="red" if station.unserved else ""),
            f"{len(station.busy_routes)}/{station.workers}",
            f"{km:.1f}",
            _clock(min((t.depart for t in trips), default=None)),
            _clock(max((t.return_ for t in trips), default=None)),
        )
    out.print(table)
    if plan.changes:  # ids only, as below
        from .messages import join
        from .messages.input import change_word

        kinds = Counter(str(change.kind) for change in plan.changes)
        counts = [
            w("changes_count", kind=change_word(kind), n=n) for kind, n in sorted(kinds.items())
        ]
        text = w("changes_line", n=len(plan.changes), counts=join(counts, voice.lang))
        out.print(Text(safe(text), style="cyan"))
    # Client ids and reasons only: names and health stay in the files the user asked for.
    for station in plan.stations:
        if station.error:
            text = w("station_failed_line", station=station.station_id, error=station.error)
            out.print(Text(safe(text), style="red"))
        for unserved in station.unserved:
            text = w(
                "unserved_line",
                station=station.station_id,
                client=unserved.client_id,
                reason=unserved.reason,
            )
            out.print(Text(safe(text), style="yellow"))
        if station.advice:
            out.print(Text(safe(_advice_line(station, voice)), style="cyan"))


def _advice_line(station: StationPlan, voice: Voice) -> str:
    """The station's best advice in one line, its worker named by id (no names here)."""
    from .messages.plan import advice_text

    best = station.advice[0]
    if "worker_id" in best.params:
        best = Message(best.code, {**best.params, "worker": best.params["worker_id"]})
    more = len(station.advice) - 1
    code = "advice_line_more" if more else "advice_line"
    return voice.words(
        code, station=station.station_id, advice=advice_text(best, voice.lang), more=more
    )


# ----------------------------------------------------------------- validate


@app.command()
def validate(
    data: DataPath,
    date: Annotated[
        str | None,
        typer.Option(
            help="Also check the clients due on this date.",
            show_default=False,
            metavar="YYYY-MM-DD",
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Check the input files: every problem at once, with file, row, column and value."""
    from .read.checks import validate_dataset
    from .read.load import dataset_from_path

    voice = _early_voice(lang, data)
    day = _parse_date(date, voice) if date else None
    if not data.exists():
        raise voice.fail("no_such_input", EXIT_NOTHING, path=str(data))
    settings = _settings(data, voice, lang=lang.value if lang else None)
    voice = Voice(settings.lang)
    dataset = dataset_from_path(data, settings.datum)
    issues = list(dataset.issues) + list(validate_dataset(dataset, date=day, settings=settings))
    if settings.travel_source == "road":
        from .roads.checks import road_issues

        issues += road_issues(dataset, settings)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    for issue in sorted(issues, key=lambda i: order[i.severity]):
        out.print(Text(safe(issue.text(voice.lang))))
    errors = sum(1 for i in issues if i.severity == Severity.ERROR)
    warnings = sum(1 for i in issues if i.severity == Severity.WARNING)
    voice.say(
        "validate_summary",
        stations=Message("n_stations", {"n": len(dataset.stations)}),
        workers=Message("n_workers", {"n": len(dataset.workers)}),
        clients=Message("n_clients", {"n": len(dataset.clients) + len(dataset.rejected)}),
        errors=Message("n_errors", {"n": errors}),
        warnings=Message("n_warnings", {"n": warnings}),
    )
    raise typer.Exit(EXIT_NOTHING if errors else EXIT_OK)


# ----------------------------------------------------------------- geocode


class GeocodeProvider(StrEnum):
    AMAP = "amap"
    BAIDU = "baidu"
    NOMINATIM = "nominatim"


# Requests per second when --rate is not given: within AMap's and Baidu's limits for a
# personal key (3 per second) and Nominatim's usage policy (1 per second).
_RATE = {"amap": 2.0, "baidu": 2.0, "nominatim": 1.0}


@app.command()
def geocode(
    data: DataPath,
    provider: Annotated[
        GeocodeProvider,
        typer.Option(
            help="amap (key in MEALROUTE_AMAP_KEY), baidu (MEALROUTE_BAIDU_AK, optional "
            "MEALROUTE_BAIDU_SK) or nominatim (your own server: --domain, --user-agent).",
            case_sensitive=False,
        ),
    ] = GeocodeProvider.AMAP,
    city: Annotated[
        str | None,
        typer.Option(help="Look addresses up in this city (e.g. 济南).", show_default=False),
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option(
            help="Host[:port] of the service: required for nominatim; for amap and baidu "
            "only to use another server than the public one.",
            show_default=False,
        ),
    ] = None,
    user_agent: Annotated[
        str | None,
        typer.Option(
            help="Name this client to the service (required for nominatim).", show_default=False
        ),
    ] = None,
    http: Annotated[
        bool, typer.Option("--http", help="Plain HTTP (a server on your own network).")
    ] = False,
    rate: Annotated[
        float | None,
        typer.Option(
            help="At most this many requests per second. Default: 2 (amap, baidu), 1 (nominatim).",
            min=0.01,
            max=50,
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for one answer.", min=0.05, max=120)
    ] = 10.0,
    check_datum: Annotated[
        int,
        typer.Option(
            help="Also look up this many rows per table that have coordinates, so that "
            "validate can tell coordinates in another datum than declared.",
            min=0,
            max=1000,
        ),
    ] = 0,
    lang: LangOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
) -> None:
    """Look up coordinates for rows that have an address and none (the data is not changed).

    The points go to DATA/geocoded/stations.csv and clients.csv with where each came
    from, how precise it is and what to check; plan and validate take them from there.
    Every answer is kept in DATA/geocoded/cache.sqlite, so an address is asked once.
    """
    from .geocode.fill import geocode_data
    from .geocode.providers import KEY_ENV, provider_from_env

    voice = _early_voice(lang, data, quiet)
    if not data.exists():
        raise voice.fail("no_such_input", EXIT_NOTHING, path=str(data))
    settings = _settings(data, voice, lang=lang.value if lang else None)
    voice = Voice(settings.lang, quiet=quiet)
    name = provider.value
    if name in KEY_ENV and not os.environ.get(KEY_ENV[name], "").strip():
        raise voice.fail(
            "geocode_needs_key", EXIT_USAGE, provider=Message(f"provider_{name}"),
            variable=KEY_ENV[name],
        )  # fmt: skip
    if name == "nominatim" and not (domain and user_agent):
        needed = [o for o, v in (("--domain", domain), ("--user-agent", user_agent)) if not v]
        raise voice.fail("geocode_needs_option", EXIT_USAGE, options=needed)
    try:
        service = provider_from_env(
            provider.value,
            domain=domain,
            scheme="http" if http else None,
            user_agent=user_agent,
            timeout=timeout,
        )
    except ValueError as error:
        raise voice.fail("geocode_setup", EXIT_USAGE, detail=str(error)) from None
    with _terminate_on_sigterm():
        outcome = geocode_data(
            data,
            service,
            datum=settings.datum["stations"],
            city=city,
            min_delay_s=1.0 / (rate or _RATE[provider.value]),
            lang=settings.lang,
            tiles=settings.tiles,
            stop_on=(KeyboardInterrupt, _Stop),
            check_datum=check_datum,
        )
    doubtful = [f for f in outcome.found if f.doubts]
    for found in doubtful:
        voice.note(
            voice.words(
                "geocode_row",
                table=Message(f"table_{found.wanted.table}"),
                row=found.wanted.row,
                id=found.wanted.ident,
                doubts="；".join(render(m, voice.lang) for m in found.doubts),
            ),
            "yellow",
        )
    if outcome.stopped is not None:
        voice.error(render(outcome.stopped, voice.lang))
    missing = [f for f in outcome.found if not f.wanted.has_point]
    located = sum(1 for f in missing if f.point is not None)
    voice.say(
        "geocode_summary",
        rows=len(missing),
        located=located,
        asked=outcome.requests,
        cached=outcome.from_cache,
        doubtful=len(doubtful),
        folder=str((data if data.is_dir() else data.parent) / "geocoded"),
    )
    if outcome.interrupted is not None:
        stopped = isinstance(outcome.interrupted, _Stop)
        raise typer.Exit(EXIT_TERMINATED if stopped else EXIT_INTERRUPTED)
    if outcome.stopped is not None:
        raise typer.Exit(EXIT_NOTHING)
    raise typer.Exit(EXIT_UNSERVED if doubtful else EXIT_OK)


# ----------------------------------------------------------------- sample


@app.command()
def sample(
    out_dir: Annotated[
        Path, typer.Argument(help="Folder to write the sample city into.", metavar="DIR")
    ],
    stations: Annotated[
        int, typer.Option(min=1, max=200, help="Stations (real Jinan streets).", metavar="N")
    ] = 8,
    clients_per_station: Annotated[
        int, typer.Option(min=1, max=500, help="Clients each.", metavar="N")
    ] = 40,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.", metavar="N")] = 1,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace existing files.")] = False,
    lang: LangOption = None,
) -> None:
    """Write a realistic synthetic city (stations at real Jinan street offices)."""
    from .sample import SampleExistsError, write_sample

    voice = Voice(lang.value if lang else Settings().lang)
    try:
        summary = write_sample(
            out_dir,
            stations=stations,
            clients_per_station=clients_per_station,
            seed=seed,
            overwrite=overwrite,
        )
    except SampleExistsError as error:
        raise voice.fail("sample_exists", EXIT_NOTHING, path=str(error.path)) from None
    except MealrouteError as error:
        raise voice.fail_with(error, EXIT_NOTHING) from None
    voice.say(
        "sample_wrote",
        stations=Message("n_stations", {"n": summary.stations}),
        workers=Message("n_workers", {"n": summary.workers}),
        clients=Message("n_clients", {"n": summary.clients}),
        path=str(out_dir),
    )


# ----------------------------------------------------------------- network

network_app = typer.Typer(
    help="Road networks: build one from OpenStreetMap, compare it with straight lines.",
    no_args_is_help=True,
)
app.add_typer(network_app, name="network")


class ProfileChoice(StrEnum):
    FOOT = "foot"
    BICYCLE = "bicycle"
    CAR = "car"


@network_app.command("build")
def network_build(
    extract: Annotated[
        Path,
        typer.Argument(
            help="OpenStreetMap extract of the city (.osm.pbf, .osm or .osm.bz2).",
            metavar="CITY.osm.pbf",
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="The network folder (kept and reused).", metavar="DIR"),
    ] = Path("network"),
    profile: Annotated[
        list[ProfileChoice] | None,
        typer.Option(
            help="Build only this profile (repeatable). Default: foot, bicycle and car.",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(min=1, help="OSRM's threads. Default: all cores.", show_default=False),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even from the same extract.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Prepare the road network once per profile (foot for walkers, bicycle, car).

    Every plan with travel.source = "road" reuses it; building again from the same
    file reuses what is there.
    """
    from .model import Profile
    from .roads import build_network

    voice = Voice(lang.value if lang else Settings().lang)
    profiles = [Profile(p.value) for p in profile] if profile else list(Profile)
    try:
        built = build_network(
            extract,
            out_dir,
            profiles,
            threads=threads,
            force=force,
            progress=lambda p, step: voice.note(
                voice.words("road_building", profile=str(p), step=step)
            ),
        )
    except MealrouteError as error:
        raise voice.fail_with(error, EXIT_NOTHING) from None
    for item in built:
        code = "road_reused" if item.reused else "road_built"
        voice.note(
            voice.words(code, profile=str(item.profile), seconds=item.seconds, path=str(item.path))
        )
    voice.note(voice.words("road_attribution"))
    voice.note(voice.words("road_use_it"))
    # What to paste into mealroute.toml goes to stdout: `... >> mealroute.toml` works.
    out.print(Text(f'[travel]\nsource = "road"\nnetwork = "{out_dir.resolve()}"'))


@network_app.command("calibrate")
def network_calibrate(
    data: DataPath,
    network: Annotated[
        Path | None,
        typer.Option(
            help="The network folder. Default: travel.network of the data's mealroute.toml.",
            show_default=False,
            metavar="DIR",
        ),
    ] = None,
    pairs: Annotated[
        int, typer.Option(min=1, max=10_000, help="Pairs per station and mode.", metavar="N")
    ] = 200,
    lang: LangOption = None,
) -> None:
    """Compare road distances with straight lines around each station.

    Suggests the detour factor per mode that makes the straight-line model match the
    streets, for stations that have no road data.
    """
    from .model import Mode
    from .read.load import dataset_from_path
    from .roads.calibrate import calibrate, suggested
    from .roads.engine import RoadTravel

    voice = _early_voice(lang, data)
    if not data.exists():
        raise voice.fail("no_such_input", EXIT_NOTHING, path=str(data))
    settings = _settings(data, voice, lang=lang.value if lang else None)
    voice = Voice(settings.lang)
    folder = str(network) if network else settings.network
    road = RoadTravel(
        dict(settings.speed_kmh),
        folder,
        {} if network else dict(settings.servers),
        settings.server_engine,
    )
    if not road.network and not road.servers:
        raise voice.fail("road_not_configured", EXIT_USAGE)
    dataset = dataset_from_path(data, settings.datum)
    for issue in dataset.errors:
        voice.issue(issue)
    modes = sorted({w.mode for w in dataset.workers}) or [Mode.WALK]
    stations = [
        (
            st.station_id,
            [(st.lat, st.lon)]
            + [(c.lat, c.lon) for c in dataset.clients if c.station_id == st.station_id],
        )
        for st in dataset.stations
    ]
    try:
        ratios = calibrate(stations, road, modes, pairs=pairs)
    except MealrouteError as error:
        raise voice.fail_with(error, EXIT_NOTHING) from None
    voice.say("calibrate_head", pairs=pairs)
    for ratio in ratios:
        mode = str(ratio.mode)
        if ratio.median is None:
            voice.say("calibrate_none", station=ratio.station_id, mode=mode)
            continue
        voice.say(
            "calibrate_row", station=ratio.station_id, mode=mode, median=ratio.median,
            low=ratio.low, high=ratio.high, pairs=ratio.pairs,
        )  # fmt: skip
    advice = suggested(ratios)
    if advice:
        voice.say("calibrate_suggest")
        factors = ", ".join(f"{mode} = {factor:g}" for mode, factor in sorted(advice.items()))
        out.print(Text(f"[travel]\ndetour_factor = {{ {factors} }}"))


# ----------------------------------------------------------------- render


@app.command("render")
def render_(
    plan_json: Annotated[
        Path, typer.Argument(help="A plan.json written by `mealroute plan`.", metavar="PLAN_JSON")
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The folder of the redrawn pack (plan.json is copied into it). "
            "Default: the folder of PLAN_JSON.",
            show_default=False,
            metavar="DIR",
        ),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option(help="Default: as planned.", show_default=False, case_sensitive=False),
    ] = None,
    tiles: Annotated[
        Tiles | None, typer.Option(help="Default: as planned.", show_default=False)
    ] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Show clients by surname and initial only.")
    ] = False,
) -> None:
    """Redraw the day's pack from its plan.json (e.g. in the other language)."""
    from .pack import PackError, pack_plan
    from .planjson import read_plan

    voice = Voice(lang.value if lang else Settings().lang)
    try:
        loaded = read_plan(plan_json)
        settings = Settings.from_dict(loaded.settings).replace(
            lang=lang.value if lang else None, tiles=tiles.value if tiles else None
        )
    except MealrouteError as error:
        raise voice.fail_with(error, EXIT_NOTHING) from None
    voice = Voice(settings.lang)
    target = out_dir or plan_json.parent
    try:
        with _terminate_on_sigterm():
            written = pack_plan(
                loaded, target, lang=settings.lang, tiles=settings.tiles, redact=redact
            )
    except (KeyboardInterrupt, _Stop) as stop:
        raise _stopped(stop, voice) from None
    except PackError as error:
        raise voice.fail("pack_failed", EXIT_NOTHING, detail=str(error)) from None
    except Exception as error:  # noqa: BLE001 - drawing failed; nothing was swapped in
        raise voice.fail(
            "draw_failed", EXIT_NOTHING, detail=f"{type(error).__name__}: {error}"
        ) from None
    voice.say(
        "rendered",
        n=len(written),
        path=str(target),
        index=str(target / "index.html"),
        plan_id=loaded.plan_id,
    )


# ----------------------------------------------------------------- entry point


def _lang_from_argv(argv: Sequence[str]) -> str:
    for k, word in enumerate(argv):
        value = word.split("=", 1)[1] if word.startswith("--lang=") else None
        if word == "--lang" and k + 1 < len(argv):
            value = argv[k + 1]
        if value in ("zh", "en"):
            return value
    return Settings().lang


def _hint(error: Any) -> str:
    """The option or argument a usage error is about, as the user typed it."""
    param = getattr(error, "param", None)
    if param is None:
        return str(getattr(error, "param_hint", "") or "")
    if getattr(param, "opts", None) and param.param_type_name == "option":
        return " / ".join(param.opts)
    return str(getattr(param, "metavar", None) or param.name or "").upper()


def _usage_text(error: Any, lang: str) -> str:
    """A usage error in ``lang``: the option, and what was wrong with it."""
    if isinstance(error, click.NoSuchOption):
        return render(Message("no_such_option", {"option": error.option_name}), lang)
    if isinstance(error, click.MissingParameter):
        return render(Message("missing_argument", {"what": _hint(error)}), lang)
    if isinstance(error, click.BadParameter):
        detail = str(error.message).removeprefix("Value error, ")
        return render(Message("bad_option_value", {"option": _hint(error), "detail": detail}), lang)
    return str(error.format_message())


def main() -> None:
    """Console-script entry point.

    Once a command has finished (its files written, its log closed) the process
    ends at once: tearing the interpreter down only frees memory the system frees
    anyway, and takes 0.2-0.3 s after a plan has loaded the renderers. That is
    skipped only when nothing is left running (no worker process, no other
    non-daemon thread); otherwise the usual exit runs.
    """
    try:
        app(prog_name="mealroute")
    except SystemExit as done:
        code = done.code
        if isinstance(code, bool) or not isinstance(code, int | None):
            raise
        _end_now(0 if code is None else code)
        raise


def _end_now(code: int) -> None:
    """``os._exit(code)`` after flushing everything, if nothing else is running."""
    import multiprocessing

    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if multiprocessing.active_children() or any(not t.daemon for t in others):
        return
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
