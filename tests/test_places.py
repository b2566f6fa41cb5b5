"""Stops gathered into places: one marker per door or building."""

from __future__ import annotations

import pytest

from mealroute.coords import metres
from mealroute.render.places import Located, building_of, group_places


@pytest.mark.parametrize(
    ("address", "building"),
    [
        ("兴业路69号 建设新村18号楼1单元401", "兴业路69号建设新村18号楼"),
        ("历下区文化东路12号3单元501", "历下区文化东路12号"),
        ("泉景家园16号楼1-402", "泉景家园16号楼"),
        ("民生路153号院", "民生路153号院"),
        ("12 Jingshi Road", "12jingshiroad"),
        ("", ""),
    ],
)
def test_building_of_drops_unit_floor_and_room(address: str, building: str) -> None:
    assert building_of(address) == building


def test_metres_between_nearby_points() -> None:
    assert metres((36.6600, 117.0200), (36.6610, 117.0200)) == pytest.approx(111.2, abs=0.5)


def test_same_point_or_same_building_share_a_place_in_visiting_order() -> None:
    stops = [
        Located(1, 36.6593, 117.0199, "兴业路69号 建设新村18号楼1单元401"),
        Located(2, 36.6700, 117.0300, "花园路146号"),
        Located(3, 36.6594, 117.0201, "兴业路69号 建设新村18号楼2单元302"),  # 20 m away
        Located(4, 36.6700, 117.0300, ""),  # the same point as stop 2, no address
        Located(5, 36.6620, 117.0199, "兴业路69号 建设新村18号楼3单元101"),  # 300 m: not merged
    ]
    places = group_places(stops)
    assert [place.numbers for place in places] == [(1, 3), (2, 4), (5,)]
    assert places[0].lat == pytest.approx((36.6593 + 36.6594) / 2)


def test_neighbours_with_other_addresses_keep_their_own_markers() -> None:
    stops = [
        Located(1, 36.6593, 117.0199, "建设新村18号楼1单元401"),
        Located(2, 36.6594, 117.0199, "建设新村19号楼1单元401"),
    ]
    assert [place.numbers for place in group_places(stops)] == [(1,), (2,)]
