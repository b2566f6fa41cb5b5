"""The errors mealroute raises.

Library code raises these; only the command line turns them into a message and an
exit code.
"""

from __future__ import annotations


class MealrouteError(Exception):
    """Base class of every error mealroute raises on purpose."""


class InputError(MealrouteError, ValueError):
    """An input file cannot be used at all (missing file, missing required column).

    Parameters
    ----------
    message
        What was wrong and what was expected.
    file, row, column
        Where, when known. ``row`` is numbered as the spreadsheet numbers it (the
        header is row 1).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.detail = message
        where = ", ".join(
            part
            for part in (
                file,
                f"row {row}" if row is not None else None,
                f"column {column!r}" if column else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class SettingsError(MealrouteError, ValueError):
    """A setting (from mealroute.toml or the command line) has a bad value."""


class SolverError(MealrouteError, RuntimeError):
    """The routing solver failed in a way that is not a data problem."""
