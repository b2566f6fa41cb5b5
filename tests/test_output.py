"""Outputs are written whole or not at all, and never outside the output folder."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from mealroute import atomic
from mealroute.render.paths import inside, safe_name, worker_map


def test_a_failed_write_leaves_the_good_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    atomic.write_text(target, "good")
    with pytest.raises(RuntimeError), atomic.atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_ids_cannot_steer_files_out_of_the_folder(tmp_path: Path) -> None:
    assert "/" not in safe_name("../../etc/passwd") and ".." not in safe_name("../..")
    assert safe_name("a/b") != safe_name("a_b")
    path = inside(tmp_path, worker_map("../../x", "../../../y"))
    assert path.is_relative_to(tmp_path.resolve())
    with pytest.raises(ValueError, match="outside the output folder"):
        inside(tmp_path, PurePosixPath("../escape.html"))
