"""The day's folder changes as a whole or not at all (mealroute.pack)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from mealroute.pack import HISTORY_KEPT, MARK, PackError, history_dir, is_pack, write_pack


def fill_with(*names: str, fail: bool = False):
    def fill(folder: Path) -> list[Path]:
        written = []
        for name in names:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(name, encoding="utf-8")
            written.append(path)
            if fail:
                raise RuntimeError("the disk is full")
        return written

    return fill


def files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text("utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARK
    }


def test_a_new_pack_replaces_the_old_one_entirely(tmp_path: Path) -> None:
    day = tmp_path / "2026-12-01"
    written = write_pack(day, fill_with("plan.json", "stations/S1/worker-W1.html"))
    assert written == [day / "plan.json", day / "stations/S1/worker-W1.html"]
    assert is_pack(day)
    write_pack(day, fill_with("plan.json", "stations/S1/worker-W2.html"))
    # W1's page of the old plan is gone: it must not send her to yesterday's doors.
    assert files(day) == {
        "plan.json": "plan.json",
        "stations/S1/worker-W2.html": "stations/S1/worker-W2.html",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == [".2026-12-01.lock", "2026-12-01"]


def test_a_failed_fill_leaves_the_old_pack_and_no_leftovers(tmp_path: Path) -> None:
    day = tmp_path / "day"
    write_pack(day, fill_with("plan.json", "index.html"))
    with pytest.raises(RuntimeError, match="the disk is full"):
        write_pack(day, fill_with("plan.json", fail=True))
    assert files(day) == {"plan.json": "plan.json", "index.html": "index.html"}
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


def test_leftovers_of_a_killed_run_are_cleared_by_the_next(tmp_path: Path) -> None:
    day = tmp_path / "day"
    write_pack(day, fill_with("plan.json"))
    killed = tmp_path / ".day.partial-0badc0de"
    (killed / "stations").mkdir(parents=True)
    (killed / "plan.json").write_text("half", encoding="utf-8")
    write_pack(day, fill_with("plan.json", "index.html"))
    assert not killed.exists()
    assert files(day) == {"plan.json": "plan.json", "index.html": "index.html"}


def test_a_folder_that_is_not_a_pack_is_never_replaced(tmp_path: Path) -> None:
    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    (desktop / "tax return.pdf").write_text("mine", encoding="utf-8")
    with pytest.raises(PackError, match="not empty and holds no mealroute day pack"):
        write_pack(desktop, fill_with("plan.json"))
    assert files(desktop) == {"tax return.pdf": "mine"}
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(PackError, match="is a file"):
        write_pack(a_file, fill_with("plan.json"))


def test_an_empty_folder_and_an_older_pack_may_be_replaced(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    write_pack(empty, fill_with("plan.json"))
    assert is_pack(empty)
    older = tmp_path / "older"
    older.mkdir()
    (older / "plan.json").write_text('{"schema_version": 1, "generator": "mealroute 0.1.0"}')
    (older / "index.html").write_text("old", encoding="utf-8")
    write_pack(older, fill_with("plan.json"))
    assert files(older) == {"plan.json": "plan.json"}


def test_a_symlinked_day_folder_keeps_its_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    write_pack(real, fill_with("plan.json"))
    link = tmp_path / "today"
    link.symlink_to(real, target_is_directory=True)
    write_pack(link, fill_with("index.html"))
    assert link.is_symlink()
    assert files(link) == {"index.html": "index.html"}


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("x", encoding="utf-8")
    with pytest.raises(PackError, match="cannot write the day's folder"):
        write_pack(tmp_path / "a file" / "day", fill_with("plan.json"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_parent_is_a_clear_error(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(PackError, match="cannot write the day's folder"):
            write_pack(parent / "day", fill_with("plan.json"))
    finally:
        parent.chmod(0o700)


def _plan_file(plan_id: str, planned_at: str) -> Callable[[Path], list[Path]]:
    def fill(folder: Path) -> list[Path]:
        path = folder / "plan.json"
        text = json.dumps({"generator": "mealroute", "plan_id": plan_id, "planned_at": planned_at})
        path.write_text(text, encoding="utf-8")
        return [path]

    return fill


def test_the_replaced_plan_is_kept_in_the_history(tmp_path: Path) -> None:
    day = tmp_path / "2026-12-01"
    write_pack(day, _plan_file("aaaa0001", "2026-11-30T16:00:00"))
    assert not history_dir(day).exists()  # nothing was replaced yet
    first = (day / "plan.json").read_bytes()
    write_pack(day, _plan_file("aaaa0002", "2026-12-01T08:40:00"))
    kept = sorted(history_dir(day).iterdir())
    assert [p.name for p in kept] == ["plan-20261130T160000-aaaa0001.json"]
    assert kept[0].read_bytes() == first  # byte for byte what workers were given
    for k in range(3, HISTORY_KEPT + 5):
        write_pack(day, _plan_file(f"aaaa{k:04d}", f"2026-12-01T09:{k:02d}:00"))
    kept = sorted(p.name for p in history_dir(day).iterdir())
    assert len(kept) == HISTORY_KEPT  # the oldest went first
    assert "plan-20261130T160000-aaaa0001.json" not in kept
    assert (
        json.loads((day / "plan.json").read_text("utf-8"))["plan_id"]
        == f"aaaa{HISTORY_KEPT + 4:04d}"
    )


def test_a_failed_run_adds_nothing_to_the_history(tmp_path: Path) -> None:
    day = tmp_path / "day"
    write_pack(day, _plan_file("bbbb0001", "2026-12-01T08:00:00"))
    with pytest.raises(RuntimeError):
        write_pack(day, fill_with("plan.json", fail=True))
    assert not history_dir(day).exists()
