"""Spreadsheet cells that cannot run as formulas.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some programs strip first) is read as a formula by Excel and
LibreOffice. Text that came from a spreadsheet is prefixed with an apostrophe
before it goes into ``routes.csv`` or ``routes.xlsx`` (the OWASP advice for CSV
injection); numbers are left alone.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Return ``value`` unchanged unless it is text that would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
