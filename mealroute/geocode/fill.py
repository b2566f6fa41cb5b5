"""Coordinates for the rows that have an address but none: ``mealroute geocode``.

The coordinator's files are never changed. For every station and client row with an
address and no coordinates, the provider is asked (once ever: answers are kept in
``geocoded/cache.sqlite``), and ``geocoded/stations.csv`` and ``geocoded/clients.csv``
are written beside the data: per row its id, address, the point in WGS-84, where it
came from, how precise the provider says it is, the datum it answered in, and what
a person should check, and ``geocoded/review.html`` draws them on a map around their
stations, doubtful ones marked. :mod:`mealroute.read.load` takes the points from there for
rows whose coordinate cells are empty (and the same address), so ``plan`` and
``validate`` use them with no further step.

Requests are paced by geopy's ``RateLimiter``; what is transient (a time-out, "too
frequent", a server error) is retried after a pause; a spent quota or a refused key
stops the run with everything asked so far saved, and the next run goes on from there.
"""

from __future__ import annotations

import csv
import io
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderServiceError,
)
from geopy.extra.rate_limiter import RateLimiter

from ..atomic import write_text
from ..coords import Datum, metres, to_wgs84
from ..messages import render
from ..messages.input import DATUM_NAME
from ..model import Message
from ..read.tables import RawTable, TablesRead, tables_from_dir, tables_from_workbook
from ..read.words import cell_text
from .cache import GeocodeCache
from .providers import Answer, Level, Provider
from .sidecar import COLUMNS, GEOCODED_DIR

CACHE_FILE = "cache.sqlite"
FAR_KM = 3.0  # a geocoded client further than this from its station needs a look
VAGUE = frozenset({Level.STREET, Level.DISTRICT, Level.CITY, Level.UNKNOWN})
TABLES = ("stations", "clients")
_ID = {"stations": "station_id", "clients": "client_id"}


@dataclass(frozen=True)
class Wanted:
    """A row with an address and no coordinates."""

    table: str  # stations or clients
    row: int  # as the spreadsheet numbers it
    ident: str
    station: str  # the station the row belongs to (its own id for a station)
    address: str
    has_point: bool = False  # it has coordinates: looked up to check their datum


@dataclass(frozen=True)
class Found:
    """What geocoding one row gave."""

    wanted: Wanted
    answer: Answer | None
    point: tuple[float, float] | None  # WGS-84
    doubts: tuple[Message, ...] = ()
    asked: bool = False  # False: not asked (the run stopped before it, or it failed)
    provider: str = ""  # who answered


@dataclass
class Outcome:
    """What a run did."""

    found: list[Found] = field(default_factory=list)
    requests: int = 0  # sent to the provider
    from_cache: int = 0
    stopped: Message | None = None  # why the run stopped early (a spent quota, a refused key)
    files: tuple[Path, ...] = ()
    interrupted: BaseException | None = None  # the interrupt that stopped it, if one did


def wanted_rows(read: TablesRead, *, check_datum: int = 0) -> list[Wanted]:
    """The station and client rows that have an address and no coordinates.

    Every station with an address is looked up too, coordinates or not: the district
    its address is in is compared with its clients'. With ``check_datum``, also the
    first that many client rows that have both: their looked-up points tell whether
    the table's coordinates are in the datum they are read in (see
    :mod:`mealroute.read.load`).
    """
    rows: list[Wanted] = []
    for table in TABLES:
        raw = read.tables.get(table)
        if raw is None or not raw.has("address"):
            continue
        checks = 0
        for row in raw.rows:
            values = row.values
            address = cell_text(values.get("address"))
            has_point = cell_text(values.get("lat")) and cell_text(values.get("lon"))
            if not address:
                continue
            # A station is always looked up (one request each): its district is what
            # its clients' districts are compared with.
            if has_point and table != "stations":
                if checks >= check_datum:
                    continue
                checks += 1
            ident = cell_text(values.get(_ID[table]))
            station = ident if table == "stations" else cell_text(values.get("station_id"))
            rows.append(Wanted(table, row.row, ident, station, address, bool(has_point)))
    return rows


