"""Advice: what would serve the clients a station left unserved, found by re-planning.

The key test plans a small station whose two workers cannot serve everyone, applies
each advice to the input files as a coordinator would (a row added to workers.csv, a
worker's mode, shift or capacity, the station's meals_ready) and plans again through
the command line: exactly the clients the advice named are then served too, and
everyone served before still is.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import json
import math
import os
import random
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mealroute.advice import Change, advise, advise_safely, best, candidates, needs_advice
from mealroute.messages.plan import advice_text
from mealroute.model import (
    CareLevel,
    Client,
    Message,
    Mode,
    Station,
    StationPlan,
    Worker,
)
from mealroute.parallel import plan_stations
from mealroute.planjson import plan_from_dict, plan_to_dict, read_plan
from mealroute.planner import plan_station
from mealroute.render.index import render_index
from mealroute.render.maps import render_station_map
from mealroute.settings import Settings
from mealroute.station_day import StationDay
from tests.checker import check_plan
from tests.conftest import checked_plan, run, write_table
from tests.plan_factory import (
    INJECTED_WORKER,
    assert_injection_is_text,
    hostile_plan,
    parse_html,
)

TUESDAY = dt.date(2026, 12, 1)
WORK = 30
SETTINGS = Settings(reproducible=True, work_limit=WORK)
OPTIONS = ("--date", TUESDAY.isoformat(), "--reproducible", "--work-limit", str(WORK), "--no-log")
CLIENT_NAMES = [
    "王秀英", "李桂兰", "张建国", "刘淑珍", "陈玉梅", "杨德明", "赵凤英", "黄志强",
    "周秀珍", "吴国华", "徐桂芳", "孙文明", "马玉兰", "朱德胜", "胡秀云", "郭建华",
]  # fmt: skip
LEVELS = ("disabled", "semi-disabled", "other")


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


# ----------------------------------------------------------------- the stations


def clients_around(station: tuple[float, float], count: int = 16) -> list[dict[str, Any]]:
    """``count`` clients 450 m to 1.3 km around ``station``, of every care level."""
    rnd = random.Random(3)
    rows = []
    for i in range(count):
        angle, radius = rnd.uniform(0, 2 * math.pi), rnd.uniform(0.004, 0.012)
        rows.append(
            {
                "client_id": f"C{i + 1}",
                "name": CLIENT_NAMES[i],
                "station_id": "S1",
                "lat": round(station[0] + radius * math.sin(angle), 6),
                "lon": round(station[1] + radius * math.cos(angle), 6),
                "care_level": LEVELS[i % 3],
                "address": f"泉城路{i + 1}号",
                "phone": f"1380000{i:04d}",
                "skills": "",
            }
        )
    return rows


def worker_row(ident: str, name: str, mode: str, capacity: int, shift: str, skills: str = ""):
    start, end = shift.split("–")
    return {
        "worker_id": ident,
        "name": name,
        "station_id": "S1",
        "mode": mode,
        "capacity": capacity,
        "shift_start": start,
        "shift_end": end,
        "skills": skills,
    }


def write_station(
    folder: Path,
    *,
    workers: list[dict[str, Any]],
    meals_ready: str = "10:30",
    clients: list[dict[str, Any]] | None = None,
) -> Path:
    folder.mkdir(parents=True)
    at = (36.6650, 117.0200)
    station = {"station_id": "S1", "name": "泉城路街道社工站", "lat": at[0], "lon": at[1]}
    write_table(folder / "stations.csv", [{**station, "meals_ready": meals_ready}])
    write_table(folder / "workers.csv", workers)
    write_table(folder / "clients.csv", clients or clients_around(at))
    return folder


def two_short_workers(folder: Path) -> Path:
    """An e-bike and a walking worker, 10:30–12:45: they cannot serve all 16."""
    return write_station(
        folder,
        workers=[
            worker_row("W1", "李娜", "ebike", 4, "10:30–12:45", "female"),
            worker_row("W2", "王强", "walk", 3, "10:30–12:45"),
        ],
    )


def late_meals_short_shift(folder: Path) -> Path:
    """Meals ready only at 11:00, and the walking worker goes home at 12:00."""
    return write_station(
        folder,
        meals_ready="11:00",
        workers=[
            worker_row("W1", "李娜", "ebike", 4, "10:30–12:45", "female"),
            worker_row("W2", "王强", "walk", 3, "10:30–12:00"),
        ],
    )


def nobody_with_a_wheelchair(folder: Path) -> Path:
    """Two e-bike workers serve 8 clients; one needs a wheelchair skill nobody has."""
    clients = clients_around((36.6650, 117.0200), 8)
    clients[4]["skills"] = "wheelchair"
    return write_station(
        folder,
        clients=clients,
        workers=[
            worker_row("W1", "李娜", "ebike", 4, "10:30–12:45", "female"),
            worker_row("W2", "王强", "ebike", 4, "10:30–12:45"),
        ],
    )


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def apply_advice(folder: Path, advice: dict[str, Any]) -> None:
    """Change the input files as the advice says, as a coordinator would."""
    code, params = advice["code"], advice["params"]
    workers = read_rows(folder / "workers.csv")
    stations = read_rows(folder / "stations.csv")
    by_id = {row["worker_id"]: row for row in workers}
    if code in ("advice_extra_worker", "advice_extra_skilled_worker"):
        skills = ";".join(params.get("skills", []))
        row = worker_row(
            "W9", "新来的", params["mode"], params["capacity"], params["shift"], skills
        )
        workers.append(row)
    elif code == "advice_faster_mode":
        by_id[params["worker_id"]]["mode"] = params["mode"]
    elif code == "advice_longer_shift":
        start, end = params["shift"].split("–")
        by_id[params["worker_id"]].update(shift_start=start, shift_end=end)
    elif code == "advice_more_capacity":
        by_id[params["worker_id"]]["capacity"] = str(params["capacity"])
    elif code == "advice_meals_earlier":
        stations[0]["meals_ready"] = params["ready"]
    else:
        raise AssertionError(f"no way to apply {code}")
    write_table(folder / "workers.csv", workers)
    write_table(folder / "stations.csv", stations)


def served_ids(station: dict[str, Any]) -> set[str]:
    return {s["client_id"] for r in station["routes"] for t in r["trips"] for s in t["stops"]}


def plan_folder(data: Path, out: Path, lang: str = "zh") -> tuple[Any, dict[str, Any]]:
    """Plan ``data`` into ``out`` with the command line; the checked plan.json."""
    result = run("plan", data, "--out", out, "--lang", lang, *OPTIONS)
    assert result.exit_code in (0, 3), result.output
    settings = Settings.for_data_dir(data).replace(reproducible=True, work_limit=WORK, lang=lang)
    return result, checked_plan(out, data, settings)


# ----------------------------------------------------------------- the user's path


@pytest.mark.parametrize(
    "station", [two_short_workers, late_meals_short_shift, nobody_with_a_wheelchair]
)
def test_each_advice_applied_to_the_input_serves_whom_it_promised(
    tmp_path: Path, station: Callable[[Path], Path]
) -> None:
    data = station(tmp_path / "data")
    _, plan = plan_folder(data, tmp_path / "out")
    before = plan["stations"][0]
    assert before["advice"], before["solver"]
    assert len(before["advice"]) <= 3
    served = served_ids(before)
    for k, advice in enumerate(before["advice"]):
        changed = tmp_path / f"changed-{k}"
        shutil.copytree(data, changed)
        apply_advice(changed, advice)
        _, again = plan_folder(changed, tmp_path / f"again-{k}")
        after = again["stations"][0]
        promised = set(advice["params"]["clients"])
        assert served_ids(after) == served | promised, advice
        assert after["served"] == before["served"] + advice["params"]["serves"]


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The two-short-workers station planned in Chinese and in English."""
    root = tmp_path_factory.mktemp("advised")
    data = two_short_workers(root / "data")
    found: dict[str, Any] = {"data": data, "root": root}
    for lang in ("zh", "en"):
        result, plan = plan_folder(data, root / lang, lang)
        found[lang] = {"stdout": result.stdout, "plan": plan, "out": root / lang}
    return found


