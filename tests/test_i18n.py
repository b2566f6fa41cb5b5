"""Labels, dates, times and amounts in Chinese and English."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mealroute import messages
from mealroute.clock import format_clock
from mealroute.model import CareLevel, Mode
from mealroute.render import i18n
from mealroute.render.i18n import (
    LABELS,
    LANGS,
    diet_label,
    diet_words,
    format_date,
    format_distance,
    format_duration,
    format_meals,
    format_moment,
    format_window,
    label,
    plan_stamp,
)
from tests.plan_factory import sample_plan

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _base(keys: set[str]) -> set[str]:
    return {key.removesuffix("_one") for key in keys}


def test_both_languages_have_the_same_keys() -> None:
    # English alone has "_one" forms (1 stop, 2 stops).
    assert _base(set(LABELS["zh"])) == _base(set(LABELS["en"])) == set(LABELS["zh"])
    assert set(LABELS) == set(LANGS)


@pytest.mark.parametrize("key", sorted(LABELS["en"]))
def test_every_label_is_filled_and_has_the_same_placeholders(key: str) -> None:
    zh, en = LABELS["zh"][key.removesuffix("_one")], LABELS["en"][key]
    assert zh.strip()
    assert en.strip()
    if key.endswith("_one"):  # "1 stop" may leave out the {n} that "{n} stops" has
        assert set(_PLACEHOLDER.findall(en)) <= set(_PLACEHOLDER.findall(zh))
    else:
        assert set(_PLACEHOLDER.findall(zh)) == set(_PLACEHOLDER.findall(en))


def test_chinese_labels_are_chinese() -> None:
    assert label("planned_arrival", "zh") == "预计到达"
    assert label("delivered", "en").startswith("Delivered")


def test_missing_key_fails_loudly() -> None:
    with pytest.raises(KeyError, match="no_such_label"):
        label("no_such_label", "zh")


def test_unknown_language_fails() -> None:
    with pytest.raises(ValueError, match="'fr'"):
        label("name", "fr")
    with pytest.raises(ValueError, match="'de'"):
        format_date(dt.date(2026, 12, 1), "de")


def test_placeholders_are_filled() -> None:
    assert (
        label("trip_header", "en", n=2, time="11:40", meals=format_meals(6, "en"))
        == "Trip 2 — depart 11:40, 6 meals"
    )
    assert label("trip_header", "zh", n=2, time="11:40", meals=format_meals(6, "zh")) == (
        "第2趟 — 11:40 出发，6份"
    )


def test_time_is_a_24_hour_clock_and_drops_seconds() -> None:
    assert format_clock(11 * 3600 + 5 * 60) == "11:05"
    assert format_clock(12 * 3600 + 29 * 60 + 59) == "12:29"
    assert format_clock(0) == "00:00"
    assert format_window((11 * 3600, 12 * 3600 + 1800)) == "11:00–12:30"


@pytest.mark.parametrize("lang", LANGS)
def test_pages_format_times_with_the_one_clock_formatter(lang: str) -> None:
    environment = i18n.html_environment(lang)
    assert environment.filters["time"] is format_clock
    rendered = environment.from_string("{{ 39622|time }} {{ (39600, 45000)|window }}").render()
    assert rendered == "11:00 11:00–12:30"  # 11:00:22 shows as 11:00, never 11:00:22


def test_plan_stamp_names_the_plan_and_when_it_was_made() -> None:
    plan = sample_plan()
    assert plan_stamp(plan, "zh") == "计划编号 5e1f2a3b · 12月1日 09:05 生成"
    assert plan_stamp(plan, "en") == "Plan 5e1f2a3b · made 1 Dec 09:05"
    assert format_moment(dt.datetime(2026, 11, 30, 18, 7, 59), "zh") == "11月30日 18:07"
    assert plan_stamp(dt_free_plan(), "zh") == ""


def dt_free_plan():
    import dataclasses

    return dataclasses.replace(sample_plan(), plan_id="", planned_at=None)


def test_dates_in_local_form() -> None:
    day = dt.date(2026, 12, 1)
    assert format_date(day, "zh") == "2026年12月1日 星期二"
    assert format_date(day, "en") == "Tue 1 Dec 2026"
    assert format_date(dt.date(2027, 1, 3), "zh") == "2027年1月3日 星期日"


def test_care_levels_modes_and_diets_have_one_home() -> None:
    # The words come from mealroute.messages; the pages' filters are those functions.
    environment = i18n.html_environment("zh")
    care = environment.from_string("{{ 'other'|care }} {{ 'ebike'|mode }}").render()
    assert care == "自理 电动车"
    assert [messages.care_word(level, "zh") for level in CareLevel] == ["失能", "半失能", "自理"]
    assert [messages.mode_word(mode, "zh") for mode in Mode] == ["步行", "自行车", "电动车", "汽车"]
    for name in ("_CARE_LEVELS", "_MODES", "_DIETS", "KNOWN_DIETS", "care_level_label"):
        assert not hasattr(i18n, name), f"render.i18n still has its own {name}"


def test_diets_translated_and_unknown_words_kept() -> None:
    assert diet_label({"regular"}, "zh") == "普通"
    assert diet_label({"soft", "halal"}, "zh") == "清真、软食"
    assert diet_label({"diabetic", "low-salt"}, "en") == "low-salt, diabetic"
    assert diet_label({"无麸质", "soft"}, "zh") == "软食、无麸质"
    assert diet_label(set(), "zh") == "普通"


def test_diet_words_halal_first_then_the_kitchen_order() -> None:
    assert diet_words({"soft", "halal"}) == ("halal", "soft")
    assert diet_words({"gluten-free"}) == ("gluten-free",)


def test_amounts() -> None:
    assert format_meals(1, "en") == "1 meal"
    assert format_meals(3, "zh") == "3份"
    assert format_distance(850, "en") == "850 m"
    assert format_distance(3240, "en") == "3.2 km"
    assert format_distance(3240, "zh") == "3.2公里"
    assert format_duration(65 * 60, "en") == "1 h 5 min"
    assert format_duration(65 * 60, "zh") == "1小时5分钟"
    assert format_duration(40, "zh") == "1分钟"
