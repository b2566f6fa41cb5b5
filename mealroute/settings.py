"""Every default in one place, declared once.

Precedence, lowest first: the defaults below, ``mealroute.toml`` in the data
directory, command-line options. :data:`KEYS` declares each setting once (its TOML
section and key, its kind, its default and what it means); the TOML reader, the
checks, :meth:`Settings.to_dict` (what plan.json records) and the README's settings
block (:func:`toml_block`, a test keeps the README in step) all come from it.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from .clock import format_clock, parse_clock
from .coords import Datum, datum_named
from .errors import SettingsError
from .messages import Lang
from .model import (
    Balance,
    CareLevel,
    Client,
    Message,
    Mode,
    Profile,
    ServerKind,
    Station,
    TravelKind,
)

SETTINGS_FILE = "mealroute.toml"
MAX_SETTINGS_BYTES = 64 * 1024


class Tiles(StrEnum):
    """Background map tiles."""

    OSM = "osm"
    AMAP = "amap"


def _error(code: str, **params: Any) -> SettingsError:
    return SettingsError(Message(code, params))


# ----------------------------------------------------------------- kinds of value


@dataclass(frozen=True)
class _Number:
    low: float
    high: float
    whole: bool = False
    open_low: bool = False  # low itself is not allowed

    def parse(self, name: str, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _error("setting_not_number", name=name, value=repr(value))
        if self.whole and not float(value).is_integer():
            raise _error("setting_not_whole", name=name, value=repr(value))
        return self.check(name, int(value) if self.whole else float(value))

    def check(self, name: str, value: float) -> float | int:
        too_low = value <= self.low if self.open_low else value < self.low
        if not math.isfinite(value) or too_low or value > self.high:
            low = f"more than {self.low:g}" if self.open_low else f"{self.low:g}"
            raise _error(
                "setting_out_of_range",
                name=name,
                value=f"{value:g}",
                low=low,
                high=f"{self.high:g}",
            )
        return value

    def dump(self, value: Any) -> Any:
        return value

    def toml(self, value: Any) -> str:
        return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class _Flag:
    def parse(self, name: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise _error("setting_not_bool", name=name, value=repr(value))
        return value

    def check(self, name: str, value: Any) -> bool:
        return self.parse(name, value)

    def dump(self, value: Any) -> Any:
        return value

    def toml(self, value: Any) -> str:
        return "true" if value else "false"


@dataclass(frozen=True)
class _Choice:
    choices: type[StrEnum]

    def parse(self, name: str, value: Any) -> StrEnum:
        allowed = [member.value for member in self.choices]
        if value not in allowed:
            raise _error("setting_not_choice", name=name, value=repr(value), choices=allowed)
        return self.choices(value)

    def check(self, name: str, value: Any) -> StrEnum:
        return self.parse(name, value)

    def dump(self, value: Any) -> Any:
        return str(value)

    def toml(self, value: Any) -> str:
        return f'"{value}"'


@dataclass(frozen=True)
class _Clock:
    def parse(self, name: str, value: Any) -> int:
        if not isinstance(value, str):
            raise _error("setting_not_clock", name=name, value=repr(value))
        try:
            return parse_clock(value)
        except ValueError:
            raise _error("setting_not_clock", name=name, value=repr(value)) from None

    def check(self, name: str, value: Any) -> int:
        if not isinstance(value, int) or not 0 <= value <= 24 * 3600:
            raise _error("setting_not_clock", name=name, value=repr(value))
        return value

    def dump(self, value: Any) -> Any:
        return format_clock(value)

    def toml(self, value: Any) -> str:
        return f'"{format_clock(value)}"'


@dataclass(frozen=True)
class _Window:
    def parse(self, name: str, value: Any) -> tuple[int, int]:
        if not isinstance(value, list) or len(value) != 2:
            raise _error("setting_not_window", name=name, value=repr(value))
        clock = _Clock()
        return self.check(name, (clock.parse(name, value[0]), clock.parse(name, value[1])))

    def check(self, name: str, value: Any) -> tuple[int, int]:
        start, end = value
        if not 0 <= start <= end <= 24 * 3600:
            raise _error(
                "setting_not_window", name=name, value=f"{format_clock(start)}-{format_clock(end)}"
            )
        return (start, end)

    def dump(self, value: Any) -> Any:
        return [format_clock(t) for t in value]

    def toml(self, value: Any) -> str:
        return "[" + ", ".join(f'"{format_clock(t)}"' for t in value) + "]"


@dataclass(frozen=True)
class _Table:
    """A table keyed by an enum (``{ walk = 4, car = 20 }``); keys not given keep the default."""

    keys: type[StrEnum]
    number: _Number

    def parse(self, name: str, value: Any, base: Mapping[Any, float]) -> dict[Any, float]:
        if not isinstance(value, Mapping):
            raise _error("setting_not_table", name=name)
        result = dict(base)
        for word, number in value.items():
            try:
                member = self.keys(word)
            except ValueError:
                raise _error(
                    "setting_unknown_key",
                    name=f"{name}.{word}",
                    choices=[m.value for m in self.keys],
                ) from None
            result[member] = float(self.number.parse(f"{name}.{word}", number))
        return result

    def check(self, name: str, value: Any) -> dict[Any, float]:
        for member in self.keys:
            if member not in value:
                raise _error("setting_missing", name=f"{name}.{member}")
            self.number.check(f"{name}.{member}", value[member])
        return dict(value)

    def dump(self, value: Any) -> Any:
        return {str(member): value[member] for member in self.keys}

    def toml(self, value: Any) -> str:
        return "{ " + ", ".join(f"{m} = {value[m]:g}" for m in self.keys) + " }"


@dataclass(frozen=True)
class _Detour:
    """One factor for every mode (``1.3``), or one per mode (``{ walk = 1.4 }``).

    A table keeps the current factor for the modes it does not name.
    """

    number: _Number

    def parse(
        self, name: str, value: Any, base: float | Mapping[Mode, float]
    ) -> float | dict[Mode, float]:
        if not isinstance(value, Mapping):
            return float(self.number.parse(name, value))
        start = base if isinstance(base, Mapping) else dict.fromkeys(Mode, float(base))
        return _Table(Mode, self.number).parse(name, value, start)

    def check(self, name: str, value: Any) -> float | dict[Mode, float]:
        if isinstance(value, Mapping):
            return _Table(Mode, self.number).check(name, {Mode(k): v for k, v in value.items()})
        return float(self.number.check(name, value))

    def dump(self, value: Any) -> Any:
        return _Table(Mode, self.number).dump(value) if isinstance(value, Mapping) else value

    def toml(self, value: Any) -> str:
        if isinstance(value, Mapping):
            return _Table(Mode, self.number).toml(value)
        return f"{value:g}"


@dataclass(frozen=True)
class _Text:
    """A string; ``""`` means not set."""

    def parse(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise _error("setting_not_text", name=name, value=repr(value))
        return value.strip()

    def check(self, name: str, value: Any) -> str:
        return self.parse(name, value)

    def dump(self, value: Any) -> Any:
        return value

    def toml(self, value: Any) -> str:
        return f'"{value}"'


@dataclass(frozen=True)
class _Servers:
    """Routing servers: one URL for every profile, or ``{ foot = URL, bicycle = URL }``.

    A server answers for one profile (OSRM is started with one), so a table names the
    profile each serves; a profile not named has no server.
    """

    def parse(self, name: str, value: Any, base: Mapping[str, str]) -> dict[str, str]:
        if isinstance(value, str):
            return dict.fromkeys(Profile, value.strip()) if value.strip() else {}
        if not isinstance(value, Mapping):
            raise _error("setting_not_servers", name=name, value=repr(value))
        result = dict(base)
        for word, url in value.items():
            if word not in set(Profile):
                raise _error(
                    "setting_unknown_key", name=f"{name}.{word}", choices=[str(p) for p in Profile]
                )
            if not isinstance(url, str):
                raise _error("setting_not_text", name=f"{name}.{word}", value=repr(url))
            result[Profile(word)] = url.strip()
        return {profile: url for profile, url in result.items() if url}

    def check(self, name: str, value: Any) -> dict[str, str]:
        if isinstance(value, str):
            return self.parse(name, value, {})
        if not isinstance(value, Mapping):
            raise _error("setting_not_servers", name=name, value=repr(value))
        return self.parse(name, value, {})

    def dump(self, value: Any) -> Any:
        return {str(profile): value[profile] for profile in Profile if profile in value}

    def toml(self, value: Any) -> str:
        if not value:
            return '""'
        return "{ " + ", ".join(f'{p} = "{value[p]}"' for p in Profile if p in value) + " }"


COORDINATE_TABLES = ("stations", "clients")  # the tables that hold coordinates


@dataclass(frozen=True)
class _Datums:
    """The datum of each table's coordinates: one word for all, or a table of them.

    ``"gcj02"`` or ``{ stations = "wgs84", clients = "bd09" }`` (a table not named
    keeps the default). Words as :func:`mealroute.coords.datum_named` reads them.
    """

    def parse(self, name: str, value: Any, base: Mapping[str, Datum]) -> dict[str, Datum]:
        if isinstance(value, str):
            return {table: self._datum(name, value) for table in COORDINATE_TABLES}
        if not isinstance(value, Mapping):
            raise _error("setting_not_datum", name=name, value=repr(value))
        result = dict(base)
        for table, word in value.items():
            if table not in COORDINATE_TABLES:
                raise _error(
                    "setting_unknown_key", name=f"{name}.{table}", choices=list(COORDINATE_TABLES)
                )
            result[table] = self._datum(f"{name}.{table}", word)
        return result

    @staticmethod
    def _datum(name: str, word: Any) -> Datum:
        datum = datum_named(word) if isinstance(word, str) else None
        if datum is None:
            raise _error("setting_not_datum", name=name, value=repr(word))
        return datum

    def check(self, name: str, value: Any) -> dict[str, Datum]:
        if isinstance(value, str):
            return self.parse(name, value, {})
        if not isinstance(value, Mapping) or set(value) != set(COORDINATE_TABLES):
            raise _error("setting_not_datum", name=name, value=repr(value))
        return {table: self._datum(f"{name}.{table}", str(value[table])) for table in value}

    def dump(self, value: Any) -> Any:
        return {table: _DATUM_WORD[value[table]] for table in COORDINATE_TABLES}

    def toml(self, value: Any) -> str:
        words = {_DATUM_WORD[value[table]] for table in COORDINATE_TABLES}
        if len(words) == 1:
            return f'"{words.pop()}"'
        return (
            "{ " + ", ".join(f'{t} = "{_DATUM_WORD[value[t]]}"' for t in COORDINATE_TABLES) + " }"
        )


_DATUM_WORD = {Datum.WGS84: "wgs84", Datum.GCJ02: "gcj02", Datum.BD09: "bd09"}


@dataclass(frozen=True)
class Key:
    """One setting: where it sits in mealroute.toml, what it holds and why."""

    section: str
    key: str
    attr: str  # the Settings field
    kind: Any
    doc: str

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"


KEYS: tuple[Key, ...] = (
    Key("input", "datum", "datum", _Datums(),
        "wgs84 (GPS), gcj02 (AMap, Tencent) or bd09 (Baidu), or { stations = ..., clients = ... }"),
    Key("travel", "detour_factor", "detour_factor", _Detour(_Number(1, 5)),
        "road distance = geodesic distance × this, or per mode: { walk = 1.4, ebike = 1.6 }"),
    Key("travel", "speed_kmh", "speed_kmh", _Table(Mode, _Number(0.5, 200)), "km/h per mode"),
    Key("travel", "source", "travel_source", _Choice(TravelKind),
        "straight (geodesic x detour_factor) or road (a road network: network or server)"),
    Key("travel", "network", "network", _Text(),
        "folder written by `mealroute network build` (relative to this file)"),
    Key("travel", "server", "servers", _Servers(),
        "a routing server's URL, or { foot = URL, bicycle = URL, car = URL }; used before network"),
    Key("travel", "server_engine", "server_engine", _Choice(ServerKind),
        "what answers at server: osrm (osrm-routed) or valhalla (valhalla_service)"),
    Key("travel", "snap_m", "snap_m", _Number(1, 5000),
        "a client farther than this from the nearest road is unserved, never snapped"),
    Key("service", "minutes", "service_min", _Table(CareLevel, _Number(0, 240)),
        "at the door, when a client has no service_min"),
    Key("day", "lunch_window", "lunch_window", _Window(), "when a client has no window"),
    Key("day", "meals_ready", "meals_ready", _Clock(), "when a station has no meals_ready"),
    Key("day", "reload_min", "reload_min", _Number(0, 1440), "at the station between two trips"),
    Key("day", "balance", "balance", _Choice(Balance),
        "off (least travel), minutes or stops: share the work, never leaving anyone unserved"),
    Key("day", "familiar_min", "familiar_min", _Number(0, 600),
        "a client's usual worker is worth this many minutes of travel (0: off)"),
    Key("day", "same_order_min", "same_order_min", _Number(0, 600),
        "each leg of the latest earlier plan kept is worth this many minutes of travel (0: off)"),
    Key("food_safety", "max_min_after_departure", "max_min_after_departure", _Number(0, 1440),
        "DB33/T 2399-2021: at most one hour from boxing to delivery"),
    Key("food_safety", "max_min_after_ready", "max_min_after_ready", _Number(0, 1440),
        "no meal is served later than this after meals_ready"),
    Key("solver", "time_limit_s", "time_limit_s", _Number(0, 3600, open_low=True),
        "search seconds per station (--time-limit)"),
    Key("solver", "reproducible", "reproducible", _Flag(),
        "--reproducible: bound the search by work, not time"),
    Key("solver", "work_limit", "work_limit", _Number(1, 10_000_000, whole=True),
        "search steps per station in reproducible mode (--work-limit)"),
    Key("advice", "enabled", "advice", _Flag(),
        "say what would serve clients left unserved for lack of worker time or capacity"),
    Key("advice", "seconds", "advice_s", _Number(0, 600, open_low=True),
        "at most this long per station for the advice's re-plans (reproducible: by work)"),
    Key("output", "lang", "lang", _Choice(Lang), "language of the pack and the terminal (--lang)"),
    Key("output", "tiles", "tiles", _Choice(Tiles), "map tiles (--tiles)"),
)  # fmt: skip
_BY_SECTION: dict[str, dict[str, Key]] = {}
for _key in KEYS:
    _BY_SECTION.setdefault(_key.section, {})[_key.key] = _key


def _datums() -> dict[str, Datum]:
    return dict.fromkeys(COORDINATE_TABLES, Datum.WGS84)


def _mode_speeds() -> dict[Mode, float]:
    return {Mode.WALK: 4.0, Mode.BIKE: 10.0, Mode.EBIKE: 15.0, Mode.CAR: 20.0}


def _service_minutes() -> dict[CareLevel, float]:
    return {CareLevel.DISABLED: 10.0, CareLevel.SEMI_DISABLED: 5.0, CareLevel.OTHER: 3.0}


@dataclass(frozen=True)
class Settings:
    """Planning settings; see :data:`KEYS` for each one and the README for the TOML form.

    The mappings are plain dicts (a read-only proxy cannot be sent to the planning
    processes); treat them as read-only.
    """

    datum: Mapping[str, Datum] = field(default_factory=_datums)
    detour_factor: float | Mapping[Mode, float] = 1.3
    speed_kmh: Mapping[Mode, float] = field(default_factory=_mode_speeds)
    travel_source: TravelKind = TravelKind.STRAIGHT
    network: str = ""
    servers: Mapping[str, str] = field(default_factory=dict)
    server_engine: ServerKind = ServerKind.OSRM
    snap_m: float = 250.0
    service_min: Mapping[CareLevel, float] = field(default_factory=_service_minutes)
    lunch_window: tuple[int, int] = (11 * 3600, 12 * 3600 + 30 * 60)
    meals_ready: int = 10 * 3600 + 30 * 60
    reload_min: float = 5.0
    balance: Balance = Balance.OFF
    familiar_min: float = 5.0
    same_order_min: float = 0.5
    max_min_after_departure: float = 60.0
    max_min_after_ready: float = 120.0
    time_limit_s: float = 2.0
    reproducible: bool = False
    work_limit: int = 100
    advice: bool = True
    advice_s: float = 4.0
    lang: Lang = Lang.ZH
    tiles: Tiles = Tiles.OSM

    def __post_init__(self) -> None:
        for key in KEYS:  # checked, and typed: Settings(lang="en").lang is Lang.EN
            object.__setattr__(self, key.attr, key.kind.check(key.name, getattr(self, key.attr)))

    # ------------------------------------------------------------------ derived
    def detour(self, mode: Mode) -> float:
        """The straight-line model's detour factor for ``mode``."""
        factor = self.detour_factor
        return float(factor[mode] if isinstance(factor, Mapping) else factor)

    def speed_m_per_s(self, mode: Mode) -> float:
        return self.speed_kmh[mode] * 1000.0 / 3600.0

    def service_s(self, level: CareLevel) -> int:
        return round(self.service_min[level] * 60)

    def ready_at(self, station: Station) -> int:
        """When lunch is boxed at ``station``: its own time, else the settings'."""
        return self.meals_ready if station.meals_ready is None else station.meals_ready

    def window_of(self, client: Client) -> tuple[int, int]:
        """The client's delivery window: their own bounds, else the lunch window's."""
        start = self.lunch_window[0] if client.window_start is None else client.window_start
        end = self.lunch_window[1] if client.window_end is None else client.window_end
        return start, end

    def service_s_of(self, client: Client) -> int:
        """Seconds at the client's door: their own, else the default of their care level."""
        if client.service_min is None:
            return self.service_s(client.care_level)
        return round(client.service_min * 60)

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
            data = Path(path).read_bytes()[: MAX_SETTINGS_BYTES + 1]
            if len(data) > MAX_SETTINGS_BYTES:
                raise _error("settings_too_big", limit=MAX_SETTINGS_BYTES // 1024)
            document = tomllib.loads(data.decode("utf-8-sig"))
            changes = _changes(document, base)
            network = changes.get("network")
            if network and not Path(network).is_absolute():  # beside the file, not the cwd
                changes["network"] = str(Path(path).parent / network)
            return base.replace(**changes)
        except SettingsError as error:
            raise SettingsError(error.message, file=str(path)) from None
        except OSError as error:
            detail = error.strerror or str(error)
            message = Message("settings_unreadable", {"detail": detail})
            raise SettingsError(message, file=str(path)) from None
        except UnicodeDecodeError:
            raise SettingsError(Message("settings_not_utf8"), file=str(path)) from None
        except tomllib.TOMLDecodeError as error:
            message = Message("settings_not_toml", {"detail": str(error)})
            raise SettingsError(message, file=str(path)) from None
        except RecursionError:
            message = Message("settings_not_toml", {"detail": "nested too deeply"})
            raise SettingsError(message, file=str(path)) from None

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> Settings:
        """The defaults, overridden by ``DATA_DIR/mealroute.toml`` when it exists."""
        path = Path(data_dir) / SETTINGS_FILE
        return cls.from_toml(path) if path.is_file() else cls()

    def to_dict(self) -> dict[str, Any]:
        """The settings as written into plan.json (plain JSON types, TOML layout)."""
        document: dict[str, dict[str, Any]] = {}
        for key in KEYS:
            document.setdefault(key.section, {})[key.key] = key.kind.dump(getattr(self, key.attr))
        return document

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Settings:
        """Inverse of :meth:`to_dict` (used when rendering from plan.json)."""
        base = cls()
        return base.replace(**_changes(document, base))


def _changes(document: Mapping[str, Any], base: Settings) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for section, table in document.items():
        if section not in _BY_SECTION:
            raise _error("setting_unknown_section", name=section, choices=sorted(_BY_SECTION))
        if not isinstance(table, Mapping):
            raise _error("setting_not_table", name=section)
        for word, value in table.items():
            key = _BY_SECTION[section].get(word)
            if key is None:
                raise _error(
                    "setting_unknown_key",
                    name=f"{section}.{word}",
                    choices=sorted(_BY_SECTION[section]),
                )
            if isinstance(key.kind, (_Table, _Datums, _Servers, _Detour)):
                changes[key.attr] = key.kind.parse(key.name, value, getattr(base, key.attr))
            else:
                changes[key.attr] = key.kind.parse(key.name, value)
    return changes


def toml_block() -> str:
    """Every setting with its default and meaning, in the form of mealroute.toml."""
    defaults = Settings()
    lines: list[str] = []
    for section, keys in _BY_SECTION.items():
        if lines:
            lines.append("")
        lines.append(f"[{section}]")
        for key in keys.values():
            lines.append(f"{key.key} = {key.kind.toml(getattr(defaults, key.attr))}  # {key.doc}")
    return "\n".join(lines)
