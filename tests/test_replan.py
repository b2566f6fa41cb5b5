"""`mealroute replan`: the morning's changes, with as little upheaval as needed.

Each case plans a day with the CLI (reproducible mode), keeps a copy of the pack the
workers were sent, re-plans it with a changes file as a coordinator writes one (GBK
CSV, Chinese headers and words), and checks with the independent checker both the
new plan and what its revision says changed (tests/checker.py ``check_revision``).
Hand-made cases with known answers: an absence moves exactly the absent worker's
clients; a pause takes out one stop and leaves every other worker's page byte for
byte as it was; a pin is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mealroute.settings import Settings
from tests.conftest import checked_plan, run, write_changes, write_data_dir

MONDAY = dt.date(2026, 12, 7)
HEADERS = ["类型", "对象编号", "开始日期", "结束日期", "时间", "送餐员", "原因"]


def _station(folder: Path) -> Path:
    """One Jinan station, three workers, nine clients in three clusters, daily."""
    clusters = [(36.6650, 117.0200), (36.6700, 117.0260), (36.6610, 117.0280)]
    clients = [
        {
            "client_id": f"C{k}",
            "name": f"老人{k}",
            "station_id": "S1",
            "lat": clusters[k % 3][0] + 0.0006 * (k // 3),
            "lon": clusters[k % 3][1] + 0.0005 * (k // 3),
            "care_level": ("disabled", "semi-disabled", "other")[k % 3],
        }
        for k in range(9)
    ]
    workers = [
        {"worker_id": f"W{k}", "name": name, "station_id": "S1", "mode": "ebike",
         "capacity": 3, "shift_start": "10:30", "shift_end": "12:10"}
        for k, name in ((1, "李娜"), (2, "王强"), (3, "赵敏"))
    ]  # fmt: skip
    station = [{"station_id": "S1", "name": "泉城路街道社工站", "lat": 36.6650, "lon": 117.0230}]
    return write_data_dir(folder, stations=station, workers=workers, clients=clients)


def _changes(path: Path, rows: list[list[str]]) -> Path:
    return write_changes(path, HEADERS, rows)


def _doc(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "plan.json").read_text(encoding="utf-8")))


def _check(
    day: Path, data: Path, previous: dict[str, Any], changes: Path | None, at: int | None = None
) -> dict[str, Any]:
    """The re-plan in ``day``, passed by the checker against the data with ``changes``."""
    settings = Settings.for_data_dir(data).replace(reproducible=True)
    return checked_plan(day, data, settings, changes_file=changes, previous=previous, at=at)


def _workers_of(plan: dict[str, Any]) -> dict[str, str]:
    return {
        stop["client_id"]: route["worker_id"]
        for station in plan["stations"]
        for route in station["routes"]
        for trip in route["trips"]
        for stop in trip["stops"]
    }


def _route(plan: dict[str, Any], worker_id: str) -> list[tuple[str, str]]:
    (route,) = [r for s in plan["stations"] for r in s["routes"] if r["worker_id"] == worker_id]
    return [(s["client_id"], s["start"]) for t in route["trips"] for s in t["stops"]]


def _page(day: Path, worker_id: str) -> bytes:
    return (day / "stations" / "S1" / f"worker-{worker_id}.html").read_bytes()


@pytest.fixture
def planned(tmp_path: Path) -> tuple[Path, Path, Path, dict[str, Any]]:
    """The data, the day's folder, a copy of the pack as sent, and its plan.json."""
    data = _station(tmp_path / "data")
    day = tmp_path / "maps" / MONDAY.isoformat()
    result = run("plan", data, "--date", MONDAY.isoformat(), "--out", day,
                 "--reproducible", "--jobs", "1", "-q")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    sent = tmp_path / "sent"
    shutil.copytree(day, sent)
    first = _doc(day)
    assert len(set(_workers_of(first).values())) >= 2, "the case needs two busy workers"
    return data, day, sent, first


def _replan(day: Path, changes: Path, *options: str) -> Any:
    return run("replan", day, "--changes", changes, "--reproducible", "--jobs", "1", *options)


