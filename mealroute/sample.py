"""A realistic synthetic city for demos, tests and benchmarks (``mealroute sample``).

Stations are real Jinan street offices (街道/镇) from the bundled reference file
(Vonng/adcode, CC BY 4.0; see ``data/jinan_streets/README.md``). Everybody else is
made up: clients live in a few residential compounds (小区) 0.3-2.5 km from their
station, scattered within ~100 m of the compound's centre, plus some single houses
up to ~4 km away; names, addresses and phone numbers (139-0000-xxxx) are fictional.

Attributes follow what a station's list looks like: ~35 % disabled, ~45 %
semi-disabled, ~20 % other; mostly regular food with soft, low-salt, diabetic and
halal (more halal in one or two stations); ~10 % couples with two meals; ~10 % who
need a female worker, a few who need help with a wheelchair; mostly the default
lunch window; most daily, some on weekdays or three days a week.

The number of workers of a station is drawn from ``workers_per_station`` but never
below what the station's busiest day needs (a rough estimate of door time per worker),
so that with the default settings nearly every client can be served.

The same seed always writes the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import mealroute

from .errors import MealrouteError, SettingsError
from .model import CareLevel, Mode
from .read.columns import CLIENTS, STATIONS, WORKERS, Table
from .settings import Settings

FILE_NAMES = ("stations.csv", "workers.csv", "clients.csv")
MAX_CLIENT_KM = 4.0
_MIN_APART_M = 6.0  # no two clients closer: `validate` reads that as one geocoded point
_M_PER_DEG_LAT = 111_320.0

# ------------------------------------------------------------------ fictional names
# Weighted towards the surnames that fill a Chinese class list (王 李 张 刘 陈 ...).
_SURNAMES = (
    ("王", 10), ("李", 10), ("张", 9), ("刘", 8), ("陈", 6), ("杨", 4), ("赵", 4),
    ("黄", 3), ("周", 3), ("吴", 3), ("徐", 3), ("孙", 3), ("马", 2), ("朱", 2),
    ("胡", 2), ("郭", 2), ("何", 1), ("高", 2), ("林", 1), ("郑", 1), ("梁", 1),
    ("宋", 1), ("韩", 1), ("唐", 1), ("冯", 1), ("于", 2), ("董", 1), ("程", 1),
    ("曹", 1), ("袁", 1), ("邓", 1), ("许", 1), ("崔", 1), ("田", 1), ("孔", 1),
)  # fmt: skip
# Hui families: more of these in the halal stations.
_HUI_SURNAMES = (("马", 6), ("白", 3), ("金", 2), ("丁", 2), ("沙", 1), ("米", 1), ("海", 1))
_ELDER_FEMALE = (
    "秀英", "桂兰", "玉兰", "淑珍", "凤英", "秀兰", "桂英", "玉珍", "兰英", "淑英",
    "秀珍", "桂芝", "素芬", "玉梅", "凤兰", "翠兰", "淑兰", "金凤", "爱华", "秀云",
)  # fmt: skip
_ELDER_MALE = (
    "建国", "德胜", "福林", "长海", "国华", "振华", "玉山", "宝山", "树林", "永福",
    "金生", "庆祥", "广田", "守义", "文斌", "志刚", "洪亮", "传信", "立新", "占元",
)  # fmt: skip
_YOUNG_FEMALE = ("婷", "丽娜", "晓燕", "雪", "静", "敏", "慧", "佳怡", "倩", "文静", "晓红", "娜")
_YOUNG_MALE = ("伟", "磊", "浩然", "鹏", "俊杰", "晨", "超", "凯", "明", "宇", "志远", "强")

_COMPOUNDS = (
    "幸福小区", "和谐家园", "阳光花园", "福寿苑", "康乐小区", "文苑小区", "祥和苑",
    "安居小区", "翠竹园", "银河小区", "新华小区", "建设新村", "百花小区", "锦绣家园",
    "怡和苑", "春晖小区", "丰收小区", "泉景家园", "槐荫新村", "明德小区", "长乐苑",
    "松柏园", "如意小区", "东方花园",
)  # fmt: skip
_ROADS = (
    "建设路", "和平路", "文化路", "胜利街", "光明路", "团结路", "友谊路", "民生路",
    "兴业路", "长安路", "朝阳街", "青年路", "工业南路", "振兴街", "健康路", "育英街",
    "解放东路", "新村北路", "花园路", "明湖路",
)  # fmt: skip
_NOTES = (
    "请敲门大声些", "有狗", "需帮忙取药", "老人耳背，请多按几次门铃",
    "家属白天不在，送到后请电话确认", "送到后请看着老人吃几口",
    "楼道灯坏了，注意台阶", "门口放鞋柜上即可", "午饭后帮忙倒垃圾", "电梯常停，六楼要走上去",
)  # fmt: skip

# ------------------------------------------------------------------ attribute mixes
_CARE = ((CareLevel.DISABLED, 35), (CareLevel.SEMI_DISABLED, 45), (CareLevel.OTHER, 20))
_DIETS = (
    ("regular", 56), ("soft", 14), ("low-salt", 11), ("diabetic", 10), ("halal", 3),
    ("soft;low-salt", 3), ("low-salt;diabetic", 2), ("halal;soft", 1),
)  # fmt: skip
_HALAL_DIETS = (
    ("regular", 40), ("halal", 30), ("halal;soft", 6), ("halal;diabetic", 4), ("soft", 8),
    ("low-salt", 6), ("diabetic", 6),
)  # fmt: skip
_DAYS = (("", 52), ("daily", 20), ("weekdays", 15), ("mon,wed,fri", 9), ("tue,thu,sat", 4))
_WINDOWS = (
    (("", ""), 76), (("11:30", "12:00"), 9), (("11:00", "11:40"), 7), (("11:15", "12:15"), 5),
    (("11:45", "12:30"), 3),
)  # fmt: skip
_MODES = ((Mode.EBIKE, 68), (Mode.BIKE, 14), (Mode.WALK, 13), (Mode.CAR, 5))
_CAPACITY = {Mode.WALK: (4, 6), Mode.BIKE: (6, 8), Mode.EBIKE: (8, 12), Mode.CAR: (10, 12)}
_SHIFTS = ((("08:30", "17:00"), 65), (("10:00", "14:00"), 20), (("09:00", "13:30"), 15))

# Minutes at doors (service + ~2 min of stairs per client) one worker gets through in a
# lunch with the default settings (window 11:00-12:30, trips of at most an hour, a
# reload between): the budget behind a station's worker count. Checked with the
# solver on 40-client stations: 3 workers leave ~18 % unserved, 4 about 2 %, 5 none.
_DOOR_MIN_PER_WORKER = 85.0
# What a worker gets through by mode, relative to an e-bike (walkers reach fewer).
_PACE = {Mode.WALK: 0.6, Mode.BIKE: 0.85, Mode.EBIKE: 1.0, Mode.CAR: 1.0}


@dataclass(frozen=True)
class StreetOffice:
    """A Jinan street office (街道) or town (镇) of the reference file, WGS-84."""

    name: str
    code: str
    district: str
    lat: float
    lon: float


@dataclass(frozen=True)
class SampleSummary:
    """What :func:`write_sample` wrote."""

    stations: int
    workers: int
    clients: int
    paths: tuple[Path, ...]


def reference_file() -> Traversable:
    """The bundled Jinan street-office file: packed in the wheel, else in the checkout."""
    packed = resources.files("mealroute") / "_data" / "jinan_streets.csv"
    if packed.is_file():
        return packed
    return Path(mealroute.__file__).parents[1] / "data" / "jinan_streets" / "jinan_streets.csv"


def street_offices() -> tuple[StreetOffice, ...]:
    """Every street office of the reference file that has a point, in file order.

    Raises
    ------
    MealrouteError
        When the reference file is missing or unreadable.
    """
    source = reference_file()
    try:
        text = source.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise MealrouteError(f"cannot read the Jinan reference file {source}: {error}") from None
    offices = []
    for row in csv.DictReader(io.StringIO(text)):
        lat, lon = (row.get("lat_wgs84") or "").strip(), (row.get("lon_wgs84") or "").strip()
        if lat and lon:
            offices.append(
                StreetOffice(row["name"], row["code"], row["district"], float(lat), float(lon))
            )
    return tuple(offices)


def choose_offices(count: int, seed: int) -> tuple[StreetOffice, ...]:
    """``count`` street offices spread over the districts.

    Districts take turns in a seeded order, each giving a seeded street; the result is
    in reference-file (code) order. Jinan has 161 stations but the reference file has
    a point for only 133 street offices; beyond that, streets get a second station
    (二站) 1.5-3 km from the first, as large streets have, taking streets in a seeded
    order.
    """
    offices = street_offices()
    if count >= len(offices):
        rng = random.Random(f"mealroute-sample:{seed}:second-stations")
        extra: list[StreetOffice] = []
        for k, office in enumerate(rng.sample(offices, len(offices)) * (count // len(offices))):
            if len(offices) + len(extra) >= count:
                break
            lat, lon = _offset(
                office.lat, office.lon, rng.uniform(1500, 3000), rng.uniform(0, 2 * math.pi)
            )
            rank = 2 + k // len(offices)
            extra.append(
                StreetOffice(
                    f"{office.name}{_ORDINAL[rank]}站",
                    f"{office.code}-{rank}",
                    office.district,
                    lat,
                    lon,
                )
            )
        return offices + tuple(extra)
    rng = random.Random(f"mealroute-sample:{seed}:stations")
    by_district: dict[str, list[StreetOffice]] = {}
    for office in offices:
        by_district.setdefault(office.district, []).append(office)
    districts = sorted(by_district)
    rng.shuffle(districts)
    for district in districts:
        rng.shuffle(by_district[district])
    chosen: list[StreetOffice] = []
    while len(chosen) < count:
        for district in districts:
            if by_district[district] and len(chosen) < count:
                chosen.append(by_district[district].pop())
    order = {office.code: i for i, office in enumerate(offices)}
    return tuple(sorted(chosen, key=lambda office: order[office.code]))


class SampleExistsError(MealrouteError, FileExistsError):
    """A file of the sample exists and ``overwrite`` is false; nothing was written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} already exists; pass overwrite=True to replace it")


