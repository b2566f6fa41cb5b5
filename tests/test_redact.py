"""--redact: clients by surname and initial, no client phones or notes."""

from __future__ import annotations

import dataclasses

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mealroute.planjson import plan_schema, plan_to_dict
from mealroute.render.index import render_index
from mealroute.render.kitchen import render_kitchen_list
from mealroute.render.redact import COMPOUND_SURNAMES, redact_name, redact_plan
from mealroute.render.sheets import render_route_sheets
from tests.plan_factory import INJECTED_NAME, all_stops, sample_plan


@pytest.mark.parametrize(
    ("name", "redacted"),
    [
        ("王建国", "王某"),
        ("李娜", "李某"),
        ("王", "王某"),
        ("欧阳秀英", "欧阳某"),
        ("司马光", "司马某"),
        ("诸葛亮", "诸葛某"),
        ("歐陽修", "歐陽某"),
        ("欧阳", "欧某"),  # two characters: surname 欧, given name 阳
        ("王建国（老伴）", "王某"),
        (" 王建国 ", "王某"),
        ("Dr. 王建国", "王某"),
        ("买买提·艾力", "买·艾力"),
        ("Alice Smith", "A. Smith"),
        ("Alice Mary Smith", "A. Smith"),
        ("Smith, Alice", "A. Smith"),
        ("WANG Jianguo", "J. WANG"),
        ("alice", "A."),
        ("", ""),
        ("   ", ""),
        (INJECTED_NAME, "I. onerror=alert(1)>"),
    ],
)
def test_redact_name(name: str, redacted: str) -> None:
    assert redact_name(name) == redacted


def test_compound_surnames_are_two_characters() -> None:
    assert all(len(surname) == 2 for surname in COMPOUND_SURNAMES)
    assert {"欧阳", "司马", "诸葛"} <= COMPOUND_SURNAMES


@given(st.text(max_size=30))
def test_redacting_twice_is_redacting_once(name: str) -> None:
    once = redact_name(name)
    assert redact_name(once) == once


@given(
    st.sampled_from("王李张刘陈杨赵黄周吴"),
    st.text(alphabet="建国秀英华明丽强军芳", min_size=1, max_size=3),
)
def test_chinese_given_name_never_shows(surname: str, given_name: str) -> None:
    assert redact_name(surname + given_name) == surname + "某"


def test_redact_plan_drops_client_phones_notes_and_names() -> None:
    plan = sample_plan()
    redacted = redact_plan(plan)
    before, after = all_stops(plan), all_stops(redacted)
    assert [stop.name for stop in after] == [
        "王某",
        "欧阳某",
        "I. onerror=alert(1)>",
        "A. Smith",
        "C. calc'!A0",
        "李某",
        "赵某",
        "孙某",
    ]
    assert all(stop.phone == "" and stop.notes == "" for stop in after)
    for old, new in zip(before, after, strict=True):
        # Everything needed to bring the right meal to the right door stays.
        assert dataclasses.replace(new, name=old.name, phone=old.phone, notes=old.notes) == old
    unserved = [u for station in redacted.stations for u in station.unserved]
    assert [(u.name, u.phone) for u in unserved] == [("周某", ""), ("钱某", "")]
    assert [u.address for u in unserved] == ["历城区远郊路99号", "市中区和平路20号"]
    assert redacted.warnings == ()


def test_redact_plan_keeps_workers_stations_and_the_day() -> None:
    plan = sample_plan()
    redacted = redact_plan(plan)
    assert redacted.date == plan.date
    for old, new in zip(plan.stations, redacted.stations, strict=True):
        assert (new.station_id, new.name, new.phone, new.address, new.error) == (
            old.station_id,
            old.name,
            old.phone,
            old.address,
            old.error,
        )
        for old_route, new_route in zip(old.routes, new.routes, strict=True):
            assert (new_route.name, new_route.phone) == (old_route.name, old_route.phone)
            assert new_route.distance_m == old_route.distance_m
            assert [t.depart for t in new_route.trips] == [t.depart for t in old_route.trips]


def test_redacted_plan_is_still_a_valid_plan_json() -> None:
    jsonschema.validate(plan_to_dict(redact_plan(sample_plan())), plan_schema())


def test_redacted_pages_hold_no_names_phones_or_notes() -> None:
    plan = redact_plan(sample_plan())
    station = plan.stations[0]
    pages = [
        render_index(plan, lang="zh"),
        render_route_sheets(plan, station, lang="zh"),
        render_kitchen_list(plan, station, lang="zh"),
    ]
    secrets = ["王建国", "欧阳秀英", "Alice", "周大福", "13800000001", "13800000009", "敲门后稍等"]
    for page in pages:
        for secret in secrets:
            assert secret not in page
    assert "王某" in pages[1]
    assert "历下区文化东路12号3单元501" in pages[1]


def test_redacted_map_pages_hold_no_names_phones_or_notes_even_in_their_data() -> None:
    from mealroute.render.maps import render_station_map, render_worker_map

    plan = redact_plan(sample_plan())
    station = plan.stations[0]
    pages = [render_station_map(plan, station, lang="zh", tiles="osm")]
    pages += [
        render_worker_map(plan, station, route, lang="zh", tiles="osm") for route in station.routes
    ]
    secrets = ["王建国", "欧阳秀英", "Alice", "周大福", "13800000001", "13800000009", "敲门后稍等"]
    for page in pages:
        for secret in secrets:
            assert secret not in page  # in the HTML and in the map's JSON
    assert "王某" in pages[1]
