"""The errors mealroute raises.

Library code raises these; only the command line turns them into a message (in the
user's language, see :meth:`MealrouteError.text`) and an exit code.
"""

from __future__ import annotations

from .model import Message


class MealrouteError(Exception):
    """Base class of every error mealroute raises on purpose.

    Parameters
    ----------
    message
        What was wrong and what was expected: a :class:`~mealroute.model.Message`, or
        plain text for details that have no translation (an exception's own words).
    file, row, column
        Where, when known. ``row`` is numbered as the spreadsheet numbers it.
    """

    def __init__(
        self,
        message: Message | str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = (
            message if isinstance(message, Message) else Message("plain", {"detail": message})
        )
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self.text("en"))

    @property
    def detail(self) -> str:
        """The message without where it happened, in English."""
        return self.message.text("en")

    def text(self, lang: str = "en") -> str:
        """Where and what, in ``lang``."""
        from .messages import where

        place = where(self.file, self.row, self.column, lang)
        words = self.message.text(lang)
        if not place:
            return words
        return f"{place}：{words}" if lang == "zh" else f"{place}: {words}"


class InputError(MealrouteError, ValueError):
    """An input file cannot be used at all (missing file, missing required column)."""


class SettingsError(MealrouteError, ValueError):
    """A setting (from mealroute.toml or the command line) has a bad value."""


class SolverError(MealrouteError, RuntimeError):
    """The routing solver failed in a way that is not a data problem."""


class NetworkError(MealrouteError, RuntimeError):
    """A road network cannot be built or asked (missing engine, bad extract, server down)."""