def write_sample(
    out_dir: Path,
    *,
    stations: int = 8,
    clients_per_station: int = 40,
    seed: int = 1,
    workers_per_station: tuple[int, int] = (3, 5),
    overwrite: bool = False,
) -> SampleSummary:
    """Write a synthetic but realistic Jinan data set: stations, workers and clients CSVs.

    Parameters
    ----------
    out_dir
        Directory to write into; created when missing.
    stations
        How many stations: at real street offices, and beyond the 133 that have a
        point, second stations of real streets (see :func:`choose_offices`).
    clients_per_station
        Clients of each station.
    seed
        The same seed writes the same bytes.
    workers_per_station
        Inclusive range of workers per station; a station's busiest day may push its
        count towards the upper end.
    overwrite
        Replace existing ``stations.csv``/``workers.csv``/``clients.csv``.

    Returns
    -------
    SampleSummary
        Counts and the paths written.

    Raises
    ------
    SettingsError
        When a count is out of range.
    MealrouteError
        When a file exists and ``overwrite`` is false (nothing is written then), or the
        reference file cannot be read.
    """
    low, high = workers_per_station
    if stations < 1:
        raise SettingsError(f"`stations` must be at least 1, got {stations!r}")
    if clients_per_station < 0:
        raise SettingsError(f"`clients_per_station` must be 0 or more, got {clients_per_station!r}")
    if not 1 <= low <= high:
        raise SettingsError(
            "`workers_per_station` must be (low, high) with 1 <= low <= high, "
            f"got {workers_per_station!r}"
        )
    out_dir = Path(out_dir)
    paths = tuple(out_dir / name for name in FILE_NAMES)
    if not overwrite:
        for path in paths:
            if path.exists():
                raise SampleExistsError(path)

    offices = choose_offices(stations, seed)
    halal = _halal_stations(offices, seed)
    width = 2 if len(offices) < 100 else 3
    station_rows, worker_rows, client_rows = [], [], []
    defaults = Settings()
    for number, office in enumerate(offices, start=1):
        station_id = f"S{number:0{width}d}"
        rng = random.Random(f"mealroute-sample:{seed}:{office.code}")
        station_rows.append(_station_row(rng, station_id, office))
        clients = _clients(rng, station_id, office, clients_per_station, office.code in halal)
        client_rows.extend(clients)
        worker_rows.extend(_workers(rng, station_id, clients, (low, high), defaults))

    out_dir.mkdir(parents=True, exist_ok=True)
    for path, table, rows in zip(
        paths, (STATIONS, WORKERS, CLIENTS), (station_rows, worker_rows, client_rows), strict=True
    ):
        path.write_bytes(_csv_bytes(table, rows))
    return SampleSummary(len(station_rows), len(worker_rows), len(client_rows), paths)


