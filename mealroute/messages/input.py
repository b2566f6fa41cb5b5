"""What ``validate`` and ``plan`` find in the input files: the problems of a table,
a row or a cell, and what was done about them."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # TRANSITION: text the input side has not yet turned into a code.
    "untranslated": {"en": "{text}", "zh": "{text}"},
}
