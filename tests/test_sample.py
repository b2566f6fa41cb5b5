"""The synthetic city (`mealroute.sample`) and the bundled sample in data/jinan."""

from __future__ import annotations

import csv
import importlib.util
import re
import tempfile
from collections import Counter
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from mealroute.clock import parse_clock
from mealroute.errors import MealrouteError, SettingsError
from mealroute.model import CareLevel, Mode
from mealroute.read.checks import validate_dataset
from mealroute.read.columns import (
    CLIENTS,
    DAY_SETS,
    DIETS,
    SKILLS,
    STATIONS,
    WEEKDAY_WORDS,
    WORKERS,
    Table,
)
from mealroute.read.load import dataset_from_dir
from mealroute.sample import (
    FILE_NAMES,
    MAX_CLIENT_KM,
    SampleSummary,
    reference_file,
    street_offices,
    write_sample,
)

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "data" / "jinan_streets" / "jinan_streets.csv"
BUNDLED = REPO / "data" / "jinan"
TABLES = {"stations.csv": STATIONS, "workers.csv": WORKERS, "clients.csv": CLIENTS}


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def tables(directory: Path) -> dict[str, pd.DataFrame]:
    return {name.removesuffix(".csv"): read(directory / name) for name in FILE_NAMES}


def reference_rows() -> list[dict[str, str]]:
    with REFERENCE.open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["lat_wgs84"] and row["lon_wgs84"]]


def days_of(text: str) -> frozenset[int]:
    if text in DAY_SETS:
        return DAY_SETS[text]
    return frozenset(WEEKDAY_WORDS[word] for word in text.split(","))


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """A bigger sample for the proportions: 30 stations x 40 clients."""
    out = tmp_path_factory.mktemp("city")
    write_sample(out, stations=30, clients_per_station=40, seed=7)
    return tables(out)


