"""Stops gathered into places: one marker per door, or per building, on a map.

Clients of one compound often live in one building, or share one point when their
addresses were geocoded to the compound's gate. A map draws one marker per place
that lists its stops in visiting order, and a worker's lines run to that marker, so
no marker has to be moved off its point to be seen.

Two stops are one place when

- their points are the same to about a metre (:data:`SAME_POINT_M`), or
- their addresses name the same building (the address without its unit, floor and
  room: ``建设新村18号楼1单元401`` and ``建设新村18号楼2单元302`` are both
  ``建设新村18号楼``) and their points are within :data:`SAME_BUILDING_M` of each
  other (so two far-apart points with a careless address are not merged).

A place stands at the mean of its stops' points (within a few tens of metres of
each). Navigation links keep each stop's own point.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..coords import metres

SAME_POINT_M = 1.5
SAME_BUILDING_M = 60.0

# What follows the building in an address: unit, floor, room (单元, 层, 室, 户, 号房),
# a "1-402" style unit-room, and any spaces before them.
_UNIT_AND_ROOM = re.compile(
    r"\s*(?:(?:\d+|[一二三四五六七八九十]+)\s*(?:单元|層|层|楼层|室|户|號房|号房)|\d+\s*[-－—]\s*\d+\s*$).*$"
)
_SPACES = re.compile(r"\s+")


def building_of(address: str) -> str:
    """The building an address names: the address without unit, floor and room.

    ``"兴业路69号 建设新村18号楼1单元401"`` → ``"兴业路69号建设新村18号楼"``;
    ``"历下区文化东路12号3单元501"`` → ``"历下区文化东路12号"``. An address with no
    unit or room is its own building; ``""`` is no building.
    """
    building = _UNIT_AND_ROOM.sub("", address.strip())
    return _SPACES.sub("", building).casefold()


@dataclass(frozen=True)
class Located:
    """What :func:`group_places` needs of a stop: its number, point and address."""

    number: int
    lat: float
    lon: float
    address: str = ""


@dataclass(frozen=True)
class Place:
    """Stops that share a marker: their numbers in visiting order and where it stands."""

    lat: float
    lon: float
    numbers: tuple[int, ...]


def group_places(stops: Sequence[Located]) -> list[Place]:
    """Gather ``stops`` into places, in the order each place is first visited.

    A stop joins the first place that already holds a stop at the same point or in
    the same building within :data:`SAME_BUILDING_M` (see the module docstring).
    """
    groups: list[list[Located]] = []
    for stop in stops:
        building = building_of(stop.address)
        for group in groups:
            if any(_together(stop, other, building) for other in group):
                group.append(stop)
                break
        else:
            groups.append([stop])
    return [
        Place(
            lat=sum(s.lat for s in group) / len(group),
            lon=sum(s.lon for s in group) / len(group),
            numbers=tuple(s.number for s in group),
        )
        for group in groups
    ]


def _together(stop: Located, other: Located, building: str) -> bool:
    apart = metres((stop.lat, stop.lon), (other.lat, other.lon))
    if apart <= SAME_POINT_M:
        return True
    return bool(building) and apart <= SAME_BUILDING_M and building == building_of(other.address)