def _station_points(read: TablesRead, datum: Datum) -> dict[str, tuple[float, float]]:
    """The stations' points the table gives (WGS-84), by id and by name."""
    raw: RawTable | None = read.tables.get("stations")
    points: dict[str, tuple[float, float]] = {}
    if raw is None:
        return points
    for row in raw.rows:
        try:
            lat = float(cell_text(row.values.get("lat")))
            lon = float(cell_text(row.values.get("lon")))
        except ValueError:
            continue
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        point = to_wgs84(lat, lon, raw.datum or datum)
        for key in (cell_text(row.values.get("station_id")), cell_text(row.values.get("name"))):
            if key:
                points.setdefault(key, point)
    return points


def doubts_of(
    wanted: Wanted,
    answer: Answer | None,
    point: tuple[float, float] | None,
    home: object,
    district: str = "",
) -> tuple[Message, ...]:
    """What a person should check about one geocoded row.

    ``home`` is the point of the row's station (WGS-84), ``district`` the district the
    provider placed the station's address in ("" when unknown).
    """
    if answer is None or point is None:
        return (Message("geocode_no_result"),)
    said: list[Message] = []
    if answer.level in VAGUE:
        said.append(Message("geocode_vague", {"level": answer.provider_level or answer.level}))
    if answer.candidates > 1:
        said.append(Message("geocode_candidates", {"n": answer.candidates}))
    if wanted.table == "clients" and isinstance(home, tuple):
        km = metres(point, home) / 1000
        if km > FAR_KM:
            said.append(Message("geocode_far", {"km": f"{km:.1f}", "limit": f"{FAR_KM:g}"}))
    if wanted.table == "clients" and district and answer.district and answer.district != district:
        said.append(
            Message("geocode_other_district", {"district": answer.district, "station": district})
        )
    return tuple(said)


def geocode_data(
    data: Path,
    provider: Provider,
    *,
    datum: Datum = Datum.WGS84,
    city: str | None = None,
    min_delay_s: float = 0.5,
    retries: int = 2,
    retry_wait_s: float = 5.0,
    lang: str = "zh",
    tiles: str = "osm",
    sleep: Callable[[float], None] = time.sleep,
    on_found: Callable[[Found], None] | None = None,
    stop_on: tuple[type[BaseException], ...] = (KeyboardInterrupt,),
    check_datum: int = 0,
) -> Outcome:
    """Geocode every row of ``data`` that has an address and no coordinates.

    Parameters
    ----------
    data
        A data folder, or one workbook (the results go beside it).
    provider
        The service to ask (:func:`mealroute.geocode.providers.make_provider`).
    datum
        The datum of the stations table's own coordinates (``input.datum``).
    city
        The city to narrow the search to, where the provider can.
    min_delay_s
        At least this long between two requests (the service's rate limit).
    retries, retry_wait_s
        A transient failure is tried again this many times, after this pause
        (doubled each time).
    lang, tiles
        The language of the written files, and the review page's map tiles.
    on_found
        Called with each row's result as it comes (progress).
    check_datum
        Also look up this many rows per table that have coordinates, so that
        ``validate`` can tell coordinates in another datum than declared.
    stop_on
        Interrupts that end the run early, like a spent quota: what was found is
        written, the other rows say they were not asked (``Outcome.interrupted``).

    Returns
    -------
    Outcome
        Every wanted row with its result, and whether the run stopped early. The
        files are written also when it stopped: the rows not asked yet are in them,
        without coordinates.
    """
    data = Path(data)
    folder = data if data.is_dir() else data.parent
    read = tables_from_dir(data) if data.is_dir() else tables_from_workbook(data)
    wanted = wanted_rows(read, check_datum=check_datum)
    homes = _station_points(read, datum)
    out = folder / GEOCODED_DIR
    outcome = Outcome()
    districts: dict[str, str] = {}  # station id -> the district of its address
    ask = RateLimiter(
        provider.geocoder.geocode,
        min_delay_seconds=min_delay_s,
        max_retries=0,
        swallow_exceptions=False,
    )
    with GeocodeCache(out / CACHE_FILE) as cache:
        for item in wanted:  # stations first: their points place the clients
            found = Found(item, None, None, (Message("geocode_not_asked"),))
            if outcome.stopped is None:
                try:
                    found = _one(item, provider, cache, ask, city, homes, districts,
                                 outcome, sleep, retries, retry_wait_s)  # fmt: skip
                except stop_on as stop:  # Ctrl-C, SIGTERM: keep what was found, write it
                    outcome.stopped = Message("geocode_interrupted")
                    outcome.interrupted = stop
            if found.wanted.table == "stations" and found.point is not None:
                homes.setdefault(found.wanted.ident, found.point)
                if found.answer is not None and found.answer.district:
                    districts[found.wanted.ident] = found.answer.district
            outcome.found.append(found)
            if on_found is not None:
                on_found(found)
    outcome.files = tuple(_write(out, outcome.found, lang))
    if outcome.found:
        from .review import write_review  # it draws Found rows: imported here, not above

        ids = {f.wanted.ident for f in outcome.found if f.wanted.table == "stations"}
        ids |= _station_ids(read)
        shown = {k: v for k, v in homes.items() if k in ids}
        review = write_review(out / "review.html", outcome.found, shown, lang=lang, tiles=tiles)
        outcome.files = (*outcome.files, review)
    return outcome


