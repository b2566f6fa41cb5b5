"""What `mealroute validate` says about the road network: doors and stations off it."""

from __future__ import annotations

from ..errors import MealrouteError
from ..model import PROFILE_OF, Client, Dataset, Issue, Message, Mode, Severity, Station
from ..settings import Settings
from .engine import UNREACHABLE_M, RoadTravel


def road_issues(dataset: Dataset, settings: Settings) -> list[Issue]:
    """Per station, warnings for points the planner would leave out on the road network.

    A station or a client farther than ``travel.snap_m`` from the nearest road of a
    mode its workers use, or with no road to or from the station. A network that
    cannot answer is one error.
    """
    try:
        road = RoadTravel.from_settings(settings)
        issues: list[Issue] = []
        for station in dataset.stations:
            issues += _station_issues(station, dataset, road, settings)
        return issues
    except MealrouteError as error:
        return [Issue(Severity.ERROR, "mealroute.toml", None, None, None, error.message)]


def _station_issues(
    station: Station, dataset: Dataset, road: RoadTravel, settings: Settings
) -> list[Issue]:
    clients = [c for c in dataset.clients if c.station_id == station.station_id]
    modes = {w.mode for w in dataset.workers if w.station_id == station.station_id}
    points = [(station.lat, station.lon)] + [(c.lat, c.lon) for c in clients]
    limit = round(settings.snap_m)
    issues: list[Issue] = []
    told: set[int] = set()
    for profile in sorted({PROFILE_OF[mode] for mode in modes or {Mode.WALK}}):
        legs, snapped = road.table(points, profile)
        if snapped[0] > settings.snap_m and 0 not in told:
            told.add(0)
            issues.append(
                _warning(station, "station_off_road", metres=round(snapped[0]), limit=limit)
            )
        for k, client in enumerate(clients, start=1):
            if k in told:
                continue
            if snapped[k] > settings.snap_m:
                told.add(k)
                issues.append(_warning(client, "off_road", metres=round(snapped[k]), limit=limit))
            elif max(legs[0, k], legs[k, 0]) >= UNREACHABLE_M:
                told.add(k)
                mode = min(m for m in modes or {Mode.WALK} if PROFILE_OF[m] == profile)
                issues.append(_warning(client, "no_road_route", mode=str(mode)))
    return issues


def _warning(record: Station | Client, code: str, **params: object) -> Issue:
    source = record.source
    fallback = "stations" if isinstance(record, Station) else "clients"
    file, row = (source.file, source.row) if source else (fallback, None)
    return Issue(Severity.WARNING, file, row, None, None, Message(code, params))
