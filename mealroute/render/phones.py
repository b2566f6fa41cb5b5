"""Phone numbers as typed in a spreadsheet, made into ``tel:`` links: the one place.

A cell may hold several numbers (``"138 0000 0000 / 139 1111 1111"``,
``"13800000000或13900000000"``), a landline with its area code and spaces or dashes
(``"0531-8888 1234"``, ``"(0531) 8888-1234"``), an extension (``"0531-8888 1234
转 806"``, ``"ext. 12"``) or a country code (``"+86 139 0000 0000"``). Each number
becomes one :class:`Phone`: the text as typed (shown to the reader) and a ``tel:``
URL that holds only digits, a leading ``+`` and, for an extension, ``,`` (a pause:
the phone dials the extension after the call connects, RFC 3966 leaves dial
strings to the dialler and both Android and iOS accept the comma).

Numbers are split on ``/``, ``、``, ``,``, ``，``, ``;``, ``；``, ``|``, new lines,
``or`` and ``或``; spaces and dashes inside a number are kept as part of it, so
``"0531-8888 1234"`` stays one number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"\s*(?:[/、,，;；|\n\r]|\bor\b|或|及|和)\s*", re.IGNORECASE)
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d+)\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
_MIN_DIGITS = 3  # 110, 120, 12345: a short service number is still a number


@dataclass(frozen=True)
class Phone:
    """One number of a cell: ``text`` as typed, ``href`` the ``tel:`` URL."""

    text: str
    href: str


def _phone(part: str) -> Phone | None:
    text = part.strip()
    extension = ""
    found = _EXTENSION.search(text)
    if found:
        extension = found.group(1)
        text_main = text[: found.start()]
    else:
        text_main = text
    digits = "".join(_DIGITS.findall(text_main))
    if len(digits) < _MIN_DIGITS:
        return None
    plus = "+" if text_main.lstrip().startswith("+") else ""
    pause = f",{extension}" if extension else ""
    return Phone(text=text, href=f"tel:{plus}{digits}{pause}")


def phones(cell: str | None) -> tuple[Phone, ...]:
    """Every phone number in a spreadsheet cell, in the order written.

    ``phones("138 0000 0000 / 139 1111 1111")`` gives two numbers with
    ``tel:13800000000`` and ``tel:13911111111``; text without at least three digits
    (``"none"``, ``"无"``) gives none. The URL never holds anything but digits,
    ``+`` and ``,``, so it cannot carry markup or another scheme.
    """
    if not cell:
        return ()
    found = (_phone(part) for part in _SEPARATORS.split(cell))
    return tuple(phone for phone in found if phone is not None)
