"""A day's folder through `mealroute plan`: one plan's files only, re-planning some
stations inside the day, the log of a nightly run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from mealroute.model import Message
from mealroute.settings import Settings

from .conftest import SAMPLE, checked_plan, read_plan, run, write_data_dir

TUESDAY = "2026-12-01"
FAST = ("--reproducible", "--work-limit", "40", "--jobs", "1")


def checked(out: Path, data_dir: Path, **settings: Any) -> dict[str, Any]:
    """plan.json of ``out``, after the independent checker has passed it."""
    return checked_plan(out, data_dir, Settings(reproducible=True, work_limit=40, **settings))


def pack_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def worker_pages(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("stations/*/worker-*.html")}


def two_stations(tiny_station: dict[str, Any]) -> dict[str, Any]:
    """tiny_station plus a second station S2 with one worker and one client."""
    data = json.loads(json.dumps(tiny_station))
    data["stations"].append(
        {"station_id": "S2", "name": "和平社工站", "lat": 36.6600, "lon": 117.0400}
    )
    data["workers"].append(
        {
            "worker_id": "W9",
            "name": "赵敏",
            "station_id": "S2",
            "mode": "walk",
            "capacity": 4,
            "shift_start": "10:00",
            "shift_end": "13:30",
        }
    )
    data["clients"].append(
        {
            "client_id": "C9",
            "name": "钱秀英",
            "station_id": "S2",
            "lat": 36.6620,
            "lon": 117.0420,
            "care_level": "disabled",
        }
    )
    return data


def test_three_runs_into_one_folder_leave_only_the_last_plans_files(
    tmp_path: Path, tiny_station: dict
) -> None:
    data_dir = tmp_path / "data"
    out = tmp_path / "day"
    write_data_dir(data_dir, **tiny_station)
    assert run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    first = checked(out, data_dir)
    assert worker_pages(out) == {"worker-W1.html", "worker-W2.html"}
    # W2 leaves the station: her page must not stay behind with yesterday's stops.
    tiny_station["workers"] = tiny_station["workers"][:1]
    write_data_dir(data_dir, **tiny_station)
    assert run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    assert worker_pages(out) == {"worker-W1.html"}
    second = checked(out, data_dir)
    assert second["plan_id"] != first["plan_id"]
    assert run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    third = read_plan(out)
    assert third["plan_id"] == second["plan_id"]  # the same plan has the same id
    assert worker_pages(out) == {"worker-W1.html"}
    # Every file of the folder is the third run's: none older than its plan.json.
    newest_plan = (out / "plan.json").stat().st_mtime
    assert all((out / f).stat().st_mtime >= newest_plan - 120 for f in pack_files(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".day.lock",
        "data",
        "day",
        "day.history",  # the plans the second and third runs replaced
        "day.log",
    ]
    # Two plans replaced; one file when both were the same plan made in the same second.
    assert len(list((tmp_path / "day.history").iterdir())) in (1, 2)


def test_an_idle_worker_stays_on_the_roster(tmp_path: Path, tiny_station: dict) -> None:
    tiny_station["clients"] = [tiny_station["clients"][2]]  # one client: one worker is idle
    data_dir = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "day"
    assert run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    plan = checked(out, data_dir)
    routes = plan["stations"][0]["routes"]
    assert [r["worker_id"] for r in routes] == ["W1", "W2"]
    assert sorted(len(r["trips"]) for r in routes) == [0, 1]
    assert plan["stations"][0]["workers"] == 2 and plan["stations"][0]["workers_used"] == 1
    assert worker_pages(out) == {"worker-W1.html", "worker-W2.html"}


def test_replanning_one_station_keeps_the_others(tmp_path: Path, tiny_station: dict) -> None:
    data = two_stations(tiny_station)
    data_dir = write_data_dir(tmp_path / "data", **data)
    out = tmp_path / "day"
    assert run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    before = read_plan(out)
    # The morning of: S2's client moves; only S2 is planned again.
    data["clients"][-1]["lat"] = 36.6650
    write_data_dir(data_dir, **data)
    result = run(
        "plan", data_dir, "--date", TUESDAY, "--out", out, "--stations", "S2", *FAST,
        "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "re-planned S2 in the day's plan; kept the plans of 1 other stations" in result.stdout
    after = read_plan(out)
    assert [s["station_id"] for s in after["stations"]] == ["S1", "S2"]
    assert after["stations"][0] == before["stations"][0]  # S1 untouched, its time too
    assert after["stations"][1]["routes"][0]["trips"][0]["stops"][0]["lat"] == 36.6650
    assert after["stations"][1]["planned_at"] >= before["stations"][1]["planned_at"]
    assert after["plan_id"] != before["plan_id"]
    assert after["totals"]["stations"] == 2 and after["totals"]["clients"] == 5
    index = (out / "index.html").read_text("utf-8")
    assert "S1" in index and "S2" in index
    assert {"S1", "S2"} <= {p.name for p in (out / "stations").iterdir()}
    checked(out, data_dir, lang="en")


def test_replanning_into_another_days_folder_is_refused(tmp_path: Path, tiny_station: dict) -> None:
    data_dir = write_data_dir(tmp_path / "data", **two_stations(tiny_station))
    out = tmp_path / "day"
    assert run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    before = (out / "plan.json").read_bytes()
    result = run(
        "plan", data_dir, "--date", "2026-12-02", "--out", out, "--stations", "S2", *FAST,
        "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "the folder holds the plan of 2026-12-01, not of 2026-12-02" in result.stderr
    assert (out / "plan.json").read_bytes() == before
    (data_dir / "mealroute.toml").write_text("[travel]\ndetour_factor = 1.5\n", encoding="utf-8")
    result = run(
        "plan", data_dir, "--date", TUESDAY, "--out", out, "--stations", "S2", *FAST,
        "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "made with other settings ([travel])" in result.stderr
    assert (out / "plan.json").read_bytes() == before


def test_the_nightly_log_has_a_line_per_station_and_no_personal_data(
    tmp_path: Path, tiny_station: dict
) -> None:
    tiny_station["workers"] = tiny_station["workers"][1:]  # C1 needs a female worker
    data_dir = write_data_dir(tmp_path / "data", **two_stations(tiny_station))
    out = tmp_path / "maps" / TUESDAY
    result = run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST, "--quiet")
    assert result.exit_code == 3
    assert result.stdout == ""  # quiet: the exit code and the log tell the rest
    log = (tmp_path / "maps" / f"{TUESDAY}.log").read_text("utf-8")
    lines = log.splitlines()
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d INFO start date=2026-12-01 ", lines[0])
    stations = [line for line in lines if "station=" in line]
    assert len(stations) == 2
    assert 'station="S1" status=planned clients=4 served=3 unserved=1 seconds=' in log
    assert re.search(r"INFO end status=written plan=[0-9a-f]{8} clients=5 unserved=1", log)
    for client in tiny_station["clients"]:
        assert client["name"] not in log
    # Another run appends; --log chooses the file; --no-log writes none.
    run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST, "--quiet")
    assert (tmp_path / "maps" / f"{TUESDAY}.log").read_text("utf-8").count(" start ") == 2
    other = tmp_path / "logs" / "nightly.log"
    run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST, "--log", other)
    assert other.read_text("utf-8").count(" start ") == 1
    run("plan", data_dir, "--date", TUESDAY, "--out", tmp_path / "x", *FAST, "--no-log")
    assert not (tmp_path / "x.log").exists()


def test_the_summary_speaks_the_packs_language(tmp_path: Path, tiny_station: dict) -> None:
    tiny_station["workers"] = tiny_station["workers"][1:]
    data_dir = write_data_dir(tmp_path / "data", **tiny_station)
    result = run("plan", data_dir, "--date", TUESDAY, "--out", tmp_path / "day", *FAST)
    assert result.exit_code == 3
    assert "2026-12-01 送餐规划" in result.stdout
    assert "未安排 S1 C1：没有具备“女性”技能的送餐员" in result.stdout
    assert "已写入" in result.stdout
    english = run(
        "plan", data_dir, "--date", TUESDAY, "--out", tmp_path / "day", *FAST, "--lang", "en"
    )
    assert "unserved S1 C1: no worker with skill female" in english.stdout
    assert Message("ran_out").text("zh") not in english.stdout


def test_a_sample_city_plans_with_every_station_in_the_summary(tmp_path: Path) -> None:
    if not SAMPLE.is_dir():
        pytest.skip("data/jinan (the bundled sample) is missing")
    out = tmp_path / "day"
    result = run(
        "plan", SAMPLE, "--date", TUESDAY, "--out", out, "--stations", "S01,S02",
        "--reproducible", "--work-limit", "30", "--jobs", "2",
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    assert [s["station_id"] for s in read_plan(out)["stations"]] == ["S01", "S02"]


def test_a_symlinked_plan_json_in_the_folder_is_replaced_not_followed(
    tmp_path: Path, tiny_station: dict
) -> None:
    data_dir = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "day"
    assert run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    elsewhere = tmp_path / "archive.json"
    (out / "plan.json").rename(elsewhere)
    (out / "plan.json").symlink_to(elsewhere)
    kept = elsewhere.read_bytes()
    result = run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    assert not (out / "plan.json").is_symlink()
    assert elsewhere.read_bytes() == kept  # the link's target is nobody's business of ours


def test_client_rows_without_a_station_are_listed_as_such(
    tmp_path: Path, tiny_station: dict
) -> None:
    data = two_stations(tiny_station)
    data["clients"][0]["station_id"] = ""  # in a two-station folder nobody can guess it
    data_dir = write_data_dir(tmp_path / "data", **data)
    out = tmp_path / "day"
    result = run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST, "--lang", "en")
    assert result.exit_code == 3
    [orphan] = [s for s in checked(out, data_dir, lang="en")["stations"] if s["station_id"] == "?"]
    assert orphan["error"]["code"] == "no_station_named"
    assert [u["client_id"] for u in orphan["unserved"]] == ["C1"]
    assert "these client rows name no station" in result.stdout


def test_planning_again_keeps_the_plan_it_replaces(
    tmp_path: Path,
    tiny_station: dict[str, Any],
) -> None:
    """The plan workers were given is kept beside the folder, and can be drawn again."""
    data = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "maps" / TUESDAY
    assert run("plan", data, "--date", TUESDAY, "--out", out, *FAST).exit_code in (0, 3)
    first = (out / "plan.json").read_bytes()
    first_id = json.loads(first)["plan_id"]
    assert not (tmp_path / "maps" / f"{TUESDAY}.history").exists()
    assert run("plan", data, "--date", TUESDAY, "--out", out, *FAST).exit_code in (0, 3)
    (kept,) = (tmp_path / "maps" / f"{TUESDAY}.history").iterdir()
    assert kept.name.startswith("plan-2") and kept.name.endswith(f"-{first_id}.json")
    assert kept.read_bytes() == first
    redrawn = run("render", kept, "--out", tmp_path / "again")
    assert redrawn.exit_code == 0, redrawn.stderr
    checked(out, data)
