"""Every default in one place.

Precedence, lowest first: the defaults below, ``mealroute.toml`` in the data
directory, command-line options. The TOML layout (every key optional)::

    [travel]
    detour_factor = 1.3                 # road distance = geodesic distance x this
    speed_kmh = { walk = 4, bike = 10, ebike = 15, car = 20 }

    [service]
    minutes = { disabled = 10, semi-disabled = 5, other = 3 }

    [day]
    lunch_window = ["11:00", "12:30"]   # default delivery window of a client
    meals_ready = "10:30"               # default time lunch is boxed at a station
    reload_min = 5                      # at the station between two trips

    [food_safety]
    max_min_after_departure = 60        # DB33/T 2399-2021: boxing to delivery <= 1 h
    max_min_after_ready = 120

    [solver]
    time_limit_s = 2                    # per station
    reproducible = false                # bound the search by work, not by time
    work_limit = 100                    # search steps in reproducible mode

    [output]
    lang = "zh"                         # zh or en
    tiles = "osm"                       # osm or amap
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clock import format_clock, parse_clock
from .errors import SettingsError
from .model import CareLevel, Mode

SETTINGS_FILE = "mealroute.toml"


def _frozen(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    # A plain dict (MappingProxyType cannot be pickled to the planning processes);
    # treat it as read-only.
    return dict(mapping)


@dataclass(frozen=True)
class Settings:
    """Planning settings. See the module docstring for the TOML form."""

    detour_factor: float = 1.3
    speed_kmh: Mapping[Mode, float] = field(
        default_factory=lambda: _frozen(
            {Mode.WALK: 4.0, Mode.BIKE: 10.0, Mode.EBIKE: 15.0, Mode.CAR: 20.0}
        )
    )
    service_min: Mapping[CareLevel, float] = field(
        default_factory=lambda: _frozen(
            {CareLevel.DISABLED: 10.0, CareLevel.SEMI_DISABLED: 5.0, CareLevel.OTHER: 3.0}
        )
    )
    lunch_window: tuple[int, int] = (11 * 3600, 12 * 3600 + 30 * 60)
    meals_ready: int = 10 * 3600 + 30 * 60
    reload_min: float = 5.0
    max_min_after_departure: float = 60.0
    max_min_after_ready: float = 120.0
    time_limit_s: float = 2.0
    reproducible: bool = False
    work_limit: int = 100
    lang: str = "zh"
    tiles: str = "osm"

    def __post_init__(self) -> None:
        if not 1.0 <= self.detour_factor <= 5.0:
            raise SettingsError(
                f"`detour_factor` must be between 1 and 5, got {self.detour_factor!r}"
            )
        for mode in Mode:
            speed = self.speed_kmh.get(mode)
            if speed is None or not 0.5 <= speed <= 200:
                raise SettingsError(
                    f"`speed_kmh.{mode}` must be between 0.5 and 200 km/h, got {speed!r}"
                )
        for level in CareLevel:
            minutes = self.service_min.get(level)
            if minutes is None or not 0 <= minutes <= 240:
                raise SettingsError(f"`service.minutes.{level}` must be 0..240, got {minutes!r}")
        start, end = self.lunch_window
        if not 0 <= start <= end <= 24 * 3600:
            raise SettingsError(
                f"`lunch_window` must be [start, end] with start <= end, got "
                f"{format_clock(start)}-{format_clock(end)}"
            )
        for name in ("reload_min", "max_min_after_departure", "max_min_after_ready"):
            value = getattr(self, name)
            if not 0 <= value <= 24 * 60:
                raise SettingsError(f"`{name}` must be 0..1440 minutes, got {value!r}")
        if not 0 < self.time_limit_s <= 3600:
            raise SettingsError(
                f"`time_limit_s` must be more than 0 and at most 3600, got {self.time_limit_s!r}"
            )
        if not 1 <= self.work_limit <= 10_000_000:
            raise SettingsError(f"`work_limit` must be 1..10000000, got {self.work_limit!r}")
        if self.lang not in ("zh", "en"):
            raise SettingsError(f"`lang` must be 'zh' or 'en', got {self.lang!r}")
        if self.tiles not in ("osm", "amap"):
            raise SettingsError(f"`tiles` must be 'osm' or 'amap', got {self.tiles!r}")

    # ------------------------------------------------------------------ derived
    def speed_m_per_s(self, mode: Mode) -> float:
        return self.speed_kmh[mode] * 1000.0 / 3600.0

    def service_s(self, level: CareLevel) -> int:
        return round(self.service_min[level] * 60)

    # ------------------------------------------------------------------ loading
    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (``None`` values are ignored: option not given)."""
        given = {key: value for key, value in changes.items() if value is not None}
        return dataclasses.replace(self, **given) if given else self

    @classmethod
    def from_toml(cls, path: Path, base: Settings | None = None) -> Settings:
        """Settings from a ``mealroute.toml`` file, on top of ``base`` (the defaults).

        Raises
        ------
        SettingsError
            Naming the file, the key and the bad value.
        """
        base = base or cls()
        try:
            document = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise SettingsError(f"{path}: cannot read settings: {error}") from None
        try:
            return base.replace(**_changes_from_document(document))
        except SettingsError as error:
            raise SettingsError(f"{path}: {error}") from None

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> Settings:
        """The defaults, overridden by ``DATA_DIR/mealroute.toml`` when it exists."""
        path = Path(data_dir) / SETTINGS_FILE
        return cls.from_toml(path) if path.is_file() else cls()

    def to_dict(self) -> dict[str, Any]:
        """The settings as written into plan.json (plain JSON types, TOML layout)."""
        return {
            "travel": {
                "detour_factor": self.detour_factor,
                "speed_kmh": {str(mode): self.speed_kmh[mode] for mode in Mode},
            },
            "service": {"minutes": {str(lvl): self.service_min[lvl] for lvl in CareLevel}},
            "day": {
                "lunch_window": [format_clock(t) for t in self.lunch_window],
                "meals_ready": format_clock(self.meals_ready),
                "reload_min": self.reload_min,
            },
            "food_safety": {
                "max_min_after_departure": self.max_min_after_departure,
                "max_min_after_ready": self.max_min_after_ready,
            },
            "solver": {
                "time_limit_s": self.time_limit_s,
                "reproducible": self.reproducible,
                "work_limit": self.work_limit,
            },
            "output": {"lang": self.lang, "tiles": self.tiles},
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Settings:
        """Inverse of :meth:`to_dict` (used when rendering from plan.json)."""
        return cls().replace(**_changes_from_document(document))


_SCALARS: dict[tuple[str, str], tuple[str, type]] = {
    ("travel", "detour_factor"): ("detour_factor", float),
    ("day", "reload_min"): ("reload_min", float),
    ("food_safety", "max_min_after_departure"): ("max_min_after_departure", float),
    ("food_safety", "max_min_after_ready"): ("max_min_after_ready", float),
    ("solver", "time_limit_s"): ("time_limit_s", float),
    ("solver", "reproducible"): ("reproducible", bool),
    ("solver", "work_limit"): ("work_limit", int),
    ("output", "lang"): ("lang", str),
    ("output", "tiles"): ("tiles", str),
}
_SECTIONS = {
    "travel": {"detour_factor", "speed_kmh"},
    "service": {"minutes"},
    "day": {"lunch_window", "meals_ready", "reload_min"},
    "food_safety": {"max_min_after_departure", "max_min_after_ready"},
    "solver": {"time_limit_s", "reproducible", "work_limit"},
    "output": {"lang", "tiles"},
}


def _changes_from_document(document: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for section, table in document.items():
        if section not in _SECTIONS:
            raise SettingsError(
                f"unknown section [{section}]; expected one of {', '.join(sorted(_SECTIONS))}"
            )
        if not isinstance(table, Mapping):
            raise SettingsError(f"[{section}] must be a table")
        for key, value in table.items():
            if key not in _SECTIONS[section]:
                raise SettingsError(
                    f"unknown key `{section}.{key}`; expected one of "
                    f"{', '.join(sorted(_SECTIONS[section]))}"
                )
            name = f"{section}.{key}"
            if (section, key) in _SCALARS:
                attr, kind = _SCALARS[(section, key)]
                changes[attr] = _typed(name, value, kind)
            elif name == "travel.speed_kmh":
                changes["speed_kmh"] = _frozen(
                    {**Settings().speed_kmh, **_enum_table(name, value, Mode)}
                )
            elif name == "service.minutes":
                changes["service_min"] = _frozen(
                    {**Settings().service_min, **_enum_table(name, value, CareLevel)}
                )
            elif name == "day.lunch_window":
                if not isinstance(value, list) or len(value) != 2:
                    raise SettingsError(f'`{name}` must be two times such as ["11:00", "12:30"]')
                changes["lunch_window"] = (_clock(name, value[0]), _clock(name, value[1]))
            elif name == "day.meals_ready":
                changes["meals_ready"] = _clock(name, value)
    return changes


def _typed(name: str, value: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is str:
        if isinstance(value, str):
            return value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind is int and (not float(value).is_integer()):
            raise SettingsError(f"`{name}` must be a whole number, got {value!r}")
        return kind(value)
    raise SettingsError(f"`{name}` must be a {kind.__name__}, got {value!r}")


def _enum_table(name: str, value: Any, enum: type[Mode] | type[CareLevel]) -> dict[Any, float]:
    if not isinstance(value, Mapping):
        raise SettingsError(f"`{name}` must be a table")
    result = {}
    for key, number in value.items():
        try:
            member = enum(key)
        except ValueError:
            raise SettingsError(
                f"unknown key `{name}.{key}`; expected one of {', '.join(m.value for m in enum)}"
            ) from None
        result[member] = _typed(f"{name}.{key}", number, float)
    return result


def _clock(name: str, value: Any) -> int:
    try:
        return parse_clock(value)
    except ValueError as error:
        raise SettingsError(f"`{name}`: {error}") from None
