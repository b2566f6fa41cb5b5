"""A persistent cache of geocoding answers: an address is asked once, ever.

One SQLite file per data folder (``geocoded/cache.sqlite``), keyed by the provider,
the normalised address and the city it was asked in. Every answer is committed as
it arrives, so a run stopped halfway (Ctrl-C, a spent quota, a lost connection)
keeps what it asked and the next run goes on where it stopped. "No result" is an
answer too, and is not asked again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import unicodedata
from dataclasses import asdict
from pathlib import Path
from types import TracebackType
from typing import Self

from ..coords import Datum
from .providers import Answer, Level

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    provider TEXT NOT NULL,
    address TEXT NOT NULL,
    city TEXT NOT NULL,
    answer TEXT,            -- JSON of an Answer; NULL: the provider found nothing
    asked TEXT NOT NULL,    -- when, UTC ISO 8601
    PRIMARY KEY (provider, address, city)
)
"""


def normalised(address: str) -> str:
    """The form an address is cached under: NFKC, no spaces, case-folded.

    ``"甸柳新村 三区５号楼"`` and ``"甸柳新村三区5号楼"`` are one address.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", address)).casefold()


class GeocodeCache:
    """Answers by (provider, address, city); a context manager that closes the file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: each answer is on disk before the next request goes out.
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute(_SCHEMA)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def get(self, provider: str, address: str, city: str | None) -> tuple[bool, Answer | None]:
        """``(known, answer)``: whether it was asked before, and what came back."""
        row = self._db.execute(
            "SELECT answer FROM answers WHERE provider = ? AND address = ? AND city = ?",
            (provider, normalised(address), normalised(city or "")),
        ).fetchone()
        if row is None:
            return False, None
        return True, None if row[0] is None else _answer(json.loads(row[0]))

    def put(self, provider: str, address: str, city: str | None, answer: Answer | None) -> None:
        text = None if answer is None else json.dumps(asdict(answer), ensure_ascii=False)
        self._db.execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
            (
                provider,
                normalised(address),
                normalised(city or ""),
                text,
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


def _answer(fields: dict[str, object]) -> Answer:
    return Answer(
        **{
            **fields,
            "datum": Datum(str(fields["datum"])),
            "level": Level(str(fields["level"])),
        }  # type: ignore[arg-type]
    )
