"""Rendering messages: Chinese templates, parameters by name, plurals, JSON, issues.

(That every code has both languages with the same placeholders is checked in
``test_input_messages.py``, for every catalogue.)"""

from __future__ import annotations

import re
import string

import pytest

from mealroute.messages import catalogue, render, render_issue
from mealroute.model import Issue, Message, Severity

_FIELDS = string.Formatter()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in _FIELDS.parse(template) if name}


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_chinese_templates_are_chinese(code: str) -> None:
    zh = catalogue()[code]["zh"]
    words = re.sub(r"\{\w+\}", "", zh)
    if not words.strip():
        return  # only a placeholder: technical words (an exception's) with no translation
    assert re.search(r"[\u2018-\u201f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", words), code


def test_parameters_are_rendered_by_name_in_the_language() -> None:
    too_far = Message("too_far", {"minutes": 75, "mode": "walk", "limit": 60})
    assert "步行" in render(too_far, "zh") and "(on foot)" in render(too_far, "en")
    skills = Message("skill_missing", {"skills": ["female", "wheelchair"]})
    assert render(skills, "zh") == "没有具备“女性、轮椅”技能的送餐员"
    nested = Message("station_failed", {"error": Message("process_died", {"how": "signal 9"})})
    assert render(nested, "zh") == "站点无法规划：规划进程意外终止（signal 9），其他站点已正常规划"


def test_plural_forms_follow_n() -> None:
    assert render(Message("n_clients", {"n": 1}), "en") == "1 client"
    assert render(Message("n_clients", {"n": 3}), "en") == "3 clients"
    assert render(Message("n_clients", {"n": 3}), "zh") == "3位服务对象"


def test_an_unknown_code_fails_loudly() -> None:
    with pytest.raises(KeyError, match="no_such_code"):
        render(Message("no_such_code"), "en")
    with pytest.raises(ValueError, match="'fr'"):
        render(Message("ran_out"), "fr")


def test_messages_round_trip_through_json() -> None:
    message = Message(
        "row_rejected",
        {"file": "clients.csv", "row": 7, "problems": [Message("ran_out"), Message("ran_out")]},
    )
    assert Message.from_json(message.to_json()) == message


def test_issues_say_where_in_each_language() -> None:
    issue = Issue(Severity.ERROR, "clients.csv", 7, "纬度", "abc", Message("ran_out"))
    assert render_issue(issue, "en").startswith("error: clients.csv, row 7, column '纬度', value")
    assert render_issue(issue, "zh").startswith("错误：clients.csv，第7行，“纬度”列，值“abc”：")