def _station_ids(read: TablesRead) -> set[str]:
    raw = read.tables.get("stations")
    if raw is None:
        return set()
    return {cell_text(row.values.get("station_id")) for row in raw.rows} - {""}


def _one(
    item: Wanted,
    provider: Provider,
    cache: GeocodeCache,
    ask: Callable[..., object],
    city: str | None,
    homes: dict[str, tuple[float, float]],
    districts: dict[str, str],
    outcome: Outcome,
    sleep: Callable[[float], None],
    retries: int,
    retry_wait_s: float,
) -> Found:
    known, answer = cache.get(provider.name, item.address, city)
    if known:
        outcome.from_cache += 1
    else:
        wait = retry_wait_s
        for attempt in range(retries + 1):
            outcome.requests += 1
            try:
                answer = provider.answer(ask(**provider.query(item.address, city=city)))
                break
            except GeocoderQuotaExceeded:
                outcome.stopped = Message(
                    "geocode_quota", {"provider": Message(f"provider_{provider.name}")}
                )
                return Found(item, None, None, (Message("geocode_not_asked"),))
            except (GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges):
                outcome.stopped = Message(
                    "geocode_refused", {"provider": Message(f"provider_{provider.name}")}
                )
                return Found(item, None, None, (Message("geocode_not_asked"),))
            except (GeocoderQueryError, GeocoderParseError):
                # This address, not the service: say so and go on with the others.
                return Found(item, None, None, (Message("geocode_unreadable"),), asked=True)
            except GeocoderServiceError:  # time-outs, "too frequent", 5xx: wait and retry
                if attempt == retries:
                    return Found(item, None, None, (Message("geocode_failed"),), asked=True)
                sleep(wait)
                wait *= 2
        cache.put(provider.name, item.address, city, answer)
    point = None if answer is None else to_wgs84(answer.lat, answer.lon, answer.datum)
    home = homes.get(item.station)
    doubts = doubts_of(item, answer, point, home, districts.get(item.station, ""))
    return Found(item, answer, point, doubts, asked=True, provider=provider.name)


def _write(out: Path, found: Sequence[Found], lang: str) -> Iterable[Path]:
    english = lang == "en"
    header = [en if english else zh for en, zh in COLUMNS]
    for table in TABLES:
        rows = [f for f in found if f.wanted.table == table]
        path = out / f"{table}.csv"
        if not rows:
            path.unlink(missing_ok=True)  # nothing geocoded there any more
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        for f in rows:
            a = f.answer
            writer.writerow(
                [
                    f.wanted.ident,
                    f.wanted.station,
                    f.wanted.address,
                    "" if f.point is None else f"{f.point[0]:.7f}",
                    "" if f.point is None else f"{f.point[1]:.7f}",
                    "" if a is None else render(Message(f"provider_{f.provider}"), lang),
                    "" if a is None else render(Message(f"level_{a.level.value}"), lang),
                    "" if a is None else a.provider_level,
                    "" if a is None or a.confidence is None else a.confidence,
                    "" if a is None else a.candidates,
                    "" if a is None else render(DATUM_NAME[a.datum], lang),
                    "" if a is None else a.matched,
                    "；".join(render(m, lang) for m in f.doubts),
                    f.wanted.row,
                ]
            )
        # UTF-8 with a BOM: Excel on Chinese Windows opens it without garbling.
        write_text(path, "\ufeff" + buffer.getvalue())
        yield path
