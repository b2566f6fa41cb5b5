"""`mealroute render`: redraw a day's folder from plan.json alone."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run, write_data_dir

TUESDAY = "2026-12-01"
FAST = ("--reproducible", "--work-limit", "60", "--jobs", "1")


def test_render_redraws_the_day_in_the_other_language(tmp_path: Path, tiny_station: dict) -> None:
    data = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "out"
    assert run("plan", data, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh' in index
    again = tmp_path / "english"
    result = run("render", out / "plan.json", "--out", again, "--lang", "en")
    assert result.exit_code == 0, result.output
    english = (again / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in english
    assert (again / "stations" / "S1" / "map.html").is_file()
    assert (again / "routes.xlsx").is_file()
    # The redrawn pack is whole: the same plan (not planned again) beside its pages.
    assert json.loads((again / "plan.json").read_text("utf-8")) == json.loads(
        (out / "plan.json").read_text("utf-8")
    )


def test_render_refuses_what_is_not_a_plan(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps({"date": "2026-12-01"}), encoding="utf-8")
    result = run("render", bad, "--out", tmp_path / "x", "--lang", "en")
    assert result.exit_code == 1
    assert "not a mealroute plan: at (top)" in result.stderr
    assert not (tmp_path / "x").exists()
    bad.write_text("{", encoding="utf-8")
    assert "not JSON" in run("render", bad, "--lang", "en").stderr
    assert "No such file" in run("render", tmp_path / "missing.json").stderr


def test_the_pages_can_be_prepared_ahead_of_the_search() -> None:
    # `mealroute plan` compiles every page template in a thread while it plans.
    from mealroute.render import prepare
    from mealroute.render.i18n import html_environment

    for lang in ("zh", "en"):
        prepare(lang)
        environment = html_environment(lang)
        pages = environment.list_templates(extensions=["html"])
        assert "worker.html" in pages and "index.html" in pages
        assert environment.cache is not None
        cached = {name for (_, name) in environment.cache}
        assert cached >= set(pages), set(pages) - cached
