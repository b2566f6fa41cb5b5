"""Every sentence of the input side is a message code, in Chinese and English.

The catalogues must give each code in both languages with the same placeholders;
every code the input modules name must exist; lists and quotes read naturally in
each language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mealroute.messages import catalogue, render
from mealroute.messages.input import MESSAGES, and_list, choices, or_list, quoted_list
from mealroute.model import Issue, Message

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
MODULES = ("sources.py", "tables.py", "load.py", "rows.py", "checks.py", "csvfile.py", "xlsx.py")
PACKAGE = Path(__file__).resolve().parents[1] / "mealroute" / "read"


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_both_languages_have_the_same_placeholders(code: str) -> None:
    texts = catalogue()[code]
    assert set(texts) == {"en", "zh"}, code
    assert texts["en"].strip() and texts["zh"].strip(), code
    assert set(_PLACEHOLDER.findall(texts["en"])) == set(_PLACEHOLDER.findall(texts["zh"]))


def test_every_code_the_input_side_names_exists() -> None:
    named: set[str] = set()
    for module in MODULES:
        source = (PACKAGE / module).read_text(encoding="utf-8")
        named |= set(re.findall(r'Message\(\s*"([a-z_0-9]+)"', source))
        named |= set(re.findall(r'^\s*"([a-z_0-9]+)",?\s*$', source, re.MULTILINE)) & set(
            catalogue()
        )
    missing = sorted(code for code in named if code not in catalogue())
    assert missing == []
    assert "untranslated" not in catalogue()


@pytest.mark.parametrize("code", sorted(MESSAGES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_input_message_renders(code: str, lang: str) -> None:
    params: dict[str, object] = dict.fromkeys(_PLACEHOLDER.findall(MESSAGES[code]["en"]), "x")
    if "n" in params or "|" in MESSAGES[code]["en"]:
        params["n"] = 2
    text = render(Message(code, params), lang)
    assert "{" not in text and text.strip()


def test_lists_and_quotes_in_each_language() -> None:
    three = quoted_list(["性别", "年龄", "民族"])
    assert render(three, "en") == "'性别', '年龄' and '民族'"
    assert render(three, "zh") == "“性别”、“年龄”和“民族”"
    assert and_list([4]) == 4  # one item is the item itself
    assert render(and_list([1, 2]), "zh") == "1和2"
    assert render(or_list(["a", "b", "c"]), "en") == "a, b or c"
    many = quoted_list([f"c{i}" for i in range(12)], limit=3)
    assert render(many, "en") == "'c0', 'c1', 'c2', … (12 in all)"
    assert render(many, "zh") == "“c0”、“c1”、“c2”、…（共12个）"
    modes = choices({"walk": "walk", "步行": "walk", "car": "car", "汽车": "car"})
    assert render(modes, "en") == "walk (步行) or car (汽车)"
    assert render(modes, "zh") == "步行（walk）或汽车（car）"


def test_an_issue_reads_naturally_in_chinese() -> None:
    message = Message("coordinate_empty", {"what": Message("word_latitude")})
    issue = Issue("error", "clients.csv", 7, "纬度", "", message)
    assert issue.text("zh") == (
        "错误：clients.csv，第7行，“纬度”列，值“”：纬度为空，"
        "应填写经纬度（度；除非表头或 input.datum 另有说明，按 WGS-84）"
    )
    assert str(issue) == (
        "error: clients.csv, row 7, column '纬度', value '': latitude is empty; "
        "expected degrees (WGS-84 unless the header or input.datum says otherwise)"
    )


def test_an_issue_needs_a_message_not_text() -> None:
    with pytest.raises(TypeError, match="must be a Message"):
        Issue("error", "clients.csv", 7, None, None, "some text")  # type: ignore[arg-type]
