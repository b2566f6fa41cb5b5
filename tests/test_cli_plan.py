"""`mealroute plan` end to end: the files a coordinator has in, the day's folder out."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mealroute.model import Message
from mealroute.planjson import plan_schema

from .conftest import SAMPLE, read_plan, run, write_data_dir

TUESDAY = "2026-12-01"
FAST = ("--reproducible", "--work-limit", "60", "--jobs", "1", "--lang", "en")


def served_ids(plan: dict[str, Any]) -> list[str]:
    return [
        stop["client_id"]
        for station in plan["stations"]
        for route in station["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    ]


def unserved(plan: dict[str, Any]) -> dict[str, str]:
    """Each unserved client's reason, in English."""
    return {
        u["client_id"]: Message.from_json(u["reason"]).text("en")
        for s in plan["stations"]
        for u in s["unserved"]
    }


def test_tiny_station_all_served_exit_0(tmp_path: Path, tiny_station: dict) -> None:
    data = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "out"
    result = run("plan", data, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    plan = read_plan(out)
    jsonschema.validate(plan, plan_schema())
    # Tuesday: C4 (mon,wed,fri) is not due; everyone else is served exactly once.
    assert sorted(served_ids(plan)) == ["C1", "C2", "C3", "C5"]
    assert unserved(plan) == {}
    assert plan["date"] == TUESDAY and plan["weekday"] == "tue"
    # C1 needs a female worker: only W1 has the skill.
    by_client = {
        stop["client_id"]: route["worker_id"]
        for route in plan["stations"][0]["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    }
    assert by_client["C1"] == "W1"
    assert "S1" in result.stdout and "served" in result.stdout


def test_routes_csv_is_excel_friendly_and_in_visiting_order(
    tmp_path: Path, tiny_station: dict
) -> None:
    data = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "out"
    run("plan", data, "--date", TUESDAY, "--out", out, *FAST)
    raw = (out / "routes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows Chinese intact
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert {row["name"] for row in rows} >= {"张桂兰", "刘建国"}
    plan = read_plan(out)
    expected = [
        (route["worker_id"], stop["client_id"], stop["arrive"][11:16])
        for route in plan["stations"][0]["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    ]
    assert [(r["worker_id"], r["client_id"], r["arrive"]) for r in rows] == expected


def test_unserved_client_gives_exit_3_and_a_reason(tmp_path: Path, tiny_station: dict) -> None:
    tiny_station["workers"] = [w for w in tiny_station["workers"] if w["worker_id"] == "W2"]
    data = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "out"
    result = run("plan", data, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code == 3, result.output
    assert unserved(read_plan(out)) == {"C1": "no worker with skill female"}
    assert "C1: no worker with skill female" in result.stdout
    assert "张桂兰" not in result.stdout + result.stderr  # names stay out of the terminal log


def test_bad_row_makes_that_client_unserved_and_the_rest_are_planned(
    tmp_path: Path, tiny_station: dict
) -> None:
    tiny_station["clients"][1]["lat"] = "36.6x"
    tiny_station["clients"][2]["station_id"] = "S9"
    data = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "out"
    result = run("plan", data, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code == 3, result.output
    plan = read_plan(out)
    reasons = unserved(plan)
    assert set(reasons) == {"C2", "C3"}
    assert reasons["C2"].startswith("clients.csv, row 3: ")
    assert reasons["C3"].startswith("clients.csv, row 4: ")
    assert "S9" in reasons["C3"]
    assert sorted(served_ids(plan)) == ["C1", "C5"]
    jsonschema.validate(plan, plan_schema())


def test_missing_file_is_exit_1_and_writes_nothing(tmp_path: Path, tiny_station: dict) -> None:
    data = write_data_dir(tmp_path / "data", **tiny_station)
    (data / "workers.csv").unlink()
    out = tmp_path / "out"
    result = run("plan", data, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code == 1
    assert "workers" in result.stderr
    assert not out.exists()


def test_usage_errors_are_exit_2(tmp_path: Path, tiny_station: dict) -> None:
    data = write_data_dir(tmp_path / "data", **tiny_station)
    assert run("plan", data, "--date", "1 Dec").exit_code == 2
    assert run("plan", data, "--jobs", "0").exit_code == 2
    result = run("plan", data, "--date", TUESDAY, "--stations", "S1,S7", *FAST)
    assert result.exit_code == 2
    assert "unknown station S7; known: S1" in result.stderr


def test_bad_settings_file_is_exit_1_naming_the_key(tmp_path: Path, tiny_station: dict) -> None:
    data = write_data_dir(tmp_path / "data", **tiny_station)
    (data / "mealroute.toml").write_text("[travel]\ndetour_factor = 0.5\n", encoding="utf-8")
    result = run("plan", data, "--date", TUESDAY, "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 1
    assert "mealroute.toml: `travel.detour_factor` must be 1..5, got 0.5" in result.stderr


def test_settings_file_changes_the_plan(tmp_path: Path, tiny_station: dict) -> None:
    data = write_data_dir(tmp_path / "data", **tiny_station)
    (data / "mealroute.toml").write_text(
        '[day]\nlunch_window = ["11:30", "12:30"]\nmeals_ready = "11:00"\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    assert run("plan", data, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    plan = read_plan(out)
    assert plan["settings"]["day"]["lunch_window"] == ["11:30", "12:30"]
    for route in plan["stations"][0]["routes"]:
        for trip in route["trips"]:
            assert trip["depart"] >= f"{TUESDAY}T11:00:00"
            assert all(stop["start"] >= f"{TUESDAY}T11:30:00" for stop in trip["stops"])


def test_parallel_and_serial_runs_give_the_same_plan(tmp_path: Path) -> None:
    if not SAMPLE.is_dir():
        pytest.skip("data/jinan (the bundled sample) is missing")
    plans = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        result = run(
            "plan", SAMPLE, "--date", TUESDAY, "--out", out, "--reproducible",
            "--work-limit", "40", "--jobs", jobs, "--stations", "S01,S02,S03",
        )  # fmt: skip
        assert result.exit_code in (0, 3), result.output
        document = read_plan(out)
        document.pop("planned_at")
        for station in document["stations"]:
            station.pop("planned_at")
            station["solver"].pop("seconds", None)
            for timing in ("wall_s", "advice_s"):  # wall-clock seconds differ by run
                station["solver"].pop(timing, None)
        plans.append(json.dumps(document, sort_keys=True))
    assert plans[0] == plans[1]


def test_a_drawing_failure_writes_nothing_and_keeps_the_previous_pack(
    tmp_path: Path, tiny_station: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mealroute.render

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise RuntimeError("no fonts")

    data = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "out"
    assert run("plan", data, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(mealroute.render, "render_day", broken)
    tiny_station["workers"] = tiny_station["workers"][1:]
    write_data_dir(tmp_path / "data", **tiny_station)
    result = run("plan", data, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr
    assert "RuntimeError: no fonts" in result.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # the previous pack, every file of it, untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == [".out.lock"]
