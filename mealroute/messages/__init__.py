"""Every sentence mealroute says to a person, in Chinese and English.

A reason or a problem is a :class:`~mealroute.model.Message`: a stable code and its
parameters (``window_unreachable{window=11:00–11:10, earliest=11:18}``). plan.json
and the code keep the message; it becomes words only when shown, in the language of
the pack or the terminal, through :func:`render`. Nothing ranks or tests a message
by its words.

The catalogues live beside this module, one per part of the program:

- :mod:`.plan` - why a client is unserved, why a station failed;
- :mod:`.input` - what ``validate`` finds in the input files;
- :mod:`.cli` - what the command line prints.

Both languages have every code with the same placeholders (a test checks this).
Parameters are rendered by their name: ``mode`` is a travel mode, ``level`` a care
level, ``skills`` and ``diet`` lists of words, a nested message (or a list of them)
is rendered in the same language, a list of plain values is joined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any

from ..model import CareLevel, Message, Mode


class Lang(StrEnum):
    """A language mealroute speaks."""

    ZH = "zh"
    EN = "en"


LANGS = tuple(lang.value for lang in Lang)


def check_lang(lang: str) -> str:
    """Return ``lang`` if mealroute speaks it; raise ``ValueError`` otherwise."""
    if lang not in LANGS:
        raise ValueError(f"`lang` must be one of {', '.join(LANGS)}, got {lang!r}")
    return str(lang)


# ----------------------------------------------------------------- words

MODES: Mapping[str, Mapping[Mode, str]] = {
    "zh": {Mode.WALK: "步行", Mode.BIKE: "自行车", Mode.EBIKE: "电动车", Mode.CAR: "汽车"},
    "en": {Mode.WALK: "on foot", Mode.BIKE: "bicycle", Mode.EBIKE: "e-bike", Mode.CAR: "car"},
}

CARE_LEVELS: Mapping[str, Mapping[CareLevel, str]] = {
    "zh": {CareLevel.DISABLED: "失能", CareLevel.SEMI_DISABLED: "半失能", CareLevel.OTHER: "自理"},
    "en": {
        CareLevel.DISABLED: "disabled",
        CareLevel.SEMI_DISABLED: "semi-disabled",
        CareLevel.OTHER: "independent",
    },
}

#: The diets every kitchen knows, in the order lists show them.
KNOWN_DIETS = ("regular", "soft", "low-salt", "diabetic", "halal")

DIETS: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "regular": "普通",
        "soft": "软食",
        "low-salt": "低盐",
        "diabetic": "糖尿病餐",
        "halal": "清真",
    },
    "en": {
        "regular": "regular",
        "soft": "soft",
        "low-salt": "low-salt",
        "diabetic": "diabetic",
        "halal": "halal",
    },
}

SKILLS: Mapping[str, Mapping[str, str]] = {
    "zh": {"female": "女性", "wheelchair": "轮椅"},
    "en": {"female": "female", "wheelchair": "wheelchair"},
}


def mode_word(mode: Mode | str, lang: str) -> str:
    """A travel mode in words (zh 步行/自行车/电动车/汽车); an unknown value as it is."""
    try:
        return MODES[check_lang(lang)][Mode(mode)]
    except ValueError:
        return str(mode)


def care_word(level: CareLevel | str | None, lang: str) -> str:
    """A care level in words (zh 失能/半失能/自理); ``"—"`` when unknown."""
    check_lang(lang)
    if level is None or level == "":
        return "—"
    try:
        return CARE_LEVELS[lang][CareLevel(level)]
    except ValueError:
        return str(level)


def diet_word(word: str, lang: str) -> str:
    """One diet word in ``lang``; an unknown word as written."""
    return DIETS[check_lang(lang)].get(word, word)


def skill_word(word: str, lang: str) -> str:
    """One skill in ``lang``; an unknown skill as written."""
    return SKILLS[check_lang(lang)].get(word, word)


def join(items: Iterable[str], lang: str) -> str:
    """Words of a list: zh ``"甲、乙"``, en ``"a, b"``."""
    return ("、" if check_lang(lang) == "zh" else ", ").join(items)


def diet_words_sorted(diet: Iterable[str]) -> list[str]:
    """Diet words in the kitchen's order: halal first (it is packed apart), then the
    other known ones as :data:`KNOWN_DIETS` lists them, then others."""

    def rank(word: str) -> tuple[int, int, str]:
        known = KNOWN_DIETS.index(word) if word in KNOWN_DIETS else len(KNOWN_DIETS)
        return (word != "halal", known, word)

    return sorted(set(diet), key=rank)


# ----------------------------------------------------------------- catalogue


def _catalogue() -> dict[str, Mapping[str, str]]:
    from . import cli, geocode, input, plan, road

    merged: dict[str, Mapping[str, str]] = {}
    for part in (plan, input, cli, geocode, road):
        for code, texts in part.MESSAGES.items():
            if code in merged:
                raise RuntimeError(f"message code {code!r} is defined twice")
            merged[code] = texts
    return merged


_CATALOGUE: dict[str, Mapping[str, str]] | None = None


def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every message code with its template per language."""
    global _CATALOGUE  # noqa: PLW0603 - built once, on first use
    if _CATALOGUE is None:
        _CATALOGUE = _catalogue()
    return _CATALOGUE


