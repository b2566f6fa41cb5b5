"""Labels, dates, times and amounts in Chinese and English."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mealroute.model import CareLevel, Mode
from mealroute.render.i18n import (
    LABELS,
    LANGS,
    care_level_label,
    diet_label,
    diet_words,
    format_date,
    format_distance,
    format_duration,
    format_meals,
    format_time,
    format_window,
    label,
    mode_label,
)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_both_languages_have_the_same_keys() -> None:
    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert set(LABELS) == set(LANGS)


@pytest.mark.parametrize("key", sorted(LABELS["en"]))
def test_every_label_is_filled_and_has_the_same_placeholders(key: str) -> None:
    zh, en = LABELS["zh"][key], LABELS["en"][key]
    assert zh.strip()
    assert en.strip()
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
        format_time(0, "de")


def test_placeholders_are_filled() -> None:
    assert (
        label("trip_header", "en", n=2, time="11:40", meals=format_meals(6, "en"))
        == "Trip 2 — depart 11:40, 6 meals"
    )
    assert label("trip_header", "zh", n=2, time="11:40", meals=format_meals(6, "zh")) == (
        "第2趟 — 11:40 出发，6份"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_time_is_a_24_hour_clock_and_drops_seconds(lang: str) -> None:
    assert format_time(11 * 3600 + 5 * 60, lang) == "11:05"
    assert format_time(12 * 3600 + 29 * 60 + 59, lang) == "12:29"
    assert format_time(0, lang) == "00:00"
    assert format_window((11 * 3600, 12 * 3600 + 1800), lang) == "11:00–12:30"


def test_dates_in_local_form() -> None:
    day = dt.date(2026, 12, 1)
    assert format_date(day, "zh") == "2026年12月1日 星期二"
    assert format_date(day, "en") == "Tue 1 Dec 2026"
    assert format_date(dt.date(2027, 1, 3), "zh") == "2027年1月3日 星期日"


def test_care_levels() -> None:
    assert [care_level_label(level, "zh") for level in CareLevel] == ["失能", "半失能", "其他"]
    assert care_level_label("semi-disabled", "en") == "semi-disabled"
    assert care_level_label(None, "zh") == "—"


def test_modes() -> None:
    assert [mode_label(mode, "zh") for mode in Mode] == ["步行", "自行车", "电动车", "汽车"]
    assert mode_label("ebike", "en") == "e-bike"


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
