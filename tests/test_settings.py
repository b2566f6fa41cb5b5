"""Settings: defaults, mealroute.toml and command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from mealroute.errors import SettingsError
from mealroute.model import CareLevel, Mode
from mealroute.settings import Settings, toml_block

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults_are_the_documented_ones() -> None:
    s = Settings()
    assert s.detour_factor == 1.3
    assert dict(s.speed_kmh) == {Mode.WALK: 4, Mode.BIKE: 10, Mode.EBIKE: 15, Mode.CAR: 20}
    assert s.service_s(CareLevel.DISABLED) == 600
    assert s.service_s(CareLevel.SEMI_DISABLED) == 300
    assert s.service_s(CareLevel.OTHER) == 180
    assert s.lunch_window == (11 * 3600, 12 * 3600 + 1800)
    assert s.meals_ready == 10 * 3600 + 1800
    assert (s.reload_min, s.max_min_after_departure, s.max_min_after_ready) == (5, 60, 120)


def test_toml_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "mealroute.toml"
    path.write_text(
        "[travel]\nspeed_kmh = { walk = 3.5 }\n"
        "[service]\nminutes = { disabled = 15 }\n"
        '[day]\nmeals_ready = "10点45"\n',
        encoding="utf-8",
    )
    s = Settings.from_toml(path)
    assert s.speed_kmh[Mode.WALK] == 3.5 and s.speed_kmh[Mode.CAR] == 20
    assert s.service_min[CareLevel.DISABLED] == 15 and s.service_min[CareLevel.OTHER] == 3
    assert s.meals_ready == 10 * 3600 + 45 * 60


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[travel]\ndetour = 2\n",
            "unknown key `travel.detour`; expected one of detour_factor, network, server, "
            "server_engine, snap_m, source, speed_kmh",
        ),
        ("[speed]\nwalk = 2\n", "unknown section [speed]; expected one of"),
        ("[travel]\nspeed_kmh = { scooter = 9 }\n", "unknown key `travel.speed_kmh.scooter`"),
        ('[day]\nmeals_ready = "noon"\n', "`day.meals_ready`: 'noon' is not a time of day"),
        ("[solver]\nwork_limit = 2.5\n", "`solver.work_limit` must be a whole number, got 2.5"),
        ('[output]\nlang = "fr"\n', "`output.lang` must be one of zh, en, got 'fr'"),
        ("[day]\nreload_min = -1\n", "`day.reload_min` must be 0..1440, got -1"),
        ("[day\n", "cannot read settings"),
    ],
)
def test_bad_toml_names_the_file_key_and_value(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mealroute.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        Settings.from_toml(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_command_line_wins_over_the_file_and_none_means_not_given(tmp_path: Path) -> None:
    (tmp_path / "mealroute.toml").write_text("[solver]\ntime_limit_s = 7\n", encoding="utf-8")
    s = Settings.for_data_dir(tmp_path)
    assert s.time_limit_s == 7
    assert s.replace(time_limit_s=None).time_limit_s == 7
    assert s.replace(time_limit_s=1.5).time_limit_s == 1.5


def test_settings_round_trip_through_plan_json_form() -> None:
    s = Settings(detour_factor=1.4, lang="en", reproducible=True)
    assert Settings.from_dict(s.to_dict()) == s


def test_the_readme_shows_every_setting_with_its_default() -> None:
    assert toml_block() in README.read_text("utf-8")


def test_a_bad_setting_is_said_in_chinese_too(tmp_path: Path) -> None:
    path = tmp_path / "mealroute.toml"
    path.write_text("[day]\nreload_min = -1\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        Settings.from_toml(path)
    assert caught.value.text("zh") == f"{path}：`day.reload_min` 应在 0..1440 之间，实际是 -1"


def test_deeply_nested_settings_are_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "mealroute.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(SettingsError, match="cannot read settings"):
        Settings.from_toml(path)
