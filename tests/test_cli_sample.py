"""`mealroute sample` through the command line, then planned as a user would."""

from __future__ import annotations

from pathlib import Path

from .conftest import read_plan, run


def test_sample_writes_a_city_that_plans(tmp_path: Path) -> None:
    city = tmp_path / "city"
    result = run(
        "sample", city, "--stations", "2", "--clients-per-station", "12", "--seed", "7",
        "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote 2 stations" in result.stdout
    assert sorted(p.name for p in city.iterdir()) == ["clients.csv", "stations.csv", "workers.csv"]
    assert run("validate", city).exit_code == 0
    out = tmp_path / "plan"
    planned = run(
        "plan", city, "--date", "2026-12-01", "--out", out,
        "--reproducible", "--work-limit", "30", "--jobs", "1",
    )  # fmt: skip
    assert planned.exit_code in (0, 3), planned.output
    totals = read_plan(out)["totals"]
    assert totals["stations"] == 2
    assert totals["served"] + totals["unserved"] == totals["clients"] > 0


def test_sample_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    assert run("sample", tmp_path, "--stations", "1", "--clients-per-station", "3").exit_code == 0
    before = (tmp_path / "clients.csv").read_bytes()
    again = run("sample", tmp_path, "--stations", "1", "--clients-per-station", "5")
    assert again.exit_code == 1
    assert "stations.csv 已存在；如需替换，请加上 --overwrite" in again.stderr
    assert (tmp_path / "clients.csv").read_bytes() == before
    forced = run("sample", tmp_path, "--stations", "1", "--clients-per-station", "5", "--overwrite")
    assert forced.exit_code == 0
    assert (tmp_path / "clients.csv").read_bytes() != before


def test_every_command_has_help() -> None:
    for command in ("plan", "validate", "sample", "render"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Usage" in result.stdout