def _list(values: Iterable[Any], lang: str, word: Callable[[str, str], str]) -> str:
    return join((word(str(v), lang) for v in values), lang)


# Parameters rendered by their name; every other value is shown as it is.
_BY_NAME: dict[str, Callable[[Any, str], str]] = {
    "mode": mode_word,
    "old_mode": mode_word,
    "level": care_word,
    "skills": lambda v, lang: _list(v, lang, skill_word),
    "diet": lambda v, lang: _list(diet_words_sorted(v), lang, diet_word),
}


def _value(name: str, value: Any, lang: str) -> str:
    if isinstance(value, Message):
        return render(value, lang)
    if name in _BY_NAME and value is not None:
        return _BY_NAME[name](value, lang)
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, Message) for v in value):
            separator = "；" if lang == "zh" else "; "
            return separator.join(render(v, lang) for v in value)
        return join((str(v) for v in value), lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(message: Message, lang: str = "en") -> str:
    """The words of ``message`` in ``lang``.

    Raises
    ------
    KeyError
        For a code no catalogue has (a programming error: it fails loudly).
    """
    check_lang(lang)
    try:
        template = catalogue()[message.code][lang]
    except KeyError:
        raise KeyError(f"no message {message.code!r} in language {lang!r}") from None
    values = {name: _value(name, value, lang) for name, value in message.params.items()}
    # A template may choose a form by count: "{n} client|{n} clients".
    if "|" in template and "n" in message.params:
        one, many = template.split("|", 1)
        template = one if message.params["n"] == 1 else many
    return template.format(**values)


# ----------------------------------------------------------------- issues

_SEVERITY = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}


def severity_word(severity: str, lang: str) -> str:
    """``error``/``warning``/``info`` in ``lang`` (zh 错误/警告/提示)."""
    return _SEVERITY[check_lang(lang)][str(severity)]


def where(
    file: str | None,
    row: int | None,
    column: str | None,
    lang: str,
    value: str | None = None,
) -> str:
    """Where a problem is: en ``clients.csv, row 7, column 'lat', value 'abc'``,
    zh ``clients.csv，第7行，“lat”列，值“abc”``."""
    if check_lang(lang) == "zh":
        parts = [
            file,
            f"第{row}行" if row is not None else None,
            f"“{column}”列" if column else None,
            f"值“{value}”" if value is not None else None,
        ]
        return "，".join(part for part in parts if part)
    parts = [
        file,
        f"row {row}" if row is not None else None,
        f"column {column!r}" if column else None,
        f"value {value!r}" if value is not None else None,
    ]
    return ", ".join(part for part in parts if part)


def render_issue(issue: Any, lang: str = "en") -> str:
    """An :class:`~mealroute.model.Issue` as one line: severity, where, and what.

    en ``error: clients.csv, row 7, column 'lat', value 'abc': ...``;
    zh ``错误：clients.csv，第7行，“lat”列，值“abc”：...``.
    """
    place = where(issue.file, issue.row, issue.column, lang, issue.value)
    colon = "：" if lang == "zh" else ": "
    head = severity_word(issue.severity, lang)
    return f"{head}{colon}{place}{colon}{render(issue.message, lang)}"