# ------------------------------------------------------------------ determinism


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "a", seed=3)
    second = write_sample(tmp_path / "b", seed=3)
    for a, b in zip(first.paths, second.paths, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_different_seeds_write_different_clients(tmp_path: Path) -> None:
    write_sample(tmp_path / "a", seed=1)
    write_sample(tmp_path / "b", seed=2)
    for name in FILE_NAMES:
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


# ------------------------------------------------------------------ shape


def test_counts_and_summary(tmp_path: Path) -> None:
    summary = write_sample(
        tmp_path / "out", stations=5, clients_per_station=12, workers_per_station=(2, 4)
    )
    data = tables(tmp_path / "out")
    assert isinstance(summary, SampleSummary)
    assert summary.paths == tuple(tmp_path / "out" / name for name in FILE_NAMES)
    assert (summary.stations, summary.workers, summary.clients) == (
        len(data["stations"]),
        len(data["workers"]),
        len(data["clients"]),
    )
    assert summary.stations == 5
    assert summary.clients == 5 * 12
    assert set(data["clients"].groupby("station_id").size()) == {12}
    per_station = data["workers"].groupby("station_id").size()
    assert len(per_station) == 5
    assert per_station.between(2, 4).all()


@pytest.mark.parametrize("name", FILE_NAMES)
def test_files_are_utf8_with_bom_and_the_columns_of_columns_py(tmp_path: Path, name: str) -> None:
    write_sample(tmp_path, stations=2, clients_per_station=5)
    raw = (tmp_path / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table: Table = TABLES[name]
    frame = read(tmp_path / name)
    assert list(frame.columns) == [column.name for column in table.columns]
    for column in table.required:
        assert (frame[column] != "").all(), column


def test_ids_are_unique_and_refer_to_stations(tmp_path: Path) -> None:
    write_sample(tmp_path, stations=12, clients_per_station=30)
    data = tables(tmp_path)
    assert data["stations"]["station_id"].is_unique
    assert data["workers"]["worker_id"].is_unique
    assert data["clients"]["client_id"].is_unique
    stations = set(data["stations"]["station_id"])
    assert set(data["workers"]["station_id"]) == stations
    assert set(data["clients"]["station_id"]) == stations


def test_stations_are_real_street_offices(tmp_path: Path) -> None:
    write_sample(tmp_path, stations=10)
    reference = {row["name"]: row for row in reference_rows()}
    for station in read(tmp_path / "stations.csv").itertuples():
        office = reference[station.name.removesuffix("社工站")]
        assert (station.lat, station.lon) == (office["lat_wgs84"], office["lon_wgs84"])
        assert office["district"] in station.address


def test_stations_are_spread_over_districts(tmp_path: Path) -> None:
    write_sample(tmp_path, stations=8, seed=5)
    district = {row["name"]: row["district"] for row in reference_rows()}
    names = read(tmp_path / "stations.csv")["name"].str.removesuffix("社工站")
    assert len({district[name] for name in names}) == 8


def test_161_stations_use_every_office_then_second_stations_of_real_streets(
    tmp_path: Path,
) -> None:
    # Jinan has 161 stations; the reference file has a point for 133 street offices.
    summary = write_sample(tmp_path, stations=161, clients_per_station=2)
    stations = read(tmp_path / "stations.csv")
    names = list(stations["name"].str.removesuffix("社工站"))
    expected = [row["name"] for row in reference_rows()]
    assert summary.stations == 161
    assert len(expected) == 133
    assert set(expected) <= set(names)
    second = [name for name in names if name not in expected]
    assert len(second) == 161 - 133
    assert all(name.endswith("二站") and name.removesuffix("二站") in expected for name in second)
    assert stations["station_id"].is_unique


def test_reference_file_is_found_and_read() -> None:
    assert reference_file().is_file()
    offices = street_offices()
    assert len(offices) == len(reference_rows())
    assert all(36.0 < o.lat < 37.6 and 116.2 < o.lon < 118.0 for o in offices)  # Jinan


# ------------------------------------------------------------------ realism


def test_every_client_is_within_4_km_of_its_station(city: dict[str, pd.DataFrame]) -> None:
    home = {s.station_id: (float(s.lat), float(s.lon)) for s in city["stations"].itertuples()}
    km = [
        geodesic(home[c.station_id], (float(c.lat), float(c.lon))).km
        for c in city["clients"].itertuples()
    ]
    assert max(km) <= MAX_CLIENT_KM
    assert min(km) >= 0.15
    # Mostly in compounds 0.3-2.5 km away; a few single houses further out.
    assert sum(0.2 <= d <= 2.6 for d in km) / len(km) > 0.8


def test_clients_live_in_compounds(city: dict[str, pd.DataFrame]) -> None:
    compound = city["clients"]["address"].str.extract(r" (\S+?(?:小区|家园|花园|苑|园|新村))")[0]
    assert compound.notna().mean() > 0.75
    per_station = city["clients"].assign(compound=compound).groupby("station_id")["compound"]
    assert per_station.nunique().between(2, 6).all()


def test_no_two_clients_share_a_point(city: dict[str, pd.DataFrame]) -> None:
    # `validate` reads clients within 5 m but with different addresses as geocoding errors.
    clients = city["clients"]
    for _, group in clients.groupby("station_id"):
        points = sorted(zip(group.lat.astype(float), group.lon.astype(float), strict=True))
        for i, a in enumerate(points):
            for b in points[i + 1 :]:
                if b[0] - a[0] > 0.0001:
                    break
                assert geodesic(a, b).m >= 5


def test_attribute_mix_is_like_a_stations_list(city: dict[str, pd.DataFrame]) -> None:
    clients, workers = city["clients"], city["workers"]
    share = clients["care_level"].value_counts(normalize=True)
    assert share["disabled"] == pytest.approx(0.35, abs=0.05)
    assert share["semi-disabled"] == pytest.approx(0.45, abs=0.05)
    assert share["other"] == pytest.approx(0.20, abs=0.05)
    assert (clients["meals"] == "2").mean() == pytest.approx(0.10, abs=0.04)
    skills = clients["skills"].str.split(";")
    assert skills.map(lambda s: "female" in s).mean() == pytest.approx(0.10, abs=0.04)
    assert 0 < skills.map(lambda s: "wheelchair" in s).mean() < 0.06
    assert (clients["window_start"] == "").mean() > 0.6
    assert (clients["days"].isin(["", "daily"])).mean() > 0.6
    assert (clients["diet"] == "regular").mean() > 0.4
    assert (clients["notes"] != "").any()
    # Halal food gathers in a station or two with a Hui community.
    halal = clients["diet"].str.contains("halal").groupby(clients["station_id"]).mean()
    assert halal.max() > 0.25 > halal.median()
    modes = workers["mode"].value_counts(normalize=True)
    assert modes["ebike"] > 0.5


def test_values_are_ones_the_loader_knows(city: dict[str, pd.DataFrame]) -> None:
    clients, workers, stations = city["clients"], city["workers"], city["stations"]
    assert set(clients["care_level"]) <= {str(level) for level in CareLevel}
    assert set(workers["mode"]) <= {str(mode) for mode in Mode}
    for cell in clients["diet"]:
        assert all(word in DIETS for word in cell.split(";")), cell
    for cell in [*clients["skills"], *workers["skills"]]:
        assert all(word in SKILLS for word in cell.split(";") if word), cell
    for cell in clients["days"]:
        assert days_of(cell)
    for row in clients.itertuples():
        if row.window_start or row.window_end:
            assert parse_clock(row.window_start) < parse_clock(row.window_end)
        if row.service_min:
            assert 0 < float(row.service_min) <= 30
    for row in workers.itertuples():
        assert parse_clock(row.shift_start) <= parse_clock("10:30")
        assert parse_clock(row.shift_end) >= parse_clock("13:00")
        assert 4 <= int(row.capacity) <= 12
    assert set(stations["meals_ready"]) <= {"", "10:40"}


def test_phone_numbers_are_plainly_fake(city: dict[str, pd.DataFrame]) -> None:
    assert city["clients"]["phone"].str.fullmatch(r"139-0000-\d{4}").all()
    assert city["workers"]["phone"].str.fullmatch(r"138-0000-\d{4}").all()
    assert city["stations"]["phone"].str.fullmatch(r"0531-0000\d{4}").all()


def test_every_needed_skill_has_a_worker(city: dict[str, pd.DataFrame]) -> None:
    for station_id, clients in city["clients"].groupby("station_id"):
        workers = city["workers"][city["workers"]["station_id"] == station_id]
        offered = [set(cell.split(";")) for cell in workers["skills"]]
        for cell in clients["skills"]:
            needed = set(cell.split(";")) - {""}
            assert any(needed <= skills for skills in offered), (station_id, needed)


def test_busy_stations_get_more_workers(tmp_path: Path) -> None:
    write_sample(tmp_path / "small", stations=10, clients_per_station=15)
    write_sample(tmp_path / "big", stations=10, clients_per_station=45)
    small = read(tmp_path / "small" / "workers.csv").groupby("station_id").size()
    big = read(tmp_path / "big" / "workers.csv").groupby("station_id").size()
    assert big.mean() > small.mean()
    assert big.between(3, 5).all()


@settings(max_examples=25, deadline=None)
@given(
    stations=st.integers(1, 6),
    clients=st.integers(0, 25),
    seed=st.integers(0, 10_000),
    low=st.integers(1, 4),
    extra=st.integers(0, 2),
)
def test_invariants_hold_for_any_seed_and_size(
    stations: int, clients: int, seed: int, low: int, extra: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        summary = write_sample(
            Path(tmp),
            stations=stations,
            clients_per_station=clients,
            seed=seed,
            workers_per_station=(low, low + extra),
        )
        data = tables(Path(tmp))
    assert summary.clients == stations * clients == len(data["clients"])
    assert data["workers"].groupby("station_id").size().between(low, low + extra).all()
    assert data["clients"]["client_id"].is_unique
    home = {s.station_id: (float(s.lat), float(s.lon)) for s in data["stations"].itertuples()}
    for client in data["clients"].itertuples():
        distance = geodesic(home[client.station_id], (float(client.lat), float(client.lon))).km
        assert distance <= MAX_CLIENT_KM


# ------------------------------------------------------------------ safety


def test_refuses_to_overwrite_and_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "clients.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(MealrouteError, match=re.escape(str(tmp_path / "clients.csv"))):
        write_sample(tmp_path)
    assert (tmp_path / "clients.csv").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "stations.csv").exists()  # nothing written


def test_overwrite_replaces_the_files(tmp_path: Path) -> None:
    write_sample(tmp_path, seed=1)
    before = (tmp_path / "clients.csv").read_bytes()
    write_sample(tmp_path, seed=2, overwrite=True)
    assert (tmp_path / "clients.csv").read_bytes() != before


def test_creates_the_directory(tmp_path: Path) -> None:
    write_sample(tmp_path / "a" / "b", stations=1, clients_per_station=3)
    assert (tmp_path / "a" / "b" / "clients.csv").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"stations": 0}, "`stations`"),
        ({"clients_per_station": -1}, "`clients_per_station`"),
        ({"workers_per_station": (0, 3)}, "`workers_per_station`"),
        ({"workers_per_station": (4, 3)}, "`workers_per_station`"),
    ],
)
def test_bad_counts_are_refused(tmp_path: Path, arguments: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        write_sample(tmp_path, **arguments)
    assert not any(tmp_path.iterdir())


# ------------------------------------------------------------------ data/jinan


def make_jinan() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_jinan", REPO / "data" / "make_jinan.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_sample_is_what_make_jinan_writes(tmp_path: Path) -> None:
    make_jinan().build(tmp_path)
    for name in FILE_NAMES:
        assert (tmp_path / name).read_bytes() == (BUNDLED / name).read_bytes(), name


def test_bundled_sample_mixes_encodings_and_languages() -> None:
    stations = (BUNDLED / "stations.csv").read_bytes()
    workers = (BUNDLED / "workers.csv").read_bytes()
    clients = (BUNDLED / "clients.csv").read_bytes()
    assert stations.startswith(b"\xef\xbb\xbf")
    assert not workers.startswith(b"\xef\xbb\xbf")
    workers.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        clients.decode("utf-8")
    text = clients.decode("gbk")
    header = text.splitlines()[0].split(",")
    assert header[:6] == ["客户编号", "姓名", "所属站点", "纬度", "经度", "失能等级"]
    assert "服务时长（分钟）" in header
    for word in ("失能", "半失能", "每天", "工作日", "周一、周三、周五", "清真", "女"):
        assert f",{word}" in text, word


def test_bundled_sample_size() -> None:
    stations = read(BUNDLED / "stations.csv")
    workers = read(BUNDLED / "workers.csv")
    clients = pd.read_csv(BUNDLED / "clients.csv", encoding="gbk", dtype=str, keep_default_na=False)
    assert 6 <= len(stations) <= 10
    assert workers.groupby("station_id").size().between(3, 5).all()
    assert clients.groupby("所属站点").size().between(30, 50).all()
    assert len(clients) < 500
    counts = Counter(clients["失能等级"])
    assert set(counts) == {"失能", "半失能", "其他"}
    assert (clients["份数"] == "2").any()


def test_bundled_sample_loads_without_problems() -> None:
    dataset = dataset_from_dir(BUNDLED)
    assert dataset.issues == ()
    assert dataset.rejected == ()
    clients = pd.read_csv(BUNDLED / "clients.csv", encoding="gbk", dtype=str)
    assert len(dataset.clients) == len(clients)
    assert len(dataset.stations) == len(read(BUNDLED / "stations.csv"))
    assert {c.diet for c in dataset.clients} >= {
        frozenset({"regular"}),
        frozenset({"halal"}),
        frozenset({"halal", "soft"}),
    }
    assert any(c.days == frozenset({0, 2, 4}) for c in dataset.clients)
    assert any("female" in c.skills for c in dataset.clients)
    assert validate_dataset(dataset) == ()


def test_generated_sample_loads_without_problems(tmp_path: Path) -> None:
    summary = write_sample(tmp_path, stations=6, clients_per_station=35, seed=11)
    dataset = dataset_from_dir(tmp_path)
    assert dataset.issues == ()
    assert dataset.rejected == ()
    assert len(dataset.clients) == summary.clients
    assert len(dataset.workers) == summary.workers
    assert validate_dataset(dataset) == ()