# ------------------------------------------------------------------------ internals
def _csv_bytes(table: Table, rows: Sequence[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    names = [column.name for column in table.columns]
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _pick[T](rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


_ORDINAL = {2: "二", 3: "三", 4: "四", 5: "五"}


def _halal_stations(offices: Sequence[StreetOffice], seed: int) -> set[str]:
    """One or two stations (a tenth of them in a big sample) with a Hui community."""
    count = min(
        len(offices), 1 if len(offices) < 4 else 2 if len(offices) <= 20 else len(offices) // 10
    )
    rng = random.Random(f"mealroute-sample:{seed}:halal")
    return {office.code for office in rng.sample(list(offices), count)}


def _offset(lat: float, lon: float, distance_m: float, bearing: float) -> tuple[float, float]:
    north, east = distance_m * math.cos(bearing), distance_m * math.sin(bearing)
    return (
        round(lat + north / _M_PER_DEG_LAT, 6),
        round(lon + east / (_M_PER_DEG_LAT * math.cos(math.radians(lat))), 6),
    )


def _phone(rng: random.Random) -> str:
    return f"138-0000-{rng.randrange(10_000):04d}"


def _name(rng: random.Random, female: bool, *, young: bool = False, hui: bool = False) -> str:
    surname = _pick(rng, _HUI_SURNAMES if hui and rng.random() < 0.6 else _SURNAMES)
    if young:
        return surname + rng.choice(_YOUNG_FEMALE if female else _YOUNG_MALE)
    return surname + rng.choice(_ELDER_FEMALE if female else _ELDER_MALE)


def _station_row(rng: random.Random, station_id: str, office: StreetOffice) -> dict[str, str]:
    return {
        "station_id": station_id,
        "name": f"{office.name}社工站",
        "lat": f"{office.lat:.6f}",
        "lon": f"{office.lon:.6f}",
        "address": f"济南市{office.district}{office.name}",
        "meals_ready": "10:40" if rng.random() < 0.2 else "",
        "phone": f"0531-0000{rng.randrange(10_000):04d}",
    }


@dataclass(frozen=True)
class _Place:
    lat: float
    lon: float
    address: str  # up to the building, e.g. "建设路12号 幸福小区3号楼"
    compound: bool


def _near(lat: float, lon: float, taken: Sequence[tuple[float, float]]) -> bool:
    """Whether the point is within _MIN_APART_M of one already taken (flat-earth metres)."""
    scale = math.cos(math.radians(lat))
    return any(
        math.hypot((lat - a) * _M_PER_DEG_LAT, (lon - b) * _M_PER_DEG_LAT * scale) < _MIN_APART_M
        for a, b in taken
    )


def _compound_spot(
    rng: random.Random, centre: tuple[float, float], taken: list[tuple[float, float]]
) -> tuple[float, float, int]:
    """A client's point within ~100 m of a compound's centre, and its building number.

    Buildings are the 30 m cells of a grid over the compound, numbered row by row, so
    neighbours share a building number; two clients are never within _MIN_APART_M.
    """
    for _ in range(100):
        spread = min(100.0, abs(rng.gauss(0.0, 45.0)))
        bearing = rng.uniform(0, 2 * math.pi)
        lat, lon = _offset(*centre, spread, bearing)
        if not _near(lat, lon, taken):
            break
    taken.append((lat, lon))
    north, east = spread * math.cos(bearing), spread * math.sin(bearing)
    return lat, lon, 1 + int((100 - north) // 30) * 7 + int((east + 100) // 30)


def _places(rng: random.Random, office: StreetOffice, count: int) -> list[_Place]:
    """Where the station's ``count`` clients live: mostly compounds, some single houses."""
    singles = sum(rng.random() < 0.12 for _ in range(count))
    in_compounds = count - singles
    compounds = min(in_compounds, max(2, min(6, round(count / 10) + rng.randint(-1, 1))))
    names = rng.sample(_COMPOUNDS, compounds)
    roads = rng.sample(_ROADS, len(_ROADS))
    centres = []
    for k in range(compounds):
        distance, bearing = rng.triangular(300, 2500, 900), rng.uniform(0, 2 * math.pi)
        street = f"{roads[k % len(roads)]}{rng.randint(1, 199)}号"
        centres.append((_offset(office.lat, office.lon, distance, bearing), street, names[k]))
    weights = [rng.uniform(0.5, 2.0) for _ in centres]
    taken: list[tuple[float, float]] = []
    places = []
    for _ in range(in_compounds):
        centre, street, compound = rng.choices(centres, weights=weights)[0]
        lat, lon, building = _compound_spot(rng, centre, taken)
        places.append(_Place(lat, lon, f"{street} {compound}{building}号楼", compound=True))
    for _ in range(singles):
        for _ in range(100):
            distance, bearing = rng.triangular(800, 3900, 1800), rng.uniform(0, 2 * math.pi)
            lat, lon = _offset(office.lat, office.lon, distance, bearing)
            if not _near(lat, lon, taken):
                break
        taken.append((lat, lon))
        if rng.random() < 0.5:  # an old courtyard house in town, or a village house
            address = f"{rng.choice(_ROADS)}{rng.randint(1, 300)}号院"
        else:
            address = f"{_pick(rng, _SURNAMES)}家庄{rng.randint(1, 120)}号"
        places.append(_Place(lat, lon, address, compound=False))
    rng.shuffle(places)
    return places


def _clients(
    rng: random.Random, station_id: str, office: StreetOffice, count: int, halal: bool
) -> list[dict[str, str]]:
    width = max(3, len(str(count)))
    phones = rng.sample(range(10_000), min(count, 10_000))
    rows = []
    for number, place in enumerate(_places(rng, office, count), start=1):
        care = _pick(rng, _CARE)
        couple = rng.random() < 0.10
        female = rng.random() < 0.62  # women outlive men
        if couple:
            name = f"{_name(rng, False, hui=halal)}、{_name(rng, True, hui=halal)}"
        else:
            name = _name(rng, female, hui=halal)
        skills = []
        if female and not couple and rng.random() < 0.18:
            skills.append("female")
        if care is CareLevel.DISABLED and rng.random() < 0.08:
            skills.append("wheelchair")
        window = _pick(rng, _WINDOWS)
        if place.compound:
            floor = rng.randint(1, 6)
            address = f"{place.address}{rng.randint(1, 4)}单元{floor}0{rng.randint(1, 2)}"
        else:
            address = place.address
        service = ""
        if rng.random() < 0.06:
            service = str(rng.choice((2, 3, 8, 12, 15)))
        rows.append(
            {
                "client_id": f"{station_id}-{number:0{width}d}",
                "name": name,
                "station_id": station_id,
                "lat": f"{place.lat:.6f}",
                "lon": f"{place.lon:.6f}",
                "care_level": str(care),
                "window_start": window[0],
                "window_end": window[1],
                "meals": "2" if couple else "",
                "diet": _pick(rng, _HALAL_DIETS if halal else _DIETS),
                "service_min": service,
                "skills": ";".join(skills),
                "days": _pick(rng, _DAYS),
                "address": address,
                "phone": f"139-0000-{phones[(number - 1) % len(phones)]:04d}",
                "notes": rng.choice(_NOTES) if rng.random() < 0.15 else "",
            }
        )
    return rows


_DUE = {
    "": frozenset(range(7)),
    "daily": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "mon,wed,fri": frozenset({0, 2, 4}),
    "tue,thu,sat": frozenset({1, 3, 5}),
}


def _workers_needed(clients: Sequence[dict[str, str]], settings: Settings) -> float:
    """Worker-equivalents the busiest weekday needs: door time plus stairs per client."""
    busiest = 0.0
    for day in range(7):
        minutes = 0.0
        for client in clients:
            if day not in _DUE[client["days"]]:
                continue
            service = client["service_min"]
            minutes += (
                float(service) if service else settings.service_min[CareLevel(client["care_level"])]
            )
            minutes += 2.0  # stairs, finding the door, a word with the family
        busiest = max(busiest, minutes)
    return busiest / _DOOR_MIN_PER_WORKER


def _mode(rng: random.Random, modes: Sequence[Mode]) -> Mode:
    mode = _pick(rng, _MODES)
    # One walker at most: the others cover the far compounds.
    return Mode.EBIKE if mode is Mode.WALK and Mode.WALK in modes else mode


def _workers(
    rng: random.Random,
    station_id: str,
    clients: Sequence[dict[str, str]],
    count_range: tuple[int, int],
    settings: Settings,
) -> list[dict[str, str]]:
    low, high = count_range
    modes: list[Mode] = []
    for _ in range(rng.randint(low, high)):
        modes.append(_mode(rng, modes))
    # A busy station gets more hands, up to the top of the range.
    needed = _workers_needed(clients, settings)
    while len(modes) < high and sum(_PACE[mode] for mode in modes) < needed:
        modes.append(_mode(rng, modes))
    # Still short: the slowest worker gets an e-bike.
    while sum(_PACE[mode] for mode in modes) < needed and min(_PACE[m] for m in modes) < 1:
        slowest = min(range(len(modes)), key=lambda j: _PACE[modes[j]])
        modes[slowest] = Mode.EBIKE
    count = len(modes)
    skills: list[set[str]] = []
    for _ in range(count):
        has = {"female"} if rng.random() < 0.65 else set()  # social work is mostly women
        skills.append(has | ({"wheelchair"} if rng.random() < 0.1 else set()))
    needs = sorted(
        {frozenset(filter(None, client["skills"].split(";"))) for client in clients}, key=sorted
    )
    for need in needs:  # every client's skills, together, in one worker of the station
        if not any(need <= has for has in skills):
            # Not a walker if it can be helped, and the one who lacks least of it.
            lacking = [
                (modes[j] is Mode.WALK, len(need - skills[j]), rng.random(), j)
                for j in range(count)
            ]
            skills[min(lacking)[3]] |= need
    rows = []
    for j in range(count):
        shift = _pick(rng, _SHIFTS)
        rows.append(
            {
                "worker_id": f"{station_id}-W{j + 1}",
                "name": _name(rng, "female" in skills[j], young=True),
                "station_id": station_id,
                "mode": str(modes[j]),
                "capacity": str(rng.randint(*_CAPACITY[modes[j]])),
                "shift_start": shift[0],
                "shift_end": shift[1],
                "skills": ";".join(sorted(skills[j])),
                "phone": _phone(rng),
            }
        )
    return rows
