"""routes.csv in the pack's language: Chinese headers and words, English column names."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from mealroute.output import ROUTES_COLUMNS, routes_csv_text, write_routes_csv
from tests.plan_factory import FORMULA_NAME, sample_plan


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def test_chinese_pack_has_chinese_headers_and_words() -> None:
    table = rows(routes_csv_text(sample_plan(), lang="zh"))
    assert list(table[0])[:6] == [
        "日期",
        "站点编号",
        "站点名称",
        "送餐员编号",
        "送餐员姓名",
        "交通方式",
    ]
    first = table[0]
    assert first["交通方式"] == "电动车"
    assert first["照护等级"] == "失能"
    assert first["餐型"] == "普通"
    assert table[1]["餐型"] == "清真、软食"
    assert table[1]["照护等级"] == "半失能"
    assert table[2]["照护等级"] == "自理"
    assert {row["交通方式"] for row in table} == {"电动车", "步行"}
    words = {v for row in table for v in row.values()}
    for english in ("regular", "disabled", "semi-disabled", "other", "ebike", "walk", "halal"):
        assert english not in words


def test_english_pack_keeps_the_column_names_of_earlier_versions() -> None:
    table = rows(routes_csv_text(sample_plan(), lang="en"))
    assert list(table[0]) == list(ROUTES_COLUMNS)
    assert table[0]["mode"] == "e-bike"
    assert table[0]["care_level"] == "disabled"
    assert table[1]["diet"] == "halal, soft"


def test_times_are_hh_mm_everywhere() -> None:
    table = rows(routes_csv_text(sample_plan(), lang="en"))
    for row in table:
        for column in ("trip_depart", "arrive", "start", "depart", "window_start", "window_end"):
            assert re.fullmatch(r"\d\d:\d\d", row[column]), (column, row[column])


def test_formula_text_stays_text_and_excel_keeps_chinese(tmp_path: Path) -> None:
    path = write_routes_csv(sample_plan(), tmp_path, lang="zh")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    names = [row["姓名"] for row in rows(raw.decode("utf-8-sig"))]
    assert "'" + FORMULA_NAME in names