def test_an_absence_moves_exactly_the_absent_workers_clients(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, _, first = planned
    before = _workers_of(first)
    absent = max(set(before.values()), key=lambda w: sum(1 for v in before.values() if v == w))
    changes = _changes(tmp_path / "今天.csv", [["请假", absent, "2026-12-07", "", "", "", "病假"]])
    result = _replan(day, changes)
    assert result.exit_code == 0, result.stderr
    plan = _check(day, data, first, changes)
    after = _workers_of(plan)
    assert set(after) == set(before), "every client is still served"
    moved = {c for c in before if before[c] != after[c]}
    assert moved == {c for c, w in before.items() if w == absent}
    assert absent not in after.values()
    revision = plan["revision"]
    assert revision["moved"] == len(moved)
    assert revision["previous_plan_id"] == first["plan_id"]
    assert "换了送餐员" in result.stdout and "changes.html" in result.stdout
    # The replaced plan is kept beside the day's folder.
    kept = list((day.parent / f"{day.name}.history").glob("plan-*.json"))
    assert [json.loads(p.read_text("utf-8"))["plan_id"] for p in kept] == [first["plan_id"]]
    # The changes page names the absent worker's clients and where they went.
    page = (day / "changes.html").read_text("utf-8")
    for client in moved:
        assert f"({client})" in page
    assert "今天不出勤" in page


def test_a_pause_takes_out_one_stop_and_leaves_everyone_else_identical(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, sent, first = planned
    before = _workers_of(first)
    paused = sorted(before)[4]
    owner = before[paused]
    changes = _changes(tmp_path / "停餐.csv", [["住院", paused, "2026-12-07", "2026-12-09"]])
    result = _replan(day, changes)
    assert result.exit_code == 0, result.stderr
    plan = _check(day, data, first, changes)
    assert paused not in _workers_of(plan)
    # The owner keeps the others in the same order; everyone else keeps their day.
    assert [c for c, _ in _route(plan, owner)] == [
        c for c, _ in _route(first, owner) if c != paused
    ]
    for worker in set(before.values()) - {owner}:
        assert _route(plan, worker) == _route(first, worker)
        assert _page(day, worker) == _page(sent, worker), f"{worker}'s page changed"
    revision = plan["revision"]
    assert revision["moved"] == 0 and revision["no_longer_served"] == 1
    (changed,) = revision["workers"]
    assert changed["worker_id"] == owner
    assert [(s["kind"], s["client_id"]) for s in changed["stops"]] == [("removed", paused)]
    # The owner's page says what changed: the paused client is no longer theirs.
    page = _page(day, owner).decode("utf-8")
    assert "安排已更新" in page and f"不用再送：老人{paused[1:]}" in page


def test_a_second_replan_keeps_pages_it_does_not_touch(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, _, first = planned
    before = _workers_of(first)
    absent = sorted(set(before.values()))[0]
    one = _changes(tmp_path / "a.csv", [["请假", absent, "2026-12-07"]])
    assert _replan(day, one).exit_code == 0
    middle = _check(day, data, first, one)
    sent_again = tmp_path / "sent-again"
    shutil.copytree(day, sent_again)
    paused = next(c for c, w in sorted(_workers_of(middle).items()) if w != absent)
    two = _changes(
        tmp_path / "b.csv", [["请假", absent, "2026-12-07"], ["暂停", paused, "2026-12-07"]]
    )
    assert _replan(day, two).exit_code == 0
    last = _check(day, data, middle, two)
    touched = {w["worker_id"] for w in last["revision"]["workers"]}
    assert touched == {_workers_of(middle)[paused]}
    for route in last["stations"][0]["routes"]:
        if route["worker_id"] not in touched:
            # Byte for byte, marks of the first re-plan included.
            assert _page(day, route["worker_id"]) == _page(sent_again, route["worker_id"])


def test_a_new_client_is_added_without_moving_anyone(tmp_path: Path) -> None:
    data = _station(tmp_path / "data")
    with (data / "clients.csv").open("a", encoding="utf-8") as handle:
        handle.write("C9,老人9,S1,36.6655,117.0205,disabled\n")
    standing = _changes(data / "变动表.csv", [["新增", "C9", "2026-12-08"]])  # from tomorrow
    day = tmp_path / "day"
    result = run("plan", data, "--date", MONDAY.isoformat(), "--out", day,
                 "--reproducible", "--jobs", "1", "-q")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    first = _doc(day)
    assert "C9" not in _workers_of(first)
    # Referred yesterday: lunch from today after all.
    changes = _changes(tmp_path / "新客户.csv", [["新增", "C9", "2026-12-07"]])
    assert standing.is_file()
    result = _replan(day, changes)
    assert result.exit_code == 0, result.stderr
    plan = _check(day, data, first, changes)
    after = _workers_of(plan)
    assert "C9" in after
    assert all(after[c] == w for c, w in _workers_of(first).items())
    assert plan["revision"]["moved"] == 0 and plan["revision"]["newly_served"] == 1
    page = _page(day, after["C9"]).decode("utf-8")
    assert "新增" in page


def test_a_pin_is_kept_in_a_replan(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, _, first = planned
    before = _workers_of(first)
    client = sorted(before)[0]
    other = next(w for w in ("W1", "W2", "W3") if w != before[client])
    changes = _changes(tmp_path / "指定.csv", [["指定送餐员", client, "2026-12-07", "", "", other]])
    result = _replan(day, changes)
    assert result.exit_code == 0, result.stderr
    plan = _check(day, data, first, changes)
    assert _workers_of(plan)[client] == other
    assert plan["revision"]["moved"] >= 1


def test_replan_reports_a_bad_changes_row_and_applies_the_rest(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, _, first = planned
    paused = sorted(_workers_of(first))[1]
    changes = _changes(
        tmp_path / "变动.csv",
        [["请假", "W99", "2026-12-07"], ["暂停", paused, "2026-12-07"]],
    )
    result = _replan(day, changes)
    assert result.exit_code == 0, result.stderr
    assert "变动.csv" in result.stderr and "第2行" in result.stderr and "W99" in result.stderr
    plan = _check(day, data, first, changes)
    assert paused not in _workers_of(plan)


def test_replan_refuses_a_folder_without_a_plan(tmp_path: Path) -> None:
    changes = _changes(tmp_path / "c.csv", [["请假", "W1", "2026-12-07"]])
    (tmp_path / "empty").mkdir()
    result = run("replan", tmp_path / "empty", "--changes", changes)
    assert result.exit_code == 1
    assert "没有可重新规划的当天规划" in result.stderr
    assert not (tmp_path / "empty.history").exists()


def test_replan_of_a_missing_changes_file_changes_nothing(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    _, day, sent, first = planned
    result = _replan(day, tmp_path / "nope.csv")
    assert result.exit_code == 1
    assert _doc(day) == first
    assert _page(day, "W1") == _page(sent, "W1")


# ----------------------------------------------------------------- mid-round (--at)


def _trips(plan: dict[str, Any], worker_id: str) -> list[dict[str, Any]]:
    (route,) = [r for s in plan["stations"] for r in s["routes"] if r["worker_id"] == worker_id]
    return list(route["trips"])


def _on_the_road(plan: dict[str, Any], at: str) -> tuple[str, dict[str, Any]]:
    """A worker whose trip has left by ``at`` with stops still to serve, and that trip."""
    for station in plan["stations"]:
        for route in station["routes"]:
            for trip in route["trips"]:
                starts = [s["start"][11:16] for s in trip["stops"]]
                if trip["depart"][11:16] < at and starts[0] < at < starts[-1]:
                    return route["worker_id"], trip
    raise AssertionError(f"no trip on the road at {at}")


def test_mid_round_a_worker_who_drops_out_leaves_what_was_done_and_the_rest_goes_on(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, _, first = planned
    at = "11:05"
    worker, trip = _on_the_road(first, at)
    done = [s["client_id"] for s in trip["stops"] if s["start"][11:16] < at]
    rest = [s["client_id"] for s in trip["stops"] if s["start"][11:16] >= at]
    changes = _changes(
        tmp_path / "坏车.csv", [["早退", worker, "2026-12-07", "", at, "", "车坏了"]]
    )
    result = _replan(day, changes, "--at", at)
    assert result.exit_code == 0, result.stderr
    plan = _check(day, data, first, changes, 11 * 3600 + 5 * 60)
    after = _workers_of(plan)
    assert set(after) == set(_workers_of(first)), "everyone still has lunch"
    # What was done is done: the same stops at the same times, on the same trip.
    (cut,) = [t for t in _trips(plan, worker) if t["depart"] == trip["depart"]]
    assert [(s["client_id"], s["start"]) for s in cut["stops"]] == [
        (s["client_id"], s["start"]) for s in trip["stops"] if s["client_id"] in done
    ]
    # The meals of the rest are lost with the worker: others bring new ones from 11:05.
    for client in rest:
        assert after[client] != worker
    for other in {after[c] for c in rest}:
        assert all(
            t["depart"][11:16] >= at or t["depart"] in {u["depart"] for u in _trips(first, other)}
            for t in _trips(plan, other)
        )


def test_mid_round_a_cancelled_stop_leaves_the_meals_on_the_road_with_their_worker(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, _, first = planned
    at = "11:05"
    worker, trip = _on_the_road(first, at)
    rest = [s for s in trip["stops"] if s["start"][11:16] >= at]
    cancelled = rest[0]["client_id"]
    changes = _changes(tmp_path / "取消.csv", [["取消", cancelled, "2026-12-07"]])
    result = _replan(day, changes, "--at", at)
    assert result.exit_code == 0, result.stderr
    plan = _check(day, data, first, changes, 11 * 3600 + 5 * 60)
    (kept,) = [t for t in _trips(plan, worker) if t["depart"] == trip["depart"]]
    # The other meals on that bike stay on it, in order, never later than published.
    was = {s["client_id"]: s["start"] for s in trip["stops"]}
    assert [s["client_id"] for s in kept["stops"]] == [c for c in was if c != cancelled]
    assert all(s["start"] <= was[s["client_id"]] for s in kept["stops"])
    assert cancelled not in _workers_of(plan)


def test_the_checker_catches_meals_taken_off_a_bike_on_the_road(
    planned: tuple[Path, Path, Path, dict[str, Any]],
) -> None:
    from tests.checker import check_before

    _, _, _, first = planned
    worker, trip = _on_the_road(first, "11:05")
    forged = json.loads(json.dumps(first))
    for station in forged["stations"]:
        for route in station["routes"]:
            for t in route["trips"]:
                if route["worker_id"] == worker and t["depart"] == trip["depart"]:
                    t["stops"] = t["stops"][:-1]  # a remaining stop handed to nobody
    due = set(_workers_of(first))
    problems = check_before(forged, first, 11 * 3600 + 5 * 60, due)
    assert any("on the trip that left" in p for p in problems), problems
    early = json.loads(json.dumps(first))
    other = next(r for s in early["stations"] for r in s["routes"] if r["worker_id"] != worker)
    other["trips"].append({**trip, "depart": "2026-12-07T11:00:00"})
    assert any("before the re-plan" in p for p in check_before(early, first, 39900, due))


def test_replan_at_refuses_a_time_that_is_not_one(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    _, day, _, first = planned
    changes = _changes(tmp_path / "c.csv", [["暂停", "C1", "2026-12-07"]])
    result = _replan(day, changes, "--at", "午饭后")
    assert result.exit_code == 2
    assert "--at" in result.stderr and "11:20" in result.stderr
    assert _doc(day) == first


def test_replan_takes_a_plan_of_an_older_version_and_refuses_other_rules(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, _, first = planned
    # As written by a mealroute without the familiar-face settings.
    older = json.loads(json.dumps(first))
    for key in ("familiar_min", "same_order_min"):
        older["settings"]["day"].pop(key)
    (day / "plan.json").write_text(json.dumps(older, ensure_ascii=False), encoding="utf-8")
    # A preference may differ between the plan and the re-plan ...
    (data / "mealroute.toml").write_text("[day]\nfamiliar_min = 20\n", encoding="utf-8")
    changes = _changes(tmp_path / "c.csv", [["暂停", "C1", "2026-12-07"]])
    result = _replan(day, changes)
    assert result.exit_code == 0, result.stderr
    replanned = _doc(day)
    # ... a rule may not: the lunch window would mix two days in one.
    (data / "mealroute.toml").write_text('[day]\nlunch_window = ["11:30", "12:30"]\n')
    result = _replan(day, changes)
    assert result.exit_code == 1
    assert "无法重新规划" in result.stderr and "另一套设置（[day]）" in result.stderr
    assert _doc(day) == replanned


def test_mid_round_an_absence_starts_at_the_replan_only_for_a_worker_on_the_road(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, day, _, first = planned
    at = "11:05"
    worker, trip = _on_the_road(first, at)
    idle = next(r["worker_id"] for r in first["stations"][0]["routes"] if not r["trips"])
    changes = _changes(
        tmp_path / "请假.csv",
        [["请假", worker, "2026-12-07", "", "", "", "摔伤"], ["请假", idle, "2026-12-07"]],
    )
    result = _replan(day, changes, "--at", at)
    assert result.exit_code in (0, 3), result.stderr  # one worker left: some may go without
    plan = _check(day, data, first, changes, 11 * 3600 + 5 * 60)
    unserved = {u["client_id"] for u in plan["stations"][0]["unserved"]}
    assert set(_workers_of(plan)) | unserved == set(_workers_of(first)), "nobody is lost"
    assert (result.exit_code == 3) == bool(unserved)
    routes = {r["worker_id"]: r for r in plan["stations"][0]["routes"]}
    # What the injured worker delivered before 11:05 stays theirs; the idle one is away.
    done = [(s["client_id"], s["start"]) for s in trip["stops"] if s["start"][11:16] < at]
    (kept,) = [t for t in routes[worker]["trips"] if t["depart"] == trip["depart"]]
    assert [(s["client_id"], s["start"]) for s in kept["stops"]] == done
    assert idle not in routes


def test_replan_reads_a_changes_workbook_as_a_coordinator_keeps_it(
    planned: tuple[Path, Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    import openpyxl

    data, day, _, first = planned
    paused = sorted(_workers_of(first))[2]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "12月7日临时调整"  # a sheet name of the coordinator's own
    sheet.append(["泉城路街道社工站 今日变动"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "类型", "对象编号", "开始日期", "原因"])
    sheet.append([1, "住院", paused, "2026年12月7日", "女儿来电"])
    sheet.append(["合计", "1项"])
    path = tmp_path / "今日变动.xlsx"
    book.save(path)
    result = _replan(day, path)
    assert result.exit_code == 0, result.stderr
    plan = _check(day, data, first, path)
    assert paused not in _workers_of(plan)
    assert plan["revision"]["no_longer_served"] == 1
