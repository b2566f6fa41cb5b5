"""The words in cells: how names, numbers, phones, diets, skills and days are read.

Everything here turns one cell value (text, or a number or time Excel stored) into
what it means, and knows nothing about files, rows or messages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from ..model import REGULAR, WEEKDAYS, Diet, diet_of
from .columns import DAY_SETS, DIETS, SKILLS, WEEKDAY_WORDS


def key(text: str) -> str:
    """The form in which names and value words are compared.

    NFKC (full-width to half-width), case-folded, without spaces, ``_`` or ``-``:
    ``"Semi_Disabled"``, ``"semi-disabled"`` and ``"ｓｅｍｉ disabled"`` all give
    ``"semidisabled"``.
    """
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).casefold())


_BRACKETED = re.compile(r"[(\[{【〔<《].*?[)\]}】〕>》]")


def header_key(text: str) -> str:
    """:func:`key` of a header, also without a BOM, ``*`` marks and a bracketed unit."""
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    text = _BRACKETED.sub("", text).replace("*", "").strip().rstrip(":")
    return key(text)


def cell_text(value: object) -> str:
    """A cell as text: ``None`` -> ``""``, Excel's ``1.0`` -> ``"1"``, strings stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value).strip()


def keyed(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """``mapping`` with its keys in :func:`key` form, for case-insensitive look-ups."""
    return {key(word): value for word, value in mapping.items()}


# ----------------------------------------------------------------------- numbers

_SPACES = re.compile(r"\s+")


def number_of(value: object) -> float | None:
    """A cell as a number, or ``None`` when it is not one.

    Excel numbers as they are; text NFKC-normalised (full-width digits, ``．`` and
    ``－``), spaces removed anywhere (``"36. 655"``), a trailing ``°`` dropped.
    ``nan`` and infinities are not numbers.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _SPACES.sub("", unicodedata.normalize("NFKC", cell_text(value))).rstrip("°")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


_DECIMAL_ZERO = re.compile(r"^(\d+)\.0+$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def phone_text(value: object) -> tuple[str, bool]:
    """A phone cell as the digits typed, and whether Excel lost some of them.

    A number Excel stored (``13800000000.0``) or a float written out as text
    (``"13800000000.0"``) gives ``"13800000000"``; text is kept as typed. Scientific
    notation (``"1.38E+10"``, what a CSV holds when the column was shown that way)
    has lost its last digits: it is returned as typed with ``True``.
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), False
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if match := _DECIMAL_ZERO.match(text):
        return match[1], False
    return cell_text(value), bool(_SCIENTIFIC.match(text))


# --------------------------------------------------------------------- lists

_LIST_SEPARATORS = re.compile(r"[;,、/]+")  # after NFKC: ； , ， ／ are these


