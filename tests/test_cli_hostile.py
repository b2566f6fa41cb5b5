"""The command line against hostile and faulty input: a clear message, the right exit
code, never a traceback, and nothing half-written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import SAMPLE, read_plan, run, write_data_dir

TUESDAY = "2026-12-01"
FAST = ("--reproducible", "--work-limit", "30", "--jobs", "1", "--lang", "en")
ESC = "\x1b"


def plan_of(tmp_path: Path, tiny_station: dict) -> Path:
    """A planned day of the tiny station; returns its plan.json."""
    data_dir = write_data_dir(tmp_path / "data", **tiny_station)
    out = tmp_path / "day"
    assert run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST).exit_code == 0
    return out / "plan.json"


# ----------------------------------------------------------------- terminal markup


def test_file_text_is_never_terminal_markup(tmp_path: Path, tiny_station: dict) -> None:
    tiny_station["stations"][0]["station_id"] = "[/x]S1[bold red]"
    for row in tiny_station["workers"] + tiny_station["clients"]:
        row["station_id"] = "[/x]S1[bold red]"
    tiny_station["clients"][0]["client_id"] = f"C1{ESC}[31m{ESC}]0;pwned\a"
    tiny_station["clients"][0]["lat"] = "[/x]"  # a bad cell, quoted in a message
    data_dir = write_data_dir(tmp_path / "da[/x]ta", **tiny_station)
    out = tmp_path / "out[/x]"
    result = run("plan", data_dir, "--date", TUESDAY, "--out", out, *FAST)
    assert result.exit_code == 3, result.output
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown
    assert "[/x]S1[bold red]" in shown  # shown as typed, brackets and all
    assert "latitude '[/x]' is not a number" in shown
    assert ESC not in shown and "\a" not in shown
    assert "C1\\x1b[31m\\x1b]0;pwned\\x07" in shown  # visible, harmless
    assert read_plan(out)["stations"][0]["station_id"] == "[/x]S1[bold red]"
    unknown = run("plan", data_dir, "--date", TUESDAY, "--stations", "[/y]", *FAST)
    assert unknown.exit_code == 2
    assert "unknown station [/y]" in unknown.stderr


def test_a_settings_key_with_markup_is_named_plainly(tmp_path: Path, tiny_station: dict) -> None:
    data_dir = write_data_dir(tmp_path / "data", **tiny_station)
    (data_dir / "mealroute.toml").write_text('[solver]\n"[/x]" = 1\n', encoding="utf-8")
    result = run("plan", data_dir, "--date", TUESDAY, *FAST)
    assert result.exit_code == 1
    assert "unknown key `solver.[/x]`" in result.stderr


def test_deeply_nested_settings_are_a_message(tmp_path: Path, tiny_station: dict) -> None:
    data_dir = write_data_dir(tmp_path / "data", **tiny_station)
    (data_dir / "mealroute.toml").write_text("x = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    result = run("validate", data_dir, "--lang", "en")
    assert result.exit_code == 1
    assert "mealroute.toml: cannot read settings" in result.stderr
    assert "Traceback" not in result.stderr


# ----------------------------------------------------------------- usage


def test_usage_errors_exit_2_in_the_users_language(tmp_path: Path, tiny_station: dict) -> None:
    data_dir = write_data_dir(tmp_path / "data", **tiny_station)
    french = run("plan", data_dir, "--lang", "fr")
    assert french.exit_code == 2
    assert "用法错误：--lang 的值不对" in french.stderr
    assert run("validate", data_dir, "--lang", "fr").exit_code == 2
    bogus = run("plan", data_dir, "--bogus", "--lang", "en")
    assert bogus.exit_code == 2
    assert "no such option: --bogus" in bogus.stderr
    date = run("plan", data_dir, "--date", "2026-13-45", "--lang", "en")
    assert date.exit_code == 2
    assert "--date: '2026-13-45' is not a date; expected YYYY-MM-DD" in date.stderr


def test_help_names_values_and_defaults() -> None:
    for command in ("plan", "validate", "sample", "render"):
        text = run(command, "--help").stdout
        assert "<bool>" not in text and "<str>" not in text and "<int" not in text
    plan = " ".join(run("plan", "--help").stdout.split())
    for words in ("YYYY-MM-DD", "SECONDS", "Default: tomorrow", "else 2", "<zh|en>", "<osm|amap>"):
        assert words in plan, words


def test_a_time_limit_with_reproducible_is_said_to_have_no_effect(
    tmp_path: Path, tiny_station: dict
) -> None:
    data_dir = write_data_dir(tmp_path / "data", **tiny_station)
    result = run(
        "plan", data_dir, "--date", TUESDAY, "--out", tmp_path / "d", *FAST, "--time-limit", "9"
    )
    assert "--time-limit has no effect with --reproducible" in result.stderr
    assert read_plan(tmp_path / "d")["settings"]["solver"]["work_limit"] == 30


# ----------------------------------------------------------------- render


def mangled(plan_json: Path, change) -> Path:
    document = json.loads(plan_json.read_text("utf-8"))
    change(document)
    target = plan_json.parent.parent / "mangled.json"
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return target


def first_stop(document: dict) -> dict:
    return document["stations"][0]["routes"][0]["trips"][0]["stops"][0]


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        (
            "negative time",
            lambda d: first_stop(d).update(arrive="2026-11-30T23:00:00"),
            "a time lies outside the plan's date",
        ),
        ("impossible date", lambda d: d.update(date="2026-13-45"), "is not a 'date'"),
        (
            "full-width digits",
            lambda d: first_stop(d).update(start="２０２６-12-01T11:00:00"),
            "is not a 'local-datetime'",
        ),
        ("old schema", lambda d: d.update(schema_version=1), "schema version 1"),
        ("no stations", lambda d: d.pop("stations"), "'stations' is a required property"),
        (
            "unknown reason shape",
            lambda d: d["stations"][0]["routes"][0].update(trips="x"),
            "is not of type 'array'",
        ),
    ],
)
def test_render_refuses_a_broken_plan_with_a_message(
    tmp_path: Path, tiny_station: dict, name: str, change, expected: str
) -> None:
    source = mangled(plan_of(tmp_path, tiny_station), change)
    out = tmp_path / "redrawn"
    result = run("render", source, "--out", out, "--lang", "en")
    assert result.exit_code == 1, name
    assert "not a mealroute plan" in result.stderr and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_render_refuses_files_that_are_not_plans(tmp_path: Path) -> None:
    cases = {
        "nan.json": b'{"date": NaN}',
        "gb18030.json": json.dumps({"date": "二〇二六"}, ensure_ascii=False).encode("gb18030"),
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "empty.json": b"",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = run("render", path, "--out", tmp_path / "out", "--lang", "en")
        assert result.exit_code == 1, name
        assert "Traceback" not in result.stderr, name
        assert str(path) in result.stderr, name
    assert not (tmp_path / "out").exists()


def test_render_follows_a_symlinked_plan_and_redraws_beside_it(
    tmp_path: Path, tiny_station: dict
) -> None:
    real = plan_of(tmp_path, tiny_station)
    link = tmp_path / "today.json"
    link.symlink_to(real)
    result = run("render", link, "--out", tmp_path / "again", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert read_plan(tmp_path / "again")["plan_id"] == json.loads(real.read_text())["plan_id"]


def test_render_into_a_folder_that_cannot_be_written_is_a_message(
    tmp_path: Path, tiny_station: dict
) -> None:
    real = plan_of(tmp_path, tiny_station)
    locked = tmp_path / "locked"
    locked.mkdir()
    # Root may write anywhere, but not into an immutable folder; others get a read-only one.
    chattr = shutil.which("chattr")
    immutable = chattr and subprocess.run([chattr, "+i", str(locked)], check=False).returncode == 0
    if not immutable:
        if os.geteuid() == 0:
            pytest.skip("cannot make a folder read-only here (root, and chattr +i failed)")
        locked.chmod(0o500)
    try:
        result = run("render", real, "--out", locked / "day", "--lang", "en")
        assert result.exit_code == 1, result.output
        assert "cannot write the day's folder" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        if immutable:
            subprocess.run([chattr, "-i", str(locked)], check=True)
        locked.chmod(0o700)
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize(("lang", "said"), [("zh", "已中止"), ("en", "stopped")])
def test_ctrl_c_that_no_command_catches_is_told_in_the_users_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    """Ctrl-C where a command has no handler of its own (here while `validate` reads):
    exit 130 with one line, not click's silence or a traceback."""
    import mealroute.read.load

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mealroute.read.load, "dataset_from_path", interrupted)
    result = run("validate", SAMPLE, "--lang", lang)
    assert result.exit_code == 130
    assert result.stderr.strip() == said