def test_the_advice_does_not_change_the_plan(planned: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "off"
    shutil.copytree(planned["data"], data)
    (data / "mealroute.toml").write_text("[advice]\nenabled = false\n", encoding="utf-8")
    _, off = plan_folder(data, tmp_path / "out")
    on = planned["zh"]["plan"]
    assert on["stations"][0]["advice"] and off["stations"][0]["advice"] == []
    assert "advice_replans" not in off["stations"][0]["solver"]
    for key in ("routes", "unserved", "served"):
        assert on["stations"][0][key] == off["stations"][0][key], key
    assert on["plan_id"] == off["plan_id"]
    assert off["settings"]["advice"] == {"enabled": False, "seconds": 4}


def test_the_terminal_says_the_best_advice_per_station_without_names(
    planned: dict[str, Any],
) -> None:
    for lang, head in (("zh", "建议 S1："), ("en", "advice for S1: ")):
        stdout = planned[lang]["stdout"]
        station = planned[lang]["plan"]["stations"][0]
        lines = [line for line in stdout.splitlines() if line.startswith(head)]
        assert len(lines) == 1, stdout
        best_advice = Message.from_json(station["advice"][0])
        if "worker_id" in best_advice.params:
            params = {**best_advice.params, "worker": best_advice.params["worker_id"]}
            best_advice = Message(best_advice.code, params)
        assert lines[0].startswith(head + advice_text(best_advice, lang))
        for name in [*CLIENT_NAMES, "王强", "李娜", "泉城路"]:
            assert name not in stdout, name


def test_the_advice_is_said_in_the_language_of_the_pack(planned: dict[str, Any]) -> None:
    for lang, title, words in (
        ("zh", "怎样能送到他们", "未安排的"),
        ("en", "What would serve them", "unserved"),
    ):
        out = planned[lang]["out"]
        advice = planned[lang]["plan"]["stations"][0]["advice"]
        index = html.unescape((out / "index.html").read_text("utf-8"))
        overview = html.unescape((out / "stations" / "S1" / "map.html").read_text("utf-8"))
        assert title in index
        for item in advice:
            said = advice_text(Message.from_json(item), lang)
            assert words in said
            assert said in index and said in overview


def test_render_of_a_plan_with_advice_shows_it(planned: dict[str, Any], tmp_path: Path) -> None:
    result = run("render", planned["zh"]["out"] / "plan.json", "--lang", "en", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    page = parse_html((tmp_path / "index.html").read_text("utf-8"))
    items = [node for node in page.iter() if "advice-item" in node.attrs.get("class", "")]
    advice = planned["zh"]["plan"]["stations"][0]["advice"]
    assert [item.attrs["data-code"] for item in items] == [a["code"] for a in advice]
    first = advice_text(Message.from_json(advice[0]), "en")
    assert first in items[0].text()
    names = {c["client_id"]: c["name"] for c in planned["zh"]["plan"]["stations"][0]["unserved"]}
    assert all(names[ident] in items[0].text() for ident in advice[0]["params"]["clients"])


def test_a_plan_from_before_advice_still_reads_and_renders(
    planned: dict[str, Any], tmp_path: Path
) -> None:
    document = json.loads((planned["en"]["out"] / "plan.json").read_text("utf-8"))
    del document["settings"]["advice"]
    for station in document["stations"]:
        del station["advice"]
    (tmp_path / "plan.json").write_text(json.dumps(document), encoding="utf-8")
    assert read_plan(tmp_path / "plan.json").stations[0].advice == ()
    result = run("render", tmp_path / "plan.json", "--out", tmp_path / "pack")
    assert result.exit_code == 0, result.output
    assert 'id="advice"' not in (tmp_path / "pack" / "index.html").read_text("utf-8")


def test_the_checker_catches_advice_that_does_not_add_up(planned: dict[str, Any]) -> None:
    from mealroute.read.load import dataset_from_path

    dataset = dataset_from_path(planned["data"])
    document = planned["en"]["plan"]
    settings = SETTINGS.replace(lang="en")
    inputs = (dataset.clients, dataset.workers, dataset.stations, settings)
    assert check_plan(document, *inputs) == []
    station = document["stations"][0]
    someone_served = sorted(served_ids(station))[0]
    tampered = json.loads(json.dumps(document))
    advice = tampered["stations"][0]["advice"][0]["params"]
    advice["serves"] += 1
    advice["clients"].append(someone_served)
    problems = check_plan(tampered, *inputs)
    assert any("not unserved clients of the station" in p for p in problems), problems
    miscounted = json.loads(json.dumps(document))
    miscounted["stations"][0]["advice"][0]["params"]["of"] += 1
    problems = check_plan(miscounted, *inputs)
    assert any("of is" in p for p in problems), problems
    # An advice that serves one fewer, put before the full one, is out of order.
    reordered = json.loads(json.dumps(document))
    smaller = json.loads(json.dumps(station["advice"][0]))
    smaller["params"]["clients"] = smaller["params"]["clients"][:-1]
    smaller["params"]["serves"] -= 1
    level = {c.client_id: c.care_level for c in dataset.clients}
    smaller["params"]["disabled"] = sum(
        level[ident] == CareLevel.DISABLED for ident in smaller["params"]["clients"]
    )
    reordered["stations"][0]["advice"] = [smaller, station["advice"][0]]
    assert (
        check_plan(
            {
                **reordered,
                "stations": [
                    {**reordered["stations"][0], "advice": [station["advice"][0], smaller]}
                ],
            },
            *inputs,
        )
        == []
    )
    problems = check_plan(reordered, *inputs)
    assert any("not best first" in p for p in problems), problems


# ----------------------------------------------------------------- in-process


def station_day(
    *, workers: tuple[Worker, ...], ready: str = "10:30", count: int = 16
) -> StationDay:
    at = (36.6650, 117.0200)
    station = Station("S1", "泉城路街道社工站", *at, meals_ready=hm(ready))
    clients = tuple(
        Client(
            client_id=row["client_id"],
            name=row["name"],
            station_id="S1",
            lat=row["lat"],
            lon=row["lon"],
            care_level=CareLevel(row["care_level"]),
        )
        for row in clients_around(at, count)
    )
    return StationDay(station=station, workers=workers, clients=clients)


def worker(ident: str, mode: Mode, capacity: int, shift: str, **kw: Any) -> Worker:
    start, end = shift.split("–")
    return Worker(ident, f"name of {ident}", "S1", mode, capacity, hm(start), hm(end), **kw)


SHORT = station_day(
    workers=(
        worker("W1", Mode.EBIKE, 4, "10:30–12:45", skills=frozenset({"female"})),
        worker("W2", Mode.WALK, 3, "10:30–12:45"),
    )
)


@pytest.fixture(scope="module")
def short_plan() -> StationPlan:
    return plan_station(SHORT, TUESDAY, SETTINGS)


def test_the_candidates_are_like_the_station_s_own_workers() -> None:
    day = station_day(
        workers=(
            worker("W1", Mode.WALK, 3, "10:00–12:00"),
            worker("W2", Mode.WALK, 3, "10:00–12:00"),
            worker("W3", Mode.EBIKE, 5, "10:30–13:00"),
        )
    )
    said = [
        (change.kind, change.message) for change in candidates(day, Settings(), {"C1": "ran_out"})
    ]
    hired = {"shift": "10:00–12:00"}
    assert said == [
        (
            "advice_extra_worker",
            Message("advice_extra_worker", {"mode": "walk", "capacity": 3, **hired}),
        ),
        (
            "advice_extra_worker",
            Message("advice_extra_worker", {"mode": "ebike", "capacity": 5, **hired}),
        ),
        (
            "faster_mode",
            Message(
                "advice_faster_mode",
                {"worker": "name of W1", "worker_id": "W1", "mode": "ebike", "old_mode": "walk"},
            ),
        ),
        (
            "longer_shift",
            Message(
                "advice_longer_shift",
                {
                    "worker": "name of W1",
                    "worker_id": "W1",
                    "shift": "10:00–12:30",
                    "was": "10:00–12:00",
                    "minutes": 30,
                },
            ),
        ),
        (
            "meals_earlier",
            Message("advice_meals_earlier", {"ready": "10:00", "was": "10:30", "minutes": 30}),
        ),
        (
            "more_capacity",
            Message(
                "advice_more_capacity",
                {"worker": "name of W3", "worker_id": "W3", "capacity": 7, "was": 5},
            ),
        ),
    ]
    extra = candidates(day, Settings(), {"C1": "ran_out"})[0].day.workers
    assert [w.worker_id for w in extra] == ["W1", "W2", "W3", "+4"]


def test_no_change_nobody_could_use() -> None:
    # Everyone starts when meals are ready and works until long after the last meal:
    # meals earlier or a longer shift would change nothing; nobody walks.
    day = station_day(
        workers=(
            worker("W1", Mode.EBIKE, 4, "10:30–17:00"),
            worker("W2", Mode.CAR, 6, "10:30–17:00"),
        )
    )
    kinds = [change.kind for change in candidates(day, Settings(), {"C1": "ran_out"})]
    assert kinds == ["advice_extra_worker", "more_capacity"]  # the car: commonest and fastest


def test_a_missing_skill_alone_gets_only_a_worker_with_that_skill() -> None:
    day = SHORT
    clients = (dataclasses.replace(day.clients[0], skills=frozenset({"wheelchair"})),)
    day = dataclasses.replace(day, clients=clients + day.clients[1:])
    changes = candidates(day, Settings(), {"C1": "skill_missing"})
    assert [c.message.code for c in changes] == ["advice_extra_skilled_worker"]
    assert changes[0].message.params["skills"] == ["wheelchair"]
    assert changes[0].day.workers[-1].skills == {"wheelchair"}


def test_no_advice_where_no_worker_change_would_help(short_plan: StationPlan) -> None:
    too_early = Message("window_unreachable", {"window": "10:00–10:05", "earliest": "10:40"})
    unserved = tuple(dataclasses.replace(u, reason=too_early) for u in short_plan.unserved)
    plan = dataclasses.replace(short_plan, unserved=unserved)
    assert not needs_advice(plan, SETTINGS)
    assert advise(SHORT, TUESDAY, SETTINGS, plan) is plan
    assert not needs_advice(short_plan, SETTINGS.replace(advice=False))
    assert needs_advice(short_plan, SETTINGS)


def test_the_budget_bounds_the_re_plans(short_plan: StationPlan) -> None:
    now = [0.0]
    limits: list[float] = []

    def fake_plan(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
        limits.append(settings.time_limit_s)
        now[0] += settings.time_limit_s + 0.05  # the search, and a little setup
        return short_plan  # serves nobody more

    settings = Settings(time_limit_s=2, advice_s=1.5)
    count = len(candidates(SHORT, settings, {u.client_id: "ran_out" for u in short_plan.unserved}))
    advised = advise(
        SHORT, TUESDAY, settings, short_plan, plan_function=fake_plan, clock=lambda: now[0]
    )
    assert advised.advice == ()
    assert limits and all(limit <= min(2, 1.5 / count) for limit in limits)
    assert now[0] <= 1.5 + 0.05 * len(limits)  # the budget, and each re-plan's setup
    assert advised.solver["advice_replans"] == len(limits) < count
    assert advised.solver["advice_cut"] is True
    assert advised.routes == short_plan.routes and advised.unserved == short_plan.unserved


def test_a_small_budget_still_buys_a_re_plan(short_plan: StationPlan) -> None:
    now = [0.0]
    limits: list[float] = []

    def fake_plan(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
        limits.append(settings.time_limit_s)
        now[0] += settings.time_limit_s
        return short_plan

    settings = Settings(time_limit_s=2, advice_s=0.5)
    advise(SHORT, TUESDAY, settings, short_plan, plan_function=fake_plan, clock=lambda: now[0])
    assert limits == [0.3]  # not a share of 0.5 s too small to find anything


def test_reproducible_advice_is_bounded_by_work_not_by_the_clock(short_plan: StationPlan) -> None:
    now = [0.0]
    seen: list[Settings] = []

    def fake_plan(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
        seen.append(settings)
        now[0] += 100.0  # a slow machine
        return short_plan

    reasons = {u.client_id: "ran_out" for u in short_plan.unserved}
    advised = advise(
        SHORT, TUESDAY, SETTINGS, short_plan, plan_function=fake_plan, clock=lambda: now[0]
    )
    assert len(seen) == len(candidates(SHORT, SETTINGS, reasons))
    assert all(s == SETTINGS for s in seen)
    assert advised.solver["advice_cut"] is False


def test_a_change_that_leaves_out_someone_served_today_is_no_advice(
    short_plan: StationPlan,
) -> None:
    victim = short_plan.routes[0].stops[0].client_id  # served today

    def swap(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
        """A re-plan that serves more, but not ``victim``."""
        result = plan_station(day, date, settings)
        routes = tuple(
            dataclasses.replace(
                route,
                trips=tuple(
                    dataclasses.replace(
                        trip, stops=tuple(s for s in trip.stops if s.client_id != victim)
                    )
                    for trip in route.trips
                ),
            )
            for route in result.routes
        )
        return dataclasses.replace(result, routes=routes)

    advised = advise(SHORT, TUESDAY, SETTINGS, short_plan, plan_function=swap)
    assert advised.advice == ()
    assert advised.solver["advice_swaps"] == advised.solver["advice_replans"] > 0


def test_a_failing_re_plan_or_advice_costs_only_the_advice(
    short_plan: StationPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(day: StationDay, date: dt.date, settings: Settings) -> StationPlan:
        raise RuntimeError("solver bug")

    advised = advise(SHORT, TUESDAY, SETTINGS, short_plan, plan_function=broken)
    assert advised.advice == () and advised.routes == short_plan.routes

    def bug(*args: object, **kwargs: object) -> StationPlan:
        raise ValueError("advice bug")

    monkeypatch.setattr("mealroute.advice.advise", bug)
    kept = advise_safely(SHORT, TUESDAY, SETTINGS, short_plan)
    assert kept.routes == short_plan.routes and kept.advice == ()
    assert kept.solver["advice_error"] == "ValueError"


def die_while_advising(
    day: StationDay, date: dt.date, settings: Settings, plan: StationPlan
) -> StationPlan:
    """The advice's re-plan takes the process down (as a crash inside OR-Tools would)."""
    os.kill(os.getpid(), signal.SIGKILL)
    return plan


def test_a_crash_while_advising_keeps_the_station_s_plan(short_plan: StationPlan) -> None:
    plans = plan_stations([SHORT], TUESDAY, SETTINGS, jobs=1, advise=die_while_advising)
    assert plans[0].error is None
    assert plans[0].routes == short_plan.routes and plans[0].unserved == short_plan.unserved
    assert plans[0].advice == ()
    assert plans[0].solver["advice_error"] == "signal SIGKILL"


def test_the_best_first_a_few_and_of_one_kind_the_smaller(short_plan: StationPlan) -> None:
    def entry(kind: str, cost: int, disabled: int, serves: int) -> Any:
        change = Change(kind, cost, SHORT, Message(f"advice_{kind}"))
        score = (-disabled, 0, -serves, cost)
        message = Message(f"advice_{kind}", {"serves": serves, "cost": cost})
        return score, change, message

    found = [
        entry("meals_earlier", 60, 0, 3),
        entry("meals_earlier", 45, 0, 3),  # as much for a smaller change
        entry("extra_worker", 60, 1, 2),  # fewer in all, but one of them disabled
        entry("faster_mode", 20, 0, 3),
        entry("more_capacity", 10, 0, 1),
    ]
    kept = best(found)
    assert [(m.code, m.params["cost"]) for m in kept] == [
        ("advice_extra_worker", 60),
        ("advice_faster_mode", 20),
        ("advice_meals_earlier", 45),
    ]


def test_plan_json_keeps_the_advice(short_plan: StationPlan) -> None:
    from mealroute.model import Plan

    advised = advise(SHORT, TUESDAY, SETTINGS, short_plan)
    assert advised.advice
    plan = Plan(date=TUESDAY, stations=(advised,), settings=SETTINGS.to_dict())
    again = plan_from_dict(plan_to_dict(plan))
    assert again.stations[0].advice == advised.advice
    unadvised = Plan(date=TUESDAY, stations=(short_plan,), settings=SETTINGS.to_dict())
    off = Plan(
        date=TUESDAY, stations=(short_plan,), settings=SETTINGS.replace(advice=False).to_dict()
    )
    ids = {plan_to_dict(p)["plan_id"] for p in (plan, unadvised, off)}
    assert len(ids) == 1  # the advice, and whether it was on, do not name another plan


# ----------------------------------------------------------------- pages


def test_a_worker_s_name_in_an_advice_stays_text() -> None:
    plan = hostile_plan()
    station = plan.stations[0]
    unserved_id = station.unserved[0].client_id
    advice = Message(
        "advice_faster_mode",
        {
            "worker": INJECTED_WORKER,
            "worker_id": "W2",
            "mode": "ebike",
            "old_mode": "walk",
            "serves": 1,
            "of": len(station.unserved),
            "disabled": 0,
            "clients": [unserved_id],
        },
    )
    plan = dataclasses.replace(
        plan, stations=(dataclasses.replace(station, advice=(advice,)), *plan.stations[1:])
    )
    index = render_index(plan, lang="zh")
    assert_injection_is_text(index)
    overview = render_station_map(plan, plan.stations[0], lang="en", tiles="osm")
    for text, cls in ((index, "advice-item"), (overview, "mr-advice-item")):
        page = parse_html(text)
        assert not page.find_all("b"), "an injected <b> became an element"
        assert not any(name.startswith("on") for node in page.iter() for name in node.attrs)
        (item,) = page.find_all("li", cls)
        assert INJECTED_WORKER in item.text()