def split_words(value: object) -> list[str]:
    """The words of a list cell such as ``"低盐；糖尿病"`` or ``"female, wheelchair"``."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    return [word.strip() for word in _LIST_SEPARATORS.split(text) if word.strip()]


_DIETS = keyed(DIETS)
_SKILLS = keyed(SKILLS)


def parse_diet(value: object) -> tuple[Diet, tuple[str, ...]]:
    """A diet cell as a diet set, and the words in it mealroute does not know.

    ``"低盐；糖尿病"`` -> ``({"diabetic", "low-salt"}, ())``; empty -> ``{"regular"}``.
    Words not in :data:`mealroute.columns.DIETS` are kept lower-cased (and also
    returned apart, so the caller can warn about them).
    """
    words: set[str] = set()
    unknown: list[str] = []
    for word in split_words(value):
        known = _DIETS.get(key(word))
        if known is None:
            known = word.lower()
            unknown.append(known)
        words.add(known)
    return diet_of(words), tuple(unknown)


# Diet words as they appear inside free text; the longest first, so 低盐餐 is read
# before 低盐. English words must stand alone ("soft" is not in "softly").
_NOTE_DIETS = sorted(
    ((word, diet) for word, diet in DIETS.items() if diet != REGULAR),
    key=lambda item: -len(item[0]),
)


def diets_in_text(text: str) -> dict[str, str]:
    """The diets a free-text cell (notes) names: diet -> the word as found.

    ``"清真，请敲门"`` -> ``{"halal": "清真"}``; ``"低盐、软食"`` -> both. Regular
    words are not looked for: only a special diet matters when it is missed.
    """
    plain = unicodedata.normalize("NFKC", text).casefold()
    found: dict[str, str] = {}
    for word, diet in _NOTE_DIETS:
        needle = word.casefold()
        if needle.isascii():
            spelled = re.escape(needle).replace("\\-", "[-_ ]?").replace("_", "[-_ ]?")
            if re.search(rf"(?<![a-z]){spelled}(?![a-z])", plain):
                found.setdefault(diet, word)
        elif needle in plain:
            found.setdefault(diet, word)
    return found


def parse_skills(value: object) -> frozenset[str]:
    """Skill words in canonical form (``轮椅`` -> ``wheelchair``); others kept lower-cased."""
    return frozenset(_SKILLS.get(key(word), word.lower()) for word in split_words(value))


# ------------------------------------------------------------------------- days

_DAY_SETS = keyed(DAY_SETS)
_WEEKDAYS = keyed(WEEKDAY_WORDS)
_BARE_CHINESE_DAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}
_RANGE_MARKS = "至到~〜–—-"
_RANGE = re.compile(rf"^(.+?)[{_RANGE_MARKS}](.+)$")
_DAY_TOKEN_SEPARATORS = re.compile(r"[\s;,、/]+")


class UnknownDayError(ValueError):
    """A word in a days cell that is not a day; ``word`` is that word."""

    def __init__(self, word: str) -> None:
        super().__init__(f"unknown day {word!r}")
        self.word = word


def _weekday(word: str) -> int:
    word = word.strip()
    found = _WEEKDAYS.get(key(word))
    if found is None:
        found = _BARE_CHINESE_DAYS.get(word)  # the 三 and 五 of 周一、三、五
    if found is None and word in {"1", "2", "3", "4", "5", "6", "7"}:
        found = int(word) - 1  # ISO: 1 = Monday
    if found is None:
        raise UnknownDayError(word)
    return found


def parse_days(value: object) -> frozenset[int]:
    """The weekdays (0 = Monday) of a ``days`` cell.

    Accepts empty (every day), ``daily``/``每天``, ``weekdays``/``工作日``,
    ``weekends``/``周末``, lists (``mon,wed,fri``, ``周一、周三、周五``, ``周一、三、五``,
    ``1,3,5`` with 1 = Monday) and ranges (``mon-fri``, ``周一至周五``; ``fri-mon``
    wraps over the weekend), or a mix of these.

    Raises
    ------
    UnknownDayError
        A ``ValueError`` naming the word that is not a day.
    """
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    whole = _DAY_SETS.get(key(text))
    if whole is not None:
        return whole
    text = re.sub(rf"\s*([{_RANGE_MARKS}])\s*", r"\1", text)
    days: set[int] = set()
    for token in _DAY_TOKEN_SEPARATORS.split(text):
        if not token:
            continue
        named = _DAY_SETS.get(key(token))
        if named is not None:
            days |= named
            continue
        match = _RANGE.match(token)
        if match:
            first, last = _weekday(match[1]), _weekday(match[2])
            days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
        else:
            days.add(_weekday(token))
    return frozenset(days)


def format_days(days: Iterable[int]) -> str:
    """The inverse of :func:`parse_days`: ``daily``, ``weekdays``, ``weekends`` or ``mon,wed``."""
    chosen = frozenset(days)
    for word in ("daily", "weekdays", "weekends"):
        if DAY_SETS[word] == chosen:
            return word
    return ",".join(WEEKDAYS[day] for day in sorted(chosen))
